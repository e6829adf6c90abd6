"""The bot's own small web server for the Mini App: the static pages and their JSON calls.

Every call carries Telegram's ``initData`` (header ``Authorization: tma <initData>``); it is
validated (``webapp.auth``), the Telegram user must be in the roster, and the call then goes
through ``handlers.miniapp``, which calls the chat's own use cases (``app/``) with the
services and the bot: no update, no PTB context. A call
whose ``initData`` is missing, forged or expired is only counted (``webapp.refusals``: one
summary audit line per window, 429 past the per-address limit), never audited one by one. Every
response carries a strict Content-Security-Policy: the pages load only their own files and
talk only to this server.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot
from telegram.ext import Application

from app import pemda_page
from app.pemda import evaluator_of
from app.pemda_page import EXPIRED, LinkRefused
from app.store import ConcurrentUpdateError, storage_full
from domain.errors import DomainError, InputError, RoleError
from handlers import menu, miniapp, progress, texts, tte_page
from webapp.auth import InitDataError, validate_init_data
from webapp.refusals import RefusalLimiter, client_of

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors https://web.telegram.org"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# The pages and their assets: a fixed list, so no path from a request ever reaches the disk.
STATIC = {
    "isi.html": "text/html",
    "tinjau.html": "text/html",
    "ttd.html": "text/html",
    "pantau.html": "text/html",
    "app.css": "text/css",
    "common.js": "text/javascript",
    "isi.js": "text/javascript",
    "tinjau.js": "text/javascript",
    "ttd.js": "text/javascript",
    "pantau.js": "text/javascript",
}
# The evaluators' page: in Telegram (initData) or at a signed link (``?tautan=``).
PANTAU_PAGE = "pantau.html"
PANTAU_API = "/api/pantau"
REFUSED_PAGE = "ditolak.html"  # the page a refused link gets: {title}, {message}
MAX_BODY = 64 * 1024

Call = Callable[[Any, Bot, Any, dict[str, Any]], Awaitable[dict[str, Any]]]


def _read_static(name: str) -> bytes:
    return resources.files("webapp").joinpath("static", name).read_bytes()


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


# Calls that change a cycle: they take the unit's lock as a button press does.
CHANGES_STATE = frozenset(
    {
        "/api/isi/kirim",
        "/api/tinjau/aksi",
        "/api/isi/bukti",
        "/api/isi/bukti/hapus",
        "/api/ttd/tandatangani",
    }
)
# A file from the form: its bytes are the request's body, the cycle, indicator and file name
# its query (the only call that is not JSON, and the only one larger than MAX_BODY).
UPLOAD = "/api/isi/bukti"


class WebAppServer:
    """Serves the Mini App beside the running bot (started and stopped with it)."""

    def __init__(self, application: Application, host: str, port: int, prefix: str = ""):
        self.application = application
        self.prefix = prefix.rstrip("/")  # the path of LKJ_WEBAPP_URL, e.g. "/app"
        self.host, self.port = host, port
        self.services = application.bot_data["services"]
        self.runner: web.AppRunner | None = None
        self.files = {name: _read_static(name) for name in STATIC}
        self.refused_page = _read_static(REFUSED_PAGE).decode()
        services = self.services
        self.refusals = RefusalLimiter(
            lambda entry: services.audit.append(None, services.now().year, entry),
            "miniapp:unauthenticated",
            now=services.now,
        )

    def build(self) -> web.Application:
        app = web.Application(middlewares=[security_headers], client_max_size=MAX_BODY)
        app.router.add_get(f"{self.prefix}/", self.page_index)
        app.router.add_get(f"{self.prefix}/{PANTAU_PAGE}", self.pantau_page)
        app.router.add_post(self.prefix + PANTAU_API, self.pantau_api)
        app.router.add_get(f"{self.prefix}/{{name}}", self.static)
        routes: dict[str, Call] = {
            "/api/isi": self._sync(miniapp.form_view, "siklus"),
            "/api/isi/draf": self._sync(miniapp.save_draft),
            "/api/isi/kirim": miniapp.send_form,
            "/api/tinjau": self._sync(miniapp.review_view, "siklus"),
            "/api/tinjau/aksi": miniapp.review_action,
            "/api/bukti": miniapp.send_evidence,
            UPLOAD: miniapp.upload_evidence,
            "/api/isi/bukti/hapus": miniapp.remove_evidence,
            # The signing page: the passphrase of the TTE, never stored nor logged.
            "/api/ttd": self._sync(tte_page.sign_view),
            "/api/ttd/tandatangani": tte_page.sign,
        }
        for path, call in routes.items():
            app.router.add_post(self.prefix + path, self._api(path, call))
        return app

    def _sync(self, fn: Callable[..., dict[str, Any]], field: str | None = None) -> Call:
        async def call(services, bot, person, body):
            return fn(services, person, body.get(field) if field else body)

        return call

    async def start(self) -> None:
        self.runner = web.AppRunner(self.build(), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        self.refusals.start()
        log.info("Mini App server on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        await self.refusals.stop()

    async def page_index(self, request: web.Request) -> web.Response:
        return web.Response(text="lkj-bot Mini App", content_type="text/plain")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        return web.Response(body=self.files[name], content_type=STATIC[name], charset="utf-8")

    def _current_roster(self) -> None:
        """Reload the roster when another process changed it, before a call reads it, as the
        chat does before each update: with several workers, an invitation accepted, a
        mutasi, a stand-in or a ``lkj-bot roster import`` handled by another worker (or
        the CLI) holds here at once, not only after this worker's next update."""
        if self.services.refresh_roster():
            self.application.create_task(menu.sync_menus(self.application.bot, self.services))

    def _refused_page(self, request: web.Request, message: str, status: int) -> web.Response:
        body = self.refused_page.format(
            title=html.escape(texts.PANTAU_REFUSED_TITLE), message=html.escape(message)
        )
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def _link_refusal(self, request: web.Request, exc: LinkRefused) -> tuple[str, int]:
        """A refused link's words and status: counted as an unauthenticated call (no audit
        line each), 429 past the per-address limit."""
        message = texts.PANTAU_LINK_EXPIRED if exc.reason == EXPIRED else texts.PANTAU_LINK_TAMPERED
        if self.refusals.refuse(client_of(request.remote), message):
            return texts.WEBAPP_TOO_MANY_REFUSED, 429
        return message, 403

    async def pantau_page(self, request: web.Request) -> web.Response:
        """The evaluators' page. With a signed link (a desktop browser) the link is checked
        before the page is served: a tampered or expired one gets a page saying so, 403."""
        token = request.query.get("tautan")
        if token is not None:
            self._current_roster()
            try:
                pemda_page.evaluator_by_link(self.services, token)
            except LinkRefused as exc:
                return self._refused_page(request, *self._link_refusal(request, exc))
            except RoleError as exc:
                return self._refused_page(request, str(exc), 403)
        return web.Response(body=self.files[PANTAU_PAGE], content_type="text/html", charset="utf-8")

    async def pantau_api(self, request: web.Request) -> web.Response:
        """The page's data, for the evaluator named by initData (``tma``) or by a signed
        link (``tautan``); a member of a unit, a stranger or a bad link is refused."""
        services = self.services
        kind, _, credential = request.headers.get("Authorization", "").partition(" ")
        user_id = 0
        try:
            if kind == "tautan":
                self._current_roster()
                evaluator = pemda_page.evaluator_by_link(services, credential)
            else:
                if kind != "tma":
                    raise InitDataError(texts.WEBAPP_AUTH_MISSING)
                user = validate_init_data(
                    credential,
                    services.settings.telegram_bot_token,
                    services.now(),
                    services.settings.lkj_webapp_max_age_s,
                )
                user_id = user.user_id
                self._current_roster()
                evaluator = evaluator_of(services, user_id)
            try:
                body = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                body = {}
            year = body.get("tahun") if isinstance(body, dict) else None
            year = year if isinstance(year, int) and not isinstance(year, bool) else None
            return web.json_response(pemda_page.page_data(services, evaluator, year))
        except InitDataError as exc:
            if self.refusals.refuse(client_of(request.remote), str(exc)):
                return web.json_response({"error": texts.WEBAPP_TOO_MANY_REFUSED}, status=429)
            return web.json_response({"error": str(exc)}, status=401)
        except LinkRefused as exc:
            message, status = self._link_refusal(request, exc)
            return web.json_response({"error": message}, status=status)
        except RoleError as exc:
            miniapp.audit_refusal(services, user_id, None, PANTAU_API, str(exc))
            return web.json_response({"error": str(exc)}, status=403)

    async def _upload_body(self, request: web.Request) -> dict[str, Any]:
        """The file's bytes, read up to the upload limit (a larger one is refused unread)."""
        limit = self.services.settings.max_upload_bytes
        if request.content_length is not None and request.content_length > limit:
            raise InputError(texts.webapp_upload_too_large(limit))
        data = await request.content.read(limit + 1)
        if len(data) > limit:
            raise InputError(texts.webapp_upload_too_large(limit))
        query = request.query
        return {
            "siklus": query.get("siklus", ""),
            "kode": query.get("kode", ""),
            "nama": query.get("nama", ""),
            "ganti": query.get("ganti", ""),  # the file this one replaces (as /bukti's Ganti)
            "data": data,
        }

    def _api(self, path: str, call: Call):
        async def handle(request: web.Request) -> web.Response:
            services, bot = self.services, self.application.bot
            header = request.headers.get("Authorization", "")
            user_id, person = 0, None
            try:
                if not header.startswith("tma "):
                    raise InitDataError(texts.WEBAPP_AUTH_MISSING)
                user = validate_init_data(
                    header[4:],
                    services.settings.telegram_bot_token,
                    services.now(),
                    services.settings.lkj_webapp_max_age_s,
                )
                user_id = user.user_id
                self._current_roster()
                person = services.roster.person(user_id)
                if person is None:
                    raise RoleError(texts.WEBAPP_NOT_REGISTERED)
                if path == UPLOAD:
                    body = await self._upload_body(request)
                else:
                    try:
                        body = await request.json()
                    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                        raise InputError(texts.WEBAPP_BAD_REQUEST) from exc
                if not isinstance(body, dict):
                    raise InputError(texts.WEBAPP_BAD_REQUEST)
                if path not in CHANGES_STATE:
                    return web.json_response(await call(services, bot, person, body))
                # Like a button press: one state change of the unit at a time (guarantee 14).
                async with progress.unit_turn(services.unit_lock(person.unit), None):
                    result = await call(services, bot, person, body)
                return web.json_response(result)
            except InitDataError as exc:
                # Counted, not audited one by one: it costs nothing lasting (item 4, issue 24).
                if self.refusals.refuse(client_of(request.remote), str(exc)):
                    return web.json_response({"error": texts.WEBAPP_TOO_MANY_REFUSED}, status=429)
                return web.json_response({"error": str(exc)}, status=401)
            except ConcurrentUpdateError:
                return web.json_response({"error": texts.WEBAPP_CHANGED}, status=409)
            except DomainError as exc:
                miniapp.audit_refusal(services, user_id, person, path, str(exc))
                status = 403 if isinstance(exc, RoleError) else 400
                if not isinstance(exc, RoleError | InputError):
                    status = 409
                return web.json_response({"error": str(exc)}, status=status)
            except Exception as exc:
                if not storage_full(exc):
                    raise
                log.error("storage full while answering %s: %s", path, exc)
                return web.json_response({"error": texts.STORAGE_FULL}, status=503)

        return handle


async def start_webapp(application: Application) -> WebAppServer | None:
    """Start the Mini App's server with the bot when ``LKJ_WEBAPP_URL`` is set."""
    settings = application.bot_data["services"].settings
    if not settings.lkj_webapp_url:
        return None
    server = WebAppServer(
        application,
        settings.lkj_webapp_listen,
        settings.lkj_webapp_port,
        urlsplit(settings.lkj_webapp_url).path,
    )
    await server.start()
    application.bot_data["webapp"] = server
    return server


async def stop_webapp(application: Application) -> None:
    server = application.bot_data.pop("webapp", None)
    if server is not None:
        await server.stop()
