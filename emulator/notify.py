"""A broadcast wake-up for coroutines waiting on emulator state (single event loop)."""

from __future__ import annotations

import asyncio
import contextlib


class Notifier:
    """``await wait(t)`` returns at the next ``fire()`` or after ``t`` seconds.

    Waiters re-check their condition after waking, so spurious wake-ups are harmless.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(timeout, 0)):
                await event.wait()
