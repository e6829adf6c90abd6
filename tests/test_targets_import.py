"""Importing the year's targets and a member's realisation workbook; every refusal, word for word.

Workbooks are built here with openpyxl from plain rows; row numbers in the messages are the
spreadsheet's own (header on row 1, first indicator on row 2).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from documents.sample_workbooks import sample_realisation_workbook, sample_targets_workbook
from documents.spreadsheets import parse_realisation_workbook, parse_targets
from documents.workbooks import realisation_workbook, targets_workbook, template_workbook
from domain.errors import InputError
from domain.performance import KUMULATIF, NAIK, PER_TRIWULAN, TURUN, Indicator, TargetSet
from domain.samples import (
    SAMPLE_YEAR,
    sample_indicators,
    sample_realisations,
    sample_targets,
    sample_targets_csv,
)
from domain.targets_import import (
    MAX_ROWS,
    TargetImportError,
    rows_by_code,
)

WIB = ZoneInfo("Asia/Jakarta")
AT = datetime(2026, 1, 5, 9, 0, tzinfo=WIB)

COMPARISON_HEADER = [
    "Realisasi Tahun N-1",
    "Realisasi Tahun N-2",
    "Target Akhir Renstra",
    "Tahun Akhir Renstra",
    "Standar Nasional",
]
# Optional columns for the annual LKj (issue 21): the counting rule, programme and activity.
ANNUAL_HEADER = ["Penghitungan Tahunan", "Program", "Kegiatan"]
HEADER = [
    "No",
    "Sasaran Strategis",
    "Kode Indikator",
    "Indikator Kinerja",
    "Satuan",
    "Target Tahunan",
    "Target TW I",
    "Target TW II",
    "Target TW III",
    "Target TW IV",
    "Arah",
    "Perhitungan",
]
S1 = "Meningkatnya penegakan Peraturan Daerah"
S2 = "Meningkatnya ketenteraman dan ketertiban umum"


def good_rows() -> list[list[object]]:
    return [
        [1, S1, "IKU-1", "Persentase penegakan Perda", "%", 85, 80, 82, 84, 85, "Naik",
         "Per Triwulan"],
        [2, S1, "IKU-2", "Jumlah pelanggaran Perda yang dilaporkan", "kasus", 240, 65, 60, 60,
         55, "Turun", "Per Triwulan"],
        [3, S2, "IKU-4", "Jumlah patroli ketertiban umum", "kali", 1200, 300, 600, 900, 1200,
         "Naik", "Kumulatif"],
    ]  # fmt: skip


def xlsx(rows: Sequence[Sequence[object]], header: Sequence[object] = HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Target Kinerja"
    if header:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ";", bom: bool = False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def parse(data: bytes, name: str = "target.xlsx") -> TargetSet:
    return parse_targets(
        data, name, unit="satpolpp-bdg", year=2026, imported_by=1003, imported_at=AT
    )


def refused(data: bytes, name: str = "target.xlsx") -> list[str]:
    with pytest.raises(TargetImportError) as info:
        parse(data, name)
    return info.value.problems


def with_cell(row: int, column: str, value: object) -> list[list[object]]:
    """The good rows with one cell changed; ``row`` is the spreadsheet row (2 = first)."""
    rows = good_rows()
    rows[row - 2][HEADER.index(column)] = value
    return rows


# ------------------------------------------------------------------------------ good files


def test_a_good_workbook_becomes_a_target_set() -> None:
    data = xlsx(good_rows())
    ts = parse(data)
    assert (ts.unit, ts.year, ts.imported_by, ts.imported_at) == ("satpolpp-bdg", 2026, 1003, AT)
    assert ts.source_name == "target.xlsx"
    assert len(ts.source_sha256) == 64
    assert ts.codes == ["IKU-1", "IKU-2", "IKU-4"]
    assert ts.sasaran() == [S1, S2]
    assert ts.indicators[2] == Indicator(
        code="IKU-4",
        sasaran=S2,
        indikator="Jumlah patroli ketertiban umum",
        satuan="kali",
        target_tahunan=1200,
        targets=(300, 600, 900, 1200),
        direction=NAIK,
        counting=KUMULATIF,
    )
    assert ts.indicators[1].direction == TURUN
    assert ts.indicators[0].counting == PER_TRIWULAN


def test_the_sample_csv_and_the_sample_workbook_give_the_same_targets() -> None:
    from_csv = parse(sample_targets_csv(), "satpolpp_targets_2026.csv")
    from_xlsx = parse(sample_targets_workbook(), "target_kinerja_satpolpp_2026.xlsx")
    assert from_csv.indicators == from_xlsx.indicators == sample_indicators()
    assert from_csv == sample_targets(imported_by=1003, imported_at=AT)
    assert SAMPLE_YEAR == 2026
    ind = {i.code: i for i in from_csv.indicators}
    assert len(from_csv.sasaran()) >= 3 and len(ind) >= 8
    assert ind["IKU-4"].target_tahunan == 1200  # written "1.200"
    assert ind["IKU-8"].targets[3] == 82.5  # written "82,5"
    assert ind["IKU-3"].targets[0] is None  # written "-": no target in TW I


def test_a_written_workbook_reads_back_unchanged() -> None:
    indicators = sample_indicators()
    assert parse(targets_workbook(indicators)).indicators == indicators


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_with_either_delimiter_and_with_or_without_bom(delimiter: str, bom: bool) -> None:
    rows = good_rows()
    rows[0][5] = "85,0"  # a decimal comma: quoted by the csv writer when "," separates
    rows[2][5] = rows[2][9] = "1.200"
    assert (
        parse(csv_bytes(rows, delimiter, bom), "t.csv").indicators
        == parse(xlsx(good_rows())).indicators
    )


def test_headers_are_matched_loosely_and_may_follow_title_rows() -> None:
    header = [
        "NO.",
        " sasaran  strategis",
        "KODE INDIKATOR",
        "Indikator kinerja",
        "satuan",
        "Target tahunan",
        "Target TW 1",
        "target tw ii",
        "TARGET TW III",
        "Target TW IV",
        "ARAH (Naik/Turun)",
        "Perhitungan (Kumulatif/Per Triwulan)",
        "Keterangan",
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["PERJANJIAN KINERJA TAHUN 2026"])
    ws.append([])
    ws.append(header)
    for row in good_rows():
        ws.append([*row, "catatan bebas"])
    buf = io.BytesIO()
    wb.save(buf)
    assert parse(buf.getvalue()).indicators == parse(xlsx(good_rows())).indicators


def test_indonesian_numbers_percent_cells_and_word_variants() -> None:
    rows = good_rows()
    rows[0][5:10] = ["85%", "80", " 82 ", "84,0", "85"]
    rows[0][10:12] = ["positif", "non-kumulatif"]
    rows[2][5:10] = ["1.200", "300", "600", "900", "1.200"]
    rows[2][11] = "Komulatif"  # a common misspelling
    wb = openpyxl.load_workbook(io.BytesIO(xlsx(rows)))
    ws = wb.active
    assert ws is not None
    # Cells formatted as percentages hold fractions: 2,4 shown as "240%" is read as 240.
    ws["F3"] = 2.4
    ws["F3"].number_format = "0%"
    ws["G3"] = 0.65
    ws["G3"].number_format = "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    got = parse(buf.getvalue()).indicators
    assert got[0].target_tahunan == 85 and got[0].targets == (80, 82, 84, 85)
    assert (got[0].direction, got[0].counting) == (NAIK, PER_TRIWULAN)
    assert got[1].target_tahunan == 240 and got[1].targets[0] == 65  # 2,4 and 0,65 as percent
    assert got[2].target_tahunan == 1200 and got[2].counting == KUMULATIF


def test_empty_sasaran_repeats_the_one_above_like_merged_cells() -> None:
    rows = with_cell(3, "Sasaran Strategis", None)
    assert parse(xlsx(rows)).indicators[1].sasaran == S1


def test_empty_rows_are_skipped() -> None:
    rows = good_rows()
    rows.insert(1, [None] * 12)
    ts = parse(xlsx(rows))
    assert ts.codes == ["IKU-1", "IKU-2", "IKU-4"]


# ------------------------------------------------------------------------------ bad cells


@pytest.mark.parametrize(
    ("case", "rows", "problems"),
    [
        ("text where a number belongs", with_cell(3, "Target TW II", "delapan"),
         ["Baris 3, kolom “Target TW II”: “delapan” bukan angka."]),
        ("duplicate indicator code", with_cell(4, "Kode Indikator", "iku-1"),
         ["Baris 4, kolom “Kode Indikator”: kode “iku-1” sudah dipakai di baris 2."]),
        ("empty required cell", with_cell(2, "Satuan", None),
         ["Baris 2, kolom “Satuan”: kosong, padahal wajib diisi."]),
        ("empty annual target", with_cell(2, "Target Tahunan", ""),
         ["Baris 2, kolom “Target Tahunan”: kosong, padahal wajib diisi."]),
        ("unknown Arah", with_cell(2, "Arah", "Naik Turun"),
         ["Baris 2, kolom “Arah”: “Naik Turun” tidak dikenal; isi “Naik” atau “Turun”."]),
        ("unknown Perhitungan", with_cell(2, "Perhitungan", "Bulanan"),
         ["Baris 2, kolom “Perhitungan”: “Bulanan” tidak dikenal; isi “Kumulatif” atau "
          "“Per Triwulan”."]),
        ("annual target 0", with_cell(2, "Target Tahunan", 0),
         ["Baris 2, kolom “Target Tahunan”: target 0 tidak dapat dipakai, karena capaian "
          "dihitung sebagai persentase terhadap target (pembagian dengan nol); isi target "
          "tahunan yang lebih dari 0."]),
        ("quarter target 0, higher is better", with_cell(2, "Target TW I", "0"),
         ["Baris 2, kolom “Target TW I”: target 0 tidak dapat dipakai, karena capaian "
          "dihitung sebagai persentase terhadap target (pembagian dengan nol); bila tidak ada "
          "target pada triwulan ini, kosongkan sel atau isi “-”."]),
        ("quarter target 0, lower is better", with_cell(3, "Target TW IV", 0),
         ["Baris 3, kolom “Target TW IV”: target 0 tidak dapat dipakai, karena capaian "
          "dihitung sebagai persentase terhadap target (pembagian dengan nol); bila tidak ada "
          "target pada triwulan ini, kosongkan sel atau isi “-”. Untuk target nol kejadian, "
          "rumuskan indikatornya sebagai persentase dengan arah Naik."]),
        ("negative target", with_cell(2, "Target TW III", -84),
         ["Baris 2, kolom “Target TW III”: target tidak boleh negatif (-84)."]),
        ("no quarter target at all",
         [*good_rows()[:1], [2, S1, "IKU-2", "Jumlah", "kasus", 240, None, "-", "", None,
                             "Turun", "Per Triwulan"]],
         ["Baris 3, kolom “Target TW I” s.d. “Target TW IV”: semuanya kosong; isi sedikitnya "
          "satu target triwulan."]),
        ("cumulative targets decrease", with_cell(4, "Target TW III", 500),
         ["Baris 4, kolom “Target TW III”: indikator kumulatif, tetapi target TW III (500) "
          "lebih kecil daripada target TW II (600)."]),
        ("cumulative TW IV is not the annual target", with_cell(4, "Target TW IV", 1000),
         ["Baris 4, kolom “Target TW IV”: indikator kumulatif, sehingga target TW IV harus "
          "sama dengan Target Tahunan (1.200), bukan 1.000."]),
        ("cumulative quarter above the annual target",
         [[3, S2, "IKU-4", "Patroli", "kali", "1.200", 300, 1300, "-", "", "Naik", "Kumulatif"]],
         ["Baris 2, kolom “Target TW II”: indikator kumulatif, tetapi target TW II (1.300) "
          "melebihi Target Tahunan (1.200)."]),
        ("code with a space", with_cell(2, "Kode Indikator", "IKU 1"),
         ["Baris 2, kolom “Kode Indikator”: kode “IKU 1” tidak sah; gunakan paling banyak 20 "
          "karakter berupa huruf, angka, titik, garis hubung, garis bawah atau garis miring, "
          "tanpa spasi."]),
        ("first sasaran empty", with_cell(2, "Sasaran Strategis", " "),
         ["Baris 2, kolom “Sasaran Strategis”: kosong, padahal wajib diisi pada baris indikator "
          "pertama (baris berikutnya boleh dikosongkan bila sasarannya sama dengan baris di "
          "atasnya)."]),
        ("satuan too long", with_cell(2, "Satuan", "x" * 31),
         ["Baris 2, kolom “Satuan”: terlalu panjang (31 karakter; paling banyak 30)."]),
        ("a date where a number belongs", with_cell(2, "Target TW I", datetime(2026, 1, 8)),
         ["Baris 2, kolom “Target TW I”: “2026-01-08 00:00:00” bukan angka."]),
    ],
)  # fmt: skip
def test_bad_cells_are_refused_with_row_and_column(
    case: str, rows: list[list[object]], problems: list[str]
) -> None:
    assert refused(xlsx(rows)) == problems, case
    assert refused(csv_bytes(rows), "target.csv") == problems or case == (
        "a date where a number belongs"
    )


def test_every_problem_is_collected_in_row_then_column_order() -> None:
    rows = good_rows()
    rows[0][7] = "delapan"  # row 2, Target TW II
    rows[0][10] = "naik-turun"  # row 2, Arah
    rows[1][2] = "IKU-1"  # row 3, duplicate
    rows[2][4] = None  # row 4, Satuan
    assert refused(xlsx(rows)) == [
        "Baris 2, kolom “Target TW II”: “delapan” bukan angka.",
        "Baris 2, kolom “Arah”: “naik-turun” tidak dikenal; isi “Naik” atau “Turun”.",
        "Baris 3, kolom “Kode Indikator”: kode “IKU-1” sudah dipakai di baris 2.",
        "Baris 4, kolom “Satuan”: kosong, padahal wajib diisi.",
    ]


def test_the_error_message_is_one_readable_indonesian_list() -> None:
    rows = with_cell(3, "Target TW II", "delapan")
    with pytest.raises(TargetImportError) as info:
        parse(xlsx(rows), "PK 2026.xlsx")
    assert isinstance(info.value, InputError)
    assert str(info.value) == (
        "Berkas “PK 2026.xlsx” ditolak dan tidak ada data yang disimpan. Ditemukan 1 masalah:\n"
        "1. Baris 3, kolom “Target TW II”: “delapan” bukan angka.\n"
        "Perbaiki berkas tersebut, lalu kirimkan kembali."
    )


def test_a_long_list_of_problems_still_fits_one_telegram_message() -> None:
    rows = [[n, S1, f"K-{n}", "Indikator", "%", "banyak", 1, 1, 1, 1, "Naik", "Per Triwulan"]
            for n in range(1, 301)]  # fmt: skip
    with pytest.raises(TargetImportError) as info:
        parse(csv_bytes(rows), "target.csv")
    assert len(info.value.problems) == 300
    text = str(info.value)
    assert len(text) < 4096
    assert "masalah lainnya." in text
    assert text.startswith("Berkas “target.csv” ditolak dan tidak ada data yang disimpan. "
                           "Ditemukan 300 masalah:\n1. Baris 2, kolom “Target Tahunan”: "
                           "“banyak” bukan angka.")  # fmt: skip


# ------------------------------------------------------------------------------ bad files


def test_missing_columns_are_named() -> None:
    header = [h for h in HEADER if h not in ("Target TW II", "Arah")]
    rows = [[c for h, c in zip(HEADER, r, strict=True) if h in header] for r in good_rows()]
    assert refused(xlsx(rows, header)) == [
        "Baris 1 (baris judul): kolom “Target TW II” tidak ditemukan.",
        "Baris 1 (baris judul): kolom “Arah” tidak ditemukan.",
    ]


def test_a_column_twice_is_refused() -> None:
    header = [*HEADER, "arah"]
    rows = [[*r, "Turun"] for r in good_rows()]
    assert refused(xlsx(rows, header)) == [
        "Baris 1 (baris judul): kolom “Arah” tercantum dua kali."
    ]


def test_no_header_row_at_all() -> None:
    problems = refused(xlsx([["a", "b", "c"], [1, 2, 3]], header=[]))
    assert problems == [
        "Baris judul kolom tidak ditemukan pada 20 baris pertama lembar kerja “Target Kinerja”. "
        "Baris judul harus memuat kolom “Sasaran Strategis”, “Kode Indikator”, “Indikator "
        "Kinerja”, “Satuan”, “Target Tahunan”, “Target TW I”, “Target TW II”, “Target TW III”, "
        "“Target TW IV”, “Arah”, “Perhitungan”. Gunakan templat dari bot."
    ]


def test_an_empty_sheet_and_a_header_without_rows() -> None:
    assert refused(xlsx([], header=[])) == ["Lembar kerja “Target Kinerja” kosong."]
    assert refused(xlsx([])) == ["Tidak ada baris data di bawah baris judul (baris 1)."]
    assert refused(b"\xef\xbb\xbf\r\n", "t.csv") == ["Berkas CSV kosong."]


def test_more_than_500_rows() -> None:
    rows = [[n, S1, f"K-{n}", "Indikator", "%", 90, 90, 90, 90, 90, "Naik", "Per Triwulan"]
            for n in range(1, MAX_ROWS + 2)]  # fmt: skip
    assert refused(csv_bytes(rows), "t.csv") == [
        "Berkas CSV memuat lebih dari 500 baris data; batasnya 500 baris."
    ]
    assert len(parse(csv_bytes(rows[:MAX_ROWS]), "t.csv").indicators) == MAX_ROWS


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _zip_bomb() -> bytes:
    """A small zip (about 50 KB) that inflates to 51 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(51):
                f.write(chunk)
    return buf.getvalue()


NOT_XLSX = "Berkas “target.xlsx” bukan buku kerja Excel (.xlsx): isinya tidak berformat Excel."
BROKEN = "Berkas “target.xlsx” rusak dan tidak dapat dibuka sebagai buku kerja Excel (.xlsx)."
BOMB = (
    "Berkas “target.xlsx” ditolak demi keamanan: isinya bila dibuka melebihi batas (50 MB atau "
    "1000 bagian). Kirimkan buku kerja biasa dari templat."
)


@pytest.mark.parametrize(
    ("case", "data", "name", "problem"),
    [
        ("random bytes named .xlsx", bytes(range(256)) * 4, "target.xlsx", NOT_XLSX),
        ("a PDF named .xlsx", b"%PDF-1.7\n...", "target.xlsx", NOT_XLSX),
        ("a truncated workbook", xlsx([])[:600], "target.xlsx", BROKEN),
        ("a zip that is not a workbook", _zip({"a.txt": b"x"}), "target.xlsx",
         "Berkas “target.xlsx” bukan buku kerja Excel (.xlsx)."),
        ("a Word document renamed", _zip({"[Content_Types].xml": b"<Types/>",
                                          "word/document.xml": b"<w/>"}), "target.xlsx",
         "Berkas “target.xlsx” bukan buku kerja Excel (.xlsx) (isinya dokumen Word)."),
        ("workbook parts that openpyxl cannot read",
         _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not xml"}),
         "target.xlsx", BROKEN),
        ("a zip bomb by size", _zip_bomb(), "target.xlsx", BOMB),
        ("a zip bomb by member count", _zip({f"xl/m{i}.xml": b"" for i in range(1001)}),
         "target.xlsx", BOMB),
        ("an old .xls or encrypted workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
         "target.xlsx",
         "Berkas “target.xlsx” berformat Excel lama (.xls) atau dilindungi kata sandi. Simpan "
         "ulang sebagai “Excel Workbook (.xlsx)” tanpa kata sandi."),
        ("an .xls by name", b"\xd0\xcf\x11\xe0", "target.xls",
         "Berkas “target.xls” berformat Excel lama (.xls). Simpan ulang sebagai “Excel Workbook "
         "(.xlsx)”."),
        ("an unknown extension", b"No;Sasaran", "target.txt",
         "Jenis berkas “target.txt” tidak dikenali. Kirimkan berkas .xlsx atau .csv."),
        ("a workbook named .csv", xlsx(good_rows()), "target.csv",
         "Berkas “target.csv” bukan berkas CSV (teks)."),
        ("a CSV not in UTF-8", "No;Sasaran;Kode\n1;Ketertiban;\u00c9\n".encode("cp1252"),
         "target.csv",
         "Berkas “target.csv” tidak berenkode UTF-8. Di Excel, simpan dengan jenis “CSV UTF-8 "
         "(Comma delimited)”."),
    ],
)  # fmt: skip
def test_files_that_are_not_target_workbooks(
    case: str, data: bytes, name: str, problem: str
) -> None:
    assert refused(data, name) == [problem], case


# ------------------------------------------------------------------------------ template


def test_the_template_has_the_headers_a_guide_and_drop_down_lists() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    # Issue 21: the optional sheet "Profil Renstra" (Bab I of the annual LKj).
    assert wb.sheetnames == ["Target Kinerja", "Profil Renstra", "Petunjuk"]
    ws = wb["Target Kinerja"]
    assert [c.value for c in ws[1]] == HEADER + COMPARISON_HEADER + ANNUAL_HEADER
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 40
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert lists == {
        '"Naik,Turun"': "K2:K501",
        '"Kumulatif,Per Triwulan"': "L2:L501",
        '"Jumlah,Triwulan Terakhir,Rata-rata,Rasio Tahunan"': "R2:R501",
    }
    guide = [row[0] for row in wb["Petunjuk"].iter_rows(values_only=True)]
    assert set(HEADER) <= set(guide)
    explained = {r[0]: r[2] for r in wb["Petunjuk"].iter_rows(min_row=4, values_only=True) if r[2]}
    assert "Kumulatif" in explained["Perhitungan"]
    # Every comparison column is explained, and marked optional.
    required = {r[0]: r[1] for r in wb["Petunjuk"].iter_rows(min_row=4, values_only=True) if r[1]}
    for label in COMPARISON_HEADER + ANNUAL_HEADER:
        assert (
            "Bab III" in explained[label]
            or "Renstra" in explained[label]
            or ("Boleh dikosongkan" in explained[label])
        ), label
        assert required[label] == "Tidak", label
    assert refused(template_workbook()) == ["Tidak ada baris data di bawah baris judul (baris 1)."]


# ------------------------------------------------------------------------------ realisation


CODES = ["IKU-1", "IKU-4", "IKU-6"]


def member_indicators() -> list[Indicator]:
    return [i for i in sample_indicators() if i.code in CODES]


@functools.cache
def member_workbook(triwulan: int) -> bytes:
    return realisation_workbook(
        member_indicators(), triwulan, filled=rows_by_code(sample_realisations(triwulan))
    )


def filled(triwulan: int, edit: dict[tuple[int, str], object]) -> bytes:
    """The member's workbook filled with the sample values, then cells changed by
    (spreadsheet row, header)."""
    data = member_workbook(triwulan)
    if not edit:
        return data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Realisasi"]
    headers = [c.value for c in ws[4]]
    for (row, header), value in edit.items():
        ws.cell(row=row, column=headers.index(header) + 1).value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_realisation_workbook_is_prefilled_with_the_members_indicators() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(realisation_workbook(member_indicators(), 2)))
    ws = wb["Realisasi"]
    assert ws["A1"].value == "Data Realisasi Kinerja Triwulan II"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert rows[0] == (
        "No",
        "Kode Indikator",
        "Indikator Kinerja",
        "Satuan",
        "Perhitungan",
        "Target TW II",
        "Realisasi TW II",
        "Kendala",
        "Tindak Lanjut",
    )
    assert rows[1][:6] == (
        1,
        "IKU-1",
        "Persentase penegakan Peraturan Daerah dan Peraturan Kepala Daerah",
        "%",
        "Per Triwulan",
        82,
    )
    assert rows[2][1:6] == (
        "IKU-4",
        "Jumlah patroli ketertiban umum",
        "kali",
        "Kumulatif s.d. TW II",
        600,
    )
    assert rows[1][6:] == (None, None, None)
    assert "Petunjuk" in wb.sheetnames


def test_realisation_workbook_round_trip() -> None:
    rows = parse_realisation_workbook(filled(2, {}), CODES, triwulan=2)
    expected = [r for r in sample_realisations(2) if r.code in CODES]
    assert rows == expected
    assert sample_realisation_workbook(2, CODES) and parse_realisation_workbook(
        sample_realisation_workbook(3), [i.code for i in sample_indicators()]
    ) == sample_realisations(3)


def test_rows_left_empty_are_not_reported_yet() -> None:
    data = filled(2, {(5, "Realisasi TW II"): None, (5, "Kendala"): None,
                      (5, "Tindak Lanjut"): None, (6, "Realisasi TW II"): "1.214,0"})  # fmt: skip
    rows = parse_realisation_workbook(data, CODES, triwulan=2)
    assert [(r.code, r.value) for r in rows] == [("IKU-4", 1214), ("IKU-6", 51)]


@pytest.mark.parametrize(
    ("case", "edit", "problems"),
    [
        ("text for a number", {(6, "Realisasi TW II"): "lima ratus"},
         ["Baris 6, kolom “Realisasi TW II”: “lima ratus” bukan angka."]),
        ("negative", {(5, "Realisasi TW II"): -1},
         ["Baris 5, kolom “Realisasi TW II”: realisasi tidak boleh negatif (-1)."]),
        ("an indicator not assigned", {(7, "Kode Indikator"): "IKU-9",
                                       (7, "Realisasi TW II"): 3},
         ["Baris 7, kolom “Kode Indikator”: indikator “IKU-9” tidak ditugaskan kepada Anda."]),
        ("a code twice", {(6, "Kode Indikator"): "iku-1"},
         ["Baris 6, kolom “Kode Indikator”: kode “IKU-1” sudah ada di baris 5."]),
        ("notes without a value", {(5, "Realisasi TW II"): ""},
         ["Baris 5, kolom “Realisasi TW II”: kosong, padahal kendala atau tindak lanjut diisi; "
          "isi nilai realisasi."]),
        ("kendala too long", {(7, "Kendala"): "k" * 1001},
         ["Baris 7, kolom “Kendala”: terlalu panjang (1001 karakter; paling banyak 1.000)."]),
        ("nothing filled", {(r, h): None for r in (5, 6, 7)
                            for h in ("Realisasi TW II", "Kendala", "Tindak Lanjut")},
         ["Kolom “Realisasi TW II”: belum ada nilai realisasi yang diisi."]),
    ],
)  # fmt: skip
def test_bad_realisation_workbooks_are_refused(
    case: str, edit: dict[tuple[int, str], object], problems: list[str]
) -> None:
    with pytest.raises(TargetImportError) as info:
        parse_realisation_workbook(filled(2, edit), CODES, triwulan=2)
    assert info.value.problems == problems, case


def test_a_workbook_for_another_quarter_is_refused() -> None:
    with pytest.raises(TargetImportError) as info:
        parse_realisation_workbook(filled(1, {}), CODES, triwulan=2)
    assert info.value.problems == [
        "Baris 4, kolom “Realisasi TW I”: berkas ini untuk TW I, sedangkan yang diminta TW II. "
        "Gunakan berkas data TW II yang dikirim bot."
    ]


def test_a_realisation_upload_that_is_not_a_workbook() -> None:
    with pytest.raises(TargetImportError) as info:
        parse_realisation_workbook(b"not a workbook", CODES, filename="data.xlsx")
    assert info.value.problems == [
        "Berkas “data.xlsx” bukan buku kerja Excel (.xlsx): isinya tidak berformat Excel."
    ]


# ------------------------------------------------- cells that cannot be read as they look


def edited_xlsx(edit) -> bytes:
    """The good workbook, changed by ``edit(ws)`` before it is saved by openpyxl (which,
    like many programs other than Excel, saves formulas without their results)."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx(good_rows())))
    edit(wb["Target Kinerja"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_formula_without_a_saved_value_is_refused_not_read_as_empty() -> None:
    def formulas(ws) -> None:
        ws["H2"] = "=G2+2"  # Target TW II of IKU-1
        ws["F4"] = "=SUM(G4:J4)"  # Target Tahunan of IKU-4

    problems = refused(edited_xlsx(formulas))
    assert len(problems) == 2
    assert problems[0].startswith("Baris 2, kolom “Target TW II”: berisi rumus “=G2+2”")
    assert "hasilnya tidak tersimpan" in problems[0] and "simpan ulang" in problems[0]
    assert problems[1].startswith("Baris 4, kolom “Target Tahunan”: berisi rumus “=SUM(G4:J4)”")


def test_a_formula_with_its_saved_value_is_read() -> None:
    """Excel saves the result next to the formula: that value is used."""
    data = edited_xlsx(lambda ws: ws.__setitem__("H2", "=G2+2"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # (openpyxl writes the empty value as "<v />", or "<v></v>" when lxml is installed)
    members[sheet] = re.sub(
        rb"<f>G2\+2</f>(<v ?/>|<v></v>)", b"<f>G2+2</f><v>82</v>", members[sheet]
    )
    assert b"<v>82</v>" in members[sheet]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    assert parse(out.getvalue()).indicators[0].targets[1] == 82


def test_a_value_merged_across_the_quarter_columns_is_refused() -> None:
    def merge(ws) -> None:
        ws["G3"] = 60
        for cell in ("H3", "I3", "J3"):
            ws[cell] = None
        ws.merge_cells("G3:J3")  # IKU-2: one value over Target TW I..IV

    problems = refused(edited_xlsx(merge))
    assert problems == [
        "Baris 3, kolom “Target TW I” s.d. “Target TW IV”: sel digabung (merge G3:J3); nilai "
        "sel gabungan hanya tersimpan di sel pertama sehingga sel lainnya terbaca kosong. "
        "Pisahkan gabungannya (Beranda › Gabung & Tengahkan › Pisahkan Sel) lalu isi setiap "
        "sel dengan nilainya sendiri."
    ]


def test_a_target_merged_down_two_rows_is_refused_but_a_sasaran_may_be() -> None:
    def merge(ws) -> None:
        ws["B3"] = None
        ws.merge_cells("B2:B3")  # the sasaran of IKU-1 and IKU-2, as in a Perjanjian Kinerja
        ws["G3"] = None
        ws.merge_cells("G2:G3")  # Target TW I of IKU-1 and IKU-2

    problems = refused(edited_xlsx(merge))
    assert [p.split(":")[0] for p in problems] == [
        "Baris 2, kolom “Target TW I”",
        "Baris 3, kolom “Target TW I”",
    ]
    only_sasaran = edited_xlsx(lambda ws: (ws.__setitem__("B3", None), ws.merge_cells("B2:B3")))
    assert [i.sasaran for i in parse(only_sasaran).indicators][:2] == [S1, S1]


def test_a_realisation_workbook_with_a_formula_left_uncalculated_is_refused() -> None:
    data = filled(2, {(5, "Realisasi TW II"): "=40+2"})
    with pytest.raises(TargetImportError) as info:
        parse_realisation_workbook(data, CODES, triwulan=2)
    assert info.value.problems[0].startswith(
        "Baris 5, kolom “Realisasi TW II”: berisi rumus “=40+2”"
    )


def test_the_budget_workbook_gets_the_same_cell_checks() -> None:
    """A programme merged down its activities is read; Pagu and Realisasi merged are not."""
    from documents.spreadsheets import parse_budget
    from documents.workbooks import budget_workbook
    from domain.samples import sample_budget

    def edited(edit) -> bytes:
        wb = openpyxl.load_workbook(io.BytesIO(budget_workbook(sample_budget())))
        edit(wb["Realisasi Anggaran"])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def parse_budget_xlsx(data: bytes):
        return parse_budget(
            data,
            "anggaran.xlsx",
            unit="satpolpp-bdg",
            year=2026,
            known_codes=[i.code for i in sample_indicators()],
            imported_by=1,
            imported_at=AT,
        )

    def merge_programme(ws) -> None:
        ws["B3"] = None
        ws.merge_cells("B2:B3")

    assert parse_budget_xlsx(edited(merge_programme)).lines == sample_budget().lines

    def merge_amounts(ws) -> None:
        ws["F2"] = None
        ws.merge_cells("E2:F2")

    with pytest.raises(TargetImportError) as info:
        parse_budget_xlsx(edited(merge_amounts))
    assert info.value.problems[0].startswith(
        "Baris 2, kolom “Pagu Anggaran (Rp)” s.d. “Realisasi Anggaran (Rp)”: sel digabung"
    )
    with pytest.raises(TargetImportError) as info:
        parse_budget_xlsx(edited(lambda ws: ws.__setitem__("F3", "=E3*0,9")))
    assert "Baris 3, kolom “Realisasi Anggaran (Rp)”: berisi rumus" in info.value.problems[0]


def _with_entities(workbook: bytes) -> bytes:
    """The workbook with an XML entity expansion ("billion laughs") in its sheet."""
    laughs = '<!DOCTYPE worksheet [<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.decode().partition("?>")
                data = f"{head}?>{laughs}]>{rest.replace('>1<', '>&i;<', 1)}".encode()
            dst.writestr(item, data)
    return out.getvalue()


def test_uploaded_workbooks_are_parsed_without_xml_entities() -> None:
    """openpyxl reads uploaded XML through defusedxml: an entity bomb is a broken file,
    refused at once, never expanded."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    assert refused(_with_entities(xlsx(good_rows())), "target.xlsx") == [BROKEN]
