"""One entry for every inline-button press: resolve the opaque token, check, dispatch.

callback_data is signed by the server (action, cycle, the one user allowed to press it) or an
opaque ``b:<token>`` whose meaning is stored (app/callback_data.py): nothing in a button is
trusted unless the server made it.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.ext import ContextTypes

from app.store import storage_full
from domain.errors import DomainError
from handlers import progress, texts
from handlers.common import audit_refusal, svc
from handlers.outbox import took_effect
from handlers.progress import ALERT_LIMIT, Press
from handlers.routing import routes_of

# The actions themselves are named in handlers/routes.py.
# Presses that change only the presser's own half-filled form (kept in order by the chat's
# lock), so they need not wait for the unit's other officials.
OWN_FORM_ONLY = frozenset({"form_choice", "form_toggle", "form_cancel"})


def store_failed(exc: BaseException) -> bool:
    """The store could not be read or written: the database gone or restarting (psycopg's
    errors, not imported here), a disk full or failing (OSError)."""
    return isinstance(exc, OSError) or type(exc).__module__.split(".")[0] == "psycopg"


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None  # registered for callback queries only
    services = svc(context)
    press = progress.current()
    if press is None or press.query is not query:
        press = Press(query, query.from_user.id)
        progress.begin(press)
    press.keep_notes(
        services.notes, update.update_id, replayed=update.update_id in services.inbox.replayed
    )
    data = query.data or ""
    payload = services.callbacks.resolve(data)
    person = services.roster.person(query.from_user.id)
    routes = routes_of(context)
    # Buttons someone outside every unit may press (an invitation's Terima): bound to them all
    # the same, with no person behind them yet.
    guest = routes.guest_buttons.get(payload.get("action", "")) if payload else None
    if (
        person is None
        and guest is not None
        and payload is not None
        and payload.get("user") == query.from_user.id
    ):
        try:
            notice = await guest(update, context, payload)
        except DomainError as exc:
            audit_refusal(context, update, None, str(payload.get("action")), str(exc))
            await press.finish(str(exc), refused=True)
            return
        await press.finish(notice or "")
        return
    if person is None and services.roster.evaluator(query.from_user.id) is not None:
        # A pemda's evaluator pressing a unit's button (one replayed): read-only.
        tried = str(payload.get("action")) if payload else "tombol"
        reason = texts.AUDIT_EVALUATOR_READ_ONLY
        audit_refusal(context, update, None, tried, reason, role="evaluator")
        await press.finish(texts.EVALUATOR_READ_ONLY_SHORT, refused=True)
        return
    if person is None:
        audit_refusal(context, update, None, "tombol", texts.AUDIT_NOT_REGISTERED)
        await press.finish(texts.NOT_REGISTERED_SHORT, refused=True)
        return
    if payload is None:
        audit_refusal(context, update, person, "tombol", texts.audit_stale_button(data[:64]))
        stale = (
            texts.BUTTON_STALE if services.callbacks.looks_issued(data) else texts.BUTTON_UNKNOWN
        )
        await press.finish(stale, refused=True, alert=False)
        return
    if payload.get("user") != person.user_id:
        audit_refusal(context, update, person, str(payload.get("action")), texts.BUTTON_FOREIGN)
        await press.finish(texts.BUTTON_FOREIGN, refused=True)
        return
    action = routes.buttons.get(payload.get("action", ""))
    if action is None:
        await press.finish(texts.BUTTON_UNKNOWN, refused=True, alert=False)
        return
    # State changes of one unit are serialised: two officials acting on the same cycle at once
    # are handled one after the other, each on the state the other left. A press that has to
    # wait for that longer than a moment is answered first, so its spinner does not turn.
    serialised = (
        contextlib.nullcontext()
        if payload["action"] in OWN_FORM_ONLY
        else progress.unit_turn(services.unit_lock(person.unit), press)
    )
    try:
        async with serialised:
            notice = await action(update, context, person, payload)
    except DomainError as exc:
        message = str(exc)
        audit_refusal(context, update, person, payload["action"], message, payload.get("cycle", ""))
        toast = await press.finish(message, refused=True)
        if toast and len(message) > ALERT_LIMIT:  # the alert was cut short: all of it in chat
            await context.bot.send_message(person.user_id, texts.esc(message))
        return
    except Exception as exc:
        full = storage_full(exc)  # a full disk or database: "try again later"
        if full or store_failed(exc):
            # Nothing of the press was stored, so nothing was taken back (the revocation is
            # saved with the change, app.callback_data): the same button works again.
            await press.finish(texts.STORAGE_FULL if full else texts.PRESS_NOT_SAVED, refused=True)
        elif press.answered and not took_effect(services, update):
            # The error handler can no longer use the toast; an action that was saved is not
            # called failed (bot.app.on_error says where the person is instead).
            await press.finish(texts.INTERNAL_ERROR, refused=True)
        raise
    await press.finish(notice or "")
