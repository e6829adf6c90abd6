"""``lkj-bot backup`` and ``lkj-bot restore``: a verified archive of the data directory
(or database), and bringing it back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


def _restore_pg(args: argparse.Namespace, settings: Settings) -> int:
    """Restore an archive into the empty database of LKJ_DATABASE_URL (and its uploads into
    LKJ_DATA_DIR/files), verified like a migration."""
    from storage.atomic import CorruptStoreError
    from storage.backup import BackupError
    from storage.migrate import MigrationError
    from storage.pg import SchemaMissingError
    from storage.pg_backup import restore_pg

    try:
        report = restore_pg(Path(args.file), settings.lkj_database_url, settings.lkj_data_dir)
    except (BackupError, MigrationError, CorruptStoreError, SchemaMissingError) as exc:
        print(f"Pemulihan dibatalkan, tidak ada yang ditulis: {exc}", file=sys.stderr)
        return 2
    print(
        f"Dipulihkan dari {args.file} ke basis data: {report.store_files} berkas penyimpanan, "
        f"{report.audit_logs} log audit dengan {report.audit_entries} entri (diperiksa); "
        f"{report.blobs} berkas unggahan di {settings.lkj_data_dir / 'files'}."
    )
    return 0


def _backup(args: argparse.Namespace) -> int:
    """``lkj-bot backup [--output FILE]``: a verified archive of the data directory."""
    from storage.atomic import CorruptStoreError
    from storage.backup import BackupError, create_backup

    settings = Settings()
    data_dir = settings.lkj_data_dir
    target = Path(args.output) if args.output else Path.cwd()
    try:
        if settings.lkj_database_url:
            from storage.pg_backup import backup_pg

            path = backup_pg(settings.lkj_database_url, data_dir, target)
            what = f"basis data dan berkas unggahan ({data_dir / 'files'})"
        else:
            path = create_backup(data_dir, target)
            what = f"folder data {data_dir}"
    except (BackupError, CorruptStoreError) as exc:
        print(f"Cadangan tidak dibuat: {exc}", file=sys.stderr)
        return 2
    print(f"Cadangan {what} ditulis ke {path} ({path.stat().st_size} byte).")
    return 0


def _restore(args: argparse.Namespace) -> int:
    """``lkj-bot restore FILE [--force]``: bring an archive back as the data directory."""
    from storage.atomic import CorruptStoreError
    from storage.backup import BackupError, restore_backup

    settings = Settings()
    if settings.lkj_database_url:
        return _restore_pg(args, settings)
    data_dir = settings.lkj_data_dir
    try:
        result = restore_backup(Path(args.file), data_dir, force=args.force)
    except (BackupError, CorruptStoreError) as exc:
        print(f"Pemulihan dibatalkan: {exc}", file=sys.stderr)
        return 2
    print(f"Folder data {result.data_dir} dipulihkan dari {args.file} ({result.files} berkas).")
    if result.previous is not None:
        print(f"Isi lama disimpan di {result.previous}.")
    for report in result.audit:
        print(report.message())
    return 0 if all(r.ok for r in result.audit) else 1


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
    backup = sub.add_parser(
        "backup", help="arsipkan folder data atau basis data (tar.gz dengan manifest)"
    )
    backup.add_argument("--output", help="berkas arsip atau folder tujuan (bawaan: folder kini)")
    restore = sub.add_parser(
        "restore", help="pulihkan folder data (atau basis data kosong) dari arsip cadangan"
    )
    restore.add_argument("file", help="arsip dari lkj-bot backup")
    restore.add_argument(
        "--force",
        action="store_true",
        help="ganti folder data yang tidak kosong (isi lama disimpan)",
    )
    backup.set_defaults(handler=_backup)
    restore.set_defaults(handler=_restore)
