"""Commands and plain messages: /start, /bantuan, /status, /batal, text and documents."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from domain.roster import Person
from handlers import menu, texts
from handlers.common import identify, send_text, svc, unit_of
from handlers.cycle import on_data_document
from handlers.forms import on_form_document, on_form_text
from handlers.outbox import REASONS, bot_link, waiting_for
from handlers.tasks import after_abandon, offer_tasks
from handlers.views import unit_status

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
    unit = unit_of(services, person)
    await send_text(context, person.user_id, texts.welcome(person, unit, services.sop_for(unit)))
    await _where_you_are(context, person)


async def _where_you_are(context, person: Person) -> None:
    """The open form, if any, then every open step the person holds with its buttons."""
    session = svc(context).sessions.get(person.user_id)
    if session is not None:
        await send_text(context, person.user_id, texts.form_open(session["title"]))
    await offer_tasks(context, person)


async def cmd_help(update: Update, context, person: Person) -> None:
    await menu.cmd_help(update, context, person)


async def cmd_cancel(update: Update, context, person: Person) -> None:
    services = svc(context)
    session = services.sessions.get(person.user_id)
    if session is None:
        await send_text(context, person.user_id, texts.NOTHING_TO_CANCEL)
        return
    services.callbacks.revoke_group(session["form_id"])
    services.sessions.clear(person.user_id)
    await after_abandon(context, person, session.get("cycle"), texts.CANCELLED)


async def cmd_status(update: Update, context, person: Person) -> None:
    services = svc(context)
    unit = unit_of(services, person)
    text = unit_status(services, unit, services.now()) or texts.NO_OPEN_CYCLE
    if unit.is_admin(person):  # every message still waiting, per person, with its reason
        waiting = waiting_for(services, unit)
        lines = [
            texts.waiting_line(p, REASONS[state], count)
            for p in unit.people
            if p.user_id in waiting
            for count, state in [waiting[p.user_id]]
        ]
        if lines:
            text += "\n\n" + texts.status_waiting(lines, bot_link(context))
    await send_text(context, person.user_id, text)
    await _where_you_are(context, person)


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
