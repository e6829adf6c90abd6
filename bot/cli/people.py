"""``lkj-bot invite`` and ``lkj-bot roster import|export``: the people of the units."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


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
    from app.invitations import administrator_role, create_invitation, create_unit
    from domain.errors import InputError
    from domain.roles import Role
    from handlers import texts

    services = _services()
    try:
        if any(u.code == args.unit for u in services.roster.units):
            unit = services.roster.unit(args.unit)
            role = Role(args.role) if args.role else administrator_role(services, unit)
            invitation = create_invitation(services, unit, role, 0, admin=True)
        elif args.name and args.city:
            invitation = create_unit(
                services,
                args.unit,
                args.name,
                args.city,
                0,
                texts.INVITE_UNIT_EXISTS,
                args.government or "",
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


def _invite_evaluator(args: argparse.Namespace) -> int:
    """``lkj-bot invite-evaluator --pemda "Kota Bandung" --body inspektorat [--admin]``: an
    evaluator's invitation for the whole pemda; ``--revoke KODE`` takes one back."""
    from app.evaluators import create_evaluator_invitation, revoke_evaluator_invitation
    from domain.errors import DomainError
    from domain.identity import parse_government
    from domain.pemda import pemda_key

    services = _services()
    try:
        if args.revoke:
            revoked = revoke_evaluator_invitation(
                services, args.revoke, 0, operator=True, update_id=None
            )
            if revoked is None:
                print(f"Undangan evaluator {args.revoke} tidak ditemukan.", file=sys.stderr)
                return 2
            print(f"Undangan evaluator {revoked.code} telah dicabut.")
            return 0
        if not (args.pemda and args.body):
            print("Sebutkan --pemda dan --body (atau --revoke KODE).", file=sys.stderr)
            return 2
        pemda = args.pemda if args.pemda in services.roster.pemdas() else ""
        pemda = pemda or pemda_key(parse_government(args.pemda))
        invitation = create_evaluator_invitation(
            services, pemda, args.body, 0, operator=True, admin=args.admin
        )
    except DomainError as exc:
        print(f"Undangan evaluator tidak dibuat: {exc}", file=sys.stderr)
        return 2
    username = args.bot or _bot_username(services.settings)
    role = "evaluator dan pengelola evaluator" if invitation.admin else "evaluator"
    government = parse_government(invitation.government).line
    print(f"Undangan {role} {invitation.body_label} {government}, berlaku 7 hari:")
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


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
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
    evaluator = sub.add_parser(
        "invite-evaluator", help="undangan evaluator pemerintah daerah (atau pencabutannya)"
    )
    evaluator.add_argument("--pemda", help='pemerintah daerah, misalnya "Kota Bandung"')
    evaluator.add_argument(
        "--body", help="badan evaluator: inspektorat, bagian_organisasi atau bappeda"
    )
    evaluator.add_argument(
        "--admin", action="store_true", help="sekaligus pengelola evaluator pemda itu"
    )
    evaluator.add_argument("--revoke", metavar="KODE", help="cabut undangan evaluator ini")
    evaluator.add_argument("--bot", help="username bot (bawaan: ditanyakan ke Telegram, getMe)")
    evaluator.set_defaults(handler=_invite_evaluator)
    roster = sub.add_parser("roster", help="impor atau ekspor daftar personel (TOML)")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    roster_export = roster_sub.add_parser("export", help="tulis daftar personel ke berkas TOML")
    roster_export.add_argument("file", nargs="?", help="berkas tujuan (bawaan: layar)")
    roster_import = roster_sub.add_parser("import", help="ganti daftar personel dari berkas TOML")
    roster_import.add_argument("file", help="berkas TOML")
    invite.set_defaults(handler=_invite)
    roster.set_defaults(handler=_roster)
