"""Command line: ``lkj-bot run`` (the real bot), ``lkj-bot demo`` (offline, no token),
``lkj-bot audit verify``, ``lkj-bot backup`` and ``lkj-bot restore`` (the data directory),
``lkj-bot invite`` and ``lkj-bot roster import|export`` (the people), ``lkj-bot db init``
(the PostgreSQL schema), ``lkj-bot sop adopt`` (the SOP table in force) and
``lkj-bot store use-backup`` (a damaged store file's ``.bak``, put back on record)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.logs import configure as configure_logs
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


def _run(args: argparse.Namespace) -> int:
    from bot.app import build_application
    from domain.errors import SopError
    from domain.roster import RosterError
    from storage.atomic import CorruptStoreError
    from storage.audit import AuditAnchorError

    settings = Settings()
    if not settings.telegram_bot_token:
        print(
            "TELEGRAM_BOT_TOKEN belum diisi (variabel lingkungan atau berkas .env). "
            "Untuk mencoba tanpa token, jalankan: lkj-bot demo",
            file=sys.stderr,
        )
        return 2
    from bot.services import stop_worker

    try:
        app = build_application(settings, on_lost=stop_worker)
    except (RosterError, SopError, CorruptStoreError, AuditAnchorError) as exc:
        print(f"lkj-bot tidak dapat dijalankan: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the database's own errors, without importing psycopg here
        if type(exc).__module__.split(".")[0] not in ("psycopg", "storage"):
            raise
        print(f"lkj-bot tidak dapat dijalankan: {exc}", file=sys.stderr)
        return 2
    problem = webapp_problem(settings)
    if problem:
        print(f"lkj-bot tidak dapat dijalankan: {problem}", file=sys.stderr)
        return 2
    allowed = ["message", "callback_query", "my_chat_member"]
    if not args.webhook:
        app.run_polling(allowed_updates=allowed)
        return 0
    problem = webhook_problem(settings)
    if problem:
        print(f"lkj-bot tidak dapat dijalankan: {problem}", file=sys.stderr)
        return 2
    from bot.webhook import serve

    # The secret header is checked before any body is read; see bot/webhook.py.
    asyncio.run(serve(app, settings, allowed))
    return 0


def webapp_problem(settings: Settings) -> str | None:
    """Why the Mini App's address cannot be used, or None (no address: no Mini App)."""
    url = settings.lkj_webapp_url
    if url and urlsplit(url).scheme != "https":
        return "LKJ_WEBAPP_URL harus berupa alamat HTTPS (syarat Telegram untuk Mini App)."
    return None


def webhook_problem(settings: Settings) -> str | None:
    """Why webhook mode cannot start safely, or None."""
    from bot.webhook import secret_problem

    if not settings.lkj_webhook_url:
        return "LKJ_WEBHOOK_URL belum diisi."
    return secret_problem(settings.lkj_webhook_secret)


def _render_samples(args: argparse.Namespace) -> int:
    from bot.demo import render_samples

    pdfs = asyncio.run(render_samples(Path(args.output)))
    for pdf in pdfs:
        print(pdf)
    return 0


def _guides(args: argparse.Namespace) -> int:
    from bot.guides import build_guides

    output = Path(args.output)
    for guide in asyncio.run(build_guides(output)):
        print(output / f"{guide.slug}.html", output / f"{guide.slug}.pdf")
        for after in guide.missing:
            print(f"  catatan tanpa pesan: “{after}”", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    if args.onboarding:
        from bot.demo_onboarding import run_onboarding_demo

        asyncio.run(run_onboarding_demo(Path(args.output), quiet=args.quiet))
        return 0
    from bot.demo import run_demo

    asyncio.run(run_demo(Path(args.output), quiet=args.quiet))
    return 0


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


def _db(args: argparse.Namespace) -> int:
    """``lkj-bot db init ADMIN_URL [--bot-role lkj_bot]``: the PostgreSQL schema, created as
    the database's owner, with the bot's role granted only what it needs."""
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


def _services():
    from bot.services import build_services

    return build_services(Settings())


def _bot_username(settings: Settings) -> str:
    """The bot's @username from getMe (the invitation link names it)."""
    from telegram import Bot

    urls = settings.api_urls()
    bot = Bot(settings.telegram_bot_token, *(urls or ()))

    async def ask() -> str:
        async with bot:
            return (await bot.get_me()).username or ""

    return asyncio.run(ask())


def _invite(args: argparse.Namespace) -> int:
    """``lkj-bot invite --unit KODE [--name … --city …]``: the unit administrator's invitation
    (the unit is created first when it does not exist yet)."""
    from domain.errors import InputError
    from domain.roles import Role
    from handlers.invitations import administrator_role, create, create_unit

    services = _services()
    try:
        if any(u.code == args.unit for u in services.roster.units):
            unit = services.roster.unit(args.unit)
            role = Role(args.role) if args.role else administrator_role(services, unit)
            invitation = create(services, unit, role, 0, admin=True)
        elif args.name and args.city:
            invitation = create_unit(
                services, args.unit, args.name, args.city, by=0, government=args.government or ""
            )
        else:
            print(f"Unit {args.unit} belum ada: sebutkan --name dan --city.", file=sys.stderr)
            return 2
    except InputError as exc:
        print(f"Undangan tidak dibuat: {exc}", file=sys.stderr)
        return 2
    username = args.bot or _bot_username(services.settings)
    unit = services.roster.unit(invitation.unit)
    print(f"Undangan pengelola {unit.name} ({unit.role_label(invitation.role)}), berlaku 7 hari:")
    print(f"https://t.me/{username}?start={invitation.code}")
    return 0


def _roster(args: argparse.Namespace) -> int:
    """``lkj-bot roster export [FILE]`` / ``lkj-bot roster import FILE``: the roster as a TOML
    file, for bulk changes; the running bot applies an import on its next update."""
    import hashlib

    import tomli_w

    from domain.roster import RosterError, load_raw, roster_from_raw
    from domain.staff import keep_on_record

    services = _services()
    if args.roster_command == "export":
        text = tomli_w.dumps(services.rosters.raw())
        if args.file:
            Path(args.file).write_text(text, encoding="utf-8")
            print(f"Daftar personel ditulis ke {args.file}.")
        else:
            print(text, end="")
        return 0
    path = Path(args.file)
    try:
        raw = load_raw(path)
        roster = roster_from_raw(raw, services.roster_folder)
    except RosterError as exc:
        print(f"Daftar personel tidak diimpor: {exc}", file=sys.stderr)
        return 2
    own = path.resolve() == Path(services.settings.lkj_roster).resolve()
    sha = hashlib.sha256(path.read_bytes()).hexdigest() if own else None
    services.rosters.replace(keep_on_record(services.rosters.raw(), raw, services.now()), sha)
    people = sum(len(u.people) for u in roster.units)
    print(f"Diimpor: {len(roster.units)} unit, {people} orang.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lkj-bot", description="Bot Laporan Kinerja (LKj)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="jalankan bot dengan TELEGRAM_BOT_TOKEN (long polling)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="terima pembaruan lewat webhook (LKJ_WEBHOOK_URL, LKJ_WEBHOOK_SECRET)",
    )
    demo = sub.add_parser("demo", help="demo luring: emulator + bot + pengguna simulasi")
    demo.add_argument("--output", default="demo-output", help="folder hasil (PDF)")
    demo.add_argument("--quiet", action="store_true", help="tanpa transkrip percakapan")
    demo.add_argument(
        "--onboarding", action="store_true", help="menyiapkan unit baru melalui undangan"
    )
    samples = sub.add_parser(
        "render-samples", help="buat semua dokumen dari data contoh (PDF dan pratinjau PNG)"
    )
    samples.add_argument("--output", default="samples-output", help="folder hasil")
    guides = sub.add_parser(
        "guides", help="buat panduan bergambar per peran dari peragaan (HTML dan PDF)"
    )
    guides.add_argument("--output", default="docs/panduan", help="folder hasil")
    invite = sub.add_parser("invite", help="undangan pengelola unit (membuat unit bila belum ada)")
    invite.add_argument("--unit", required=True, help="kode unit, misalnya satpolpp-kbb")
    invite.add_argument("--name", help="nama unit (untuk unit baru)")
    invite.add_argument("--city", help="kota (untuk unit baru)")
    invite.add_argument(
        "--government",
        help='pemerintah daerah pada kop, misalnya "Kabupaten Kendal" (bawaan: dibaca dari '
        "nama unit)",
    )
    invite.add_argument(
        "--role", help="peran pengelola (bawaan: pemegang pembagian tugas, biasanya kasubbag)"
    )
    invite.add_argument("--bot", help="username bot (bawaan: ditanyakan ke Telegram, getMe)")
    roster = sub.add_parser("roster", help="impor atau ekspor daftar personel (TOML)")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    roster_export = roster_sub.add_parser("export", help="tulis daftar personel ke berkas TOML")
    roster_export.add_argument("file", nargs="?", help="berkas tujuan (bawaan: layar)")
    roster_import = roster_sub.add_parser("import", help="ganti daftar personel dari berkas TOML")
    roster_import.add_argument("file", help="berkas TOML")
    audit = sub.add_parser("audit", help="log audit berantai")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="periksa rantai hash semua log audit dan kepalanya")
    audit_sub.add_parser(
        "anchor", help="cetak kepala (seq dan hash) setiap log untuk dicatat di register kertas"
    )
    sop = sub.add_parser("sop", help="tabel SOP yang berlaku untuk penyimpanan ini")
    sop_sub = sop.add_subparsers(dest="sop_command", required=True)
    sop_adopt = sop_sub.add_parser(
        "adopt", help="catat tabel SOP baru sebagai yang berlaku (tercatat di log audit)"
    )
    sop_adopt.add_argument("file", nargs="?", help="berkas TOML (bawaan: LKJ_SOP atau bawaan)")
    store = sub.add_parser("store", help="berkas penyimpanan folder data")
    store_sub = store.add_subparsers(dest="store_command", required=True)
    use_backup = store_sub.add_parser(
        "use-backup", help="pakai cadangan .bak sebuah berkas penyimpanan (tercatat di log audit)"
    )
    use_backup.add_argument("file", help="berkas penyimpanan, mis. units/UNIT/2026.json")
    db = sub.add_parser("db", help="basis data PostgreSQL (LKJ_DATABASE_URL)")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_init = db_sub.add_parser(
        "init", help="buat skema sebagai pemilik basis data dan beri hak terbatas ke peran bot"
    )
    db_init.add_argument("admin_url", help="postgresql://pemilik@host/basisdata")
    db_init.add_argument("--bot-role", default="lkj_bot", help="peran yang dipakai bot")
    migrate = sub.add_parser(
        "migrate", help="pindahkan folder data (TinyDB) ke PostgreSQL dan periksa salinannya"
    )
    migrate.add_argument("--to", required=True, help="postgresql://peran-bot@host/basisdata")
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
    args = parser.parse_args(argv)
    env = Settings()
    configure_logs(getattr(logging, env.lkj_log_level.upper(), logging.INFO), env.lkj_log_format)
    for noisy in ("httpx", "fontTools", "weasyprint", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command in ("demo", "render-samples", "guides"):  # keep the log quiet
        logging.getLogger().setLevel(logging.WARNING)
    handlers = {
        "run": _run,
        "demo": _demo,
        "render-samples": _render_samples,
        "guides": _guides,
        "audit": _audit,
        "backup": _backup,
        "restore": _restore,
        "db": _db,
        "migrate": _migrate,
        "invite": _invite,
        "roster": _roster,
        "sop": _sop,
        "store": _store,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
