"""Issue 24 item 8, PostgreSQL: the database's storage full is a clean refusal. The test
database lives in a tablespace on a small tmpfs (mounted by the test, so it runs as root;
skipped with the reason elsewhere), filled to the last byte; then a press through the
emulator: the user is told the storage is full, the transaction left nothing half written
(no cycle, no audit entry of the press), the button stays valid, and it works once space is
freed."""

from __future__ import annotations

import asyncio
import os
import pwd
import subprocess
from pathlib import Path

import psycopg
import pytest

from bot.settings import Settings
from demo.playbook import SAMPLES
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository
from tests.conftest import TOKEN
from tests.pg_cluster import BOT_ROLE, OWNER_ROLE, TEMPLATE_DB
from tests.test_full_disk import Filler

UNIT = "satpolpp-bdg"


@pytest.fixture
def small_tablespace(pg_cluster):
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs for the tablespace needs root")
    owner = pwd.getpwnam(pg_cluster.run_as or "postgres")
    mount = pg_cluster.root / f"ruang-{os.getpid()}"
    mount.mkdir()
    options = f"size=24m,mode=0700,uid={owner.pw_uid},gid={owner.pw_gid}"
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    name = f"lkj_small_{os.getpid()}"
    admin = pg_cluster.url("postgres", "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE TABLESPACE {name} LOCATION '{mount}'")
        conn.execute(f"GRANT CREATE ON TABLESPACE {name} TO {OWNER_ROLE}")
        conn.execute(
            f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB} OWNER {OWNER_ROLE} TABLESPACE {name}"
        )
    yield pg_cluster.url(name, BOT_ROLE), mount
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"DROP TABLESPACE IF EXISTS {name}")
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def settings(emu, tmp_path, roster_path, small_tablespace) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_database_url=small_tablespace[0],
        lkj_reminder_interval_s=1.0,  # the tick that retries deliveries
    )


def accepted(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM lkj_audit WHERE line::jsonb->>'outcome' = 'accepted'"
        ).fetchone()
    assert row is not None
    return int(row[0])


async def test_a_full_database_refuses_a_press_cleanly_and_recovers(
    bot, emu, people, settings, small_tablespace
):
    url, mount = small_tablespace
    filler = Filler(Path(mount))
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    await k.expect("Perjanjian Kinerja")
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say("Mohon ditindaklanjuti.")
    summary = await k.expect("Mohon periksa kembali")
    await emu.settle(quiet=0.3)

    before = accepted(url)
    cycles = CycleRepository(Database(settings.lkj_data_dir, url))  # connected while there is room
    # No free room left inside the tables either: packed, then the disk filled.
    admin = url.replace(f"{BOT_ROLE}@", "postgres@")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("VACUUM FULL")
    filler.fill()
    seen = len(k.received())
    answer = await k.tap("Kirim", summary)
    refused = answer["text"] == texts.STORAGE_FULL[:200]
    for _ in range(600):  # the outcome: refused in chat, or the note edited to "Terkirim"
        news = [m.text for m in k.received()[seen - 1 :]]
        if refused or texts.STORAGE_FULL in news or any("Terkirim" in t for t in news):
            break
        await asyncio.sleep(0.05)
    refused = refused or texts.STORAGE_FULL in [m.text for m in k.received()]
    if refused:
        # Refused: the transaction left nothing behind and the button is still valid.
        filler.free()
        assert cycles.get(UNIT, 2026, 3) is None
        assert accepted(url) == before
        answer = await k.tap("Kirim", summary)
        assert answer.get("text") != texts.STORAGE_FULL[:200]
    else:
        # The state change found room in the tables' pages: it was committed whole, with what
        # it owes (its audit entry, its messages) in the same row; the Kasat was told so, and
        # the delivery of what is owed waits for room (the tick retries it).
        filler.free()
        assert cycles.get(UNIT, 2026, 3) is not None
        assert any("Terkirim" in m.text for m in k.received()[seen - 1 :])
    await people.sekretaris.expect("Disposisi", timeout=30)  # (the tick retries a delivery)
    assert cycles.get(UNIT, 2026, 3) is not None
    for _ in range(200):  # the owed audit entry, appended by the same tick
        if accepted(url) > before:
            break
        await asyncio.sleep(0.05)
    assert accepted(url) > before
