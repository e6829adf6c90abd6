"""In-memory records of chats, files and messages the emulator keeps.

``SentMessage`` is the test-facing view of a bot message: tests read the visible text,
the raw HTML and the current keyboard without decoding Telegram JSON themselves.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .markup import inline_rows, reply_keyboard_rows
from .notify import Notifier


@dataclass
class StoredFile:
    """A file known to the server, uploaded by a user or by the bot."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    content: bytes
    file_size: int
    file_path: str | None = None

    def as_document(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }


@dataclass
class SentDocument:
    """The document part of a bot message."""

    filename: str
    content: bytes
    mime_type: str
    file_id: str
    file_size: int


@dataclass
class Edit:
    """Message content right after one successful edit call."""

    method: str
    text: str
    html: str
    reply_markup: list[list[tuple[str, str | None]]]
    date: int


@dataclass
class SentMessage:
    """A message the bot sent; fields reflect the current state after edits."""

    message_id: int
    chat_id: int
    date: int
    text: str  # visible text, or the caption of a document
    html: str  # raw text/caption exactly as the bot sent it
    entities: list[dict] = field(default_factory=list)
    parse_mode: str | None = None
    document: SentDocument | None = None
    markup: dict | None = None  # raw reply_markup JSON
    edits: list[Edit] = field(default_factory=list)
    deleted: bool = False
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    protect_content: bool = False
    link_preview_options: dict | None = None
    first_text: str = ""  # the text as first sent, before any edit
    first_markup: dict | None = None  # the reply_markup as first sent, before any edit

    @property
    def reply_markup(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows of (text, callback_data or url); [] when none."""
        return inline_rows(self.markup)

    @property
    def keyboard(self) -> list[list[str]] | None:
        """Reply keyboard button texts, if this message carried a ReplyKeyboardMarkup."""
        return reply_keyboard_rows(self.markup)

    @property
    def caption(self) -> str | None:
        return self.text if self.document else None

    @property
    def first_buttons(self) -> list[list[str]]:
        """The inline keyboard's rows of labels as first sent (the buttons a person saw)."""
        return [[text for text, _ in row] for row in inline_rows(self.first_markup)]

    @property
    def buttons(self) -> list[str]:
        """Flat list of inline button texts."""
        return [text for row in self.reply_markup for text, _ in row]

    def describe(self) -> str:
        """One-line summary for failure dumps."""
        parts = [f"#{self.message_id}"]
        if self.deleted:
            parts.append("(deleted)")
        if self.document:
            parts.append(f"[document {self.document.filename} {self.document.file_size}B]")
        text = self.text if len(self.text) <= 300 else self.text[:300] + "…"
        parts.append(repr(text))
        if self.reply_markup:
            parts.append(f"buttons={self.reply_markup}")
        if self.edits:
            parts.append(f"edits={len(self.edits)}")
        return " ".join(parts)


@dataclass
class Chat:
    """A private chat with one user (chat id == user id), or a group (``title`` set; its id
    is negative and ``user`` holds only that id)."""

    user: dict[str, Any]
    title: str | None = None
    blocked: bool = False
    #: The user opened the private chat (pressed Start once). Until then Telegram refuses
    #: every send (403 "bot can't initiate conversation") and knows no such chat for a
    #: per-chat command scope (400 "chat not found").
    started: bool = True
    next_message_id: int = 1
    sent: list[SentMessage] = field(default_factory=list)
    bot_messages: dict[int, SentMessage] = field(default_factory=dict)
    user_messages: dict[int, dict] = field(default_factory=dict)
    deleted_user_messages: list[int] = field(default_factory=list)
    cursor: int = 0
    actions: list[str] = field(default_factory=list)
    chat_instance: str = field(default_factory=lambda: str(secrets.randbits(62)))
    changed: Notifier = field(default_factory=Notifier, repr=False)  # per chat: no herd

    @property
    def id(self) -> int:
        return self.user["id"]

    def as_chat(self) -> dict[str, Any]:
        if self.title is not None:
            return {"id": self.id, "type": "group", "title": self.title}
        chat = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        for key in ("last_name", "username"):
            if key in self.user:
                chat[key] = self.user[key]
        return chat

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class CallbackQuery:
    """A button press waiting for answerCallbackQuery."""

    id: str
    user_id: int
    message_id: int
    data: str
    answer: dict[str, Any] | None = None
    answered: Notifier = field(default_factory=Notifier, repr=False)
    created: float = field(default_factory=time.monotonic)  # answerable for ~15 s
