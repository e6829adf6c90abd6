"""Run every benchmark (about five minutes) and print one table; also write bench/results.md.

    .venv/bin/python -m bench.run_all            # from the repository root
    .venv/bin/python bench/run_all.py            # the same
    .venv/bin/python -m bench.run_all --quick    # one repetition, shorter windows (~3 min)

Figures are medians over repetitions; growth and document figures are ratios measured in the
same run (repetitions interleaved, so a noisy moment hits every configuration alike). Nothing
here asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import os
import platform
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.chat import Phase, pct, run_scenario  # noqa: E402
from bench.fixtures import add_old_leftovers, build_stores  # noqa: E402
from bench.workers import section_of  # noqa: E402

HERE = Path(__file__).resolve().parent
RATE = 30.0  # paced load: Telegram's own sending limit for one bot, updates/s

TARGET_RATE = 300.0
TARGET_P95 = 50.0
TARGET_GROWTH = 1.5
TARGET_DOC_RATIO = 1.2
RTT = 0.05  # a real server's round trip to Telegram, added by the emulator (s)
TARGET_FLOOR_RATE = 0.8  # closed-loop throughput ÷ the echo bot's, 500 users, 50 ms round trip
TARGET_FLOOR_CPU = 1.5  # bot CPU per update of the mix ÷ the echo bot's
TARGET_P95_RTT = 120.0  # paced 30 upd/s with a 50 ms round trip (about two round trips)
TARGET_RENDER_RATIO = 1.2  # others' p95 while drafts render ÷ without
TARGET_STARTUP_MS = 800.0
TARGET_VIEW_MS = 100.0  # the pemda view's query, 50 units × 4 quarters (issue 22, item 5)
TARGET_VIEW_GROWTH = 1.2  # its time at 50 units ÷ at 1 unit


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- machine ------------------------------------------------------------------------------


def machine_info(tmp: Path) -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    fs = "?"
    try:
        best = ""
        target = str(tmp.resolve())
        for line in Path("/proc/mounts").read_text().splitlines():
            _dev, mnt, kind, *_ = line.split()
            if target.startswith(mnt) and len(mnt) >= len(best):
                best, fs = mnt, kind
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "os": platform.platform(),
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "fs": f"{fs} ({tmp})",
        "load": " ".join(f"{x:.2f}" for x in load),
    }


# --- helpers ------------------------------------------------------------------------------


def med(values) -> float:
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def phase_med(runs: list[dict], phase: str, key: str) -> float:
    return med(r["phases"][phase][key] for r in runs)


def per_update_io(run: dict) -> dict[str, float]:
    io, n = run["io"], max(run["io_updates"], 1)
    files = io["files"].values()
    return {
        "read_kb": sum(f.get("read_bytes", 0) for f in files) / 1024 / n,
        "write_kb": sum(f.get("write_bytes", 0) for f in files) / 1024 / n,
        "reads": sum(f.get("read_n", 0) for f in files) / n,
        "writes": sum(f.get("write_n", 0) for f in files) / n,
        "fsync": io["fsync_n"] / n,
        "store_ms": 1000 * sum(f.get("read_s", 0) + f.get("write_s", 0) for f in files) / n,
    }


def startup(run: dict) -> dict[str, float]:
    s = run["startup"]
    return {
        "total": (s["first_poll"] - s["spawned"]) * 1000,
        "interpreter": (s["main"] - s["spawned"]) * 1000,
        "imports": (s["imported"] - s["main"]) * 1000,
        "build": (s["built"] - s["imported"]) * 1000,
        "init": (s["polling"] - s["built"]) * 1000,
        "rss": run["ready_status"].get("VmRSS", 0) / 1024,
        "peak": run["final_status"].get("VmHWM", 0) / 1024,
        "first_status": run.get("first_status_ms", float("nan")),
        "second_status": run.get("second_status_ms", float("nan")),
    }


def verdict(ok: bool | None, miss: str = "") -> str:
    if ok is None:
        return "—"
    return "yes" if ok else f"NO{(' ' + miss) if miss else ''}"


# --- profile ------------------------------------------------------------------------------


def profile_shares(path: Path, updates: int) -> dict[str, tuple[float, float]]:
    """Share of profiled bot time and ms per update for a few named hot spots."""
    stats = pstats.Stats(str(path))
    raw = stats.stats  # type: ignore[attr-defined]
    idle = sum(v[2] for (_f, _l, n), v in raw.items() if "poll' of 'select" in n)
    total = max(stats.total_tt - idle, 1e-9)  # busy time: without waiting in epoll

    def cum(file_end: str, name: str) -> float:
        # the largest, not the sum: nested functions of the same name would count twice
        return max(
            (
                v[3]
                for (f, _l, n), v in raw.items()
                if f.replace("\\", "/").endswith(file_end) and n == name
            ),
            default=0.0,
        )

    def self_in(fragment: str) -> float:
        return sum(v[2] for (f, _l, _n), v in raw.items() if fragment in f.replace("\\", "/"))

    named = {
        "store reads (whole-file read + JSON parse)": cum("storage/atomic.py", "read"),
        "store writes (JSON dump, temp file, fsync x2, rename, .bak link)": cum(
            "storage/atomic.py", "write"
        ),
        "TinyDB query matching / table copies (self time)": self_in("/tinydb/"),
        "Bot API calls incl. getUpdates (PTB + httpx)": cum("telegram/_bot.py", "_post"),
        "  of which getUpdates": cum("telegram/_bot.py", "get_updates"),
        "  of which failed `import sniffio` in httpcore": cum(
            "httpcore/_synchronization.py", "current_async_library"
        ),
        "/status office-minutes day loop": cum("domain/calendar.py", "office_minutes_between"),
        "Cycle.from_dict": cum("domain/models.py", "from_dict"),
    }
    n = max(updates, 1)
    return {k: (100 * v / total, 1000 * v / n) for k, v in named.items()} | {
        "TOTAL profiled": (100.0, 1000 * total / n)
    }  # busy time, idle epoll excluded


# --- small one-off measurements -------------------------------------------------------------


def import_breakdown(top: int = 6) -> dict[str, float]:
    """Cumulative import time (ms, ``python -X importtime``) of the heaviest packages."""
    import re
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import bot.app"],
        cwd=str(HERE.parent),
        capture_output=True,
        text=True,
        timeout=60,
    )
    best: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            name = m.group(3).split(".")[0]
            best[name] = max(best.get(name, 0), int(m.group(1)))
    total = best.pop("bot", 0)
    for ours in ("handlers", "documents", "domain", "storage", "templates", "encodings", "site"):
        best.pop(ours, None)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])[:top]
    return {"bot.app (total)": total / 1000, **{k: v / 1000 for k, v in ranked}}


def failed_import_us(name: str = "sniffio") -> float | None:
    """Cost of one failed ``import name`` (what httpcore does on every request without it)."""
    import importlib.util
    import timeit

    if importlib.util.find_spec(name) is not None:
        return None
    code = f"try:\n    import {name}\nexcept ImportError:\n    pass"
    n = 2000
    return min(timeit.repeat(code, number=n, repeat=3)) / n * 1e6


def pooled(runs: list[dict], phase: str) -> list[tuple[str, float]]:
    return [tuple(x) for r in runs for x in r["phases"][phase].get("samples", [])]


def pooled_pct(runs: list[dict], phase: str, q: float) -> float:
    return pct([ms for _label, ms in pooled(runs, phase)], q)


def top_functions(path: Path, updates: int, n: int = 12) -> list[tuple[str, float, float]]:
    stats = pstats.Stats(str(path))
    raw = stats.stats  # type: ignore[attr-defined]
    idle = sum(v[2] for (_f, _l, name), v in raw.items() if "poll' of 'select" in name)
    total = max(stats.total_tt - idle, 1e-9)
    rows = sorted(
        ((k, v) for k, v in raw.items() if "poll' of 'select" not in k[2]), key=lambda kv: -kv[1][2]
    )[:n]
    out = []
    for (f, line, name), v in rows:
        short = f.replace("\\", "/")
        for cut in ("site-packages/", "/work/main/", "python3.11/"):
            if cut in short:
                short = short.split(cut, 1)[1]
        out.append((f"{short}:{line}({name})", 100 * v[2] / total, 1000 * v[2] / max(updates, 1)))
    return out


# --- the plan -------------------------------------------------------------------------------


@dataclass
class Bench:
    """What every scenario shares: the machine, the bot's core, the windows and the stores."""

    base: Path
    machine: dict[str, str]
    bot_cpu: int | None
    reps: int
    reps_500: int
    paced_s: float
    closed_s: float
    tail_s: float
    fresh: dict[int, Any]
    hist: dict[int, Any]
    render: Any
    old50: Any
    prep_s: float
    store_info: dict[int, tuple[float, int]]

    def phases(self) -> list[Phase]:
        return [Phase("paced", self.paced_s, 0.5, rate=RATE), Phase("closed", self.closed_s, 1.0)]


@dataclass
class Scaling:
    """Parts 1 and 2, repetitions interleaved: users and units grow, with a year of history."""

    part1: dict[int, list[dict]]
    part2: dict[int, list[dict]]
    growth_ratios: list[float]
    cpu_ratios: list[float]


def prepare(args: argparse.Namespace) -> Bench:
    """The machine described, the bot's core chosen, the stores built (fresh and with history)."""
    base = Path(tempfile.mkdtemp(prefix="lkj-bench-stores-"))
    machine = machine_info(base)
    two_cores = (os.cpu_count() or 1) >= 2 and args.pin
    bot_cpu = 1 if two_cores else None
    if two_cores:
        os.sched_setaffinity(0, {0})  # emulator + simulated users here, the bot on core 1
    machine["pinning"] = (
        "bot on core 1, emulator and simulated users on core 0"
        if two_cores
        else "none (bot and emulator are separate processes)"
    )
    quick = args.quick
    reps = 1 if quick else 3
    reps_500 = 1 if quick else 2
    paced_s, closed_s = (2.5, 2.0) if quick else (3.5, 2.5)
    tail_s = 100 if quick else 125  # what the fixed part after the repetitions takes

    log("preparing stores (1, 10, 50 units; fresh and with a year of history)")
    t = time.monotonic()
    fresh = build_stores(base, (1, 10, 50), history=False)
    hist = build_stores(base, (1, 10, 50), history=True)
    render = build_stores(base / "render", (2,), history=False, render_units=(1,))[2]
    old50 = hist[50].copy_to(base / "hist-50-old-leftovers")
    add_old_leftovers(old50)
    prep_s = time.monotonic() - t
    store_info = {u: (hist[u].size_bytes() / 1024, hist[u].buttons_count()) for u in hist}
    return Bench(
        base,
        machine,
        bot_cpu,
        reps,
        reps_500,
        paced_s,
        closed_s,
        tail_s,
        fresh,
        hist,
        render,
        old50,
        prep_s,
        store_info,
    )


async def measure_scaling(b: Bench, args: argparse.Namespace, t_begin: float) -> Scaling:
    """Part 1 (10, 100, 500 users) and part 2 (1, 10, 50 units with history), interleaved."""
    fresh, hist, bot_cpu, phases = b.fresh, b.hist, b.bot_cpu, b.phases
    reps, reps_500, tail_s = b.reps, b.reps_500, b.tail_s
    part1: dict[int, list[dict]] = {10: [], 100: [], 500: []}
    part2: dict[int, list[dict]] = {1: [], 10: [], 50: []}
    growth_ratios: list[float] = []
    cpu_ratios: list[float] = []
    rep_time = 0.0
    for rep in range(reps):
        elapsed = time.monotonic() - t_begin
        if rep and elapsed + rep_time + tail_s > args.budget:
            log(f"skipping repetition {rep + 1}: it would end past the {args.budget:.0f} s budget")
            break
        t_rep = time.monotonic()
        for n_users, units in ((10, 1), (100, 10), (500, 50)):
            if n_users == 500 and rep >= reps_500:
                continue
            log(f"part 1, repetition {rep + 1}: {n_users} users")
            part1[n_users].append(
                await run_scenario(fresh[units], list(range(units)), phases(), cpu=bot_cpu)
            )
        for units in (1, 10, 50):
            log(f"part 2, repetition {rep + 1}: {units} unit(s) with history, 10 active users")
            part2[units].append(
                await run_scenario(hist[units], [0], phases(), cpu=bot_cpu, first_status=True)
            )
        a, z = part2[1][-1]["phases"]["paced"], part2[50][-1]["phases"]["paced"]
        growth_ratios.append(z["p95"] / a["p95"])
        a, z = part2[1][-1]["phases"]["closed"], part2[50][-1]["phases"]["closed"]
        cpu_ratios.append(z["bot_cpu_ms_per_update"] / a["bot_cpu_ms_per_update"])
        rep_time = time.monotonic() - t_rep
    return Scaling(part1, part2, growth_ratios, cpu_ratios)


async def measure_shipped(b: Bench) -> dict:
    """As shipped: the rate limiter on, 100 users."""
    fresh, bot_cpu, phases = b.fresh, b.bot_cpu, b.phases
    log("as shipped (AIORateLimiter on): 100 users")
    shipped = await run_scenario(fresh[10], list(range(10)), phases(), cpu=bot_cpu, rate_limit=True)
    return shipped


async def measure_profiles(b: Bench) -> dict:
    """cProfile in the bot, 1 and 50 units with history."""
    hist, bot_cpu, base, closed_s = b.hist, b.bot_cpu, b.base, b.closed_s
    log("profiles: cProfile in the bot, 10 users closed loop, 1 and 50 units with history")
    profiles = {}
    for units in (1, 50):
        path = base / f"bot-{units}.prof"
        run = await run_scenario(
            hist[units], [0], [Phase("closed", closed_s, 1.0)], cpu=bot_cpu, profile=path
        )
        profiles[units] = (
            profile_shares(path, run["io_updates"]),
            top_functions(path, run["io_updates"]),
            run,
        )
        shutil.copy(path, HERE / f"last_profile_{units}u.prof")
    return profiles


async def measure_render_interference(b: Bench) -> list[dict]:
    """Others' latency while another unit's drafts render: concurrent, then sequential."""
    render, bot_cpu, paced_s = b.render, b.bot_cpu, b.paced_s
    log("render interference: 10 users at 30 upd/s while another unit's Kasubbag builds drafts")
    blocking = []
    for concurrent in (0, 1):  # as shipped (concurrent, render workers) / what-if sequential
        blocking.append(
            await run_scenario(
                render,
                [0, 1],
                [
                    Phase("base", paced_s - 1.0, 0.5, rate=RATE, exclude_unit=1),
                    Phase("drafts", paced_s, 0.5, rate=RATE, draft_unit=1),
                ],
                cpu=bot_cpu,
                concurrent=concurrent,
            )
        )
    return blocking


async def measure_round_trip(b: Bench) -> list[dict]:
    """A 50 ms Bot API round trip: as shipped, then handled sequentially."""
    fresh, bot_cpu, closed_s = b.fresh, b.bot_cpu, b.closed_s
    log("Bot API round trip 50 ms, 10 users, closed loop: as shipped vs sequential")
    rtt = []
    for concurrent in (0, 1):
        rtt.append(
            await run_scenario(
                fresh[1],
                [0],
                [Phase("closed", closed_s, 1.0)],
                cpu=bot_cpu,
                concurrent=concurrent,
                api_delay=RTT,
            )
        )
    return rtt


async def measure_floor(b: Bench) -> dict[str, dict]:
    """Side by side with a bare PTB echo bot (the floor), 50 ms round trip."""
    fresh, bot_cpu, closed_s, phases = b.fresh, b.bot_cpu, b.closed_s, b.phases
    log("side by side with a bare PTB echo bot, Bot API round trip 50 ms")
    floor = {
        "echo10": await run_scenario(
            fresh[1],
            [0],
            [Phase("closed", closed_s, 1.0)],
            cpu=bot_cpu,
            api_delay=RTT,
            echo=True,
            status_only=True,
        ),
        "lkj10": await run_scenario(
            fresh[1],
            [0],
            [Phase("closed", closed_s, 1.0)],
            cpu=bot_cpu,
            api_delay=RTT,
            status_only=True,
        ),
        "echo500": await run_scenario(
            fresh[50],
            list(range(50)),
            [Phase("closed", closed_s, 1.0)],
            cpu=bot_cpu,
            api_delay=RTT,
            echo=True,
            status_only=True,
        ),
        "lkj500": await run_scenario(
            fresh[50], list(range(50)), phases(), cpu=bot_cpu, api_delay=RTT
        ),
    }
    return floor


def measure_storage(b: Bench) -> dict:
    """Storage operations timed directly on the stores."""
    hist, old50 = b.hist, b.old50
    log("storage operations timed directly on the 1- and 50-unit stores; import times")
    from bench.storage_ops import bench_store

    ops = {1: bench_store(hist[1]), 50: bench_store(hist[50]), "old": bench_store(old50)}
    return ops


def measure_documents() -> dict:
    """The quarterly report and the annual LKj vs bare WeasyPrint."""
    log("documents: quarterly report vs bare WeasyPrint")
    from bench.documents import bench_documents

    docs = bench_documents(pairs=3)
    return docs


def measure_pemda_view(args: argparse.Namespace) -> dict:
    """The pemda view's query across units, 1 and 50 units × 4 quarters, both backends."""
    log("pemda view: cycle_summaries of 1 and 50 units × 4 quarters, files and PostgreSQL")
    from bench.pemda_view import bench_pemda_view

    return bench_pemda_view(quick=args.quick)


def run_errors(*groups: list[dict]) -> list[str]:
    """Every error a run saw (the bot's, the emulator's, the users')."""
    errors = []
    for runs in groups:
        for r in runs:
            errs = (
                r["bot_errors"]
                + len(r["emu_errors"])
                + max(p.get("user_errors", 0) for p in r["phases"].values())
            )
            if errs:
                errors.append(f"{errs} error(s): {r['emu_errors'][:2]}")
    return errors


def throughput_rows(part1: dict[int, list[dict]]) -> list[list[str]]:
    """Part 1: throughput and paced latency by number of users."""
    rows: list[list[str]] = []
    for n_users, units in ((10, 1), (100, 10), (500, 50)):
        runs = part1[n_users]
        rate = phase_med(runs, "closed", "rate")
        cpu = phase_med(runs, "closed", "bot_cpu_ms_per_update")
        share = phase_med(runs, "closed", "bot_cpu_share")
        calls = med(
            sum(v for k, v in r["api_calls_per_update"].items() if k != "getUpdates") for r in runs
        )
        polls = med(r["api_calls_per_update"].get("getUpdates", 0) for r in runs)
        rows.append(
            [
                "1",
                f"{n_users} users / {units} unit(s), closed loop (no think time)",
                f"{rate:.0f} upd/s; bot CPU {cpu:.1f} ms/upd = {1000 / cpu:.0f} upd/s per core "
                f"(bot core {100 * share:.0f}% busy); {calls:.1f} Bot API calls + {polls:.2f} "
                "getUpdates per update",
                f"≥ {TARGET_RATE:.0f} upd/s",
                verdict(rate >= TARGET_RATE, f"({rate / TARGET_RATE:.2f}× target)"),
            ]
        )
        p95 = pooled_pct(runs, "paced", 95)
        rows.append(
            [
                "1",
                f"{n_users} users / {units} unit(s), paced {RATE:.0f} upd/s",
                f"p50 {pooled_pct(runs, 'paced', 50):.1f} · p95 {p95:.1f} · "
                f"p99 {pooled_pct(runs, 'paced', 99):.1f} ms "
                f"({len(pooled(runs, 'paced'))} updates)",
                f"p95 ≤ {TARGET_P95:.0f} ms",
                verdict(p95 <= TARGET_P95, f"(+{p95 - TARGET_P95:.0f} ms)"),
            ]
        )
    return rows


def shipped_rows(shipped: dict) -> list[list[str]]:
    """Part 1: as shipped, the rate limiter on."""
    rows: list[list[str]] = []
    ph = shipped["phases"]
    sends = sum(
        v
        for k, v in shipped["api_calls_per_update"].items()
        if k
        in (
            "sendMessage",
            "sendDocument",
            "editMessageReplyMarkup",
            "editMessageText",
            "editMessageCaption",
        )
    )
    rows.append(
        [
            "1",
            "as shipped (AIORateLimiter: 30 chat calls/s), 100 users, closed loop",
            f"{ph['closed']['rate']:.0f} upd/s × {sends:.2f} chat calls/upd "
            f"(send/edit, each throttled) ≈ {ph['closed']['rate'] * sends:.0f} calls/s",
            f"≥ {TARGET_RATE:.0f} upd/s",
            verdict(ph["closed"]["rate"] >= TARGET_RATE),
        ]
    )
    rows.append(
        [
            "1",
            f"as shipped, 100 users, paced {RATE:.0f} upd/s",
            f"p50 {ph['paced']['p50']:.1f} · p95 {ph['paced']['p95']:.1f} · "
            f"p99 {ph['paced']['p99']:.1f} ms",
            f"p95 ≤ {TARGET_P95:.0f} ms",
            verdict(ph["paced"]["p95"] <= TARGET_P95),
        ]
    )
    return rows


def round_trip_rows(rtt: list[dict]) -> list[list[str]]:
    """Part 1: a 50 ms round trip, concurrent vs sequential."""
    rows: list[list[str]] = []
    conc, seq = rtt
    rows.append(
        [
            "1",
            "Bot API round trip 50 ms, 10 users / 1 unit closed loop (the mix) — as shipped",
            f"{conc['phases']['closed']['rate']:.0f} upd/s, "
            f"p50 {conc['phases']['closed']['p50']:.0f} ms",
            "≥ 30 upd/s (Telegram limit)",
            verdict(conc["phases"]["closed"]["rate"] >= 30),
        ]
    )
    rows.append(
        [
            "1",
            "what-if: the same handled sequentially (PTB's default, the bot before)",
            f"{seq['phases']['closed']['rate']:.0f} upd/s, "
            f"p50 {seq['phases']['closed']['p50']:.0f} ms",
            "≥ 30 upd/s",
            verdict(seq["phases"]["closed"]["rate"] >= 30),
        ]
    )
    return rows


def history_rows(s: Scaling, store_info: dict[int, tuple[float, int]]) -> list[list[str]]:
    """Part 2: units with a year of history, and the growth from 1 to 50 units."""
    rows: list[list[str]] = []
    part2, growth_ratios, cpu_ratios = s.part2, s.growth_ratios, s.cpu_ratios
    for units in (1, 10, 50):
        runs = part2[units]
        size_kb, tokens = store_info[units]
        io = {k: med(per_update_io(r)[k] for r in runs) for k in per_update_io(runs[0])}
        rows.append(
            [
                "2",
                f"{units} unit(s) × (4 filed quarters + 3 open), {size_kb:,.0f} KB store, "
                f"{tokens:,} live buttons; 10 active users (unit 0)",
                f"closed {phase_med(runs, 'closed', 'rate'):.0f} upd/s, bot CPU "
                f"{phase_med(runs, 'closed', 'bot_cpu_ms_per_update'):.1f} ms/upd; paced p50 "
                f"{pooled_pct(runs, 'paced', 50):.1f} · p95 {pooled_pct(runs, 'paced', 95):.1f} · "
                f"p99 {pooled_pct(runs, 'paced', 99):.1f} ms; per update: parsed "
                f"{io['read_kb']:.0f} KB, wrote {io['write_kb']:.0f} KB, {io['fsync']:.1f} fsync, "
                f"{io['store_ms']:.1f} ms in store",
                "—",
                "—",
            ]
        )
    g = pooled_pct(part2[50], "paced", 95) / pooled_pct(part2[1], "paced", 95)
    rows.append(
        [
            "2",
            "growth: paced p95 at 50 units ÷ p95 at 1 unit (pooled samples)",
            f"{g:.2f}× (per repetition: {', '.join(f'{x:.2f}' for x in growth_ratios)})",
            f"≤ {TARGET_GROWTH}×",
            verdict(g <= TARGET_GROWTH, f"({g / TARGET_GROWTH:.1f}× over)"),
        ]
    )
    c = med(cpu_ratios)
    rows.append(
        [
            "2",
            "growth: bot CPU per update at 50 units ÷ at 1 unit",
            f"{c:.2f}× (per repetition: {', '.join(f'{x:.2f}' for x in cpu_ratios)})",
            f"≤ {TARGET_GROWTH}×",
            verdict(c <= TARGET_GROWTH),
        ]
    )
    return rows


def storage_rows(ops: dict) -> list[list[str]]:
    """Part 2h: storage operations on the 1-, 50-unit and old stores."""
    rows: list[list[str]] = []
    o1, o50, old = ops[1], ops[50], ops["old"]
    rows.append(
        [
            "2h",
            f"ButtonRepository.get (every button press): buttons.json "
            f"{o1['buttons_tokens']:,} → {o50['buttons_tokens']:,} → "
            f"{old['buttons_tokens']:,} tokens ({o1['buttons_kb']:.0f} → "
            f"{o50['buttons_kb']:.0f} → {old['buttons_kb']:.0f} KB)",
            f"{o1['button_get_ms']:.3f} → {o50['button_get_ms']:.3f} → "
            f"{old['button_get_ms']:.3f} ms (an index kept while the file is unchanged); "
            f"json.loads of the file alone {o1['json_parse_buttons_ms']:.2f} → "
            f"{o50['json_parse_buttons_ms']:.1f} → {old['json_parse_buttons_ms']:.1f} ms",
            "—",
            "—",
        ]
    )
    rows.append(
        [
            "2h",
            "ButtonRepository.issue_many (every keyboard) / revoke_group (every "
            "form step), same three sizes",
            f"issue {o1['button_issue2_ms']:.1f} → {o50['button_issue2_ms']:.1f} → "
            f"{old['button_issue2_ms']:.1f} ms; revoke {o1['button_revoke_group_ms']:.1f} "
            f"→ {o50['button_revoke_group_ms']:.1f} → {old['button_revoke_group_ms']:.1f} "
            "ms when nothing matches (issue: read + rewrite + 2 fsync of the whole file)",
            "—",
            "—",
        ]
    )
    rows.append(
        [
            "12.4",
            f"signed buttons (app/callback_data.py), {o1['signed_keys']:,} → "
            f"{o50['signed_keys']:,} → {old['signed_keys']:,} revoked keys: "
            "issue 2 / resolve a press / revoke a group",
            f"{o1['signed_issue2_ms']:.3f} / {o1['signed_resolve_ms']:.3f} / "
            f"{o1['signed_revoke_ms']:.3f} → {old['signed_issue2_ms']:.3f} / "
            f"{old['signed_resolve_ms']:.3f} / {old['signed_revoke_ms']:.3f} ms "
            "(no file written to issue; revoke appends one line)",
            "—",
            "—",
        ]
    )
    if "update_log_ms" in o50:
        rows.append(
            [
                "2h",
                f"UpdateLog.first_time (every update): rewrites state/updates.json "
                f"({o50['update_log_keep']:,} ids, {o50['update_log_kb']:.0f} KB)",
                f"{o50['update_log_ms']:.2f} ms per update (upsert = read + write + 2 fsync)",
                "—",
                "—",
            ]
        )
    rows.append(
        [
            "2h",
            "SessionRepository put / clear / get (every form step)",
            f"{o50['session_put_ms']:.1f} / {o50['session_clear_ms']:.1f} / "
            f"{o50['session_get_ms']:.2f} ms (one global file; clear rewrites it even when "
            "empty)",
            "—",
            "—",
        ]
    )
    rows.append(
        [
            "2h",
            "CycleRepository.list_unit (/status: all years of a unit) / get+save",
            f"{o1['list_unit_ms']:.1f} ms / {o1['cycle_get_save_ms']:.1f} ms at 1 unit; "
            f"{o50['list_unit_ms']:.1f} / {o50['cycle_get_save_ms']:.1f} ms at 50 "
            "(per unit+year files: flat)",
            "—",
            "—",
        ]
    )
    rows.append(
        [
            "2h",
            "atomic write of 1 KB (temp, fsync, rename, dir fsync) vs plain write",
            f"{o50['atomic_write_1kb_ms']:.2f} ms vs {o50['plain_write_1kb_ms']:.2f} ms",
            "—",
            "—",
        ]
    )
    return rows


def profile_rows(profiles: dict) -> list[list[str]]:
    """Part 2h: where the bot's time goes (cProfile)."""
    rows: list[list[str]] = []
    for units in (1, 50):
        shares = profiles[units][0]
        top = ", ".join(
            f"{k.strip()} {v[0]:.0f}% ({v[1]:.1f} ms/upd)"
            for k, v in shares.items()
            if k != "TOTAL profiled"
        )
        rows.append(
            [
                "2h",
                f"cProfile of the bot, {units} unit(s), 10 users closed loop "
                f"({shares['TOTAL profiled'][1]:.1f} ms profiled per update)",
                top,
                "—",
                "—",
            ]
        )
    return rows


def sniffio_rows(part1: dict[int, list[dict]], sniffio_us: float | None) -> list[list[str]]:
    """Part 2h: the cost of httpcore's failed `sniffio` import, when it fails."""
    rows: list[list[str]] = []
    if sniffio_us is not None:
        calls = med(sum(r["api_calls_per_update"].values()) for r in part1[10])
        cpu10 = phase_med(part1[10], "closed", "bot_cpu_ms_per_update")
        per_upd = 2 * calls * sniffio_us / 1000
        rows.append(
            [
                "2h",
                "httpcore imports `sniffio` on every request; it is not installed",
                f"a failed import costs {sniffio_us:.0f} µs, twice per HTTP call, "
                f"{calls:.1f} calls per update ≈ {per_upd:.2f} ms/upd "
                f"({100 * per_upd / cpu10:.0f}% of the bot's CPU; the profile above "
                "overstates it)",
                "—",
                "—",
            ]
        )

    return rows


def document_rows(docs: dict) -> list[list[str]]:
    """Part 3: documents vs bare WeasyPrint."""
    rows: list[list[str]] = []
    rows.append(
        [
            "3",
            f"quarterly report, {docs['items']} data items ({docs['pages']} pages, "
            f"{docs['pdf_kb']:.0f} KB): bot pipeline vs bare WeasyPrint, same HTML",
            f"median {docs['pipeline_ms']:.0f} vs {docs['bare_ms']:.0f} ms, median of "
            f"per-pair ratios {docs['ratio']:.2f}×, best-of ratio {docs['best_ratio']:.2f}×;"
            f" the pipeline's own steps: context {docs['context_ms']:.1f} ms + Jinja "
            f"{docs['jinja_ms']:.1f} ms",
            f"≤ {TARGET_DOC_RATIO}×",
            verdict(docs["best_ratio"] <= TARGET_DOC_RATIO),
        ]
    )
    rows.append(
        [
            "3",
            "quarterly report, first render in a fresh process",
            f"{docs['first_ms']:.0f} ms",
            "—",
            "—",
        ]
    )
    rows.append(["3", "disposition sheet (every forward)", f"{docs['sheet_ms']:.0f} ms", "—", "—"])
    annual = docs["annual"]
    if "error" in annual:
        rows.append(["3", "annual LKj", f"not measured: {annual['error']}", "≤ 1.2×", "—"])
    else:
        rows.append(
            [
                "3",
                f"annual LKj (the worked example of tests/test_annual_report.py: "
                f"4 quarters, {annual['pages']} pages, {annual['pdf_kb']:.0f} KB)",
                f"median {annual['pipeline_ms']:.0f} vs {annual['bare_ms']:.0f} ms bare, "
                f"best-of ratio {annual['best_ratio']:.2f}×",
                f"≤ {TARGET_DOC_RATIO}×",
                verdict(annual["best_ratio"] <= TARGET_DOC_RATIO),
            ]
        )
        if "archival_ms" in annual:
            rows.append(
                [
                    "3",
                    "signed annual LKj as filed (PDF/A-3a, tagged, export workbook "
                    f"embedded, {annual['archival_kb']:.0f} KB)",
                    f"{annual['archival_ms']:.0f} ms (one render)",
                    "—",
                    "—",
                ]
            )
    return rows


def render_rows(blocking: list[dict]) -> list[list[str]]:
    """Part 3: others' latency while drafts render."""
    rows: list[list[str]] = []
    for run, label in zip(
        blocking, ("as shipped (concurrent, render workers)", "what-if: sequential"), strict=True
    ):
        b, d = run["phases"]["base"], run["phases"]["drafts"]
        ratio = d["p95"] / b["p95"]
        rows.append(
            [
                "3",
                f"others' latency while drafts render — {label}",
                f"p95 {b['p95']:.0f} → {d['p95']:.0f} ms ({ratio:.2f}×), max {b['max']:.0f} → "
                f"{d['max']:.0f} ms ({d.get('drafts', 0)} drafts: press answered in "
                f"{d.get('draft_answer_ms', float('nan')):.0f} ms, PDF in "
                f"{d.get('draft_ms', float('nan')):.0f} ms)",
                f"≤ {TARGET_RENDER_RATIO}× p95 without",
                verdict(ratio <= TARGET_RENDER_RATIO, f"({ratio:.2f}×)"),
            ]
        )

    return rows


def floor_rows(floor: dict[str, dict], part2: dict[int, list[dict]], ops: dict) -> list[list[str]]:
    """Part 5: the floor (a bare echo bot) and a press's own check."""
    rows: list[list[str]] = []
    o1, old = ops[1], ops["old"]
    e10, l10 = floor["echo10"]["phases"]["closed"], floor["lkj10"]["phases"]["closed"]
    e500, l500 = floor["echo500"]["phases"], floor["lkj500"]["phases"]
    r10 = l10["rate"] / e10["rate"]
    rows.append(
        [
            "5",
            "floor: 10 users / 1 unit, /status, closed loop, round trip 50 ms",
            f"echo bot {e10['rate']:.0f} upd/s (CPU {e10['bot_cpu_ms_per_update']:.1f} ms/upd), "
            f"lkj-bot {l10['rate']:.0f} upd/s (CPU {l10['bot_cpu_ms_per_update']:.1f} ms/upd): "
            f"{r10:.2f}×",
            "—",
            "—",
        ]
    )
    r500 = l500["closed"]["rate"] / e500["closed"]["rate"]
    rows.append(
        [
            "5",
            "floor: 500 users / 50 units, closed loop, round trip 50 ms (lkj-bot: the mix; "
            "echo bot: /status)",
            f"echo bot {e500['closed']['rate']:.0f} upd/s, lkj-bot {l500['closed']['rate']:.0f} "
            f"upd/s: {r500:.2f}×",
            f"≥ {TARGET_FLOOR_RATE}× echo",
            verdict(r500 >= TARGET_FLOOR_RATE, f"({r500:.2f}×)"),
        ]
    )
    echo_cpu = e10["bot_cpu_ms_per_update"]
    for units in (1, 50):
        mix_cpu = phase_med(part2[units], "closed", "bot_cpu_ms_per_update")
        ratio = mix_cpu / echo_cpu
        rows.append(
            [
                "5",
                f"floor: bot CPU per update of the mix, {units} unit(s) with history ÷ echo bot",
                f"{mix_cpu:.1f} ÷ {echo_cpu:.1f} ms = {ratio:.2f}×",
                f"≤ {TARGET_FLOOR_CPU}×",
                verdict(ratio <= TARGET_FLOOR_CPU, f"({ratio:.2f}×)"),
            ]
        )
    p95 = l500["paced"]["p95"]
    rows.append(
        [
            "5",
            f"500 users / 50 units, paced {RATE:.0f} upd/s, round trip 50 ms (the mix)",
            f"p50 {l500['paced']['p50']:.0f} · p95 {p95:.0f} · p99 {l500['paced']['p99']:.0f} ms",
            f"p95 ≤ {TARGET_P95_RTT:.0f} ms",
            verdict(p95 <= TARGET_P95_RTT, f"(+{p95 - TARGET_P95_RTT:.0f} ms)"),
        ]
    )
    flat = old["signed_resolve_ms"] / max(o1["signed_resolve_ms"], 1e-9)
    rows.append(
        [
            "5",
            f"a button press's own check (signed), {o1['signed_keys']:,} → "
            f"{old['signed_keys']:,} revoked offers; issuing a keyboard",
            f"{o1['signed_resolve_ms']:.3f} → {old['signed_resolve_ms']:.3f} ms ({flat:.1f}×); "
            f"issuing writes nothing: {o1['signed_issue2_ms']:.3f} → "
            f"{old['signed_issue2_ms']:.3f} ms (a stored token, kept for payloads over 64 bytes: "
            f"lookup {old['button_get_ms']:.3f} ms, issue {old['button_issue2_ms']:.1f} ms "
            f"at {old['buttons_tokens']:,})",
            "flat",
            verdict(flat <= 1.5, "(grows with the revoked offers)"),
        ]
    )
    return rows


def startup_rows(part2: dict[int, list[dict]]) -> list[list[str]]:
    """Part 4: start-up, memory, the first /status."""
    rows: list[list[str]] = []
    for units in (1, 50):
        st = [startup(r) for r in part2[units]]
        m = {k: med(s[k] for s in st) for k in st[0]}
        rows.append(
            [
                "4",
                f"start-up, {units} unit(s) with history: process start → first getUpdates",
                f"{m['total']:.0f} ms (interpreter {m['interpreter']:.0f}, imports "
                f"{m['imports']:.0f}, store check + roster {m['build']:.0f}, getMe + "
                f"setMyCommands + owed deliveries {m['init']:.0f})",
                f"≤ {TARGET_STARTUP_MS:.0f} ms",
                verdict(
                    m["total"] <= TARGET_STARTUP_MS, f"(+{m['total'] - TARGET_STARTUP_MS:.0f} ms)"
                ),
            ]
        )
        rows.append(
            [
                "4",
                f"memory, {units} unit(s): RSS at first getUpdates / peak after the load",
                f"{m['rss']:.0f} MB / {m['peak']:.0f} MB",
                "—",
                "—",
            ]
        )
        rows.append(
            [
                "4",
                f"first /status after start vs the next one, {units} unit(s)",
                f"{m['first_status']:.0f} ms vs {m['second_status']:.0f} ms",
                "—",
                "—",
            ]
        )
    return rows


def pemda_view_rows(view: dict) -> list[list[str]]:
    """Issue 22, item 5: the cross-unit summary query, side by side on both backends."""
    rows: list[list[str]] = []
    names = {"files": "files backend (its index)", "postgresql": "PostgreSQL tables"}
    for backend, name in names.items():
        found = view[backend]
        scenario = (
            f"pemda view: cycle_summaries, 50 units × 4 quarters × {view['indicators']} "
            f"indicators, {name}"
        )
        target = f"≤ {TARGET_VIEW_MS:.0f} ms; ≤ {TARGET_VIEW_GROWTH}× 1 unit"
        if "error" in found:
            rows.append(["22.5", scenario, f"not measured: {found['error']}", target, "—"])
            continue
        one, fifty = found[1], found[50]
        growth = fifty["warm_ms"] / one["warm_ms"] if one["warm_ms"] else float("inf")
        ok_time = fifty["warm_ms"] <= TARGET_VIEW_MS and fifty["first_ms"] <= TARGET_VIEW_MS
        ok_growth = growth <= TARGET_VIEW_GROWTH
        miss = []
        if not ok_time:
            miss.append(f"{max(fifty['warm_ms'], fifty['first_ms']) / TARGET_VIEW_MS:.1f}× time")
        if not ok_growth:
            miss.append(f"growth {growth:.0f}×")
        rows.append(
            [
                "22.5",
                scenario,
                f"{fifty['warm_ms']:.2f} ms warm ({fifty['cycles']} cycles; 1 unit: "
                f"{one['warm_ms']:.2f} ms, growth {growth:.1f}×); first query in a fresh "
                f"process {fifty['first_ms']:.0f} ms (1 unit: {one['first_ms']:.1f} ms)",
                target,
                verdict(ok_time and ok_growth, "(" + ", ".join(miss) + ")"),
            ]
        )
        if "overview_ms" not in fifty:
            continue
        built = fifty["overview_ms"]
        view_growth = built / one["overview_ms"] if one["overview_ms"] else float("inf")
        ok_built = built <= TARGET_VIEW_MS
        rows.append(
            [
                "22.5",
                f"pemda view built (app.pemda.overview: the query, each unit's SOP table and "
                f"working calendar, capaian, worst first), 50 units, {name}",
                f"{built:.2f} ms warm ({fifty['overview_rows']} rows; 1 unit: "
                f"{one['overview_ms']:.2f} ms, growth {view_growth:.1f}×)",
                target,
                verdict(
                    ok_built and view_growth <= TARGET_VIEW_GROWTH,
                    "("
                    + ", ".join(
                        ([] if ok_built else [f"{built / TARGET_VIEW_MS:.1f}× time"])
                        + (
                            []
                            if view_growth <= TARGET_VIEW_GROWTH
                            else [f"growth {view_growth:.0f}×: 50 rows computed, not 1"]
                        )
                    )
                    + ")",
                ),
            ]
        )
    return rows


def import_rows(imports: dict[str, float]) -> list[list[str]]:
    """Part 4: import times."""
    rows: list[list[str]] = []
    total_imp = imports.pop("bot.app (total)", 0.0)
    rows.append(
        [
            "4",
            "imports (python -X importtime, inflated by the tracing)",
            f"bot.app {total_imp:.0f} ms, of which "
            + ", ".join(f"{k} {v:.0f}" for k, v in imports.items()),
            "—",
            "—",
        ]
    )
    return rows


def extra_sections(part2: dict[int, list[dict]], profiles: dict, shipped: dict) -> list[str]:
    """The sections of results.md after the table."""
    extra = [
        "",
        "## Latency per action (paced 30 upd/s, pooled over repetitions)",
        "",
        "| action | 1 unit: n · p50 · p95 ms | 50 units: n · p50 · p95 ms |",
        "|---|---|---|",
    ]

    def by_label(runs):
        out: dict[str, list[float]] = {}
        for label, ms in pooled(runs, "paced"):
            out.setdefault(label, []).append(ms)
        return out

    l1, l50 = by_label(part2[1]), by_label(part2[50])
    for label in sorted(set(l1) | set(l50)):

        def cell(d, label=label):
            v = d.get(label, [])
            return f"{len(v)} · {pct(v, 50):.1f} · {pct(v, 95):.1f}" if v else "—"

        extra.append(f"| {label} | {cell(l1)} | {cell(l50)} |")
    for units in (1, 50):
        extra += [
            "",
            f"## Top functions by own time, bot profile at {units} unit(s)",
            "",
            "| function | share | ms per update |",
            "|---|---|---|",
        ]
        for name, share, per in profiles[units][1]:
            extra.append(f"| `{name}` | {share:.1f}% | {per:.2f} |")
    extra += [
        "",
        "## Bot API calls per update (as shipped run, 100 users)",
        "",
        ", ".join(f"{k} {v:.2f}" for k, v in sorted(shipped["api_calls_per_update"].items())),
    ]
    return extra


async def run_everything(
    args: argparse.Namespace,
) -> tuple[list[list[str]], dict, list[str], list[str]]:
    t_begin = time.monotonic()
    b = prepare(args)
    s = await measure_scaling(b, args, t_begin)
    shipped = await measure_shipped(b)
    profiles = await measure_profiles(b)
    blocking = await measure_render_interference(b)
    rtt = await measure_round_trip(b)
    floor = await measure_floor(b)
    ops = measure_storage(b)
    imports = import_breakdown()
    sniffio_us = failed_import_us()
    docs = measure_documents()
    view = measure_pemda_view(args)

    shutil.rmtree(b.base, ignore_errors=True)
    elapsed = time.monotonic() - t_begin
    machine = b.machine
    machine["runtime"] = (
        f"{elapsed:.0f} s (store preparation {b.prep_s:.1f} s; {len(s.part2[1])} repetition(s))"
    )
    machine["load"] += " at start; " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " at end"

    errors = run_errors(
        *s.part1.values(),
        *s.part2.values(),
        blocking,
        rtt,
        list(floor.values()),
        [shipped, *(p[2] for p in profiles.values())],
    )
    rows = [
        *throughput_rows(s.part1),
        *shipped_rows(shipped),
        *round_trip_rows(rtt),
        *history_rows(s, b.store_info),
        *storage_rows(ops),
        *profile_rows(profiles),
        *sniffio_rows(s.part1, sniffio_us),
        *document_rows(docs),
        *render_rows(blocking),
        *floor_rows(floor, s.part2, ops),
        *startup_rows(s.part2),
        *import_rows(imports),
        *pemda_view_rows(view),
    ]
    return rows, machine, errors, extra_sections(s.part2, profiles, shipped)


# --- output ---------------------------------------------------------------------------------

HEADER = ["Part", "Scenario", "Measured (median)", "Target", "Met?"]


def text_table(rows: list[list[str]]) -> str:
    import textwrap

    widths = [4, 46, 78, 16, 12]
    lines = []

    def emit(cells: list[str]) -> None:
        wrapped = [textwrap.wrap(c, w) or [""] for c, w in zip(cells, widths, strict=True)]
        for i in range(max(len(w) for w in wrapped)):
            lines.append(
                " | ".join(
                    (w[i] if i < len(w) else "").ljust(width)
                    for w, width in zip(wrapped, widths, strict=True)
                ).rstrip()
            )

    emit(HEADER)
    lines.append("-+-".join("-" * w for w in widths))
    previous = None
    for row in rows:
        if previous is not None and row[0] != previous:
            lines.append("-+-".join("-" * w for w in widths))
        emit(row)
        previous = row[0]
    return "\n".join(lines)


def markdown(rows: list[list[str]], machine: dict, errors: list[str], extra: list[str]) -> str:
    out = [
        "# lkj-bot benchmark results",
        "",
        "Generated by `python -m bench.run_all`; see bench/README.md for what each row measures.",
        "",
    ]
    out += [f"* **{k}**: {v}" for k, v in machine.items()]
    out += ["", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    if errors:
        out += ["", "**Errors during the run:**", *[f"* {e}" for e in errors]]
    out += extra
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repetition, short windows")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="pin the bot to core 1 and the emulator to core 0 (helps on a "
        "quiet machine, hurts when other work shares the cores)",
    )
    parser.add_argument("--output", default=str(HERE / "results.md"))
    parser.add_argument(
        "--budget",
        type=float,
        default=310.0,
        help="seconds; skip the last repetitions if the run would exceed it",
    )
    args = parser.parse_args()
    rows, machine, errors, extra = asyncio.run(run_everything(args))
    print()
    print(" · ".join(f"{k}: {v}" for k, v in machine.items()))
    print(text_table(rows))
    if errors:
        print("\nErrors during the run:\n" + "\n".join(errors))
    # The workers' rows (python -m bench.workers --write, run on its own) are kept.
    out = Path(args.output)
    kept = section_of(out.read_text(encoding="utf-8")) if out.is_file() else ""
    page = markdown(rows, machine, errors, extra)
    out.write_text(page.rstrip("\n") + "\n\n" + kept if kept else page, encoding="utf-8")
    print(f"\nwritten: {args.output}")


if __name__ == "__main__":
    main()
