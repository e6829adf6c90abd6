"""``lkj-bot audit verify|anchor``: the chained audit logs, and the store checked against
them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


def _audit(args: argparse.Namespace) -> int:
    """``lkj-bot audit verify``: check every audit chain and its recorded head; exit 1 if any
    is broken, cut off or missing. ``lkj-bot audit anchor``: print the heads for the record."""
    from storage.atomic import CorruptStoreError
    from storage.audit import check_anchors, verify_all

    settings = Settings()
    if settings.lkj_database_url:
        return _audit_pg(settings.lkj_database_url, args.audit_command)
    data_dir = settings.lkj_data_dir
    if args.audit_command == "anchor":
        return _audit_anchor(data_dir)
    reports = verify_all(data_dir)
    try:
        anchors = check_anchors(data_dir)
    except CorruptStoreError as exc:
        print(f"RUSAK  {exc}", file=sys.stderr)
        return 1
    store = _store_bindings(data_dir)
    if not reports and not anchors and not store:
        print(f"Belum ada log audit di {data_dir / 'audit'}.")
        return 0
    for report in reports:
        print(report.message())
    for anchor in anchors:
        print(anchor.message())
    for line in store:
        print(line)
    broken = [r for r in reports if not r.ok]
    unanchored = [a for a in anchors if not a.ok]
    unbound = [line for line in store if line.startswith("RUSAK")]
    if unbound:
        print(
            f"{len(unbound)} ketidakcocokan antara penyimpanan, daftar berkasnya dan log audit.",
            file=sys.stderr,
        )
        return 1
    if broken:
        print(f"{len(broken)} dari {len(reports)} log audit RUSAK.", file=sys.stderr)
    if unanchored:
        print(
            f"{len(unanchored)} log audit terpotong, hilang atau tidak sesuai kepala yang "
            "tercatat.",
            file=sys.stderr,
        )
    if broken or unanchored:
        return 1
    print(f"Semua {len(reports)} log audit utuh dan sesuai kepala yang tercatat.")
    return 0


def _store_bindings(data_dir: Path, url: str | None = None) -> list[str]:
    """The store checked against its data folder, its manifest and the audit trail (read
    only): "RUSAK …" lines for what disagrees, else one "OK …" line; [] without a store."""
    from storage.atomic import CorruptStoreError
    from storage.audit import AuditTrail
    from storage.bindings import binding_problems
    from storage.database import Database
    from storage.manifest import check_bindings

    db = Database(data_dir, url)
    try:
        if db.pg is not None:
            from storage.pg_audit import PgAuditTrail

            try:
                problems = binding_problems(db, PgAuditTrail(db.pg))
            except CorruptStoreError as exc:  # a row from another database
                return [f"RUSAK  {exc}"]
            return problems or ["OK     penyimpanan dan log audit saling cocok."]
        on_disk = db.store_files()
        if not on_disk:
            return []
        if not db.manifest.exists():
            return [f"RUSAK  daftar berkas penyimpanan hilang: {db.manifest.path}"]
        found: list[str] = []
        try:
            unbound = check_bindings(data_dir, db.manifest, on_disk, record=False)
        except CorruptStoreError as exc:
            found.append(f"RUSAK  {exc}")
        else:
            if unbound:
                return [
                    f"OK*    {len(unbound)} berkas penyimpanan dari versi sebelum pengikatan; "
                    "diikat ke folder data ini saat bot dijalankan berikutnya."
                ]
        try:  # also when a file disagrees with the manifest: what else disagrees is named
            found += binding_problems(db, AuditTrail(data_dir))
        except CorruptStoreError:
            pass  # a file that cannot be read as this folder's: named above
        return found or [
            f"OK     {len(on_disk)} berkas penyimpanan terikat ke folder data ini, pada revisi "
            "yang tercatat, dan cocok dengan log audit."
        ]
    finally:
        db.close()


def _audit_anchor(data_dir: Path) -> int:
    """Print each log's head (verified chain) to be written into a paper register."""
    from datetime import datetime

    from storage.audit import verify_all

    reports = verify_all(data_dir)
    print(f"Jangkar log audit per {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
    for report in reports:
        rel = report.path.relative_to(data_dir).as_posix()
        state = "" if report.ok else "  (RANTAI RUSAK: periksa dengan lkj-bot audit verify)"
        print(f"{rel}  seq {report.head_seq}  sha256 {report.head_hash}{state}")
    return 0 if all(r.ok for r in reports) else 1


def _audit_pg(url: str, command: str) -> int:
    """The audit rows in PostgreSQL: each chain checked by the same rules as a log file,
    and the connected role's rights (it may only read and append)."""
    from datetime import datetime

    from storage.pg import PgStore
    from storage.pg_audit import PgAuditTrail, role_can_rewrite

    store = PgStore(url)
    try:
        trail = PgAuditTrail(store)
        reports = trail.verify_all()
        if command == "anchor":
            print(f"Jangkar log audit per {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
            for report in reports:
                state = "" if report.ok else "  (RANTAI RUSAK: periksa dengan lkj-bot audit verify)"
                print(
                    f"{report.path.as_posix()}  seq {report.head_seq}  "
                    f"sha256 {report.head_hash}{state}"
                )
            return 0 if all(r.ok for r in reports) else 1
        rights = role_can_rewrite(store)
    finally:
        store.close()
    bindings = _store_bindings(Settings().lkj_data_dir, url)
    for report in reports:
        print(report.message())
    for line in bindings:
        print(line)
    broken = [r for r in reports if not r.ok] + [b for b in bindings if b.startswith("RUSAK")]
    if rights:
        print(
            f"RUSAK  peran basis data ini dapat mengubah baris audit ({', '.join(rights)}); "
            "jalankan bot dengan peran yang hanya dapat membaca dan menambah (lkj-bot db init).",
            file=sys.stderr,
        )
    else:
        print("OK     peran basis data ini hanya dapat membaca dan menambah baris audit.")
    if broken:
        print(f"{len(broken)} dari {len(reports)} log audit RUSAK.", file=sys.stderr)
    if broken or rights:
        return 1
    print(f"Semua {len(reports)} log audit utuh.")
    return 0


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
    audit = sub.add_parser("audit", help="log audit berantai")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="periksa rantai hash semua log audit dan kepalanya")
    audit_sub.add_parser(
        "anchor", help="cetak kepala (seq dan hash) setiap log untuk dicatat di register kertas"
    )
    audit.set_defaults(handler=_audit)
