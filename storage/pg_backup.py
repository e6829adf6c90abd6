"""``lkj-bot backup`` and ``restore`` when the store is in PostgreSQL.

A backup lays the database's office out as a data folder in the file backend's layout (every
store row as its sealed file with the manifest, every audit log as its JSONL file with the
recorded heads, the inbox and the delivery log as their journals) beside the uploads, the
verification key, the database read in one ``REPEATABLE READ`` snapshot (the tables of stored
buttons, render notes and keys taken back laid out as ``state/buttons.json``,
``state/notes.json`` and a compacted ``state/revoked.jsonl``, :func:`keyed_files`),
and archives that folder with the file backend's own :func:`storage.backup.create_backup`: one
archive format for both backends, verified the same way, and a PostgreSQL office's archive can
also be restored as a folder of files. A restore verifies the archive
(:func:`storage.backup.restore_backup` into a temporary folder), adds its uploads to
``LKJ_DATA_DIR/files``, and moves the rest into an empty, initialised database with
:func:`storage.migrate.migrate_to_pg`, which checks counts, hashes and audit chains before it
commits.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import psycopg

from storage.atomic import AtomicJSONStorage
from storage.audit import AuditHeads
from storage.backup import MAX_RESTORE_BYTES, BackupError, create_backup, restore_backup
from storage.deliveries import DELIVERED_REL
from storage.inbox import INBOX_REL, UpdateInbox
from storage.manifest import StoreManifest
from storage.migrate import MigrationReport, migrate_to_pg
from storage.pg import IDENTITY_KEY, IDENTITY_PATH, PgStore
from storage.pg_schema import merge_chat_rows
from storage.revocations import REVOKED_REL

KEY_REL = "state/verify.key"


def _link_or_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def keyed_files(conn: psycopg.Connection) -> tuple[list[tuple[str, dict]], bytes]:
    """The rows of version 5's keyed tables (:mod:`storage.pg_keyed`) in the files backend's
    layout: ``state/buttons.json`` and ``state/notes.json`` (as their TinyDB tables, if any
    row), and the journal of keys taken back (compacted: a line per key with its count)."""
    # A compacted journal: the files backend reads it as it reads its own after a compaction.
    out: list[tuple[str, dict]] = []
    buttons = conn.execute("SELECT payload FROM lkj_buttons ORDER BY token").fetchall()
    if buttons:
        docs = {str(n): row[0] for n, row in enumerate(buttons, 1)}
        out.append(("state/buttons.json", {"buttons": docs}))
    notes = conn.execute(
        "SELECT update_id, chat_id, message_id, outcome FROM lkj_notes ORDER BY update_id"
    ).fetchall()
    if notes:
        fields = ("update_id", "chat_id", "message_id", "outcome")
        docs = {str(n): dict(zip(fields, row, strict=True)) for n, row in enumerate(notes, 1)}
        out.append(("state/notes.json", {"notes": docs}))
    # The owed entries already applied first (each counting 0, so a replay stays a no-op),
    # then each key with its count and the day it was last revoked.
    applied = conn.execute(
        "SELECT entry, key, day FROM lkj_revoked_by ORDER BY day, entry, key"
    ).fetchall()
    rows = conn.execute("SELECT key, day, generation FROM lkj_revoked ORDER BY key").fetchall()
    lines = [{"k": k, "d": d.isoformat(), "e": e, "n": 0} for e, k, d in applied]
    lines += [{"k": k, "d": d.isoformat(), "n": n} for k, d, n in rows]
    journal = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    return out, journal.encode()


def export_office(url: str, data_dir: Path, out: Path) -> None:
    """Write the office held in the database at ``url`` (plus ``data_dir``'s uploads and
    key) as a data folder ``out`` in the file backend's layout."""
    store = PgStore(url)  # a clear error if the database cannot be reached
    try:
        identity = store.identity
    finally:
        store.close()
    with psycopg.connect(url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        files = conn.execute("SELECT path, data FROM lkj_files ORDER BY path").fetchall()
        audit = conn.execute("SELECT log, line FROM lkj_audit ORDER BY log, seq").fetchall()
        inbox = conn.execute(
            "SELECT update_id, body, done_at IS NOT NULL FROM lkj_inbox ORDER BY update_id"
        ).fetchall()
        sent = conn.execute("SELECT entry_id FROM lkj_delivered ORDER BY entry_id").fetchall()
        keyed, revoked_journal = keyed_files(conn)
    # The database's identity stays with it; a row written in another database is not
    # carried into an archive as if it were this office's (storage.pg.IDENTITY_KEY).
    files = [(path, data) for path, data in files if path != IDENTITY_PATH]
    for rel, data in files:
        if isinstance(data, dict) and data.get(IDENTITY_KEY, identity) != identity:
            raise BackupError(f"{rel}: baris ini ditulis di basis data lain; tidak dicadangkan")
    files = merge_chat_rows(files)  # the files backend keeps one file for every chat's
    files = sorted(files + keyed, key=lambda row: row[0])  # and one for buttons, one for notes
    rels = [str(path) for path, _ in files]
    for rel, data in files:
        kept = {k: v for k, v in data.items() if k != IDENTITY_KEY}
        AtomicJSONStorage(out / rel, keep_backup=False, sealed_as=str(rel)).write(kept)
    StoreManifest(out).replace(rels)
    logs: dict[str, list[str]] = {}
    for name, line in audit:
        logs.setdefault(str(name), []).append(str(line))
    heads = {}
    for name, lines in logs.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        last = json.loads(lines[-1])
        heads[name] = {"seq": last["seq"], "hash": last["hash"]}
    AuditHeads(out).replace(heads)
    done = [r[0] for r in inbox if r[2]][-UpdateInbox.KEEP :]
    journal = [json.dumps({"d": update_id}) for update_id in done]
    journal += [json.dumps({"r": r[0], "u": r[1]}, ensure_ascii=False) for r in inbox if not r[2]]
    if journal:
        (out / INBOX_REL).parent.mkdir(parents=True, exist_ok=True)
        (out / INBOX_REL).write_text("".join(line + "\n" for line in journal), encoding="utf-8")
    if sent:
        (out / DELIVERED_REL).write_text(
            "".join(json.dumps(r[0]) + "\n" for r in sent), encoding="utf-8"
        )
    blobs = data_dir / "files"
    for blob in sorted(blobs.glob("*/*")) if blobs.is_dir() else []:
        _link_or_copy(blob, out / "files" / blob.parent.name / blob.name)
    if (data_dir / KEY_REL).is_file():
        _link_or_copy(data_dir / KEY_REL, out / KEY_REL)
    if revoked_journal:  # the table of keys taken back, as a compacted journal
        (out / REVOKED_REL).parent.mkdir(parents=True, exist_ok=True)
        (out / REVOKED_REL).write_bytes(revoked_journal)


def backup_pg(url: str, data_dir: Path, target: Path) -> Path:
    """A verified archive of a PostgreSQL office, in the file backend's archive format."""
    staging = Path(tempfile.mkdtemp(prefix="lkj-pg-backup-"))
    try:
        export_office(url, Path(data_dir), staging / "data")
        return create_backup(staging / "data", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def restore_pg(
    archive: Path, url: str, data_dir: Path, *, max_total: int = MAX_RESTORE_BYTES
) -> MigrationReport:
    """Bring an archive back into the empty database at ``url`` and ``data_dir``'s uploads.

    The archive is checked whole (every member's name and size against its manifest, the
    total against ``max_total``) before anything is written, and verified in a temporary
    folder before the database or ``data_dir`` is touched."""
    data_dir = Path(data_dir)
    staging = Path(tempfile.mkdtemp(prefix="lkj-pg-restore-"))
    try:
        result = restore_backup(archive, staging / "data", max_total=max_total)
        restored = result.data_dir
        broken = [r for r in result.audit if not r.ok]
        if broken:
            raise BackupError("log audit dalam arsip tidak utuh: " + broken[0].message())
        for rel, what in (
            (KEY_REL, "kunci verifikasi (kode verifikasi dokumen bergantung padanya)"),
        ):
            kept, ours = restored / rel, data_dir / rel
            if kept.is_file() and ours.is_file() and kept.read_bytes() != ours.read_bytes():
                raise BackupError(
                    f"{ours} berbeda dengan {what} dalam arsip; pindahkan dulu berkas yang ada"
                )
        report = migrate_to_pg(restored, url)
        blobs = restored / "files"
        for blob in sorted(blobs.glob("*/*")) if blobs.is_dir() else []:
            dest = data_dir / "files" / blob.parent.name / blob.name
            if not dest.exists():
                _link_or_copy(blob, dest)
        for rel in (KEY_REL,):  # the journal of buttons taken back went into its table
            if (restored / rel).is_file() and not (data_dir / rel).exists():
                (data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(restored / rel, data_dir / rel)
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)
