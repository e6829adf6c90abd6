"""The periodic tick: send every reminder, escalation and digest that is due and unsent.

Notices are derived from the stored cycles each time (see domain/reminders.py) and recorded
by key once sent, so the schedule survives restarts without being kept anywhere else.
"""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from domain.dates_id import format_datetime_id
from domain.models import Cycle
from domain.reminders import AT_DEADLINE, REMINDER, Notice, digest_due, due_notices
from domain.roster import Unit
from domain.sop import COLLECT
from handlers import standins, texts
from handlers.common import send_text, svc
from handlers.texts import tw
from handlers.views import missing_text, open_cycles, time_left, unit_status

log = logging.getLogger(__name__)


def notice_text(context, notice: Notice, cycle: Cycle, unit: Unit) -> str:
    services = svc(context)
    step = services.sop_for(unit).step(notice.step)
    now = services.now()
    assert notice.deadline is not None
    deadline = format_datetime_id(notice.deadline, services.calendar(unit).tz)
    period = tw(cycle.triwulan, cycle.year)
    names = ", ".join(p.name for p in (unit.person(u) for u in notice.holders) if p)
    detail = (
        texts.collection_detail(missing_text(cycle, unit))
        if cycle.assignments and step.key == COLLECT
        else ""
    )
    if notice.kind == REMINDER:
        left = time_left(services, unit, now, notice.deadline)
        return texts.reminder(period, step.number, step.activity, deadline, left, detail)
    if notice.kind == AT_DEADLINE:
        return texts.at_deadline(period, step.number, step.activity, deadline, detail)
    return texts.escalation(
        period,
        step.number,
        step.activity,
        names,
        unit.role_label(step.role),
        deadline,
        time_left(services, unit, now, notice.deadline),
        detail,
    )


async def send_copies(context, unit: Unit, holders: tuple[int, ...], text: str) -> None:
    """A notice sent to a stand-in, copied to the holder they represent (for information)."""
    for user_id in holders:
        holder = unit.member(user_id)
        if holder is not None:
            note = texts.standin_copy(holder.label, holder.stood_in_by)
            await send_text(context, user_id, f"{note}\n\n{text}")


async def reminder_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reminders, escalations and digests (after ``bot.app.tick`` delivered what is owed
    and replayed a dead worker's updates)."""
    services = svc(context)
    if not services.leads():
        return  # another worker sends the notices (one per deployment)
    await standins.refresh_menus(context)  # a stand-in range that began or ended
    now = services.now()
    for unit in services.roster.units:
        calendar = services.calendar(unit)
        cycles = open_cycles(services, unit)
        for cycle in cycles:
            for notice in due_notices(cycle, unit, services.sop_for(unit), calendar, now):
                if services.notices.was_sent(unit.code, cycle.year, notice.key):
                    continue
                text = notice_text(context, notice, cycle, unit)
                for user_id in notice.recipients:
                    await send_text(context, user_id, text)
                await send_copies(context, unit, notice.copies, text)
                services.notices.mark_sent(unit.code, cycle.year, notice.key, now.isoformat())
                services.metrics.notices.labels(notice.kind).inc()
                log.info("sent %s %s", notice.kind, notice.key)
        digest = digest_due(unit, services.sop_for(unit), calendar, now) if cycles else None
        year = calendar.to_local(now).year
        if digest and not services.notices.was_sent(unit.code, year, digest.key):
            body = unit_status(services, unit, now)
            header = texts.morning_digest_head(format_datetime_id(now, calendar.tz))
            for user_id in digest.recipients:
                await send_text(context, user_id, header + (body or "-"))
            await send_copies(context, unit, digest.copies, header + (body or "-"))
            services.notices.mark_sent(unit.code, year, digest.key, now.isoformat())
            services.metrics.notices.labels("digest").inc()
