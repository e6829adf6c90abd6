"""Chat load: simulated officials against the real bot (child process) through the emulator.

Latency of one update = from the moment the update is enqueued in the emulator to the moment
the emulator receives the bot's answer to it: the first ``sendMessage``/``sendDocument`` to
that chat for a message, ``answerCallbackQuery`` for a button press (the bot answers a press
last, after its edits and messages). Both ends are stamped with ``time.monotonic()`` inside
the emulator's own request handling, so the load generator's scheduling does not blur them.

Each simulated user has one update in flight at a time (a person waits for the answer).
Two load shapes:

* ``closed``: no think time -- every user sends the next update as soon as the previous one
  is answered. Measures the bot's maximum throughput; latency then is mostly queueing
  (N users / throughput).
* ``paced``: exponential think time so that all users together send ``rate`` updates/s
  (default 30/s, Telegram's own sending limit for one bot). Measures handling latency at a
  realistic load.

The mix (the cheapest realistic one, no uploads): Kasat ``/mulai`` -> tap a triwulan -> tap a
year -> a text where a document is expected -> ``/batal`` -> ``/status`` -> ``/bantuan``;
Sekretaris "Teruskan ke Kasubbag" -> note -> Batal -> ``/status`` -> ``/bantuan``; Kasubbag
"Bagi tugas" -> note -> first member's items -> ``/batal`` -> ``/status``; Tim Kerja
``/status``, ``/bantuan``, a free text, ``/start``. 38 updates per unit round, 5 of them button
presses, 13 of them writing to the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fixtures import BUTTON_LABELS, SLOTS, Store, fabricate_button_message, user_id
from domain.roles import Role
from emulator import BotAPIEmulator
from emulator import api as emu_api

REPO = Path(__file__).resolve().parents[1]
# Killing the bot after taking its counters cuts requests off mid-body; the emulator logs each
# as a traceback. Errors stay recorded in ``world.errors`` (those before the kill are reported).
logging.getLogger("emulator.server").setLevel(logging.CRITICAL)
TOKEN = "123456:BENCH-TOKEN"
TIMEOUT = 60.0

# --- emulator hooks (this process only) -----------------------------------------------------

_HOOKED = False


def install_hooks() -> None:
    """Stamp callback answers (the round trip is the emulator's own ``round_trip``)."""
    global _HOOKED
    if _HOOKED:
        return
    _HOOKED = True
    for key, (name, handler) in list(emu_api.METHODS.items()):
        if name == "getUpdates":
            continue

        def wrap(handler=handler, name=name):
            async def hooked(w, p, files):
                result = await handler(w, p, files)
                if name == "answerCallbackQuery":
                    query = w.callbacks.get(str(p.get("callback_query_id", "")))
                    if query is not None:
                        query.bench_t = time.monotonic()
                return result

            return hooked

        emu_api.METHODS[key] = (name, wrap())


def stamp_sends(emu: BotAPIEmulator) -> None:
    world = emu.world
    original = world.add_sent

    def add_sent(chat, sent):
        sent.bench_t = time.monotonic()
        original(chat, sent)

    world.add_sent = add_sent  # type: ignore[method-assign]


# --- samples and statistics ---------------------------------------------------------------


@dataclass
class Sample:
    label: str
    kind: str  # "message" | "button"
    t0: float
    t1: float
    msg: Any = None

    @property
    def ms(self) -> float:
        return (self.t1 - self.t0) * 1000


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(samples: list[Sample], w0: float, w1: float) -> dict:
    done = [s for s in samples if w0 <= s.t1 < w1]
    lat = [s.ms for s in samples if w0 <= s.t0 < w1]
    by_label: dict[str, list[float]] = {}
    for s in samples:
        if w0 <= s.t0 < w1:
            by_label.setdefault(s.label, []).append(s.ms)
    return {
        "updates": len(done),
        "rate": len(done) / (w1 - w0),
        "n_lat": len(lat),
        "p50": pct(lat, 50),
        "p95": pct(lat, 95),
        "p99": pct(lat, 99),
        "max": max(lat) if lat else float("nan"),
        "by_label": {k: (len(v), pct(v, 50), pct(v, 95)) for k, v in sorted(by_label.items())},
        "samples": [(s.label, s.ms) for s in samples if w0 <= s.t0 < w1],
    }


def proc_cpu(pid: int) -> float:
    """User+system CPU seconds of a process so far (from /proc)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# --- simulated users ------------------------------------------------------------------------


@dataclass
class Sim:
    uid: int
    role: Role
    unit: int
    buttons: dict[str, int] = field(default_factory=dict)  # kind -> fabricated message id
    tokens: dict[str, str] = field(default_factory=dict)
    errors: int = 0


class Driver:
    def __init__(self, emu: BotAPIEmulator, status_only: bool = False):
        self.emu = emu
        self.world = emu.world
        self.status_only = status_only

    async def say(self, sim: Sim, text: str, label: str) -> Sample:
        chat = self.world.chat(sim.uid)
        chat.cursor = len(chat.sent)
        t0 = time.monotonic()
        self.emu.send_message(sim.uid, text)
        msg = await self.emu.next_message(sim.uid, TIMEOUT)
        return Sample(label, "message", t0, msg.bench_t, msg)

    async def press(
        self,
        sim: Sim,
        message_id: int,
        label: str,
        *,
        text: str | None = None,
        data: str | None = None,
    ) -> Sample:
        chat = self.world.chat(sim.uid)
        chat.cursor = len(chat.sent)
        t0 = time.monotonic()
        if data is not None:
            qid = self.emu.press_raw(sim.uid, message_id, data)
        else:
            qid = self.emu.press_button(sim.uid, message_id, text=text)
        await self.emu.wait_callback_answer(qid, TIMEOUT)
        return Sample(label, "button", t0, self.world.callbacks[qid].bench_t)

    async def script(self, sim: Sim, start: int = 0) -> AsyncIterator[Sample]:
        if self.status_only:
            while True:
                yield await self.say(sim, "/status", "/status")
        steps = {
            Role.KASAT: self._kasat,
            Role.SEKRETARIS: self._sekretaris,
            Role.KASUBBAG: self._kasubbag,
            Role.TIM_KERJA: self._tim_kerja,
        }[sim.role]
        async for s in steps(sim, start):
            yield s

    async def _kasat(self, sim: Sim, start: int):
        while True:
            s = await self.say(sim, "/mulai", "/mulai (isian baru)")
            yield s
            yield await self.press(
                sim, s.msg.message_id, "tombol pilihan triwulan", text="TW IV 2026"
            )
            yield await self.say(sim, "Ini catatan, bukan berkas.", "teks saat isian minta berkas")
            yield await self.say(sim, "/batal", "/batal")
            yield await self.say(sim, "/status", "/status")
            yield await self.say(sim, "/bantuan", "/bantuan")

    async def _sekretaris(self, sim: Sim, start: int):
        while True:
            yield await self.press(
                sim,
                sim.buttons["forward"],
                "tombol Teruskan (isian baru)",
                data=f"b:{sim.tokens['forward']}",
            )
            s = await self.say(
                sim, "Mohon segera dibagi tugas kepada Tim Kerja.", "teks isian (catatan)"
            )
            yield s
            yield await self.press(sim, s.msg.message_id, "tombol Batal isian", text="Batal")
            yield await self.say(sim, "/status", "/status")
            yield await self.say(sim, "/bantuan", "/bantuan")

    async def _kasubbag(self, sim: Sim, start: int):
        while True:
            yield await self.press(
                sim,
                sim.buttons["divide"],
                "tombol Bagi tugas (isian baru)",
                data=f"b:{sim.tokens['divide']}",
            )
            yield await self.say(
                sim, "Kumpulkan data capaian kinerja beserta bukti dukung.", "teks isian (catatan)"
            )
            yield await self.say(sim, "Capaian IKU\nRealisasi anggaran", "teks isian (butir)")
            yield await self.say(sim, "/batal", "/batal")
            yield await self.say(sim, "/status", "/status")

    async def _tim_kerja(self, sim: Sim, start: int):
        steps = [
            ("/status", "/status"),
            ("/bantuan", "/bantuan"),
            ("Selamat pagi, Pak.", "teks tanpa isian"),
            ("/start", "/start"),
        ]
        i = start
        while True:
            text, label = steps[i % len(steps)]
            i += 1
            yield await self.say(sim, text, label)

    async def draft_loop(self, sim: Sim, stop: asyncio.Event, out: list[Sample]) -> None:
        """Press "Susun draf" and wait for the PDF, as a person would, again and again.
        ``out`` gets the press's answer and the PDF's arrival, in pairs."""
        while not stop.is_set():
            answered = await self.press(
                sim, sim.buttons["draft"], "tombol Susun draf", data=f"b:{sim.tokens['draft']}"
            )
            doc = await self.emu.next_message(sim.uid, TIMEOUT, lambda m: m.document is not None)
            out += [answered, Sample("PDF draf", "document", answered.t0, doc.bench_t, doc)]


async def run_users(
    driver: Driver, sims: list[Sim], duration: float, rate: float | None, seed: int = 1
) -> list[Sample]:
    """Every user plays its script until ``duration`` has passed (closed loop or paced)."""
    samples: list[Sample] = []
    end = time.monotonic() + duration
    rnd = random.Random(seed)
    mean_think = len(sims) / rate if rate else 0.0

    async def think() -> bool:
        """Exponential think time (a Poisson stream per user); False once time is up."""
        if mean_think:
            pause = rnd.expovariate(1 / mean_think)
            await asyncio.sleep(max(min(pause, end - time.monotonic()), 0))
        return time.monotonic() < end

    async def one(sim: Sim, index: int) -> None:
        if not await think():
            return
        while time.monotonic() < end:
            try:
                async for s in driver.script(sim, index):
                    samples.append(s)
                    if not await think():
                        return
            except (LookupError, TimeoutError, ValueError):
                sim.errors += 1
                chat = driver.world.chat(sim.uid)
                chat.cursor = len(chat.sent)
                driver.emu.send_message(sim.uid, "/batal")
                await asyncio.sleep(0.2)

    tasks = [asyncio.create_task(one(s, i)) for i, s in enumerate(sims)]
    # A paced user has at most one quick update in flight at the end: wait for it. In a closed
    # loop every user has one queued behind N others: abandon them (only throughput counts).
    grace = 0.05 if rate is None else TIMEOUT
    _, pending = await asyncio.wait(tasks, timeout=duration + grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return samples


# --- one scenario: emulator here, bot in a child process ----------------------------------


@dataclass
class Phase:
    name: str
    duration: float  # measured window
    warmup: float = 1.0
    rate: float | None = None  # None = closed loop
    draft_unit: int | None = None  # a Kasubbag of this unit taps "Susun draf" in a loop
    exclude_unit: int | None = None  # this unit's users stay idle


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    stats_path: Path
    ready: dict
    spawned_at: float  # time.time() just before spawning
    first_poll_at: float  # time.time() when the emulator saw the first getUpdates


async def spawn_bot(
    emu: BotAPIEmulator,
    store: Store,
    workdir: Path,
    *,
    cpu: int | None,
    profile: Path | None = None,
    concurrent: int = 0,
    rate_limit: bool = False,
    echo: bool = False,
) -> BotProcess:
    stats = workdir / "stats.json"
    args = [
        sys.executable,
        "-m",
        "bench.botproc",
        "--url",
        emu.url,
        "--token",
        TOKEN,
        "--data",
        str(store.data_dir),
        "--roster",
        str(store.roster_path),
        "--stats",
        str(stats),
        "--rate-limit",
        "on" if rate_limit else "off",
    ]
    if cpu is not None:
        args += ["--cpu", str(cpu)]
    if profile is not None:
        args += ["--profile", str(profile)]
    if concurrent:
        args += ["--concurrent", str(concurrent)]
    if echo:
        args += ["--echo"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    calls_before = emu.world.get_updates_calls
    spawned = time.time()
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=str(REPO),
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=open(workdir / "bot.log", "wb"),
    )
    first_poll = None
    deadline = time.monotonic() + 60
    while emu.world.get_updates_calls == calls_before:
        if proc.returncode is not None or time.monotonic() > deadline:
            log = (workdir / "bot.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"bot did not start polling:\n{log}")
        await asyncio.sleep(0.001)
    first_poll = time.time()
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    ready = json.loads(line)
    return BotProcess(proc, stats, ready, spawned, first_poll)


async def command(bot: BotProcess, text: str) -> dict:
    bot.proc.stdin.write(f"{text}\n".encode())
    await bot.proc.stdin.drain()
    line = await asyncio.wait_for(bot.proc.stdout.readline(), 60)
    return json.loads(line) if line else {}


async def stop_bot(bot: BotProcess, emu: BotAPIEmulator) -> tuple[dict, int]:
    """Take the counters, then kill the bot: a graceful stop would first work through every
    update still queued inside PTB (after a closed loop with 500 users, ten seconds).
    Also returns how many emulator errors there were before the kill (requests cut off by
    the kill are not the bot's errors)."""
    await command(bot, "stats")
    stats = json.loads(bot.stats_path.read_text())
    errors_before_kill = len(emu.world.errors)
    bot.proc.kill()
    await asyncio.wait_for(bot.proc.wait(), 30)
    return stats, errors_before_kill


def make_sims(emu: BotAPIEmulator, store: Store, units: list[int]) -> list[Sim]:
    sims = []
    for u in units:
        for slot, role in enumerate(SLOTS):
            uid = user_id(u, slot)
            emu.add_user(uid, f"Pejabat {u}-{slot}")
            sim = Sim(uid, role, u)
            buttons = store.buttons[u]
            if role is Role.SEKRETARIS:
                sim.tokens["forward"] = buttons.forward
                sim.buttons["forward"] = fabricate_button_message(
                    emu, uid, BUTTON_LABELS["forward"], buttons.forward
                )
            elif role is Role.KASUBBAG:
                sim.tokens["divide"] = buttons.divide
                sim.buttons["divide"] = fabricate_button_message(
                    emu, uid, BUTTON_LABELS["divide"], buttons.divide
                )
                if buttons.draft:
                    sim.tokens["draft"] = buttons.draft
                    sim.buttons["draft"] = fabricate_button_message(
                        emu, uid, BUTTON_LABELS["draft"], buttons.draft
                    )
            sims.append(sim)
    return sims


async def settle(emu: BotAPIEmulator, timeout: float = 30) -> None:
    try:
        await emu.settle(quiet=0.15, timeout=timeout)
    except TimeoutError:
        pass


async def run_scenario(
    store: Store,
    active_units: list[int],
    phases: list[Phase],
    *,
    cpu: int | None = 1,
    profile: Path | None = None,
    concurrent: int = 0,
    api_delay: float = 0.0,
    first_status: bool = False,
    rate_limit: bool = False,
    echo: bool = False,
    status_only: bool = False,
) -> dict:
    """``concurrent`` 1 runs the bot sequentially (what-if); ``echo`` runs the bare PTB echo
    bot instead; ``status_only``: every user sends /status in a loop (what both bots can
    answer, for the side-by-side rows); ``api_delay``: the emulator's round trip."""
    install_hooks()
    workdir = Path(tempfile.mkdtemp(prefix="lkj-bench-"))
    run_store = store.copy_to(workdir / "store")
    # Flood control off: the bench drives the bot above Telegram's 30 a second on purpose, to
    # measure its CPU per update (the bot's pacing is measured apart, rate_limit on).
    emu = BotAPIEmulator(
        token=TOKEN, bot_username="lkj_bench_bot", round_trip=api_delay, flood_control=False
    )
    await emu.start()
    stamp_sends(emu)
    result: dict = {"phases": {}, "timing": {}}
    t_scenario = time.monotonic()
    bot = None
    try:
        sims = make_sims(emu, run_store, active_units)
        bot = await spawn_bot(
            emu,
            run_store,
            workdir,
            cpu=cpu,
            profile=profile,
            concurrent=concurrent,
            rate_limit=rate_limit,
            echo=echo,
        )
        result["startup"] = {
            "spawned": bot.spawned_at,
            "first_poll": bot.first_poll_at,
            **bot.ready["ready"],
        }
        result["ready_status"] = bot.ready.get("status", {})
        result["timing"]["spawn"] = time.monotonic() - t_scenario
        await settle(emu)
        if first_status:  # the first answer after start-up pays for lazy imports and caches
            driver = Driver(emu)
            result["first_status_ms"] = (await driver.say(sims[0], "/status", "")).ms
            result["second_status_ms"] = (await driver.say(sims[0], "/status", "")).ms
        await command(bot, "reset")
        delivered_at_reset = emu.world.delivered_update_id  # fallback count
        calls_at_reset = len(emu.world.calls)
        polls_at_reset = emu.world.get_updates_calls
        for i, phase in enumerate(phases):
            drafter = None
            draft_samples: list[Sample] = []
            stop_draft = asyncio.Event()
            idle = {phase.draft_unit, phase.exclude_unit}
            active = [s for s in sims if s.unit not in idle]
            if phase.draft_unit is not None:
                drafter = next(
                    s for s in sims if s.unit == phase.draft_unit and s.role is Role.KASUBBAG
                )
            t_start = time.monotonic()
            w0, w1 = t_start + phase.warmup, t_start + phase.warmup + phase.duration
            cpu_marks: dict[str, float] = {}

            async def mark(at: float, key: str, marks: dict = cpu_marks) -> None:
                await asyncio.sleep(max(at - time.monotonic(), 0))
                marks[key + "_bot"] = proc_cpu(bot.proc.pid)
                marks[key + "_me"] = time.process_time()
                marks[key + "_t"] = time.monotonic()

            draft_task = None
            if drafter is not None:
                draft_task = asyncio.create_task(
                    Driver(emu).draft_loop(drafter, stop_draft, draft_samples)
                )
            marks = asyncio.gather(mark(w0, "a"), mark(w1, "b"))
            samples = await run_users(
                Driver(emu, status_only),
                active,
                phase.warmup + phase.duration,
                phase.rate,
                seed=i + 1,
            )
            await marks
            if draft_task is not None:
                stop_draft.set()
                await draft_task
            summary = summarize(samples, w0, w1)
            span = cpu_marks["b_t"] - cpu_marks["a_t"]
            bot_cpu = cpu_marks["b_bot"] - cpu_marks["a_bot"]
            summary["bot_cpu_share"] = bot_cpu / span
            summary["emu_cpu_share"] = (cpu_marks["b_me"] - cpu_marks["a_me"]) / span
            summary["bot_cpu_ms_per_update"] = (
                1000 * bot_cpu / summary["updates"] if summary["updates"] else float("nan")
            )
            if draft_samples:
                pdfs = [s.ms for s in draft_samples if s.kind == "document"]
                summary["drafts"] = len(pdfs)
                summary["draft_ms"] = pct(pdfs, 50)
                summary["draft_answer_ms"] = pct(
                    [s.ms for s in draft_samples if s.kind == "button"], 50
                )
            summary["user_errors"] = sum(s.errors for s in sims)
            result["phases"][phase.name] = summary
            result["timing"][phase.name] = time.monotonic() - t_start
            if i < len(phases) - 1:
                await settle(emu)
            result["timing"][phase.name + "+settle"] = time.monotonic() - t_start
        t_stop = time.monotonic()
        stats, errors_before_kill = await stop_bot(bot, emu)
        calls_at_stop, polls_at_stop = len(emu.world.calls), emu.world.get_updates_calls
        result["timing"]["stop"] = time.monotonic() - t_stop
        bot = None
        handled = stats.get("processed") or (emu.world.delivered_update_id - delivered_at_reset)
        methods: dict[str, int] = {}
        for name, _params in emu.world.calls[calls_at_reset:calls_at_stop]:
            methods[name] = methods.get(name, 0) + 1
        methods["getUpdates"] = polls_at_stop - polls_at_reset
        result["api_calls_per_update"] = {k: v / max(handled, 1) for k, v in methods.items()}
        result["io"] = stats["io"]
        result["io_updates"] = handled
        result["final_status"] = stats["status"]
        result["bot_errors"] = (
            (workdir / "bot.log")
            .read_text(errors="replace")
            .count("error while handling an update")
        )
        result["emu_errors"] = [
            e
            for e in emu.world.errors[:errors_before_kill]
            if "message is not modified" not in e[3] and e[0] != "getUpdates"
        ]
        result["buttons_after"] = run_store.buttons_count()
    finally:
        result["timing"]["total"] = time.monotonic() - t_scenario
        if bot is not None and bot.proc.returncode is None:
            bot.proc.kill()
            await bot.proc.wait()
        await emu.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return result
