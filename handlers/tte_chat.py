"""The passphrase (or TOTP) of a certified electronic signature, typed in chat.

When the configured signer needs one (BSrE always; the local signer when no passphrase is
configured), "Ya, tandatangani" does not sign yet: the bot asks for the passphrase and keeps,
in this process's memory only, which report the signer is about to sign (``Pending``). The
next text message of that signer is the passphrase: it is deleted from the chat at once
(deleteMessage), with a warning, handed to the signer for this one signature through a
context variable (``handlers.tte.PASSPHRASE``), and never stored or logged: the durable
update inbox keeps that message with its text blanked (``redact``), no session, audit line or
log line holds it. A wrong passphrase leaves the step open; the signer is told why and may
press "Ya, tandatangani" again. A restart forgets a pending request (the signer presses again).

The Mini App page for the passphrase (so it never enters the chat history at all) is a later
step; meanwhile the Mini App's "Tandatangani" refuses with the passphrase message when one is
needed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.services import Services
from domain.errors import DomainError
from domain.roster import Person
from domain.sop import SIGN
from handlers import texts, tte
from handlers.common import audit_refusal, drop_buttons_of, send_text, svc, unit_of

log = logging.getLogger(__name__)

#: How long a request for the passphrase stays open.
PENDING_S = 300


@dataclass
class Pending:
    flow: Any  # handlers.approval.ReportFlow (not imported: approval imports this module)
    payload: dict[str, Any]
    chat_id: int
    message_id: int | None  # the message whose sign buttons were pressed
    asked_at: float


def _pending(services: Services) -> dict[int, Pending]:
    """The open requests of this process (on the Services object: one per application)."""
    table = getattr(services, "_tte_pending", None)
    if table is None:
        table = {}
        services._tte_pending = table  # type: ignore[attr-defined]
    return table


def waiting(services: Services, user_id: int) -> Pending | None:
    pending = _pending(services).get(user_id)
    if pending is not None and time.monotonic() - pending.asked_at > PENDING_S:
        _pending(services).pop(user_id, None)
        return None
    return pending


def redact(services: Services, update: Update, data: dict[str, Any]) -> dict[str, Any]:
    """What the durable inbox keeps of ``update``: a passphrase message without its text."""
    message = update.message
    user = update.effective_user
    if message is None or user is None or not message.text or not waiting(services, user.id):
        return data
    kept = dict(data)
    kept["message"] = {**data.get("message", {}), "text": ""}
    kept["message"].pop("entities", None)
    return kept


async def ask_passphrase(flow, update: Update, context, person: Person, payload: dict) -> str:
    """Instead of signing at once: ask for the passphrase (after checking the signer may)."""
    services = svc(context)
    unit = unit_of(services, person)
    report = flow.load(context, unit, payload)
    flow.authorize(services, unit, report, SIGN, person)
    query = update.callback_query
    message_id = query.message.message_id if query and query.message else None
    _pending(services)[person.user_id] = Pending(
        flow, dict(payload), person.user_id, message_id, time.monotonic()
    )
    await send_text(context, person.user_id, texts.tte_ask_passphrase(flow.name(report)))
    return texts.TTE_PASSPHRASE_NOTICE


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before every other handler: a signer's passphrase, if one is awaited from them."""
    services = svc(context)
    user = update.effective_user
    message = update.message
    if user is None or message is None or not message.text:
        return
    pending = waiting(services, user.id)
    if pending is None:
        return
    _pending(services).pop(user.id, None)
    try:
        await _sign_with(update, context, pending, message.text.strip())
    finally:
        services.inbox.finish(update.update_id)  # the last group will not run
    raise ApplicationHandlerStop


async def _sign_with(update: Update, context, pending: Pending, secret: str) -> None:
    services = svc(context)
    message, user = update.message, update.effective_user
    try:
        await context.bot.delete_message(message.chat_id, message.message_id)
        deleted = True
    except TelegramError:
        deleted = False
    person = services.roster.person(user.id)
    if person is None:
        return
    notice = texts.TTE_PASSPHRASE_DELETED if deleted else texts.TTE_PASSPHRASE_NOT_DELETED
    await send_text(context, user.id, notice)
    from handlers.approval import record_sign  # approval imports this module

    token = tte.PASSPHRASE.set(secret)
    try:
        async with services.unit_lock(person.unit):
            await record_sign(pending.flow, context, person, pending.payload, update.update_id)
    except DomainError as exc:
        audit_refusal(context, update, person, "tandatangan_tte", str(exc))
        await send_text(context, user.id, texts.esc(exc))
    else:
        await send_text(context, user.id, texts.SIGNED_NOTICE)
        if pending.message_id is not None:
            await drop_buttons_of(context, pending.chat_id, pending.message_id)
    finally:
        tte.PASSPHRASE.reset(token)
