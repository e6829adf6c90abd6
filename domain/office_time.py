"""Office-time arithmetic and the SOP-compliance rule: the one implementation.

Every "how long did it take", "how much time is left", "how late is it" and "was the SOP
kept" in the bot is counted here, in office minutes of the unit's ``WorkCalendar``: the
report's SOP appendix (``documents.report_context``) and the Mini App's compliance view it
feeds, and /status (``handlers.views``) call these functions, and the reminders
(``domain.reminders``) convert a standard time with the same ``StandardTime.office_minutes``
as :func:`standard_minutes`, so they cannot disagree about a minute.

The results are plain values (minutes, flags, a status code); wording them (Indonesian
durations, "Tepat waktu") is the caller's job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.calendar import WorkCalendar
from domain.models import Cycle, StepRecord
from domain.sop import Sop, Step
from domain.standard_time import StandardTime

__all__ = [
    "LATE",
    "ON_TIME",
    "OVERDUE",
    "RUNNING",
    "ComplianceSummary",
    "PassTiming",
    "StepCompliance",
    "compliance_summary",
    "cycle_span_minutes",
    "minutes_left",
    "pass_timing",
    "sop_compliance",
    "standard_minutes",
]

#: A pass's status: finished within its deadline, finished after it, still open within it,
#: still open past it.
ON_TIME = "on_time"
LATE = "late"
RUNNING = "running"
OVERDUE = "overdue"


def standard_minutes(st: StandardTime, calendar: WorkCalendar) -> int:
    """A standard time as office minutes, a whole office day per working day."""
    return st.office_minutes(calendar.office_day_minutes)


def minutes_left(calendar: WorkCalendar, now: datetime, deadline: datetime) -> int:
    """Office minutes from ``now`` to ``deadline``: negative once the deadline has passed."""
    return calendar.office_minutes_between(now, deadline)


@dataclass(frozen=True)
class PassTiming:
    """One pass through an SOP step, timed in office minutes."""

    record: StepRecord
    #: Office minutes from its start to its finish (to ``now`` while it is open).
    duration_minutes: int
    #: Finished (or, while open, ``now`` is) after its deadline.
    over_time: bool
    #: Office minutes past the deadline (0 when not over time).
    overdue_minutes: int

    @property
    def open(self) -> bool:
        return self.record.finished_at is None

    @property
    def status(self) -> str:
        """ON_TIME, LATE, RUNNING or OVERDUE."""
        if self.open:
            return OVERDUE if self.over_time else RUNNING
        return LATE if self.over_time else ON_TIME


@dataclass(frozen=True)
class OpenStep:
    """Where an open step stands against its deadline, for a view across units."""

    #: Past its deadline: office minutes over, and begun working days (at least one).
    overdue_minutes: int = 0
    overdue_days: int = 0
    #: Not yet over, but less than a quarter of its office time left.
    closing: bool = False

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def open_step(
    calendar: WorkCalendar, since: datetime | None, deadline: datetime, now: datetime
) -> OpenStep:
    """How an open step that began at ``since`` stands at ``now`` against ``deadline``."""
    left = minutes_left(calendar, now, deadline)
    if left < 0 or now > deadline:
        days = max(1, math.ceil(-left / calendar.office_day_minutes))
        return OpenStep(overdue_minutes=max(0, -left), overdue_days=days)
    if since is not None and left * 4 < calendar.office_minutes_between(since, deadline):
        return OpenStep(closing=True)
    return OpenStep()


def is_over_time(record: StepRecord, now: datetime) -> bool:
    """A pass finished after its deadline, or still open past it at ``now``: the one rule of
    SOP compliance (the appendix's timing and the pemda's view count by it)."""
    return (record.finished_at or now) > record.deadline


def pass_timing(record: StepRecord, calendar: WorkCalendar, now: datetime) -> PassTiming:
    """Time one pass; ``now`` judges a pass still open."""
    end = record.finished_at or now
    over = is_over_time(record, now)
    return PassTiming(
        record=record,
        duration_minutes=max(0, calendar.office_minutes_between(record.started_at, end)),
        over_time=over,
        overdue_minutes=(
            max(0, calendar.office_minutes_between(record.deadline, end)) if over else 0
        ),
    )


@dataclass(frozen=True)
class StepCompliance:
    """One SOP step of a cycle: each pass through it (more than one after a return)."""

    step: Step
    passes: tuple[PassTiming, ...]

    @property
    def reached(self) -> bool:
        return bool(self.passes)

    @property
    def done(self) -> bool:
        return bool(self.passes) and not self.passes[-1].open

    @property
    def duration_minutes(self) -> int:
        return sum(p.duration_minutes for p in self.passes)

    @property
    def over_time(self) -> bool:
        return any(p.over_time for p in self.passes)


def sop_compliance(
    cycle: Cycle, sop: Sop, calendar: WorkCalendar, now: datetime
) -> list[StepCompliance]:
    """Every step of the SOP table with the cycle's passes through it, in table order."""
    return [
        StepCompliance(
            step=step,
            passes=tuple(
                pass_timing(r, calendar, now) for r in cycle.steps if r.step == step.number
            ),
        )
        for step in sop.steps
    ]


def cycle_span_minutes(cycle: Cycle, calendar: WorkCalendar, now: datetime) -> int:
    """Office minutes from the cycle's first step to its last finish (to ``now`` while a
    step is still open)."""
    if not cycle.steps:
        return 0
    finished = [r.finished_at for r in cycle.steps if r.finished_at is not None]
    running = any(r.finished_at is None for r in cycle.steps)
    span_end = now if running else max(finished, default=now)
    return max(0, calendar.office_minutes_between(cycle.steps[0].started_at, span_end))


@dataclass(frozen=True)
class ComplianceSummary:
    """The counts under the SOP appendix's table."""

    steps: int
    passes: int
    on_time: int
    over_time: int
    open: int
    not_reached: int
    over_time_steps: tuple[int, ...]
    total_minutes: int


def compliance_summary(
    steps: Sequence[StepCompliance], cycle: Cycle, calendar: WorkCalendar, now: datetime
) -> ComplianceSummary:
    passes = [p for s in steps for p in s.passes]
    return ComplianceSummary(
        steps=len(steps),
        passes=len(passes),
        on_time=sum(1 for p in passes if not p.over_time and not p.open),
        over_time=sum(1 for p in passes if p.over_time),
        open=sum(1 for p in passes if p.open),
        not_reached=sum(1 for s in steps if not s.reached),
        over_time_steps=tuple(s.step.number for s in steps if s.over_time),
        total_minutes=cycle_span_minutes(cycle, calendar, now),
    )
