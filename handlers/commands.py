"""Commands and plain messages: /start, /bantuan, /status, /batal, text and documents."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from domain.dates_id import format_datetime_id
from domain.roles import Role
from domain.roster import Person
from handlers import texts
from handlers.common import identify, send_text, svc, unit_of
from handlers.cycle import on_data_document
from handlers.forms import on_form_document, on_form_text
from handlers.notify import missing_text
from handlers.texts import esc, tw

PersonHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Person], Awaitable[None]]


def registered(fn: PersonHandler):
    """Run ``fn`` only for people in the roster; strangers are told whom to ask."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is None or update.effective_chat.type != "private":
            return
        person = await identify(update, context)
        if person is not None:
            await fn(update, context, person)

    return wrapper


async def cmd_start(update: Update, context, person: Person) -> None:
    services = svc(context)
    await send_text(
        context, person.user_id, texts.welcome(person, unit_of(services, person), services.sop)
    )


async def cmd_help(update: Update, context, person: Person) -> None:
    await send_text(context, person.user_id, texts.help_text(person))


async def cmd_cancel(update: Update, context, person: Person) -> None:
    services = svc(context)
    if services.sessions.get(person.user_id) is None:
        await send_text(context, person.user_id, texts.NOTHING_TO_CANCEL)
        return
    services.sessions.clear(person.user_id)
    await send_text(context, person.user_id, texts.CANCELLED)


async def cmd_status(update: Update, context, person: Person) -> None:
    services = svc(context)
    unit = unit_of(services, person)
    calendar = services.calendar(unit)
    now = services.now()
    cycles = [c for c in services.cycles.list_unit(unit.code) if not c.filed]
    if not cycles:
        await send_text(
            context,
            person.user_id,
            "Tidak ada siklus laporan yang sedang berjalan pada satuan Anda.",
        )
        return
    blocks = []
    for cycle in cycles:
        step = services.sop.step(cycle.step)
        record = cycle.current_step_record
        holders = (
            [unit.person(a.member_id) for a in cycle.assignments if a.missing]
            if step.role is Role.TIM_KERJA
            else unit.with_role(step.role)
        )
        names = ", ".join(p.name for p in holders if p)
        lines = [
            f"<b>{tw(cycle.triwulan, cycle.year)}</b>",
            f"Tahap {step.number}: {esc(step.activity)}",
            f"Pemegang: {esc(names)} ({step.role.label})",
        ]
        if record:
            left = calendar.office_minutes_between(now, record.deadline)
            state = "sisa waktu kerja" if left >= 0 else "TERLAMBAT"
            lines.append(
                f"Batas waktu: {format_datetime_id(record.deadline, calendar.tz)} "
                f"({state} {abs(left) // 60} jam {abs(left) % 60} menit)"
            )
        if cycle.assignments and step.role is Role.TIM_KERJA:
            lines.append("Pengumpulan data:\n" + missing_text(cycle, unit))
        blocks.append("\n".join(lines))
    await send_text(context, person.user_id, "\n\n".join(blocks))


async def on_text(update: Update, context, person: Person) -> None:
    session = svc(context).sessions.get(person.user_id)
    if session is None:
        await send_text(context, person.user_id, texts.NOTHING_EXPECTED)
        return
    await on_form_text(update, context, person, session)


async def on_document(update: Update, context, person: Person) -> None:
    session = svc(context).sessions.get(person.user_id)
    if session is not None:
        await on_form_document(update, context, person, session)
        return
    await on_data_document(update, context, person)


async def on_unknown_command(update: Update, context, person: Person) -> None:
    await send_text(context, person.user_id, texts.UNKNOWN_COMMAND)


async def on_other(update: Update, context, person: Person) -> None:
    await send_text(context, person.user_id, texts.UNSUPPORTED_MESSAGE)
