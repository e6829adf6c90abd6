"""TinyDB vs PostgreSQL, and 1, 2 and 4 webhook workers on PostgreSQL (issue 13's bench rows).

``python -m bench.workers [--window S]`` (about three minutes) prints one table. Each row runs
the real bot as ``lkj-bot run --webhook`` child processes behind the emulator, which delivers
the updates to them round-robin (one POST at a time, like a proxy in front of the workers)
and adds a 50 ms round trip to every Bot API call (a real server's distance to Telegram). The
load is ``bench/chat.py``'s mix in a closed loop (every user sends the next update as soon as
the previous one is answered), on ``bench/fixtures.py``'s stores of 1 and 50 units (a filed
previous year and open cycles). The PostgreSQL rows copy the same store into a throw-away
cluster (``tests/pg_cluster.py``, with PostgreSQL's default durability: fsync and synchronous
commit on, as the TinyDB store fsyncs every write) with ``lkj-bot migrate``'s code.

Per row: updates handled per second; CPU per update of the bot processes together, and of the
PostgreSQL server (all its processes). On this machine everything (the emulator and the load,
the workers, the database) shares 2 cores, so the rows with more workers show where the CPU
goes rather than how a bigger server would scale.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.chat import (
    TOKEN,
    Driver,
    install_hooks,
    make_sims,
    proc_cpu,
    run_users,
    stamp_sends,
    summarize,
)
from bench.fixtures import Store, build_stores
from demo.screenshots import free_port
from emulator import BotAPIEmulator
from storage.migrate import migrate_to_pg

REPO = Path(__file__).resolve().parents[1]
ROUND_TRIP = 0.05
IDLE = 3.0  # seconds the workers are watched idle before the load starts


@dataclass
class Row:
    backend: str
    units: int
    workers: int
    rate: float = 0.0
    bot_ms: float = 0.0
    db_ms: float = 0.0
    errors: int = 0
    updates: int = 0
    idle_ms_s: float = 0.0  # CPU of the idle workers together, ms per second
    db_idle_ms_s: float = 0.0  # and of the server meanwhile
    shared_waits: int = 0  # lock waits over 1 ms on a store row shared by all chats
    own_waits: int = 0  # on a unit's or a chat's own row, or a row of a table per key
    shared_paths: tuple[str, ...] = ()


def _is_shared(path: str) -> bool:
    """A store row shared by all chats and units (``state/<name>.json``), not a unit's
    (``units/…``) nor a chat's own (``state/<name>/<chat>.json``)."""
    parts = path.split("/")
    return len(parts) == 2 and parts[0] == "state"


WAIT_LINE = re.compile(r"still waiting for \w+ on (.+?) after [\d.]+ ms")
ADVISORY = re.compile(r"advisory lock \[\d+,(\d+),(\d+),\d+\]")


def watch_lock_waits(cluster) -> None:
    """Have the server log every lock wait longer than 1 ms (``log_lock_waits`` after a
    ``deadlock_timeout`` of 1 ms): each wait is one line naming the lock waited for."""
    import psycopg

    with psycopg.connect(cluster.url("postgres", "postgres"), autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET log_lock_waits = on")
        conn.execute("ALTER SYSTEM SET deadlock_timeout = '1ms'")
        conn.execute("SELECT pg_reload_conf()")


def _log_size(cluster) -> int:
    try:
        return (cluster.root / "server.log").stat().st_size
    except FileNotFoundError:
        return 0


def count_lock_waits(cluster, url: str, since: int, until: int, row: Row) -> None:
    """The lock waits the server logged between the offsets ``since`` and ``until`` of its log:
    on a store row shared by all chats (an advisory lock on ``"f:" + path``, see
    ``storage.pg.PgStore.read``, whose path is a shared one), or on anything else (a unit's or
    a chat's own row, a row of a table per key)."""
    import psycopg

    with (cluster.root / "server.log").open("rb") as f:
        f.seek(since)
        text = f.read(max(until - since, 0)).decode(errors="replace")
    with psycopg.connect(url, autocommit=True) as conn:
        known = conn.execute(
            "SELECT p, hashtextextended('f:' || p, 0) FROM "
            "(SELECT path FROM lkj_files UNION SELECT unnest(%s::text[])) AS f(p)",
            (["state/buttons.json", "state/notes.json", "state/sessions.json"],),
        ).fetchall()
    paths = {int(h) & 0xFFFFFFFFFFFFFFFF: str(p) for p, h in known}
    shared: set[str] = set()
    for match in WAIT_LINE.finditer(text):
        advisory = ADVISORY.match(match.group(1))
        path = "?"
        if advisory:
            path = paths.get((int(advisory.group(1)) << 32) | int(advisory.group(2)), "?")
        if _is_shared(path):
            row.shared_waits += 1
            shared.add(path)
        else:
            row.own_waits += 1
    row.shared_paths = tuple(sorted(shared))


def _server_pids(cluster) -> list[int]:
    """The PostgreSQL server's processes: the postmaster and its children."""
    master = int((cluster.data / "postmaster.pid").read_text().split()[0])
    found = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == master:
            found.append(int(stat.parent.name))
    return found


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += proc_cpu(pid)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


async def _spawn_workers(
    emu: BotAPIEmulator, store: Store, url: str, count: int, workdir: Path
) -> list[asyncio.subprocess.Process]:
    secret = secrets.token_urlsafe(32)
    procs, hooks = [], []
    for n in range(count):
        port = free_port()
        hook = f"http://127.0.0.1:{port}/hook"
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emu.url,
            "LKJ_DATA_DIR": str(store.data_dir),
            "LKJ_ROSTER": str(store.roster_path),
            "LKJ_DATABASE_URL": url,
            "LKJ_WEBHOOK_URL": hook,
            "LKJ_WEBHOOK_SECRET": secret,
            "LKJ_WEBHOOK_PORT": str(port),
            "LKJ_RATE_LIMIT": "false",
            "LKJ_REMINDER_INTERVAL_S": "3600",
            "LKJ_RENDER_WORKERS": "1",
            "LKJ_LOG_LEVEL": "WARNING",
        }
        before = len(emu.calls_to("setWebhook"))
        log = open(workdir / f"worker-{n}.log", "wb")  # noqa: SIM115 - the child's
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--webhook", env=env, cwd=str(REPO), stderr=log
        )
        log.close()
        procs.append(proc)
        hooks.append(hook)
        deadline = time.monotonic() + 90
        while len(emu.calls_to("setWebhook")) == before:
            if proc.returncode is not None or time.monotonic() > deadline:
                text = (workdir / f"worker-{n}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"worker did not start:\n{text}")
            await asyncio.sleep(0.02)
    emu.webhook_pool(hooks)
    return procs


async def run_row(row: Row, store: Store, cluster, window: float) -> Row:
    install_hooks()
    workdir = Path(tempfile.mkdtemp(prefix="lkj-bench-workers-"))
    run_store = store.copy_to(workdir / "store")
    url = ""
    if row.backend == "postgresql":
        url = cluster.new_database()
        migrate_to_pg(run_store.data_dir, url)
    # Flood control off: the rows drive several workers above Telegram's 30 a second on
    # purpose, to measure throughput and CPU.
    emu = BotAPIEmulator(
        token=TOKEN, bot_username="lkj_bench_bot", round_trip=ROUND_TRIP, flood_control=False
    )
    await emu.start()
    stamp_sends(emu)
    procs: list[asyncio.subprocess.Process] = []
    try:
        sims = make_sims(emu, run_store, list(range(row.units)))
        procs = await _spawn_workers(emu, run_store, url, row.workers, workdir)
        driver = Driver(emu)
        db_pids = _server_pids(cluster) if url else []
        # What the workers cost doing nothing (their polling), before any update is sent,
        # once their start-up work (first deliveries, reminders, menus) is over.
        await asyncio.sleep(IDLE)
        idle0, db_idle0 = _cpu([p.pid for p in procs]), _cpu(db_pids)
        await asyncio.sleep(IDLE)
        row.idle_ms_s = (_cpu([p.pid for p in procs]) - idle0) / IDLE * 1000
        row.db_idle_ms_s = (_cpu(db_pids) - db_idle0) / IDLE * 1000
        warmup = 2.0
        t0 = time.monotonic()
        bot_cpu0: float | None = None
        db_cpu0 = 0.0

        log_from = 0

        async def mark() -> None:
            nonlocal bot_cpu0, db_cpu0, log_from
            await asyncio.sleep(warmup)
            bot_cpu0 = _cpu([p.pid for p in procs])
            db_cpu0 = _cpu(db_pids)
            log_from = _log_size(cluster) if url else 0

        marker = asyncio.create_task(mark())
        samples = await run_users(driver, sims, warmup + window, None)
        await marker
        log_to = _log_size(cluster) if url else 0
        bot_cpu = _cpu([p.pid for p in procs]) - (bot_cpu0 or 0.0)
        db_cpu = _cpu(db_pids) - db_cpu0
        summary = summarize(samples, t0 + warmup, t0 + warmup + window)
        done = max(summary["updates"], 1)
        row.rate = summary["rate"]
        row.bot_ms = bot_cpu / done * 1000
        row.db_ms = db_cpu / done * 1000 if url else 0.0
        row.errors = sum(s.errors for s in sims)
        if url:
            row.updates = done
            count_lock_waits(cluster, url, log_from, log_to, row)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        await emu.stop()
        if url:
            cluster.drop_database(url)
        shutil.rmtree(workdir, ignore_errors=True)
    return row


PLAN = [
    ("tinydb", 1, 1),
    ("postgresql", 1, 1),
    ("tinydb", 50, 1),
    ("postgresql", 50, 1),
    ("postgresql", 50, 2),
    ("postgresql", 50, 4),
]


async def main_async(window: float, repeat: int, workers_only: bool = False) -> list[Row]:
    from tests.pg_cluster import start_cluster

    base = Path(tempfile.mkdtemp(prefix="lkj-bench-stores-"))
    stores = build_stores(base, (1, 50), history=True)
    cluster = start_cluster(durable=True)  # fsync and synchronous commit on, like TinyDB's
    watch_lock_waits(cluster)
    plan = [p for p in PLAN if p[2] > 1 or p[:2] == ("postgresql", 50)] if workers_only else PLAN
    rows: list[Row] = []
    try:
        for backend, units, workers in plan:
            runs = []
            for _ in range(repeat):
                runs.append(
                    await run_row(Row(backend, units, workers), stores[units], cluster, window)
                )
            row = Row(backend, units, workers)
            row.rate = statistics.median(r.rate for r in runs)
            row.bot_ms = statistics.median(r.bot_ms for r in runs)
            row.db_ms = statistics.median(r.db_ms for r in runs)
            row.errors = sum(r.errors for r in runs)
            row.updates = sum(r.updates for r in runs)
            row.idle_ms_s = statistics.median(r.idle_ms_s for r in runs)
            row.db_idle_ms_s = statistics.median(r.db_idle_ms_s for r in runs)
            row.shared_waits = sum(r.shared_waits for r in runs)
            row.own_waits = sum(r.own_waits for r in runs)
            row.shared_paths = tuple(sorted({p for r in runs for p in r.shared_paths}))
            rows.append(row)
            print(_line(row), flush=True)
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
    return rows


def _waits(row: Row) -> str:
    """Lock waits over 1 ms per 1,000 updates (the shared rows waited on named)."""
    if not row.updates:
        return "- | -"
    shared = f"{row.shared_waits * 1000 / row.updates:.1f} ({row.shared_waits})"
    if row.shared_paths:
        shared += " on " + ", ".join(row.shared_paths)
    return f"{shared} | {row.own_waits * 1000 / row.updates:.1f} ({row.own_waits})"


def _line(row: Row) -> str:
    db = f"{row.db_ms:.2f}" if row.backend == "postgresql" else "-"
    return (
        f"| {row.backend} | {row.units} | {row.workers} | {row.rate:.0f} | {row.bot_ms:.2f} | "
        f"{db} | {_waits(row)} | {row.idle_ms_s:.1f} / {row.db_idle_ms_s:.1f} | {row.errors} |"
    )


#: The section of bench/results.md these rows go to (``--write``); bench.run_all keeps it.
SECTION = "## PostgreSQL workers (`python -m bench.workers`)"
RESULTS = REPO / "bench" / "results.md"


def section_of(text: str) -> str:
    """This bench's section of a results page ("" if none): its heading to the next one."""
    start = text.find(SECTION)
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(SECTION))
    return text[start:] if end < 0 else text[start : end + 1]


def write_section(lines: list[str], path: Path = RESULTS) -> None:
    """Put ``lines`` as this bench's section at the end of ``path``, replacing the one before."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    old = section_of(text)
    if old:
        text = text.replace(old, "")
    new = SECTION + "\n\n" + "\n".join(lines).strip("\n") + "\n"
    path.write_text(text.rstrip("\n") + "\n\n" + new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=10.0, help="measured seconds per row")
    parser.add_argument("--repeat", type=int, default=1, help="runs per row (median)")
    parser.add_argument(
        "--workers-only",
        action="store_true",
        help="only PostgreSQL with 1, 2 and 4 workers on 50 units",
    )
    parser.add_argument(
        "--write", action="store_true", help=f"also write the rows to {RESULTS.name}"
    )
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average before: {load_before}", flush=True)
    head = [
        "| store | units | workers | updates/s | bot CPU ms/update | database CPU ms/update "
        "| lock waits > 1 ms per 1,000 updates on a shared row | … on a unit's or chat's own "
        "| idle CPU ms/s, workers / database | scripts interrupted |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(head), flush=True)
    rows = asyncio.run(main_async(args.window, args.repeat, args.workers_only))
    notes = []
    pg = {r.workers: r for r in rows if (r.backend, r.units) == ("postgresql", 50)}
    if 1 in pg and 4 in pg and pg[1].bot_ms:
        one, four = pg[1].bot_ms + pg[1].db_ms, pg[4].bot_ms + pg[4].db_ms
        met = "met" if four / one <= 1.1 else "NOT met"
        notes.append(
            f"* CPU per update (bot + database), 4 workers vs 1: {four:.2f} / {one:.2f} ms = "
            f"{four / one:.2f}× (target ≤ 1.1×: {met}); bot only "
            f"{pg[4].bot_ms / pg[1].bot_ms:.2f}×"
        )

        def busy(r: Row) -> float:  # less what the same workers burn idle in that time
            return r.bot_ms + r.db_ms - (r.idle_ms_s + r.db_idle_ms_s) / max(r.rate, 1e-9)

        notes.append(
            f"* the same less the workers' idle CPU (their polling, measured before the load): "
            f"{busy(pg[4]):.2f} / {busy(pg[1]):.2f} ms = {busy(pg[4]) / busy(pg[1]):.2f}×"
        )
        shared = sum(r.shared_waits for r in pg.values())
        notes.append(
            f"* lock waits over 1 ms on a row shared by all chats: {shared} "
            f"(in {sum(r.updates for r in pg.values()):,} updates on PostgreSQL)"
        )
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    notes.append(
        f"* {started}, window {args.window:.0f} s, median of {args.repeat} run(s) per row; "
        f"load average {load_before} before, {load_after} after (2 shared cores)"
    )
    print("\n".join(notes), flush=True)
    if args.write:
        write_section([*head, *(_line(r) for r in rows), "", *notes])
        print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
