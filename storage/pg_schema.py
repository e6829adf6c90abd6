"""The PostgreSQL schema, its version and its numbered migrations (``lkj-bot db init``,
``lkj-bot db upgrade``).

``lkj_meta`` records the schema's version (``schema``) and the bot's role (``bot_role``).
Version 1 is the schema as first released (:data:`SCHEMA_V1`); each later version is one
step in :data:`MIGRATIONS`, run in order, all of them in one transaction as the database's
owner, the version recorded in the same transaction: an upgrade stops half-way never, and
running it again (or on a database already at the newest version) changes nothing. ``db
init`` creates version 1 and runs the same steps, so a new database and an upgraded one
are built by the same statements.

A bot refuses to run on a database whose version is not its own (older: ``lkj-bot db
upgrade`` first; newer: a bot of that version), see :meth:`storage.pg.PgStore.check_schema`.

The steps:

2. The tables a view across units queries (``lkj_cycles``, ``lkj_indicators``: see
   :mod:`storage.summaries`), filled from the unit rows already stored.
3. No row shared by all chats: the sessions, menus, chat states and Mini App drafts, each one
   row for every chat until then, become one row per chat (``state/<name>/<user>.json``,
   :meth:`storage.database.Database.chat_file`), so workers handling different chats do not
   queue on one row lock.
4. No row or file shared by all chats for buttons either: the stored button tokens
   (``state/buttons.json``), the render notes (``state/notes.json``) and the journal of
   buttons taken back (``LKJ_DATA_DIR/state/revoked.jsonl``) become rows of their own tables,
   one per token, note and revoked key (:mod:`storage.pg_keyed`), the journal read from the
   data folder ``lkj-bot db upgrade`` is given (``LKJ_DATA_DIR``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Json

from storage.pg_keyed import INSERT_BUTTON, INSERT_NOTE, TABLE_NAMES, TABLES, button_row
from storage.revocations import Revocations
from storage.summaries import UNIT_FILE, encode_passes, rows_of_unit_file

#: The key of a row's data naming the database it was written in (see :mod:`storage.pg`).
IDENTITY_KEY = "_database"
#: The state documents kept per chat on PostgreSQL: ``state/<name>/<user_id>.json`` holding
#: table ``<name>`` with that user's documents (keyed by ``user_id``), not ``state/<name>.json``.
CHAT_DOCUMENTS = ("sessions", "menus", "chats", "drafts")

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS lkj_meta (
    name text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS lkj_files (
    path text PRIMARY KEY,
    data json NOT NULL,
    version bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS lkj_audit (
    id bigserial PRIMARY KEY,
    log text NOT NULL,
    seq integer NOT NULL CHECK (seq > 0),
    key text,
    line text NOT NULL,
    UNIQUE (log, seq)
);
CREATE TABLE IF NOT EXISTS lkj_inbox (
    update_id bigint PRIMARY KEY,
    body json NOT NULL,
    worker integer NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    done_at timestamptz
);
CREATE INDEX IF NOT EXISTS lkj_inbox_pending ON lkj_inbox (update_id) WHERE done_at IS NULL;
CREATE TABLE IF NOT EXISTS lkj_delivered (
    entry_id text PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS lkj_audit_key ON lkj_audit (log, key) WHERE key IS NOT NULL;
CREATE OR REPLACE FUNCTION lkj_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lkj_audit is append-only';
END $$;
DROP TRIGGER IF EXISTS lkj_audit_no_change ON lkj_audit;
CREATE TRIGGER lkj_audit_no_change BEFORE UPDATE OR DELETE ON lkj_audit
    FOR EACH ROW EXECUTE FUNCTION lkj_audit_append_only();
DROP TRIGGER IF EXISTS lkj_audit_no_truncate ON lkj_audit;
CREATE TRIGGER lkj_audit_no_truncate BEFORE TRUNCATE ON lkj_audit
    FOR EACH STATEMENT EXECUTE FUNCTION lkj_audit_append_only();
"""

GRANTS_V1 = [
    "REVOKE ALL ON lkj_files, lkj_audit, lkj_meta, lkj_inbox, lkj_delivered FROM {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON lkj_files, lkj_inbox, lkj_delivered TO {role}",
    "GRANT SELECT ON lkj_meta TO {role}",
    "GRANT SELECT, INSERT ON lkj_audit TO {role}",
    "GRANT USAGE ON SEQUENCE lkj_audit_id_seq TO {role}",
]

SUMMARY_TABLES = """
CREATE TABLE IF NOT EXISTS lkj_cycles (
    unit text NOT NULL,
    year integer NOT NULL,
    triwulan integer NOT NULL,
    step integer NOT NULL,
    status text NOT NULL,
    rev integer NOT NULL,
    since timestamptz,
    deadline timestamptz,
    signed boolean NOT NULL,
    last_actor bigint,
    digest text NOT NULL,
    PRIMARY KEY (unit, year, triwulan)
);
CREATE INDEX IF NOT EXISTS lkj_cycles_year_step ON lkj_cycles (year, triwulan, step);
CREATE INDEX IF NOT EXISTS lkj_cycles_unsigned ON lkj_cycles (year, unit) WHERE NOT signed;
CREATE INDEX IF NOT EXISTS lkj_cycles_deadline ON lkj_cycles (deadline)
    WHERE deadline IS NOT NULL;
CREATE TABLE IF NOT EXISTS lkj_indicators (
    unit text NOT NULL,
    year integer NOT NULL,
    triwulan integer NOT NULL,
    pos integer NOT NULL,
    code text NOT NULL,
    target double precision,
    target_tahunan double precision,
    realisation double precision,
    PRIMARY KEY (unit, year, triwulan, pos),
    FOREIGN KEY (unit, year, triwulan) REFERENCES lkj_cycles ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS lkj_indicators_code ON lkj_indicators (year, code);
"""


def write_summary(conn: psycopg.Connection, path: str, data: dict | None) -> None:
    """Bring the summary rows of the unit file ``path`` in line with its data (nothing for
    any other file). Runs in the caller's transaction: the rows commit with the document.
    Only the cycles whose rows changed are rewritten (each row carries a digest of its
    content): striking delivered messages off a unit's outbox, the most frequent write,
    costs one indexed read here."""
    match = UNIT_FILE.match(path)
    if match is None:
        return
    unit, year = match.group(1), int(match.group(2))
    new = {}
    for r in rows_of_unit_file(unit, year, data):
        cycle = {
            "unit": r.unit,
            "year": r.year,
            "triwulan": r.triwulan,
            "step": r.step,
            "status": r.status,
            "rev": r.rev,
            "since": r.since.isoformat() if r.since else None,
            "deadline": r.deadline.isoformat() if r.deadline else None,
            "signed": r.signed,
            "last_actor": r.last_actor,
            "passes": encode_passes(r.passes),
        }
        indicators = [
            {
                "unit": r.unit,
                "year": r.year,
                "triwulan": r.triwulan,
                "pos": pos,
                "code": i.code,
                "target": i.target,
                "target_tahunan": i.target_tahunan,
                "realisation": i.realisation,
                "direction": i.direction,
                "sasaran": i.sasaran,
            }
            for pos, i in enumerate(r.indicators)
        ]
        digest = hashlib.sha256(repr((cycle, indicators)).encode()).hexdigest()
        new[r.triwulan] = ({**cycle, "digest": digest}, indicators)
    stored: dict[int, str] = dict(
        conn.execute(
            "SELECT triwulan, digest FROM lkj_cycles WHERE unit = %s AND year = %s", (unit, year)
        ).fetchall()
    )
    changed = [tw for tw, (cycle, _) in new.items() if stored.get(tw) != cycle["digest"]]
    gone = [tw for tw in stored if tw not in new or tw in changed]
    if gone:
        conn.execute(
            "DELETE FROM lkj_cycles WHERE unit = %s AND year = %s AND triwulan = ANY(%s)",
            (unit, year, gone),
        )
    if changed:
        conn.execute(
            "INSERT INTO lkj_cycles SELECT * FROM json_populate_recordset(NULL::lkj_cycles, %s)",
            (Json([new[tw][0] for tw in changed]),),
        )
        indicators = [row for tw in changed for row in new[tw][1]]
        if indicators:
            conn.execute(
                "INSERT INTO lkj_indicators "
                "SELECT * FROM json_populate_recordset(NULL::lkj_indicators, %s)",
                (Json(indicators),),
            )


def _v2_summary_tables(
    conn: psycopg.Connection, role: sql.Identifier, data_dir: Path | None
) -> None:
    conn.execute(SUMMARY_TABLES)
    conn.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON lkj_cycles, lkj_indicators TO {}").format(
            role
        )
    )
    units = conn.execute(
        "SELECT path, data FROM lkj_files WHERE path LIKE 'units/%%' ORDER BY path"
    ).fetchall()
    for path, data in units:
        write_summary(conn, str(path), data)


def is_chat_row(path: str) -> bool:
    """A chat's own row of one of :data:`CHAT_DOCUMENTS` (``state/<name>/<user>.json``)."""
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "state" and parts[1] in CHAT_DOCUMENTS


def split_chat_rows(conn: psycopg.Connection) -> int:
    """Split each shared ``state/<name>.json`` row of :data:`CHAT_DOCUMENTS` into one row per
    chat, in the caller's transaction; returns the rows made. A row a chat already has is
    kept (it can only be newer)."""
    made = 0
    for name in CHAT_DOCUMENTS:
        shared = f"state/{name}.json"
        row = conn.execute(
            "SELECT data FROM lkj_files WHERE path = %s FOR UPDATE", (shared,)
        ).fetchone()
        if row is None:
            continue
        data = row[0] if isinstance(row[0], dict) else {}
        per_chat: dict[int, list[dict]] = {}
        for doc in (data.get(name) or {}).values():
            per_chat.setdefault(int(doc["user_id"]), []).append(doc)
        for user_id, docs in sorted(per_chat.items()):
            new: dict = {name: {str(n): doc for n, doc in enumerate(docs, 1)}}
            if IDENTITY_KEY in data:
                new[IDENTITY_KEY] = data[IDENTITY_KEY]
            cur = conn.execute(
                "INSERT INTO lkj_files (path, data) VALUES (%s, %s) ON CONFLICT (path) DO NOTHING",
                (f"state/{name}/{user_id}.json", Json(new)),
            )
            made += cur.rowcount
        conn.execute("DELETE FROM lkj_files WHERE path = %s", (shared,))
    return made


def merge_chat_rows(rows: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """The other way (an archive in the files backend's layout): each chat's row of
    :data:`CHAT_DOCUMENTS` back into one ``state/<name>.json``, in path order."""
    merged: dict[str, dict] = {}
    kept: list[tuple[str, dict]] = []
    for path, data in rows:
        if is_chat_row(path):
            name = path.split("/")[1]
            into = merged.setdefault(name, {name: {}})
            if IDENTITY_KEY in data:
                into[IDENTITY_KEY] = data[IDENTITY_KEY]
            for doc in (data.get(name) or {}).values():
                into[name][str(len(into[name]) + 1)] = doc
        else:
            kept.append((path, data))
    kept += [(f"state/{name}.json", data) for name, data in merged.items() if data[name]]
    return sorted(kept, key=lambda row: row[0])


def _v3_rows_per_chat(
    conn: psycopg.Connection, role: sql.Identifier, data_dir: Path | None
) -> None:
    split_chat_rows(conn)


def _v4_summary_facts(
    conn: psycopg.Connection, role: sql.Identifier, data_dir: Path | None
) -> None:
    """The facts the pemda's view reads besides the step: each indicator's direction and
    sasaran (a capaian computed right for a lower-is-better indicator, capaian per sasaran)
    and each cycle's step passes (SOP compliance per unit); the rows taken again from the
    units' documents."""
    conn.execute(
        "ALTER TABLE lkj_indicators ADD COLUMN IF NOT EXISTS direction text NOT NULL "
        "DEFAULT 'naik', ADD COLUMN IF NOT EXISTS sasaran text NOT NULL DEFAULT ''"
    )
    conn.execute("ALTER TABLE lkj_cycles ADD COLUMN IF NOT EXISTS passes json")
    conn.execute("DELETE FROM lkj_cycles")  # the indicators go with them (ON DELETE CASCADE)
    units = conn.execute(
        "SELECT path, data FROM lkj_files WHERE path LIKE 'units/%%' ORDER BY path"
    ).fetchall()
    for path, data in units:
        write_summary(conn, str(path), data)


#: The rows of ``lkj_files`` that version 5 moves into tables of their own, by table.
KEYED_FILES = {"buttons": "state/buttons.json", "notes": "state/notes.json"}


def move_keyed_rows(conn: psycopg.Connection, data_dir: Path | None) -> tuple[int, int, int]:
    """Move the shared ``state/buttons.json`` and ``state/notes.json`` rows into
    ``lkj_buttons`` and ``lkj_notes`` (a row per token, per note), and the revocation journal
    of ``data_dir`` (if any) into ``lkj_revoked``, in the caller's transaction. Returns the
    (buttons, notes, keys) moved."""
    moved = []
    for name, path in KEYED_FILES.items():
        row = conn.execute(
            "DELETE FROM lkj_files WHERE path = %s RETURNING data", (path,)
        ).fetchone()
        data = row[0] if row and isinstance(row[0], dict) else {}
        docs = list((data.get(name) or {}).values())
        with conn.cursor() as cur:
            if name == "buttons":
                cur.executemany(INSERT_BUTTON, [button_row(doc) for doc in docs])
            else:
                cur.executemany(
                    INSERT_NOTE,
                    [
                        (d["update_id"], d["chat_id"], d["message_id"], d.get("outcome"))
                        for d in docs
                    ],
                )
        moved.append(len(docs))
    keys: dict = {}
    if data_dir is not None:
        keys, applied = Revocations(data_dir).snapshot()
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO lkj_revoked (key, generation, day) VALUES (%s, %s, %s) "
                "ON CONFLICT (key) DO NOTHING",
                [(key, n, day) for key, (n, day) in keys.items() if n > 0],
            )
            cur.executemany(
                "INSERT INTO lkj_revoked_by (entry, key, day) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [(entry, key, keys[key][1]) for entry, key in applied if key in keys],
            )
    return moved[0], moved[1], len(keys)


def _v5_rows_per_key(conn: psycopg.Connection, role: sql.Identifier, data_dir: Path | None):
    conn.execute(TABLES)
    conn.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(
            sql.SQL(", ").join(sql.Identifier(t) for t in TABLE_NAMES), role
        )
    )
    move_keyed_rows(conn, data_dir)


#: Version -> the step that brings a database of the version before to it (given the data
#: folder whose files a step moves in, if any).
MIGRATIONS: dict[int, Callable[[psycopg.Connection, sql.Identifier, Path | None], None]] = {
    2: _v2_summary_tables,
    3: _v3_rows_per_chat,
    4: _v4_summary_facts,
    5: _v5_rows_per_key,
}
SCHEMA_VERSION = max(MIGRATIONS)


class SchemaError(Exception):
    """The database has no lkj-bot schema, or one of another version."""


class SchemaMissingError(SchemaError):
    """The database has no lkj-bot schema (``lkj-bot db init`` was not run)."""

    def __init__(self, url: str):
        super().__init__(
            f"basis data {_safe(url)} belum berskema lkj-bot; jalankan dulu "
            "lkj-bot db init URL-PEMILIK --bot-role PERAN-BOT"
        )


class SchemaVersionError(SchemaError):
    """The database's schema is older (upgrade it) or newer (a newer bot) than this bot's."""

    def __init__(self, url: str, found: int):
        self.found = found
        if found < SCHEMA_VERSION:
            why = (
                f"skema basis data {_safe(url)} versi {found}, sedangkan bot ini memerlukan "
                f"versi {SCHEMA_VERSION}; hentikan semua proses bot lalu jalankan "
                "lkj-bot db upgrade URL-PEMILIK"
            )
        else:
            why = (
                f"skema basis data {_safe(url)} versi {found}, lebih baru daripada bot ini "
                f"(versi {SCHEMA_VERSION}); jalankan versi lkj-bot yang menaikkannya "
                "(lkj-bot db upgrade tidak menurunkan versi)"
            )
        super().__init__(why)


def _safe(url: str) -> str:
    return url.split("@")[-1]  # never print a password given in the URL


def schema_version(conn: psycopg.Connection, lock: bool = False) -> int | None:
    """The database's schema version (None: no schema)."""
    query = "SELECT value FROM lkj_meta WHERE name = 'schema'" + (" FOR UPDATE" if lock else "")
    try:
        with conn.transaction():  # a savepoint inside a transaction: a missing table is no harm
            row = conn.execute(query).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return int(row[0]) if row else None


def _set_meta(conn: psycopg.Connection, name: str, value: str) -> None:
    conn.execute(
        "INSERT INTO lkj_meta (name, value) VALUES (%s, %s) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )


def _migrate(
    conn: psycopg.Connection, url: str, role_name: str, data_dir: Path | None = None
) -> tuple[int, int]:
    """Run the steps after the database's version, in this transaction."""
    found = schema_version(conn, lock=True)
    if found is None:
        raise SchemaMissingError(url)
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(url, found)
    role = sql.Identifier(role_name)
    for version in range(found + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](conn, role, data_dir)
        _set_meta(conn, "schema", str(version))
    return found, SCHEMA_VERSION


def init_schema(admin_url: str, bot_role: str, data_dir: Path | None = None) -> None:
    """Create the tables as the database's owner and grant ``bot_role`` its limited rights:
    the store rows read and written, the audit rows only read and appended. On a database
    that has the schema already, the same as :func:`upgrade` (and the grants again)."""
    role = sql.Identifier(bot_role)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute(SCHEMA_V1)
            conn.execute(
                "INSERT INTO lkj_meta (name, value) VALUES ('schema', '1') "
                "ON CONFLICT (name) DO NOTHING"
            )
            _set_meta(conn, "bot_role", bot_role)
            for grant in GRANTS_V1:
                conn.execute(sql.SQL(grant).format(role=role))
            _migrate(conn, admin_url, bot_role, data_dir)


def upgrade(
    admin_url: str, bot_role: str | None = None, data_dir: Path | None = None
) -> tuple[int, int]:
    """Bring the database's schema to :data:`SCHEMA_VERSION`; returns (from, to). The new
    tables are granted to ``bot_role`` (default: the role ``db init`` recorded); the files a
    step moves in (version 5: the revocation journal) are read from ``data_dir``."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        with conn.transaction():
            if schema_version(conn) is None:
                raise SchemaMissingError(admin_url)
            if bot_role is None:
                row = conn.execute("SELECT value FROM lkj_meta WHERE name = 'bot_role'").fetchone()
                bot_role = str(row[0]) if row else "lkj_bot"
            else:
                _set_meta(conn, "bot_role", bot_role)
            return _migrate(conn, admin_url, bot_role, data_dir)
