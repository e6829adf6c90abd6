"""Updates of different chats are handled concurrently; one chat's updates stay in order.

python-telegram-bot handles one update at a time by default, so every Telegram round trip of
one user's update held up every other user. Here each update runs in its own task (PTB's
concurrent updates) behind a lock per chat: a person's messages and presses are handled in the
order they were sent, while other chats go on. A document may change the unit's state (a
realisation workbook), so it is also handled under the unit's lock, like a button press
(``handlers.buttons``); a text or a command changes only the sender's own form. A button
press that has to wait for its chat's earlier update is answered at once (``handlers.progress``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot import logs
from bot.metrics import Metrics, update_kind
from handlers import progress


class ChatOrderedUpdates(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent: int,
        unit_lock_of: Callable[[int], asyncio.Lock | None],
        metrics: Metrics | None = None,
        unit_of: Callable[[int], str | None] | None = None,
    ) -> None:
        # PTB's own bound is taken before do_process_update, so updates queued behind their
        # chat's lock would use it up and stall every other chat: bound the updates at work
        # here instead, after the chat's lock.
        super().__init__(1_000_000)
        self._at_work = asyncio.BoundedSemaphore(max_concurrent)
        self._unit_lock_of = unit_lock_of
        self._chats: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._metrics = metrics
        self._unit_of = unit_of

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Each update runs in a task of its own: these mark its log lines (bot.logs).
        if isinstance(update, Update):
            logs.UPDATE_ID.set(update.update_id)
            if self._unit_of is not None and update.effective_user is not None:
                logs.UNIT.set(self._unit_of(update.effective_user.id))
        if self._metrics is None:
            await self._process(update, coroutine)
            return
        kind = update_kind(update)
        started = time.monotonic()
        try:
            await self._process(update, coroutine)
        finally:
            self._metrics.updates.labels(kind).inc()
            self._metrics.update_seconds.labels(kind).observe(time.monotonic() - started)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = _chat_key(update)
        if chat is None:
            await coroutine
            return
        # asyncio.Lock wakes its waiters first come, first served, and PTB starts the tasks
        # in the order the updates arrived, so the chat's updates run in that order.
        lock = self._chats.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            press = None
            if isinstance(update, Update) and update.callback_query is not None:
                # If the chat's earlier update keeps it waiting, the press is answered first.
                press = progress.Press(update.callback_query, chat)
                progress.begin(press)
            async with progress.holding(lock, press), self._at_work:
                unit_lock = self._unit_lock_for(update)
                async with (
                    progress.unit_turn(unit_lock, None) if unit_lock else contextlib.nullcontext()
                ):
                    await coroutine
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:  # forget idle chats, so the map stays small
                del self._waiting[chat]
                del self._chats[chat]

    def _unit_lock_for(self, update: object) -> asyncio.Lock | None:
        if isinstance(update, Update) and update.message and update.message.document:
            if update.effective_user:
                return self._unit_lock_of(update.effective_user.id)
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
