"""Offline demo: the emulator, the real bot and simulated officials play one whole quarter.

No token and no network: the bot talks over HTTP to the local Bot API emulator, exactly as
it would talk to Telegram. The conversation is printed as it happens and the signed report
is written to the output folder.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import playbook
from bot.app import build_application
from bot.playbook import SAMPLES, Cast
from bot.settings import Settings
from domain.dates_id import format_datetime_id, triwulan_of
from domain.reminders import ReminderPoint
from domain.roster import load_roster
from emulator import BotAPIEmulator
from handlers.texts import tw

DEMO_ROSTER = Path(__file__).with_name("demo_roster.toml")
TOKEN = "123456:DEMO-OFFLINE"


def _printer(out=sys.stdout):
    def transcript(who: str, direction: str, text: str) -> None:
        arrow = "→ bot" if direction == ">" else "bot →"
        lines = [textwrap.fill(line, 96) if line else "" for line in text.split("\n")]
        body = textwrap.indent("\n".join(lines), "    ", lambda _: True)
        print(f"[{who} {arrow}]\n{body}", file=out, flush=True)

    return transcript


class DemoClock:
    """Real time, plus whatever the demo skips ahead to show reminders and escalation."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, moment: datetime) -> None:
        self.offset += moment - self()


async def _late_collection(cast: Cast, services, clock: DemoClock, unit, triwulan, year):
    """One member hands in on time, the other is late: reminder, deadline and escalation."""
    first, late = cast.team[0], cast.team[1]
    for index, (name, content) in enumerate(SAMPLES.data[0]):
        await playbook.upload(first, name, content, playbook.TASKS[0][index])
    cycle = services.cycles.get(unit.code, year, triwulan)
    record = cycle.current_step_record
    calendar = services.calendar(unit)
    half = ReminderPoint.parse("50%").at(record.started_at, record.deadline, calendar)
    _banner(f"Waktu berjalan: {format_datetime_id(half, calendar.tz)} (separuh waktu)")
    clock.jump_to(half + timedelta(minutes=1))
    await late.expect("Pengingat")
    after = calendar.next_office_moment(record.deadline + timedelta(minutes=1))
    _banner(f"Waktu berjalan: {format_datetime_id(after, calendar.tz)} (batas waktu lewat)")
    clock.jump_to(after)
    await late.expect("Batas waktu terlampaui")
    await cast.kasubbag.expect("Eskalasi keterlambatan")
    name, content = SAMPLES.data[1][0]
    await playbook.upload(late, name, content, playbook.TASKS[1][0])


def _banner(text: str) -> None:
    print(f"\n== {text} ==\n", flush=True)


def previous_quarter(now: datetime) -> tuple[int, int]:
    """The quarter a unit reports on now: the one that just ended."""
    current = triwulan_of(now.date())
    return (4, now.year - 1) if current == 1 else (current - 1, now.year)


async def run_demo(output: Path, quiet: bool = False) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    data_dir = output / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    emu = BotAPIEmulator(token=TOKEN, bot_username="lkj_demo_bot")
    await emu.start()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=data_dir,
        lkj_roster=DEMO_ROSTER,
        lkj_reminder_interval_s=0.2,
    )
    clock = DemoClock()
    app = build_application(settings, clock=clock)
    services = app.bot_data["services"]
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        unit = load_roster(DEMO_ROSTER).units[0]
        cast = Cast(emu, unit, None if quiet else _printer())
        triwulan, year = previous_quarter(services.calendar(unit).to_local(services.now()))
        print(f"== Demo lkj-bot: {unit.name}, {tw(triwulan, year)} ==\n")
        for user in cast.officials:
            user.say("/start")
            await user.expect("Selamat datang")
        await playbook.start_cycle(cast, triwulan, year)
        await playbook.forward(cast)
        await playbook.divide(cast)
        await _late_collection(cast, services, clock, unit, triwulan, year)
        await playbook.build_and_submit(cast)
        await cast.sekretaris.expect("diajukan oleh Kasubbag", document=True)
        await playbook.return_report(cast.sekretaris)
        await playbook.build_and_submit(cast, "Susun ulang draf laporan")
        await playbook.paraf(cast)
        await playbook.sign(cast)
        signed = None
        for user in cast.officials:
            signed = await user.expect("telah ditandatangani", document=True)
        assert signed is not None and signed.document is not None
        target = output / signed.document.filename
        target.write_bytes(signed.document.content)
        sheet = next(
            m
            for m in cast.sekretaris.received()
            if m.document and m.document.filename.startswith("Lembar_Disposisi")
        )
        (output / sheet.document.filename).write_bytes(sheet.document.content)
        await emu.settle()
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await emu.stop()
    print(f"\nLaporan yang telah ditandatangani: {target}")
    print(f"Lembar disposisi: {output / sheet.document.filename}")
    return target
