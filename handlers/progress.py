"""The answer to a button press, given before any slow work so the spinner stops at once.

A press is normally answered after its few milliseconds of checks, with its notice as the
toast. When its work would take long (a PDF to render, or another press of the same unit
still in progress), it is answered at once instead; a PDF render also shows the chat action
"sending a document" and a short "sedang disusun…" message, edited with the outcome when the
work is done. The press being handled is found through a context variable, so the rendering
code needs no handle on the update (each update runs in its own task, with its own context).

No note is left hanging by a kill: once sent, the note is stored (``storage NoteRepository``,
one write: the update, the chat, the note's message id), and the outcome is stored with it
just before the note is edited, then the record is removed. After a restart the update is
handled again from the inbox: its press takes the note over and edits it with its outcome
instead of sending another; an update whose effect was stored before the kill is not acted on
again, and its note is edited to the stored outcome (else "Dokumen telah selesai disusun");
a note whose update was handled since (only a failed store write can leave one) is edited to
its stored outcome or removed at start-up. Each note is so edited once (a repeated edit to the
same text changes nothing), except in the instant between Telegram's answer to the note and
the write that records it, where the note can be left as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from telegram import Bot, CallbackQuery
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, NetworkError

from handlers import texts

if TYPE_CHECKING:
    from app.store import NoteRepository

log = logging.getLogger(__name__)

ALERT_LIMIT = 200


class Press:
    """One button press: answered once, early or with its outcome."""

    def __init__(self, query: CallbackQuery, chat_id: int):
        self.query = query
        self.chat_id = chat_id
        self.answered = False
        self.placeholder: int | None = None  # the "sedang disusun" note's message id
        self.notes: NoteRepository | None = None
        self.update_id: int | None = None

    def keep_notes(self, notes: NoteRepository, update_id: int, replayed: bool) -> None:
        """Record this press's note under ``update_id``. Handled again after a kill
        (``replayed``), it takes over the note the killed run left: edited, not sent again."""
        self.notes, self.update_id = notes, update_id
        if replayed:
            left = notes.get(update_id)
            if left is not None and left["chat_id"] == self.chat_id:
                self.placeholder = int(left["message_id"])

    async def answer(self, text: str | None = None, alert: bool = False) -> bool:
        """Answer once; False if Telegram refused (e.g. a press handled again after a restart,
        whose query was answered or has expired): the work goes on all the same."""
        if self.answered:
            return True
        self.answered = True
        try:
            await self.query.answer(text[:ALERT_LIMIT] if text else None, show_alert=alert)
        except (BadRequest, NetworkError) as exc:
            log.warning("button press %s not answered: %s", self.query.id, exc)
            return False
        return True

    async def rendering(self, position: int) -> None:
        """A PDF is about to be rendered: stop the spinner, say so in chat."""
        await self.answer(texts.PRESS_RENDERING)
        bot = self.query.get_bot()
        try:
            await bot.send_chat_action(self.chat_id, ChatAction.UPLOAD_DOCUMENT)
            if self.placeholder is None:
                note = await bot.send_message(self.chat_id, texts.document_in_progress(position))
                self.placeholder = note.message_id
                if self.notes is not None and self.update_id is not None:
                    self.notes.put(self.update_id, self.chat_id, note.message_id)
        except (Forbidden, BadRequest, NetworkError) as exc:  # only a courtesy: never fail on it
            log.warning("progress message to %s not shown: %s", self.chat_id, exc)

    async def finish(self, notice: str, refused: bool = False, alert: bool | None = None) -> bool:
        """The outcome: the toast if not answered yet (a refusal as an alert), else in chat.
        True if it was shown as the toast."""
        toast = False
        if not self.answered:
            toast = await self.answer(notice or None, alert=refused if alert is None else alert)
            if toast and self.placeholder is None:
                return True
        text = texts.esc(notice) if refused else notice
        bot = self.query.get_bot()
        if self.placeholder is not None:  # the note (perhaps left by a killed run) says it
            note = {"chat_id": self.chat_id, "message_id": self.placeholder}
            await settle_note(bot, self.notes, self.update_id, note, text or texts.DOCUMENT_READY)
            self.placeholder = None
            return toast
        try:
            if refused and notice:
                await bot.send_message(self.chat_id, text)
        except (Forbidden, BadRequest, NetworkError) as exc:
            log.warning("outcome of a press not shown to %s: %s", self.chat_id, exc)
        return False


async def settle_note(
    bot: Bot,
    notes: NoteRepository | None,
    update_id: int | None,
    note: dict[str, Any],
    outcome: str | None,
) -> None:
    """Edit a "sedang disusun" note to ``outcome`` (None: remove the note), the outcome stored
    first and the record removed after, so that a kill in between repeats the same edit.
    The store is only a courtesy here: when it fails (the reason the press failed, perhaps)
    the note is edited all the same."""
    if update_id is None:
        notes = None
    if notes is not None and update_id is not None and outcome is not None:
        try:
            notes.put(update_id, note["chat_id"], note["message_id"], outcome)
        except Exception:  # noqa: BLE001 - see above
            log.warning("outcome of note %s not stored", note["message_id"])
    try:
        if outcome is None:
            await bot.delete_message(note["chat_id"], note["message_id"])
        else:
            await bot.edit_message_text(
                outcome, chat_id=note["chat_id"], message_id=note["message_id"]
            )
    except BadRequest as exc:  # "message is not modified": the same edit made before a kill
        log.info("note %s to %s: %s", note["message_id"], note["chat_id"], exc.message)
    except (Forbidden, NetworkError) as exc:
        log.warning("note %s to %s not edited: %s", note["message_id"], note["chat_id"], exc)
        if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
            return  # kept: edited at the next start-up
    if notes is not None and update_id is not None:
        try:
            notes.remove(update_id)
        except Exception:  # noqa: BLE001 - see above
            log.warning("note %s of update %s not forgotten", note["message_id"], update_id)


async def settle_left_note(bot: Bot, notes: NoteRepository, update_id: int) -> None:
    """The note a killed run left for ``update_id``, whose effect was stored before the kill
    (so the update is not acted on again): edited to the outcome stored with it, else to
    "the document is ready"."""
    note = notes.get(update_id)
    if note is not None:
        await settle_note(bot, notes, update_id, note, note.get("outcome") or texts.DOCUMENT_READY)


async def settle_handled_notes(bot: Bot, notes: NoteRepository, handled) -> None:
    """At start-up: the notes whose update was handled since (``handled(update_id)``) but
    that were not edited (a store write failed): edited to their stored outcome, or removed
    when none was stored. Notes of updates still to be handled are left to their press."""
    for note in notes.all():
        if handled(note["update_id"]):
            await settle_note(bot, notes, note["update_id"], note, note.get("outcome"))


_current: ContextVar[Press | None] = ContextVar("press", default=None)

# A press kept waiting longer than this (for its chat's previous update or its unit's lock)
# is answered while it waits; a shorter wait keeps the notice as the toast.
WAIT_GRACE_S = 0.3


@contextlib.asynccontextmanager
async def holding(lock: asyncio.Lock, press: Press | None) -> AsyncIterator[None]:
    """Hold ``lock``; a press that waits for it longer than a moment is answered meanwhile.

    The lock is asked for at once, in this task, so waiters keep their order (asyncio.Lock
    serves first come, first served); a timer answers the press if the wait drags on.
    """
    if press is None or press.answered or not lock.locked():
        async with lock:
            yield
        return
    answering: list[asyncio.Future] = []
    timer = asyncio.get_running_loop().call_later(
        WAIT_GRACE_S, lambda: answering.append(asyncio.ensure_future(_answer_waiting(press)))
    )
    try:
        await lock.acquire()
    finally:
        timer.cancel()
    try:
        for early in answering:  # the early answer goes out before anything the work sends
            await early
        yield
    finally:
        lock.release()


async def _answer_waiting(press: Press) -> None:
    await press.answer(texts.PRESS_WAIT)


# Set while an update holds its unit's lock: deliveries asked for meanwhile (the messages a
# saved state change owes) run once the lock is released, so that the unit's next state change
# does not wait for Telegram round trips. The state and its outbox are saved before either.
_after_turn: ContextVar[list[Callable[[], Awaitable[None]]] | None] = ContextVar(
    "after_turn", default=None
)


def defer_while_holding_unit(run: Callable[[], Awaitable[None]]) -> bool:
    """Queue ``run`` for when the unit's lock is released; False if no lock is held."""
    pending = _after_turn.get()
    if pending is None:
        return False
    pending.append(run)
    return True


@contextlib.asynccontextmanager
async def unit_turn(lock: asyncio.Lock, press: Press | None) -> AsyncIterator[None]:
    """Hold the unit's lock for a state change; deliver what it owes after releasing it."""
    pending: list[Callable[[], Awaitable[None]]] = []
    token = _after_turn.set(pending)
    try:
        async with holding(lock, press):
            yield
    finally:
        _after_turn.reset(token)
        for run in pending:  # also after an error: what was saved is owed either way
            try:
                await run()
            except Exception:  # noqa: BLE001 - still owed; the next tick retries
                log.exception("delivery after a state change failed; the tick retries it")


def begin(press: Press) -> None:
    _current.set(press)


def current() -> Press | None:
    return _current.get()


async def rendering(position: int) -> None:
    """Called by the rendering code: tell the user of the press being handled, if any."""
    press = _current.get()
    if press is not None:
        await press.rendering(position)
