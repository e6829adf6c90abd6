"""The duplicate window of owed messages: the deliverer is killed at random instants while it
sends, restarted, and the repeats are counted (issue 15 item 4).

A kill right after Telegram accepted a message, before the bot durably noted that, makes the
bot send it again after the restart (Telegram has no idempotency key). Two ways of noting it:

* ``store``: strike the entry off the cycle's outbox by rewriting the unit's store file after
  every message (how the bot did it before the delivery log; reproduced here for comparison);
* ``log``: the current code: append the entry id to ``state/delivered.jsonl`` (one short
  fsynced line) and strike the run's entries off the store in one write at its end.

Each kill: a fresh data directory whose year file holds three filed quarters, the last one
owing ``--messages`` text messages to the five officials; the real bot's deliverer
(``handlers.outbox.deliver_all`` in a child process, no rate limiter) is SIGKILLed at a
uniformly random instant of its sending time, then run again to the end. Also timed
directly: the strike-off itself, on the same store file.

    .venv/bin/python -m bench.delivery_window [--kills 30] [--messages 20]

Figures, not a test: the local emulator answers in about a millisecond, far faster than
Telegram (tens of ms), so the share of kills that repeat a message is a worst case.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from demo.quarter import DEMO_ROSTER
from domain.roster import load_roster
from emulator import BotAPIEmulator
from storage.database import Database
from storage.deliveries import DeliveryLog
from storage.repositories import CycleRepository
from tests.domain_factories import full_cycle

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-DELIVERY"
YEAR, TRIWULAN = 2026, 3

CHILD = """
import asyncio, os, sys
sys.path.insert(0, sys.argv[1])
from bot.app import build_application
from bot.settings import Settings
from handlers.outbox import deliver_all_to

app = build_application(Settings(_env_file=None))
services = app.bot_data["services"]
unit = services.roster.units[0].code


class StoreStrike:
    # the earlier way: rewrite the store file after every message
    def was_sent(self, entry_id):
        return False

    def record(self, entry_id):
        services.cycles.settle_entry(unit, 2026, 3, entry_id, None)

    def settled(self, ids):
        pass


if os.environ["STRIKE"] == "store":
    services.deliveries = StoreStrike()


async def main():
    await app.initialize()
    print("ready", flush=True)
    await deliver_all_to(app.bot, app.bot_data["services"])
    print("done", flush=True)
    await app.shutdown()


asyncio.run(main())
"""


def prepare(data_dir: Path, messages: int) -> list[int]:
    unit = load_roster(DEMO_ROSTER).units[0]
    officials = [p.user_id for p in unit.people][:5]
    db = Database(data_dir)
    outbox = [
        {
            "id": f"m{i:03d}",
            "chat_id": officials[i % len(officials)],
            "kind": "text",
            "text": f"Pesan uji {i:03d}",
            "buttons": None,
        }
        for i in range(messages)
    ]
    cycles = CycleRepository(db)
    for other in (1, 2):  # the year's file as it is in the third quarter: three filed quarters
        cycles.save(full_cycle(YEAR, other))
    cycles.save(full_cycle(YEAR, TRIWULAN), outbox=outbox)
    db.close()
    return [p.user_id for p in unit.people]


async def run_child(emu_url: str, data_dir: Path, strike: str, kill_after: float | None):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emu_url,
        "LKJ_DATA_DIR": str(data_dir),
        "LKJ_ROSTER": str(DEMO_ROSTER),
        "LKJ_RATE_LIMIT": "false",
        "STRIKE": strike,
        "LKJ_LOG_LEVEL": "ERROR",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        str(REPO),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    if await proc.stdout.readline() != b"ready\n":
        raise RuntimeError((await proc.stderr.read()).decode()[-2000:])
    started = time.perf_counter()
    if kill_after is None:
        await proc.stdout.readline()
        elapsed = time.perf_counter() - started
        await proc.wait()
        return elapsed
    await asyncio.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    return kill_after


async def one_kill(
    emu: BotAPIEmulator, work: Path, strike: str, messages: int, span: float, rng: random.Random
) -> tuple[int, int]:
    """(repeated messages, lost messages) after one kill at a random instant and a rerun."""
    data_dir = Path(tempfile.mkdtemp(dir=work))
    users = prepare(data_dir, messages)
    before = {u: len(emu.sent_to(u)) for u in users}
    await run_child(emu.url, data_dir, strike, rng.uniform(0, span))
    await run_child(emu.url, data_dir, strike, None)
    await emu.settle(quiet=0.05)
    texts: dict[str, int] = {}
    for u in users:
        for m in emu.sent_to(u)[before[u] :]:
            texts[m.text] = texts.get(m.text, 0) + 1
    repeated = sum(n - 1 for n in texts.values() if n > 1)
    lost = messages - len(texts)
    shutil.rmtree(data_dir, ignore_errors=True)
    return repeated, lost


def strike_times(work: Path, n: int = 30) -> dict[str, float]:
    """Median ms of one strike-off, both ways, on the same store file."""
    data_dir = work / "timing"
    prepare(data_dir, n)
    db = Database(data_dir)
    cycles = CycleRepository(db)
    unit = load_roster(DEMO_ROSTER).units[0].code
    store_ms = []
    for i in range(n):
        t = time.perf_counter()
        cycles.settle_entry(unit, YEAR, TRIWULAN, f"m{i:03d}", None)
        store_ms.append((time.perf_counter() - t) * 1000)
    log = DeliveryLog(data_dir)
    log_ms = []
    for i in range(n):
        t = time.perf_counter()
        log.record(f"x{i}")
        log_ms.append((time.perf_counter() - t) * 1000)
    size_kb = (data_dir / "units" / unit / f"{YEAR}.json").stat().st_size / 1024
    return {
        "store_ms": statistics.median(store_ms),
        "log_ms": statistics.median(log_ms),
        "store_kb": size_kb,
    }


async def main_async(kills: int, messages: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="lkj-delivery-"))
    emu = BotAPIEmulator(token=TOKEN)
    await emu.start()
    try:
        for user in load_roster(DEMO_ROSTER).units[0].people:
            emu.add_user(user.user_id, user.name)
        times = strike_times(work)
        print(
            f"strike-off of one message: rewrite of the store file ({times['store_kb']:.0f} KB)"
            f" {times['store_ms']:.2f} ms; delivery-log line {times['log_ms']:.2f} ms"
        )
        rng = random.Random(4)
        for strike in ("store", "log"):
            probe = Path(tempfile.mkdtemp(dir=work))
            prepare(probe, messages)
            span = await run_child(emu.url, probe, strike, None)  # how long sending takes
            results = [await one_kill(emu, work, strike, messages, span, rng) for _ in range(kills)]
            repeated = [r for r, _ in results]
            lost = sum(lo for _, lo in results)
            print(
                f"{strike:5s}: sending {messages} messages took {span * 1000:.0f} ms; "
                f"{sum(1 for r in repeated if r)} of {kills} kills repeated a message "
                f"({sum(repeated)} repeats in all), {lost} lost"
            )
    finally:
        await emu.stop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # killed clients reset connections
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main_async(args.kills, args.messages))


if __name__ == "__main__":
    main()
