"""Bab III's comparisons in the annual LKj: previous years (from the bot's own filed year or
the targets workbook), the Renstra target, a national standard, efficiency per sasaran and
Bab III.B; and a year without that data, which says what could not be compared and why."""

from __future__ import annotations

from dataclasses import replace

import pytest

from demo.sample_year import filed_quarter as sample_quarter
from documents.annual_context import annual_report_context
from documents.render import render_pdf
from domain.calendar import WorkCalendar
from domain.models import Cycle
from domain.samples import sample_budget
from tests.domain_factories import make_ctx
from tests.test_annual_report import T_SIGN, UNIT, pdf_pages

CALENDAR = WorkCalendar()


@pytest.fixture(scope="module")
def quarters() -> list[Cycle]:
    ctx = make_ctx(unit=UNIT)
    return [sample_quarter(ctx, 2026, n, render=False) for n in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def last_year() -> list[Cycle]:
    ctx = make_ctx(unit=UNIT)
    return [sample_quarter(ctx, 2025, n, render=False) for n in (1, 2, 3, 4)]


def bare(cycle: Cycle) -> Cycle:
    """The cycle as if the targets workbook had none of the comparison columns."""
    plain = tuple(
        replace(
            i, previous=(None, None), renstra_target=None, renstra_year=None, national_standard=None
        )
        for i in cycle.indicators
    )
    return replace(cycle, indicators=plain)


def full_context(quarters, last_year) -> dict:
    return annual_report_context(
        UNIT,
        2026,
        quarters,
        CALENDAR,
        "draft",
        T_SIGN,
        previous_years={2025: last_year, 2024: []},
        budget=sample_budget(),
    )


def test_previous_years_come_from_the_bot_then_the_workbook(quarters, last_year) -> None:
    history = full_context(quarters, last_year)["analysis"]["history"]
    assert history["available"] and history["years"] == [2024, 2025, 2026]
    iku1 = history["rows"][0]
    # 2024 from the workbook column N-2, 2025 from the four quarters the bot filed.
    assert iku1["values"] == ["72,4", "72,94", "76,78"]  # two decimals at most
    assert iku1["sources"] == ["Target Kinerja", "Laporan Triwulan I\u2013IV"]
    assert iku1["verdict"] == "membaik" and iku1["change"] == "+3,84"
    # Lower is better: more disturbances than last year is a decline.
    iku6 = history["rows"][5]
    assert iku6["values"][1:] == ["137", "152"] and iku6["verdict"] == "menurun"
    assert history["improved_codes"] == ["IKU-1", "IKU-2", "IKU-3", "IKU-4", "IKU-7", "IKU-8"]
    assert history["worse_codes"] == ["IKU-5", "IKU-6"]
    # Without the bot's 2025, the comparison falls back to the workbook's 2024 column.
    only_workbook = annual_report_context(UNIT, 2026, quarters, CALENDAR, "draft", T_SIGN)
    rows = only_workbook["analysis"]["history"]["rows"]
    assert rows[0]["values"] == ["72,4", "-", "76,78"] and rows[0]["base_year"] == 2024
    assert (
        "Tahun 2025: tidak terdapat empat Laporan Data Kinerja Triwulan tahun itu"
        in only_workbook["analysis"]["history"]["reasons"][0]
    )


def test_renstra_standard_efficiency_and_budget_figures(quarters, last_year) -> None:
    analysis = full_context(quarters, last_year)["analysis"]
    renstra = {r["code"]: r for r in analysis["renstra"]["rows"]}
    assert renstra["IKU-1"]["percent_label"] == "80,82%"  # 76,775 of 95
    assert renstra["IKU-2"]["percent_label"] == "77,00%"  # (2 - 246/200) lower is better
    assert renstra["IKU-1"]["years_left"] == 3
    assert [r["code"] for r in analysis["standard"]["rows"]] == ["IKU-8"]
    assert analysis["standard"]["rows"][0]["verdict"] == "memenuhi standar nasional"
    efficiency = analysis["efficiency"]["rows"]
    assert [
        (r["capaian_label"], r["serapan_label"], r["ratio"], r["verdict"]) for r in efficiency
    ] == [
        ("95,11%", "87,84%", "1,08", "efisien"),
        ("88,33%", "91,44%", "0,97", "kurang efisien"),
        ("100,23%", "95,85%", "1,05", "efisien"),
    ]
    # Programmes and activities per sasaran; one activity supports two sasaran.
    assert [a["kegiatan"] for a in efficiency[2]["activities"]] == [
        "Pengelolaan Pengaduan dan Pelayanan Masyarakat",
        "Administrasi Umum Perangkat Daerah",
    ]
    assert efficiency[2]["activities"][0]["shared"]
    budget = analysis["budget"]
    assert (budget["pagu"], budget["realisasi"], budget["percent"]) == (
        "7.170.000.000",
        "6.521.450.000",
        "90,95%",
    )
    assert [p["percent"] for p in budget["programs"]] == ["89,35%", "95,85%"]


def test_the_pdf_shows_the_new_tables(quarters, last_year) -> None:
    pages = pdf_pages(render_pdf("annual_report.html", full_context(quarters, last_year)))
    text = " ".join(pages)
    for expected in (
        "Tabel 3.5 Realisasi Tahun 2024, 2025 dan 2026",
        "Tabel 3.6 Realisasi Tahun 2026 terhadap target akhir Renstra",
        "Tabel 3.7 Realisasi Tahun 2026 terhadap standar nasional",
        "Tabel 3.8 Program, kegiatan pendukung dan efisiensi",
        "B. REALISASI ANGGARAN",
        "Tabel 3.9 Pagu dan realisasi anggaran",
        "72,94",
        "80,82%",
        "kurang efisien",
        "6.521.450.000",
        # The Ikhtisar summarises them.
        "realisasi 6 indikator membaik",
        "Realisasi anggaran Tahun 2026 sebesar Rp6.521.450.000 dari pagu Rp7.170.000.000 (90,95%)",
    ):
        assert expected in text, expected


def test_a_year_without_the_new_data_says_why(quarters) -> None:
    plain = [bare(c) for c in quarters]
    context = annual_report_context(UNIT, 2026, plain, CALENDAR, "draft", T_SIGN)
    analysis = context["analysis"]
    assert not any(
        analysis[k]["available"] for k in ("history", "renstra", "standard", "efficiency", "budget")
    )
    pages = pdf_pages(render_pdf("annual_report.html", context))
    text = " ".join(pages)
    assert "arsip bot" not in text and "melalui bot" not in text  # formal sources only
    for reason in (
        "Perbandingan realisasi Tahun 2026 dengan tahun-tahun sebelumnya tidak dapat disajikan "
        "karena tidak ada data realisasi tahun sebelumnya: Tahun 2025: tidak terdapat empat "
        "Laporan Data Kinerja Triwulan tahun itu yang telah ditandatangani",
        "kolom “Realisasi Tahun N-2” pada Target Kinerja Tahun 2026 tidak diisi",
        "Perbandingan realisasi dengan target jangka menengah (Renstra) tidak dapat disajikan",
        "Perbandingan dengan standar nasional tidak dapat disajikan",
        "Analisis efisiensi penggunaan sumber daya",
        "Realisasi anggaran Tahun 2026 tidak dapat disajikan karena data realisasi anggaran "
        "Tahun 2026 belum diunggah ke bot",
    ):
        assert reason in text, reason
    # Never an empty table: none of the comparison tables is there.
    for caption in ("Tabel 3.5", "Tabel 3.6", "Tabel 3.7", "Tabel 3.8", "Tabel 3.9"):
        assert caption not in text, caption
    # The sections and the rest of the report are still there.
    assert "3.9 Realisasi Anggaran per Program dan Kegiatan" in text and "BAB IV" in text
