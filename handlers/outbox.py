"""Messages a state change owes, saved in the same atomic write as the state, then delivered.

A crash after the save loses no notification: at start-up and on every tick the bot delivers
what is still owed. Once Telegram accepted an entry its id goes to the delivery log (one short
fsynced line, ``storage.deliveries``), and a run's delivered entries are struck off the store
in one write at its end; a crash in the instant between Telegram's answer and that line can
repeat one message (Telegram offers no idempotency key), never lose one.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from bot.services import Services
from domain.models import Cycle, HistoryEntry
from domain.roles import SUPERIOR, Role
from domain.roster import Unit
from domain.standins import acting_detail
from handlers import progress, texts
from handlers.common import CAPTION_LIMIT, WEB_APP, Button, split_text, svc

log = logging.getLogger(__name__)


def issue_markup(services: Services, user_id: int, rows: list[list[Button]]) -> list:
    """Issue opaque tokens for the buttons; returns rows of [label, callback_data] (a Mini
    App button keeps its ``{"web_app": url}``: it opens a page, it carries no action)."""
    payloads = [
        {**payload, "user": user_id} for row in rows for _, payload in row if WEB_APP not in payload
    ]
    tokens = iter(services.callbacks.issue_many(payloads))
    return [
        [[label, payload if WEB_APP in payload else next(tokens)] for label, payload in row]
        for row in rows
    ]


def inline_button(label: str, data: str | dict[str, Any]) -> InlineKeyboardButton:
    if isinstance(data, dict):
        return InlineKeyboardButton(label, web_app=WebAppInfo(data[WEB_APP]))
    return InlineKeyboardButton(label, callback_data=data)


def to_markup(rows: list | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[inline_button(label, data) for label, data in row] for row in rows]
    )


class Outbox:
    """Collects what a handler owes before the state is saved."""

    def __init__(self, services: Services):
        self.services = services
        self.entries: list[dict[str, Any]] = []
        self.spent_groups: list[str] = []
        self.spent_cycles: list[str] = []

    def revoke_group(self, group: str) -> None:
        """The buttons of ``group`` are spent by this change: revoked once it is stored."""
        self.spent_groups.append(group)

    def revoke_cycle(self, cycle_key: str) -> None:
        """Every button of the cycle is spent by this change (a filed quarter)."""
        self.spent_cycles.append(cycle_key)

    def _entry(self, chat_id: int, **fields: Any) -> None:
        self.entries.append({"id": secrets.token_hex(8), "chat_id": chat_id, **fields})

    def text(self, chat_id: int, text: str, buttons: list[list[Button]] | None = None) -> None:
        markup = issue_markup(self.services, chat_id, buttons) if buttons else None
        parts = split_text(text)
        for i, part in enumerate(parts):
            self._entry(
                chat_id, kind="text", text=part, buttons=markup if i == len(parts) - 1 else None
            )

    def file(
        self,
        chat_id: int,
        sha256: str,
        filename: str,
        caption: str = "",
        buttons: list[list[Button]] | None = None,
    ) -> None:
        """A stored blob sent as a document; a caption over Telegram's limit follows as text."""
        if len(caption) <= CAPTION_LIMIT:
            markup = issue_markup(self.services, chat_id, buttons) if buttons else None
            self._entry(
                chat_id,
                kind="file",
                sha256=sha256,
                filename=filename,
                caption=caption,
                buttons=markup,
            )
        else:
            self._entry(
                chat_id, kind="file", sha256=sha256, filename=filename, caption="", buttons=None
            )
            self.text(chat_id, caption, buttons)

    def copies(
        self, unit: Unit, role: Role, text: str = "", sha256: str = "", filename: str = ""
    ) -> None:
        """The holders of ``role`` represented by a stand-in get what the stand-in got, for
        information: the same text or document, marked as a copy, without buttons."""
        for holder in unit.represented(role):
            note = texts.standin_copy(role.label, holder.stood_in_by)
            if sha256:
                self.file(holder.user_id, sha256, filename, f"{note}\n\n{text}" if text else note)
            elif text:
                self.text(holder.user_id, f"{note}\n\n{text}")

    def audit(self, cycle: Cycle, entry: HistoryEntry, update_id: int | None) -> None:
        """An audit-log line owed for an accepted action (appended on delivery, by key)."""
        line = {
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "role": entry.role,
            "action": entry.action,
            "from_step": entry.from_step,
            "to_step": entry.to_step,
            "cycle": cycle.id,
            "update_id": update_id,
            "detail": entry.detail,
        }
        unit = self.services.base_roster.unit(cycle.unit)
        if entry.from_step:
            role = self.services.sop_for(unit).step(entry.from_step).role
            acting = acting_detail(unit, entry.actor, role, entry.at)
            if acting is not None:  # both officials on record: who acted, for whom
                line["detail"] = {"catatan": entry.detail, **acting}
        self.entries.append(
            {"id": secrets.token_hex(8), "kind": "audit", "chat_id": 0, "entry": line}
        )


# The form whose Kirim an update is handling: update id -> (user id, form id). Set by the form
# code around its finisher, taken by the commit that saves the form's effect.
ENDING_FORMS: dict[int, tuple[int, str]] = {}


def end_form_with(out: Outbox, update_id: int | None) -> None:
    """If this update is a form's Kirim, its end is owed first, in the same write as its effect.

    So the form's end and the state change commit together: after a kill the form is either
    still open (nothing saved, its buttons still work) or ended with the change saved.
    """
    form = ENDING_FORMS.pop(update_id, None) if update_id is not None else None
    if form is not None:
        out.entries.insert(
            0,
            {
                "id": secrets.token_hex(8),
                "kind": "form_end",
                "chat_id": 0,
                "user": form[0],
                "form_id": form[1],
            },
        )


def owe_revocations(out: Outbox) -> dict[str, Any] | None:
    """The revocations this change spends, owed first in its write (see
    ``bot.callback_data``), or None. Saved by :func:`saved_or_not`, which marks the entry
    done in the delivery log with the write, so that no deliverer ever sends it."""
    if not out.spent_groups and not out.spent_cycles:
        return None
    entry = out.services.callbacks.owe(out.spent_groups, out.spent_cycles)
    out.entries.insert(0, entry)
    return entry


def settle_revocations(services: Services, entries: list[dict[str, Any]]) -> None:
    """Apply the owed revocations among ``entries`` (stored, so their change took effect):
    again is a no-op; one whose writer was killed before applying it is applied now."""
    for entry in entries:
        if entry.get("kind") == services.callbacks.OWED:
            services.callbacks.settle_owed(entry)
            if not services.deliveries.was_sent(entry["id"]):
                services.deliveries.record(entry["id"])


def saved_or_not(services: Services, owed: dict[str, Any] | None, save: Callable[[], None]):
    """Run ``save``, then apply the revocation it owes. The owed entry is marked done in the
    delivery log together with the write: in its transaction on PostgreSQL (a deliverer of
    another worker never sees it unmarked, and a failed write leaves no mark), right after it
    on files (one process, and no await in between: no deliverer runs meanwhile)."""
    if owed is None:
        save()
        return
    if services.db.pg is not None:
        with services.db.transaction():
            services.deliveries.record(owed["id"])
            save()
    else:
        save()
        services.deliveries.record(owed["id"])
    services.callbacks.settle_owed(owed)


async def commit(
    context: ContextTypes.DEFAULT_TYPE,
    before: Cycle | None,
    after: Cycle,
    out: Outbox,
    update_id: int | None = None,
) -> None:
    """Save the new state with what it owes (one atomic write), then deliver.

    The audit lines for the actions it records are owed the same way, so none is lost to a
    crash and none is written twice (the audit log ignores a key it already holds); so are
    the end of the form whose Kirim this is and the revocation of the buttons it spends
    (:func:`owe_revocations`), and the update id is recorded in the same write.
    """
    services = svc(context)
    end_form_with(out, update_id)
    owed = owe_revocations(out)
    for entry in after.history[len(before.history) if before else 0 :]:
        out.audit(after, entry, update_id)
    saved_or_not(
        services,
        owed,
        lambda: services.cycles.save(
            after,
            expected_rev=before.rev if before else None,
            outbox=out.entries,
            update_id=update_id,
        ),
    )
    await deliver(context, after.unit, after.year, after.triwulan)


async def _send(context: ContextTypes.DEFAULT_TYPE, entry: dict[str, Any]) -> None:
    markup = to_markup(entry.get("buttons"))
    if entry["kind"] == "text":
        await context.bot.send_message(entry["chat_id"], entry["text"], reply_markup=markup)
    else:
        data = svc(context).db.blobs.get(entry["sha256"])
        await context.bot.send_document(
            entry["chat_id"],
            document=data,
            filename=entry["filename"],
            caption=entry.get("caption") or None,
            reply_markup=markup,
        )


BLOCKED_RETRY = timedelta(days=1)
ANNUAL = 0  # the "quarter" of an annual report's queue


def _queue(services: Services, unit: str, year: int, triwulan: int):
    """The owed messages of a quarter's cycle, or of the year's annual report (``ANNUAL``):
    (read them, change one in place, strike off delivered ones in one write)."""
    if triwulan == ANNUAL:
        return (
            lambda: services.annual.outbox(unit, year),
            lambda entry_id, changes: services.annual.settle_entry(unit, year, entry_id, changes),
            lambda ids: services.annual.settle_many(unit, year, ids),
        )
    return (
        lambda: services.cycles.outbox(unit, year, triwulan),
        lambda entry_id, changes: services.cycles.settle_entry(
            unit, year, triwulan, entry_id, changes
        ),
        lambda ids: services.cycles.settle_many(unit, year, triwulan, ids),
    )


async def deliver(
    context: ContextTypes.DEFAULT_TYPE,
    unit: str,
    year: int,
    triwulan: int,
    unblocked: int | None = None,
) -> None:
    """Send what the cycle still owes, in order per chat; keep what could not be sent.

    Messages for a user who blocked the bot wait until they unblock it (``unblocked``) or
    a day has passed, so a blocked chat costs no call on every tick.
    """
    if progress.defer_while_holding_unit(lambda: deliver(context, unit, year, triwulan, unblocked)):
        return  # sent as soon as the unit's lock is free (handlers.progress.unit_turn)
    services = svc(context)
    # Handlers and the periodic job run concurrently: one deliverer per outbox at a time, each
    # reading the outbox afresh, so no entry is sent by two of them.
    async with services.delivery_lock(unit, year, triwulan):
        # Revocations owed by a change whose writer was killed before applying them.
        settle_revocations(services, _queue(services, unit, year, triwulan)[0]())
        await _deliver(context, unit, year, triwulan, unblocked)


async def _deliver(
    context: ContextTypes.DEFAULT_TYPE, unit: str, year: int, triwulan: int, unblocked: int | None
) -> None:
    services = svc(context)
    done: list[str] = []
    try:
        await _deliver_entries(context, unit, year, triwulan, unblocked, done)
    finally:  # even when interrupted: what was delivered is struck off in one write
        ids = set(done) | {
            e["id"]
            for e in _queue(services, unit, year, triwulan)[0]()
            if services.deliveries.was_sent(e["id"])
        }
        _queue(services, unit, year, triwulan)[2](ids)
        services.deliveries.settled(list(ids))


async def _deliver_entries(
    context: ContextTypes.DEFAULT_TYPE,
    unit: str,
    year: int,
    triwulan: int,
    unblocked: int | None,
    done: list[str],
) -> None:
    services = svc(context)
    log_ = services.deliveries
    now = services.now()
    stuck: set[int] = set()
    pending, settle, _ = _queue(services, unit, year, triwulan)

    def delivered(entry_id: str) -> None:
        log_.record(entry_id)
        done.append(entry_id)

    for entry in pending():
        if log_.was_sent(entry["id"]):  # sent before a kill, not yet struck off
            continue
        if entry["kind"] == "audit":
            services.audit.append(unit, year, {**entry["entry"], "key": entry["id"]})
            delivered(entry["id"])
            continue
        if entry["kind"] == "form_end":
            services.sessions.end(entry["user"], entry["form_id"])
            services.callbacks.revoke_group(entry["form_id"])
            delivered(entry["id"])
            continue
        chat_id = entry["chat_id"]
        if chat_id in stuck:
            continue
        blocked = entry.get("blocked")
        if (
            blocked
            and chat_id != unblocked
            and now - datetime.fromisoformat(blocked) < BLOCKED_RETRY
        ):
            stuck.add(chat_id)
            continue
        try:
            await _send(context, entry)
        except Forbidden:
            stuck.add(chat_id)
            settle(entry["id"], {"blocked": now.isoformat()})
            if not blocked:  # the level above hears of it once
                await _tell_superior_blocked(context, chat_id)
            continue
        except BadRequest as exc:
            # Permanent for this message (e.g. chat not found): record and drop it.
            # (BadRequest is a NetworkError in PTB, so it must be caught first.)
            log.error("message to %s refused by Telegram, dropped: %s", chat_id, exc.message)
        except (RetryAfter, TimedOut, NetworkError) as exc:
            # Transient: keep the entry; the next tick retries it.
            log.warning("delivery to %s postponed: %s", chat_id, exc)
            stuck.add(chat_id)
            continue
        delivered(entry["id"])


async def _tell_superior_blocked(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    services = svc(context)
    person = services.roster.person(chat_id)
    if person is None:
        return
    unit = services.roster.unit(person.unit)
    boss_role = SUPERIOR.get(person.role)
    bosses = unit.acting(boss_role) if boss_role else []
    for boss in bosses:
        try:
            await context.bot.send_message(boss.user_id, texts.user_blocked(person))
        except (Forbidden, BadRequest, NetworkError):
            log.warning("could not tell %s that %s blocked the bot", boss.user_id, chat_id)
    log.warning("user %s (%s) has blocked the bot; messages kept", chat_id, person.role.value)


async def deliver_all(context: ContextTypes.DEFAULT_TYPE, unblocked: int | None = None) -> None:
    """Deliver everything still owed, in every unit (start-up, every tick, an unblock)."""
    services = svc(context)
    for unit in services.roster.units:
        for key in services.cycles.with_outbox(unit.code):
            await deliver(context, *key, unblocked=unblocked)
        for code, year in services.annual.with_outbox(unit.code):
            await deliver(context, code, year, ANNUAL, unblocked=unblocked)


async def on_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A user unblocked the bot: deliver what was kept for them at once."""
    change = update.my_chat_member
    if change and change.new_chat_member.status == "member" and update.effective_user:
        await deliver_all(context, unblocked=update.effective_user.id)
