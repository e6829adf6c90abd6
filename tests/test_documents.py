"""Tests for documents/render.py and the templates package (PDF output)."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents.render import (
    TEMPLATES_DIR,
    FetchRefused,
    SealedURLFetcher,
    html_to_pdf,
    render_html,
    render_pdf,
)
from domain.text import BIDI_CONTROLS

HOSTILE_NOTE = (
    '<b>tebal</b><img src="http://127.0.0.1:9/x.png">'
    '<link rel="attachment" href="file:///etc/passwd">'
)
SIGN_MARK = "DITANDATANGANI SECARA ELEKTRONIK MELALUI LKJ-BOT"
LONG_FILE_NAME = (
    "rekapitulasi_penertiban_pedagang_kaki_lima_dan_bangunan_liar_"
    "kecamatan_coblong_sukajadi_cidadap_triwulan_III_2026_final_revisi_2.xlsx"
)


# --------------------------------------------------------------------------- #
# Sample contexts
# --------------------------------------------------------------------------- #


def _hex(seed: str) -> str:
    import hashlib

    return hashlib.sha256(seed.encode()).hexdigest()


def quarterly_context(status: str = "draft", *, note: str | None = None) -> dict:
    """Realistic context of a Laporan Data Kinerja Triwulan in `status`."""
    unit = {
        "name": "Satuan Polisi Pamong Praja",
        "city": "Bandung",
        "address": "Jl. Cianjur No. 34, Kelurahan Kacapiring, Kecamatan Batununggal, "
        "Kota Bandung 40271",
        "code": "satpolpp-bdg",
    }
    long_note = (
        "Mohon dihimpun seluruh data capaian indikator kinerja utama Triwulan III, "
        "meliputi jumlah patroli ketertiban umum, penegakan Peraturan Daerah, penanganan "
        "pengaduan masyarakat, dan pembinaan pedagang kaki lima di 30 kecamatan. Data "
        "agar disertai bukti dukung (berita acara, dokumentasi, dan rekapitulasi) yang "
        "telah diverifikasi oleh kepala seksi masing-masing, serta diselaraskan dengan "
        "Rencana Aksi dan Perjanjian Kinerja Tahun 2026. Apabila terdapat capaian di "
        "bawah target, mohon dilengkapi analisis penyebab dan rencana tindak lanjut."
    )
    ctx: dict = {
        "unit": unit,
        "title": "LAPORAN DATA KINERJA TRIWULAN III TAHUN 2026",
        "triwulan": "III",
        "year": 2026,
        "period_label": "1 Juli 2026 \u2013 30 September 2026",
        "status": status,
        "document_number": "LKJ/2026/TW-III/001" if status != "draft" else None,
        "dispositions": [
            {
                "step": 1,
                "from_name": "Drs. Bambang Sukardi, M.Si.",
                "from_position": "Kepala Satuan Polisi Pamong Praja Kota Bandung",
                "to_label": "Sekretaris",
                "note": note if note is not None else "Segera proses sesuai SOP pelaporan kinerja.",
                "at": "Senin, 5 Oktober 2026 pukul 09.00 WIB",
                "deadline": "Senin, 5 Oktober 2026 pukul 09.15 WIB",
            },
            {
                "step": 2,
                "from_name": "Hj. Rina Marlina, S.H., M.H.",
                "from_position": "Sekretaris Satuan Polisi Pamong Praja",
                "to_label": "Kasubbag Umum dan Kepegawaian",
                "note": long_note,
                "at": "Senin, 5 Oktober 2026 pukul 09.12 WIB",
                "deadline": "Senin, 5 Oktober 2026 pukul 10.00 WIB",
            },
        ],
        "division_note": "Pembagian tugas berdasarkan bidang masing-masing.\n"
        "Berkas diunggah dalam format XLSX atau PDF.",
        "assignments": [
            {
                "member_name": "Agus Setiawan, S.Sos.",
                "member_nip": "198503122010011004",
                "member_position": "Analis Ketenteraman dan Ketertiban Umum",
                "note": "Data patroli dan penertiban Triwulan III.",
                "deadline": "Jumat, 9 Oktober 2026 pukul 16.00 WIB",
                "items": [
                    {
                        "title": "Data patroli ketertiban umum",
                        "files": [
                            {
                                "name": "patroli_tw3.xlsx",
                                "sha256": _hex("patroli"),
                                "size": "12,4 KB",
                                "uploaded_at": "Rabu, 7 Oktober 2026 pukul 10.15 WIB",
                            },
                            {
                                "name": LONG_FILE_NAME,
                                "sha256": _hex("pkl"),
                                "size": "1,2 MB",
                                "uploaded_at": "Rabu, 7 Oktober 2026 pukul 10.20 WIB",
                            },
                        ],
                    },
                    {"title": "Data penanganan pengaduan masyarakat", "files": []},
                ],
            },
            {
                "member_name": "Dewi Lestari, A.Md.",
                "member_nip": "199107242015032002",
                "member_position": "Pengelola Data Penegakan Perda",
                "note": long_note,
                "deadline": "Jumat, 9 Oktober 2026 pukul 16.00 WIB",
                "items": [
                    {
                        "title": "Rekapitulasi penegakan Peraturan Daerah",
                        "files": [
                            {
                                "name": "penegakan_perda_tw3.pdf",
                                "sha256": _hex("perda"),
                                "size": "340,0 KB",
                                "uploaded_at": "Kamis, 8 Oktober 2026 pukul 14.02 WIB",
                            }
                        ],
                    }
                ],
            },
        ],
        "revisions": [],
        "paraf": None,
        "signature": None,
        "generated_at": "Selasa, 13 Oktober 2026 pukul 14.21 WIB",
        "verification_note": (
            "Persetujuan (paraf dan tanda tangan) pada dokumen ini dicatat oleh lkj-bot; "
            "bukan tanda tangan elektronik tersertifikasi (TTE BSrE)."
        ),
    }
    if status == "draft":
        # Optional: the intended signer, shown (without signature) on drafts.
        ctx["signer"] = {
            "name": "Drs. Bambang Sukardi, M.Si.",
            "nip": "196905201990031006",
            "position": "Kepala Satuan Polisi Pamong Praja Kota Bandung",
            "place": "Bandung",
        }
    if status in ("paraf", "signed"):
        ctx["revisions"] = [
            {
                "by_name": "Hj. Rina Marlina, S.H., M.H.",
                "by_position": "Sekretaris Satuan Polisi Pamong Praja",
                "at": "Senin, 12 Oktober 2026 pukul 11.30 WIB",
                "reason": "Lampirkan berita acara patroli bulan Agustus.",
                "marks": [{"code": "IKU-2", "reason": "Angka tidak sesuai rekap."}],
            }
        ]
        ctx["paraf"] = {
            "name": "Hj. Rina Marlina, S.H., M.H.",
            "nip": "197806152003122005",
            "position": "Sekretaris Satuan Polisi Pamong Praja",
            "at": "Selasa, 13 Oktober 2026 pukul 10.05 WIB",
        }
    if status == "signed":
        ctx["signature"] = {
            "name": "Drs. Bambang Sukardi, M.Si.",
            "nip": "196905201990031006",
            "position": "Kepala Satuan Polisi Pamong Praja Kota Bandung",
            "place": "Bandung",
            "date": "13 Oktober 2026",
            "at": "Selasa, 13 Oktober 2026 pukul 14.20 WIB",
        }
    return ctx


def disposition_context() -> dict:
    return {
        "unit": quarterly_context()["unit"],
        "agenda_number": "001/DISP/TW-III/2026",
        "received_at": "Senin, 5 Oktober 2026 pukul 08.55 WIB",
        "from_label": "Kepala Satuan Polisi Pamong Praja Kota Bandung",
        "subject": "Penyusunan Laporan Data Kinerja Triwulan III Tahun 2026",
        "urgency": "segera",
        "to_label": "Sekretaris",
        "instructions": ["proses lebih lanjut", "koordinasikan"],
        "note": "Mohon segera dikoordinasikan dengan Kasubbag Umum dan Kepegawaian.\n"
        + HOSTILE_NOTE,
        "deadline": "Senin, 5 Oktober 2026 pukul 09.15 WIB",
        "attachments": ["Perjanjian Kinerja 2026.pdf", "Rencana Aksi 2026.pdf"],
        "disposer": {
            "name": "Drs. Bambang Sukardi, M.Si.",
            "nip": "196905201990031006",
            "position": "Kepala Satuan Polisi Pamong Praja Kota Bandung",
            "at": "Senin, 5 Oktober 2026 pukul 09.00 WIB",
        },
    }


# --------------------------------------------------------------------------- #
# Helpers / fixtures (one render per document variant)
# --------------------------------------------------------------------------- #


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _flat(text: str) -> str:
    """Collapse whitespace so wrapped phrases still match."""
    return " ".join(text.split())


def _has_embedded_files(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        return True
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                return True
    return bool(reader.attachments)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    out = {}
    for status in ("draft", "paraf", "signed"):
        ctx = quarterly_context(status, note=HOSTILE_NOTE if status == "draft" else None)
        out[status] = render_pdf("quarterly_report.html", ctx)
    out["disposition"] = render_pdf("disposition_sheet.html", disposition_context())
    return out


@pytest.fixture(scope="module")
def texts(pdfs: dict[str, bytes]) -> dict[str, str]:
    return {key: _text(pdf) for key, pdf in pdfs.items()}


# --------------------------------------------------------------------------- #
# Quarterly report
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("status", ["draft", "paraf", "signed"])
def test_quarterly_report_content(status: str, pdfs: dict, texts: dict) -> None:
    assert pdfs[status].startswith(b"%PDF-")
    text = texts[status]
    flat = _flat(text)
    assert "SATUAN POLISI PAMONG PRAJA" in text
    assert "PEMERINTAH KOTA BANDUNG" in text
    assert "Satuan Polisi Pamong Praja Kota Bandung" in flat
    assert "TRIWULAN III TAHUN 2026" in flat
    assert "patroli_tw3.xlsx" in text
    assert "penegakan_perda_tw3.pdf" in text
    # Long file names wrap; the characters are all there.
    assert LONG_FILE_NAME in re.sub(r"\s+", "", text)
    assert _hex("patroli")[:12] in text
    assert "Belum ada berkas" in text
    n_pages = len(PdfReader(io.BytesIO(pdfs[status])).pages)
    assert f"Halaman 1 dari {n_pages}" in flat
    assert f"Halaman {n_pages} dari {n_pages}" in flat


def test_draft_has_watermark_and_no_signature(texts: dict) -> None:
    flat = _flat(texts["draft"])
    assert "DRAF" in flat
    assert SIGN_MARK not in flat
    assert "DIPARAF MELALUI LKJ-BOT" not in flat
    assert "(belum diberi nomor)" in flat
    assert "RIWAYAT PERBAIKAN" not in flat


def test_paraf_shows_paraf_but_no_signature(texts: dict) -> None:
    flat = _flat(texts["paraf"])
    assert "DIPARAF MELALUI LKJ-BOT" in flat
    assert "Hj. Rina Marlina, S.H., M.H." in flat
    assert "Selasa, 13 Oktober 2026 pukul 10.05 WIB" in flat
    assert SIGN_MARK not in flat
    assert "Drs. Bambang Sukardi" in flat  # only as disposer in section I
    assert "NIP. 19690520 199003 1 006" not in flat
    assert "RIWAYAT PERBAIKAN" in flat
    assert "Lampirkan berita acara patroli bulan Agustus." in flat


def test_signed_shows_signature(texts: dict) -> None:
    flat = _flat(texts["signed"])
    assert SIGN_MARK in flat
    assert "pada Selasa, 13 Oktober 2026 pukul 14.20 WIB" in flat
    assert "Drs. Bambang Sukardi, M.Si." in flat
    assert "NIP. 19690520 199003 1 006" in flat
    assert "Bandung, 13 Oktober 2026" in flat
    assert "Hj. Rina Marlina, S.H., M.H." in flat
    assert "LKJ/2026/TW-III/001" in flat
    assert "DRAF" not in flat
    assert "bukan tanda tangan elektronik tersertifikasi" in flat


def test_hostile_note_is_literal_and_nothing_embedded(pdfs: dict, texts: dict) -> None:
    squeezed = re.sub(r"\s+", "", texts["draft"])
    assert re.sub(r"\s+", "", HOSTILE_NOTE) in squeezed
    assert not _has_embedded_files(pdfs["draft"])
    assert b"/EmbeddedFiles" not in pdfs["draft"]
    assert b"/FileAttachment" not in pdfs["draft"]


def test_html_escapes_user_text() -> None:
    html = render_html("quarterly_report.html", quarterly_context("draft", note=HOSTILE_NOTE))
    assert "<b>tebal</b>" not in html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html
    assert '<img src="http://' not in html
    assert '<link rel="attachment"' not in html


def test_bidi_controls_never_reach_a_document() -> None:
    """Text that never passed a chat form (a workbook's kendala, a roster name) is cleaned
    when the template writes it."""
    note = "Catatan \u202eterbalik\u202c dan \u2067isolasi\u2069 \u200fselesai"
    html = render_html("quarterly_report.html", quarterly_context("draft", note=note))
    assert "Catatan terbalik dan isolasi selesai" in html
    assert not any(c in html for c in BIDI_CONTROLS)


def test_invalid_status_rejected() -> None:
    with pytest.raises(ValueError):
        render_html("quarterly_report.html", quarterly_context("approved"))
    ctx = quarterly_context("signed")
    ctx["signature"] = None
    with pytest.raises(ValueError):
        render_html("quarterly_report.html", ctx)


# --------------------------------------------------------------------------- #
# Lembar disposisi
# --------------------------------------------------------------------------- #


def test_disposition_sheet(pdfs: dict, texts: dict) -> None:
    text = texts["disposition"]
    flat = _flat(text)
    assert "LEMBAR DISPOSISI" in flat
    assert "SATUAN POLISI PAMONG PRAJA" in text
    assert "001/DISP/TW-III/2026" in flat
    assert "Penyusunan Laporan Data Kinerja Triwulan III Tahun 2026" in flat
    assert "Perjanjian Kinerja 2026.pdf" in flat
    assert "Drs. Bambang Sukardi, M.Si." in flat
    assert "NIP. 19690520 199003 1 006" in flat
    assert "Halaman 1 dari 1" in flat
    # Checkboxes: the chosen urgency and the given instructions are ticked.
    assert "\u2611Segera" in flat.replace(" ", "")
    assert "\u2610Biasa" in flat.replace(" ", "")
    assert "\u2611Proseslebihlanjut" in flat.replace(" ", "")
    assert "\u2611Koordinasikan/konfirmasikan" in flat.replace(" ", "")
    assert "\u2610Arsip" in flat.replace(" ", "")
    assert re.sub(r"\s+", "", HOSTILE_NOTE) in re.sub(r"\s+", "", text)
    assert not _has_embedded_files(pdfs["disposition"])


def test_disposition_unknown_instruction_is_listed() -> None:
    ctx = disposition_context()
    ctx["instructions"] = ["Hadiri rapat koordinasi"]
    html = render_html("disposition_sheet.html", ctx)
    assert "Hadiri rapat koordinasi" in html


# --------------------------------------------------------------------------- #
# Sealed fetcher
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/x.png",
        "http://127.0.0.1:9/x.png",
        "https://example.org/font.woff2",
        "ftp://127.0.0.1/x",
        (TEMPLATES_DIR.as_uri() + "/../../../../../../etc/passwd"),
        (TEMPLATES_DIR.as_uri() + "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
        (TEMPLATES_DIR.as_uri() + "/missing.css"),
        "file://evil.example/" + str(TEMPLATES_DIR / "print.css"),
        "data:text/html,<script>alert(1)</script>",
        "print.css",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    fetcher = SealedURLFetcher()
    with pytest.raises(FetchRefused):
        fetcher(url)
    assert fetcher.refused == [url]
    assert fetcher.fetched == []


def test_fetcher_refuses_symlink_out(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "link.css").symlink_to(secret)
    (root / "ok.css").write_text("p { color: red }")
    fetcher = SealedURLFetcher(root)
    with pytest.raises(FetchRefused):
        fetcher((root / "link.css").as_uri())
    assert fetcher((root / "ok.css").as_uri()).read() == b"p { color: red }"


def test_fetcher_serves_templates_files() -> None:
    fetcher = SealedURLFetcher()
    response = fetcher((TEMPLATES_DIR / "print.css").as_uri())
    try:
        assert response.content_type == "text/css"
        assert b"@page" in response.read()
    finally:
        response.close()
    png = "data:image/png;base64,iVBORw0KGgo="
    assert fetcher(png).read() == b"\x89PNG\r\n\x1a\n"


def test_html_to_pdf_is_sealed_even_for_unescaped_html() -> None:
    """Raw HTML with hostile resources: nothing is fetched or embedded."""
    html = (
        '<html><head><link rel="stylesheet" href="print.css">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<link rel="attachment" href="print.css"></head><body>'
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/hostname">x</a>'
        "<p>ok</p></body></html>"
    )
    fetcher = SealedURLFetcher()
    pdf = html_to_pdf(html, url_fetcher=fetcher)
    assert not _has_embedded_files(pdf)
    assert all(url.startswith(TEMPLATES_DIR.as_uri() + "/") for url in fetcher.fetched)
    assert "http://127.0.0.1:9/evil.css" in fetcher.refused
    assert "http://127.0.0.1:9/x.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused


def test_render_html_strict_undefined() -> None:
    import jinja2

    ctx = copy.deepcopy(quarterly_context("draft"))
    del ctx["title"]
    with pytest.raises(jinja2.UndefinedError):
        render_html("quarterly_report.html", ctx)


def test_logo_data_uri_in_kop() -> None:
    from documents.render import image_data_uri

    ctx = disposition_context()
    ctx["unit"] = dict(ctx["unit"], logo=image_data_uri(b"\x89PNG\r\n\x1a\n"))
    html = render_html("disposition_sheet.html", ctx)
    assert 'class="kop has-logo"' in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    with pytest.raises(ValueError):
        image_data_uri(b"<p>x</p>", "text/html")


# --------------------------------------------------------------------------- #
# Quarterly report with performance data (built from a real cycle)
# --------------------------------------------------------------------------- #


def _performance_context(status: str = "signed") -> dict:
    from tests.test_report_context import T_SIGN, context, signed

    return context(signed(3), status, now=T_SIGN)


@pytest.fixture(scope="module")
def performance_pdf() -> bytes:
    return render_pdf("quarterly_report.html", _performance_context())


@pytest.fixture(scope="module")
def performance_pages(performance_pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(performance_pdf))
    return [_flat(page.extract_text() or "") for page in reader.pages]


def test_performance_report_content(performance_pages: list[str]) -> None:
    flat = " ".join(performance_pages)
    for heading in ("CAPAIAN KINERJA", "KENDALA DAN TINDAK LANJUT", "BUKTI DUKUNG"):
        assert heading in flat, heading
    for code in (f"IKU-{n}" for n in range(1, 9)):
        assert code in flat
    for label in ("72,86%", "108,33%", "91,67%", "100,56%", "101,20%", "107,78%", "68,89%"):
        assert label in flat, label
    assert "(berisiko)" in flat and "\u26a0" in flat
    assert "kumulatif s.d. TW III" in flat
    assert "Rata-rata capaian seluruh indikator 94,24% Sangat Baik" in flat
    assert "Sasaran Strategis 1: Meningkatnya penegakan Peraturan Daerah" in flat
    assert "Penegakan Perda reklame tertunda" in flat  # a kendala
    assert "bukti_iku-8.pdf" in flat  # evidence
    n_pages = len(performance_pages)
    assert f"Halaman {n_pages} dari {n_pages}" in performance_pages[-1]


def test_performance_chart_is_rendered_as_svg(performance_pages: list[str]) -> None:
    flat = " ".join(performance_pages)
    # Caption (HTML) and the axis title, ticks and risk label drawn inside the SVG.
    assert "Grafik 1. Capaian kinerja per indikator TW III Tahun 2026" in flat
    assert "Capaian kinerja (%)" in flat
    assert "batas risiko 75%" in flat
    assert "0% 25% 50% 75% 100% 120%" in flat
    html = render_html("quarterly_report.html", _performance_context())
    assert html.count("<svg") == 1 and "&lt;svg" not in html


def test_signature_comes_before_the_appendices(performance_pages: list[str]) -> None:
    def page_of(text: str) -> int:
        return next(i for i, page in enumerate(performance_pages) if text in page)

    signature = page_of(SIGN_MARK)
    assert page_of("BUKTI DUKUNG") <= signature
    assert signature < page_of("KEPATUHAN TERHADAP SOP") < page_of("DAFTAR SIDIK DIGITAL")


def test_sop_compliance_page(performance_pages: list[str]) -> None:
    page = next(p for p in performance_pages if "KEPATUHAN TERHADAP SOP" in p)
    assert "Prosedur pengumpulan data kinerja (LKj)" in page
    assert "Melebihi batas waktu" in page and "Tepat waktu" in page
    assert "lewat 35 menit" in page  # step 3, 50 minutes against 15
    assert "7 jam 30 menit" in page and "1 hari kerja 1 jam" in page
    assert "batas 3 hari kerja" in page  # step 4's allowed time
    assert "sistem (otomatis)" in page  # step 8, filed by the bot
    assert "melewati batas waktu (tahap 3, 5, 6, 7)" in page


def test_performance_user_text_is_escaped() -> None:
    ctx = _performance_context("draft")
    ctx["performance"]["rows"][0]["kendala"] = HOSTILE_NOTE
    ctx["performance"]["rows"][0]["evidence"][0]["name"] = HOSTILE_NOTE
    html = render_html("quarterly_report.html", ctx)
    assert "<b>tebal</b>" not in html and "&lt;b&gt;tebal&lt;/b&gt;" in html
    assert '<img src="http://' not in html
    assert '<link rel="attachment"' not in html


def test_free_text_report_has_no_performance_section() -> None:
    from documents.report_context import quarterly_report_context
    from tests.domain_factories import T0, UNIT, full_cycle
    from tests.test_report_context import CALENDAR

    ctx = quarterly_report_context(full_cycle(), UNIT, CALENDAR, "signed", T0)
    text = _flat(_text(render_pdf("quarterly_report.html", ctx)))
    assert "CAPAIAN KINERJA" not in text and "Grafik 1" not in text
    assert "KEPATUHAN TERHADAP SOP" in text
    assert "Belum ada berkas" not in text and "bukti_0.pdf" in text
