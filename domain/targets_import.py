"""The performance workbooks' rules: the year's targets and a member's realisation.

The columns, what each means and how every cell is validated live here; reading the file
(the zip guard, openpyxl, the sheet XML, CSV decoding) is ``documents.spreadsheets``, which
hands these rules a :class:`Sheet` of plain rows.

Targets come from the Perjanjian Kinerja and Rencana Aksi as an Excel workbook (.xlsx) or a CSV
file (semicolon or comma separated, UTF-8 with or without BOM) with one header row:

    No | Sasaran Strategis | Kode Indikator | Indikator Kinerja | Satuan | Target Tahunan |
    Target TW I | Target TW II | Target TW III | Target TW IV | Arah | Perhitungan

Headers are matched ignoring case, spacing, punctuation and text in parentheses ("ARAH
(Naik/Turun)" is "Arah"); the header row may sit below a few title rows; other columns are
ignored. "No" is optional, every other column is required.

Validation collects every problem, each naming the row and column as the user sees them in
the spreadsheet (``Baris 7, kolom “Target TW II”: “delapan” bukan angka.``), and refuses the
whole file with :class:`TargetImportError`; nothing is returned, so nothing can be stored.
The rules:

* the file must be a real .xlsx workbook or UTF-8 text (CSV), as ``documents.spreadsheets``
  checks it; the sheet read is "Target Kinerja" when present, otherwise the first sheet;
* at most 500 indicator rows; fully empty rows are skipped;
* required cells: Kode Indikator, Indikator Kinerja, Satuan, Target Tahunan, Arah, Perhitungan;
  Sasaran Strategis may be left empty to repeat the sasaran of the row above (as with merged
  cells in the Perjanjian Kinerja), except on the first indicator row;
* Kode Indikator: 1–20 characters, letters, digits, ``.``, ``-``, ``_`` or ``/`` (it is used
  in chat buttons), unique in the file (ignoring case);
* numbers may be written Indonesian-style (``97,5``, ``1.250``, ``1.250,5``) or as Excel numbers;
  a trailing ``%`` is dropped and a cell formatted as a percentage counts in percent points
  (0,85 shown as 85% is 85). A dot followed by exactly three digits groups thousands; a comma
  is always the decimal separator;
* zero targets: every target given, annual or quarterly, must be greater than 0. Both
  achievement formulas divide by the target (higher is better: realisasi / target; lower is
  better: 2 − realisasi / target), so a target of 0 makes the achievement undefined whatever
  the direction. A quarter without a target is left empty or written ``-`` (its achievement is
  then reported as not computable); at least one quarter must have a target. Negative targets
  are refused;
* Arah: Naik or Turun (also positif/meningkat/maksimal, negatif/menurun/minimal);
  Perhitungan: Kumulatif or Per Triwulan (also "komulatif", "non kumulatif", "triwulanan");
* a cumulative indicator's quarter targets are year-to-date totals: they must not decrease
  from one quarter to the next, must not exceed the annual target, and TW IV (when given) must
  equal the annual target;
* texts: Sasaran and Indikator at most 300 characters, Satuan at most 30.

The same reader parses the data workbook a Tim Kerja member fills in
(``documents.workbooks.realisation_workbook`` makes it, :func:`realisation_from_sheet` reads
it back). The columns are data shared by both sides; writing the workbooks belongs to
``documents/workbooks.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domain.errors import InputError
from domain.performance import (
    AKHIR,
    ANNUAL_RULE_LABELS,
    JUMLAH,
    KUMULATIF,
    NAIK,
    PER_TRIWULAN,
    RASIO,
    RATA_RATA,
    TRIWULAN_LABELS,
    TURUN,
    Indicator,
    TargetSet,
    UnitProfile,
    format_number_id,
    parse_number_id,
    triwulan_label,
)
from domain.text import neutralise_bidi

MAX_ROWS = 500
HEADER_SEARCH_ROWS = 20
MAX_CODE_LENGTH = 20
MAX_TEXT = {"sasaran": 300, "indikator": 300, "satuan": 30}
MAX_NOTE_LENGTH = 1_000  # kendala, tindak lanjut
MESSAGE_BUDGET = 3_500  # characters of the error text: a Telegram message holds 4.096

TARGET_SHEET = "Target Kinerja"
PROFILE_SHEET = "Profil Renstra"
GUIDE_SHEET = "Petunjuk"
REALISATION_SHEET = "Realisasi"

_CODE_RE = re.compile(rf"^[A-Za-z0-9._/-]{{1,{MAX_CODE_LENGTH}}}$")
_ROMAN = ("i", "ii", "iii", "iv")


class TargetImportError(InputError):
    """A refused workbook or CSV file; ``problems`` lists each problem in Indonesian.

    ``str(error)`` is the message for the user: the file's name, every problem numbered (cut
    to fit one Telegram message) and that nothing was stored.
    """

    def __init__(self, problems: list[str], filename: str = "") -> None:
        self.problems = list(problems)
        self.filename = filename
        super().__init__(self._message())

    def _message(self) -> str:
        name = f"Berkas “{self.filename}”" if self.filename else "Berkas"
        n = len(self.problems)
        head = f"{name} ditolak dan tidak ada data yang disimpan. Ditemukan {n} masalah:"
        lines = [head]
        used = len(head)
        for i, problem in enumerate(self.problems, start=1):
            line = f"{i}. {problem}"
            if used + len(line) > MESSAGE_BUDGET and i > 1:
                lines.append(f"… dan {n - i + 1} masalah lainnya.")
                break
            lines.append(line)
            used += len(line) + 1
        lines.append("Perbaiki berkas tersebut, lalu kirimkan kembali.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._message()


# ----------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """A column of a workbook: its key, the header as the template writes it, and help."""

    key: str
    label: str
    required: bool
    aliases: tuple[str, ...]
    help: str
    example: str
    width: float
    optional_cell: bool = False  # the column must exist, but a cell in it may stay empty

    @property
    def guide_required(self) -> str:
        if not self.required:
            return "Tidak"
        return "Kolom wajib ada; sel boleh kosong" if self.optional_cell else "Ya"


def _tw_aliases(prefix: str, n: int) -> tuple[str, ...]:
    r = _ROMAN[n - 1]
    return (
        f"{prefix} tw {r}",
        f"{prefix} tw {n}",
        f"{prefix} tw{n}",
        f"{prefix} triwulan {r}",
        f"{prefix} triwulan {n}",
    )


def _col(
    key: str,
    label: str,
    aliases: tuple[str, ...],
    help: str,
    *,
    example: str = "",
    width: float = 12,
    required: bool = True,
    optional_cell: bool = False,
) -> Column:
    return Column(key, label, required, aliases, help, example, width, optional_cell)


# fmt: off
TARGET_COLUMNS: tuple[Column, ...] = (
    _col(
        "no", "No", ("no", "nomor", "no urut"), "Nomor urut (boleh dikosongkan).",
        example="1", width=5, required=False,
    ),
    _col(
        "sasaran", "Sasaran Strategis", ("sasaran strategis", "sasaran"),
        "Sasaran strategis dari Perjanjian Kinerja. Boleh dikosongkan bila sama dengan baris "
        "di atasnya (kecuali baris indikator pertama).",
        example="Meningkatnya penegakan Peraturan Daerah dan Peraturan Kepala Daerah", width=40,
        optional_cell=True,
    ),
    _col(
        "code", "Kode Indikator", ("kode indikator", "kode"),
        f"Kode unik indikator, paling panjang {MAX_CODE_LENGTH} karakter: huruf, angka, titik, "
        "garis hubung, garis bawah atau garis miring, tanpa spasi.",
        example="IKU-1", width=14,
    ),
    _col(
        "indikator", "Indikator Kinerja", ("indikator kinerja", "indikator"),
        "Rumusan indikator kinerja sesuai Perjanjian Kinerja.",
        example="Persentase penegakan Peraturan Daerah dan Peraturan Kepala Daerah", width=45,
    ),
    _col(
        "satuan", "Satuan", ("satuan",),
        "Satuan indikator, misalnya %, kali, kejadian, indeks.", example="%", width=10,
    ),
    _col(
        "target_tahunan", "Target Tahunan", ("target tahunan", "target tahun", "target"),
        "Target satu tahun; angka lebih dari 0. Desimal memakai koma (97,5); titik pemisah "
        "ribuan boleh dipakai (1.250).",
        example="85",
    ),
    *(
        _col(
            f"tw{n}", f"Target {TRIWULAN_LABELS[n - 1]}", _tw_aliases("target", n),
            f"Target sampai dengan akhir triwulan {_ROMAN[n - 1].upper()} untuk indikator "
            "kumulatif, atau target triwulan itu saja untuk indikator per triwulan; angka lebih "
            "dari 0. Kosongkan atau isi “-” bila tidak ada target pada triwulan ini.",
            example=("80", "82", "84", "85")[n - 1], width=11, optional_cell=True,
        )
        for n in (1, 2, 3, 4)
    ),
    _col(
        "arah", "Arah", ("arah", "arah indikator", "polaritas"),
        "Naik: makin tinggi realisasi makin baik. Turun: makin rendah realisasi makin baik "
        "(misalnya jumlah gangguan ketertiban).",
        example="Naik", width=9,
    ),
    _col(
        "perhitungan", "Perhitungan", ("perhitungan", "cara perhitungan", "sifat"),
        "Kumulatif: target dan realisasi triwulan dihitung sejak awal tahun (target TW IV sama "
        "dengan target tahunan). Per Triwulan: setiap triwulan dihitung tersendiri.",
        example="Per Triwulan", width=14,
    ),
)
# fmt: on

# Optional columns for Bab III of the annual LKj (comparisons); a workbook without them is
# still valid, and the report then says which comparison could not be made and why.
# fmt: off
COMPARISON_COLUMNS: tuple[Column, ...] = (
    _col(
        "previous_1", "Realisasi Tahun N-1",
        (
            "realisasi tahun n 1", "realisasi n 1", "realisasi tahun lalu",
            "realisasi tahun sebelumnya",
        ),
        "Realisasi tahunan indikator ini pada tahun sebelum tahun target (N-1), untuk "
        "perbandingan antartahun pada Bab III LKj tahunan. Boleh dikosongkan; bila keempat "
        "Laporan Data Kinerja Triwulan tahun itu telah ditandatangani, angka dari laporan "
        "itu yang dipakai.",
        example="82,4", width=12, required=False,
    ),
    _col(
        "previous_2", "Realisasi Tahun N-2",
        ("realisasi tahun n 2", "realisasi n 2", "realisasi dua tahun lalu"),
        "Realisasi tahunan dua tahun sebelum tahun target (N-2). Boleh dikosongkan.",
        example="80,1", width=12, required=False,
    ),
    _col(
        "renstra_target", "Target Akhir Renstra",
        ("target akhir renstra", "target renstra", "target akhir periode renstra"),
        "Target indikator pada akhir periode Rencana Strategis (Renstra); angka lebih dari 0. "
        "Dipakai untuk menghitung persentase target jangka menengah yang telah dicapai. "
        "Boleh dikosongkan; bila diisi, Tahun Akhir Renstra wajib diisi.",
        example="90", width=12, required=False,
    ),
    _col(
        "renstra_year", "Tahun Akhir Renstra",
        ("tahun akhir renstra", "tahun renstra", "akhir periode renstra"),
        "Tahun terakhir periode Renstra (misalnya 2029), tidak sebelum tahun target. Wajib "
        "bila Target Akhir Renstra diisi.",
        example="2029", width=11, required=False,
    ),
    _col(
        "national_standard", "Standar Nasional",
        ("standar nasional", "standar pelayanan minimal", "spm"),
        "Standar nasional indikator ini bila ada (misalnya Standar Pelayanan Minimal atau "
        "nilai baku nasional), dalam satuan indikator. Boleh dikosongkan.",
        example="76,61", width=11, required=False,
    ),
)
# fmt: on

# Optional columns for the annual LKj: how the year's value is counted from the quarters
# (said in the annual table), and the programme and activity behind the indicator (Bab III).
# fmt: off
ANNUAL_COLUMNS: tuple[Column, ...] = (
    _col(
        "annual_rule", "Penghitungan Tahunan",
        ("penghitungan tahunan", "perhitungan tahunan", "cara penghitungan tahunan",
         "realisasi tahunan dihitung"),
        "Cara menghitung realisasi tahunan dari realisasi triwulan: Jumlah (TW I + II + III + "
        "IV, untuk jumlah kejadian atau kegiatan per triwulan), Triwulan Terakhir (nilai TW IV; "
        "wajib untuk indikator kumulatif), Rata-rata (rata-rata triwulan yang dilaporkan) atau "
        "Rasio Tahunan (pembilang dan penyebut setahun, untuk persentase; diisi saat penyusunan "
        "LKj tahunan). Boleh dikosongkan: indikator kumulatif dihitung Triwulan Terakhir, "
        "indikator per triwulan yang target triwulannya dijumlahkan menjadi target tahunan "
        "dihitung Jumlah, lainnya Rata-rata.",
        example="Rata-rata", width=16, required=False,
    ),
    _col(
        "program", "Program", ("program", "nama program", "program pendukung"),
        "Program (sesuai Renstra/DPA) yang mendukung indikator ini; disebut pada analisis "
        "Bab III LKj tahunan. Boleh dikosongkan.",
        example="Program Peningkatan Ketenteraman dan Ketertiban Umum", width=30,
        required=False,
    ),
    _col(
        "kegiatan", "Kegiatan", ("kegiatan", "nama kegiatan", "kegiatan pendukung"),
        "Kegiatan yang mendukung indikator ini; beberapa kegiatan dipisahkan titik koma. Boleh "
        "dikosongkan.",
        example="Penegakan Perda dan Perkada", width=30, required=False,
    ),
)
# fmt: on

_TW_KEYS = ("tw1", "tw2", "tw3", "tw4")

_DIRECTION_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "naik",
            "positif",
            "meningkat",
            "maksimal",
            "maksimalkan",
            "semakin tinggi semakin baik",
            "makin tinggi makin baik",
        ),
        NAIK,
    ),
    **dict.fromkeys(
        (
            "turun",
            "negatif",
            "menurun",
            "minimal",
            "minimalkan",
            "semakin rendah semakin baik",
            "makin rendah makin baik",
        ),
        TURUN,
    ),
}
_COUNTING_WORDS: dict[str, str] = {
    **dict.fromkeys(("kumulatif", "komulatif", "akumulatif", "kumulatif tahunan"), KUMULATIF),
    **dict.fromkeys(
        (
            "per triwulan",
            "pertriwulan",
            "triwulanan",
            "non kumulatif",
            "nonkumulatif",
            "tidak kumulatif",
            "per tw",
        ),
        PER_TRIWULAN,
    ),
}


_ANNUAL_RULE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("jumlah", "penjumlahan", "total", "kumulatif", "komulatif", "jumlah tw i iv"), JUMLAH
    ),
    **dict.fromkeys(
        (
            "triwulan terakhir",
            "tw terakhir",
            "tw iv",
            "triwulan iv",
            "nilai akhir",
            "posisi akhir",
            "akhir tahun",
            "terakhir",
        ),
        AKHIR,
    ),
    **dict.fromkeys(("rata rata", "rata2", "rerata", "rata rata triwulan"), RATA_RATA),
    **dict.fromkeys(
        ("rasio", "rasio tahunan", "pembilang penyebut", "pembilang dan penyebut"), RASIO
    ),
}


def _norm_header(value: object) -> str:
    value = _plain(value)
    text = str(value).lower() if value is not None else ""
    text = re.sub(r"\(.*?\)", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _norm_word(value: str) -> str:
    return re.sub(r"[\s_\-/]+", " ", value.lower()).strip()


# ----------------------------------------------------------------------------- cells


Cell = object  # str | int | float | bool | datetime | None, as read from the file
Row = tuple[int, list[Cell]]  # (row number as the user sees it, cell values)

FORMULA = "formula"
MERGED = "merged"


@dataclass(frozen=True)
class Unreadable:
    """A workbook cell whose value cannot be trusted as read: a formula without a saved
    result (it reads as empty), or a cell of a merged range (only the first cell of a merge
    holds the value; the others read as empty). ``value`` is what was read; the data rows
    holding one in a known column are refused (``_data_rows``), so nothing is silently
    stored as empty."""

    kind: str  # FORMULA | MERGED
    detail: str  # the formula, or the merged range ("G5:J5")
    value: object = None
    #: A merged range within one column (a sasaran merged down its indicators).
    one_column: bool = False


@dataclass(frozen=True, eq=False)
class Sheet:
    """A spreadsheet as plain rows: what the file adapter (``documents.spreadsheets``) hands
    the rules here. ``rows`` keep the row numbers the user sees; a cell is a plain value or
    an :class:`Unreadable` marker."""

    name: str  # the worksheet's title, or "CSV"
    rows: list[Row]
    filename: str
    sha256: str  # of the file as received (``TargetSet.source_sha256``)


def sheet_matches(title: str, wanted: str) -> bool:
    """Whether a worksheet's title names the sheet wanted (compared like headers)."""
    return _norm_header(title) == _norm_header(wanted)


def _plain(value: Cell) -> Cell:
    return value.value if isinstance(value, Unreadable) else value


def _text(value: Cell) -> str:
    """A cell as display text: whitespace collapsed, whole floats without ``.0``."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(neutralise_bidi(str(value)).replace("\u00a0", " ").split())


def _shown(value: Cell) -> str:
    """A cell quoted for a message."""
    value = _plain(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number_id(float(value))
    return _text(value)


class _NotANumber(ValueError):
    pass


def _number(value: Cell) -> float | None:
    """A cell as a number, ``None`` when empty or ``-``; :class:`_NotANumber` otherwise."""
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, bool):
        raise _NotANumber
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise _NotANumber
        return float(value)
    if isinstance(value, str):
        try:
            return parse_number_id(value)
        except ValueError as exc:
            raise _NotANumber from exc
    raise _NotANumber  # dates and other types


def _at(row: int, column: str, message: str) -> str:
    return f"Baris {row}, kolom “{column}”: {message}"


def _empty(cells: Sequence[Cell]) -> bool:
    return all(_text(c) == "" for c in cells)


@dataclass(frozen=True)
class _Header:
    row: int
    index: dict[str, int]  # column key -> position in the row
    texts: dict[str, str]  # column key -> normalised header text found
    labels: dict[str, str] = field(default_factory=dict)  # column key -> label for messages


def _find_header(
    rows: list[Row], columns: Sequence[Column], where: str, filename: str, min_found: int = 3
) -> tuple[_Header, list[str]]:
    """The header row (the first of the top rows naming at least ``min_found`` known
    columns)."""
    non_empty = [r for r in rows if not _empty(r[1])]
    if not non_empty:
        raise TargetImportError([f"{where} kosong."], filename)
    alias_to_key = {a: c.key for c in columns for a in c.aliases}
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        found: dict[str, int] = {}
        texts: dict[str, str] = {}
        problems: list[str] = []
        for pos, cell in enumerate(cells):
            key = alias_to_key.get(_norm_header(cell))
            if key is None:
                continue
            label = next(c.label for c in columns if c.key == key)
            if key in found:
                problems.append(
                    f"Baris {number} (baris judul): kolom “{label}” tercantum dua kali."
                )
                continue
            found[key] = pos
            texts[key] = _norm_header(cell)
        if len(found) >= min_found:
            for c in columns:
                if c.required and c.key not in found:
                    problems.append(
                        f"Baris {number} (baris judul): kolom “{c.label}” tidak ditemukan."
                    )
            return _Header(number, found, texts, {c.key: c.label for c in columns}), problems
    labels = ", ".join(f"“{c.label}”" for c in columns if c.required)
    raise TargetImportError(
        [
            f"Baris judul kolom tidak ditemukan pada {HEADER_SEARCH_ROWS} baris pertama "
            f"{where[:1].lower()}{where[1:]}. "
            f"Baris judul harus memuat kolom {labels}. Gunakan templat dari bot."
        ],
        filename,
    )


# Columns whose cells may be merged down the rows (a sasaran spanning its indicators, a
# programme spanning its activities): the rows below repeat the value above.
MERGEABLE_DOWN = frozenset({"sasaran", "program"})


def _data_rows(
    rows: list[Row], header: _Header, where: str, filename: str
) -> tuple[list[Row], list[str]]:
    """The non-empty rows below the header, with the problems of cells that cannot be read
    (a formula without a saved value, a merged cell in a value column); such rows are left
    out, so a value is never taken as empty when it is not."""
    out = [(n, cells) for n, cells in rows if n > header.row and not _empty(cells)]
    if len(out) > MAX_ROWS:
        raise TargetImportError(
            [f"{where} memuat lebih dari {MAX_ROWS} baris data; batasnya {MAX_ROWS} baris."],
            filename,
        )
    if not out:
        return [], [f"Tidak ada baris data di bawah baris judul (baris {header.row})."]
    readable: list[Row] = []
    problems: list[str] = []
    for number, cells in out:
        found = _unreadable_problems(number, cells, header)
        if found:
            problems.extend(found)
        else:
            readable.append((number, [_plain(c) for c in cells]))
    return readable, problems


def _unreadable_problems(number: int, cells: Sequence[Cell], header: _Header) -> list[str]:
    problems: list[str] = []
    merged: dict[str, list[str]] = {}
    for key, pos in sorted(header.index.items(), key=lambda kv: kv[1]):
        cell = cells[pos] if pos < len(cells) else None
        if not isinstance(cell, Unreadable):
            continue
        label = header.labels.get(key, key)
        if cell.kind == FORMULA:
            problems.append(
                _at(
                    number,
                    label,
                    f"berisi rumus “{cell.detail}” yang hasilnya tidak tersimpan di berkas, "
                    "sehingga terbaca kosong. Buka berkas di Excel atau LibreOffice lalu simpan "
                    "ulang agar hasil rumus ikut tersimpan, atau ganti rumus dengan angkanya "
                    "(salin, lalu Tempel Spesial › Nilai).",
                )
            )
            continue
        if key in MERGEABLE_DOWN and cell.one_column:
            continue  # a sasaran merged down its indicators: the rows below repeat it
        merged.setdefault(cell.detail, []).append(label)
    for ref, labels in merged.items():
        where = f"kolom “{labels[0]}”"
        if len(labels) > 1:
            where = f"kolom “{labels[0]}” s.d. “{labels[-1]}”"
        problems.append(
            f"Baris {number}, {where}: sel digabung (merge {ref}); nilai sel gabungan hanya "
            "tersimpan di sel pertama sehingga sel lainnya terbaca kosong. Pisahkan "
            "gabungannya (Beranda › Gabung & Tengahkan › Pisahkan Sel) lalu isi setiap sel "
            "dengan nilainya sendiri."
        )
    return problems


def _get(cells: Sequence[Cell], header: _Header, key: str) -> Cell:
    pos = header.index.get(key)
    return cells[pos] if pos is not None and pos < len(cells) else None


# ----------------------------------------------------------------------------- targets


def targets_from_sheet(
    sheet: Sheet,
    *,
    unit: str,
    year: int,
    imported_by: int,
    imported_at: datetime,
) -> TargetSet:
    """The targets in a workbook's or CSV file's rows, or :class:`TargetImportError` listing
    every problem (``documents.spreadsheets.parse_targets`` reads the file)."""
    where_name, rows, filename = sheet.name, sheet.rows, sheet.filename
    where = "Berkas CSV" if where_name == "CSV" else f"Lembar kerja “{where_name}”"
    header, problems = _find_header(
        rows, TARGET_COLUMNS + COMPARISON_COLUMNS + ANNUAL_COLUMNS, where, filename
    )
    if problems:
        raise TargetImportError(problems, filename)
    data_rows, problems = _data_rows(rows, header, where, filename)
    indicators: list[Indicator] = []
    seen_codes: dict[str, int] = {}
    previous_sasaran = ""
    for number, cells in data_rows:
        reader = _TargetRow(number, cells, header)
        indicator = reader.indicator(previous_sasaran, seen_codes)
        previous_sasaran = reader.sasaran or previous_sasaran
        extras, extra_problems = _comparison_fields(number, cells, header, year)
        annual, annual_problems = _annual_fields(number, cells, header, reader.counting)
        extras.update(annual)
        extra_problems.extend(annual_problems)
        if indicator is None or extra_problems:
            problems.extend(reader.problems + extra_problems)
        else:
            indicators.append(replace(indicator, **extras))
    if problems:
        raise TargetImportError(problems, filename)
    return TargetSet(
        unit=unit,
        year=year,
        indicators=tuple(indicators),
        imported_by=imported_by,
        imported_at=imported_at,
        source_sha256=sheet.sha256,
        source_name=filename,
    )


_TARGET_LABELS = {c.key: c.label for c in TARGET_COLUMNS + COMPARISON_COLUMNS + ANNUAL_COLUMNS}
MAX_PROGRAM_TEXT = 300


def _annual_fields(
    number: int, cells: Sequence[Cell], header: _Header, counting: str | None
) -> tuple[dict[str, Any], list[str]]:
    """The optional annual columns of one row (counting rule, programme, activity)."""
    problems: list[str] = []
    out: dict[str, Any] = {}
    label = _TARGET_LABELS["annual_rule"]
    text = _text(_get(cells, header, "annual_rule"))
    if text:
        rule = _ANNUAL_RULE_WORDS.get(_norm_word(text).replace("-", " "))
        if (
            rule == JUMLAH
            and counting == KUMULATIF
            and _norm_word(text) in ("kumulatif", "komulatif")
        ):
            rule = AKHIR  # "kumulatif" of a year-to-date indicator: its TW IV value
        allowed = ", ".join(f"“{v}”" for v in ANNUAL_RULE_LABELS.values())
        if rule is None:
            problems.append(_at(number, label, f"“{text}” tidak dikenal; isi {allowed}."))
        elif counting == KUMULATIF and rule in (JUMLAH, RATA_RATA):
            problems.append(
                _at(
                    number,
                    label,
                    f"indikator kumulatif (realisasi triwulan dihitung sejak awal tahun), "
                    f"sehingga realisasi tahunannya tidak dapat dihitung "
                    f"“{ANNUAL_RULE_LABELS[rule]}”; isi “{ANNUAL_RULE_LABELS[AKHIR]}” atau "
                    f"“{ANNUAL_RULE_LABELS[RASIO]}”, atau kosongkan.",
                )
            )
        else:
            out["annual_rule"] = rule
    for key in ("program", "kegiatan"):
        value = _text(_get(cells, header, key))
        if len(value) > MAX_PROGRAM_TEXT:
            problems.append(
                _at(
                    number,
                    _TARGET_LABELS[key],
                    f"terlalu panjang ({len(value)} karakter; paling banyak {MAX_PROGRAM_TEXT}).",
                )
            )
        else:
            out[key] = value
    return out, problems


MAX_RENSTRA_SPAN = 10  # years between the targets' year and the Renstra's final year


def _comparison_fields(
    number: int, cells: Sequence[Cell], header: _Header, year: int
) -> tuple[dict[str, Any], list[str]]:
    """The optional comparison columns of one row (previous years, Renstra, national
    standard) as Indicator fields, and their problems (row and column named)."""
    problems: list[str] = []
    values: dict[str, float | None] = {}
    for key in ("previous_1", "previous_2", "renstra_target", "national_standard"):
        raw = _get(cells, header, key)
        label = _TARGET_LABELS[key]
        try:
            value = _number(raw)
        except _NotANumber:
            problems.append(_at(number, label, f"“{_shown(raw)}” bukan angka."))
            continue
        if value is not None and value < 0:
            problems.append(_at(number, label, f"tidak boleh negatif ({_shown(raw)})."))
            continue
        if key == "renstra_target" and value == 0:
            problems.append(
                _at(
                    number,
                    label,
                    "target 0 tidak dapat dipakai, karena persentase capaian target jangka "
                    "menengah dihitung terhadap target ini; kosongkan bila tidak ada.",
                )
            )
            continue
        values[key] = value
    raw_year = _get(cells, header, "renstra_year")
    renstra_year: int | None = None
    year_label = _TARGET_LABELS["renstra_year"]
    year_empty = False
    try:
        year_value = _number(raw_year)
        year_empty = year_value is None
    except _NotANumber:
        year_value = None
        problems.append(_at(number, year_label, f"“{_shown(raw_year)}” bukan tahun."))
    if year_value is not None:
        if not year_value.is_integer():
            problems.append(_at(number, year_label, f"“{_shown(raw_year)}” bukan tahun."))
        elif not year <= year_value <= year + MAX_RENSTRA_SPAN:
            problems.append(
                _at(
                    number,
                    year_label,
                    f"tahun {int(year_value)} di luar rentang yang mungkin: tidak sebelum tahun "
                    f"target ({year}) dan paling lambat {year + MAX_RENSTRA_SPAN}.",
                )
            )
        else:
            renstra_year = int(year_value)
    has_target = values.get("renstra_target") is not None
    if has_target and year_empty:
        problems.append(
            _at(number, year_label, "kosong, padahal Target Akhir Renstra diisi; isi tahunnya.")
        )
    if renstra_year is not None and "renstra_target" in values and not has_target:
        problems.append(
            _at(
                number,
                _TARGET_LABELS["renstra_target"],
                "kosong, padahal Tahun Akhir Renstra diisi; isi targetnya atau kosongkan keduanya.",
            )
        )
    problems.sort(key=_comparison_column_index)  # in the order of the columns
    extras: dict[str, Any] = {
        "previous": (values.get("previous_1"), values.get("previous_2")),
        "renstra_target": values.get("renstra_target"),
        "renstra_year": renstra_year,
        "national_standard": values.get("national_standard"),
    }
    return extras, problems


def _comparison_column_index(problem: str) -> int:
    return next((i for i, c in enumerate(COMPARISON_COLUMNS) if f"kolom “{c.label}”" in problem), 0)


class _TargetRow:
    """Reads one indicator row, collecting its problems in column order."""

    def __init__(self, number: int, cells: Sequence[Cell], header: _Header) -> None:
        self.number = number
        self.cells = cells
        self.header = header
        self.problems: list[str] = []
        self.sasaran = ""
        self.counting: str | None = None

    def _problem(self, key: str, message: str) -> None:
        self.problems.append(_at(self.number, _TARGET_LABELS[key], message))

    def _text(self, key: str, *, required: bool = True) -> str:
        value = _text(_get(self.cells, self.header, key))
        if required and not value:
            self._problem(key, "kosong, padahal wajib diisi.")
        limit = MAX_TEXT.get(key)
        if limit and len(value) > limit:
            self._problem(key, f"terlalu panjang ({len(value)} karakter; paling banyak {limit}).")
        return value

    def _choice(self, key: str, words: Mapping[str, str], allowed: str) -> str | None:
        text = self._text(key)
        value = words.get(_norm_word(text))
        if text and value is None:
            self._problem(key, f"“{text}” tidak dikenal; isi {allowed}.")
        return value

    def _target(self, key: str, direction: str | None) -> tuple[float | None, bool]:
        """(value, ok): ``None`` with ok for an empty cell; a problem is recorded if not ok."""
        raw = _get(self.cells, self.header, key)
        try:
            value = _number(raw)
        except _NotANumber:
            self._problem(key, f"“{_shown(raw)}” bukan angka.")
            return None, False
        if value is None:
            return None, True
        if value < 0:
            self._problem(key, f"target tidak boleh negatif ({_shown(raw)}).")
            return None, False
        if value == 0:
            hint = (
                "bila tidak ada target pada triwulan ini, kosongkan sel atau isi “-”."
                if key in _TW_KEYS
                else "isi target tahunan yang lebih dari 0."
            )
            if direction == TURUN:
                hint += (
                    " Untuk target nol kejadian, rumuskan indikatornya sebagai persentase "
                    "dengan arah Naik."
                )
            self._problem(
                key,
                "target 0 tidak dapat dipakai, karena capaian dihitung sebagai persentase "
                f"terhadap target (pembagian dengan nol); {hint}",
            )
            return None, False
        return value, True

    def indicator(self, previous_sasaran: str, seen_codes: dict[str, int]) -> Indicator | None:
        """The row's indicator, or ``None`` with ``problems`` filled."""
        self.sasaran = self._text("sasaran", required=False)
        sasaran = self.sasaran or previous_sasaran
        if not sasaran:
            self._problem(
                "sasaran",
                "kosong, padahal wajib diisi pada baris indikator pertama (baris berikutnya "
                "boleh dikosongkan bila sasarannya sama dengan baris di atasnya).",
            )
        code = self._text("code")
        if code and not _CODE_RE.match(code):
            self._problem(
                "code",
                f"kode “{code}” tidak sah; gunakan paling banyak {MAX_CODE_LENGTH} karakter "
                "berupa huruf, angka, titik, garis hubung, garis bawah atau garis miring, "
                "tanpa spasi.",
            )
        elif code and code.upper() in seen_codes:
            self._problem(
                "code", f"kode “{code}” sudah dipakai di baris {seen_codes[code.upper()]}."
            )
        elif code:
            seen_codes[code.upper()] = self.number
        indikator = self._text("indikator")
        satuan = self._text("satuan")
        # Read Arah first so the zero-target hint can speak to lower-is-better indicators,
        # but report problems in column order.
        mark = len(self.problems)
        direction = self._choice("arah", _DIRECTION_WORDS, "“Naik” atau “Turun”")
        counting = self._choice("perhitungan", _COUNTING_WORDS, "“Kumulatif” atau “Per Triwulan”")
        self.counting = counting
        choice_problems = self.problems[mark:]
        del self.problems[mark:]

        annual, annual_ok = self._target("target_tahunan", direction)
        if annual_ok and annual is None:
            self._problem("target_tahunan", "kosong, padahal wajib diisi.")
        quarters: list[float | None] = []
        quarters_ok = True
        for key in _TW_KEYS:
            value, ok = self._target(key, direction)
            quarters.append(value)
            quarters_ok = quarters_ok and ok
        if quarters_ok and all(q is None for q in quarters):
            self.problems.append(
                f"Baris {self.number}, kolom “Target TW I” s.d. “Target TW IV”: semuanya "
                "kosong; isi sedikitnya satu target triwulan."
            )
        if counting == KUMULATIF and quarters_ok and annual is not None:
            self.problems.extend(_cumulative_problems(self.number, quarters, annual))
        self.problems.extend(choice_problems)
        if self.problems or annual is None or direction is None or counting is None:
            return None
        return Indicator(
            code=code,
            sasaran=sasaran,
            indikator=indikator,
            satuan=satuan,
            target_tahunan=annual,
            targets=(quarters[0], quarters[1], quarters[2], quarters[3]),
            direction=direction,
            counting=counting,
        )


def _cumulative_problems(number: int, quarters: Sequence[float | None], annual: float) -> list[str]:
    out: list[str] = []
    annual_shown = format_number_id(annual)
    previous: tuple[int, float] | None = None
    for n, value in enumerate(quarters, start=1):
        if value is None:
            continue
        label = f"Target {triwulan_label(n)}"
        shown = format_number_id(value)
        if previous is not None and value < previous[1]:
            out.append(
                _at(
                    number,
                    label,
                    f"indikator kumulatif, tetapi target {triwulan_label(n)} ({shown}) lebih "
                    f"kecil daripada target {triwulan_label(previous[0])} "
                    f"({format_number_id(previous[1])}).",
                )
            )
        if n == 4 and not math.isclose(value, annual, rel_tol=1e-9, abs_tol=1e-9):
            out.append(
                _at(
                    number,
                    label,
                    "indikator kumulatif, sehingga target TW IV harus sama dengan Target "
                    f"Tahunan ({annual_shown}), bukan {shown}.",
                )
            )
        elif n < 4 and value > annual:
            out.append(
                _at(
                    number,
                    label,
                    f"indikator kumulatif, tetapi target {triwulan_label(n)} ({shown}) melebihi "
                    f"Target Tahunan ({annual_shown}).",
                )
            )
        previous = (n, value)
    return out


# ----------------------------------------------------------------------------- realisation


@dataclass(frozen=True)
class RealisationRow:
    """One filled row of a member's data workbook (before it becomes a Realisation)."""

    code: str
    value: float
    kendala: str
    tindak_lanjut: str


def realisation_columns(triwulan: int | None) -> tuple[Column, ...]:
    tw = triwulan_label(triwulan) if triwulan else ""
    suffix = f" {tw}" if tw else ""
    realisasi_aliases = ("realisasi",) + tuple(
        a for n in (1, 2, 3, 4) for a in _tw_aliases("realisasi", n)
    )
    target_aliases = ("target",) + tuple(a for n in (1, 2, 3, 4) for a in _tw_aliases("target", n))
    # fmt: off
    return (
        _col("no", "No", ("no", "nomor"), "Nomor urut.", width=5, required=False),
        _col(
            "code", "Kode Indikator", ("kode indikator", "kode"),
            "Kode indikator; jangan diubah.", example="IKU-1", width=14,
        ),
        _col(
            "indikator", "Indikator Kinerja", ("indikator kinerja", "indikator"),
            "Indikator yang ditugaskan kepada Anda.", width=45, required=False,
        ),
        _col("satuan", "Satuan", ("satuan",), "Satuan indikator.", width=10, required=False),
        _col(
            "perhitungan", "Perhitungan", ("perhitungan",),
            "Kumulatif: isi realisasi sejak awal tahun sampai akhir triwulan ini. Per Triwulan: "
            "isi realisasi triwulan ini saja.",
            example=f"Kumulatif s.d. {tw or 'TW II'}", width=18, required=False,
        ),
        _col(
            "target", f"Target{suffix}", target_aliases, f"Target{suffix} dari Rencana Aksi.",
            width=11, required=False,
        ),
        _col(
            "realisasi", f"Realisasi{suffix}", realisasi_aliases,
            "Wajib: angka realisasi. Desimal memakai koma (97,5).", example="78,5",
        ),
        _col(
            "kendala", "Kendala", ("kendala", "hambatan"),
            "Kendala yang dihadapi; tulis “Tidak ada” bila tidak ada.", width=40,
            optional_cell=True,
        ),
        _col(
            "tindak_lanjut", "Tindak Lanjut", ("tindak lanjut", "upaya tindak lanjut"),
            "Tindak lanjut atau upaya yang dilakukan.", width=40, optional_cell=True,
        ),
    )
    # fmt: on


def realisation_from_sheet(
    sheet: Sheet,
    expected_codes: Collection[str],
    *,
    triwulan: int | None = None,
) -> list[RealisationRow]:
    """The filled rows of a member's data workbook (or CSV), in file order
    (``documents.spreadsheets.parse_realisation_workbook`` reads the file).

    Rows whose Realisasi, Kendala and Tindak Lanjut are all empty are skipped (not reported
    yet). Refused with :class:`TargetImportError`: a code not in ``expected_codes`` (not
    assigned to this member), a code twice, a Realisasi that is not a number or negative, a
    Kendala/Tindak Lanjut without a Realisasi, notes over 1.000 characters, a workbook made
    for another quarter than ``triwulan`` (when given), or no Realisasi at all.
    """
    columns = realisation_columns(triwulan)
    rows, filename = sheet.rows, sheet.filename
    where = "Berkas CSV" if filename.lower().endswith(".csv") else "Lembar kerja"
    header, problems = _find_header(rows, columns, where, filename)
    if problems:
        raise TargetImportError(problems, filename)
    real_header = header.texts["realisasi"]
    tw_match = re.search(r"(?:tw|triwulan) ?(iv|iii|ii|i|[1-4])$", real_header)
    file_tw = None
    if tw_match:
        token = tw_match.group(1)
        file_tw = int(token) if token.isdigit() else _ROMAN.index(token) + 1
    real_label = f"Realisasi {triwulan_label(file_tw)}" if file_tw else "Realisasi"
    if triwulan is not None and file_tw is not None and file_tw != triwulan:
        raise TargetImportError(
            [
                f"Baris {header.row}, kolom “{real_label}”: berkas ini untuk "
                f"{triwulan_label(file_tw)}, sedangkan yang diminta {triwulan_label(triwulan)}. "
                f"Gunakan berkas data {triwulan_label(triwulan)} yang dikirim bot."
            ],
            filename,
        )
    data_rows, problems = _data_rows(rows, header, where, filename)
    expected = {c.upper(): c for c in expected_codes}
    seen: dict[str, int] = {}
    out: list[RealisationRow] = []
    for number, cells in data_rows:
        code_text = _text(_get(cells, header, "code"))
        raw = _get(cells, header, "realisasi")
        kendala = _text(_get(cells, header, "kendala"))
        tindak = _text(_get(cells, header, "tindak_lanjut"))
        if not code_text:
            if _text(raw) or kendala or tindak:
                problems.append(_at(number, "Kode Indikator", "kosong, padahal wajib diisi."))
            continue
        code = expected.get(code_text.upper())
        if code is None:
            problems.append(
                _at(
                    number,
                    "Kode Indikator",
                    f"indikator “{code_text}” tidak ditugaskan kepada Anda.",
                )
            )
            continue
        if code in seen:
            problems.append(
                _at(number, "Kode Indikator", f"kode “{code}” sudah ada di baris {seen[code]}.")
            )
            continue
        seen[code] = number
        try:
            value = _number(raw)
        except _NotANumber:
            problems.append(_at(number, real_label, f"“{_shown(raw)}” bukan angka."))
            continue
        for label, note in (("Kendala", kendala), ("Tindak Lanjut", tindak)):
            if len(note) > MAX_NOTE_LENGTH:
                problems.append(
                    _at(
                        number,
                        label,
                        f"terlalu panjang ({len(note)} karakter; paling banyak "
                        f"{format_number_id(MAX_NOTE_LENGTH)}).",
                    )
                )
        if value is None:
            if kendala or tindak:
                problems.append(
                    _at(
                        number,
                        real_label,
                        "kosong, padahal kendala atau tindak lanjut diisi; isi nilai realisasi.",
                    )
                )
            continue
        if value < 0:
            problems.append(
                _at(number, real_label, f"realisasi tidak boleh negatif ({_shown(raw)}).")
            )
            continue
        out.append(RealisationRow(code, value, kendala, tindak))
    if not problems and not out:
        problems.append(f"Kolom “{real_label}”: belum ada nilai realisasi yang diisi.")
    if problems:
        raise TargetImportError(problems, filename)
    return out


def rows_by_code(rows: Iterable[RealisationRow]) -> dict[str, RealisationRow]:
    """The rows keyed by indicator code (for ``realisation_workbook(filled=...)``)."""
    return {r.code: r for r in rows}


# ----------------------------------------------------------------------------- Renstra profile

# The optional sheet "Profil Renstra" of the targets workbook: one line per row, the part of
# Bab I it belongs to in the first column. A workbook without it is valid; the LKj then says,
# part by part, what the unit has not given.
# fmt: off
PROFILE_COLUMNS: tuple[Column, ...] = (
    _col(
        "bagian", "Bagian", ("bagian", "jenis", "unsur"),
        "Bagian Bab I LKj tahunan: Isu Strategis, Permasalahan Utama, Dasar Hukum, Struktur "
        "Organisasi, Sumber Daya Manusia atau Sarana dan Prasarana.",
        example="Isu Strategis", width=24,
    ),
    _col(
        "uraian", "Uraian", ("uraian", "isi", "keterangan"),
        "Satu butir per baris, sesuai Renstra dan dokumen organisasi: satu isu strategis, satu "
        "permasalahan, satu peraturan (dengan daerah, nomor, tahun dan judulnya, misalnya "
        "Peraturan Daerah Kota Bandung Nomor 8 Tahun 2016 tentang ...), satu unit kerja, "
        "jumlah pegawai per jenis, atau satu jenis sarana dengan jumlahnya.",
        example="Masih tingginya pelanggaran Peraturan Daerah di kawasan pusat kota", width=90,
    ),
)
# fmt: on

PROFILE_PART_LABELS: dict[str, str] = {
    "isu_strategis": "Isu Strategis",
    "permasalahan": "Permasalahan Utama",
    "dasar_hukum": "Dasar Hukum",
    "struktur": "Struktur Organisasi",
    "sdm": "Sumber Daya Manusia",
    "sarana": "Sarana dan Prasarana",
}
_PROFILE_WORDS: dict[str, str] = {
    **{_norm_word(v): k for k, v in PROFILE_PART_LABELS.items()},
    "isu": "isu_strategis",
    "permasalahan": "permasalahan",
    "masalah": "permasalahan",
    "regulasi": "dasar_hukum",
    "struktur": "struktur",
    "sdm": "sdm",
    "pegawai": "sdm",
    "kepegawaian": "sdm",
    "sarana": "sarana",
    "sarana prasarana": "sarana",
}
MAX_PROFILE_TEXT = 1_000
MAX_PROFILE_LINES = 60  # per part


def profile_from_sheet(sheet: Sheet) -> UnitProfile:
    """The unit's profile on the sheet "Profil Renstra", or :class:`TargetImportError`
    naming every row and column at fault (an unknown part, a line too long, too many)."""
    where = f"Lembar kerja “{sheet.name}”"
    header, problems = _find_header(sheet.rows, PROFILE_COLUMNS, where, sheet.filename, 2)
    if problems:
        raise TargetImportError(problems, sheet.filename)
    data_rows, problems = _data_rows(sheet.rows, header, where, sheet.filename)
    if data_rows == [] and problems[:1] == [
        f"Tidak ada baris data di bawah baris judul (baris {header.row})."
    ]:
        return UnitProfile()  # the template's empty sheet
    parts: dict[str, list[str]] = {k: [] for k in PROFILE_PART_LABELS}
    allowed = ", ".join(f"“{v}”" for v in PROFILE_PART_LABELS.values())
    for number, cells in data_rows:
        part_text = _text(_get(cells, header, "bagian"))
        text = _text(_get(cells, header, "uraian"))
        key = _PROFILE_WORDS.get(_norm_word(part_text))
        if key is None:
            problems.append(
                _at(number, "Bagian", f"“{part_text}” tidak dikenal; isi {allowed}.")
                if part_text
                else _at(number, "Bagian", "kosong, padahal wajib diisi.")
            )
            continue
        if not text:
            problems.append(_at(number, "Uraian", "kosong, padahal wajib diisi."))
        elif len(text) > MAX_PROFILE_TEXT:
            problems.append(
                _at(
                    number,
                    "Uraian",
                    f"terlalu panjang ({len(text)} karakter; paling banyak "
                    f"{format_number_id(MAX_PROFILE_TEXT)}).",
                )
            )
        elif len(parts[key]) >= MAX_PROFILE_LINES:
            problems.append(
                _at(
                    number,
                    "Bagian",
                    f"bagian “{PROFILE_PART_LABELS[key]}” sudah memuat {MAX_PROFILE_LINES} "
                    "baris; gabungkan butir yang sejenis.",
                )
            )
        else:
            parts[key].append(text.rstrip(";"))
    if problems:
        raise TargetImportError(problems, sheet.filename)
    return UnitProfile(**{k: tuple(v) for k, v in parts.items()})
