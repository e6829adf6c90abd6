"""Reading Bot API parameters the way Telegram does.

PTB sends form-urlencoded (or multipart) bodies where strings are raw and everything else
is JSON-encoded, so ``"123"`` may be an int or a text. Telegram decodes by the declared
type of each field; we do the same with a small field table instead of guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import bad_request

JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "reply_parameters",
    "link_preview_options",
    "allowed_updates",
    "commands",
    "scope",
    "menu_button",
    "message_ids",
}
INT_FIELDS = {
    "message_id",
    "offset",
    "limit",
    "reply_to_message_id",
    "cache_time",
    "user_id",
    "max_connections",
    "message_thread_id",
}
FLOAT_FIELDS = {"timeout"}
BOOL_FIELDS = {
    "show_alert",
    "disable_notification",
    "protect_content",
    "drop_pending_updates",
    "allow_sending_without_reply",
    "disable_web_page_preview",
    "disable_content_type_detection",
    "allow_paid_broadcast",
}


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    mime_type: str | None


async def read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Collect query, form, multipart and JSON parameters (Telegram accepts all of them)."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if not request.body_exists:
        return values, files
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON encoded request body") from exc
        if isinstance(body, dict):
            values.update(body)
    elif ctype == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                data = await part.read(decode=False)
                files[part.name] = Upload(
                    part.filename, bytes(data), part.headers.get("Content-Type")
                )
            else:
                values[part.name] = await part.text()
    else:
        form = await request.post()
        values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return values, files


def normalize(values: dict[str, Any]) -> dict[str, Any]:
    """Decode each known field to its Bot API type; unknown fields stay as sent."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "chat_id":
            out[name] = _chat_id(value)
        elif name in JSON_FIELDS:
            out[name] = _json(name, value)
        elif name in INT_FIELDS:
            out[name] = _number(name, value, int)
        elif name in FLOAT_FIELDS:
            out[name] = _number(name, value, float)
        elif name in BOOL_FIELDS:
            out[name] = _bool(value)
        else:
            out[name] = value
    return out


def _chat_id(value: Any) -> int | str:
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return str(value)


def _json(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        if name == "reply_markup":
            raise bad_request("can't parse reply keyboard markup JSON object") from exc
        raise bad_request(f"can't parse {name} JSON object") from exc


def _number(name: str, value: Any, kind: type) -> Any:
    if isinstance(value, bool):
        return kind(value)
    if isinstance(value, int | float):
        return kind(value)
    try:
        return kind(float(value)) if kind is float else kind(str(value))
    except ValueError as exc:
        raise bad_request(f"invalid {name} specified") from exc


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes"}
