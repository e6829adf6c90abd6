"""Prometheus metrics of one bot process, with the standard client.

Each Application gets its own registry (tests and the demo run several bots in one process),
served at ``/metrics`` by :mod:`bot.health`. What is counted, and where:

* updates handled by kind and the time each took (``bot.ordering``, around the handler);
* Telegram errors by method and error (``MeasuredLimiter``: every Bot API request passes
  through PTB's rate-limiter hook, retries of a flood-controlled send included);
* renders and their time (``MeasuredRenderer`` around the render pool);
* reminders, escalations and digests sent (``handlers.reminders``);
* waits for a unit's or an outbox's lock (``TimedLock``);
* messages owed and not yet delivered, read from the store at each scrape.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

UPDATE_KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "inline_query",
)


def update_kind(update: object) -> str:
    """The kind of an update as Telegram names its field ("message", "callback_query", …)."""
    if not isinstance(update, Update):
        return "other"
    for kind in UPDATE_KINDS:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def error_label(exc: TelegramError) -> str:
    """A short, bounded label for a Telegram error: its class and, for a refusal, the
    description without the variable parts (a chat id, a number of seconds)."""
    if isinstance(exc, RetryAfter):
        return "RetryAfter"
    text = str(exc.message if hasattr(exc, "message") else exc)
    words = [w for w in text.split() if not any(ch.isdigit() for ch in w)][:8]
    return f"{type(exc).__name__}: {' '.join(words)}"[:80]


class Metrics:
    """The counters and histograms of one bot, in a registry of its own."""

    def __init__(self, waiting: Callable[[], dict[str, int]] | None = None) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            "lkj_updates_total", "Updates handled, by kind", ["kind"], registry=r
        )
        self.update_seconds = Histogram(
            "lkj_update_handling_seconds",
            "Time from taking an update to finishing it (waits for its chat included)",
            ["kind"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
            registry=r,
        )
        self.telegram_errors = Counter(
            "lkj_telegram_errors_total",
            "Bot API requests Telegram refused or that failed, by method and error",
            ["method", "error"],
            registry=r,
        )
        self.renders = Counter(
            "lkj_renders_total", "Documents rendered, by template", ["template"], registry=r
        )
        self.render_seconds = Histogram(
            "lkj_render_seconds",
            "Time to render one document (queue wait included)",
            buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
            registry=r,
        )
        self.notices = Counter(
            "lkj_notices_sent_total",
            "Reminders, escalations and digests sent, by kind",
            ["kind"],
            registry=r,
        )
        self.lock_wait_seconds = Histogram(
            "lkj_lock_wait_seconds",
            "Time spent waiting for a unit's or an outbox's lock",
            ["lock"],
            buckets=(0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60),
            registry=r,
        )
        if waiting is not None:
            r.register(_Waiting(waiting))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _Waiting(Collector):
    """Messages owed and not delivered yet, by reason, read afresh at every scrape."""

    def __init__(self, source: Callable[[], dict[str, int]]) -> None:
        self.source = source

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "lkj_messages_waiting",
            "Messages owed and not yet delivered, by reason",
            labels=["reason"],
        )
        for reason, count in sorted(self.source().items()):
            family.add_metric([reason], count)
        yield family


class MeasuredLimiter(BaseRateLimiter):
    """PTB's rate-limiter hook, used to see every Bot API request: counts each failure by
    method and error, then passes the request to the real limiter (or straight through)."""

    def __init__(self, metrics: Metrics, inner: BaseRateLimiter | None = None) -> None:
        self.metrics = metrics
        self.inner = inner

    async def initialize(self) -> None:
        if self.inner is not None:
            await self.inner.initialize()

    async def shutdown(self) -> None:
        if self.inner is not None:
            await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        async def counted(*a: Any, **kw: Any) -> Any:
            try:
                return await callback(*a, **kw)
            except TelegramError as exc:
                self.metrics.telegram_errors.labels(endpoint, error_label(exc)).inc()
                raise

        if self.inner is None:
            return await counted(*args, **kwargs)
        return await self.inner.process_request(
            counted, args, kwargs, endpoint, data, rate_limit_args
        )


class MeasuredRenderer:
    """The render pool with each render counted and timed; otherwise the pool itself."""

    def __init__(self, pool: Any, metrics: Metrics) -> None:
        self._pool = pool
        self._metrics = metrics

    async def render(
        self, template: str, context: dict[str, Any], archival: Sequence | None = None
    ):
        started = time.monotonic()
        try:
            return await self._pool.render(template, context, archival)
        finally:
            self._metrics.renders.labels(template).inc()
            self._metrics.render_seconds.observe(time.monotonic() - started)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class TimedLock:
    """A lock (asyncio's, or the cross-process one of PostgreSQL) whose waits are measured."""

    def __init__(self, lock: Any, metrics: Metrics, kind: str) -> None:
        self._lock = lock
        self._wait = metrics.lock_wait_seconds.labels(kind)

    def locked(self) -> bool:
        return bool(self._lock.locked())

    async def acquire(self) -> bool:
        started = time.monotonic()
        try:
            return bool(await self._lock.acquire())
        finally:
            self._wait.observe(time.monotonic() - started)

    def release(self) -> None:
        self._lock.release()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.release()
