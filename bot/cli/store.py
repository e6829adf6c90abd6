"""``lkj-bot store use-backup``: a damaged store file's ``.bak``, put back on record."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


def _store(args: argparse.Namespace) -> int:
    """``lkj-bot store use-backup FILE``: put a store file's last good copy (``.bak``, one
    revision behind) back in its place, the file it replaces kept aside, its revision recorded
    in the manifest and the step in the global audit log. Copying the ``.bak`` by hand is
    refused as an older copy; this is the explicit, audited way. Stop the bot first."""
    from datetime import UTC, datetime

    from storage.atomic import CorruptStoreError, atomic_write_bytes, backup_path
    from storage.audit import AuditTrail
    from storage.manifest import StoreManifest, sealed_mark

    settings = Settings()
    if settings.lkj_database_url:
        print(
            "Dengan PostgreSQL tidak ada cadangan .bak; gunakan lkj-bot restore.", file=sys.stderr
        )
        return 2
    data_dir = settings.lkj_data_dir.absolute()
    path = Path(args.file).absolute()  # as printed in the refusal, or relative to the folder
    if not path.is_relative_to(data_dir):
        path = data_dir / args.file
    try:
        rel = path.relative_to(data_dir).as_posix()
    except ValueError:
        print(f"{path} bukan berkas di folder data {data_dir}.", file=sys.stderr)
        return 2
    manifest = StoreManifest(data_dir)
    bak = backup_path(path)
    try:
        record = manifest.files().get(rel)
        if record is None:
            raise CorruptStoreError(path, "tidak tercatat sebagai berkas penyimpanan")
        mark = sealed_mark(bak, rel)
        if mark.get("store") != manifest.store_id():
            raise CorruptStoreError(bak, "cadangan ini bukan milik folder data ini")
    except (CorruptStoreError, OSError) as exc:
        print(f"Cadangan tidak dipakai: {exc}", file=sys.stderr)
        return 2
    now = datetime.now(UTC)
    if path.exists():
        aside = path.with_name(f"{path.name}.rusak-{now:%Y%m%d-%H%M%S}")
        path.rename(aside)
        print(f"Berkas yang diganti disimpan sebagai {aside}.")
    atomic_write_bytes(path, bak.read_bytes())
    manifest.record(rel, int(mark["rev"]), str(mark["sha256"]))
    AuditTrail(data_dir, binding=manifest).append(
        None,
        now.year,
        {
            "at": now,
            "role": "system",
            "action": "store.use_backup",
            "outcome": "system",
            "detail": {
                "berkas": rel,
                "revisi_tercatat": record.get("rev"),
                "revisi_cadangan": mark["rev"],
                "sha256": mark["sha256"],
            },
        },
    )
    print(
        f"{rel} dikembalikan ke cadangannya (revisi {mark['rev']}; tercatat sebelumnya revisi "
        f"{record.get('rev')}), dicatat di log audit (store.use_backup). Saat dijalankan, bot "
        "memeriksanya lagi terhadap log audit."
    )
    return 0


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
    store = sub.add_parser("store", help="berkas penyimpanan folder data")
    store_sub = store.add_subparsers(dest="store_command", required=True)
    use_backup = store_sub.add_parser(
        "use-backup", help="pakai cadangan .bak sebuah berkas penyimpanan (tercatat di log audit)"
    )
    use_backup.add_argument("file", help="berkas penyimpanan, mis. units/UNIT/2026.json")
    store.set_defaults(handler=_store)
