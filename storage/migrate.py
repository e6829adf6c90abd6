"""Moving an office from the TinyDB files to PostgreSQL (``lkj-bot migrate --to URL``).

Copies every store file (cycles, targets, budgets, annual reports, notices, forms, buttons,
roster, invitations …) as one row each and every audit log line as one audit row, in one
transaction into an empty database, then reads everything back and compares: the number of
store files and the sha256 of each one's content, and each audit chain verified again with the
same head (seq and hash) as the file it came from. Nothing is committed unless all of it
matches. The source must be whole first: a damaged store or a broken or cut audit chain stops
the move before anything is written.

The stored button tokens, the render notes and the journal of buttons taken back
(``state/revoked.jsonl``) move into their tables, a row per token, note and key
(:mod:`storage.pg_keyed`). The durable inbox (updates received but not handled yet, and the
ids of those handled, so a redelivery is still dropped) and the delivery log (owed messages
sent but not yet struck off) move into their tables too. Uploaded files stay where they are
(``LKJ_DATA_DIR/files``, content-addressed: the PostgreSQL backend reads them there); their
hashes are checked here all the same, so the move reports a damaged upload before it counts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from psycopg.types.json import Json

from storage.atomic import AtomicJSONStorage
from storage.audit import HEADS_REL, audit_root, canonical_json, check_anchors, verify_all
from storage.database import Database
from storage.deliveries import DeliveryLog
from storage.inbox import UpdateInbox
from storage.pg import PgStore
from storage.pg_audit import verify_log
from storage.pg_schema import move_keyed_rows, split_chat_rows


class MigrationError(Exception):
    """The move cannot be made or did not verify; nothing was committed."""


@dataclass(frozen=True)
class MigrationReport:
    store_files: int
    audit_logs: int
    audit_entries: int
    blobs: int
    pending_updates: int = 0
    delivered: int = 0


def _digest(data: object) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def _check_source(db: Database) -> None:
    db.check_all()  # a damaged, edited or missing store file stops here (CorruptStoreError)
    broken = [r for r in verify_all(db.data_dir) if not r.ok]
    cut = [a for a in check_anchors(db.data_dir) if not a.ok]
    if broken or cut:
        lines = "\n".join(r.message() for r in broken) + "\n".join(a.message() for a in cut)
        raise MigrationError(f"log audit sumber tidak utuh; tidak ada yang dipindahkan:\n{lines}")


def _blobs(data_dir: Path) -> int:
    count = 0
    root = data_dir / "files"
    for path in sorted(root.glob("*/*")) if root.is_dir() else []:
        if hashlib.sha256(path.read_bytes()).hexdigest() != path.name:
            raise MigrationError(f"berkas unggahan rusak (isi tidak cocok dengan namanya): {path}")
        count += 1
    return count


def migrate_to_pg(data_dir: Path | str, url: str) -> MigrationReport:
    """Copy the data folder's store and audit logs into the empty database at ``url``."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise MigrationError(f"folder data tidak ditemukan: {data_dir}")
    source = Database(data_dir)
    try:
        _check_source(source)
        blobs = _blobs(data_dir)
        rels = [rel for rel in source.store_files() if rel != HEADS_REL]
        contents = {
            rel: AtomicJSONStorage(data_dir / rel, sealed_as=rel).read() or {} for rel in rels
        }
    finally:
        source.close()
    logs = {
        path.relative_to(data_dir).as_posix(): path
        for path in sorted(audit_root(data_dir).rglob("*.jsonl"))
    }
    heads = {r.path.relative_to(data_dir).as_posix(): r for r in verify_all(data_dir)}
    inbox = UpdateInbox(data_dir)  # reading repairs a torn last line, as a start-up does
    pending, done = dict(inbox.pending), list(inbox.done)
    inbox.close()
    sent_log = DeliveryLog(data_dir)
    sent = sorted(sent_log._sent)
    sent_log.close()

    target = PgStore(url)
    try:
        target.check_schema()
        with target.transaction():
            used = target.execute(
                "SELECT (SELECT count(*) FROM lkj_files) + (SELECT count(*) FROM lkj_audit)"
            ).fetchone()
            if used and used[0]:
                raise MigrationError(
                    "basis data tujuan tidak kosong; pemindahan hanya ke basis data baru "
                    "(lkj-bot db init)"
                )
            for rel, data in contents.items():
                target.write(rel, data, None)
            entries = 0
            for name, path in logs.items():
                for raw in path.read_bytes().split(b"\n")[:-1]:  # whole lines only
                    line = raw.decode("utf-8")
                    entry = json.loads(line)
                    target.execute(
                        "INSERT INTO lkj_audit (log, seq, key, line) VALUES (%s, %s, %s, %s)",
                        (name, entry["seq"], entry.get("key"), line),
                    )
                    entries += 1
            _copy_journals(target, pending, done, sent)
            _verify_copy(target, contents, heads)
            with target.lock:  # one row per chat, and per button, note and key, as kept here
                split_chat_rows(target.conn)
                move_keyed_rows(target.conn, data_dir)
            rows = len(target.paths())  # the store files as the database now holds them
    finally:
        target.close()
    return MigrationReport(rows, len(logs), entries, blobs, len(pending), len(sent))


def _copy_journals(
    target: PgStore, pending: dict[int, dict], done: list[int], sent: list[str]
) -> None:
    """The inbox and the delivery log: pending updates held by no live worker (worker 0), so
    the first worker to start handles them; handled ids kept, so redeliveries are dropped."""
    for update_id in done:
        target.execute(
            "INSERT INTO lkj_inbox (update_id, body, worker, done_at) VALUES (%s, '{}', 0, now())",
            (update_id,),
        )
    for update_id, body in pending.items():
        target.execute(
            "INSERT INTO lkj_inbox (update_id, body, worker) VALUES (%s, %s, 0)",
            (update_id, Json(body)),
        )
    for entry_id in sent:
        target.execute("INSERT INTO lkj_delivered (entry_id) VALUES (%s)", (entry_id,))
    row = target.execute(
        "SELECT (SELECT count(*) FROM lkj_inbox WHERE done_at IS NULL), "
        "(SELECT count(*) FROM lkj_inbox), (SELECT count(*) FROM lkj_delivered)"
    ).fetchone()
    if row != (len(pending), len(pending) + len(done), len(sent)):
        raise MigrationError("kotak masuk atau log pengiriman berbeda setelah disalin")


def _verify_copy(target: PgStore, contents: dict, heads: dict) -> None:
    """Read everything back inside the transaction; raise (so: roll back) on any difference."""
    copied = target.paths()
    if copied != sorted(contents):
        raise MigrationError(
            f"jumlah berkas penyimpanan berbeda: {len(contents)} di folder, {len(copied)} tersalin"
        )
    for rel, data in contents.items():
        back, _ = target.read(rel)
        if _digest(back) != _digest(data):
            raise MigrationError(f"isi {rel} berbeda setelah disalin (sha256 tidak cocok)")
    for name, source in heads.items():
        report = verify_log(target, name)
        if not report.ok or (report.head_seq, report.head_hash) != (
            source.head_seq,
            source.head_hash,
        ):
            raise MigrationError(
                f"log audit {name} berbeda setelah disalin: kepala seq {report.head_seq} "
                f"(sumber seq {source.head_seq})"
            )
