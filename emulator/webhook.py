"""Telegram's side of webhook mode: each update is POSTed to the bot, oldest first, one at a
time, until the bot answers 200; a refused connection, an error status or no answer within
:data:`ANSWER_TIMEOUT_S` is tried again.

``BotAPIEmulator.webhook_pool(urls)`` stands for a reverse proxy in front of several bot
workers (nginx's round-robin ``upstream`` with ``proxy_next_upstream error``): the updates
then go to the URLs in turn, and an update a dead worker could not take goes to the next one.
Without a pool they go to the URL the bot set with ``setWebhook``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from .world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ANSWER_TIMEOUT_S = 10.0
RETRY_PAUSE_S = 0.05


class WebhookDelivery:
    def __init__(self, world: World):
        self.world = world
        self.pool: list[str] = []
        self.sent_to: list[tuple[int, str]] = []  # (update_id, url) of every answered POST
        self.failed: list[tuple[int, str, str]] = []  # (update_id, url, why) of every failure
        self._turn = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def _target(self) -> str | None:
        hook = self.world.webhook
        if not hook:
            return None
        if not self.pool:
            return str(hook["url"])
        url = self.pool[self._turn % len(self.pool)]
        self._turn += 1
        return url

    async def _run(self) -> None:
        w = self.world
        timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                url = self._target() if w.updates else None
                if url is None:
                    await w.updates_changed.wait(1.0)
                    continue
                update = w.updates[0]
                why = await self._post(session, url, update)
                if why is None:
                    if w.updates and w.updates[0] is update:
                        w.updates.pop(0)
                    w.delivered_update_id = max(w.delivered_update_id, update["update_id"])
                    w.last_activity = time.monotonic()
                    self.sent_to.append((update["update_id"], url))
                else:
                    self.failed.append((update["update_id"], url, why))
                    await asyncio.sleep(RETRY_PAUSE_S)

    async def _post(self, session: aiohttp.ClientSession, url: str, update: dict) -> str | None:
        hook: dict[str, Any] = self.world.webhook or {}
        headers = {SECRET_HEADER: hook["secret_token"]} if hook.get("secret_token") else {}
        try:
            async with session.post(url, json=update, headers=headers) as response:
                if response.status == 200:
                    return None
                return f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return type(exc).__name__
