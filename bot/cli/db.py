"""``lkj-bot db init``, ``lkj-bot db upgrade`` and ``lkj-bot migrate``: the PostgreSQL schema,
its numbered migrations, and moving a data folder into it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


def _db(args: argparse.Namespace) -> int:
    """``lkj-bot db init ADMIN_URL [--bot-role lkj_bot]``: the PostgreSQL schema, created as
    the database's owner, with the bot's role granted only what it needs."""
    if args.db_command == "upgrade":
        return _upgrade(args)
    import psycopg

    from storage.pg import init_schema

    try:
        init_schema(args.admin_url, args.bot_role)
    except psycopg.Error as exc:
        print(f"Skema tidak dibuat: {exc}", file=sys.stderr)
        return 2
    print(
        f"Skema lkj-bot siap; peran {args.bot_role} dapat membaca dan menulis penyimpanan, "
        "dan hanya membaca dan menambah log audit."
    )
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    """``lkj-bot db upgrade ADMIN_URL [--bot-role ROLE] [--data-dir DIR]``: the schema's
    numbered steps from the database's version to this bot's, in one transaction (stop every
    bot first); the files a step moves into the database are read from the data folder."""
    import psycopg

    from storage.pg_schema import SchemaError, upgrade

    # Version 5 moves the journal of buttons taken back from the data folder into the database.
    data_dir = args.data_dir or Settings().lkj_data_dir
    try:
        before, after = upgrade(args.admin_url, args.bot_role, data_dir)
    except SchemaError as exc:
        print(f"Skema tidak dinaikkan: {exc}", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        print(f"Skema tidak dinaikkan, tidak ada yang berubah: {exc}", file=sys.stderr)
        return 2
    if before == after:
        print(f"Skema lkj-bot sudah versi {after}; tidak ada yang diubah.")
    else:
        print(f"Skema lkj-bot dinaikkan dari versi {before} ke versi {after}.")
    if before < 4 <= after:  # the step that moved the journal in: say from where
        from storage.revocations import REVOKED_REL

        journal = Path(data_dir) / REVOKED_REL
        if journal.is_file():
            print(f"Jurnal tombol yang ditarik dipindahkan ke basis data dari {journal}.")
        else:
            print(
                f"Jurnal tombol yang ditarik tidak ditemukan di {journal}; bila bot menyimpannya "
                "di folder lain, tombol lama yang sudah ditarik dapat berlaku lagi.",
                file=sys.stderr,
            )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """``lkj-bot migrate --to postgresql://…``: copy the data folder's store and audit logs
    into an empty database and verify the copy (stop the bot first)."""
    from storage.atomic import CorruptStoreError
    from storage.migrate import MigrationError, migrate_to_pg
    from storage.pg import SchemaMissingError

    data_dir = Settings().lkj_data_dir
    try:
        report = migrate_to_pg(data_dir, args.to)
    except SchemaMissingError:
        print(
            "Pemindahan dibatalkan: basis data tujuan belum berskema; jalankan dulu "
            "lkj-bot db init.",
            file=sys.stderr,
        )
        return 2
    except (MigrationError, CorruptStoreError) as exc:
        print(f"Pemindahan dibatalkan, tidak ada yang ditulis: {exc}", file=sys.stderr)
        return 2
    print(
        f"Dipindahkan dari {data_dir}: {report.store_files} berkas penyimpanan (sha256 cocok), "
        f"{report.audit_logs} log audit dengan {report.audit_entries} entri (rantai dan kepala "
        f"cocok); {report.blobs} berkas unggahan tetap di {data_dir / 'files'} (hash diperiksa); "
        f"{report.pending_updates} pembaruan yang belum ditangani dan {report.delivered} "
        "pesan terkirim yang belum dicoret ikut dipindahkan."
    )
    print("Setel LKJ_DATABASE_URL ke basis data itu dan jalankan bot lagi.")
    return 0


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
    db = sub.add_parser("db", help="basis data PostgreSQL (LKJ_DATABASE_URL)")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_init = db_sub.add_parser(
        "init", help="buat skema sebagai pemilik basis data dan beri hak terbatas ke peran bot"
    )
    db_init.add_argument("admin_url", help="postgresql://pemilik@host/basisdata")
    db_init.add_argument("--bot-role", default="lkj_bot", help="peran yang dipakai bot")
    db_upgrade = db_sub.add_parser(
        "upgrade", help="naikkan skema ke versi bot ini, langkah demi langkah (hentikan bot dulu)"
    )
    db_upgrade.add_argument("admin_url", help="postgresql://pemilik@host/basisdata")
    db_upgrade.add_argument(
        "--bot-role", default=None, help="peran bot (bawaan: yang dicatat lkj-bot db init)"
    )
    db_upgrade.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder data bot, yang jurnal tombol ditariknya dipindahkan ke basis data "
        "(bawaan: LKJ_DATA_DIR)",
    )
    migrate = sub.add_parser(
        "migrate", help="pindahkan folder data (TinyDB) ke PostgreSQL dan periksa salinannya"
    )
    migrate.add_argument("--to", required=True, help="postgresql://peran-bot@host/basisdata")
    db.set_defaults(handler=_db)
    migrate.set_defaults(handler=_migrate)
