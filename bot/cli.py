"""Command line: ``lkj-bot run`` (the real bot), ``lkj-bot demo`` (offline, no token)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.settings import Settings


def _run(args: argparse.Namespace) -> int:
    from bot.app import build_application
    from domain.roster import RosterError
    from storage.atomic import CorruptStoreError

    settings = Settings()
    if not settings.telegram_bot_token:
        print(
            "TELEGRAM_BOT_TOKEN belum diisi (variabel lingkungan atau berkas .env). "
            "Untuk mencoba tanpa token, jalankan: lkj-bot demo",
            file=sys.stderr,
        )
        return 2
    try:
        app = build_application(settings)
    except (RosterError, CorruptStoreError) as exc:
        print(f"lkj-bot tidak dapat dijalankan: {exc}", file=sys.stderr)
        return 2
    app.run_polling(allowed_updates=["message", "callback_query", "my_chat_member"])
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    asyncio.run(run_demo(Path(args.output), quiet=args.quiet))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lkj-bot", description="Bot Laporan Kinerja (LKj)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="jalankan bot dengan TELEGRAM_BOT_TOKEN (long polling)")
    demo = sub.add_parser("demo", help="demo luring: emulator + bot + pengguna simulasi")
    demo.add_argument("--output", default="demo-output", help="folder hasil (PDF)")
    demo.add_argument("--quiet", action="store_true", help="tanpa transkrip percakapan")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, Settings().lkj_log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "fontTools", "weasyprint", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command == "demo":  # the transcript is the output; keep the log quiet
        logging.getLogger().setLevel(logging.WARNING)
    handlers = {"run": _run, "demo": _demo}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
