"""Which quarters the Kasat may start now, and why the others cannot.

Asked before the /mulai form opens, so nobody types seven inputs for a quarter that is
already running, already signed, or has not begun.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from domain.dates_id import triwulan_period
from domain.models import Cycle

RUNNING = "running"  # a cycle of that quarter is open
FILED = "filed"  # its report is signed and filed
NOT_BEGUN = "not_begun"  # the quarter starts after today


@dataclass(frozen=True)
class Period:
    year: int
    triwulan: int
    blocked: str | None = None  # RUNNING, FILED, NOT_BEGUN, or None when it can start
    step: int = 0  # the running cycle's step

    @property
    def can_start(self) -> bool:
        return self.blocked is None

    @property
    def key(self) -> str:
        return f"{self.year}:{self.triwulan}"


def start_periods(today: date, cycles: Mapping[tuple[int, int], Cycle]) -> list[Period]:
    """The four quarters of last year and of this year, oldest first, each marked."""
    out = []
    for year in (today.year - 1, today.year):
        for triwulan in (1, 2, 3, 4):
            cycle = cycles.get((year, triwulan))
            if cycle is not None and cycle.filed:
                out.append(Period(year, triwulan, FILED))
            elif cycle is not None:
                out.append(Period(year, triwulan, RUNNING, cycle.step))
            elif triwulan_period(year, triwulan)[0] > today:
                out.append(Period(year, triwulan, NOT_BEGUN))
            else:
                out.append(Period(year, triwulan))
    return out


def parse_period(key: str) -> tuple[int, int]:
    year, triwulan = key.split(":")
    return int(year), int(triwulan)
