"""A pemda evaluator's /ekspor (issue 22): one workbook with a summary sheet (a row per unit:
state, step, capaian, signed) and a sheet per unit of their pemda only, holding the figures
of what each unit signed, the others marked as not signed yet; the summary as CSV too. The
pemda is the workbook's author. A stranger gets no export."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from app.export import pemda_export
from bot.services import build_services
from documents import workbooks
from documents.workbooks import quarter_rows, year_rows
from emulator.users import SimUser
from tests.factories import DEMO_ROSTER
from tests.test_annual_report import filed_quarter
from tests.test_app_pemda import EXTRA, _start

KEY = "kota-bandung"
SATPOL = "Satuan Polisi Pamong Praja"  # its sheet: the name without the pemda's own
DINKES = "Dinas Kesehatan"


@pytest.fixture
def roster_path(tmp_path):
    path = tmp_path / "roster.toml"
    path.write_text(DEMO_ROSTER.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return path


@pytest.fixture
async def seeded(settings, clock):
    """The Satpol PP signed TW I–III of 2026; the Dinas Kesehatan and a Kendal unit have
    begun TW IV (through the quarter's own use case)."""
    services = build_services(settings, clock=clock)
    for triwulan in (1, 2, 3):
        services.cycles.save(filed_quarter(triwulan))
    await _start(services, "dinkes-bdg")
    await _start(services, "satpolpp-kendal")
    services.db.close()


def read(workbook: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook))


def rows(book: openpyxl.Workbook, sheet: str) -> list[tuple]:
    return list(book[sheet].iter_rows(values_only=True))


def summary_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.usefixtures("seeded")
async def test_evaluator_exports_the_pemda_quarter_and_year(runner, emu, stranger):
    await runner.start()
    evaluator = SimUser(emu, 9001, "Dra. Sri Lestari")
    evaluator.say("/ekspor")
    menu = await evaluator.expect("Ekspor data kinerja Pemerintah Kota Bandung")
    assert menu.buttons == [
        "Triwulan I Tahun 2026",
        "Triwulan II Tahun 2026",
        "Triwulan III Tahun 2026",
        "Triwulan IV Tahun 2026",
        "Tahun 2026",
    ]

    # A quarter: the Satpol PP signed it, the Dinas Kesehatan has not begun it.
    await evaluator.tap("Triwulan III Tahun 2026", menu)
    book_msg = await evaluator.expect("1 dari 2 unit kerja", document=True)
    assert book_msg.document.filename == f"Ekspor_Kinerja_Pemda_{KEY}_TW-III_2026.xlsx"
    book = read(book_msg.document.content)
    assert book.sheetnames == ["Ringkasan", DINKES, SATPOL]  # Kendal's unit is not there
    assert book.properties.creator == "Pemerintah Kota Bandung"
    summary = rows(book, "Ringkasan")
    head = summary[0]
    by_unit = {r[0]: dict(zip(head, r, strict=True)) for r in summary[1:]}
    assert set(by_unit) == {"dinkes-bdg", "satpolpp-bdg"}
    satpol, dinkes = by_unit["satpolpp-bdg"], by_unit["dinkes-bdg"]
    assert (satpol["Keadaan"], satpol["Ditandatangani"], satpol["Lembar"]) == (
        "Ditandatangani",
        "Ya",
        SATPOL,
    )
    expected = quarter_rows(filed_quarter(3))
    computed = [r.capaian for r in expected if r.capaian is not None]
    assert satpol["Rata-rata Capaian (%)"] == pytest.approx(sum(computed) / len(computed), 0.01)
    assert satpol["Jumlah Indikator"] == len(expected)
    assert (dinkes["Keadaan"], dinkes["Ditandatangani"], dinkes["Rata-rata Capaian (%)"]) == (
        "Belum dimulai",
        "Belum",
        None,
    )
    assert dinkes["Keterangan"] == "Belum ditandatangani: TW III"
    # The unit's sheet holds the quarter's rows as the unit's own export has them.
    sheet = rows(book, SATPOL)
    assert sheet[0][:4] == ("Tahun", "Periode", "Sasaran Strategis", "Kode Indikator")
    assert [r[3] for r in sheet[1:]] == [r.code for r in expected]
    assert {r[1] for r in sheet[1:]} == {"TW III"}
    assert "Belum ada laporan yang ditandatangani" in rows(book, DINKES)[1][0]

    csv_msg = await evaluator.expect("Lembar Ringkasan", document=True)
    assert csv_msg.document.filename == f"Ringkasan_Pemda_{KEY}_TW-III_2026.csv"
    lines = summary_csv(csv_msg.document.content)
    assert [(r["Kode Unit"], r["Ditandatangani"]) for r in lines] == [
        ("dinkes-bdg", "Belum"),
        ("satpolpp-bdg", "Ya"),
    ]

    # The year: nobody signed all four quarters; the Satpol PP's signed ones are there, the
    # Dinas Kesehatan's TW IV under way (its step named).
    await evaluator.tap("Tahun 2026", menu)
    year_msg = await evaluator.expect("0 dari 2 unit kerja", document=True)
    year = read(year_msg.document.content)
    summary = rows(year, "Ringkasan")
    by_unit = {r[0]: dict(zip(summary[0], r, strict=True)) for r in summary[1:]}
    assert by_unit["satpolpp-bdg"]["Keterangan"] == "Belum ditandatangani: TW IV"
    assert by_unit["dinkes-bdg"]["Triwulan"] == "TW IV"
    assert by_unit["dinkes-bdg"]["Tahap"] is not None
    assert by_unit["dinkes-bdg"]["Keadaan"] in ("Berjalan", "Berisiko", "Terlambat")
    assert {r[1] for r in rows(year, SATPOL)[1:]} == {"TW I", "TW II", "TW III"}
    await evaluator.expect("Lembar Ringkasan", document=True)

    # A stranger (no unit's member, no evaluator) gets no export.
    stranger.say("/ekspor")
    await stranger.expect("belum terdaftar sebagai pengguna lkj-bot")
    await emu.settle(quiet=0.3)
    assert not [m for m in stranger.received() if m.document]


async def test_a_year_signed_whole_carries_the_units_year_rows(settings, clock):
    """A unit whose four quarters are signed: its sheet holds the year's rows (as the unit's
    own year export), its summary the mean capaian of the year; the other unit is marked."""
    services = build_services(settings, clock=clock)
    try:
        quarters = [filed_quarter(t) for t in (1, 2, 3, 4)]
        for cycle in quarters:
            services.cycles.save(cycle)
        evaluator = services.roster.evaluator(9001)
        assert evaluator is not None
        made = pemda_export(services, workbooks, evaluator, 2026, None)
        satpol, dinkes = made.units[1], made.units[0]
        expected = year_rows(quarters)
        assert (satpol.code, satpol.signed, satpol.state, satpol.unsigned) == (
            "satpolpp-bdg",
            True,
            "ditandatangani",
            (),
        )
        computed = [r.capaian for r in expected if r.capaian is not None]
        assert satpol.capaian == pytest.approx(sum(computed) / len(computed), abs=0.01)
        assert (dinkes.signed, dinkes.state, dinkes.unsigned) == (
            False,
            "belum_dimulai",
            (1, 2, 3, 4),
        )
        book = read(made.workbook.content)
        sheet = rows(book, SATPOL)
        assert {r[1] for r in sheet[1:]} == {"Tahunan"}
        assert [r[3] for r in sheet[1:]] == [r.code for r in expected]
        assert "Kendala TW IV" in sheet[0]  # the year's note columns, one per quarter
        assert made.workbook.filename == f"Ekspor_Kinerja_Pemda_{KEY}_Tahunan_2026.xlsx"
    finally:
        services.db.close()
