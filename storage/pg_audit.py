"""The audit trail in PostgreSQL: the same hash-chained entries as ``storage/audit.py``, one
row per entry, append-only by the database's own rights.

Each row keeps the entry's canonical JSON line exactly as hashed (``line``), the log it
belongs to (``log``: the path the file backend would use, ``audit/units/<unit>/<year>.jsonl``)
and its ``seq``; ``UNIQUE (log, seq)`` and a transaction-scoped advisory lock per log keep
the chain linear when several workers append at once. The bot's role may only ``SELECT`` and
``INSERT`` these rows (:func:`storage.pg.init_schema`), and a trigger refuses ``UPDATE``,
``DELETE`` and ``TRUNCATE`` even to the owner, so a cut-off or rewritten history needs a
superuser; the chain (``lkj-bot audit verify``) and the anchors printed by
``lkj-bot audit anchor`` still show it then.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from storage.audit import (
    AUDIT_DIR,
    VerifyReport,
    _expected_owner,
    canonical_json,
    chain_entry,
    log_path,
    normalise_entry,
    verify_lines,
)
from storage.pg import PgStore


def log_name(unit: str | None, year: int) -> str:
    """The log's name: its file path relative to a data directory (same checks)."""
    return log_path(Path("."), unit, year).as_posix()


class PgAuditLog:
    """One chained log (a unit and year, or the global log of a year)."""

    def __init__(self, store: PgStore, unit: str | None, year: int):
        self.store = store
        self.unit = unit
        self.year = year
        self.name = log_name(unit, year)
        self.path = Path(self.name)
        self.head: tuple[int, str] | None = None

    def entries(self) -> Iterator[dict[str, Any]]:
        rows = self.store.execute(
            "SELECT line FROM lkj_audit WHERE log = %s ORDER BY seq", (self.name,)
        ).fetchall()
        for (line,) in rows:
            yield json.loads(line)

    def verify(self) -> VerifyReport:
        return verify_log(self.store, self.name)

    def find_key(self, key: str) -> dict[str, Any] | None:
        row = self.store.execute(
            "SELECT line FROM lkj_audit WHERE log = %s AND key = %s", (self.name, key)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def append(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """Append one entry (committed when this returns); with a ``key`` already in the log,
        return that entry and write nothing."""
        record = normalise_entry(entry)
        with self.store.transaction():
            self.store.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (self.name,)
            )
            if record["key"] is not None:
                existing = self.find_key(record["key"])
                if existing is not None:
                    return existing
            row = self.store.execute(
                "SELECT line FROM lkj_audit WHERE log = %s ORDER BY seq DESC LIMIT 1",
                (self.name,),
            ).fetchone()
            last = json.loads(row[0]) if row else None
            written = chain_entry(record, last, self.unit, self.year)
            self.store.execute(
                "INSERT INTO lkj_audit (log, seq, key, line) VALUES (%s, %s, %s, %s)",
                (
                    self.name,
                    written["seq"],
                    written["key"],
                    canonical_json(written).decode("utf-8"),
                ),
            )
        self.head = (written["seq"], written["hash"])
        return written


def verify_log(store: PgStore, name: str) -> VerifyReport:
    """The chain of one log, checked by the same rules as a log file (rows in the order they
    were inserted, so a row slipped in later with a lower seq shows as reordering)."""
    rows = store.execute(
        "SELECT line FROM lkj_audit WHERE log = %s ORDER BY id", (name,)
    ).fetchall()
    data = b"".join(line.encode("utf-8") + b"\n" for (line,) in rows)
    path = Path(name)
    owner = _expected_owner(Path(AUDIT_DIR), path)
    if owner is None:
        return verify_lines(path, data)
    return verify_lines(path, data, owner[0], owner[1], expect_log=True)


def role_can_rewrite(store: PgStore) -> list[str]:
    """The rights the connected role has beyond appending to the audit rows (should be none)."""
    row = store.execute(
        "SELECT has_table_privilege(current_user, 'lkj_audit', 'UPDATE'), "
        "has_table_privilege(current_user, 'lkj_audit', 'DELETE'), "
        "has_table_privilege(current_user, 'lkj_audit', 'TRUNCATE')"
    ).fetchone()
    assert row is not None
    return [name for name, has in zip(("UPDATE", "DELETE", "TRUNCATE"), row, strict=True) if has]


class PgAuditTrail:
    """All audit logs of the database; the interface of :class:`storage.audit.AuditTrail`."""

    def __init__(self, store: PgStore):
        self.store = store
        self._logs: dict[tuple[str | None, int], PgAuditLog] = {}

    def log(self, unit: str | None, year: int) -> PgAuditLog:
        found = self._logs.get((unit, year))
        if found is None:
            found = self._logs[(unit, year)] = PgAuditLog(self.store, unit, year)
        return found

    def append(self, unit: str | None, year: int, entry: Mapping[str, Any]) -> dict[str, Any]:
        return self.log(unit, year).append(entry)

    def names(self) -> list[str]:
        rows = self.store.execute("SELECT DISTINCT log FROM lkj_audit ORDER BY log").fetchall()
        return [str(r[0]) for r in rows]

    def verify_all(self) -> list[VerifyReport]:
        return [verify_log(self.store, name) for name in self.names()]
