"""The real bot in a child process, talking over HTTP to an emulator in the parent.

Usage (the parent does this): ``python -m bench.botproc --url URL --data DIR --roster FILE
--stats OUT.json [--cpu N] [--profile OUT.prof] [--concurrent K] [--rate-limit on|off]
[--echo]``  (``--echo``: a bare PTB echo bot instead of lkj-bot, the floor to compare with)

* prints one JSON line ``{"ready": ...}`` with wall-clock marks once polling has started;
* reads commands from stdin: ``reset`` (zero the counters, start the profiler), ``stats``
  (stop the profiler, write the counters to the stats file) and ``stop`` (``stats``, then a
  graceful shutdown);
* counts storage reads/writes/fsyncs per store file kind by wrapping the storage class's
  ``read``/``write`` and ``os.fsync`` -- in this process only; no project file is changed.
"""

from __future__ import annotations

import time

T_MAIN = time.time()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402


def _kind(path: Path) -> str:
    parts = path.parts
    if "state" in parts:
        return f"state/{path.name}"
    if "units" in parts:
        return "units/<unit>/<year>.json"
    return path.name


class IOStats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.ops: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.fsync_n = 0
        self.fsync_s = 0.0

    def add(self, kind: str, op: str, nbytes: int, seconds: float) -> None:
        d = self.ops[kind]
        d[f"{op}_n"] += 1
        d[f"{op}_bytes"] += nbytes
        d[f"{op}_s"] += seconds

    def as_dict(self) -> dict:
        return {
            "files": {k: dict(v) for k, v in self.ops.items()},
            "fsync_n": self.fsync_n,
            "fsync_s": self.fsync_s,
        }


STATS = IOStats()
PROCESSED = {"n": 0}


def count_updates() -> None:
    """Count the updates the Application has finished handling (since the last reset)."""
    from telegram.ext import Application

    orig = Application.process_update

    async def process_update(self, update):
        try:
            return await orig(self, update)
        finally:
            PROCESSED["n"] += 1

    Application.process_update = process_update  # type: ignore[method-assign]


def instrument_storage() -> None:
    """Wrap the storage class so every whole-file read/write is counted and timed."""
    from storage import atomic

    cls = atomic.AtomicJSONStorage
    orig_read, orig_write = cls.read, cls.write

    def read(self):
        t = time.perf_counter()
        data = orig_read(self)
        dt = time.perf_counter() - t
        try:
            size = self.path.stat().st_size if data is not None else 0
        except OSError:
            size = 0
        STATS.add(_kind(self.path), "read", size, dt)
        return data

    def write(self, data):
        t = time.perf_counter()
        orig_write(self, data)
        dt = time.perf_counter() - t
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0
        STATS.add(_kind(self.path), "write", size, dt)

    cls.read, cls.write = read, write
    orig_fsync = os.fsync

    def fsync(fd):
        t = time.perf_counter()
        orig_fsync(fd)
        STATS.fsync_n += 1
        STATS.fsync_s += time.perf_counter() - t

    os.fsync = fsync


# The same bound as lkj-bot's default (LKJ_CONCURRENT_UPDATES): with 256 requests in flight
# httpx's connection pool slows down more than it gains (measured: 16-32 at once are best).
ECHO_CONCURRENCY = 32


def echo_application(url: str, token: str):
    """The floor: a bare python-telegram-bot bot with concurrent updates on that answers every
    message with one ``sendMessage`` and every button press with ``answerCallbackQuery``."""
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters

    async def echo(update, context) -> None:
        await context.bot.send_message(
            update.effective_chat.id, update.effective_message.text or "ok"
        )

    async def answer(update, context) -> None:
        await update.callback_query.answer()

    root = url.rstrip("/")
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .concurrent_updates(ECHO_CONCURRENCY)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(answer))
    return app


def proc_status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])  # kB
    return out


async def run(args: argparse.Namespace, marks: dict[str, float]) -> None:
    if args.echo:
        marks["imported"] = time.time()
        app = echo_application(args.url, args.token)
    else:
        from bench.fixtures import FIXED_NOW
        from bot.app import build_application
        from bot.settings import Settings

        marks["imported"] = time.time()
        extra = {}
        if "lkj_rate_limit" in Settings.model_fields:  # the shipped default is on
            extra["lkj_rate_limit"] = args.rate_limit == "on"
        if args.concurrent:  # 1: what-if sequential (PTB's default before concurrent handling)
            extra["lkj_concurrent_updates"] = args.concurrent
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=args.token,
            telegram_api_base_url=args.url,
            lkj_data_dir=Path(args.data),
            lkj_roster=Path(args.roster),
            **extra,
        )
        app = build_application(settings, clock=lambda: FIXED_NOW)
    marks["built"] = time.time()
    await app.initialize()
    if app.post_init is not None:  # as run_polling does: commands, owed messages, render workers
        await app.post_init(app)
    await app.start()
    marks["initialized"] = time.time()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    marks["polling"] = time.time()
    services = app.bot_data.get("services")
    if services is not None:  # measure once the render workers are warm, not while they start
        import concurrent.futures

        await asyncio.to_thread(concurrent.futures.wait, services.renderer.warm(), 120)
    print(json.dumps({"ready": marks, "status": proc_status()}), flush=True)

    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[str] = asyncio.Queue()

    def reader() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line.strip())
        loop.call_soon_threadsafe(commands.put_nowait, "stop")

    threading.Thread(target=reader, daemon=True).start()
    profiler = None
    cpu0 = os.times()
    while True:
        command = await commands.get()
        if command == "reset":
            STATS.reset()
            PROCESSED["n"] = 0
            cpu0 = os.times()
            if args.profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            print(json.dumps({"reset": True}), flush=True)
        elif command in ("stats", "stop"):
            # A snapshot now: after a closed-loop phase hundreds of updates may still be
            # queued inside PTB; the parent kills this process instead of waiting for them.
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
                profiler = None
            cpu1 = os.times()
            result = {
                "io": STATS.as_dict(),
                "processed": PROCESSED["n"],
                "cpu_user_s": cpu1.user - cpu0.user,
                "cpu_sys_s": cpu1.system - cpu0.system,
                "status": proc_status(),
            }
            Path(args.stats).write_text(json.dumps(result), encoding="utf-8")
            print(json.dumps({"stats": True}), flush=True)
            if command == "stop":
                break
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    with contextlib.suppress(Exception):
        app.bot_data["services"].db.close()
    print(json.dumps({"stopped": True}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", default="123456:BENCH-TOKEN")
    parser.add_argument("--data", required=True)
    parser.add_argument("--roster", required=True)
    parser.add_argument("--stats", required=True)
    parser.add_argument("--cpu", type=int, default=None)
    parser.add_argument("--profile", default=None)
    parser.add_argument(
        "--concurrent",
        type=int,
        default=0,
        help="updates handled at once (LKJ_CONCURRENT_UPDATES); 1: sequential",
    )
    parser.add_argument(
        "--echo", action="store_true", help="run a bare PTB echo bot instead of lkj-bot (the floor)"
    )
    parser.add_argument("--no-io-stats", action="store_true")
    parser.add_argument(
        "--rate-limit",
        choices=("on", "off"),
        default="off",
        help="PTB AIORateLimiter (LKJ_RATE_LIMIT); off measures the bot itself",
    )
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    marks = {"main": T_MAIN}
    if not args.no_io_stats:
        instrument_storage()
    count_updates()
    asyncio.run(run(args, marks))


if __name__ == "__main__":
    main()
