"""SIGKILL during every step of the cycle: the store opens, nothing acknowledged is lost, the
cycle goes on, and every message the step owed arrives exactly once after the restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from demo import playbook
from demo.playbook import SAMPLES
from storage.audit import verify_all
from storage.database import Database
from storage.repositories import CycleRepository
from tests.conftest import TOKEN


class BotProcess:
    """The real bot (`python -m bot.cli run`) as a child process polling the emulator."""

    def __init__(self, emu, tmp_path, roster_path):
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emu.url,
            "LKJ_DATA_DIR": str(tmp_path / "data"),
            "LKJ_ROSTER": str(roster_path),
            "LKJ_REMINDER_INTERVAL_S": "3600",
        }
        self.cwd = tmp_path
        self.emu = emu
        self.proc = None
        self.data_dir = tmp_path / "data"

    async def start(self) -> None:
        polls = self.emu.world.get_updates_calls
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env=self.env,
            cwd=self.cwd,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(600):  # until it polls: start-up (and owed deliveries) are done
            if self.emu.world.get_updates_calls > polls:
                return
            if self.proc.returncode is not None:
                raise RuntimeError((await self.proc.stderr.read()).decode())
            await asyncio.sleep(0.05)
        raise TimeoutError("bot did not start polling")

    async def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.emu.release_held()

    async def stop(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(self.proc.wait(), 30)

    def cycle(self):
        return CycleRepository(Database(self.data_dir)).get("satpolpp-bdg", 2026, 3)


@pytest.fixture
async def bot_process(emu, tmp_path, roster_path):
    process = BotProcess(emu, tmp_path, roster_path)
    await process.start()
    yield process
    await process.stop()


def count(user, text: str, document: bool | None = None) -> int:
    return sum(
        1
        for m in user.received()
        if text in m.text and (document is None or (m.document is not None) == document)
    )


async def crash_during(bot_process, emu, method: str, act) -> None:
    """Hold the step's first ``method`` call, kill the bot while it hangs there, restart."""
    emu.hold_next(method)
    act()
    await emu.wait_held()
    await bot_process.kill()
    await bot_process.start()


async def test_sigkill_during_each_step_loses_and_repeats_nothing(bot_process, emu, people):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    first, second = people.team

    # Step 1: killed while sending the disposition sheet to the Sekretaris.
    kasat.say("/mulai")
    await kasat.tap("TW III 2026", await kasat.expect("Pilih triwulan"))
    kasat.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await kasat.expect("Rencana Aksi")
    kasat.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await kasat.expect("catatan disposisi")
    kasat.say(playbook.DISPOSISI_KASAT)
    summary = await kasat.expect("Mohon periksa kembali")
    await crash_during(
        bot_process,
        emu,
        "sendDocument",
        lambda: emu.press_button(kasat.user_id, summary.message_id, text="Kirim"),
    )
    await sekretaris.wait_button("Teruskan ke Kasubbag")
    await emu.settle(quiet=0.3)
    assert bot_process.cycle().step == 2
    assert count(kasat, "telah dikirim kepada") == 1
    assert count(sekretaris, "Lembar Disposisi", document=True) == 1
    assert count(sekretaris, "Disposisi Triwulan III") == 1
    assert sum(1 for m in sekretaris.received() if m.document) == 3

    # Step 2: killed while sending the Sekretaris' own confirmation.
    await sekretaris.tap("Teruskan ke Kasubbag")
    await sekretaris.expect("catatan disposisi untuk Kasubbag")
    sekretaris.say(playbook.DISPOSISI_SEKRETARIS)
    summary = await sekretaris.expect("Mohon periksa kembali")
    await crash_during(
        bot_process,
        emu,
        "sendMessage",
        lambda: emu.press_button(sekretaris.user_id, summary.message_id, text="Kirim"),
    )
    await kasubbag.wait_button("Bagi tugas")
    await emu.settle(quiet=0.3)
    assert bot_process.cycle().step == 3
    assert count(sekretaris, "telah diteruskan") == 1
    assert count(kasubbag, "Disposisi Triwulan III") == 1

    # Step 3: killed before anyone heard of the division.
    await kasubbag.tap("Bagi tugas")
    await kasubbag.expect("catatan pembagian tugas")
    kasubbag.say(playbook.DIVISION_NOTE)
    for index, member in enumerate(people.team):
        await kasubbag.expect(member.name)
        kasubbag.say("\n".join(playbook.TASKS[index]))
    summary = await kasubbag.expect("Mohon periksa kembali")
    await crash_during(
        bot_process,
        emu,
        "sendMessage",
        lambda: emu.press_button(kasubbag.user_id, summary.message_id, text="Kirim"),
    )
    await second.expect("Pembagian Tugas")
    await emu.settle(quiet=0.3)
    assert bot_process.cycle().step == 4
    assert count(kasubbag, "Pembagian tugas telah dikirim") == 1
    assert [count(m, "Pembagian Tugas") for m in people.team] == [1, 1]

    # Step 4: killed while confirming the upload that completes the collection.
    for index, (name, content) in enumerate(SAMPLES.data[0]):
        await playbook.upload(first, name, content, playbook.TASKS[0][index])
    name, content = SAMPLES.data[1][0]
    second.upload(name, content)
    question = await second.expect("Untuk butir data yang mana")
    await crash_during(
        bot_process,
        emu,
        "sendMessage",
        lambda: emu.press_button(second.user_id, question.message_id, text=question.buttons[0]),
    )
    await kasubbag.wait_button("Susun draf laporan")
    await emu.settle(quiet=0.3)
    assert bot_process.cycle().step == 5
    assert count(second, "dicatat untuk butir") == 1
    assert count(kasubbag, "telah terkumpul") == 1

    # Step 5: killed while sending the draft, and again while submitting it.
    await crash_during(
        bot_process,
        emu,
        "sendDocument",
        lambda: emu.press_button(
            kasubbag.user_id,
            kasubbag.with_button("Susun draf laporan").message_id,
            text="Susun draf laporan",
        ),
    )
    await kasubbag.wait_button("Ajukan ke Sekretaris")
    assert count(kasubbag, "Draf laporan data kinerja", document=True) == 1
    await crash_during(
        bot_process,
        emu,
        "sendMessage",
        lambda: emu.press_button(
            kasubbag.user_id,
            kasubbag.with_button("Ajukan ke Sekretaris").message_id,
            text="Ajukan ke Sekretaris",
        ),
    )
    await sekretaris.wait_button("Paraf")
    await emu.settle(quiet=0.3)
    assert bot_process.cycle().step == 6
    assert count(kasubbag, "telah diajukan") == 1
    assert count(sekretaris, "diajukan oleh Kasubbag", document=True) == 1

    # Step 6: killed while confirming the paraf.
    await crash_during(
        bot_process,
        emu,
        "sendMessage",
        lambda: emu.press_button(
            sekretaris.user_id, sekretaris.with_button("Paraf").message_id, text="Paraf"
        ),
    )
    await kasat.wait_button("Tandatangani")
    await emu.settle(quiet=0.3)
    assert bot_process.cycle().step == 7
    assert count(sekretaris, "Paraf Anda") == 1
    assert count(kasat, "diparaf oleh", document=True) == 1

    # Steps 7 and 8 (signing files the report in the same action): killed while sending the
    # signed PDF to the first of five recipients.
    await kasat.tap("Tandatangani")
    await crash_during(
        bot_process,
        emu,
        "sendDocument",
        lambda: emu.press_button(
            kasat.user_id, kasat.with_button("Ya, tandatangani").message_id, text="Ya, tandatangani"
        ),
    )
    for user in people.officials:
        await user.expect("telah ditandatangani", document=True)
    await emu.settle(quiet=0.3)
    cycle = bot_process.cycle()
    assert cycle.filed and cycle.step == 8
    assert [count(u, "telah ditandatangani", document=True) for u in people.officials] == [1] * 5
    assert CycleRepository(Database(bot_process.data_dir)).outbox("satpolpp-bdg", 2026, 3) == []
    assert [h.action for h in cycle.history].count("tandatangan") == 1
    assert all(report.ok for report in verify_all(bot_process.data_dir))
    # Each kill came after a state write and before its audit lines were appended: after the
    # restarts' re-delivery, store and audit still agree (issue 24: state and audit bound).
    verified = subprocess.run(
        [sys.executable, "-m", "bot.cli", "audit", "verify"],
        env={**bot_process.env, "LKJ_DATABASE_URL": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "dan cocok dengan log audit" in verified.stdout

    # Filed and retrievable after all those crashes.
    kasubbag.say("/arsip")
    await kasubbag.tap("Triwulan III Tahun 2026", await kasubbag.expect("Arsip laporan"))
    await kasubbag.expect("Arsip:", document=True)
