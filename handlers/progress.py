"""The answer to a button press, given before any slow work so the spinner stops at once.

A press is normally answered after its few milliseconds of checks, with its notice as the
toast. When its work would take long (a PDF to render, or another press of the same unit
still in progress), it is answered at once instead; a PDF render also shows the chat action
"sending a document" and a short "sedang disusun…" message, edited with the outcome when the
work is done. The press being handled is found through a context variable, so the rendering
code needs no handle on the update (each update runs in its own task, with its own context).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar

from telegram import CallbackQuery, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, NetworkError

from handlers import texts

log = logging.getLogger(__name__)

ALERT_LIMIT = 200


class Press:
    """One button press: answered once, early or with its outcome."""

    def __init__(self, query: CallbackQuery, chat_id: int):
        self.query = query
        self.chat_id = chat_id
        self.answered = False
        self.placeholder: Message | None = None

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
                self.placeholder = await bot.send_message(
                    self.chat_id, texts.document_in_progress(position)
                )
        except (Forbidden, BadRequest, NetworkError) as exc:  # only a courtesy: never fail on it
            log.warning("progress message to %s not shown: %s", self.chat_id, exc)

    async def finish(self, notice: str, refused: bool = False, alert: bool | None = None) -> bool:
        """The outcome: the toast if not answered yet (a refusal as an alert), else in chat.
        True if it was shown as the toast."""
        if not self.answered:
            if await self.answer(notice or None, alert=refused if alert is None else alert):
                return True
        text = texts.esc(notice) if refused else notice
        bot = self.query.get_bot()
        try:
            if self.placeholder is not None:
                await self.placeholder.edit_text(text or texts.DOCUMENT_READY)
            elif refused and notice:
                await bot.send_message(self.chat_id, text)
        except (Forbidden, BadRequest, NetworkError) as exc:
            log.warning("outcome of a press not shown to %s: %s", self.chat_id, exc)
        return False


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
