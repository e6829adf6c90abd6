"""Issue 24 item 8: a full disk is a clean refusal. The data folder is a small tmpfs (mounted
by the test, so it runs as root; skipped with the reason elsewhere), filled to the last byte;
then an upload and a button press through the emulator: the user is told (formal Indonesian)
that the storage is full and to try again later, nothing is half written (every store file
reads, every audit chain verifies, no temporary file is left), the button stays valid, and
once space is freed the same upload and the same button work."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import aiohttp
import pytest

from bot.settings import Settings
from demo.playbook import SAMPLES, MiniApp
from demo.screenshots import free_port
from handlers import texts
from storage.audit import AuditLog, verify_all
from storage.database import Database
from storage.repositories import CycleRepository
from tests.conftest import TOKEN
from tests.test_miniapp import collecting
from webapp.server import start_webapp, stop_webapp

UNIT = "satpolpp-bdg"


def _can_mount() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "mounting a small tmpfs as the data folder needs root"
    return None


@pytest.fixture
def small_disk(tmp_path) -> Path:
    why = _can_mount()
    if why:
        pytest.skip(why)
    mount = tmp_path / "data"
    mount.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", str(mount)],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def settings(emu, small_disk, roster_path) -> Settings:
    port = free_port()
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=small_disk,
        lkj_roster=roster_path,
        lkj_webapp_url=f"http://127.0.0.1:{port}/app",  # started by the Mini App test only
        lkj_webapp_port=port,
        lkj_webapp_max_age_s=3600,
    )


class Filler:
    """Takes every free byte of the disk, and gives it back."""

    def __init__(self, disk: Path):
        self.path = disk / ".filler"  # on the data folder's own file system

    def fill(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 20, 1 << 12, 1):
                with contextlib.suppress(OSError):
                    while os.write(fd, bytes(size)):
                        pass
        finally:
            os.close(fd)
        assert os.statvfs(self.path).f_bavail == 0

    def free(self) -> None:
        self.path.unlink()


def intact(data_dir: Path) -> None:
    """Nothing half written: every store file reads, every chain verifies, no temp file."""
    db = Database(data_dir)
    db.check_all()
    db.close()
    assert all(r.ok for r in verify_all(data_dir)), [r.message() for r in verify_all(data_dir)]
    leftovers = [p for p in data_dir.rglob(".*.tmp")]
    assert leftovers == []


def accepted(data_dir: Path) -> list[str]:
    """The actions every audit log records as done."""
    return [
        e["action"]
        for path in sorted((data_dir / "audit").rglob("*.jsonl"))
        for e in AuditLog(path).entries()
        if e.get("outcome") == "accepted"
    ]


async def test_a_full_disk_refuses_cleanly_and_recovers(bot, emu, people, settings):
    data_dir = settings.lkj_data_dir
    filler = Filler(data_dir)
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    await k.expect("Perjanjian Kinerja")

    # An upload on a full disk.
    filler.fill()
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    told = await k.expect(texts.STORAGE_FULL[:40], timeout=5)
    assert told.text == texts.STORAGE_FULL
    filler.free()
    intact(data_dir)
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say("Mohon ditindaklanjuti.")
    summary = await k.expect("Mohon periksa kembali")

    # A press on a full disk: refused, the button still valid.
    await emu.settle(quiet=0.3)
    before = accepted(data_dir)
    filler.fill()
    answer = await k.tap("Kirim", summary)
    if answer["text"] != texts.STORAGE_FULL[:200]:  # answered early ("sedang disusun"):
        told = await k.expect(texts.STORAGE_FULL[:40], timeout=30)  # then told in chat
        assert told.text == texts.STORAGE_FULL
    await emu.settle(quiet=0.3)
    filler.free()
    intact(data_dir)
    assert CycleRepository(Database(data_dir)).get(UNIT, 2026, 3) is None
    assert accepted(data_dir) == before  # no action recorded that did not happen
    answer = await k.tap("Kirim", summary)  # the same button, now with space
    assert "text" not in answer or answer["text"] != texts.STORAGE_FULL[:200]
    await people.sekretaris.expect("Disposisi")
    cycle = CycleRepository(Database(data_dir)).get(UNIT, 2026, 3)
    assert cycle is not None
    intact(data_dir)


async def test_updates_go_on_when_not_even_the_inbox_has_room(bot, emu, people, settings):
    """The inbox's own line cannot be written either (the last page of its file is full too):
    the update is still handled and answered, and polling goes on (an error there would end
    it for good); the inbox is left with whole lines only."""
    data_dir = settings.lkj_data_dir
    filler = Filler(data_dir)
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    await k.expect("Perjanjian Kinerja")
    await emu.settle(quiet=0.3)
    filler.fill()
    inbox = data_dir / "state" / "inbox.jsonl"
    fd = os.open(inbox, os.O_WRONLY | os.O_APPEND)
    with contextlib.suppress(OSError):  # blank lines (skipped on reading) up to the page end
        while os.write(fd, b"\n" * 64):
            pass
    os.close(fd)
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    told = await k.expect(texts.STORAGE_FULL[:40], timeout=30)
    assert told.text == texts.STORAGE_FULL
    assert inbox.read_bytes().endswith(b"\n")  # no half line left by the failed append
    filler.free()
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)  # polling goes on
    await k.expect("Rencana Aksi", timeout=30)
    intact(data_dir)


async def test_a_mini_app_call_on_a_full_disk_is_refused_cleanly(bot, emu, people, settings, clock):
    """The page is told the storage is full (503, the same words as in chat), the draft kept
    before is untouched, and the same call works once space is freed."""
    await collecting(people)
    server = await start_webapp(bot)
    assert server is not None
    member = people.team[0]
    draft = settings.lkj_webapp_url + "/api/isi/draf"
    cycle = CycleRepository(Database(settings.lkj_data_dir)).get(UNIT, 2026, 3)
    assert cycle is not None
    auth = {"Authorization": "tma " + MiniApp(TOKEN, clock).init_data(member)}
    first = {"IKU-1": {"value": "70", "kendala": "a", "tindak_lanjut": "b"}}
    # Longer than the page the store's rolling copy gives back when it is replaced.
    second = {
        code: {"value": "80", "kendala": "k" * 1000, "tindak_lanjut": "t" * 1000}
        for code in ("IKU-1", "IKU-2", "IKU-3")
    }
    filler = Filler(settings.lkj_data_dir)
    try:
        async with aiohttp.ClientSession() as session:

            async def save(rows: dict) -> tuple[int, dict]:
                body = {"siklus": cycle.id, "rows": rows}
                async with session.post(draft, json=body, headers=auth) as response:
                    return response.status, await response.json()

            assert (await save(first))[0] == 200
            filler.fill()
            status, answer = await save(second)
            assert (status, answer["error"]) == (503, texts.STORAGE_FULL)
            filler.free()
            intact(settings.lkj_data_dir)
            kept = bot.bot_data["services"].drafts.get(member.user_id, cycle.id)
            assert kept["IKU-1"]["value"] == "70"  # the earlier draft, whole
            assert (await save(second))[0] == 200
            kept = bot.bot_data["services"].drafts.get(member.user_id, cycle.id)
            assert kept["IKU-1"]["value"] == "80"
    finally:
        await stop_webapp(bot)
