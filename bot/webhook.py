"""Webhook mode: a small aiohttp server in front of the Application.

What it promises (``tests/test_webhook.py``):

* the secret-token header is checked (in constant time) before a byte of the body is read:
  a request without it gets 403 and costs no memory whatever it claims to carry;
* the body is capped at :data:`MAX_BODY` (Telegram's updates are a few kilobytes): a larger
  one gets 413 before it is read;
* a body that is not a JSON update gets 400, not a server error;
* an accepted update is written to the durable inbox (through the Application's update
  queue, ``bot.inbox.InboxQueue``) *before* the 200 answer, so Telegram never drops an update
  the bot could still lose;
* the bot refuses to start with a secret that is short or weak by entropy (see
  :func:`secret_problem`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import re
import signal
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.health import health_routes
from bot.settings import Settings

log = logging.getLogger("lkj_bot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
MIN_SECRET_BITS = 64  # Shannon entropy of the secret's characters times its length
_SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]{16,256}")


def secret_bits(secret: str) -> float:
    """Entropy estimate of ``secret`` in bits (Shannon entropy per character × length)."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    n = len(secret)
    return -n * sum(c / n * math.log2(c / n) for c in counts.values())


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` is not a safe webhook secret token, or None."""
    if not _SECRET_CHARS.fullmatch(secret):
        return (
            "LKJ_WEBHOOK_SECRET wajib diisi: 16–256 karakter A–Z, a–z, 0–9, _ atau - "
            "(token rahasia yang dikirim Telegram pada setiap permintaan)."
        )
    bits = secret_bits(secret)
    if bits < MIN_SECRET_BITS:
        return (
            f"LKJ_WEBHOOK_SECRET terlalu mudah ditebak (keragaman karakternya setara {bits:.0f} "
            f"bit; minimal {MIN_SECRET_BITS} bit). Buat token acak, misalnya dengan: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return None


def make_server(app: Application, secret: str, path: str) -> web.Application:
    """The aiohttp application that receives Telegram's POSTs on ``path``."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, headers={"Connection": "close"})
        length = request.content_length
        if length is None or length > MAX_BODY:
            return web.Response(status=413, headers={"Connection": "close"})
        try:
            body = await request.read()
            data = json.loads(body)
            update = Update.de_json(data, app.bot) if isinstance(data, dict) else None
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, headers={"Connection": "close"})
        except (ValueError, TypeError, KeyError, UnicodeDecodeError):
            update = None
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        await app.update_queue.put(update)  # durable (the inbox) before the 200 answer
        return web.Response(status=200)

    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_post("/" + path.lstrip("/"), receive)
    server.add_routes(health_routes(app))  # /healthz, /readyz, /metrics (bot/health.py)
    return server


async def serve(app: Application, settings: Settings, allowed: Sequence[str]) -> None:
    """Run the Application behind the webhook server until SIGINT or SIGTERM."""
    path = urlsplit(settings.lkj_webhook_url).path or "/"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    runner = web.AppRunner(make_server(app, settings.lkj_webhook_secret, path), access_log=None)
    try:
        if app.post_init:
            await app.post_init(app)
        await runner.setup()
        await web.TCPSite(runner, settings.lkj_webhook_listen, settings.lkj_webhook_port).start()
        await app.bot.set_webhook(
            url=settings.lkj_webhook_url,
            secret_token=settings.lkj_webhook_secret,
            allowed_updates=list(allowed),
        )
        await app.start()
        log.info("webhook server listening on %s", settings.lkj_webhook_port)
        await stop.wait()
    finally:
        await runner.cleanup()
        if app.running:
            await app.stop()
        await app.shutdown()
