"""What the bot knows of each person's private chat (``state/chats.json``; on PostgreSQL a
row per chat, see :meth:`storage.database.Database.chat_file`): not started, open, or
blocked, since when, and whether someone has been told that it cannot take messages.

Nothing is stored for a chat the bot never had trouble with (it counts as open); the rules of
what to do with a chat in each state live in ``handlers.outbox``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tinydb import Query
from tinydb.table import Table

from storage.database import Database

NOT_STARTED = "not_started"  # Telegram: "bot can't initiate conversation with a user"
OPEN = "open"
BLOCKED = "blocked"  # Telegram: "bot was blocked by the user"
STATES = (NOT_STARTED, OPEN, BLOCKED)


class ChatStateRepository:
    def __init__(self, db: Database):
        self.db = db

    def _table(self, user_id: int) -> Table:
        return self.db.chat_file("chats", user_id).table("chats")

    def get(self, user_id: int) -> dict[str, Any] | None:
        """``{"user_id", "state", "since", "told"}`` or None (never a problem: open)."""
        doc = self._table(user_id).get(Query().user_id == user_id)
        return dict(doc) if doc else None  # type: ignore[arg-type]

    def state(self, user_id: int) -> str:
        doc = self.get(user_id)
        return str(doc["state"]) if doc else OPEN

    def all(self) -> dict[int, dict[str, Any]]:
        return {
            int(d["user_id"]): dict(d)
            for found in self.db.chat_files("chats")
            for d in found.table("chats").all()
        }

    def set(self, user_id: int, state: str, since: datetime, probed: bool = False) -> str:
        """Record the chat's state; returns the state it had before (``OPEN`` if unknown).
        The same state again only moves ``since`` (a retry that failed once more).
        ``probed``: only inferred (a per-chat menu refused "chat not found"), not yet
        confirmed by a refused message."""
        if state not in STATES:
            raise ValueError(f"unknown chat state {state!r}")
        before = self.get(user_id)
        previous = str(before["state"]) if before else OPEN
        if before is None and state == OPEN:
            return previous  # nothing to remember about an open chat
        told = bool(before and before.get("told")) and previous == state
        doc = {"user_id": user_id, "state": state, "since": since.isoformat(), "told": told}
        if probed:
            doc["probed"] = True
        self._table(user_id).upsert(doc, Query().user_id == user_id)
        return previous

    def mark_told(self, user_id: int) -> None:
        self._table(user_id).update({"told": True}, Query().user_id == user_id)
