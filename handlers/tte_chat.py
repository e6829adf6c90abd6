"""The passphrase (or TOTP) of a certified electronic signature, typed in chat.

When the configured signer needs one (BSrE always; the local signer when no passphrase is
configured), "Ya, tandatangani" does not sign yet: the bot asks for the passphrase and keeps
which report the signer is about to sign in the signer's session (the shared sessions store,
so with several workers the one that gets the next message knows). The next text message of
that signer is the passphrase: it is deleted from the chat at once
(deleteMessage), with a warning, handed to the signer for this one signature through a
context variable (``handlers.tte.PASSPHRASE``), and never stored or logged: the durable
update inbox keeps that message with its text blanked (``redact``), no session, audit line or
log line holds it. A wrong passphrase leaves the step open; the signer is told why and may
press "Ya, tandatangani" again; /batal ends the request, and it lapses after 5 minutes.

This is the chat's way only where the Mini App is off: with LKJ_WEBAPP_URL set, the
confirming button opens the signing page instead (handlers/tte_page.py), so the passphrase
never enters the chat history at all.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from app import approval as use
from app.services import Services
from domain.errors import DomainError
from domain.roster import Person
from domain.sop import PARAF, SIGN
from handlers import texts, tte
from handlers.common import (
    WEB_APP,
    audit_refusal,
    drop_buttons_of,
    keyboard,
    send_text,
    svc,
    unit_of,
)
from handlers.forms import text_field
from handlers.notices import notices
from handlers.routing import routes_of

log = logging.getLogger(__name__)

#: The session's form name while a passphrase is awaited.
FORM = "tte_passphrase"
#: How long a request for the passphrase stays open.
PENDING_S = 300


def waiting(services: Services, user_id: int) -> dict[str, Any] | None:
    """The open request for ``user_id``'s passphrase (in the shared sessions store, so any
    worker that gets the next message sees it), or None."""
    session = services.sessions.get(user_id)
    if session is None or session.get("form") != FORM:
        return None
    if time.time() - float(session["meta"].get("asked_at", 0)) > PENDING_S:
        services.sessions.end(user_id, session["form_id"])
        return None
    return session


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


async def ask_passphrase(
    flow, update: Update, context, person: Person, payload: dict, key: str = SIGN
) -> str:
    """Instead of signing (``key`` SIGN) or initialling with a signature (PARAF, with
    LKJ_TTE_PARAF) at once: ask for the passphrase (after checking the person may).
    The request is a session shaped like a one-field form (so /batal ends it and /start
    names it), whose value the forms never see: ``on_text`` takes the message first.
    With the Mini App on, a paraf's passphrase is typed in the signing page instead: the
    message's Paraf button becomes the page's (the signature's confirming button already is)."""
    services = svc(context)
    unit = unit_of(services, person)
    report = flow.load(services, unit, payload)
    flow.authorize(services, unit, report, key, person)
    args = {k: v for k, v in payload.items() if k not in ("action", "user")}
    page = tte.sign_page(services, args) if key == PARAF else None
    if page is not None and update.callback_query is not None:
        back = {"action": flow.actions.return_begin, **args}
        back["step"] = services.sop_for(unit).by_key(PARAF).number
        rows = [[(texts.BTN_PARAF_ON_PAGE, {WEB_APP: page}), (texts.BTN_RETURN, back)]]
        await update.callback_query.edit_message_reply_markup(
            keyboard(services, person.user_id, rows)
        )
        return texts.TTE_PARAF_ON_PAGE_HINT
    query = update.callback_query
    message_id = query.message.message_id if query and query.message else None
    previous = services.sessions.get(person.user_id)
    if previous is not None:  # as a new form replaces a half-filled one
        services.callbacks.revoke_group(previous["form_id"])
    field = text_field("passphrase", texts.TTE_PASSPHRASE_FIELD, texts.TTE_PASSPHRASE_NOTICE)
    meta = {
        "flow": flow.actions.sign_confirm,  # names the kind of report (routes.SIGNING_FLOWS)
        "verb": key,
        "payload": dict(payload),
        "message_id": message_id,
        "asked_at": time.time(),
    }
    session = {
        "form": FORM,
        "form_id": secrets.token_hex(4),
        "title": texts.TTE_PASSPHRASE_TITLE,
        "cycle": payload.get("cycle"),
        "fields": [field],
        "index": 0,
        "values": {},
        "display": {},
        "meta": meta,
        "toggles": [],
    }
    services.sessions.put(person.user_id, session)
    asked = texts.tte_ask_passphrase(flow.name(report), paraf=key == PARAF)
    await send_text(context, person.user_id, asked)
    return texts.TTE_PASSPHRASE_NOTICE


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before every other handler: a signer's passphrase, if one is awaited from them."""
    services = svc(context)
    user = update.effective_user
    message = update.message
    if user is None or message is None or not message.text:
        return
    session = waiting(services, user.id)
    if session is None:
        return
    services.sessions.end(user.id, session["form_id"])
    try:
        await _sign_with(update, context, session["meta"], message.text.strip())
    finally:
        services.inbox.finish(update.update_id)  # the last group will not run
    raise ApplicationHandlerStop


async def _sign_with(update: Update, context, meta: dict[str, Any], secret: str) -> None:
    services = svc(context)
    message, user = update.message, update.effective_user
    try:
        await context.bot.delete_message(message.chat_id, message.message_id)
        deleted = True
    except TelegramError:
        deleted = False
    person = services.roster.person(user.id)
    flow = routes_of(context).signing_flows.get(meta["flow"])
    if person is None or flow is None:
        return
    notice = texts.TTE_PASSPHRASE_DELETED if deleted else texts.TTE_PASSPHRASE_NOT_DELETED
    await send_text(context, user.id, notice)
    act = use.paraf if meta.get("verb") == PARAF else use.sign
    token = tte.PASSPHRASE.set(secret)
    try:
        async with services.unit_lock(person.unit):
            decision = await act(services, notices, flow, person, meta["payload"], update.update_id)
            await flow.deliver(context, decision.after)
    except DomainError as exc:
        audit_refusal(context, update, person, "tandatangan_tte", str(exc))
        await send_text(context, user.id, texts.esc(exc))
    else:
        done = texts.PARAF_NOTICE if meta.get("verb") == PARAF else texts.SIGNED_NOTICE
        await send_text(context, user.id, done)
        if meta.get("message_id") is not None:
            await drop_buttons_of(context, user.id, meta["message_id"])
    finally:
        tte.PASSPHRASE.reset(token)
