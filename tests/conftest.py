"""Fixtures: the Bot API emulator, the real bot wired to it over HTTP, the people."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from bot.app import build_application
from bot.playbook import Cast
from bot.settings import Settings
from domain.roster import load_roster
from emulator import BotAPIEmulator
from emulator.users import SimUser
from tests.factories import DEMO_ROSTER, JAKARTA, FakeClock

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def clock() -> FakeClock:
    # Monday 5 October 2026, 08:00 WIB: the first working day of the fourth quarter.
    return FakeClock(datetime(2026, 10, 5, 8, 0, tzinfo=JAKARTA))


@pytest.fixture
async def emu():
    emulator = BotAPIEmulator(token=TOKEN)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def roster_path(tmp_path):
    path = tmp_path / "roster.toml"
    shutil.copy(DEMO_ROSTER, path)
    return path


@pytest.fixture
def settings(emu, tmp_path, roster_path) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
    )


class BotRunner:
    """Starts and stops the real bot against the emulator; a restart keeps the data dir."""

    def __init__(self, settings: Settings, clock: FakeClock):
        self.settings = settings
        self.clock = clock
        self.app = None

    async def start(self):
        self.app = build_application(self.settings, clock=self.clock)
        await self.app.initialize()
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.updater.stop()
            await self.app.stop()
            await self.app.shutdown()
            self.app.bot_data["services"].db.close()
            self.app = None


@pytest.fixture
async def runner(emu, settings, clock):
    bot_runner = BotRunner(settings, clock)
    yield bot_runner
    await bot_runner.stop()


@pytest.fixture
async def bot(runner):
    return await runner.start()


@pytest.fixture
def people(emu, roster_path) -> Cast:
    return Cast(emu, load_roster(roster_path).units[0])


@pytest.fixture
def stranger(emu) -> SimUser:
    return SimUser(emu, 9999, "Orang Asing")
