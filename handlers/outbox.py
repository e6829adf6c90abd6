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

from app.button_codec import group_key
from app.services import Services
from domain.models import Cycle, HistoryEntry
from domain.roles import SUPERIOR, Role
from domain.roster import Person, Unit
from domain.standins import acting_detail
from handlers import progress, texts
from handlers.common import CAPTION_LIMIT, WEB_APP, Button, split_text, svc
from storage import chats

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
            note = texts.standin_copy(holder.label, holder.stood_in_by)
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
            "state": state_ref(cycle.unit, cycle.year, "cycles", cycle.id, cycle.rev),
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


def state_ref(unit: str, year: int, table: str, doc: str, rev: int) -> dict[str, Any]:
    """What an audit line records of the state it describes: the store file, its document and
    the revision it produced (checked against the store at start-up and by audit verify)."""
    return {"file": f"units/{unit}/{year}.json", "table": table, "id": doc, "rev": rev}


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
    ``app.callback_data``), or None. Saved by :func:`saved_or_not`, which marks the entry
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


#: How long an owed send waits for Telegram's answer before counting as timed out. Telegram
#: may take a while to answer a send it has already carried out (an upload above all); a
#: client that gives up sooner and sends again makes a duplicate (Telegram has no
#: idempotency key). PTB's own default is 5 s for reading the answer.
TEXT_TIMEOUT = 60.0
DOCUMENT_TIMEOUT = 180.0  # writing the upload and reading the answer, each
#: A send that timed out anyway may still have taken effect: it is marked uncertain and not
#: sent again (nor anything after it to that chat, to keep the order) before this window,
#: longer than Telegram's own handling of a request. After it the entry is sent again: a
#: message is repeated at most once per window, never lost.
UNCERTAIN_WINDOW = timedelta(minutes=15)


#: The decision buttons whose message is remembered (``storage.offers``): a decision taken in
#: the Mini App edits them away (handlers/quarterly.py, QUARTER.actions).
OFFER_ACTIONS = frozenset({"paraf", "sign_ask"})


def remember_offer(services: Services, entry: dict[str, Any], message: Any) -> None:
    """Note where a decision's buttons arrived, for the Mini App (see OFFER_ACTIONS)."""
    message_id = getattr(message, "message_id", None)
    if message_id is None:
        return
    for row in entry.get("buttons") or []:
        for _, data in row:
            payload = services.callbacks.resolve(data) if isinstance(data, str) else None
            if payload and payload.get("action") in OFFER_ACTIONS and payload.get("group"):
                key = group_key(str(payload["group"]))  # a decoded button names its hash
                services.offers.put(key, entry["chat_id"], message_id, services.now())


async def _send(context: ContextTypes.DEFAULT_TYPE, entry: dict[str, Any]) -> Any:
    markup = to_markup(entry.get("buttons"))
    if entry["kind"] == "text":
        return await context.bot.send_message(
            entry["chat_id"], entry["text"], reply_markup=markup, read_timeout=TEXT_TIMEOUT
        )
    else:
        data = svc(context).db.blobs.get(entry["sha256"])
        return await context.bot.send_document(
            entry["chat_id"],
            document=data,
            filename=entry["filename"],
            caption=entry.get("caption") or None,
            reply_markup=markup,
            read_timeout=DOCUMENT_TIMEOUT,
            write_timeout=DOCUMENT_TIMEOUT,
        )


#: A chat that cannot take messages (not started, blocked) costs no call until the person
#: writes, presses, starts or unblocks; after this long one send is tried again anyway (in
#: case the update that opened it was missed).
BLOCKED_RETRY = timedelta(days=1)
ANNUAL = 0  # the "quarter" of an annual report's queue


def _queue(services: Services, unit: str, year: int, triwulan: int):
    """The owed messages of a quarter's cycle, or of the year's annual report (``ANNUAL``):
    (read them, change one in place, strike off delivered ones in one write)."""
    if triwulan == ANNUAL:
        return (
            lambda: services.annual.outbox(unit, year),
            lambda entry_id, changes: services.annual.settle_entry(unit, year, entry_id, changes),
            lambda ids, audited: services.annual.settle_many(unit, year, ids, audited),
        )
    return (
        lambda: services.cycles.outbox(unit, year, triwulan),
        lambda entry_id, changes: services.cycles.settle_entry(
            unit, year, triwulan, entry_id, changes
        ),
        lambda ids, audited: services.cycles.settle_many(unit, year, triwulan, ids, audited),
    )


async def deliver(
    context: ContextTypes.DEFAULT_TYPE,
    unit: str,
    year: int,
    triwulan: int,
    unblocked: int | None = None,
) -> None:
    """Send what the cycle still owes, in order per chat; keep what could not be sent.

    Messages for a chat that cannot take them (never started, or the bot blocked) wait, in
    order, until the person writes or presses anything, starts or unblocks the bot
    (``on_chat_opened``, ``on_chat_member``), or a day has passed: such a chat costs no call
    on every tick.
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
        # The state records the audit entry that describes it (binding; see storage.bindings).
        head = services.audit.log(unit, year).head if ids else None
        audited = {"seq": head[0], "hash": head[1]} if head else None
        _queue(services, unit, year, triwulan)[2](ids, audited)
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
        uncertain = entry.get("uncertain")
        if uncertain and now - datetime.fromisoformat(uncertain) < UNCERTAIN_WINDOW:
            stuck.add(chat_id)  # it may have arrived: not again before the window
            continue
        held = services.chats.get(chat_id)
        if (
            held is not None
            and held["state"] != chats.OPEN
            and not held.get("probed")  # only inferred from a menu: one send confirms it
            and chat_id != unblocked
            and now - datetime.fromisoformat(held["since"]) < BLOCKED_RETRY
        ):
            stuck.add(chat_id)
            if not held.get("told"):  # e.g. blocked (my_chat_member) before anything was owed
                await _tell_unreachable(context, chat_id, held["state"])
            continue
        try:
            sent = await _send(context, entry)
        except Forbidden as exc:
            stuck.add(chat_id)
            state = unreachable_state(exc.message)
            before = services.chats.set(chat_id, state, now)
            if before != state or (held is not None and held.get("probed")):
                await _tell_unreachable(context, chat_id, state)  # once per change
            continue
        except BadRequest as exc:
            # Permanent for this message (e.g. chat not found): record and drop it.
            # (BadRequest is a NetworkError in PTB, so it must be caught first.)
            log.error("message to %s refused by Telegram, dropped: %s", chat_id, exc.message)
        except TimedOut as exc:
            log.warning(
                "send to %s timed out, maybe delivered; kept as uncertain: %s", chat_id, exc
            )
            stuck.add(chat_id)
            settle(entry["id"], {"uncertain": now.isoformat()})
            continue
        except (RetryAfter, NetworkError) as exc:
            # Transient: keep the entry; the next tick retries it.
            log.warning("delivery to %s postponed: %s", chat_id, exc)
            stuck.add(chat_id)
            continue
        else:
            if held is not None and held["state"] != chats.OPEN:
                services.chats.set(chat_id, chats.OPEN, now)  # the retry got through
            delivered(entry["id"])
            remember_offer(services, entry, sent)  # after the record: never sent twice
            continue
        delivered(entry["id"])


REASONS = {
    chats.NOT_STARTED: texts.REASON_NOT_STARTED,
    chats.BLOCKED: texts.REASON_BLOCKED,
    chats.OPEN: texts.REASON_RETRYING,  # owed, not refused: a transient failure is retried
}


def took_effect(services: Services, update: Update) -> bool:
    """Whether this update's action was saved (a cycle, the annual report or the person's
    form records its id): after an error it must not be asked for again."""
    user = update.effective_user
    person = services.roster.person(user.id) if user else None
    if person is None:
        return False
    uid = update.update_id
    return (
        services.cycles.applied_update(person.unit, uid)
        or services.annual.applied_update(person.unit, uid)
        or services.sessions.applied_update(person.user_id, uid)
    )


def unreachable_state(description: str) -> str:
    """The chat state a 403's description tells: never started, or blocked."""
    return chats.NOT_STARTED if "initiate conversation" in description else chats.BLOCKED


def bot_link(context: ContextTypes.DEFAULT_TYPE) -> str:
    return f"https://t.me/{context.bot.username}"


async def _tell_unreachable(context: ContextTypes.DEFAULT_TYPE, chat_id: int, state: str) -> None:
    """The person's superior (or, for the unit's head, its administrators) hears who cannot
    be reached, why, and what to do; once per change of the chat's state."""
    services = svc(context)
    services.chats.mark_told(chat_id)
    person = services.roster.person(chat_id)
    if person is None:
        return
    unit = services.roster.unit(person.unit)
    boss_role = SUPERIOR.get(person.role)
    bosses = unit.acting(boss_role) if boss_role else []
    if not bosses:
        bosses = [p for p in unit.administrators if p.user_id != chat_id]
    if state == chats.NOT_STARTED:
        text = texts.user_not_started(person, bot_link(context))
    else:
        text = texts.user_blocked(person)
    for boss in bosses:
        try:
            await context.bot.send_message(boss.user_id, text)
        except (Forbidden, BadRequest, NetworkError):
            log.warning("could not tell %s that %s cannot be reached", boss.user_id, chat_id)
    log.warning("chat of %s (%s) is %s; messages kept", chat_id, person.role.value, state)


def waiting_for(services: Services, unit: Unit) -> dict[int, tuple[int, str]]:
    """Per person of the unit: how many owed messages still wait, and the chat's state."""
    counts: dict[int, int] = {}
    queues = [_queue(services, *key)[0] for key in services.cycles.with_outbox(unit.code)]
    queues += [
        _queue(services, code, year, ANNUAL)[0]
        for code, year in services.annual.with_outbox(unit.code)
    ]
    for read in queues:
        for entry in read():
            if entry["kind"] in ("text", "file") and not services.deliveries.was_sent(entry["id"]):
                counts[entry["chat_id"]] = counts.get(entry["chat_id"], 0) + 1
    return {chat_id: (n, services.chats.state(chat_id)) for chat_id, n in counts.items()}


def cannot_take(services: Services, user_id: int) -> str | None:
    """The chat's state if it is known (not only inferred from a menu) not to take messages."""
    doc = services.chats.get(user_id)
    if doc is None or doc["state"] == chats.OPEN or doc.get("probed"):
        return None
    return str(doc["state"])


def unreachable_note(
    services: Services, context: ContextTypes.DEFAULT_TYPE, people: list[Person]
) -> str:
    """For a "sent to ..." confirmation: who of ``people`` cannot take messages now, why,
    and what to do ("" when all can)."""
    lines = [
        texts.waiting_line(p, REASONS[state])
        for p in people
        if (state := cannot_take(services, p.user_id)) is not None
    ]
    return texts.not_delivered_yet(lines, bot_link(context)) if lines else ""


async def deliver_all(
    context: ContextTypes.DEFAULT_TYPE, unblocked: int | None = None, unit: str | None = None
) -> None:
    """Deliver everything still owed, in every unit (start-up, every tick, an unblock), or in
    ``unit`` alone (a person's chat opened: what is owed to them is in their unit's outboxes)."""
    services = svc(context)
    for code in [unit] if unit else [u.code for u in services.roster.units]:
        for key in services.cycles.with_outbox(code):
            await deliver(context, *key, unblocked=unblocked)
        for owner, year in services.annual.with_outbox(code):
            await deliver(context, owner, year, ANNUAL, unblocked=unblocked)


async def on_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A user blocked the bot (recorded: nothing is sent until they unblock it), or unblocked
    it: deliver what was kept for them at once."""
    change = update.my_chat_member
    user = update.effective_user
    if not change or not user or change.chat.type != "private":
        return
    services = svc(context)
    if change.new_chat_member.status == "member":
        services.chats.set(user.id, chats.OPEN, services.now())
        await deliver_all(context, unblocked=user.id)
    elif change.new_chat_member.status == "kicked":
        services.chats.set(user.id, chats.BLOCKED, services.now())


async def on_chat_opened(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message or press from a person opens their chat: Telegram sends no update when a
    user starts a bot for the first time, so their first /start (or anything after a block)
    is how the bot learns it. What was kept for them is delivered at once, in order, and
    their command menu is set."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != "private" or update.my_chat_member:
        return
    services = svc(context)
    held = services.chats.get(user.id)
    if held is None or held["state"] == chats.OPEN:
        return
    services.chats.set(user.id, chats.OPEN, services.now())
    person = services.roster.person(user.id)
    if person is not None:
        from handlers.menu import set_menu  # menu imports this module

        await set_menu(context.bot, services, person)
    await deliver_all(context, unblocked=user.id, unit=person.unit if person else None)
