"""What the pemda export (``app.export.pemda_export``) says of each unit: where its period
stands and, for what was signed, its performance rows as the unit's own export has them.
Plain data for the workbook builder (``documents.workbooks.pemda_workbook``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UnitExport:
    """One unit of the pemda in an export of a quarter (``triwulan``) or a year (None)."""

    code: str
    name: str
    year: int
    triwulan: int | None
    #: One of ``app.pemda.STATES`` for the period (``ditandatangani`` once signed).
    state: str
    #: The quarter shown (a year's latest), its step and the step's activity.
    current: int | None = None
    step: int | None = None
    activity: str = ""
    #: The period is signed: the quarter filed, or all four quarters of the year.
    signed: bool = False
    indicators: int = 0
    #: Mean capaian of the signed period's indicators (None: not signed, or none computable).
    capaian: float | None = None
    #: The performance rows of what was signed (``documents.workbooks.ExportRow``): the
    #: quarter's, the year's, or in a year not yet complete each signed quarter's.
    rows: Sequence[Any] = ()
    #: The quarters of the period not signed yet.
    unsigned: tuple[int, ...] = ()


def mean_capaian(values: Sequence[float | None]) -> float | None:
    computed = [v for v in values if v is not None]
    return round(sum(computed) / len(computed), 2) if computed else None
