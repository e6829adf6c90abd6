"""The emulated server state: chats, files, the update queue and the call log.

Both the Bot API handlers (bot side) and ``BotAPIEmulator`` (test side) mutate this one
object, which is what makes a user action visible to the bot and vice versa.
"""

from __future__ import annotations

import asyncio
import mimetypes
import secrets
import time
from typing import Any

from .errors import ApiError, bad_request, forbidden
from .faults import FaultRule, FloodControl
from .models import CallbackQuery, Chat, SentMessage, StoredFile
from .notify import Notifier

DEFAULT_UPDATE_TYPES = None  # None = everything we emit (Telegram's default set)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class World:
    """All mutable emulator state; no I/O here except waiting on notifiers."""

    def __init__(self, token: str, bot_username: str, bot_name: str, strict_html: bool):
        self.token = token
        head = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(head) if head.isdigit() else 1,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.strict_html = strict_html
        self.round_trip = 0.0  # added to every call but getUpdates (BotAPIEmulator(round_trip=))
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.updates: list[dict] = []
        self.last_update_id = 0
        self.delivered_update_id = 0
        self.allowed_updates: set[str] | None = DEFAULT_UPDATE_TYPES
        self.poll_generation = 0
        self.get_updates_calls = 0
        self.webhook: dict[str, Any] | None = None
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.menu_buttons: dict[int | None, dict] = {}
        self.calls: list[tuple[str, dict]] = []
        self.errors: list[tuple[str, dict, int, str]] = []
        self.failures: dict[str, list[FaultRule]] = {}
        self.flood = FloodControl()
        # A press Telegram no longer lets the bot answer after this many seconds.
        self.callback_timeout = 15.0
        # delay_next(): calls that take effect at once but are answered only after so many
        # seconds, as when Telegram is slow: a client that gives up first sees a timeout.
        self.delays: dict[str, list[tuple[float, int | None]]] = {}  # (seconds, chat or any)
        self.history: list[dict] = []  # every update ever enqueued, for redelivery tests
        # hold_next(): calls parked without an answer, as if the network stalled mid-request
        self.holds: dict[str, int] = {}
        self.held = 0
        self.held_from: list[Any] = []  # the client address (host, port) of each held call
        self.release = asyncio.Event()
        self.inflight = 0
        self.last_activity = time.monotonic()
        self.closing = False
        self.updates_changed = Notifier()

    # --- lookups -------------------------------------------------------------------------

    @staticmethod
    def now() -> int:
        return int(time.time())

    def chat(self, user_id: int) -> Chat:
        """Test-side lookup; unknown users are a test bug, so raise KeyError."""
        try:
            return self.chats[user_id]
        except KeyError:
            raise KeyError(f"unknown user {user_id}; call add_user() first") from None

    def chat_for_bot(self, chat_id: Any, sending: bool = True) -> Chat:
        """Bot-side lookup with Telegram's errors (chat not found / blocked)."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if not chat.started:  # a user Telegram knows who never pressed Start
            if sending:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if sending and chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    # --- files ---------------------------------------------------------------------------

    def store_file(
        self, file_name: str, content: bytes, mime_type: str | None, size: int | None = None
    ) -> StoredFile:
        mime = mime_type or mimetypes.guess_type(file_name, strict=False)[0]
        stored = StoredFile(
            file_id="BQACAgUAAxkBAAI" + secrets.token_urlsafe(24),
            file_unique_id="AgAD" + secrets.token_urlsafe(8),
            file_name=file_name,
            mime_type=mime or "application/octet-stream",
            content=content,
            file_size=len(content) if size is None else size,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_path_for(self, stored: StoredFile) -> str:
        if stored.file_path is None:
            ext = stored.file_name.rsplit(".", 1)[-1] if "." in stored.file_name else ""
            ext = ext if ext.isascii() and ext.isalnum() else "bin"
            stored.file_path = f"documents/file_{len(self.files_by_path)}.{ext}"
            self.files_by_path[stored.file_path] = stored
        return stored.file_path

    # --- messages ------------------------------------------------------------------------

    def add_sent(self, chat: Chat, sent: SentMessage) -> None:
        chat.sent.append(sent)
        chat.bot_messages[sent.message_id] = sent
        chat.changed.fire()

    def find_message(self, chat: Chat, message_id: int) -> dict | None:
        """Telegram dict of a live message in the chat (either side), or None."""
        if message_id in chat.user_messages:
            return chat.user_messages[message_id]
        sent = chat.bot_messages.get(message_id)
        if sent is not None and not sent.deleted:
            return self.bot_message_dict(chat, sent, nested=True)
        return None

    def bot_message_dict(self, chat: Chat, sent: SentMessage, nested: bool = False) -> dict:
        """What Telegram returns for a bot message (and puts in callback queries)."""
        msg: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": dict(self.bot_user),
            "chat": chat.as_chat(),
            "date": sent.date,
        }
        key, ent_key = ("caption", "caption_entities") if sent.document else ("text", "entities")
        if sent.document:
            stored = self.files[sent.document.file_id]
            msg["document"] = stored.as_document()
        if sent.text:
            msg[key] = sent.text
        if sent.entities:
            msg[ent_key] = sent.entities
        if sent.markup and "inline_keyboard" in sent.markup:
            msg["reply_markup"] = sent.markup
        if sent.edit_date:
            msg["edit_date"] = sent.edit_date
        if sent.protect_content:
            msg["has_protected_content"] = True
        if sent.link_preview_options:
            msg["link_preview_options"] = sent.link_preview_options
        if sent.reply_to_message_id and not nested:
            replied = self.find_message(chat, sent.reply_to_message_id)
            if replied:
                msg["reply_to_message"] = replied
        return msg

    def new_user_message(
        self,
        chat: Chat,
        content: dict[str, Any],
        reply_to: int | None,
        sender: dict[str, Any] | None = None,
    ) -> dict:
        """Record an incoming user message (in a group: from ``sender``) and enqueue it."""
        if chat.blocked:
            raise ValueError(f"user {chat.id} has blocked the bot; call unblock() first")
        # The first message (Start, or a deep link's /start) opens the chat; Telegram sends
        # no my_chat_member update for it.
        chat.started = True
        msg = {
            "message_id": chat.take_message_id(),
            "from": dict(sender or chat.user),
            "chat": chat.as_chat(),
            "date": self.now(),
            **content,
        }
        if reply_to is not None:
            replied = self.find_message(chat, reply_to)
            if replied is None:
                raise LookupError(f"message {reply_to} not found in chat {chat.id}")
            msg["reply_to_message"] = replied
        chat.user_messages[msg["message_id"]] = msg
        self.enqueue("message", msg)
        return msg

    # --- updates -------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict) -> dict:
        self.last_update_id += 1
        update = {"update_id": self.last_update_id, kind: payload}
        self.updates.append(update)
        self.history.append(update)
        self.updates_changed.fire()
        return update

    def take_delay(self, method: str, params: dict[str, Any]) -> float:
        """Seconds to hold the answer of this call (``delay_next``), 0 for none."""
        queue = self.delays.get(method) or []
        for index, (seconds, chat_id) in enumerate(queue):
            if chat_id is None or chat_id == params.get("chat_id"):
                del queue[index]
                return seconds
        return 0.0

    def undelivered(self) -> int:
        return sum(1 for u in self.updates if u["update_id"] > self.delivered_update_id)

    async def get_updates(
        self, offset: int | None, limit: int | None, timeout: float | None, allowed: Any
    ) -> list[dict]:
        """Long polling with Telegram's offset/limit/timeout/conflict semantics."""
        if self.webhook:
            raise ApiError(409, CONFLICT_WEBHOOK)
        self.get_updates_calls += 1
        self.poll_generation += 1
        generation = self.poll_generation
        self.updates_changed.fire()  # an older pending poll must now fail with 409
        if isinstance(allowed, list):
            self.allowed_updates = set(allowed) or None
        limit = min(max(limit or 100, 1), 100)
        if offset is not None and offset < 0:
            self.updates = self.updates[offset:]
            offset = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout or 0, 0)
        while True:
            if offset is not None:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if generation != self.poll_generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)
            if self.allowed_updates is not None:
                self.updates = [u for u in self.updates if _kind(u) in self.allowed_updates]
            batch = self.updates[:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.closing:
                if batch:
                    self.delivered_update_id = max(self.delivered_update_id, batch[-1]["update_id"])
                return batch
            await self.updates_changed.wait(remaining)


def _kind(update: dict) -> str:
    return next(k for k in update if k != "update_id")
