"""Where a person stands and the way on: every open step they hold, with its buttons.

/start, /status and every abandoned form (/batal, Batal, a refused Kirim) end here, so a
holder whose button was edited away, deleted or lost to a restart can always act again.
"""

from __future__ import annotations

from telegram.ext import ContextTypes

from domain.dates_id import format_datetime_id
from domain.models import Cycle
from domain.roster import Person
from handlers import annual_questions, texts
from handlers.common import send_file, send_text, svc, unit_of
from handlers.offers import ANNUAL_OFFERS, report_filename
from handlers.steps import ON_DOCUMENT, holds, offer
from handlers.texts import tw
from handlers.views import open_cycles


def _task_text(context: ContextTypes.DEFAULT_TYPE, cycle: Cycle, person: Person) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    step = services.sop_for(unit).step(cycle.step)
    if holds(services, cycle, unit, person):
        head = texts.task_mine(step.number, step.activity)
    else:
        head = texts.task_theirs(step.number, step.activity, unit.role_label(step.role))
    lines = [f"<b>{tw(cycle.triwulan, cycle.year)}</b> — {head}"]
    record = cycle.current_step_record
    if record is not None:
        when = format_datetime_id(record.deadline, services.calendar(unit).tz)
        lines.append(texts.deadline_line(when))
    return "\n".join(lines)


async def offer_tasks(
    context: ContextTypes.DEFAULT_TYPE, person: Person, only_cycle: str | None = None
) -> int:
    """Send each open step ``person`` holds (or only that of ``only_cycle``) with its buttons;
    a step acted on a report comes with the report's PDF. Returns how many were sent."""
    services = svc(context)
    unit = unit_of(services, person)
    sop = services.sop_for(unit)
    sent = 0
    for cycle in open_cycles(services, unit):
        if only_cycle is not None and cycle.id != only_cycle:
            continue
        rows = offer(services, cycle, unit, person)
        if not rows:
            continue
        text = _task_text(context, cycle, person)
        report = cycle.latest_report
        if sop.step(cycle.step).key in ON_DOCUMENT and report is not None:
            data = services.db.blobs.get(report.sha256)
            await send_file(
                context, person.user_id, data, report_filename(cycle, report.status), text, rows
            )
        else:
            await send_text(context, person.user_id, text, rows)
        sent += 1
    if only_cycle is None:
        sent += await _annual_tasks(context, person)
    return sent


async def _annual_tasks(context: ContextTypes.DEFAULT_TYPE, person: Person) -> int:
    """The annual LKj waiting for this person (to submit, initial, sign or compile again),
    then the year-close questions they still owe (``handlers.annual_questions``)."""
    services = svc(context)
    unit = unit_of(services, person)
    sent = 0
    for report in services.annual.list_unit(unit.code):
        latest = report.latest_report
        rows = ANNUAL_OFFERS.offer(services, unit, report, person)
        if not rows or latest is None:
            continue
        await send_file(
            context,
            person.user_id,
            services.db.blobs.get(latest.sha256),
            ANNUAL_OFFERS.filename(report, latest.status),
            texts.annual_task(ANNUAL_OFFERS.title(report)),
            rows,
        )
        sent += 1
    return sent + await annual_questions.offer_owed(context, person)


async def after_abandon(
    context: ContextTypes.DEFAULT_TYPE, person: Person, cycle_id: str | None, message: str
) -> None:
    """A form was left (cancelled or refused): say so, then offer its step again."""
    await send_text(context, person.user_id, message)
    if not (cycle_id and await offer_tasks(context, person, cycle_id)):
        await send_text(context, person.user_id, texts.HOW_TO_GO_ON)
