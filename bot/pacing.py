"""What the bot sends to one chat, paced and kept in order, as Telegram asks.

Telegram answers 429 "retry after N" to a bot that sends faster than about one message a
second to one chat (a short burst is tolerated) or about thirty a second in all. PTB's
``AIORateLimiter`` paces the bot as a whole and each group, not a private chat, and on a 429
it pauses every send of the bot. ``ChatPacer`` adds, for each private chat:

- one send at a time, in the order they were asked for (a FIFO lock per chat), so a message
  never overtakes the one before it, a retried one included;
- a token bucket (a burst of ``burst`` messages, then ``rate`` a second; new messages and
  edits each have one, as Telegram limits them apart), so the bot stays under the chat's
  limit instead of meeting it;
- a 429 (which Telegram answers before the call takes effect, so nothing is duplicated) is
  waited out for that chat only, ``retry_after`` seconds, and the same call sent again.

Other calls (no chat, or a group) pass to the inner limiter, with a 429 waited out the same
way. Every call still passes the inner limiter (the bot's 30 a second).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

#: Methods that send a new message to a chat, and those that change one: what Telegram's
#: flood control counts, each kind against its own limit.
SENDS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})

#: A private chat takes a burst of about twenty, then about one a second.
BURST = 20.0
RATE = 1.0
#: Added to a paced wait: the call reaches Telegram a little later or earlier than it was
#: paced (network jitter), and a send just on the limit would meet a 429 of a whole second.
MARGIN = 0.05
#: How often one call is sent again after a 429 before the caller gets the RetryAfter.
MAX_RETRIES = 5
#: Chats kept at most (idle ones with a full bucket are forgotten beyond it).
KEEP = 1024


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type PTB gives it as."""
    value = exc._retry_after  # noqa: SLF001 - the public property warns about its type
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class _Bucket:
    def __init__(self, burst: float, now: float) -> None:
        self.tokens = burst
        self.stamp = now

    def wait(self, burst: float, rate: float, now: float) -> float:
        """Take a token: 0 if one is there, else the seconds until it will be (taken now)."""
        self.tokens = min(burst, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / rate

    def full(self, burst: float, rate: float, now: float) -> bool:
        return self.tokens + (now - self.stamp) * rate >= burst


class _Chat:
    """One chat: its sends in order (the lock), new messages and edits each paced."""

    def __init__(self, burst: float, now: float) -> None:
        self.lock = asyncio.Lock()
        self.sends = _Bucket(burst, now)
        self.edits = _Bucket(burst, now)


Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class ChatPacer(BaseRateLimiter):
    """PTB's rate-limiter hook: paces and orders each private chat's sends (module doc)."""

    def __init__(
        self,
        inner: BaseRateLimiter | None = None,
        burst: float = BURST,
        rate: float = RATE,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self.inner = inner
        self.burst = burst
        self.rate = rate
        self.max_retries = max_retries
        self.chats: dict[int, _Chat] = {}
        self.paced = 0.0  # seconds spent waiting for a chat's bucket (for tests and benches)
        self.retried = 0  # 429s waited out

    async def initialize(self) -> None:
        if self.inner is not None:
            await self.inner.initialize()

    async def shutdown(self) -> None:
        if self.inner is not None:
            await self.inner.shutdown()

    def _chat(self, chat_id: int) -> _Chat:
        chat = self.chats.get(chat_id)
        now = time.monotonic()
        if chat is None:
            if len(self.chats) >= KEEP:
                self._forget_idle(now)
            chat = self.chats[chat_id] = _Chat(self.burst, now)
        return chat

    def _forget_idle(self, now: float) -> None:
        for key, chat in list(self.chats.items()):
            full = all(b.full(self.burst, self.rate, now) for b in (chat.sends, chat.edits))
            if full and not chat.lock.locked():
                del self.chats[key]

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        paced = endpoint in SENDS or endpoint in EDITS
        if not paced or not isinstance(chat_id, int) or chat_id <= 0:
            return await self._send(callback, args, kwargs, endpoint, data, rate_limit_args)
        chat = self._chat(chat_id)
        async with chat.lock:  # FIFO: the chat's sends leave in the order they were asked
            bucket = chat.edits if endpoint in EDITS else chat.sends
            wait = bucket.wait(self.burst, self.rate, time.monotonic())
            if wait:
                self.paced += wait
                await asyncio.sleep(wait + MARGIN)
            return await self._send(callback, args, kwargs, endpoint, data, rate_limit_args)

    async def _send(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in range(self.max_retries + 1):
            try:
                if self.inner is None:
                    return await callback(*args, **kwargs)
                return await self.inner.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except RetryAfter as exc:
                # Refused before it took effect: waiting and sending again repeats nothing.
                if attempt == self.max_retries:
                    raise
                self.retried += 1
                seconds = retry_seconds(exc)
                log.info("%s to %s: 429, again in %.1f s", endpoint, data.get("chat_id"), seconds)
                await asyncio.sleep(seconds + 0.05)
        raise AssertionError("unreachable")
