"""Webhook mode: a small aiohttp server in front of the Application.

What it promises (``tests/test_webhook.py``):

* the secret-token header is checked (in constant time) before a byte of the body is read:
  a request without it gets 403 and costs no memory whatever it claims to carry;
* the body is capped at :data:`MAX_BODY` (Telegram's updates are a few kilobytes): a larger
  one gets 413 before it is read;
* a body that is not a JSON update gets 400, never a server error: it must be a JSON object
  no deeper than :data:`MAX_DEPTH` with at most :data:`MAX_NODES` values, whose ``update_id``
  is an integer in ``0 <= id < 2**53``, that python-telegram-bot reads as an update
  (``tests/test_webhook_bodies.py``);
* a request with a wrong or missing secret is counted, not logged one by one: per client
  address, one summary line per window in the stranger audit log, and 429 past the limit
  (``webapp.refusals``, ``tests/test_unauth_limit.py``);
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
from handlers import texts
from webapp.refusals import RefusalLimiter, client_of

log = logging.getLogger("lkj_bot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
MAX_DEPTH = 64  # Telegram's updates nest about ten deep
MAX_NODES = 100_000  # values (objects, arrays, scalars) in one body
MAX_UPDATE_ID = 2**53
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


class BadBody(ValueError):
    """A webhook body that is not a Telegram update."""


def _check_shape(data: object) -> None:
    """Bound the nesting and the number of values (iteratively: no recursion to exhaust)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            raise BadBody("nested too deep or too many values")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def parse_update(body: bytes, bot) -> Update:
    """The update in a webhook ``body``; raises BadBody for anything else."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadBody("not JSON") from exc
    _check_shape(data)
    if not isinstance(data, dict):
        raise BadBody("not a JSON object")
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 <= update_id < MAX_UPDATE_ID:
        raise BadBody("update_id is not an integer")
    try:
        update = Update.de_json(data, bot)
        update.to_dict()  # what the inbox stores must be writable too
    except Exception as exc:  # noqa: BLE001 - whatever the library trips on is a bad body
        raise BadBody(f"not a Telegram update ({type(exc).__name__})") from exc
    if update is None:
        raise BadBody("not a Telegram update")
    return update


def make_server(
    app: Application, secret: str, path: str, limiter: RefusalLimiter | None = None
) -> web.Application:
    """The aiohttp application that receives Telegram's POSTs on ``path``."""
    expected = secret.encode()
    if limiter is None:
        services = app.bot_data["services"]
        limiter = RefusalLimiter(
            lambda entry: services.audit.append(None, services.now().year, entry),
            "webhook:unauthenticated",
            now=services.now,
        )

    async def receive(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            over = limiter.refuse(client_of(request.remote), texts.AUDIT_WEBHOOK_SECRET)
            return web.Response(status=429 if over else 403, headers={"Connection": "close"})
        length = request.content_length
        if length is None or length > MAX_BODY:
            return web.Response(status=413, headers={"Connection": "close"})
        try:
            update = parse_update(await request.read(), app.bot)
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, headers={"Connection": "close"})
        except BadBody as exc:
            log.info("webhook body refused: %s", exc)
            return web.Response(status=400, text="not a Telegram update")
        await app.update_queue.put(update)  # durable (the inbox) before the 200 answer
        return web.Response(status=200)

    async def on_startup(_: web.Application) -> None:
        limiter.start()

    async def on_cleanup(_: web.Application) -> None:
        await limiter.stop()

    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_post("/" + path.lstrip("/"), receive)
    server.add_routes(health_routes(app))  # /healthz, /readyz, /metrics (bot/health.py)
    server.on_startup.append(on_startup)
    server.on_cleanup.append(on_cleanup)
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
        if app.post_shutdown:  # the Mini App's server and the health server stop with it
            await app.post_shutdown(app)
