"""One entry for every inline-button press: resolve the opaque token, check, dispatch.

callback_data is ``b:<token>``; the token's meaning (action, cycle, the one user allowed to
press it) lives in storage, so nothing in the button itself is trusted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from domain.errors import DomainError
from domain.roster import Person
from handlers import texts
from handlers.common import audit_refusal, svc

ButtonAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, Person, dict[str, Any]], Awaitable[str]]
BUTTON_ACTIONS: dict[str, ButtonAction] = {}

ALERT_LIMIT = 200


def button_action(name: str) -> Callable[[ButtonAction], ButtonAction]:
    def register(fn: ButtonAction) -> ButtonAction:
        BUTTON_ACTIONS[name] = fn
        return fn

    return register


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    services = svc(context)
    data = query.data or ""
    payload = services.buttons.get(data[2:]) if data.startswith("b:") else None
    person = services.roster.person(query.from_user.id)
    if person is None:
        audit_refusal(context, update, None, "tombol", "pengguna tidak terdaftar")
        await query.answer(texts.NOT_REGISTERED_SHORT, show_alert=True)
        return
    if payload is None:
        audit_refusal(context, update, person, "tombol", f"tombol tidak berlaku: {data[:64]}")
        await query.answer(texts.BUTTON_STALE if data.startswith("b:") else texts.BUTTON_UNKNOWN)
        return
    if payload.get("user") != person.user_id:
        audit_refusal(context, update, person, str(payload.get("action")), texts.BUTTON_FOREIGN)
        await query.answer(texts.BUTTON_FOREIGN, show_alert=True)
        return
    action = BUTTON_ACTIONS.get(payload.get("action", ""))
    if action is None:
        await query.answer(texts.BUTTON_UNKNOWN)
        return
    try:
        notice = await action(update, context, person, payload)
    except DomainError as exc:
        message = str(exc)
        audit_refusal(context, update, person, payload["action"], message, payload.get("cycle", ""))
        await query.answer(message[:ALERT_LIMIT], show_alert=True)
        if len(message) > ALERT_LIMIT:
            await context.bot.send_message(person.user_id, texts.esc(message))
        return
    await query.answer(notice or None)
