"""The /ekspor workbook as an e-SAKIP operator pastes it: numbers rounded as the reports print
them, an empty cell (with the reason in "Keterangan") where capaian cannot be computed, kendala
per quarter, the budget's period, and the unit as the workbook's author. Read back with
openpyxl."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

import openpyxl

from demo.sample_year import filed_quarter
from documents.workbooks import export_csv, quarter_export, year_export
from domain.samples import sample_budget
from tests.domain_factories import make_ctx
from tests.test_annual_report import UNIT

HEAD = (
    "Tahun",
    "Periode",
    "Sasaran Strategis",
    "Kode Indikator",
    "Indikator Kinerja",
    "Satuan",
    "Arah",
    "Target",
    "Realisasi",
    "Capaian (%)",
    "Kategori",
    "Keterangan",
)


def quarters(year: int = 2026):
    ctx = make_ctx(unit=UNIT)
    return [filed_quarter(ctx, year, n, render=False) for n in (1, 2, 3, 4)]


def sheet(workbook: bytes, name: str = "Kinerja") -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(workbook))[name].iter_rows(values_only=True))


def decimals(value: object) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if isinstance(value, float) and "." in text else 0


def test_year_export_rounds_splits_kendala_per_quarter_and_names_the_unit():
    year = quarters()
    workbook = year_export(year, UNIT.name, sample_budget())
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    assert wb.properties.creator == UNIT.name
    rows = sheet(workbook)
    assert rows[0][:12] == HEAD
    assert rows[0][12:] == (
        "Kendala TW I",
        "Kendala TW II",
        "Kendala TW III",
        "Kendala TW IV",
        "Tindak Lanjut TW I",
        "Tindak Lanjut TW II",
        "Tindak Lanjut TW III",
        "Tindak Lanjut TW IV",
    )
    iku1 = next(r for r in rows if r[3] == "IKU-1")
    # 76,775 is printed 76,78 (two decimals, half up), as in the LKj.
    assert iku1[7:12] == (85, 76.78, 90.32, "Sangat Baik", None)
    for row in rows[1:]:
        assert all(decimals(v) <= 2 for v in row), row
    # Each quarter's kendala in its own column, never several quarters in one cell.
    reported = {
        tw: next(r for r in c.realisations if r.code == "IKU-1" and not r.superseded)
        for tw, c in zip((1, 2, 3, 4), year, strict=True)
    }
    assert iku1[12:16] == tuple(reported[tw].kendala for tw in (1, 2, 3, 4))
    assert iku1[16:20] == tuple(reported[tw].tindak_lanjut for tw in (1, 2, 3, 4))
    assert all("(TW" not in (v or "") for v in iku1[12:20])
    table = list(csv.reader(io.StringIO(export_csv_text(year)), delimiter=";"))
    assert table[0][12] == "Kendala TW I"
    assert next(r for r in table if r[3] == "IKU-1")[8] == "76,78"


def export_csv_text(year) -> str:
    from documents.workbooks import year_rows

    return export_csv(year_rows(year)).decode("utf-8-sig")


def test_quarter_without_capaian_leaves_the_cells_empty_and_says_why_in_keterangan():
    cycle = quarters()[1]
    # IKU-2 without a TW II target: its capaian cannot be computed.
    indicators = tuple(
        dataclasses.replace(i, targets=(i.targets[0], None, *i.targets[2:]))
        if i.code == "IKU-2"
        else i
        for i in cycle.indicators
    )
    cycle = dataclasses.replace(cycle, indicators=indicators)
    rows = sheet(quarter_export(cycle, UNIT.name, None))
    assert rows[0] == (*HEAD, "Kendala", "Tindak Lanjut")
    iku2 = next(r for r in rows if r[3] == "IKU-2")
    assert iku2[7] is None and iku2[9] is None and iku2[10] is None
    assert iku2[11] and "target" in iku2[11].lower()
    iku4 = next(r for r in rows if r[3] == "IKU-4")
    assert iku4[1] == "TW II" and iku4[7:12] == (600, 588, 98, "Sangat Baik", None)
    categories = {r[10] for r in rows[1:]}
    assert categories <= {None, "Sangat Baik", "Baik", "Cukup", "Kurang", "Sangat Kurang"}


def test_budget_sheet_carries_its_period_also_in_a_quarterly_export():
    budget = sample_budget()
    workbook = quarter_export(quarters()[1], UNIT.name, budget)
    rows = sheet(workbook, "Anggaran")
    assert rows[0][:3] == ("Tahun", "Periode", "Data per")
    first = rows[1]
    assert first[1] == "Tahun Anggaran 2026"
    assert first[2].date() == date(2027, 1, 20)
    assert all(decimals(v) <= 2 for r in rows[1:] for v in r)
    guide = [r[0] for r in sheet(workbook, "Petunjuk") if r[0]]
    assert any("tidak dibagi per triwulan" in (g or "") for g in guide)


BUDGET_WITH_CODES = (
    b"No;Kode Program;Program;Kode Kegiatan;Kegiatan;Kode Indikator;Pagu Anggaran (Rp);"
    b"Realisasi Anggaran (Rp)\n"
    b"1;1.05.02;Program Peningkatan Ketenteraman dan Ketertiban Umum;1.05.02.2.01;"
    b"Penegakan Perda;IKU-1, IKU-2;1.000.000;900.000\n"
    b"2;;;1.05.02.2.02;Pembinaan PPNS;IKU-3;500.000;333.333\n"
)


def test_programme_and_activity_codes_travel_from_the_budget_file_to_the_export():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from documents.spreadsheets import parse_budget
    from documents.workbooks import budget_workbook
    from domain.samples import sample_indicators

    budget = parse_budget(
        BUDGET_WITH_CODES,
        "anggaran.csv",
        unit=UNIT.code,
        year=2026,
        known_codes=[i.code for i in sample_indicators()],
        imported_by=1,
        imported_at=datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
    )
    # The second row repeats its programme, name and code alike.
    assert [(line.program_code, line.kegiatan_code) for line in budget.lines] == [
        ("1.05.02", "1.05.02.2.01"),
        ("1.05.02", "1.05.02.2.02"),
    ]
    rows = sheet(quarter_export(quarters()[1], UNIT.name, budget), "Anggaran")
    assert rows[0][3:7] == ("Kode Program", "Program", "Kode Kegiatan", "Kegiatan")
    assert rows[2][3] == "1.05.02" and rows[2][5] == "1.05.02.2.02"
    assert rows[2][-1] == 66.67  # 333.333 of 500.000, two decimals
    # The template written back from the stored budget keeps the codes.
    template = sheet(budget_workbook(budget), "Realisasi Anggaran")
    assert "Kode Program" in template[0] and "1.05.02.2.01" in template[1]
    # A budget file without the code columns gives empty code cells, not an error.
    assert all(
        r[3] is None and r[5] is None
        for r in sheet(quarter_export(quarters()[1], UNIT.name, sample_budget()), "Anggaran")[1:]
    )
