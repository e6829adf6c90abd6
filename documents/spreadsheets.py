"""Reading uploaded spreadsheets (.xlsx and CSV) into the plain rows the domain validates.

The file formats are I/O, not rules: the zip guard that refuses a zip bomb or an old .xls
before openpyxl opens anything, openpyxl itself (through ``defusedxml``, which the project
installs so openpyxl never expands an XML entity), the sheet XML read for merged ranges,
percent-formatted cells, formulas without a saved result, and CSV decoding and delimiter
sniffing. Everything here ends in a ``domain.targets_import.Sheet``; the columns, what they
mean and every row-and-column refusal stay in ``domain.targets_import`` and ``domain.budget``.

Why in ``documents/`` and not a new ``adapters/`` package: ``documents/`` already owns the
spreadsheet format (``documents/workbooks.py`` writes these very workbooks with openpyxl), it
may import the domain and no framework of the channels, so the reader sits beside the writer
it must stay compatible with, and no layer rule has to learn a new package.

``parse_targets``, ``parse_realisation_workbook`` and ``parse_budget`` keep the signatures
the callers had when reading lived in the domain: file bytes and name in, domain values out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import zipfile
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.utils import range_boundaries

from domain.budget import BUDGET_SHEET, BudgetSet, budget_from_sheet
from domain.performance import TargetSet
from domain.targets_import import (
    FORMULA,
    MERGED,
    PROFILE_SHEET,
    REALISATION_SHEET,
    TARGET_SHEET,
    Cell,
    RealisationRow,
    Row,
    Sheet,
    TargetImportError,
    Unreadable,
    profile_from_sheet,
    realisation_from_sheet,
    sheet_matches,
    targets_from_sheet,
)

MAX_SCAN_ROWS = 5_000  # physical rows read at most (empty formatted rows included)
MAX_COLUMNS = 40
MAX_ZIP_MEMBERS = 1_000
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_CSV_BYTES = 5 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def parse_targets(
    data: bytes,
    filename: str,
    *,
    unit: str,
    year: int,
    imported_by: int,
    imported_at: datetime,
) -> TargetSet:
    """The targets in a workbook (.xlsx) or CSV file, or :class:`TargetImportError` listing
    every problem. The format follows the file name's extension. A workbook's optional sheet
    "Profil Renstra" (Bab I of the annual LKj) is read into ``TargetSet.profile``."""
    targets = targets_from_sheet(
        read_sheet(data, filename, TARGET_SHEET),
        unit=unit,
        year=year,
        imported_by=imported_by,
        imported_at=imported_at,
    )
    profile = _optional_sheet(data, filename, PROFILE_SHEET)
    if profile is None:
        return targets
    return replace(targets, profile=profile_from_sheet(profile))


def _optional_sheet(data: bytes, filename: str, sheet: str) -> Sheet | None:
    """The rows of a workbook's sheet named ``sheet``; ``None`` for a CSV file or a workbook
    without it."""
    if not filename.lower().endswith(".xlsx"):
        return None
    title, rows = _xlsx_rows(data, filename, sheet, first_if_missing=False)
    if not title:
        return None
    return Sheet(title, rows, filename, hashlib.sha256(data).hexdigest())


def parse_realisation_workbook(
    data: bytes,
    expected_codes: Collection[str],
    *,
    triwulan: int | None = None,
    filename: str = "realisasi.xlsx",
) -> list[RealisationRow]:
    """The filled rows of a member's data workbook (or CSV), in file order; the rules are
    ``domain.targets_import.realisation_from_sheet``."""
    sheet = read_sheet(data, filename, REALISATION_SHEET)
    return realisation_from_sheet(sheet, expected_codes, triwulan=triwulan)


def parse_budget(
    data: bytes,
    filename: str,
    *,
    unit: str,
    year: int,
    known_codes: Collection[str],
    imported_by: int,
    imported_at: datetime,
) -> BudgetSet:
    """The budget lines of a workbook (.xlsx) or CSV file; the rules are
    ``domain.budget.budget_from_sheet``."""
    return budget_from_sheet(
        read_sheet(data, filename, BUDGET_SHEET),
        unit=unit,
        year=year,
        known_codes=known_codes,
        imported_by=imported_by,
        imported_at=imported_at,
    )


def read_sheet(data: bytes, filename: str, sheet: str) -> Sheet:
    """The rows of ``sheet`` (or the first sheet) of an .xlsx file, or of a CSV file, by the
    file name's extension; :class:`TargetImportError` when the file cannot be read."""
    name, rows = _read_rows(data, filename, sheet)
    return Sheet(name, rows, filename, hashlib.sha256(data).hexdigest())


def _guard_zip(data: bytes, filename: str) -> None:
    """Refuse what is not a plausible .xlsx before openpyxl touches it (incl. zip bombs).

    The sizes checked are the declared ones; ``zipfile`` never yields more than a member's
    declared size, so they bound what openpyxl can inflate.
    """
    name = f"Berkas “{filename}”"
    if data.startswith(_OLE_MAGIC):
        raise TargetImportError(
            [
                f"{name} berformat Excel lama (.xls) atau dilindungi kata sandi. Simpan ulang "
                "sebagai “Excel Workbook (.xlsx)” tanpa kata sandi."
            ],
            filename,
        )
    if not data.startswith(b"PK\x03\x04"):
        raise TargetImportError(
            [f"{name} bukan buku kerja Excel (.xlsx): isinya tidak berformat Excel."], filename
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise TargetImportError(
            [f"{name} rusak dan tidak dapat dibuka sebagai buku kerja Excel (.xlsx)."], filename
        ) from None
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_MEMBERS or total > MAX_UNCOMPRESSED:
        raise TargetImportError(
            [
                f"{name} ditolak demi keamanan: isinya bila dibuka melebihi batas "
                f"({MAX_UNCOMPRESSED // (1024 * 1024)} MB atau {MAX_ZIP_MEMBERS} bagian). "
                "Kirimkan buku kerja biasa dari templat."
            ],
            filename,
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        kind = " (isinya dokumen Word)" if "word/document.xml" in names else ""
        raise TargetImportError([f"{name} bukan buku kerja Excel (.xlsx){kind}."], filename)


def _cell_value(cell: Any) -> Cell:
    value = cell.value
    fmt = getattr(cell, "number_format", None) or ""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and "%" in fmt
        and math.isfinite(value)
    ):
        # A cell formatted as percentage holds 0.85 for "85%": count in percent points.
        return float(Decimal(repr(float(value))) * 100)
    return value


def _xlsx_rows(
    data: bytes, filename: str, sheet: str, *, first_if_missing: bool = True
) -> tuple[str, list[Row]]:
    """The sheet's title and rows; without a sheet so named, the first sheet's, or with
    ``first_if_missing=False`` an empty title and no rows."""
    _guard_zip(data, filename)
    broken = TargetImportError(
        [f"Berkas “{filename}” rusak dan tidak dapat dibuka sebagai buku kerja Excel (.xlsx)."],
        filename,
    )
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on malformed input; all mean "broken"
        raise broken from None
    try:
        sheets = wb.worksheets
        if not sheets:
            raise TargetImportError([f"Berkas “{filename}” tidak memiliki lembar kerja."], filename)
        found = next((s for s in sheets if sheet_matches(s.title, sheet)), None)
        if found is None and not first_if_missing:
            return "", []
        ws = found or sheets[0]
        title = ws.title
        ws.reset_dimensions()  # some writers store a wrong dimension; read what is there
        rows: list[Row] = []
        for number, cells in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_SCAN_ROWS:
                break
            rows.append((number, [_cell_value(c) for c in cells]))
        with ws._get_source() as source:  # read-only sheets do not parse their merges
            merges = _merged_ranges(source.read())
    except TargetImportError:
        raise
    except Exception:
        raise broken from None
    finally:
        wb.close()
    _mark_formulas(data, title, rows)
    _mark_merged(rows, merges)
    return title, rows


_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}\d+:[A-Za-z]{1,3}\d+)\"")


def _merged_ranges(sheet_xml: bytes) -> list[tuple[str, int, int, int, int]]:
    """(range, first column, first row, last column, last row) of every merged range."""
    out = []
    for match in _MERGE_RE.finditer(sheet_xml):
        ref = match.group(1).decode().upper()
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        out.append((ref, min_col, min_row, max_col, max_row))
    return out


def _mark_merged(rows: list[Row], merges: list[tuple[str, int, int, int, int]]) -> None:
    by_number = {number: cells for number, cells in rows}
    for ref, min_col, min_row, max_col, max_row in merges:
        for number in range(min_row, min(max_row, MAX_SCAN_ROWS) + 1):
            cells = by_number.get(number)
            if cells is None:
                continue
            for col in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                while len(cells) < col:
                    cells.append(None)
                cell = cells[col - 1]
                value = cell.value if isinstance(cell, Unreadable) else cell
                cells[col - 1] = Unreadable(MERGED, ref, value, one_column=min_col == max_col)


def _mark_formulas(data: bytes, title: str, rows: list[Row]) -> None:
    """A formula whose result was never saved (the file was written by a program that does
    not calculate) reads as empty with ``data_only``: read the formulas to tell them apart."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb[title]
        ws.reset_dimensions()
        for (_, values), cells in zip(rows, ws.iter_rows(max_col=MAX_COLUMNS), strict=False):
            for col, cell in enumerate(cells):
                formula = cell.value
                if (
                    col < len(values)
                    and values[col] is None
                    and isinstance(formula, str)
                    and formula.startswith("=")
                ):
                    values[col] = Unreadable(FORMULA, formula[:60])
    finally:
        wb.close()


def _csv_rows(data: bytes, filename: str) -> tuple[str, list[Row]]:
    name = f"Berkas “{filename}”"
    if len(data) > MAX_CSV_BYTES:
        raise TargetImportError(
            [f"{name} terlalu besar untuk berkas CSV target (batas 5 MB)."], filename
        )
    if b"\x00" in data[:4096] or data.startswith(b"PK\x03\x04") or data.startswith(_OLE_MAGIC):
        raise TargetImportError([f"{name} bukan berkas CSV (teks)."], filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TargetImportError(
            [
                f"{name} tidak berenkode UTF-8. Di Excel, simpan dengan jenis "
                "“CSV UTF-8 (Comma delimited)”."
            ],
            filename,
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    start = 1
    try:
        for record in reader:
            rows.append((start, list(record[:MAX_COLUMNS])))
            start = reader.line_num + 1
            if len(rows) >= MAX_SCAN_ROWS:
                break
    except csv.Error:
        raise TargetImportError(
            [f"{name} bukan berkas CSV yang sah (tanda petik tidak berpasangan)."], filename
        ) from None
    return "CSV", rows


def _read_rows(data: bytes, filename: str, sheet: str) -> tuple[str, list[Row]]:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext == "xlsx":
        return _xlsx_rows(data, filename, sheet)
    if ext == "csv":
        return _csv_rows(data, filename)
    if ext == "xls":
        raise TargetImportError(
            [
                f"Berkas “{filename}” berformat Excel lama (.xls). Simpan ulang sebagai "
                "“Excel Workbook (.xlsx)”."
            ],
            filename,
        )
    raise TargetImportError(
        [f"Jenis berkas “{filename}” tidak dikenali. Kirimkan berkas .xlsx atau .csv."], filename
    )
