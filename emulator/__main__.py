"""Run the emulator standalone (``python -m emulator``) for demos and multi-process tests."""

from __future__ import annotations

import argparse
import asyncio

from .emulator import BotAPIEmulator


async def _serve(args: argparse.Namespace) -> None:
    emu = BotAPIEmulator(
        args.token,
        args.username,
        host=args.host,
        port=args.port,
        flood_control=args.flood_control,
    )
    await emu.start()
    for user_id in args.user:
        emu.add_user(user_id, f"User{user_id}")
    print(f"base_url={emu.base_url} base_file_url={emu.base_file_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--username", default="lkj_test_bot")
    parser.add_argument(
        "--user", type=int, action="append", default=[], help="pre-register a user id (repeatable)"
    )
    parser.add_argument(
        "--flood-control",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="answer 429 for sending too fast, as Telegram does (default: on, unless "
        "EMU_FLOOD_CONTROL=0)",
    )
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
