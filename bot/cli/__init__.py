"""Command line, one module per command group: ``lkj-bot run`` (the real bot, bot/cli/run.py),
``lkj-bot demo``, ``render-samples`` and ``guides`` (offline, no token: demo.py),
``lkj-bot audit verify|anchor`` (audit.py), ``lkj-bot backup`` and ``lkj-bot restore`` (the
data directory: backup.py), ``lkj-bot invite``, ``lkj-bot invite-evaluator`` and ``lkj-bot
roster import|export`` (the people: people.py), ``lkj-bot db init`` and ``lkj-bot migrate``
(PostgreSQL: db.py), ``lkj-bot sop adopt`` (the SOP table in force: sop.py) and ``lkj-bot
store use-backup`` (a damaged store file's ``.bak``, put back on record: store.py)."""

from __future__ import annotations

import argparse
import logging

from bot.cli import audit, backup, db, demo, people, run, sop, store
from bot.cli.run import webapp_problem, webhook_problem
from bot.logs import configure as configure_logs
from bot.settings import Settings

__all__ = ["main", "webapp_problem", "webhook_problem"]

# In this order `lkj-bot --help` lists the commands.
GROUPS = (run, demo, people, audit, sop, store, db, backup)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lkj-bot", description="Bot Laporan Kinerja (LKj)")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_commands(sub)
    args = parser.parse_args(argv)
    env = Settings()
    configure_logs(getattr(logging, env.lkj_log_level.upper(), logging.INFO), env.lkj_log_format)
    for noisy in ("httpx", "fontTools", "weasyprint", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command in ("demo", "render-samples", "guides"):  # keep the log quiet
        logging.getLogger().setLevel(logging.WARNING)
    return args.handler(args)
