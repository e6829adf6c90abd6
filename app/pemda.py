"""The pemda's view across its units (issue 22): one row per unit of where its quarter
stands, for the evaluators' ``/pantau``, their Monday digest, the pemda export and the
evaluator page. Telegram-free: the use cases return plain rows; the channel words them.

Built from :func:`storage.summaries.cycle_summaries` (a few facts per cycle, one indexed query
on PostgreSQL, a small index on files), never from each unit's whole year: who holds a step
is the unit's SOP table's answer, the capaian the domain's formula, overdue time the unit's
working calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from app.services import RosterView
from domain.errors import RoleError
from domain.identity import Government
from domain.models import FILED, StepRecord
from domain.office_time import OpenStep, is_over_time, open_step
from domain.pemda import Evaluator
from domain.performance import Achievement, achievement, round_half_up
from domain.roles import Role
from domain.roster import Unit
from storage.summaries import CycleSummary

#: A unit's state in the view, worst first (the order the view sorts by).
OVERDUE = "terlambat"
#: Less than a quarter of the open step's time left, or reported figures under the capaian
#: policy's risk threshold.
AT_RISK = "berisiko"
ON_TRACK = "berjalan"
NOT_STARTED = "belum_dimulai"
SIGNED = "ditandatangani"
STATES = (OVERDUE, AT_RISK, ON_TRACK, NOT_STARTED, SIGNED)


class PemdaView(RosterView, Protocol):
    """What the pemda's use cases need: the roster (units, evaluators, SOP tables, working
    calendars, the clock) and the summary rows of every unit's cycles."""

    def cycle_summaries(self, units: list[str] | None, year: int) -> list[CycleSummary]: ...


@dataclass(frozen=True)
class QuarterCell:
    """One quarter of a unit's year in the view."""

    triwulan: int
    step: int
    signed: bool
    filed: bool


@dataclass(frozen=True)
class SasaranCell:
    """One sasaran of a unit's quarter: the mean capaian of its reported indicators."""

    sasaran: str
    capaian: float | None
    reported: int
    indicators: int


@dataclass(frozen=True)
class UnitRow:
    """Where one unit stands: its latest quarter of the year (None: none started)."""

    unit: str
    name: str
    state: str  # one of STATES
    triwulan: int | None = None
    step: int | None = None
    activity: str = ""  # the step's activity as the unit's SOP table words it
    role: Role | None = None
    role_label: str = ""  # the role as the unit names it ("Kepala Dinas")
    holders: tuple[str, ...] = ()  # who acts for the step now (stand-ins included)
    since: datetime | None = None
    deadline: datetime | None = None
    overdue_days: int = 0  # working days past the deadline, begun days counted
    #: Office minutes past the deadline, and the unit's office day in minutes: a channel
    #: says "2 jam 15 menit" rather than "1 hari kerja" for a step late by less than a day.
    overdue_minutes: int = 0
    office_day_minutes: int = 0
    capaian: float | None = None  # mean capaian of the indicators reported so far
    reported: int = 0
    indicators: int = 0
    at_risk_indicators: int = 0  # reported indicators under the risk threshold
    signed: bool = False
    quarters: tuple[QuarterCell, ...] = ()
    #: Capaian per sasaran of the reported indicators (sasaran, mean capaian or None, reported,
    #: indicators), in the order the targets list them.
    sasaran: tuple[SasaranCell, ...] = ()
    #: SOP compliance over the year's quarters (``domain.office_time``): passes through a
    #: step finished within the standard time, finished or still open past it, still open
    #: (within or past it), as the SOP appendix counts them.
    on_time: int = 0
    over_time: int = 0
    open_passes: int = 0

    @property
    def needs_attention(self) -> bool:
        """Late or at risk: what the Monday digest lists."""
        return self.state in (OVERDUE, AT_RISK)


@dataclass(frozen=True)
class Overview:
    pemda: str
    government: Government
    year: int
    at: datetime
    rows: tuple[UnitRow, ...]

    @property
    def attention(self) -> tuple[UnitRow, ...]:
        return tuple(row for row in self.rows if row.needs_attention)

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def evaluator_of(services: RosterView, user_id: int) -> Evaluator:
    """The evaluator with this id, or the refusal the channel words."""
    evaluator = services.roster.evaluator(user_id)
    if evaluator is None:
        raise RoleError("Anda tidak terdaftar sebagai evaluator pemerintah daerah.")
    return evaluator


def overview(services: PemdaView, pemda: str, year: int | None = None) -> Overview:
    """Every unit of the pemda ``pemda``: its latest quarter of ``year`` (default: the
    clock's year), worst first (overdue by working days, then at risk, then by name)."""
    now = services.now()
    year = year or now.year
    roster = services.roster
    government = roster.pemdas().get(pemda)
    if government is None:
        raise KeyError(pemda)
    units = roster.units_of_pemda(pemda)
    by_unit: dict[str, list[CycleSummary]] = {}
    for summary in services.cycle_summaries([u.code for u in units], year):
        by_unit.setdefault(summary.unit, []).append(summary)
    rows = [_row(services, unit, by_unit.get(unit.code, []), now) for unit in units]
    rows.sort(key=lambda r: (STATES.index(r.state), -r.overdue_days, r.name))
    return Overview(pemda, government, year, now, tuple(rows))


def _mean(values: list[float]) -> float | None:
    """A mean as the reports print it (two decimals, half up): one rounding rule."""
    return round_half_up(sum(values) / len(values)) if values else None


def unit_row(
    services: PemdaView, unit: Unit, cycles: Sequence[CycleSummary], now: datetime
) -> UnitRow:
    """Where one unit stands, from the summary rows of the cycles given (its latest): the
    overview's row, or a period's alone (the pemda export)."""
    return _row(services, unit, cycles, now)


def _row(services: PemdaView, unit: Unit, cycles: Sequence[CycleSummary], now: datetime) -> UnitRow:
    if not cycles:
        return UnitRow(unit=unit.code, name=unit.name, state=NOT_STARTED)
    cycles = sorted(cycles, key=lambda c: c.triwulan)
    latest = cycles[-1]
    quarters = tuple(QuarterCell(c.triwulan, c.step, c.signed, c.status == FILED) for c in cycles)
    achieved = {
        i.code: achievement(i.code, latest.triwulan, i.direction, i.target, i.realisation)
        for i in latest.indicators
        if i.realisation is not None
    }
    achievements = list(achieved.values())
    by_sasaran: dict[str, list[Achievement | None]] = {}
    for value in latest.indicators:
        by_sasaran.setdefault(value.sasaran, []).append(achieved.get(value.code))
    sasaran = tuple(
        SasaranCell(
            name,
            _mean([a.percent for a in cells if a is not None and a.percent is not None]),
            sum(1 for a in cells if a is not None),
            len(cells),
        )
        for name, cells in by_sasaran.items()
        if name
    )
    calendar = services.calendar(unit)
    # SOP compliance needs no office minutes: whether each pass ran past its deadline.
    judged = [
        (
            p.finished_at is None,
            is_over_time(StepRecord(p.step, p.started_at, p.deadline, p.finished_at), now),
        )
        for c in cycles
        for p in c.passes
    ]
    base = UnitRow(
        unit=unit.code,
        name=unit.name,
        state=SIGNED,
        triwulan=latest.triwulan,
        step=latest.step,
        since=latest.since,
        capaian=_mean([a.percent for a in achievements if a.percent is not None]),
        reported=len(achievements),
        indicators=len(latest.indicators),
        at_risk_indicators=sum(1 for a in achievements if a.at_risk),
        signed=latest.signed,
        quarters=quarters,
        sasaran=sasaran,
        on_time=sum(1 for still_open, over in judged if not over and not still_open),
        over_time=sum(1 for _, over in judged if over),
        open_passes=sum(1 for still_open, _ in judged if still_open),
    )
    if latest.status == FILED:
        return base
    step = services.sop_for(unit).step(latest.step)
    timing = OpenStep()
    if latest.deadline is not None:
        timing = open_step(calendar, latest.since, latest.deadline, now)
    state = ON_TRACK
    if timing.overdue:
        state = OVERDUE
    elif timing.closing or base.at_risk_indicators:
        state = AT_RISK  # little time left, or reported figures under the risk threshold
    return replace(
        base,
        state=state,
        activity=step.activity,
        role=step.role,
        role_label=unit.role_label(step.role),
        holders=tuple(p.name for p in unit.acting(step.role)),
        deadline=latest.deadline,
        overdue_days=timing.overdue_days,
        overdue_minutes=timing.overdue_minutes,
        office_day_minutes=calendar.office_day_minutes,
    )
