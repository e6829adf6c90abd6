"""Health, readiness and metrics over HTTP, for a service manager, a load balancer and
Prometheus.

``/healthz`` answers 200 while the process serves requests at all (alive); ``/readyz`` 200
only when the store answers, Telegram answers and the render workers answer (503 naming the
one that does not); ``/metrics`` is the Prometheus exposition of :mod:`bot.metrics`. The
webhook server carries these routes; in polling mode (or beside the webhook)
``LKJ_HEALTH_PORT`` starts a small server of its own with them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 10.0  # seconds one readiness check may take
FRESH = 30.0  # a check that passed this recently is not repeated (probes come often)


class Readiness:
    """The three checks, each remembered for :data:`FRESH` seconds once it passed."""

    def __init__(self, application: Application) -> None:
        self.application = application
        self._passed: dict[str, float] = {}

    async def store(self) -> None:
        services = self.application.bot_data["services"]
        await asyncio.to_thread(services.db.ping)

    async def telegram(self) -> None:
        await self.application.bot.get_me()

    async def renderer(self) -> None:
        services = self.application.bot_data["services"]
        futures = services.renderer.warm()
        await asyncio.gather(*(asyncio.wrap_future(f) for f in futures))

    async def run(self) -> dict[str, str]:
        checks: dict[str, Callable[[], Awaitable[None]]] = {
            "store": self.store,
            "telegram": self.telegram,
            "render": self.renderer,
        }
        results = await asyncio.gather(*(self._one(name, c) for name, c in checks.items()))
        return dict(zip(checks, results, strict=True))

    async def _one(self, name: str, check: Callable[[], Awaitable[None]]) -> str:
        now = time.monotonic()
        if now - self._passed.get(name, -FRESH) < FRESH:
            return "ok"
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", named
            self._passed.pop(name, None)
            log.warning("readiness check %s failed: %s", name, exc)
            return f"gagal: {type(exc).__name__}: {str(exc)[:200]}"
        self._passed[name] = time.monotonic()
        return "ok"


def health_routes(application: Application) -> list[web.RouteDef]:
    readiness = Readiness(application)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        checks = await readiness.run()
        ready = all(v == "ok" for v in checks.values())
        body: dict[str, Any] = {"status": "ok" if ready else "tidak siap", "checks": checks}
        return web.json_response(body, status=200 if ready else 503)

    async def metrics(_: web.Request) -> web.Response:
        services = application.bot_data["services"]
        data = await asyncio.to_thread(services.metrics.exposition)
        return web.Response(body=data, headers={"Content-Type": CONTENT_TYPE})

    return [
        web.get("/healthz", healthz),
        web.get("/readyz", readyz),
        web.get("/metrics", metrics),
    ]


class HealthServer:
    """The small server of ``LKJ_HEALTH_PORT`` (started and stopped with the bot)."""

    def __init__(self, application: Application, host: str, port: int) -> None:
        self.application = application
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(health_routes(self.application))
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        log.info("health and metrics on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def start_health(application: Application) -> None:
    settings = application.bot_data["services"].settings
    if settings.lkj_health_port is None:
        return
    server = HealthServer(application, settings.lkj_health_listen, settings.lkj_health_port)
    await server.start()
    application.bot_data["health"] = server


async def stop_health(application: Application) -> None:
    server = application.bot_data.pop("health", None)
    if server is not None:
        await server.stop()
