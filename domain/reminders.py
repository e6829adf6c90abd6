"""Reminders, deadline notices, escalations and the Kasat's morning digest, as pure rules.

Nothing here is scheduled: every notice owed is *derived* from the stored cycle and the time
now, and has a stable key. The bot's periodic tick sends the notices whose key it has not
recorded yet, so a restart neither loses nor repeats one (the JobQueue keeps nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.calendar import WorkCalendar
from domain.models import Cycle
from domain.roles import SUPERIOR
from domain.roster import Unit
from domain.sop import COLLECT, DISPOSE, Sop, Step, read_reminder
from domain.standard_time import StandardTime
from domain.standins import resolve

REMINDER = "pengingat"
AT_DEADLINE = "batas_waktu"
ESCALATION = "eskalasi"
DIGEST = "ringkasan"


@dataclass(frozen=True)
class ReminderPoint:
    """A moment before a deadline: a fraction of the window elapsed, or office time before."""

    fraction: float | None = None
    before: StandardTime | None = None

    @classmethod
    def parse(cls, label: str) -> ReminderPoint:
        fraction, before = read_reminder(label)
        return cls(fraction=fraction, before=before)

    def at(self, start: datetime, deadline: datetime, calendar: WorkCalendar) -> datetime | None:
        """When this reminder is due for a window, or None if it falls outside the window."""
        window = calendar.office_minutes_between(start, deadline)
        if self.fraction is not None:
            offset = int(window * self.fraction)
        else:
            assert self.before is not None
            offset = window - self.before.office_minutes(calendar.office_day_minutes)
        if offset <= 0 or offset >= window:
            return None
        return calendar.deadline(start, StandardTime(minutes=offset))


@dataclass(frozen=True)
class Notice:
    """A message owed to someone about a cycle's open step (or a unit's digest)."""

    key: str
    kind: str
    unit: str
    recipients: tuple[int, ...]
    due_at: datetime
    cycle_id: str = ""
    step: int = 0
    deadline: datetime | None = None
    holders: tuple[int, ...] = ()
    #: Holders represented by a stand-in who receives this notice: a copy for information.
    copies: tuple[int, ...] = ()


def holders_of(cycle: Cycle, step: Step, unit: Unit) -> tuple[int, ...]:
    """Who holds the open step: whoever acts for the role (its holder, or their Plh/Plt in
    a unit resolved at a moment), or the members still missing data."""
    if step.key == COLLECT:
        return tuple(a.member_id for a in cycle.assignments if a.missing)
    return tuple(p.user_id for p in unit.acting(step.role))


def copies_of(step: Step, unit: Unit) -> tuple[int, ...]:
    """The holders of the step's role represented by a stand-in: told for information."""
    if step.key == COLLECT:
        return ()
    return tuple(p.user_id for p in unit.represented(step.role))


def due_notices(
    cycle: Cycle, unit: Unit, sop: Sop, calendar: WorkCalendar, now: datetime
) -> list[Notice]:
    """Every reminder, deadline notice and escalation due by ``now`` for the open step."""
    record = cycle.current_step_record
    if cycle.filed or record is None:
        return []
    unit = resolve(unit, now)
    step = sop.step(record.step)
    holders = holders_of(cycle, step, unit)
    if not holders:
        return []
    copies = copies_of(step, unit)
    base = f"{cycle.id}|{record.step}|{record.started_at.isoformat()}"

    def notice(
        kind: str,
        key: str,
        recipients: tuple[int, ...],
        due_at: datetime,
        copies: tuple[int, ...] = (),
    ) -> Notice:
        return Notice(
            key=f"{base}|{key}",
            kind=kind,
            unit=unit.code,
            recipients=recipients,
            due_at=due_at,
            cycle_id=cycle.id,
            step=step.number,
            deadline=record.deadline,
            holders=holders,
            copies=copies,
        )

    notices: list[Notice] = []
    for index, label in enumerate(step.reminders):
        due = ReminderPoint.parse(label).at(record.started_at, record.deadline, calendar)
        if due is not None and due <= now < record.deadline:
            notices.append(notice(REMINDER, f"{REMINDER}{index}", holders, due, copies))
    if now >= record.deadline:
        notices.append(notice(AT_DEADLINE, AT_DEADLINE, holders, record.deadline, copies))
        superior = SUPERIOR.get(step.role)
        if superior is not None and calendar.is_office_time(now):
            bosses = tuple(p.user_id for p in unit.acting(superior))
            away = tuple(p.user_id for p in unit.represented(superior))
            day = calendar.to_local(now).date().isoformat()
            notices.append(notice(ESCALATION, f"{ESCALATION}|{day}", bosses, now, away))
    # Only the latest reminder is sent: one missed while the bot was down is folded into it.
    reminders = [n for n in notices if n.kind == REMINDER]
    others = [n for n in notices if n.kind != REMINDER]
    return reminders[-1:] + others


def digest_due(unit: Unit, sop: Sop, calendar: WorkCalendar, now: datetime) -> Notice | None:
    """The head's morning digest (whoever starts the quarter in the SOP table): once per
    working day, from the office's opening."""
    if not calendar.is_office_time(now):
        return None
    unit = resolve(unit, now)
    local = calendar.to_local(now)
    return Notice(
        key=f"{unit.code}|{DIGEST}|{local.date().isoformat()}",
        kind=DIGEST,
        unit=unit.code,
        recipients=tuple(p.user_id for p in unit.acting(sop.role_of(DISPOSE))),
        due_at=now,
        copies=tuple(p.user_id for p in unit.represented(sop.role_of(DISPOSE))),
    )
