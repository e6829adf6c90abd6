"""The year's budget realisation (Realisasi Anggaran) per programme and activity.

Bab III.B of the annual LKj (PermenPAN-RB 53/2014) shows, per programme and activity, the
budget ceiling (pagu) and what was spent; Bab III.A sets the share spent beside the capaian of
the sasaran the activities support (efficiency). The data comes from a budget workbook sent by
the holder of the report-making step, read with the same cell reading and the same precise
row-and-column refusals as the targets workbook:

    No | Program | Kegiatan | Kode Indikator | Pagu Anggaran (Rp) | Realisasi Anggaran (Rp)

* Program may be left empty to repeat the programme of the row above (as with merged cells);
* Kegiatan is required and unique within its programme;
* Kode Indikator names the indicators of the year's targets the activity supports, separated
  by commas (``IKU-1, IKU-2``); each must exist in the year's targets;
* Pagu is a number greater than 0; Realisasi a number from 0 up to the pagu (a budget cannot
  be spent beyond its ceiling). Rupiah may be written ``1.250.000.000`` or as Excel numbers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.performance import format_number_id, round_half_up
from domain.targets_import import (
    Cell,
    Column,
    Sheet,
    TargetImportError,
    _at,
    _col,
    _data_rows,
    _find_header,
    _get,
    _NotANumber,
    _number,
    _shown,
    _text,
)

BUDGET_SHEET = "Realisasi Anggaran"
MAX_NAME = 300
MAX_CODE = 40  # a DPA code such as 1.05.02.2.01.0001

# fmt: off
BUDGET_COLUMNS: tuple[Column, ...] = (
    _col("no", "No", ("no", "nomor", "no urut"), "Nomor urut (boleh dikosongkan).",
         example="1", width=5, required=False),
    _col(
        "program", "Program", ("program", "nama program"),
        "Nama program sesuai DPA. Boleh dikosongkan bila sama dengan baris di atasnya "
        "(kecuali baris pertama).",
        example="Program Peningkatan Ketenteraman dan Ketertiban Umum", width=40,
        optional_cell=True,
    ),
    _col(
        "kegiatan", "Kegiatan", ("kegiatan", "nama kegiatan"),
        "Nama kegiatan sesuai DPA; tidak boleh sama dengan kegiatan lain dalam program yang "
        "sama.",
        example="Penanganan Gangguan Ketenteraman dan Ketertiban Umum", width=45,
    ),
    _col(
        "codes", "Kode Indikator", ("kode indikator", "kode", "indikator yang didukung"),
        "Kode indikator kinerja (dari Target Kinerja tahun ini) yang didukung kegiatan ini, "
        "dipisahkan koma, misalnya “IKU-4, IKU-6”. Dipakai untuk mengaitkan anggaran dengan "
        "sasaran strategis (analisis efisiensi).",
        example="IKU-4, IKU-6", width=16,
    ),
    _col(
        "pagu", "Pagu Anggaran (Rp)", ("pagu anggaran", "pagu", "anggaran"),
        "Pagu anggaran kegiatan dalam rupiah setelah perubahan; angka lebih dari 0. Titik "
        "pemisah ribuan boleh dipakai (1.250.000.000).",
        example="1.250.000.000", width=18,
    ),
    _col(
        "realisasi", "Realisasi Anggaran (Rp)", ("realisasi anggaran", "realisasi"),
        "Realisasi belanja kegiatan sampai akhir tahun dalam rupiah; dari 0 sampai dengan "
        "pagu.",
        example="1.187.500.000", width=18,
    ),
    # Optional, after the amounts so that files made before them keep their layout.
    _col(
        "program_code", "Kode Program", ("kode program",),
        "Kode program sesuai DPA (tidak wajib; dipakai pada ekspor e-SAKIP). Boleh dikosongkan "
        "bila programnya sama dengan baris di atasnya.",
        example="1.05.02", width=12, required=False, optional_cell=True,
    ),
    _col(
        "kegiatan_code", "Kode Kegiatan", ("kode kegiatan",),
        "Kode kegiatan sesuai DPA (tidak wajib; dipakai pada ekspor e-SAKIP).",
        example="1.05.02.2.01", width=14, required=False, optional_cell=True,
    ),
)
# fmt: on

_LABELS = {c.key: c.label for c in BUDGET_COLUMNS}
_CODE_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class BudgetLine:
    """One activity of the budget: its programme, the indicators it supports, pagu and spend."""

    program: str
    kegiatan: str
    codes: tuple[str, ...]
    pagu: float
    realisasi: float
    program_code: str = ""  # the DPA's codes, when the file gives them
    kegiatan_code: str = ""

    @property
    def percent(self) -> float:
        """Share of the pagu spent, rounded half-up to two decimals."""
        return share_percent(self.realisasi, self.pagu)

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "kegiatan": self.kegiatan,
            "codes": list(self.codes),
            "pagu": self.pagu,
            "realisasi": self.realisasi,
            "program_code": self.program_code,
            "kegiatan_code": self.kegiatan_code,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BudgetLine:
        return cls(
            d["program"],
            d["kegiatan"],
            tuple(d["codes"]),
            float(d["pagu"]),
            float(d["realisasi"]),
            d.get("program_code", ""),
            d.get("kegiatan_code", ""),
        )


@dataclass(frozen=True)
class BudgetSet:
    """A unit's budget realisation for one year, as imported from one workbook or CSV."""

    unit: str
    year: int
    lines: tuple[BudgetLine, ...]
    imported_by: int
    imported_at: datetime
    source_sha256: str
    source_name: str = ""

    @property
    def pagu(self) -> float:
        return _sum(line.pagu for line in self.lines)

    @property
    def realisasi(self) -> float:
        return _sum(line.realisasi for line in self.lines)

    @property
    def percent(self) -> float:
        return share_percent(self.realisasi, self.pagu)

    def programs(self) -> list[str]:
        """The programmes in file order, each once."""
        return list(dict.fromkeys(line.program for line in self.lines))

    def supporting(self, codes: Collection[str]) -> list[BudgetLine]:
        """The activities supporting any of ``codes``."""
        wanted = set(codes)
        return [line for line in self.lines if wanted.intersection(line.codes)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "lines": [line.to_dict() for line in self.lines],
            "imported_by": self.imported_by,
            "imported_at": self.imported_at.isoformat(),
            "source_sha256": self.source_sha256,
            "source_name": self.source_name,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BudgetSet:
        return cls(
            unit=d["unit"],
            year=d["year"],
            lines=tuple(BudgetLine.from_dict(x) for x in d["lines"]),
            imported_by=d["imported_by"],
            imported_at=datetime.fromisoformat(d["imported_at"]),
            source_sha256=d["source_sha256"],
            source_name=d.get("source_name", ""),
        )


def _sum(values: Iterable[float]) -> float:
    # Decimal through repr, so that rupiah amounts add up exactly.
    return float(sum((Decimal(repr(float(v))) for v in values), Decimal(0)))


def share_percent(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole`` (> 0), rounded half-up to two decimals."""
    if whole <= 0:
        raise ValueError("whole must be positive")
    return round_half_up(Decimal(repr(float(part))) / Decimal(repr(float(whole))) * 100)


def format_rupiah(value: float) -> str:
    """``1250000000`` -> ``"1.250.000.000"`` (whole rupiah; sen shown only when present)."""
    return format_number_id(value)


def budget_from_sheet(
    sheet: Sheet,
    *,
    unit: str,
    year: int,
    known_codes: Collection[str],
    imported_by: int,
    imported_at: datetime,
) -> BudgetSet:
    """The budget lines of a workbook's or CSV file's rows, or :class:`TargetImportError`
    listing every problem by row and column; nothing is returned on any problem
    (``documents.spreadsheets.parse_budget`` reads the file)."""
    where_name, rows, filename = sheet.name, sheet.rows, sheet.filename
    where = "Berkas CSV" if where_name == "CSV" else f"Lembar kerja “{where_name}”"
    header, problems = _find_header(rows, BUDGET_COLUMNS, where, filename)
    if problems:
        raise TargetImportError(problems, filename)
    data_rows, problems = _data_rows(rows, header, where, filename)
    known = {c.upper(): c for c in known_codes}
    lines: list[BudgetLine] = []
    seen: dict[tuple[str, str], int] = {}
    program = program_code = ""
    for number, cells in data_rows:
        previous = program
        line, row_problems, program = _line(number, cells, header, program, known, seen)
        # A programme's code, like its name, may be left for the rows below to repeat.
        typed_code = _text(_get(cells, header, "program_code"))
        program_code = typed_code or (program_code if program == previous else "")
        kegiatan_code = _text(_get(cells, header, "kegiatan_code"))
        for key, value in (("program_code", program_code), ("kegiatan_code", kegiatan_code)):
            if len(value) > MAX_CODE:
                row_problems.append(
                    _at(
                        number,
                        _LABELS[key],
                        f"terlalu panjang (paling banyak {MAX_CODE} karakter).",
                    )
                )
        problems.extend(row_problems)
        if line is not None and not row_problems:
            lines.append(replace(line, program_code=program_code, kegiatan_code=kegiatan_code))
    if problems:
        raise TargetImportError(problems, filename)
    return BudgetSet(
        unit=unit,
        year=year,
        lines=tuple(lines),
        imported_by=imported_by,
        imported_at=imported_at,
        source_sha256=sheet.sha256,
        source_name=filename,
    )


def _line(
    number: int,
    cells: Sequence[Cell],
    header: Any,
    previous_program: str,
    known: dict[str, str],
    seen: dict[tuple[str, str], int],
) -> tuple[BudgetLine | None, list[str], str]:
    problems: list[str] = []

    def text(key: str) -> str:
        value = _text(_get(cells, header, key))
        if len(value) > MAX_NAME:
            problems.append(
                _at(
                    number,
                    _LABELS[key],
                    f"terlalu panjang ({len(value)} karakter; paling banyak {MAX_NAME}).",
                )
            )
        return value

    program = text("program") or previous_program
    if not program:
        problems.append(
            _at(
                number,
                _LABELS["program"],
                "kosong, padahal wajib diisi pada baris pertama (baris berikutnya boleh "
                "dikosongkan bila programnya sama dengan baris di atasnya).",
            )
        )
    kegiatan = text("kegiatan")
    if not kegiatan:
        problems.append(_at(number, _LABELS["kegiatan"], "kosong, padahal wajib diisi."))
    elif (program.casefold(), kegiatan.casefold()) in seen:
        first = seen[(program.casefold(), kegiatan.casefold())]
        problems.append(
            _at(
                number,
                _LABELS["kegiatan"],
                f"kegiatan “{kegiatan}” sudah ada di baris {first} dalam program yang sama.",
            )
        )
    else:
        seen[(program.casefold(), kegiatan.casefold())] = number
    codes: list[str] = []
    raw_codes = text("codes")
    if not raw_codes:
        problems.append(
            _at(
                number,
                _LABELS["codes"],
                "kosong, padahal wajib diisi: sebutkan kode indikator yang didukung kegiatan ini.",
            )
        )
    for token in filter(None, _CODE_SPLIT.split(raw_codes)):
        code = known.get(token.upper())
        if code is None:
            problems.append(
                _at(
                    number,
                    _LABELS["codes"],
                    f"kode “{token}” tidak terdapat dalam Target Kinerja tahun ini.",
                )
            )
        elif code not in codes:
            codes.append(code)
    amounts: dict[str, float] = {}
    for key in ("pagu", "realisasi"):
        raw = _get(cells, header, key)
        try:
            value = _number(raw)
        except _NotANumber:
            problems.append(_at(number, _LABELS[key], f"“{_shown(raw)}” bukan angka."))
            continue
        if value is None:
            problems.append(_at(number, _LABELS[key], "kosong, padahal wajib diisi."))
        elif value < 0:
            problems.append(_at(number, _LABELS[key], f"tidak boleh negatif ({_shown(raw)})."))
        elif key == "pagu" and value == 0:
            problems.append(
                _at(
                    number,
                    _LABELS[key],
                    "pagu 0 tidak dapat dipakai, karena persentase realisasi dihitung terhadap "
                    "pagu.",
                )
            )
        else:
            amounts[key] = value
    pagu, spent = amounts.get("pagu"), amounts.get("realisasi")
    if pagu is not None and spent is not None and spent > pagu:
        problems.append(
            _at(
                number,
                _LABELS["realisasi"],
                f"realisasi Rp{format_rupiah(spent)} melebihi pagu Rp{format_rupiah(pagu)}.",
            )
        )
    if problems or pagu is None or spent is None:
        return None, problems, program
    return BudgetLine(program, kegiatan, tuple(codes), pagu, spent), problems, program
