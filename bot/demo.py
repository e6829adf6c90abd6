"""Offline demo: the emulator, the real bot and simulated officials play one whole quarter.

No token and no network: the bot talks over HTTP to the local Bot API emulator, exactly as
it would talk to Telegram. The conversation is printed as it happens and the signed report
is written to the output folder.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from bot import playbook
from bot.app import build_application
from bot.playbook import Cast
from bot.settings import Settings
from domain.dates_id import triwulan_of
from domain.roster import load_roster
from emulator import BotAPIEmulator

DEMO_ROSTER = Path(__file__).with_name("demo_roster.toml")
TOKEN = "123456:DEMO-OFFLINE"


def _printer(out=sys.stdout):
    def transcript(who: str, direction: str, text: str) -> None:
        arrow = "→ bot" if direction == ">" else "bot →"
        body = textwrap.indent(textwrap.fill(text, 96, replace_whitespace=False), "    ")
        print(f"[{who} {arrow}]\n{body}", file=out, flush=True)

    return transcript


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
    )
    app = build_application(settings)
    services = app.bot_data["services"]
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        unit = load_roster(DEMO_ROSTER).units[0]
        cast = Cast(emu, unit, None if quiet else _printer())
        triwulan, year = previous_quarter(services.calendar(unit).to_local(services.now()))
        print(f"== Demo lkj-bot: {unit.name}, Triwulan {triwulan} Tahun {year} ==\n")
        for user in cast.officials:
            user.say("/start")
            await user.expect("Selamat datang")
        await playbook.start_cycle(cast, triwulan, year)
        await playbook.forward(cast)
        await playbook.divide(cast)
        await playbook.upload_all(cast)
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
