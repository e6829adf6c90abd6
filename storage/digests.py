"""The pemda evaluators' weekly digests (``pemda/<pemda>/<year>.json``, table ``digests``).

One document per evaluator and week, keyed by a stable key: written *owed* (with its text)
before anything is sent, then marked part by part as Telegram accepts them, so a restart,
another worker or a failed send neither loses nor repeats a digest. One file per pemda and
year: no row is shared by every chat, and the file is bounded like the units' year files.
No rule lives here: which digest is due is ``app.pemda_digest``'s, what a send's failure
means is the channel's.
"""

from __future__ import annotations

from typing import Any

from tinydb import Query

from storage.database import Database

#: A digest's states: waiting to be sent (whole or in part), sent, or given up.
OWED = "owed"
SENT = "sent"
DROPPED = "dropped"


class PemdaDigestRepository:
    def __init__(self, db: Database):
        self.db = db

    def _table(self, pemda: str, year: int):
        return self.db.file("pemda", pemda, f"{year}.json").table("digests")

    def _exists(self, pemda: str, year: int) -> bool:
        """Whether the pemda's file of the year was ever written (a stat, or a row's version):
        the tick's reads of a pemda with nothing recorded create no folder and open no file."""
        return self.db.signature("pemda", pemda, f"{year}.json") is not None

    def get(self, pemda: str, year: int, key: str) -> dict[str, Any] | None:
        if not self._exists(pemda, year):
            return None
        doc = self._table(pemda, year).get(Query().key == key)
        return dict(doc) if doc else None  # type: ignore[arg-type]

    def owe(self, pemda: str, year: int, doc: dict[str, Any]) -> bool:
        """Record a digest as owed, unless its key is recorded already (then False)."""
        table = self._table(pemda, year)
        if table.contains(Query().key == doc["key"]):
            return False
        table.insert({**doc, "state": OWED, "sent_parts": 0})
        return True

    def update(self, pemda: str, year: int, key: str, changes: dict[str, Any]) -> None:
        self._table(pemda, year).update(changes, Query().key == key)

    def owed(self, pemda: str, year: int) -> list[dict[str, Any]]:
        """The digests of the year still owed, oldest first."""
        if not self._exists(pemda, year):
            return []
        rows = self._table(pemda, year).search(Query().state == OWED)
        return sorted((dict(r) for r in rows), key=lambda r: str(r.get("at", "")))
