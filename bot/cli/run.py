"""``lkj-bot run [--webhook]``: the real bot, by long polling or behind a webhook."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings


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


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
    run = sub.add_parser("run", help="jalankan bot dengan TELEGRAM_BOT_TOKEN (long polling)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="terima pembaruan lewat webhook (LKJ_WEBHOOK_URL, LKJ_WEBHOOK_SECRET)",
    )
    run.set_defaults(handler=_run)
