"""Where the chat's decision buttons were delivered: the chat and message of each offer of a
decision group, so that a decision taken in the Mini App can edit those buttons away (the
chat's own press edits its message itself). Kept small: an entry goes when its group is
decided from the page, and entries older than ``KEEP`` go whenever one is added."""

from __future__ import annotations

from datetime import datetime, timedelta

from tinydb import Query

from storage.database import Database

KEEP = timedelta(days=120)  # longer than any quarter's review


class OfferMessages:
    def __init__(self, db: Database):
        self.table = db.file("state", "offers.json").table("offers")

    def put(self, group: str, chat_id: int, message_id: int, at: datetime) -> None:
        old = (at - KEEP).isoformat()
        if self.table.contains(Query().at < old):
            self.table.remove(Query().at < old)
        self.table.insert(
            {"group": group, "chat_id": chat_id, "message_id": message_id, "at": at.isoformat()}
        )

    def take(self, group: str) -> list[tuple[int, int]]:
        """The messages that carry ``group``'s buttons, forgotten as they are handed out."""
        docs = self.table.search(Query().group == group)
        if docs:
            self.table.remove(Query().group == group)
        return [(int(d["chat_id"]), int(d["message_id"])) for d in docs]
