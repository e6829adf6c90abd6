"""The annual Laporan Kinerja (LKj): context figures and the rendered PDF.

The worked example: the sample Satpol PP unit of the demo roster (3 sasaran, 8 indicators)
runs the four quarters of 2026 through the real ``domain.workflow`` (divided by indicator,
reported with the sample realisations, drafted, initialled, signed and filed), then the
Kasubbag compiles the annual report, the Sekretaris initials it and the Kasat signs it through
``domain.annual``.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from demo.sample_year import Schedule
from demo.sample_year import filed_quarter as sample_quarter
from documents.annual_context import annual_report_context
from documents.render import render_html, render_pdf
from domain import annual
from domain.annual import AnnualReport
from domain.calendar import WorkCalendar
from domain.models import Cycle
from domain.roles import Role
from domain.roster import load_roster
from domain.text import format_nip
from domain.verification import qr_payload, verification_code
from domain.workflow import MemberTask
from tests.domain_factories import (
    DEMO_ROSTER_PATH,
    MEMBER_A,
    MEMBER_B,
    SOP,
    make_ctx,
    sha_of,
    wib,
)

CALENDAR = WorkCalendar()
UNIT = load_roster(DEMO_ROSTER_PATH).unit("satpolpp-bdg")
YEAR = 2026
CODES_A = ("IKU-1", "IKU-2", "IKU-3", "IKU-4")
CODES_B = ("IKU-5", "IKU-6", "IKU-7", "IKU-8")

# Each quarter's cycle runs in the first weeks after the quarter (Monday 08.00 WIB).
QUARTER_STARTS = {
    1: wib(2026, 4, 13, 8, 0),
    2: wib(2026, 7, 6, 8, 0),
    3: wib(2026, 10, 5, 8, 0),
    4: wib(2027, 1, 18, 8, 0),
}
T_COMPILE = wib(2027, 2, 1, 9, 0)
T_PARAF = wib(2027, 2, 1, 13, 0)
T_SIGN = wib(2027, 2, 2, 10, 0)


def filed_quarter(triwulan: int) -> Cycle:
    """One quarter driven through the real workflow to filed (signed, step 8 done), by the
    sample-quarter factory: two members, the sample realisations, on this example's days."""
    t0 = QUARTER_STARTS[triwulan]
    schedule = Schedule(
        start=t0,
        forward=timedelta(minutes=10),
        divide=timedelta(hours=1),
        collect=timedelta(days=1, hours=2),
        submit=timedelta(days=2, hours=1),
        paraf=timedelta(days=2, hours=3),
        sign=timedelta(days=3),
    )
    plan = (
        MemberTask(MEMBER_A, "Sasaran 1 dan patroli.", CODES_A),
        MemberTask(MEMBER_B, "Sasaran 2 dan 3.", CODES_B),
    )
    cycle = sample_quarter(make_ctx(unit=UNIT), YEAR, triwulan, False, schedule=schedule, plan=plan)
    assert cycle.filed
    return cycle


@pytest.fixture(scope="module")
def quarters() -> list[Cycle]:
    return [filed_quarter(tw) for tw in (1, 2, 3, 4)]


def annual_report(quarters: list[Cycle], upto: str) -> AnnualReport:
    """The annual report through ``domain.annual`` up to "draft", "paraf" or "signed"."""
    kasubbag, sekretaris, kasat = (
        UNIT.one(r) for r in (Role.KASUBBAG, Role.SEKRETARIS, Role.KASAT)
    )
    report = annual.compile_draft(
        None, UNIT.code, YEAR, quarters, sha_of(b"draft 1"), kasubbag, T_COMPILE, SOP
    )
    if upto == "draft":
        return report
    report = annual.submit(report, 1, kasubbag, T_COMPILE, SOP)
    report = annual.paraf(report, 1, sekretaris, T_PARAF, SOP)
    report = annual.record_version(report, "paraf", sha_of(b"paraf 1"), sekretaris.user_id, T_PARAF)
    if upto == "paraf":
        return report
    report = annual.sign(report, 1, kasat, T_SIGN, SOP)
    return annual.record_version(report, "signed", sha_of(b"signed 1"), kasat.user_id, T_SIGN)


def context(quarters: list[Cycle], status: str, now: datetime = T_SIGN, **kwargs) -> dict:
    report = annual_report(quarters, status)
    return annual_report_context(
        UNIT, YEAR, quarters, CALENDAR, status, now, report=report, **kwargs
    )


@pytest.fixture(scope="module")
def signed_ctx(quarters: list[Cycle]) -> dict:
    return context(quarters, "signed")


def rows_by_code(ctx: dict) -> dict[str, dict]:
    return {r["code"]: r for r in ctx["performance"]["rows"]}


def nb(text: str) -> str:
    """Without the no-break space and word joiner that hold "TW I–IV" together."""
    return text.replace("\u00a0", " ").replace("\u2060", "")


# ----------------------------------------------------------------------------- context


def test_indicator_set_and_groups_follow_the_tw4_targets(signed_ctx: dict) -> None:
    perf = signed_ctx["performance"]
    assert [r["code"] for r in perf["rows"]] == [f"IKU-{n}" for n in range(1, 9)]
    assert [len(g["rows"]) for g in perf["groups"]] == [3, 4, 1]
    assert perf["sasaran_count"] == 3 and perf["indicator_count"] == 8
    assert signed_ctx["title"] == "LAPORAN KINERJA INSTANSI PEMERINTAH TAHUN 2026"
    assert signed_ctx["unit"]["name"] == "Satuan Polisi Pamong Praja Kota Bandung"
    assert signed_ctx["period_label"] == "1 Januari 2026 \u2013 31 Desember 2026"


def test_cumulative_indicator_takes_the_tw4_year_to_date_value(signed_ctx: dict) -> None:
    # IKU-4, patrols, cumulative, higher is better: 276, 588, 905, 1.214 year-to-date against
    # 300, 600, 900, 1.200; the year is TW IV's 1.214 against 1.200 = 101,17%.
    row = rows_by_code(signed_ctx)["IKU-4"]
    quarters = [(q["target"], q["realisasi"], q["capaian"]) for q in row["quarters"]]
    assert quarters == [
        ("300", "276", "92,00%"),
        ("600", "588", "98,00%"),
        ("900", "905", "100,56%"),
        ("1.200", "1.214", "101,17%"),
    ]
    assert (row["target_tahunan"], row["realisasi"], nb(row["basis"])) == (
        "1.200",
        "1.214",
        "kumulatif s.d. TW IV",
    )
    assert (row["capaian"], row["rating"], row["met"], row["at_risk"]) == (
        "101,17%",
        "Sangat Baik",
        True,
        False,
    )
    # IKU-6, incidents, cumulative, lower is better: 152 against a ceiling of 120
    # is (2 - 152/120) x 100 = 73,33%: the year's only indicator at risk.
    iku6 = rows_by_code(signed_ctx)["IKU-6"]
    assert (iku6["realisasi"], iku6["capaian"], iku6["rating"], iku6["at_risk"]) == (
        "152",
        "73,33%",
        "Cukup",
        True,
    )


def test_per_quarter_percentage_is_the_mean_and_counts_are_summed(signed_ctx: dict) -> None:
    rows = rows_by_code(signed_ctx)
    # IKU-1, a percentage per quarter whose quarter targets (80+82+84+85) do not add up to the
    # annual 85: the mean (78,5 + 81 + 61,2 + 86,4) / 4 = 76,775 (printed 76,78, two decimals
    # as every figure); 76,775 / 85 = 90,32%.
    iku1 = rows["IKU-1"]
    assert [q["realisasi"] for q in iku1["quarters"]] == ["78,5", "81", "61,2", "86,4"]
    assert [q["capaian"] for q in iku1["quarters"]] == ["98,13%", "98,78%", "72,86%", "101,65%"]
    assert [q["at_risk"] for q in iku1["quarters"]] == [False, False, True, False]
    assert (iku1["realisasi"], nb(iku1["basis"]), iku1["capaian"], iku1["rating"]) == (
        "76,78",
        "rata-rata TW I\u2013IV",
        "90,32%",
        "Sangat Baik",
    )
    assert not iku1["met"] and not iku1["at_risk"]
    # IKU-2, violations per quarter, lower is better; 65+60+60+55 = 240 = the annual target,
    # so the year is the sum 58+84+55+49 = 246: (2 - 246/240) x 100 = 97,50%.
    iku2 = rows["IKU-2"]
    assert (iku2["realisasi"], nb(iku2["basis"]), iku2["capaian"]) == (
        "246",
        "jumlah TW I\u2013IV",
        "97,50%",
    )
    assert iku2["direction_note"] == "semakin rendah semakin baik"


def test_a_quarter_without_target_shows_a_dash(signed_ctx: dict) -> None:
    iku3 = rows_by_code(signed_ctx)["IKU-3"]
    tw1 = iku3["quarters"][0]
    assert (tw1["target"], tw1["realisasi"], tw1["capaian_short"]) == ("-", "0", "-")
    assert not tw1["computable"] and "tidak ditetapkan" in tw1["note"]
    assert iku3["capaian"] == "97,50%"  # 78 of 80 by TW IV
    notes = signed_ctx["performance"]["quarter_notes"]
    assert [(n["code"], n["tw"]) for n in notes] == [("IKU-3", "TW I")]


def test_an_indicator_missing_in_a_quarter_shows_a_dash(quarters: list[Cycle]) -> None:
    tw2 = quarters[1]
    trimmed = replace(tw2, indicators=tuple(i for i in tw2.indicators if i.code != "IKU-5"))
    changed = [quarters[0], trimmed, quarters[2], quarters[3]]
    ctx = annual_report_context(UNIT, YEAR, changed, CALENDAR, "draft", T_COMPILE)
    cell = rows_by_code(ctx)["IKU-5"]["quarters"][1]
    assert (cell["present"], cell["target"], cell["capaian"]) == (False, "-", "-")
    # The year is then the mean of the three quarters that had it: (62,5 + 93,1 + 68) / 3.
    iku5 = rows_by_code(ctx)["IKU-5"]
    assert (iku5["realisasi"], nb(iku5["basis"])) == ("74,53", "rata-rata TW I, TW III, TW IV")


def test_averages_counts_and_quarter_averages(signed_ctx: dict) -> None:
    perf = signed_ctx["performance"]
    # (90,32 + 97,50 + 97,50 + 101,17 + 82,16 + 73,33 + 96,67 + 100,23) / 8 = 92,36
    assert (perf["average_label"], perf["average_rating"]) == ("92,36%", "Sangat Baik")
    assert [g["average_label"] for g in perf["groups"]] == ["95,11%", "88,33%", "100,23%"]
    assert perf["met_codes"] == ["IKU-4", "IKU-8"]
    assert perf["below_codes"] == ["IKU-1", "IKU-2", "IKU-3", "IKU-5", "IKU-6", "IKU-7"]
    assert perf["at_risk_codes"] == ["IKU-6"]
    counts = {b["label"]: b["count"] for b in perf["bands"]}
    assert counts == {"Sangat Baik": 6, "Baik": 1, "Cukup": 1, "Kurang": 0, "Sangat Kurang": 0}
    # Each quarter's average is that of its signed quarterly report (TW I and III: see
    # tests/test_report_context.py).
    labels = [q["average_label"] for q in perf["quarter_averages"]]
    assert labels == ["93,13%", "91,65%", "94,24%", "94,33%"]


def test_kendala_and_tindak_lanjut_are_deduplicated(signed_ctx: dict) -> None:
    iku4 = rows_by_code(signed_ctx)["IKU-4"]
    assert [(k["text"], k["quarters"]) for k in iku4["kendala"]] == [
        (
            "Dua kendaraan patroli menjalani perbaikan selama tiga minggu pada bulan Februari.",
            "TW I",
        ),
        ("Tidak ada kendala berarti.", "TW II, TW III, TW IV"),
    ]
    assert [t["quarters"] for t in iku4["tindak_lanjut"]] == ["TW I", "TW II, TW III, TW IV"]


def test_narrative_is_built_from_the_figures(signed_ctx: dict) -> None:
    ikhtisar = " ".join(signed_ctx["ikhtisar"])
    assert "3 sasaran strategis yang diukur dengan 8 indikator kinerja" in ikhtisar
    assert "2 indikator mencapai atau melampaui target tahunan" in ikhtisar
    assert "92,36% dengan kategori Sangat Baik" in ikhtisar
    assert "IKU-6 (Jumlah gangguan ketenteraman dan ketertiban umum, capaian 73,33%)" in ikhtisar
    penutup = " ".join(signed_ctx["penutup"])
    assert "Sebanyak 2 dari 8 indikator mencapai atau melampaui target" in penutup
    assert "prioritas perbaikan pada tahun 2027" in penutup
    first = signed_ctx["performance"]["groups"][0]
    assert "rata-rata capaian 95,11% (kategori Sangat Baik)" in first["analysis"]
    iku6 = rows_by_code(signed_ctx)["IKU-6"]["analysis"]
    assert "di bawah batas risiko 75%" in iku6 and "semakin rendah semakin baik" in iku6
    assert signed_ctx["profile"]["tugas"].startswith("Satuan Polisi Pamong Praja Kota Bandung")
    # Issue 21: the Perda names its region (the unit's government), national rules first;
    # the unit's own acts come from its Renstra profile (tests/test_annual_reviewer.py).
    assert [b.split(" tentang")[0] for b in signed_ctx["legal_basis"]] == [
        "Peraturan Presiden Nomor 29 Tahun 2014",
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 "
        "Tahun 2014",
        "Peraturan Daerah Kota Bandung Nomor 3 Tahun 2013",
    ]


def test_lampiran_lists_the_signed_quarterly_reports(signed_ctx: dict, quarters) -> None:
    listed = signed_ctx["quarters"]
    assert [q["triwulan"] for q in listed] == ["I", "II", "III", "IV"]
    assert [q["sha256"] for q in listed] == [c.latest_report.sha256 for c in quarters]
    assert len({q["sha256"] for q in listed}) == 4
    assert listed[0]["signed_date"] == "16 April 2026"
    assert listed[3]["signed_date"] == "21 Januari 2027"
    assert listed[0]["signed_by"] == UNIT.one(Role.KASAT).name
    assert listed[0]["paraf_by"] == UNIT.one(Role.SEKRETARIS).name
    assert listed[2]["document_number"] == "LKJ/2026/TW-III/SATPOLPP-BDG"
    kinds = [d["kind"] for d in signed_ctx["reference_documents"]]
    assert kinds == ["Perjanjian Kinerja", "Rencana Aksi"]


def test_approval_blocks_follow_the_status(quarters: list[Cycle], signed_ctx: dict) -> None:
    kasat, sekretaris = UNIT.one(Role.KASAT), UNIT.one(Role.SEKRETARIS)
    assert signed_ctx["paraf"] == {
        "name": sekretaris.name,
        "nip": sekretaris.nip,
        "position": sekretaris.position,
        "capacity": "",  # initialled in their own post, not as a stand-in
        "at": "Senin, 1 Februari 2027 pukul 13.00 WIB",
    }
    assert signed_ctx["signature"] == {
        "name": kasat.name,
        "nip": kasat.nip,
        "position": kasat.position,
        "capacity": "",
        "place": "Bandung",
        "date": "2 Februari 2027",
        "at": "Selasa, 2 Februari 2027 pukul 10.00 WIB",
    }
    paraf = context(quarters, "paraf", now=T_PARAF)
    assert paraf["paraf"]["name"] == sekretaris.name and paraf["signature"] is None
    draft = context(quarters, "draft", now=T_COMPILE)
    assert draft["paraf"] is None and draft["signature"] is None
    assert draft["signer"]["name"] == kasat.name
    no_report = annual_report_context(UNIT, YEAR, quarters, CALENDAR, "draft", T_COMPILE)
    assert no_report["report_version"] is None
    with pytest.raises(ValueError, match="paraf"):
        annual_report_context(UNIT, YEAR, quarters, CALENDAR, "paraf", T_PARAF)
    with pytest.raises(ValueError):
        annual_report_context(UNIT, YEAR, quarters, CALENDAR, "final", T_PARAF)


def test_the_four_quarters_are_required(quarters: list[Cycle]) -> None:
    with pytest.raises(ValueError, match="empat"):
        annual_report_context(UNIT, YEAR, quarters[:3], CALENDAR, "draft", T_COMPILE)
    with pytest.raises(ValueError, match="tahun"):
        annual_report_context(UNIT, 2027, quarters, CALENDAR, "draft", T_COMPILE)


def test_a_return_is_listed(quarters: list[Cycle]) -> None:
    kasubbag, sekretaris = UNIT.one(Role.KASUBBAG), UNIT.one(Role.SEKRETARIS)
    report = annual.compile_draft(
        None, UNIT.code, YEAR, quarters, sha_of(b"d1"), kasubbag, T_COMPILE, SOP
    )
    report = annual.submit(report, 1, kasubbag, T_COMPILE, SOP)
    report = annual.return_report(report, 1, "Lengkapi analisis IKU-6.", sekretaris, T_PARAF, SOP)
    ctx = annual_report_context(UNIT, YEAR, quarters, CALENDAR, "draft", T_PARAF, report=report)
    [revision] = ctx["revisions"]
    assert (revision["by_name"], revision["reason"]) == (
        sekretaris.name,
        "Lengkapi analisis IKU-6.",
    )
    assert "Lengkapi analisis IKU-6." in render_html("annual_report.html", ctx)


def test_charts_are_svg(signed_ctx: dict) -> None:
    annual_chart = str(signed_ctx["chart_svg"])
    assert annual_chart.startswith("<svg") and ">IKU-8</text>" in annual_chart
    assert "73,33% \u26a0" in annual_chart and "batas risiko 75%" in annual_chart
    trend = str(signed_ctx["quarters_chart_svg"])
    assert trend.startswith("<svg") and ">TW IV</text>" in trend and "<script" not in trend


# ----------------------------------------------------------------------------- PDF


def pdf_pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def signed_pdf(signed_ctx: dict) -> bytes:
    return render_pdf("annual_report.html", signed_ctx)


@pytest.fixture(scope="module")
def signed_pages(signed_pdf: bytes) -> list[str]:
    return pdf_pages(signed_pdf)


def page_of(pages: list[str], text: str) -> int:
    return next(i for i, page in enumerate(pages) if text in page)


def test_pdf_has_the_chapters_in_order(signed_pages: list[str]) -> None:
    assert len(signed_pages) > 1
    starts = [
        page_of(signed_pages, title)
        for title in (  # each chapter title followed by the chapter's first words
            "DAFTAR ISI KATA PENGANTAR",
            "IKHTISAR EKSEKUTIF Laporan Kinerja",
            "BAB I PENDAHULUAN 1.1 Latar Belakang",
            "BAB II PERENCANAAN KINERJA 2.1 Sasaran",
            "BAB III AKUNTABILITAS KINERJA A. CAPAIAN KINERJA ORGANISASI 3.1 Kerangka",
            "BAB IV PENUTUP Laporan Kinerja",
            "LAMPIRAN I. Laporan Data Kinerja Triwulan",
        )
    ]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    text = " ".join(signed_pages)
    assert "LAPORAN KINERJA INSTANSI PEMERINTAH TAHUN 2026" in signed_pages[0]
    assert "SATUAN POLISI PAMONG PRAJA KOTA BANDUNG" in signed_pages[0]
    for heading in ("KATA PENGANTAR Puji syukur", "1.3 Dasar Hukum", "3.5 Kendala dan"):
        assert heading in text
    total = len(signed_pages)
    assert all(f"Halaman {n} dari {total}" in p for n, p in enumerate(signed_pages, start=1))


def test_pdf_has_codes_and_annual_capaian(signed_pages: list[str]) -> None:
    text = " ".join(signed_pages)
    for n in range(1, 9):
        assert f"IKU-{n}" in text
    for label in ("90,32%", "97,50%", "101,17%", "82,16%", "73,33%", "96,67%", "100,23%"):
        assert label in text
    assert "92,36%" in text and "Tabel 3.3" in text and "Grafik 3.1" in text
    bab3 = page_of(signed_pages, "BAB III AKUNTABILITAS KINERJA")
    assert "76,78" in " ".join(signed_pages[bab3:])
    # Two decimals at most, one rule everywhere: no 76,775 or 72,9375.
    assert not re.findall(r"\d,\d{3,}", " ".join(signed_pages[bab3:]).replace(".", ""))


def test_pdf_signed_approval_blocks(signed_pages: list[str]) -> None:
    kasat, sekretaris = UNIT.one(Role.KASAT), UNIT.one(Role.SEKRETARIS)
    approval = page_of(signed_pages, "DITANDATANGANI SECARA ELEKTRONIK MELALUI LKJ-BOT")
    page = signed_pages[approval]
    assert approval >= page_of(signed_pages, "BAB IV PENUTUP Laporan Kinerja")
    for text in (
        "DIPARAF MELALUI LKJ-BOT",
        sekretaris.name,
        kasat.name,
        "Bandung, 2 Februari 2027",
    ):
        assert text in page, text
    assert f"NIP. {format_nip(kasat.nip)}" in page  # printed with its customary spaces
    assert approval < page_of(signed_pages, "LAMPIRAN I. Laporan Data Kinerja Triwulan")
    assert "bukan tanda tangan elektronik tersertifikasi" in page


def test_pdf_kata_pengantar_is_dated_with_day_and_month(signed_pages: list[str]) -> None:
    foreword = signed_pages[page_of(signed_pages, "KATA PENGANTAR Puji syukur")]
    # Dated as a letter is, on the signing day; never "Bandung, 2027" alone.
    assert "Bandung, 2 Februari 2027" in foreword
    assert "Bandung, 2027" not in foreword


def test_pdf_lampiran_has_the_quarterly_hashes(signed_pages: list[str], quarters) -> None:
    lampiran = re.sub(r"\s", "", " ".join(signed_pages[page_of(signed_pages, "LAMPIRAN I.") :]))
    for cycle in quarters:
        assert cycle.latest_report.sha256 in lampiran


def test_pdf_draft_is_marked_and_unsigned(quarters: list[Cycle]) -> None:
    pages = pdf_pages(render_pdf("annual_report.html", context(quarters, "draft", T_COMPILE)))
    text = " ".join(pages)
    assert "DRAF" in pages[0] and "belum diparaf dan belum ditandatangani" in pages[0]
    assert "DITANDATANGANI SECARA ELEKTRONIK" not in text and "DIPARAF MELALUI" not in text
    assert UNIT.one(Role.KASAT).name in text  # the signer-to-be under the blank signature


def test_pdf_escapes_user_text(quarters: list[Cycle]) -> None:
    tw4 = quarters[3]
    hostile = '<b>tebal</b><img src="http://127.0.0.1:9/x.png">'
    indicators = tuple(
        replace(i, indikator=hostile) if i.code == "IKU-1" else i for i in tw4.indicators
    )
    changed = [*quarters[:3], replace(tw4, indicators=indicators)]
    html = render_html(
        "annual_report.html",
        annual_report_context(UNIT, YEAR, changed, CALENDAR, "draft", T_COMPILE),
    )
    assert "<b>tebal</b>" not in html and "&lt;b&gt;tebal&lt;/b&gt;" in html


def test_verification_block_when_a_code_is_given(quarters: list[Cycle]) -> None:
    code = verification_code(b"k" * 32, f"{UNIT.code}:{YEAR}:tahunan", 1, "signed")
    ctx = context(quarters, "signed", verification_code=code)
    html = render_html("annual_report.html", ctx)
    assert code in html and 'class="qr"' in html and qr_payload(code) in html
    assert "verification" in ctx and context(quarters, "signed")["verification"] is None
