"""Messages a state change owes, saved in the same atomic write as the state (by
``app.unit_of_work``), then delivered (here).

A crash after the save loses no notification: at start-up and on every tick the bot delivers
what is still owed. Once Telegram accepted an entry its id goes to the delivery log (one short
fsynced line, ``storage.deliveries``), and a run's delivered entries are struck off the store
in one write at its end; a crash in the instant between Telegram's answer and that line can
repeat one message (Telegram offers no idempotency key), never lose one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from app import store as chats
from app.button_codec import group_key
from app.services import Services
from app.unit_of_work import Owed, settle_revocations
from domain.roles import SUPERIOR, Role
from domain.roster import Person, Unit
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


class Outbox(Owed[Services]):
    """Collects what a handler owes before the state is saved: the messages, worded here."""

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


async def _send(bot: Bot, services: Services, entry: dict[str, Any]) -> Any:
    markup = to_markup(entry.get("buttons"))
    if entry["kind"] == "text":
        return await bot.send_message(
            entry["chat_id"], entry["text"], reply_markup=markup, read_timeout=TEXT_TIMEOUT
        )
    else:
        data = services.db.blobs.get(entry["sha256"])
        return await bot.send_document(
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
    """Send what the cycle still owes (:func:`deliver_to` through the update's bot)."""
    await deliver_to(context.bot, svc(context), unit, year, triwulan, unblocked)


async def deliver_to(
    bot: Bot,
    services: Services,
    unit: str,
    year: int,
    triwulan: int,
    unblocked: int | None = None,
) -> None:
    """Send what the cycle still owes, in order per chat; keep what could not be sent.

    Messages for a chat that cannot take them (never started, or the bot blocked) wait, in
    order, until the person writes or presses anything, starts or unblocks the bot
    (``handlers.chat_events``), or a day has passed: such a chat costs no call
    on every tick.
    """
    if progress.defer_while_holding_unit(
        lambda: deliver_to(bot, services, unit, year, triwulan, unblocked)
    ):
        return  # sent as soon as the unit's lock is free (handlers.progress.unit_turn)
    # Handlers and the periodic job run concurrently: one deliverer per outbox at a time, each
    # reading the outbox afresh, so no entry is sent by two of them.
    async with services.delivery_lock(unit, year, triwulan):
        # Revocations owed by a change whose writer was killed before applying them.
        settle_revocations(services, _queue(services, unit, year, triwulan)[0]())
        await _deliver(bot, services, unit, year, triwulan, unblocked)


async def _deliver(
    bot: Bot, services: Services, unit: str, year: int, triwulan: int, unblocked: int | None
) -> None:
    done: list[str] = []
    try:
        await _deliver_entries(bot, services, unit, year, triwulan, unblocked, done)
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
    bot: Bot,
    services: Services,
    unit: str,
    year: int,
    triwulan: int,
    unblocked: int | None,
    done: list[str],
) -> None:
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
                await _tell_unreachable(bot, services, chat_id, held["state"])
            continue
        try:
            sent = await _send(bot, services, entry)
        except Forbidden as exc:
            stuck.add(chat_id)
            state = unreachable_state(exc.message)
            before = services.chats.set(chat_id, state, now)
            if before != state or (held is not None and held.get("probed")):
                await _tell_unreachable(bot, services, chat_id, state)  # once per change
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
    return link_of(context.bot)


def link_of(bot: Bot) -> str:
    return f"https://t.me/{bot.username}"


async def _tell_unreachable(bot: Bot, services: Services, chat_id: int, state: str) -> None:
    """The person's superior (or, for the unit's head, its administrators) hears who cannot
    be reached, why, and what to do; once per change of the chat's state."""
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
        text = texts.user_not_started(person, link_of(bot))
    else:
        text = texts.user_blocked(person)
    for boss in bosses:
        try:
            await bot.send_message(boss.user_id, text)
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


async def drop_owed_to(
    services: Services, unit: str, user_id: int, actor: int, now: datetime
) -> tuple[int, str]:
    """Someone left the unit (mutasi, removal): what is still owed to them is no longer sent
    (their steps are held by whoever holds the post now, who is offered them), struck off
    with one audit line per outbox. Returns how many, and their chat's state then."""
    state = services.chats.state(user_id)
    keys = list(services.cycles.with_outbox(unit))
    keys += [(code, year, ANNUAL) for code, year in services.annual.with_outbox(unit)]
    dropped = 0
    for key in keys:
        async with services.delivery_lock(*key):
            read, _, strike = _queue(services, *key)
            ids = [
                e["id"]
                for e in read()
                if e["kind"] in ("text", "file")
                and e["chat_id"] == user_id
                and not services.deliveries.was_sent(e["id"])
            ]
            if not ids:
                continue
            year = key[1]
            services.audit.append(
                unit,
                year,
                {
                    "at": now,
                    "actor": actor,
                    "action": "pesan_dibatalkan",
                    "detail": {"keluar": user_id, "jumlah": len(ids), "keadaan": state},
                },
            )
            head = services.audit.log(unit, year).head
            strike(ids, {"seq": head[0], "hash": head[1]} if head else None)
            dropped += len(ids)
    return dropped, state


def cannot_take(services: Services, user_id: int) -> str | None:
    """The chat's state if it is known (not only inferred from a menu) not to take messages."""
    doc = services.chats.get(user_id)
    if doc is None or doc["state"] == chats.OPEN or doc.get("probed"):
        return None
    return str(doc["state"])


def unreachable_note_to(services: Services, people: list[Person], link: str) -> str:
    """For a "sent to ..." confirmation: who of ``people`` cannot take messages now, why,
    and what to do ("" when all can); ``link``: the bot's t.me address."""
    lines = [
        texts.waiting_line(p, REASONS[state])
        for p in people
        if (state := cannot_take(services, p.user_id)) is not None
    ]
    return texts.not_delivered_yet(lines, link) if lines else ""


async def deliver_all(
    context: ContextTypes.DEFAULT_TYPE, unblocked: int | None = None, unit: str | None = None
) -> None:
    """Deliver everything still owed, in every unit (start-up, every tick, an unblock), or in
    ``unit`` alone (a person's chat opened: what is owed to them is in their unit's outboxes)."""
    await deliver_all_to(context.bot, svc(context), unblocked, unit)


async def deliver_all_to(
    bot: Bot, services: Services, unblocked: int | None = None, unit: str | None = None
) -> None:
    """:func:`deliver_all` through ``bot`` (start-up, the periodic job: no update)."""
    for code in [unit] if unit else [u.code for u in services.roster.units]:
        for key in services.cycles.with_outbox(code):
            await deliver_to(bot, services, *key, unblocked=unblocked)
        for owner, year in services.annual.with_outbox(code):
            await deliver_to(bot, services, owner, year, ANNUAL, unblocked=unblocked)
