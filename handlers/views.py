"""Read-only views rendered as chat text: where each open cycle stands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.services import Services
from domain.dates_id import format_datetime_id, format_office_duration
from domain.models import BELUM_ADA, Assignment, Cycle, Item
from domain.office_time import minutes_left
from domain.reminders import holders_of
from domain.roster import Person, Unit
from domain.sop import COLLECT
from domain.standins import in_force
from handlers import texts
from handlers.texts import esc, tw


def time_left(services: Services, unit: Unit, now: datetime, deadline: datetime) -> str:
    calendar = services.calendar(unit)
    left = minutes_left(calendar, now, deadline)
    amount = format_office_duration(abs(left), calendar.office_day_minutes)
    return texts.time_left(amount, late=left < 0)


def item_line(item: Item) -> str:
    """One checklist line: the item, its state and what it still lacks."""
    line = f"{esc(item.title)} — <b>{item.state}</b>"
    if item.fix:
        line += f": {esc(item.fix)}"
    elif item.missing and item.state != BELUM_ADA:
        line += texts.item_lacks(", ".join(item.missing))
    return line


def member_checklist(assignment: Assignment) -> str:
    return "\n".join(f"• {item_line(item)}" for item in assignment.items)


def missing_text(cycle: Cycle, unit: Unit) -> str:
    """Per member: what is done and what is missing (per indicator when the cycle has them)."""
    lines = []
    for a in cycle.assignments:
        member = unit.person(a.member_id)
        name = esc(member.name if member else str(a.member_id))
        if cycle.indicators:
            lines.append(f"<b>{name}</b>\n{member_checklist(a)}")
        elif a.missing:
            lines.append(texts.member_lacks(name, "; ".join(a.missing)))
        else:
            lines.append(texts.member_done(name))
    return "\n".join(lines)


def cycle_status(services: Services, cycle: Cycle, unit: Unit, now: datetime) -> str:
    step = services.sop_for(unit).step(cycle.step)
    record = cycle.current_step_record
    holders = [unit.person(uid) for uid in holders_of(cycle, step, unit)]
    names = ", ".join(p.name for p in holders if p) or "-"
    period = in_force(unit, step.role, now) if step.key != COLLECT else None
    label = unit.role_label(step.role)
    role = f"{period.kind} {label}" if period else label
    lines = texts.cycle_status_lines(
        tw(cycle.triwulan, cycle.year), step.number, step.activity, names, role
    )
    if record:
        when = format_datetime_id(record.deadline, services.calendar(unit).tz)
        lines.append(texts.status_deadline(when, time_left(services, unit, now, record.deadline)))
    if cycle.assignments and step.key == COLLECT:
        lines.append(texts.status_collection(missing_text(cycle, unit)))
    return "\n".join(lines)


def open_cycles(services: Services, unit: Unit) -> list[Cycle]:
    return [c for c in services.cycles.list_unit(unit.code) if not c.filed]


def unit_status(services: Services, unit: Unit, now: datetime) -> str | None:
    cycles = open_cycles(services, unit)
    if not cycles:
        return None
    return "\n\n".join(cycle_status(services, c, unit, now) for c in cycles)


def fill_buttons(cycle: Cycle, person: Person) -> list[list[tuple[str, dict[str, Any]]]]:
    """One "Isi <code>" button per indicator of the member that is not complete."""
    assignment = cycle.assignment_of(person.user_id)
    if assignment is None:
        return []
    return [
        [
            (
                texts.btn_fill(item.code),
                {"action": "realisation_begin", "cycle": cycle.id, "code": item.code},
            )
        ]
        for item in assignment.items
        if item.code and not item.complete
    ]


def review_button(cycle: Cycle) -> tuple[str, dict[str, Any]]:
    return (texts.BTN_NEEDS_FIX, {"action": "fix_begin", "cycle": cycle.id})
