"""The file reading (``documents.spreadsheets``, ``documents.uploads``) apart from the rules
(``domain.targets_import``, ``domain.budget``, ``domain.uploads``): the adapter hands the
domain plain rows, the domain validates rows that never were a file, and no module of the
domain imports a file-format library."""

from __future__ import annotations

import ast
import hashlib
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from documents.spreadsheets import parse_targets, read_sheet
from documents.uploads import zip_listing
from domain.targets_import import (
    FORMULA,
    MERGED,
    TARGET_SHEET,
    Sheet,
    TargetImportError,
    Unreadable,
    targets_from_sheet,
)
from domain.uploads import check_content
from tests.domain_factories import xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
AT = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
HEADER = [
    "No", "Sasaran Strategis", "Kode Indikator", "Indikator Kinerja", "Satuan",
    "Target Tahunan", "Target TW I", "Target TW II", "Target TW III", "Target TW IV", "Arah",
    "Perhitungan",
]  # fmt: skip
ROW = [1, "Meningkatnya ketertiban", "IKU-1", "Persentase penegakan Perda", "%", 85, 80, 82,
       84, 85, "Naik", "Per Triwulan"]  # fmt: skip
# The spreadsheet and archive readers (the shipped sample CSV files are read with the
# standard csv module in domain/samples, which is demo data, not an upload).
FILE_FORMAT_LIBRARIES = {"openpyxl", "zipfile", "defusedxml"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_imports_no_file_format_library() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FILE_FORMAT_LIBRARIES)
        for path in sorted((ROOT / "domain").rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _workbook(edit=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TARGET_SHEET
    ws.append(HEADER)
    ws.append(ROW)
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_rules_read_plain_rows_that_never_were_a_file() -> None:
    """The same targets from rows typed here as from the workbook holding them."""
    sheet = Sheet(TARGET_SHEET, [(1, list(HEADER)), (2, list(ROW))], "target.xlsx", "ab" * 32)
    from_rows = targets_from_sheet(sheet, unit="u", year=2026, imported_by=1, imported_at=AT)
    data = _workbook()
    from_file = parse_targets(
        data, "target.xlsx", unit="u", year=2026, imported_by=1, imported_at=AT
    )
    assert from_rows.indicators == from_file.indicators
    assert from_rows.source_sha256 == "ab" * 32
    assert from_file.source_sha256 == hashlib.sha256(data).hexdigest()


def test_the_adapter_marks_cells_it_cannot_trust() -> None:
    """A formula without a saved result and a merged range arrive as ``Unreadable`` cells,
    a percent-formatted cell in percent points; the domain words the refusal."""

    def edit(ws) -> None:
        ws["G2"] = "=F2*0.9"  # openpyxl saves no result: reads as empty
        ws.merge_cells("H2:I2")
        ws["J2"].value = 0.85
        ws["J2"].number_format = "0%"

    sheet = read_sheet(_workbook(edit), "target.xlsx", TARGET_SHEET)
    assert (sheet.name, sheet.filename) == (TARGET_SHEET, "target.xlsx")
    number, cells = sheet.rows[1]
    assert number == 2
    formula, merged_first, merged_second = cells[6], cells[7], cells[8]
    assert isinstance(formula, Unreadable) and formula.kind == FORMULA
    assert isinstance(merged_first, Unreadable) and merged_first.kind == MERGED
    assert (merged_first.detail, merged_first.value, merged_first.one_column) == (
        "H2:I2",
        82,
        False,
    )
    assert isinstance(merged_second, Unreadable) and merged_second.value is None
    assert cells[9] == pytest.approx(85.0)
    with pytest.raises(TargetImportError) as info:
        targets_from_sheet(sheet, unit="u", year=2026, imported_by=1, imported_at=AT)
    assert any("rumus “=F2*0.9”" in p for p in info.value.problems)
    assert any("merge H2:I2" in p for p in info.value.problems)


def test_a_csv_file_arrives_as_rows_with_the_numbers_the_user_sees() -> None:
    text = ";".join(HEADER) + "\r\n\r\n" + ";".join(str(c) for c in ROW) + "\r\n"
    sheet = read_sheet(text.encode("utf-8"), "target.csv", TARGET_SHEET)
    assert sheet.name == "CSV"
    assert [n for n, _ in sheet.rows] == [1, 2, 3]
    assert sheet.rows[2][1][2] == "IKU-1"


def test_the_upload_rule_judges_the_zip_directory_the_adapter_lists() -> None:
    data = xlsx_bytes()
    listing = zip_listing(data)
    assert listing is not None and "xl/workbook.xml" in listing.names
    assert check_content("a.xlsx", data, 10 * 1024 * 1024, listing).extension == "xlsx"
    assert zip_listing(b"%PDF-1.7") is None
    with pytest.raises(Exception, match="bukan berkas Excel yang sah"):
        check_content("a.xlsx", data, 10 * 1024 * 1024, None)
