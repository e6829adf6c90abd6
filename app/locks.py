"""Locks that hold across bot processes when the store is in PostgreSQL.

A unit's state changes and a cycle's deliveries take an :class:`asyncio.Lock` within the
process (``Services.unit_lock``, ``Services.delivery_lock``). With several workers on one
database the same lock must hold between them too: :class:`SharedLock` takes the process's
asyncio lock first (so the process's own waiters keep their order and ask the database once),
then the database's advisory lock of the same name, asked without blocking the event loop
(tried again with a short growing pause until it is free). A killed worker's advisory locks
end with its connection, so nobody waits for a dead worker.
"""

from __future__ import annotations

import asyncio
from typing import Any

from storage.pg import PgStore

FIRST_PAUSE_S = 0.002
LONGEST_PAUSE_S = 0.05


class SharedLock:
    """The interface of :class:`asyncio.Lock` that ``handlers.progress`` uses."""

    def __init__(self, store: PgStore, name: str):
        self.store = store
        self.name = name
        self._local = asyncio.Lock()

    def locked(self) -> bool:
        return self._local.locked()

    async def acquire(self) -> bool:
        await self._local.acquire()
        try:
            pause = FIRST_PAUSE_S
            while not self.store.try_lock(self.name):
                await asyncio.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_S)
        except BaseException:
            self._local.release()
            raise
        return True

    def release(self) -> None:
        try:
            self.store.unlock(self.name)
        finally:
            self._local.release()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: Any) -> None:
        self.release()
