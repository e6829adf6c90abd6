"""The annual LKj as PermenPAN-RB 53/2014 and a reviewer expect it (issue 21, item 2).

Each reviewer point is checked on the rendered PDF, read back with pypdf: the counting rule
of each indicator's annual value said in the table, the overall predicate explained, Bab I's
strategic issues, structure and legal basis, the Perjanjian Kinerja as a real Lampiran, and
Bab III's causes written from what the members said. The quarters are the sample year run
through the real workflow (``tests/test_annual_report.py``'s worked example).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace

import openpyxl
import pytest
from pypdf import PdfReader

from demo.sample_year import planning_documents
from documents import tte
from documents.annual_context import annual_report_context
from documents.render import render_pdf
from documents.spreadsheets import parse_targets
from documents.tte_ca import TestCa
from documents.workbooks import archival_attachment, year_export
from domain import annual
from domain.annual import AnnualAnswer
from domain.models import Cycle, FileRef
from domain.performance import (
    AKHIR,
    JUMLAH,
    KUMULATIF,
    NAIK,
    PER_TRIWULAN,
    RASIO,
    RATA_RATA,
    Indicator,
    Ratio,
    annual_value,
)
from domain.roles import Role
from domain.samples import sample_targets_with_profile
from domain.targets_import import TargetImportError
from tests.test_annual_e2e import archival_parts
from tests.test_annual_report import (
    CALENDAR,
    T_SIGN,
    UNIT,
    YEAR,
    annual_report,
    filed_quarter,
    nb,
    pdf_pages,
)


def ind(counting: str = PER_TRIWULAN, rule: str = "", targets=(80, 82, 84, 85), annual=85.0):
    return Indicator("X-1", "S", "I", "%", annual, targets, NAIK, counting, annual_rule=rule)


# ----------------------------------------------------------------------------- counting rule


QUARTERS = {1: 78.5, 2: 81.0, 3: 61.2, 4: 86.4}


@pytest.mark.parametrize(
    ("case", "indicator", "ratio", "value", "used"),
    [
        ("default of a percentage: the mean", ind(), None, 76.775, RATA_RATA),
        ("sum stated", ind(rule=JUMLAH), None, 307.1, JUMLAH),
        ("last quarter stated", ind(rule=AKHIR), None, 86.4, AKHIR),
        (
            "cumulative: its TW IV value",
            ind(KUMULATIF, targets=(20, 40, 60, 85)),
            None,
            86.4,
            AKHIR,
        ),
        ("the year's own ratio", ind(rule=RASIO), Ratio(412, 480), 412 / 480 * 100, RASIO),
        ("ratio not given: the mean, marked", ind(rule=RASIO), None, 76.775, RATA_RATA),
    ],
)
def test_annual_value_follows_the_counting_rule(case, indicator, ratio, value, used) -> None:
    got = annual_value(indicator, QUARTERS, ratio)
    assert got.value == pytest.approx(value), case
    assert got.used == used, case
    assert got.fallback == (indicator.rule == RASIO and ratio is None), case


def parse(text: str):
    return parse_targets(
        text.encode(), "t.csv", unit="u", year=2026, imported_by=1, imported_at=T_SIGN
    )


def test_counting_rule_column_is_read_and_checked() -> None:
    head = (
        "Sasaran Strategis;Kode Indikator;Indikator Kinerja;Satuan;Target Tahunan;Target TW I;"
        "Target TW II;Target TW III;Target TW IV;Arah;Perhitungan;Penghitungan Tahunan;"
        "Program;Kegiatan\n"
    )
    good = head + (
        "S;A-1;Persentase;%;85;80;82;84;85;Naik;Per Triwulan;Rasio Tahunan;Program P;K1\n"
        "S;A-2;Patroli;kali;100;25;50;75;100;Naik;Kumulatif;kumulatif;;\n"
        "S;A-3;Kejadian;kali;40;10;10;10;10;Turun;Per Triwulan;;;\n"
    )
    ts = parse_targets(
        good.encode(), "t.csv", unit="u", year=2026, imported_by=1, imported_at=T_SIGN
    )
    a1, a2, a3 = ts.indicators
    assert (a1.rule, a1.program, a1.kegiatan) == (RASIO, "Program P", "K1")
    assert (a2.annual_rule, a2.rule) == (AKHIR, AKHIR)  # "kumulatif" of a year-to-date value
    assert (a3.annual_rule, a3.rule) == ("", JUMLAH)  # the default: targets add up
    bad = head + (
        "S;A-1;Persentase;%;85;80;82;84;85;Naik;Per Triwulan;setengah;;\n"
        "S;A-2;Patroli;kali;100;25;50;75;100;Naik;Kumulatif;Jumlah;;\n"
    )
    with pytest.raises(TargetImportError) as info:
        parse(bad)
    assert info.value.problems == [
        "Baris 2, kolom “Penghitungan Tahunan”: “setengah” tidak dikenal; isi “Jumlah”, "
        "“Triwulan Terakhir”, “Rata-rata”, “Rasio Tahunan”.",
        "Baris 3, kolom “Penghitungan Tahunan”: indikator kumulatif (realisasi triwulan "
        "dihitung sejak awal tahun), sehingga realisasi tahunannya tidak dapat dihitung "
        "“Jumlah”; isi “Triwulan Terakhir” atau “Rasio Tahunan”, atau kosongkan.",
    ]


# ----------------------------------------------------------------------------- the PDF


@pytest.fixture(scope="module")
def quarters() -> list[Cycle]:
    return [filed_quarter(tw) for tw in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def planning() -> dict[str, bytes]:
    """The Perjanjian Kinerja as a real PDF, the Rencana Aksi as a Word file."""
    return {
        "perjanjian_kinerja": planning_documents(UNIT, YEAR)["perjanjian_kinerja"],
        "rencana_aksi": b"PK\x03\x04 a Word document",
    }


@pytest.fixture(scope="module")
def with_files(quarters: list[Cycle], planning: dict[str, bytes]) -> list[Cycle]:
    """The quarters with their planning documents being those files."""

    def ref(doc: FileRef) -> FileRef:
        data = planning[doc.kind]
        name = doc.name if doc.kind == "perjanjian_kinerja" else "Rencana_Aksi_2026.docx"
        return replace(doc, sha256=hashlib.sha256(data).hexdigest(), name=name, size=len(data))

    return [replace(c, documents=tuple(ref(d) for d in c.documents)) for c in quarters]


def answer(code: str, reason: str, who=None, **kw) -> AnnualAnswer:
    person = who or UNIT.with_role(Role.TIM_KERJA)[0]
    return AnnualAnswer(
        code=code,
        reason=reason,
        by=person.user_id,
        name=person.name,
        post=person.position,
        role=person.role.value,
        at=T_SIGN,
        **kw,
    )


KASUBBAG = UNIT.one(Role.KASUBBAG)
ANSWERS = (
    answer(
        "IKU-6",
        "Dua kejadian unjuk rasa besar pada bulan Oktober menambah jumlah gangguan di luar "
        "perkiraan Rencana Aksi.",
        action="Pemetaan titik rawan bersama Polrestabes sebelum agenda besar.",
    ),
    answer(
        "IKU-4",
        "Penambahan regu patroli malam sejak Triwulan II.",
        who=KASUBBAG,
    ),
    answer(
        "IKU-5",
        "Sebagian pengaduan masuk pada akhir Desember sehingga tindak lanjutnya melewati "
        "tahun anggaran.",
        numerator=412,
        denominator=480,
    ),
)


@pytest.fixture(scope="module")
def full_report(quarters: list[Cycle]):
    """The signed annual report with the members' answers recorded while it was a draft."""
    report = annual_report(quarters, "draft")
    for a in ANSWERS:
        report = annual.record_answer(report, a)
    signed = annual_report(quarters, "signed")
    return replace(signed, answers=report.answers)


@pytest.fixture(scope="module")
def full_ctx(with_files: list[Cycle], full_report, planning: dict[str, bytes]) -> dict:
    return annual_report_context(
        UNIT,
        YEAR,
        with_files,
        CALENDAR,
        "signed",
        T_SIGN,
        report=full_report,
        targets=sample_targets_with_profile(),
        reference_files={hashlib.sha256(d).hexdigest(): d for d in planning.values()},
    )


@pytest.fixture(scope="module")
def full_pdf(full_ctx: dict, with_files: list[Cycle]) -> bytes:
    """The signed annual LKj as archived (PDF/A-3 with the year's workbook attached)."""
    workbook = year_export(with_files, UNIT.name, None)
    return render_pdf(
        "annual_report.html", full_ctx, archival=[archival_attachment(YEAR, None, workbook)]
    )


@pytest.fixture(scope="module")
def full_pages(full_pdf: bytes) -> list[str]:
    return pdf_pages(full_pdf)


def test_the_year_s_ratio_is_used_and_every_rule_is_said(full_ctx: dict, full_pages) -> None:
    rows = {r["code"]: r for r in full_ctx["performance"]["rows"]}
    iku5 = rows["IKU-5"]
    # 412 / 480 = 85,83%, the year's own figure, not the mean of the quarters (74,53).
    assert (iku5["realisasi"], nb(iku5["basis"])) == ("85,83", "rasio tahunan (pembilang/penyebut)")
    text = " ".join(full_pages)
    assert "Cara penghitungan realisasi tahunan:" in text
    for said in (
        "Jumlah (IKU-2)",
        "Triwulan Terakhir (IKU-3, IKU-4, IKU-6, IKU-7)",
        "Rata-rata (IKU-1, IKU-8)",
        "Rasio Tahunan (IKU-5)",
        "nilai realisasi, bukan rata-",
    ):
        assert said in text, said
    assert "tidak dari rata-rata capaian triwulan" in text


def test_a_ratio_not_given_falls_back_visibly(quarters: list[Cycle]) -> None:
    report = annual_report(quarters, "signed")
    ctx = annual_report_context(UNIT, YEAR, quarters, CALENDAR, "signed", T_SIGN, report=report)
    notes = {n["label"]: n for n in ctx["performance"]["rule_notes"]}
    assert "pembilang dan penyebut tahunan IKU-5 belum tersedia" in notes["Rasio Tahunan"]["text"]
    iku5 = next(r for r in ctx["performance"]["rows"] if r["code"] == "IKU-5")
    assert nb(iku5["basis"]) == "rata-rata TW I\u2013IV"


def test_answers_are_kept_per_person_and_fixed_once_submitted(quarters: list[Cycle]) -> None:
    report = annual_report(quarters, "draft")
    report = annual.record_answer(report, answer("IKU-1", "pertama"))
    report = annual.record_answer(report, answer("IKU-1", "kedua"))
    assert [a.reason for a in report.answers] == ["kedua"]
    again = annual.AnnualReport.from_dict(report.to_dict())
    assert again.answers == report.answers
    with pytest.raises(Exception, match="sudah diajukan"):
        annual.record_answer(annual_report(quarters, "paraf"), answer("IKU-1", "ketiga"))


# ----------------------------------------------------------------------------- the predicate


def test_the_overall_predicate_is_explained(full_pages: list[str]) -> None:
    text = " ".join(full_pages)
    # The scale, its source and the cap, beside the scale.
    assert "Sumber skala: Skala kategori capaian mengacu pada skala nilai peringkat" in text
    assert "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017" in text
    assert "Capaian setiap indikator dicatat paling tinggi 120% sebelum dirata-ratakan" in text
    # How "Sangat Baik" follows from the figures, and what it does not mean.
    assert "Penetapan Predikat Keseluruhan" in text
    assert "ditetapkan dari rata-rata capaian 8 indikator yang dapat dihitung" in text
    assert "Sebaran indikator pada skala: Sangat Baik" in text
    assert "tidak berarti seluruh target tercapai" in text
    penutup = text[text.index("BAB IV PENUTUP", text.index("DAFTAR ISI") + 200) :]
    assert "tidak berarti seluruh target tercapai" in penutup


# ----------------------------------------------------------------------------- Bab III causes


def _section(pages: list[str], start: str, end: str) -> str:
    """The text between two headings (their last occurrences: the first are in the Daftar
    Isi)."""
    text = " ".join(pages)
    return text[text.rindex(start) : text.rindex(end)]


def test_causes_come_from_what_people_said(full_pages: list[str]) -> None:
    bab34 = _section(full_pages, "3.4 Analisis Capaian", "3.5 Kendala dan Tindak Lanjut")
    member = UNIT.with_role(Role.TIM_KERJA)[0]
    # The member's answer at the year's close, with the step and who said it.
    assert "Penyebab belum tercapainya target menurut penanggung jawab indikator:" in bab34
    assert "Dua kejadian unjuk rasa besar pada bulan Oktober" in bab34
    assert "Langkah: Pemetaan titik rawan bersama Polrestabes" in bab34
    assert member.name in bab34
    # A target exceeded is explained too (here by the Kasubbag).
    assert "Faktor pendukung tercapainya target menurut penanggung jawab indikator:" in bab34
    assert "Penambahan regu patroli malam sejak Triwulan II." in bab34 and KASUBBAG.name in bab34
    # Without an answer, the quarters' kendala are the causes, with their quarters.
    assert "sebagaimana kendala yang dilaporkan Tim Kerja pada laporan triwulan:" in bab34
    assert "Satu orang PPNS pindah tugas sebelum mengikuti pelatihan lanjutan. (TW IV)" in bab34
    # Never a sentence that only restates a number.
    assert "poin persentase" not in " ".join(full_pages)


def test_programmes_behind_each_result(full_pages: list[str]) -> None:
    bab34 = _section(full_pages, "3.4 Analisis Capaian", "3.5 Kendala dan Tindak Lanjut")
    assert "Hasil sasaran ini didukung oleh Program Peningkatan Ketenteraman" in bab34
    assert "Program dan kegiatan pendukung: Program Penunjang Urusan Pemerintahan" in bab34
    assert "Pengelolaan Pengaduan dan Pelayanan Masyarakat" in bab34


def test_without_programmes_or_causes_the_report_says_so(quarters: list[Cycle]) -> None:
    bare = [
        replace(
            c,
            indicators=tuple(replace(i, program="", kegiatan="") for i in c.indicators),
        )
        for c in quarters
    ]
    report = annual_report(bare, "signed")
    ctx = annual_report_context(UNIT, YEAR, bare, CALENDAR, "signed", T_SIGN, report=report)
    rows = {r["code"]: r for r in ctx["performance"]["rows"]}
    assert rows["IKU-1"]["programme_text"].startswith(
        "Program dan kegiatan pendukung belum dicantumkan pada Target Kinerja"
    )
    # IKU-8 exceeded with no tindak lanjut but "tidak ada" lines? It is explained or said so.
    for row in rows.values():
        assert row["causes"]["head"], row["code"]


# ----------------------------------------------------------------------------- Bab I


def test_profile_sheet_reads_and_refuses() -> None:
    from documents.workbooks import targets_workbook
    from domain.samples import sample_indicators, sample_profile

    profile = sample_profile()
    data = targets_workbook(sample_indicators(), profile)
    assert parse_workbook(data).profile == profile
    assert parse_workbook(targets_workbook(sample_indicators())).profile.empty
    broken = replace(profile, sarana=("x" * 1001,))
    wb = openpyxl.load_workbook(io.BytesIO(targets_workbook(sample_indicators(), broken)))
    wb["Profil Renstra"]["A2"] = "Anggaran"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(TargetImportError) as info:
        parse_workbook(buf.getvalue())
    assert info.value.problems[0].startswith(
        "Baris 2, kolom “Bagian”: “Anggaran” tidak dikenal; isi “Isu Strategis”"
    )
    assert "kolom “Uraian”: terlalu panjang (1001 karakter" in info.value.problems[-1]


def parse_workbook(data: bytes):
    return parse_targets(data, "t.xlsx", unit="u", year=2026, imported_by=1, imported_at=T_SIGN)


@pytest.fixture(scope="module")
def bare_pages(quarters: list[Cycle]) -> list[str]:
    """The report of a unit that gave no Renstra profile."""
    report = annual_report(quarters, "signed")
    ctx = annual_report_context(UNIT, YEAR, quarters, CALENDAR, "signed", T_SIGN, report=report)
    return pdf_pages(render_pdf("annual_report.html", ctx))


def test_bab1_has_issues_structure_resources_and_legal_basis(full_pages: list[str]) -> None:
    bab1 = _section(full_pages, "1.2 Gambaran Umum Organisasi", "1.5 Sistematika Penyajian")
    for said in (
        "Susunan organisasi Satuan Polisi Pamong Praja Kota Bandung terdiri atas:",
        "Sekretariat: Subbagian Umum dan Kepegawaian; Subbagian Perencanaan dan Keuangan",
        "Pegawai Negeri Sipil: 118 orang",
        "Tabel 1.1 Pegawai yang terlibat dalam pelaporan kinerja, per jabatan",
        "Analis Perencanaan Tim Kerja 1 orang",
        "Kendaraan patroli roda empat: 12 unit",
        "Peraturan Daerah Kota Bandung Nomor 3 Tahun 2013 tentang Pelayanan Publik",
        "Peraturan Daerah Kota Bandung Nomor 8 Tahun 2016 tentang Pembentukan",
        "tentang Rencana Strategis Perangkat Daerah Kota Bandung Tahun 2025",
        "1.4 Isu Strategis dan Permasalahan Utama",
        "Masih tingginya pelanggaran Peraturan Daerah tentang ketertiban umum",
        "Keterbatasan kendaraan operasional patroli dan personel pada jam malam",
    ):
        assert said in bab1, said
    assert "belum dicantumkan" not in bab1


def test_bab1_says_what_the_unit_has_not_given(bare_pages: list[str]) -> None:
    bab1 = _section(bare_pages, "1.2 Gambaran Umum Organisasi", "1.5 Sistematika Penyajian")
    for part in ("Struktur organisasi", "Sumber daya manusia", "Sarana dan prasarana"):
        assert f"{part} belum dicantumkan oleh satuan kerja" in bab1, part
    assert "Isu strategis belum dicantumkan oleh satuan kerja" in bab1
    assert "Permasalahan utama belum dicantumkan oleh satuan kerja" in bab1
    assert "Peraturan penetapan Rencana Strategis (Renstra) Satuan Polisi Pamong Praja" in bab1
    # The roster's staff per post are there even so.
    assert "Tabel 1.1 Pegawai yang terlibat dalam pelaporan kinerja" in bab1


# ----------------------------------------------------------------------------- Lampiran PK


def fonts_of(reader: PdfReader) -> set[str]:
    """Every font of the file by its full name (a subset's tag included)."""
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object().get("/BaseFont", "")))
    return names


def font_objects(reader_or_pages) -> int:
    """How many distinct font objects the pages use."""
    pages = getattr(reader_or_pages, "pages", reader_or_pages)
    refs = set()
    for page in pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        refs.update(ref.idnum for ref in fonts.values() if hasattr(ref, "idnum"))
    return len(refs)


def page_images(page) -> int:
    xobjects = page.get("/Resources", {}).get_object().get("/XObject", {}).get_object()
    return sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")


def alt_texts(reader: PdfReader) -> list[str]:
    """The /Alt of every element of the structure tree (the tagged PDF's figures)."""
    found: list[str] = []

    def walk(node, depth=0) -> None:
        node = node.get_object()
        if depth > 60:
            return
        if isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict | list):
                        walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def uploaded_name(quarters: list[Cycle]) -> str:
    return next(d.name for c in quarters for d in c.documents if d.kind == "perjanjian_kinerja")


def test_the_perjanjian_kinerja_is_appended_as_pages(
    full_pdf: bytes, full_pages, planning: dict[str, bytes], with_files: list[Cycle]
) -> None:
    lampiran2 = " ".join(full_pages)
    lampiran2 = lampiran2[lampiran2.rindex("II. Dokumen Acuan Perencanaan Kinerja") :]
    assert "Dilampirkan utuh sebagai Lampiran III.1 (1 halaman)" in lampiran2
    # Another format is listed, with why it is not pages.
    assert "Rencana_Aksi_2026" in lampiran2 and ".docx" in lampiran2
    assert "Tidak dilampirkan sebagai halaman karena berkas bukan PDF" in lampiran2
    # The separator page says where the document is, then the document itself, unchanged.
    assert "LAMPIRAN III PERJANJIAN KINERJA DAN RENCANA AKSI TAHUN 2026" in full_pages[-2]
    assert "Lampiran III.1 — Perjanjian Kinerja" in full_pages[-2]
    assert "halaman 1 setelah halaman ini" in full_pages[-2]
    # The document's page is an image of it (the file's own text is not set in the report),
    # captioned with its SHA-256; its alt text, in the tagged PDF, reads it.
    sha = hashlib.sha256(planning["perjanjian_kinerja"]).hexdigest()
    assert full_pages[-1].startswith("Lampiran III.1 — Perjanjian Kinerja")
    assert "halaman 1 dari 1" in full_pages[-1] and sha in full_pages[-1]
    assert "PERJANJIAN KINERJA SATUAN" not in full_pages[-1]
    reader = PdfReader(io.BytesIO(full_pdf))
    assert page_images(reader.pages[-1]) == 1
    [alt] = [a for a in alt_texts(reader) if a.startswith("Lampiran III.1")]
    assert sha in alt and "halaman 1 dari 1" in alt
    assert "PERJANJIAN KINERJA SATUAN POLISI PAMONG PRAJA KOTA BANDUNG" in alt
    assert "IKU-8 Indeks kepuasan masyarakat" in alt
    # No font of the uploaded file came along: the report's fonts are WeasyPrint's own, one
    # object per face (appended pages would bring their own font objects of the same names).
    assert font_objects(reader) == len(fonts_of(reader))
    # Still the archival copy: PDF/A-3 by its XMP, tagged, the workbook still attached and
    # the uploaded file embedded as it was (its source).
    assert 'pdfaid:part="3"' in reader.xmp_metadata.rdf_root.toxml().replace("'", '"') or (
        "<pdfaid:part>3</pdfaid:part>" in reader.xmp_metadata.rdf_root.toxml()
    )
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert sorted(reader.attachments) == sorted(
        ["Ekspor_Kinerja_Tahunan_2026.xlsx", uploaded_name(with_files)]
    )
    [original] = reader.attachments[uploaded_name(with_files)]
    assert original == planning["perjanjian_kinerja"]


async def test_the_archival_copy_with_its_lampiran_pages_is_signed_and_validates(
    full_pdf: bytes, tmp_path
) -> None:
    """A PAdES signature over the annual LKj with its Lampiran III pages still validates, and
    the signed file is still PDF/A-3 by its XMP."""
    ca = TestCa.create(tmp_path)
    ca.issue(tmp_path / "p12" / "196805121990031004.p12", "Kasat Uji", "sandi-uji")
    signer = tte.LocalSigner(tmp_path / "p12", "sandi-uji")
    who = tte.SignerIdentity("Kasat Uji", "19680512 199003 1 004", unit=UNIT.code)
    signed = await signer.sign(full_pdf, who, reason="Pengesahan uji", location="Bandung")
    [check] = await tte.validate(signed, tte.load_roots([ca.root_pem]))
    assert check.ok and check.whole_file
    assert archival_parts(signed)[:2] == ("3", "A")


def test_a_planning_file_not_given_is_listed_with_the_reason(quarters: list[Cycle]) -> None:
    report = annual_report(quarters, "signed")
    ctx = annual_report_context(UNIT, YEAR, quarters, CALENDAR, "signed", T_SIGN, report=report)
    assert ctx["appendix_pdfs"] == []
    notes = [d["note"] for d in ctx["reference_documents"]]
    assert notes and all(
        n.startswith("Tidak dilampirkan sebagai halaman karena isi berkas tidak tersedia")
        for n in notes
    )
