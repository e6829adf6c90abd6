"""Refused unauthenticated calls cost nothing lasting.

A call that does not prove who sends it (a Mini App call without valid ``initData``, a webhook
POST without Telegram's secret token) is answered at once and only *counted*: per client
address, per window of :attr:`RefusalLimiter.window_s` seconds. When the window closes (the
next refusal after it, the periodic tick, or the server's stop) the whole window is written
as ONE audit line in the stranger log (``actor`` 0, ``outcome`` "refused") whose ``detail``
holds the counts, the first and last time, the count of each reason and the busiest
addresses. A client past :attr:`limit` refusals in a window is answered 429 until the window
ends. Calls that do prove who sends them are never counted or limited, so a legitimate client
behind the same address (a proxy, a shared network) is unaffected.

Memory is bounded too: at most :attr:`max_clients` addresses are counted one by one in a
window; further addresses share one bucket (``"*"``), which is limited as one client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from handlers import texts

log = logging.getLogger(__name__)

OTHERS = "*"  # the shared bucket of addresses beyond max_clients


class RefusalLimiter:
    """Counts refused unauthenticated calls per client and writes one summary per window."""

    def __init__(
        self,
        record: Callable[[dict[str, Any]], object],
        action: str,
        *,
        window_s: float = 60.0,
        limit: int = 30,
        max_clients: int = 4096,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.record = record  # writes one audit entry (the stranger log)
        self.action = action
        self.window_s = window_s
        self.limit = limit
        self.max_clients = max_clients
        self.now = now
        self.monotonic = monotonic
        self._started: float | None = None
        self._first: datetime | None = None
        self._last: datetime | None = None
        self._clients: Counter[str] = Counter()
        self._reasons: Counter[str] = Counter()
        self._limited = 0
        self._task: asyncio.Task | None = None

    def refuse(self, client: str, reason: str) -> bool:
        """Count one refused call of ``client``; True when it is past the limit (answer 429)."""
        self.tick()
        at = self.now()
        if self._started is None:
            self._started, self._first = self.monotonic(), at
        self._last = at
        if client not in self._clients and len(self._clients) >= self.max_clients:
            client = OTHERS
        self._clients[client] += 1
        self._reasons[reason[:120]] += 1
        if self._clients[client] > self.limit:
            self._limited += 1
            return True
        return False

    def tick(self) -> None:
        """Write the open window's summary if the window has ended."""
        if self._started is not None and self.monotonic() - self._started >= self.window_s:
            self.flush()

    def flush(self) -> None:
        """Write the open window's summary now (one audit line) and start afresh."""
        if self._started is None:
            return
        first, last = self._first, self._last
        assert first is not None and last is not None
        detail = {
            "count": sum(self._clients.values()),
            "limited": self._limited,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "window_s": self.window_s,
            "reasons": dict(self._reasons.most_common()),
            "clients": len(self._clients),
            "busiest": dict(self._clients.most_common(10)),
        }
        self._started = self._first = self._last = None
        self._clients, self._reasons, self._limited = Counter(), Counter(), 0
        try:
            self.record(
                {
                    "at": last,
                    "actor": 0,
                    "role": "stranger",
                    "action": self.action,
                    "outcome": "refused",
                    "reason": texts.AUDIT_UNAUTHENTICATED_SUMMARY,
                    "cycle": "",
                    "update_id": None,
                    "detail": detail,
                }
            )
        except Exception:  # noqa: BLE001 - a summary that cannot be written is logged, once
            log.exception("could not record the summary of refused calls: %s", detail)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(min(self.window_s, 60.0) / 4)
            self.tick()

    def start(self) -> None:
        """Close windows on time even when no further refusal comes (needs a running loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the periodic tick and write the open window's summary."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.flush()


def client_of(remote: str | None) -> str:
    """The address a request came from (the peer; a proxy in front is one client)."""
    return remote or "?"
