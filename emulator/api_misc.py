"""Bot API methods other than message sending: identity, polling, commands, files, callbacks."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from .errors import bad_request
from .params import Upload
from .world import World

MAX_GET_FILE = 20 * 1024 * 1024
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")

Params = dict[str, Any]
Files = dict[str, Upload]


async def get_me(w: World, p: Params, files: Files) -> Any:
    return {
        **w.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(w: World, p: Params, files: Files) -> Any:
    return await w.get_updates(
        p.get("offset"), p.get("limit"), p.get("timeout"), p.get("allowed_updates")
    )


async def set_webhook(w: World, p: Params, files: Files) -> Any:
    url = p.get("url") or ""
    w.webhook = {"url": url, "secret_token": p.get("secret_token") or ""} if url else None
    w.updates_changed.fire()  # the webhook delivery (emulator/webhook.py) starts posting
    if p.get("drop_pending_updates"):
        w.updates.clear()
    return True


async def delete_webhook(w: World, p: Params, files: Files) -> Any:
    w.webhook = None
    if p.get("drop_pending_updates"):
        w.updates.clear()
    return True


async def get_webhook_info(w: World, p: Params, files: Files) -> Any:
    url = w.webhook["url"] if w.webhook else ""
    return {"url": url, "has_custom_certificate": False, "pending_update_count": len(w.updates)}


SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


def commands_key(p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


def check_scope(w: World, p: Params) -> None:
    """Telegram's checks of a BotCommandScope: a known type, and for a chat scope a chat the
    bot knows (a per-person menu needs a chat with that person)."""
    scope = p.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope")
    if scope["type"].startswith("chat"):
        w.chat_for_bot(scope.get("chat_id"), sending=False)


async def set_my_commands(w: World, p: Params, files: Files) -> Any:
    check_scope(w, p)
    commands = p.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    w.commands[commands_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(w: World, p: Params, files: Files) -> Any:
    check_scope(w, p)
    return w.commands.get(commands_key(p), [])


async def delete_my_commands(w: World, p: Params, files: Files) -> Any:
    check_scope(w, p)
    w.commands.pop(commands_key(p), None)
    return True


async def set_chat_menu_button(w: World, p: Params, files: Files) -> Any:
    w.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
    return True


async def get_chat_menu_button(w: World, p: Params, files: Files) -> Any:
    return w.menu_buttons.get(p.get("chat_id"), {"type": "commands"})


async def get_chat(w: World, p: Params, files: Files) -> Any:
    chat = w.chat_for_bot(p.get("chat_id"), sending=False)
    return {**chat.as_chat(), "accent_color_id": 0, "max_reaction_count": 11}


async def answer_callback_query(w: World, p: Params, files: Files) -> Any:
    query = w.callbacks.get(str(p.get("callback_query_id", "")))
    if (
        query is None
        or query.answer is not None
        or time.monotonic() - query.created > w.callback_timeout
    ):
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get("text")
    if text is not None and len(str(text)) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text,
        "show_alert": bool(p.get("show_alert")),
        "url": p.get("url"),
        "cache_time": p.get("cache_time"),
    }
    query.answered.fire()
    return True


async def get_file(w: World, p: Params, files: Files) -> Any:
    stored = w.files.get(str(p.get("file_id", "")))
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_GET_FILE:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": w.file_path_for(stored),
    }


async def ok(w: World, p: Params, files: Files) -> Any:
    """Methods whose effect the tests never inspect (descriptions, logOut, close)."""
    return True
