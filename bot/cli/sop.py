"""``lkj-bot sop adopt``: the SOP table in force for this store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


def _sop(args: argparse.Namespace) -> int:
    """``lkj-bot sop adopt [PATH]``: record PATH (default LKJ_SOP or the built-in table) and
    each unit's own table as the tables in force for this store, with an audit entry holding
    the old and new hashes. Stop every worker first; start them with the same LKJ_SOP."""
    from bot.sop_record import adopt, tables_in_force
    from domain.errors import SopError
    from domain.roster import RosterError, roster_from_raw
    from storage.atomic import CorruptStoreError
    from storage.audit import AuditTrail
    from storage.database import Database
    from storage.repositories import RosterRepository, SopRecordRepository

    settings = Settings()
    path = Path(args.file) if args.file else settings.lkj_sop
    db = Database(settings.lkj_data_dir, settings.lkj_database_url or None)
    try:
        db.check_all()
        raw = RosterRepository(db).raw()
        roster = roster_from_raw(raw, Path(settings.lkj_roster).parent, partial=True)
        ours = tables_in_force(path, roster.units)
        if db.pg is not None:
            from storage.pg_audit import PgAuditTrail

            trail: Any = PgAuditTrail(db.pg)
        else:
            trail = AuditTrail(db.data_dir, binding=db.manifest)
        changed = adopt(SopRecordRepository(db), trail, ours)
    except (SopError, RosterError, CorruptStoreError, OSError) as exc:
        print(f"Tabel SOP tidak dicatat: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()
    default = ours[""]
    print(
        f"Tabel SOP yang berlaku dicatat: {default['path']} (sha256 {default['sha256'][:16]}…); "
        f"{len(changed)} tabel berubah ({', '.join(k or 'bawaan' for k in changed) or '-'}), "
        "tercatat di log audit (sop.adopt). Jalankan setiap pekerja dengan LKJ_SOP="
        f"{default['path']}."
    )
    return 0


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
    sop = sub.add_parser("sop", help="tabel SOP yang berlaku untuk penyimpanan ini")
    sop_sub = sop.add_subparsers(dest="sop_command", required=True)
    sop_adopt = sop_sub.add_parser(
        "adopt", help="catat tabel SOP baru sebagai yang berlaku (tercatat di log audit)"
    )
    sop_adopt.add_argument("file", nargs="?", help="berkas TOML (bawaan: LKJ_SOP atau bawaan)")
    sop.set_defaults(handler=_sop)
