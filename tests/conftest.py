"""Fixtures: the Bot API emulator, the real bot wired to it over HTTP, the people."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.app import build_application
from bot.settings import Settings
from demo.playbook import Cast
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
def store_url() -> str | None:
    """The bot's LKJ_DATABASE_URL (None: TinyDB files); a module that runs on both backends
    overrides it with ``database_url``."""
    return None


@pytest.fixture
def settings(emu, tmp_path, roster_path, store_url) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_database_url=store_url or "",
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
    return SimUser(emu, 9999, "Orang Asing", started=False)


# --- PostgreSQL: a throw-away cluster for the session (tests/pg_cluster.py)

BACKENDS = ["tinydb", "postgresql"]


def _postgres_required() -> bool:
    """CI (CI=true) or LKJ_REQUIRE_POSTGRES=1: a missing server fails the tests, never skips."""
    return os.environ.get("CI", "").lower() == "true" or bool(
        os.environ.get("LKJ_REQUIRE_POSTGRES")
    )


@pytest.fixture(scope="session")
def pg_cluster():
    try:
        import psycopg  # noqa: F401

        from tests.pg_cluster import start_cluster

        cluster = start_cluster()
    except (ImportError, FileNotFoundError, KeyError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        why = f"PostgreSQL is not available: {exc} {detail.decode(errors='replace')}".strip()
        if _postgres_required():
            pytest.fail(f"{why} (required: CI or LKJ_REQUIRE_POSTGRES)", pytrace=False)
        pytest.skip(f"{why}; install it with: bash scripts/setup.sh --test")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> Iterator[str]:
    """A fresh database with the schema, as the bot's limited role."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture(params=BACKENDS)
def database_url(request) -> str | None:
    """Runs a test once on the TinyDB files and once on PostgreSQL (None: files)."""
    if request.param == "tinydb":
        return None
    return request.getfixturevalue("pg_url")
