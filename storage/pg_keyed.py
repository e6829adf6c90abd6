"""On PostgreSQL, the stored buttons, the render notes and the revocation journal as rows of
their own tables, one row per key (schema version 5, :mod:`storage.pg_schema`), instead of a
row (``state/buttons.json``, ``state/notes.json``) or a file (``state/revoked.jsonl``) shared
by every chat: a worker writing one chat's or one unit's keys locks only those rows.

* ``lkj_buttons``: one row per stored token (the few button payloads too large to sign),
  with the fields it is taken back by (group, group key, cycle) as indexed columns; a press
  reads its token's row, a revocation deletes the rows of its group or cycle.
* ``lkj_notes``: one row per render note, by the update being handled.
* ``lkj_revoked``: one row per revoked key (``g:<group key>``: an offer's or a form's
  buttons, one chat's; ``c:<cycle>``: a filed quarter's, one unit's) with its generation and
  the day it was last revoked; ``lkj_revoked_by`` the (owed entry, key) pairs already applied,
  so applying an owed revocation again changes nothing.

Every statement runs on the store's connection: inside :meth:`storage.pg.PgStore.transaction`
it commits with the change it belongs to (``app.unit_of_work.saved_or_not`` applies the
revocations a change owes in the transaction that stores it), outside it on its own.
"""

from __future__ import annotations

import copy
import secrets
from contextlib import AbstractContextManager
from datetime import date
from typing import Any, Protocol

import psycopg
from psycopg.types.json import Json


class PgStore(Protocol):
    """What these tables need of ``storage.pg.PgStore`` (named here, so that this module,
    which ``storage.pg_schema`` uses, imports nothing of ``storage.pg``)."""

    lock: Any
    conn: psycopg.Connection

    def execute(self, query: Any, params: Any = None) -> psycopg.Cursor: ...

    def transaction(self) -> AbstractContextManager[None]: ...


#: The payload fields a token is taken back by, kept as columns of ``lkj_buttons``.
BUTTON_COLUMNS = {"group": "grp", "gk": "gk", "cycle": "cycle", "token": "token"}

TABLES = """
CREATE TABLE IF NOT EXISTS lkj_buttons (
    token text PRIMARY KEY,
    grp text,
    gk text,
    cycle text,
    payload json NOT NULL
);
CREATE INDEX IF NOT EXISTS lkj_buttons_grp ON lkj_buttons (grp) WHERE grp IS NOT NULL;
CREATE INDEX IF NOT EXISTS lkj_buttons_gk ON lkj_buttons (gk) WHERE gk IS NOT NULL;
CREATE INDEX IF NOT EXISTS lkj_buttons_cycle ON lkj_buttons (cycle) WHERE cycle IS NOT NULL;
CREATE TABLE IF NOT EXISTS lkj_notes (
    update_id bigint PRIMARY KEY,
    chat_id bigint NOT NULL,
    message_id bigint NOT NULL,
    outcome text
);
CREATE TABLE IF NOT EXISTS lkj_revoked (
    key text PRIMARY KEY,
    generation integer NOT NULL CHECK (generation > 0),
    day date NOT NULL
);
CREATE INDEX IF NOT EXISTS lkj_revoked_day ON lkj_revoked (day);
CREATE TABLE IF NOT EXISTS lkj_revoked_by (
    entry text NOT NULL,
    key text NOT NULL,
    day date NOT NULL,
    PRIMARY KEY (entry, key)
);
CREATE INDEX IF NOT EXISTS lkj_revoked_by_day ON lkj_revoked_by (day);
"""
TABLE_NAMES = ("lkj_buttons", "lkj_notes", "lkj_revoked", "lkj_revoked_by")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def button_row(payload: dict[str, Any]) -> tuple[Any, ...]:
    """The ``lkj_buttons`` row of a stored payload (which carries its ``token``)."""
    return (
        payload["token"],
        _text(payload.get("group")),
        _text(payload.get("gk")),
        _text(payload.get("cycle")),
        Json(payload),
    )


INSERT_BUTTON = (
    "INSERT INTO lkj_buttons (token, grp, gk, cycle, payload) VALUES (%s, %s, %s, %s, %s)"
)
INSERT_NOTE = (
    "INSERT INTO lkj_notes (update_id, chat_id, message_id, outcome) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (update_id) DO UPDATE SET chat_id = excluded.chat_id, "
    "message_id = excluded.message_id, outcome = excluded.outcome"
)


class PgButtons:
    """``storage.repositories.ButtonRepository`` on PostgreSQL: a row per token."""

    def __init__(self, store: PgStore):
        self.store = store

    def issue_many(self, payloads: list[dict[str, Any]]) -> list[str]:
        docs = [{**p, "token": secrets.token_urlsafe(12)} for p in payloads]
        with self.store.lock, self.store.conn.cursor() as cur:
            cur.executemany(INSERT_BUTTON, [button_row(d) for d in docs])
        return [d["token"] for d in docs]

    def get(self, token: str) -> dict[str, Any] | None:
        row = self.store.execute(
            "SELECT payload FROM lkj_buttons WHERE token = %s", (token,)
        ).fetchone()
        return copy.deepcopy(row[0]) if row else None

    def revoke_matching(self, field: str, value: Any) -> None:
        column = BUTTON_COLUMNS.get(field)
        if column is not None:
            self.store.execute(f"DELETE FROM lkj_buttons WHERE {column} = %s", (_text(value),))
        else:  # a field without a column of its own: compared in the payload
            self.store.execute(
                "DELETE FROM lkj_buttons WHERE payload->>%s = %s", (field, _text(value))
            )

    def all(self) -> list[dict[str, Any]]:
        rows = self.store.execute("SELECT payload FROM lkj_buttons ORDER BY token").fetchall()
        return [dict(r[0]) for r in rows]


class PgNotes:
    """``storage.repositories.NoteRepository`` on PostgreSQL: a row per note."""

    def __init__(self, store: PgStore):
        self.store = store

    def get(self, update_id: int) -> dict[str, Any] | None:
        row = self.store.execute(
            "SELECT update_id, chat_id, message_id, outcome FROM lkj_notes WHERE update_id = %s",
            (update_id,),
        ).fetchone()
        return _note(row) if row else None

    def put(self, note: dict[str, Any]) -> None:
        self.store.execute(
            INSERT_NOTE,
            (note["update_id"], note["chat_id"], note["message_id"], note.get("outcome")),
        )

    def remove(self, update_id: int) -> None:
        self.store.execute("DELETE FROM lkj_notes WHERE update_id = %s", (update_id,))

    def all(self) -> list[dict[str, Any]]:
        rows = self.store.execute(
            "SELECT update_id, chat_id, message_id, outcome FROM lkj_notes ORDER BY update_id"
        ).fetchall()
        return [_note(r) for r in rows]


def _note(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"update_id": row[0], "chat_id": row[1], "message_id": row[2], "outcome": row[3]}


# An owed revocation counts once per (entry, key): the pair is inserted first, and the key's
# generation raised only if it was new.
ADD_ONCE = """
WITH fresh AS (
    INSERT INTO lkj_revoked_by (entry, key, day) VALUES (%(entry)s, %(key)s, %(day)s)
    ON CONFLICT DO NOTHING RETURNING key, day
)
INSERT INTO lkj_revoked (key, generation, day) SELECT key, 1, day FROM fresh
ON CONFLICT (key) DO UPDATE
    SET generation = lkj_revoked.generation + 1, day = GREATEST(lkj_revoked.day, excluded.day)
"""
ADD = """
INSERT INTO lkj_revoked (key, generation, day) VALUES (%(key)s, 1, %(day)s)
ON CONFLICT (key) DO UPDATE
    SET generation = lkj_revoked.generation + 1, day = GREATEST(lkj_revoked.day, excluded.day)
"""


class PgRevocations:
    """``storage.revocations.Revocations`` on PostgreSQL: a row per revoked key."""

    def __init__(self, store: PgStore):
        self.store = store

    def generation(self, key: str) -> int:
        row = self.store.execute(
            "SELECT generation FROM lkj_revoked WHERE key = %s", (key,)
        ).fetchone()
        return int(row[0]) if row else 0

    def generations(self, keys: list[str]) -> dict[str, int]:
        found: dict[str, int] = dict(
            self.store.execute(
                "SELECT key, generation FROM lkj_revoked WHERE key = ANY(%s)", (list(keys),)
            ).fetchall()
        )
        return {key: int(found.get(key, 0)) for key in keys}

    def add(self, key: str, day: date, once: str | None = None) -> None:
        params = {"key": key, "day": day, "entry": once}
        self.store.execute(ADD if once is None else ADD_ONCE, params)

    def compact(self, keep_from: date) -> None:
        with self.store.transaction():
            self.store.execute("DELETE FROM lkj_revoked WHERE day < %s", (keep_from,))
            self.store.execute("DELETE FROM lkj_revoked_by WHERE day < %s", (keep_from,))

    def count(self) -> int:
        row = self.store.execute("SELECT count(*) FROM lkj_revoked").fetchone()
        return int(row[0]) if row else 0
