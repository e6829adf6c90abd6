"""Issue 24 item 1, at random instants: PostgreSQL restarts and/or the worker is SIGKILLed
while each kind of press is handled (the Kasat's disposition Kirim, the Sekretaris's forward
Kirim, a return's Kirim, Paraf, Ya, tandatangani). Each press either took effect exactly once,
or it is still offered (its button works) and nothing told the user it was done
("sudah diproses"); then it is pressed again and takes effect once."""

from __future__ import annotations

import asyncio
import random
import subprocess
from collections.abc import Callable

from demo import playbook
from demo.playbook import tap_through
from storage.database import Database
from storage.repositories import CycleRepository
from tests.test_crash_recovery import BotProcess
from tests.test_workers import count

RNG = random.Random(2424)
UNIT = "satpolpp-bdg"
STALE = "sudah diproses"


class PgBotProcess(BotProcess):
    """The real bot on PostgreSQL, polling the emulator."""

    def __init__(self, emu, tmp_path, roster_path, url: str, cluster):
        super().__init__(emu, tmp_path, roster_path)
        self.env["LKJ_DATABASE_URL"] = url
        self.env["LKJ_RENDER_WORKERS"] = "1"
        self.url = url
        self.cluster = cluster

    def cycle(self):
        db = Database(self.data_dir, self.url)
        try:
            return CycleRepository(db).get(UNIT, 2026, 3)
        finally:
            db.close()

    async def start(self) -> None:
        for _ in range(40):  # the server may still be coming back
            try:
                await super().start()
                return
            except RuntimeError:
                await asyncio.sleep(0.25)
        raise RuntimeError("the bot did not start on the restarted server")

    async def restart_server(self) -> None:
        """Restart the PostgreSQL server, ending every connection. (Not "immediate": the test
        cluster runs without synchronous commit, so a crash of it loses commits it already
        acknowledged, which a production server does not.)"""
        mode = "fast"
        c = self.cluster
        log = str(c.root / "server.log")  # the server must not hold our pipes open
        cmd = c._cmd(
            str(c.bindir / "pg_ctl"), "-D", str(c.data), "-l", log, "-m", mode, "-w", "restart"
        )
        await asyncio.to_thread(
            subprocess.run,
            cmd,
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    async def recover(self, server_restarted: bool) -> None:
        """What the service manager does: a worker that stopped (killed, or on losing its
        connection) is started again; one that has not yet noticed the restarted server is
        restarted too, so it gets a fresh connection."""
        await self.emu.settle(quiet=1.5, timeout=60)
        if self.proc.returncode is None and server_restarted:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), 60)
            self.emu.release_held()
        if self.proc.returncode is not None:
            await self.start()
        await self.emu.settle(quiet=1.0, timeout=60)


async def _work_done(emu, done: Callable[[], bool], wait: float) -> None:
    """Until the press took effect or ``wait`` seconds passed (a press handled again from the
    inbox after the restart may still be rendering its PDF, silently)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while not done() and loop.time() < deadline:
        await asyncio.sleep(0.25)
    await emu.settle(quiet=0.5, timeout=60)


def _answers_since(emu, user_id: int, first_query: int) -> list[str]:
    return [
        (q.answer or {}).get("text") or ""
        for i, q in enumerate(emu.world.callbacks.values())
        if i >= first_query and q.user_id == user_id
    ]


async def _disrupted(
    bot: PgBotProcess, emu, user, message, label: str, done: Callable[[], bool], max_delay=1.5
) -> str:
    """Press ``label`` on ``message``, disrupt at a random instant, recover; if the press did
    not take effect it must still be offered with no "sudah diproses", and it is pressed
    again. Returns what was done to it."""
    queries = len(emu.world.callbacks)
    messages = len(user.received())
    emu.press_button(user.user_id, message.message_id, text=label)
    await asyncio.sleep(RNG.uniform(0.0, max_delay))
    how = RNG.choice(["server", "worker", "both"])
    if how in ("server", "both"):
        await bot.restart_server()
    if how in ("worker", "both"):
        await bot.kill()
    await bot.recover(server_restarted=how != "worker")
    await _work_done(emu, done, 30)
    if not done():
        told = _answers_since(emu, user.user_id, queries) + [
            m.text for m in user.received()[messages:]
        ]
        assert not any(STALE in t for t in told), (how, told, _step(bot))
        assert label in emu.message(user.user_id, message.message_id).buttons, how
        again = await tap_through(user, label, message)
        await _work_done(emu, done, 90)
        how += f" (pressed again: {again})"
    assert done(), how + "\n" + emu.dump(user.user_id)[-3000:]
    return how


def _step(bot: PgBotProcess) -> int:
    cycle = bot.cycle()
    return -1 if cycle is None else (99 if cycle.filed else cycle.step)


async def test_each_kind_of_press_survives_server_restarts_and_kills(
    emu, tmp_path, roster_path, pg_url, pg_cluster, people
):
    bot = PgBotProcess(emu, tmp_path, roster_path, pg_url, pg_cluster)
    await bot.start()
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    done_how = []
    try:
        # The Kasat's disposition (form "start": renders the Lembar Disposisi, then commits).
        kasat.say("/mulai")
        await kasat.tap("TW III 2026", await kasat.expect("Pilih triwulan"))
        kasat.upload("Perjanjian_Kinerja_2026.pdf", playbook.SAMPLES.perjanjian_kinerja)
        await kasat.expect("Rencana Aksi")
        kasat.upload("Rencana_Aksi_2026.pdf", playbook.SAMPLES.rencana_aksi)
        await kasat.expect("catatan disposisi")
        kasat.say(playbook.DISPOSISI_KASAT)
        summary = await kasat.expect("Mohon periksa kembali")
        done_how.append(
            await _disrupted(bot, emu, kasat, summary, "Kirim", lambda: _step(bot) >= 2)
        )
        await sekretaris.wait_button("Teruskan ke Kasubbag")

        # The Sekretaris's forward (form "forward").
        await sekretaris.tap("Teruskan ke Kasubbag")
        await sekretaris.expect("catatan disposisi untuk Kasubbag")
        sekretaris.say(playbook.DISPOSISI_SEKRETARIS)
        summary = await sekretaris.expect("Mohon periksa kembali")
        done_how.append(
            await _disrupted(bot, emu, sekretaris, summary, "Kirim", lambda: _step(bot) >= 3)
        )
        await kasubbag.wait_button("Bagi tugas")
        await playbook.divide(people)
        await playbook.upload_all(people)
        await playbook.build_and_submit(people)

        # Kembalikan: the return form's Kirim.
        await sekretaris.expect("diajukan oleh", document=True)
        await sekretaris.tap("Kembalikan")
        await sekretaris.expect("alasan pengembalian")
        sekretaris.say(playbook.RETURN_REASON)
        summary = await sekretaris.expect("Mohon periksa kembali")
        done_how.append(
            await _disrupted(bot, emu, sekretaris, summary, "Kirim", lambda: _step(bot) == 5)
        )
        await playbook.build_and_submit(people, "Susun ulang draf laporan")

        # Paraf.
        draft = await sekretaris.expect("diajukan oleh", document=True)
        done_how.append(
            await _disrupted(bot, emu, sekretaris, draft, "Paraf", lambda: _step(bot) == 7)
        )

        # Tandatangani (the confirming tap files the quarter).
        initialled = await kasat.expect("diparaf oleh", document=True)
        await kasat.tap("Tandatangani", initialled)
        done_how.append(
            await _disrupted(
                bot, emu, kasat, initialled, "Ya, tandatangani", lambda: _step(bot) == 99
            )
        )
        await emu.settle(quiet=1.0, timeout=60)
        print("disruptions:", done_how)

        cycle = bot.cycle()
        assert cycle.filed
        actions = [h.action for h in cycle.history]
        assert actions.count("mulai_siklus") == 1
        assert actions.count("teruskan_disposisi") == 1
        assert actions.count("ajukan_laporan") == 2  # before and after the return
        assert actions.count("kembalikan") == 1
        assert actions.count("paraf") == 1
        assert actions.count("tandatangan") == 1
        # Delivered at least once each (a kill between Telegram's answer and the delivery
        # log may repeat one message, never lose one).
        assert 1 <= count(kasat, "telah dikirim kepada") <= 2
        assert 1 <= count(sekretaris, "telah diteruskan") <= 2
        assert 1 <= count(kasat, "diparaf oleh", document=True) <= 2
        for user in people.officials:
            assert 1 <= count(user, "telah ditandatangani", document=True) <= 2
    finally:
        await bot.stop()
