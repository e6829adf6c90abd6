"""aiohttp routes: the Bot API under /bot<token>/<method>, file downloads, /_emu/ control.

Requests are parsed exactly as Telegram would receive them from PTB over real HTTP, so
nothing in the bot has to know it is talking to an emulator.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import web

from .api import METHODS
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .faults import take_fault
from .params import normalize, read_request
from .world import World

WORLD = web.AppKey("world", World)
log = logging.getLogger(__name__)
MAX_BODY = 60 * 1024 * 1024  # above Telegram's 50 MB upload limit so we can answer 413


def _reply(error: ApiError) -> web.Response:
    status = error.error_code if 100 <= error.error_code < 600 else 500
    if error.gateway:
        return web.Response(text=error.gateway_page(), status=status, content_type="text/html")
    return web.json_response(error.payload(), status=status)


def _token_error(token: str) -> ApiError:
    # Telegram answers 404 to malformed tokens and 401 to well-formed but wrong ones.
    return UNAUTHORIZED if ":" in token else NOT_FOUND


async def handle_api(request: web.Request) -> web.Response:
    w = request.app[WORLD]
    token = request.match_info["token"]
    if token != w.token:
        return _reply(_token_error(token))
    entry = METHODS.get(request.match_info["method"].lower())
    if entry is None:
        # Same answer as Telegram for a bogus method, but say so: it may be a real method
        # the emulator does not implement yet.
        log.warning("Bot API method %r is not emulated; answered 404", request.match_info["method"])
        w.errors.append((request.match_info["method"], {}, 404, NOT_FOUND.description))
        return _reply(NOT_FOUND)
    name, handler = entry
    polling = name == "getUpdates"
    if not polling:
        w.inflight += 1
    params: dict[str, Any] = {}
    try:
        if w.round_trip and not polling:
            await asyncio.sleep(w.round_trip)
        values, files = await read_request(request)
        params = dict(values)
        logged: dict[str, Any] = dict(values)
        try:
            params = normalize(values)
            logged = dict(params)
        finally:
            for key, up in files.items():
                logged[key] = {
                    "filename": up.filename,
                    "size": len(up.content),
                    "mime_type": up.mime_type,
                }
            if not polling:
                w.calls.append((name, logged))
        fault = take_fault(w.failures.get(name) or [], params)
        if fault is not None:
            raise fault
        w.flood.check(name, params)
        if w.holds.get(name):
            # Park the call before it takes effect: the bot is stuck mid-request.
            w.holds[name] -= 1
            w.held += 1
            w.held_from.append(
                request.transport.get_extra_info("peername") if request.transport else None
            )
            await w.release.wait()
            # A held call never takes effect: its client was killed while it hung.
            raise ApiError(500, "Internal Server Error: held call abandoned")
        result = await handler(w, params, files)
        delay = w.take_delay(name, params)
        if delay:  # it took effect; the answer comes late (the client may have given up)
            await asyncio.sleep(delay)
        if polling and result:
            w.last_activity = time.monotonic()
        return web.json_response({"ok": True, "result": result})
    except ApiError as error:
        w.errors.append((name, params, error.error_code, error.description))
        return _reply(error)
    except Exception as exc:  # an emulator bug must not look like a silent network glitch
        log.exception("emulator failed handling %s", name)
        failure = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}")
        w.errors.append((name, params, failure.error_code, failure.description))
        return _reply(failure)
    finally:
        if not polling:
            w.inflight -= 1
            w.last_activity = time.monotonic()


async def handle_file(request: web.Request) -> web.Response:
    w = request.app[WORLD]
    if request.match_info["token"] != w.token:
        return _reply(NOT_FOUND)
    stored = w.files_by_path.get(request.match_info["path"])
    if stored is None:
        return _reply(NOT_FOUND)
    return web.Response(body=stored.content, content_type="application/octet-stream")


def build_app(world: World, control_routes: list[web.RouteDef]) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[WORLD] = world
    app.add_routes(
        [
            web.route("*", "/bot{token}/{method}", handle_api),
            web.get("/file/bot{token}/{path:.+}", handle_file),
            *control_routes,
        ]
    )
    return app
