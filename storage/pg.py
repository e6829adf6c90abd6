"""PostgreSQL behind the same store: each store file is one row, so the repositories keep
building the same TinyDB queries whichever backend holds the data.

``LKJ_DATABASE_URL=postgresql://…`` chooses this backend (see :class:`storage.database.Database`).
Table ``lkj_files`` holds one row per store file (``units/<unit>/<year>.json``,
``state/roster.json``, a chat's ``state/sessions/<user>.json`` …) with the file's JSON (type
``json``, so key order and numbers are kept exactly as written) and a version that grows by
one on every write.

Every TinyDB write is a read-modify-write of its file. Here it runs in one transaction that
takes the file's lock (a transaction-scoped advisory lock on its path, which also covers a row
not created yet) and reads the row ``FOR UPDATE``: two processes changing the same file wait
for each other in the database instead of overwriting each other (the TinyDB backend relies
on one process). A
:meth:`PgStore.transaction` around several operations (``CycleRepository.save``: read the
cycle, check its revision, write it with its outbox and update id) keeps the row locked from
the first read to the commit. A row that did not exist when read and was created by someone
else before the write is caught by the version check (:class:`StaleWrite`).

The schema is created by :func:`storage.pg_schema.init_schema` as the database's owner, who
grants the bot's role what it needs and no more: on ``lkj_audit`` only ``SELECT`` and
``INSERT`` (see ``storage/pg_audit.py``); :mod:`storage.pg_schema` numbers its versions and
migrates them (``lkj-bot db upgrade``), and a bot refuses a database of another version.

A document is kept as ``json`` (exact, as written), not ``jsonb``: what a view across units
filters on is kept in small tables instead, ``lkj_cycles`` (unit, year, triwulan, step,
status, since, deadline, signed, last actor) and ``lkj_indicators`` (target, realisation per
indicator), rewritten by :meth:`PgStore.write` from a unit's document in the transaction
that writes it (:func:`storage.pg_schema.write_summary`), so they never disagree with it.
:meth:`PgStore.cycle_summaries` reads them (:func:`storage.summaries.cycle_summaries`).

What is kept by a key of its own rather than by file (stored button tokens, render notes,
the buttons taken back) has tables with a row per key (:mod:`storage.pg_keyed`), written on
this connection: inside :meth:`PgStore.transaction`, with the change they belong to.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Json
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from storage.atomic import CorruptStoreError
from storage.errors import ConcurrentUpdateError
from storage.pg_schema import (
    IDENTITY_KEY,
    SCHEMA_VERSION,
    SchemaMissingError,
    SchemaVersionError,
    init_schema,
    is_chat_row,
    schema_version,
    write_summary,
)
from storage.summaries import CycleSummary, IndicatorValue, decode_passes

__all__ = ["IDENTITY_KEY", "SchemaMissingError", "SchemaVersionError", "init_schema"]  # old home

#: The database's own identity: a row of its own, created by the first process that writes (so
#: that every database made from one template still gets its own), never exported or copied.
IDENTITY_PATH = "state/identity.json"
#: Every other row's data carries the identity of the database it was written in
#: (:data:`storage.pg_schema.IDENTITY_KEY`): a row copied in from another database is refused
#: when read, naming it (issue 24, item 2).


class StaleWrite(ConcurrentUpdateError):
    """A store row changed between this process's read and its write (the caller reloads
    and retries, like any concurrent change)."""


class PgStore:
    """One connection to the database, shared by the store's repositories.

    The bot calls its storage from the event loop's thread only; the lock keeps a
    transaction's statements together should another thread (a CLI helper) use it too.
    """

    def __init__(self, url: str, on_lost: Callable[[], None] | None = None):
        self.url = url
        self.conn = psycopg.connect(url, autocommit=True)
        self.lock = threading.RLock()
        self._depth = 0
        #: Called once when the connection to the server is gone. A worker then stops (and
        #: is restarted by its service manager) rather than go on without its advisory locks
        #: and its claim on the updates it holds, which ended with the connection.
        self.on_lost = on_lost
        self._lost = False
        self._identity: str | None = None

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together; store rows read inside stay locked."""
        with self.lock:
            with self.conn.transaction():
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1

    def execute(self, query: Any, params: Any = None) -> psycopg.Cursor:
        with self.lock:
            try:
                return self.conn.execute(query, params)
            except psycopg.OperationalError:
                if self.conn.broken and not self._lost:
                    self._lost = True
                    if self.on_lost is not None:
                        self.on_lost()
                raise

    @property
    def backend_pid(self) -> int:
        """This connection's server process: the worker's identity while it lives."""
        return int(self.conn.info.backend_pid)

    def try_lock(self, name: str) -> bool:
        """Take the advisory lock ``name`` for this connection if it is free. Held until
        :meth:`unlock` or until the connection ends (a killed worker's locks are freed)."""
        row = self.execute(
            "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (name,)
        ).fetchone()
        return bool(row and row[0])

    def unlock(self, name: str) -> None:
        self.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (name,))

    def check_schema(self) -> None:
        """Refuse a database without the schema, or with one of another version."""
        with self.lock:
            found = schema_version(self.conn)
        if found is None:
            raise SchemaMissingError(self.url)
        if found != SCHEMA_VERSION:
            raise SchemaVersionError(self.url, found)

    # -- store rows

    @property
    def identity(self) -> str:
        """This database's identity (created at its first use; see :data:`IDENTITY_PATH`)."""
        if self._identity is None:
            query = "SELECT data FROM lkj_files WHERE path = %s"
            row = self.execute(query, (IDENTITY_PATH,)).fetchone()
            if row is None:
                self.execute(
                    "INSERT INTO lkj_files (path, data) VALUES (%s, %s) "
                    "ON CONFLICT (path) DO NOTHING",
                    (IDENTITY_PATH, Json({"identity": secrets.token_hex(16)})),
                )
                row = self.execute(query, (IDENTITY_PATH,)).fetchone()
            if row is None:  # cannot be: inserted above, or by another process meanwhile
                raise RuntimeError("the database's identity row is missing")
            self._identity = str(row[0]["identity"])
        return self._identity

    def _own(self, path: str, data: Any) -> Any:
        """A row's data without its database identity, refused if it names another one."""
        if not isinstance(data, dict) or IDENTITY_KEY not in data:
            return data  # written before rows carried it; bound at its next write
        data = dict(data)
        theirs = data.pop(IDENTITY_KEY)
        if theirs != self.identity:
            raise CorruptStoreError(
                Path(path),
                f"baris ini ditulis di basis data lain ({str(theirs)[:8]}…), bukan di basis "
                f"data ini ({self.identity[:8]}…): disalin dari tempat lain",
            )
        return data

    def read(self, path: str) -> tuple[dict[str, Any] | None, int | None]:
        """(data, version) of a store row, locked until the commit inside a transaction.

        The lock is an advisory lock on the path as well as the row's own: a row that does
        not exist yet has nothing to lock, and two processes creating the same file would
        otherwise both read "empty" (the second read of one write then sees the other's
        row while the data written comes from the first)."""
        lock = ""
        if self.in_transaction:
            self.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ("f:" + path,))
            lock = " FOR UPDATE"
        row = self.execute(
            "SELECT data, version FROM lkj_files WHERE path = %s" + lock, (path,)
        ).fetchone()
        return (self._own(path, row[0]), row[1]) if row else (None, None)

    def write(self, path: str, data: dict[str, Any], read_version: int | None) -> int:
        """Store ``data`` if the row is still at ``read_version`` (None: did not exist)."""
        data = {**data, IDENTITY_KEY: self.identity}
        # One commit for the row and its summary: the caller's transaction, or one of its own.
        with self.lock, nullcontext() if self.in_transaction else self.transaction():
            if is_chat_row(path) and not any(v for k, v in data.items() if k != IDENTITY_KEY):
                # A chat's row with nothing left (its form ended): removed, not kept empty,
                # so the rows are those of the chats that have something (as in an archive).
                if read_version is None:
                    return 0
                cur = self.execute(
                    "DELETE FROM lkj_files WHERE path = %s AND version = %s RETURNING version",
                    (path, read_version),
                )
                if cur.fetchone() is None:
                    raise StaleWrite(path)
                return 0
            if read_version is None:
                cur = self.execute(
                    "INSERT INTO lkj_files (path, data) VALUES (%s, %s) "
                    "ON CONFLICT (path) DO NOTHING RETURNING version",
                    (path, Json(data)),
                )
            else:
                cur = self.execute(
                    "UPDATE lkj_files SET data = %s, version = version + 1, updated_at = now() "
                    "WHERE path = %s AND version = %s RETURNING version",
                    (Json(data), path, read_version),
                )
            row = cur.fetchone()
            if row is None:
                raise StaleWrite(path)
            write_summary(self.conn, path, data)  # a unit row's cycles, in the same commit
        return int(row[0])

    def version(self, path: str) -> int | None:
        row = self.execute("SELECT version FROM lkj_files WHERE path = %s", (path,)).fetchone()
        return int(row[0]) if row else None

    def paths(self, prefix: str = "") -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.execute(
            "SELECT path FROM lkj_files WHERE path LIKE %s ORDER BY path", (escaped + "%",)
        ).fetchall()
        return [str(r[0]) for r in rows if r[0] != IDENTITY_PATH]

    def cycle_summaries(self, units: list[str] | None, year: int) -> list[CycleSummary]:
        """Every cycle of ``year`` of ``units`` (None: all), from the summary tables: the
        cycles, then their indicators in the same order (one snapshot for both)."""
        where = "WHERE year = %s AND (%s::text[] IS NULL OR unit = ANY(%s)) "
        params = (year, units, units)
        with self.lock, self.conn.transaction():
            with self.conn.cursor(binary=True) as cur:
                if self._depth == 0:  # a transaction of its own (not a caller's savepoint)
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cycles = cur.execute(
                    "SELECT unit, year, triwulan, step, status, rev, since, deadline, signed, "
                    "last_actor, passes::text FROM lkj_cycles " + where + "ORDER BY unit, triwulan",
                    params,
                ).fetchall()
                values = cur.execute(
                    "SELECT unit, triwulan, code, target, target_tahunan, realisation, direction, "
                    "sasaran FROM lkj_indicators " + where + "ORDER BY unit, triwulan, pos",
                    params,
                ).fetchall()
        by_cycle: dict[tuple[str, int], list[IndicatorValue]] = {}
        for unit, triwulan, *value in values:
            by_cycle.setdefault((unit, triwulan), []).append(IndicatorValue(*value))
        return [
            CycleSummary(  # type: ignore[misc]
                *row[:-1],
                indicators=tuple(by_cycle.get((row[0], row[2]), ())),
                passes=tuple(decode_passes(json.loads(row[-1]) if row[-1] else [])),
            )
            for row in cycles
        ]

    def close(self) -> None:
        self.conn.close()


class PgStorage(Storage):
    """TinyDB storage of one store row. Remembers the version it read, so that its write is
    refused (:class:`StaleWrite`) if another process wrote the row in between."""

    def __init__(self, store: PgStore, path: str):
        self.store = store
        self.path = path
        self._read_version: int | None = None

    def read(self) -> dict[str, Any] | None:
        data, self._read_version = self.store.read(self.path)
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._read_version = self.store.write(self.path, data, self._read_version)

    def close(self) -> None:
        pass


WRITE_ATTEMPTS = 5


class PgTable(Table):
    """A TinyDB table whose every write is one transaction holding its row, and which
    caches nothing another process could have changed (no query cache; the next document
    id is found again, under the row lock, for each insert)."""

    def __init__(
        self, storage: Storage, name: str, cache_size: int = 0, persist_empty: bool = False
    ):
        # Whatever size TinyDB asks for: Table's own default is bound at import, so pass 0.
        super().__init__(storage, name, cache_size=0, persist_empty=persist_empty)

    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        store: PgStore = self._storage.store  # type: ignore[attr-defined]
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with store.transaction():
                    super()._update_table(updater)
                    return
            except StaleWrite:
                # Created by another process since our read: apply the change again on it.
                if store.in_transaction or attempt == WRITE_ATTEMPTS - 1:
                    raise

    def _locked(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run a write that reads first (the next document id, an upsert's match) in one
        transaction, so its read already holds the row."""
        store: PgStore = self._storage.store  # type: ignore[attr-defined]
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with store.transaction():
                    self._next_id = None  # another process may have inserted since
                    return getattr(super(), method)(*args, **kwargs)
            except StaleWrite:
                if store.in_transaction or attempt == WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def insert(self, *args: Any, **kwargs: Any) -> int:
        return self._locked("insert", *args, **kwargs)

    def insert_multiple(self, *args: Any, **kwargs: Any) -> list[int]:
        return self._locked("insert_multiple", *args, **kwargs)

    def upsert(self, *args: Any, **kwargs: Any) -> list[int]:
        return self._locked("upsert", *args, **kwargs)


class PgTinyDB(TinyDB):
    table_class = PgTable
