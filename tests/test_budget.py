"""The budget workbook (Realisasi Anggaran) and the targets workbook's comparison columns:
read with precise row/column refusals, written with a guide sheet explaining every column."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from documents.spreadsheets import parse_budget, parse_targets
from documents.workbooks import budget_workbook, targets_workbook
from domain.budget import BUDGET_COLUMNS
from domain.samples import sample_budget, sample_indicators, sample_targets
from domain.targets_import import TargetImportError
from tests.factories import JAKARTA

CODES = [i.code for i in sample_indicators()]
AT = datetime(2027, 1, 20, 9, 0, tzinfo=JAKARTA)
HEAD = "No;Program;Kegiatan;Kode Indikator;Pagu Anggaran (Rp);Realisasi Anggaran (Rp)\n"


def parse(data: bytes, name: str = "anggaran.csv"):
    return parse_budget(
        data,
        name,
        unit="satpolpp-bdg",
        year=2026,
        known_codes=CODES,
        imported_by=1,
        imported_at=AT,
    )


def refused(data: bytes, name: str = "anggaran.csv") -> list[str]:
    with pytest.raises(TargetImportError) as info:
        parse(data, name)
    return info.value.problems


def test_the_sample_budget_adds_up() -> None:
    budget = sample_budget()
    assert len(budget.lines) == 6 and len(budget.programs()) == 2
    assert budget.pagu == 7_170_000_000 and budget.realisasi == 6_521_450_000
    assert budget.percent == 90.95
    # An empty Program repeats the programme of the row above.
    assert budget.lines[1].program == budget.lines[0].program
    assert budget.lines[0].codes == ("IKU-1", "IKU-2")
    assert [line.kegiatan for line in budget.supporting(["IKU-8"])] == [
        "Pengelolaan Pengaduan dan Pelayanan Masyarakat",
        "Administrasi Umum Perangkat Daerah",
    ]


def test_every_problem_is_refused_with_its_row_and_column() -> None:
    bad = (
        HEAD
        + ";Program A;Kegiatan satu;IKU-1;1.000.000;1.200.000\n"
        + ";;Kegiatan dua;IKU-9;sejuta;0\n"
        + ";;Kegiatan satu;IKU-2;500.000;-5\n"
        + ";;;;0;\n"
    ).encode()
    assert refused(bad) == [
        "Baris 2, kolom “Realisasi Anggaran (Rp)”: realisasi Rp1.200.000 melebihi pagu "
        "Rp1.000.000.",
        "Baris 3, kolom “Kode Indikator”: kode “IKU-9” tidak terdapat dalam Target Kinerja "
        "tahun ini.",
        "Baris 3, kolom “Pagu Anggaran (Rp)”: “sejuta” bukan angka.",
        "Baris 4, kolom “Kegiatan”: kegiatan “Kegiatan satu” sudah ada di baris 2 dalam "
        "program yang sama.",
        "Baris 4, kolom “Realisasi Anggaran (Rp)”: tidak boleh negatif (-5).",
        "Baris 5, kolom “Kegiatan”: kosong, padahal wajib diisi.",
        "Baris 5, kolom “Kode Indikator”: kosong, padahal wajib diisi: sebutkan kode "
        "indikator yang didukung kegiatan ini.",
        "Baris 5, kolom “Pagu Anggaran (Rp)”: pagu 0 tidak dapat dipakai, karena persentase "
        "realisasi dihitung terhadap pagu.",
        "Baris 5, kolom “Realisasi Anggaran (Rp)”: kosong, padahal wajib diisi.",
    ]


def test_first_row_needs_a_programme_and_the_header_its_columns() -> None:
    assert refused((HEAD + ";;Kegiatan;IKU-1;10;5\n").encode())[0].startswith(
        "Baris 2, kolom “Program”: kosong, padahal wajib diisi pada baris pertama"
    )
    no_pagu = b"No;Program;Kegiatan;Kode Indikator;Realisasi Anggaran\n1;P;K;IKU-1;5\n"
    assert refused(no_pagu) == [
        "Baris 1 (baris judul): kolom “Pagu Anggaran (Rp)” tidak ditemukan."
    ]


def test_the_template_explains_every_column_and_reads_back() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(budget_workbook()))
    assert wb.sheetnames == ["Realisasi Anggaran", "Petunjuk"]
    assert [c.value for c in wb["Realisasi Anggaran"][1]] == [c.label for c in BUDGET_COLUMNS]
    explained = {r[0]: r[2] for r in wb["Petunjuk"].iter_rows(min_row=4, values_only=True) if r[2]}
    for column in BUDGET_COLUMNS:
        assert explained[column.label] == column.help
    filled = budget_workbook(sample_budget())
    assert parse(filled, "anggaran.xlsx").lines == sample_budget().lines


# ------------------------------------------------------------------ targets comparison columns


def parse_targets_csv(text: str):
    return parse_targets(
        text.encode(), "target.csv", unit="u", year=2026, imported_by=1, imported_at=AT
    )


TARGET_HEAD = (
    "Kode Indikator;Sasaran Strategis;Indikator Kinerja;Satuan;Target Tahunan;Target TW I;"
    "Target TW II;Target TW III;Target TW IV;Arah;Perhitungan;Realisasi Tahun N-1;"
    "Realisasi Tahun N-2;Target Akhir Renstra;Tahun Akhir Renstra;Standar Nasional\n"
)
ROW = "IKU-{n};S;Indikator {n};%;80;80;80;80;80;Naik;Per Triwulan;"


def test_the_comparison_columns_are_read_into_the_indicator() -> None:
    targets = parse_targets_csv(TARGET_HEAD + ROW.format(n=1) + "78,5;1.050;95;2029;76,61\n")
    ind = targets.indicators[0]
    assert ind.previous == (78.5, 1050.0)
    assert (ind.renstra_target, ind.renstra_year, ind.national_standard) == (95.0, 2029, 76.61)
    # The sample targets carry them too, and the workbook writes and reads them back.
    sample = sample_targets()
    again = parse_targets(
        targets_workbook(sample.indicators),
        "t.xlsx",
        unit="u",
        year=2026,
        imported_by=1,
        imported_at=AT,
    )
    assert again.indicators == sample.indicators
    assert sample.indicator("IKU-8").national_standard == 76.61


def test_a_workbook_without_the_comparison_columns_is_still_valid() -> None:
    old = TARGET_HEAD.split(";Realisasi Tahun N-1")[0] + "\n"
    ind = parse_targets_csv(old + ROW.format(n=1).rstrip(";") + "\n").indicators[0]
    assert ind.previous == (None, None) and ind.renstra_target is None


def test_bad_comparison_cells_are_refused_precisely() -> None:
    rows = (
        ROW.format(n=1)
        + "-3;x;95;;\n"
        + ROW.format(n=2)
        + ";;0;2029;\n"
        + ROW.format(n=3)
        + ";;;2029;\n"
        + ROW.format(n=4)
        + ";;90;2024;\n"
        + ROW.format(n=5)
        + ";;90;2029,5;baik\n"
    )
    with pytest.raises(TargetImportError) as info:
        parse_targets_csv(TARGET_HEAD + rows)
    assert info.value.problems == [
        "Baris 2, kolom “Realisasi Tahun N-1”: tidak boleh negatif (-3).",
        "Baris 2, kolom “Realisasi Tahun N-2”: “x” bukan angka.",
        "Baris 2, kolom “Tahun Akhir Renstra”: kosong, padahal Target Akhir Renstra diisi; "
        "isi tahunnya.",
        "Baris 3, kolom “Target Akhir Renstra”: target 0 tidak dapat dipakai, karena persentase "
        "capaian target jangka menengah dihitung terhadap target ini; kosongkan bila tidak ada.",
        "Baris 4, kolom “Target Akhir Renstra”: kosong, padahal Tahun Akhir Renstra diisi; isi "
        "targetnya atau kosongkan keduanya.",
        "Baris 5, kolom “Tahun Akhir Renstra”: tahun 2024 di luar rentang yang mungkin: tidak "
        "sebelum tahun target (2026) dan paling lambat 2036.",
        "Baris 6, kolom “Tahun Akhir Renstra”: “2029,5” bukan tahun.",
        "Baris 6, kolom “Standar Nasional”: “baik” bukan angka.",
    ]
