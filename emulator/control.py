"""``/_emu/`` JSON control API, so a bot running in another process can be driven over HTTP.

Mirrors the test-side methods of ``BotAPIEmulator``; file contents travel as base64.
"""

from __future__ import annotations

import base64
import time
from dataclasses import asdict
from typing import Any, Protocol

from aiohttp import web

from .faults import FloodControl
from .models import SentMessage
from .world import World


class BotAPIEmulator(Protocol):
    """What the control API drives: ``emulator.emulator.BotAPIEmulator`` (which serves these
    routes, so it is named here by its shape)."""

    world: World

    @property
    def flood(self) -> FloodControl: ...

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        *,
        started: bool | None = None,
    ) -> dict[str, Any]: ...
    def send_message(self, user_id: int, text: str, *, reply_to: int | None = None) -> dict: ...
    def edit_message(self, user_id: int, message_id: int, text: str) -> dict: ...
    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        declared_size: int | None = None,
        *,
        reply_to: int | None = None,
    ) -> dict: ...
    def send_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 960,
    ) -> dict: ...
    def press_button(
        self,
        user_id: int,
        message_id: int,
        text: str | None = None,
        callback_data: str | None = None,
    ) -> str: ...
    def press_raw(self, user_id: int, message_id: int, callback_data: str) -> str: ...
    def block(self, user_id: int) -> None: ...
    def unblock(self, user_id: int) -> None: ...
    def sent_to(self, user_id: int) -> list[SentMessage]: ...
    def callback_answer(self, callback_query_id: str) -> dict | None: ...
    def delay_next(
        self, method: str, seconds: float, count: int = 1, chat_id: int | None = None
    ) -> None: ...
    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        *,
        chat_id: int | None = None,
        probability: float = 1.0,
        gateway: bool | None = None,
        seed: int | None = None,
    ) -> None: ...
    def clear_faults(self) -> None: ...


def sent_json(sent: SentMessage) -> dict[str, Any]:
    data = asdict(sent)
    if sent.document is not None:
        data["document"]["content_b64"] = base64.b64encode(sent.document.content).decode()
        del data["document"]["content"]
    data["reply_markup"] = [[list(b) for b in row] for row in sent.reply_markup]
    return data


def _flood(emu: BotAPIEmulator, b: dict[str, Any]) -> dict[str, Any]:
    """Read or set flood control: ``{"enabled": false}`` turns it off."""
    if "enabled" in b:
        emu.flood.enabled = bool(b["enabled"])
    return {"enabled": emu.flood.enabled, "refused": emu.flood.refused}


def _actions(emu: BotAPIEmulator) -> dict[str, Any]:
    def doc(b: dict) -> dict:
        return emu.send_document(
            int(b["user_id"]),
            b["filename"],
            base64.b64decode(b.get("content_b64", "")),
            b.get("mime_type"),
            b.get("caption"),
            b.get("declared_size"),
            reply_to=b.get("reply_to"),
        )

    return {
        "add_user": lambda b: emu.add_user(
            int(b["user_id"]),
            b["first_name"],
            b.get("last_name"),
            b.get("username"),
            started=None if b.get("started") is None else bool(b["started"]),
        ),
        "send_message": lambda b: emu.send_message(
            int(b["user_id"]), b["text"], reply_to=b.get("reply_to")
        ),
        "send_document": doc,
        "edit_message": lambda b: emu.edit_message(
            int(b["user_id"]), int(b["message_id"]), b["text"]
        ),
        "send_photo": lambda b: emu.send_photo(
            int(b["user_id"]), base64.b64decode(b.get("content_b64", "")), b.get("caption")
        ),
        "press_button": lambda b: emu.press_button(
            int(b["user_id"]), int(b["message_id"]), b.get("text"), b.get("callback_data")
        ),
        "press_raw": lambda b: emu.press_raw(
            int(b["user_id"]), int(b["message_id"]), b["callback_data"]
        ),
        "block": lambda b: emu.block(int(b["user_id"])),
        "unblock": lambda b: emu.unblock(int(b["user_id"])),
        "fail_next": lambda b: emu.fail_next(
            b["method"],
            int(b.get("error_code", 400)),
            b.get("description"),
            b.get("retry_after"),
            int(b.get("count", 1)),
            chat_id=None if b.get("chat_id") is None else int(b["chat_id"]),
            probability=float(b.get("probability", 1.0)),
            gateway=b.get("gateway"),
            seed=b.get("seed"),
        ),
        "clear_faults": lambda b: emu.clear_faults(),
        "flood": lambda b: _flood(emu, b),
        "delay_next": lambda b: emu.delay_next(
            b["method"],
            float(b["seconds"]),
            int(b.get("count", 1)),
            None if b.get("chat_id") is None else int(b["chat_id"]),
        ),
        "sent_to": lambda b: [sent_json(s) for s in emu.sent_to(int(b["user_id"]))],
        "callback_answer": lambda b: emu.callback_answer(str(b["callback_query_id"])),
        "status": lambda b: {
            "undelivered_updates": emu.world.undelivered(),
            "inflight": emu.world.inflight,
            "idle_seconds": time.monotonic() - emu.world.last_activity,
            "get_updates_calls": emu.world.get_updates_calls,
            "calls": len(emu.world.calls),
        },
    }


def control_routes(emu: BotAPIEmulator) -> list[web.RouteDef]:
    actions = _actions(emu)

    async def handle(request: web.Request) -> web.Response:
        action = actions.get(request.match_info["action"])
        if action is None:
            return web.json_response({"ok": False, "error": "unknown action"}, status=404)
        body: dict[str, Any] = dict(request.query)
        if request.body_exists:
            try:
                body.update(await request.json())
            except ValueError:
                return web.json_response({"ok": False, "error": "body must be JSON"}, status=400)
        try:
            result = action(body)
        except (KeyError, LookupError, ValueError, TypeError) as exc:
            return web.json_response({"ok": False, "error": repr(exc)}, status=400)
        return web.json_response({"ok": True, "result": result})

    return [web.route("*", "/_emu/{action}", handle)]
