"""Issue 15 items 1 and 7: SIGKILL at random instants of every form's Kirim, and right after
a press was fetched (Telegram already told it arrived): nothing is lost, no one is stuck."""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from demo import playbook
from demo.playbook import SAMPLES
from storage.audit import check_anchors, verify_all
from storage.database import Database
from storage.repositories import SessionRepository
from tests.test_crash_recovery import BotProcess, count

RNG = random.Random(1515)


@pytest.fixture
async def bot_process(emu, tmp_path, roster_path):
    process = BotProcess(emu, tmp_path, roster_path)
    await process.start()
    yield process
    await process.stop()


def _session(bot_process, user) -> dict | None:
    return SessionRepository(Database(bot_process.data_dir)).get(user.user_id)


async def _kirim_then_kill(bot_process, emu, user, summary, delay: float) -> None:
    """Press Kirim, SIGKILL the bot ``delay`` seconds later, restart it."""
    emu.press_button(user.user_id, summary.message_id, text="Kirim")
    await asyncio.sleep(delay)
    await bot_process.kill()
    await bot_process.start()
    await emu.settle(quiet=0.4)


async def _able_to_go_on(bot_process, user) -> None:
    """The person is done with the form: a message gets the ordinary answer, not the form's."""
    assert _session(bot_process, user) is None
    user.say("halo")
    reply = await user.expect()
    assert "/batal" not in reply.text and "Kirim" not in reply.buttons


async def test_kill_at_random_instants_of_each_forms_kirim(bot_process, emu, people):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    delays = []

    # Step 1, form "start" (renders the Lembar Disposisi before its commit).
    kasat.say("/mulai")
    await kasat.tap("TW III 2026", await kasat.expect("Pilih triwulan"))
    kasat.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await kasat.expect("Rencana Aksi")
    kasat.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await kasat.expect("catatan disposisi")
    kasat.say(playbook.DISPOSISI_KASAT)
    delays.append(RNG.uniform(0.0, 1.2))
    summary = await kasat.expect("Mohon periksa kembali")
    await _kirim_then_kill(bot_process, emu, kasat, summary, delays[-1])
    await sekretaris.wait_button("Teruskan ke Kasubbag")
    assert bot_process.cycle().step == 2
    assert 1 <= count(kasat, "telah dikirim kepada") <= 2  # at most the one-message window
    assert 1 <= count(sekretaris, "Lembar Disposisi", document=True) <= 2
    await _able_to_go_on(bot_process, kasat)

    # Step 2, form "forward".
    await sekretaris.tap("Teruskan ke Kasubbag")
    await sekretaris.expect("catatan disposisi untuk Kasubbag")
    sekretaris.say(playbook.DISPOSISI_SEKRETARIS)
    summary = await sekretaris.expect("Mohon periksa kembali")
    delays.append(RNG.uniform(0.0, 1.2))
    await _kirim_then_kill(bot_process, emu, sekretaris, summary, delays[-1])
    await kasubbag.wait_button("Bagi tugas")
    assert bot_process.cycle().step == 3
    assert 1 <= count(sekretaris, "telah diteruskan") <= 2
    await _able_to_go_on(bot_process, sekretaris)

    # Step 3, form "divide" (no PDF: the kill mostly lands while it delivers).
    await kasubbag.tap("Bagi tugas")
    await kasubbag.expect("catatan pembagian tugas")
    kasubbag.say(playbook.DIVISION_NOTE)
    for index, member in enumerate(people.team):
        await kasubbag.expect(member.name)
        kasubbag.say("\n".join(playbook.TASKS[index]))
    summary = await kasubbag.expect("Mohon periksa kembali")
    delays.append(RNG.uniform(0.0, 0.3))
    await _kirim_then_kill(bot_process, emu, kasubbag, summary, delays[-1])
    await people.team[1].expect("Pembagian Tugas")
    assert bot_process.cycle().step == 4
    assert [1 <= count(m, "Pembagian Tugas") <= 2 for m in people.team] == [True, True]
    await _able_to_go_on(bot_process, kasubbag)

    # Steps 4-6, then form "return" (the Sekretaris sends the draft back with a reason).
    await playbook.upload_all(people)
    await playbook.build_and_submit(people)
    await sekretaris.expect("diajukan oleh Kasubbag", document=True)
    await sekretaris.tap("Kembalikan")
    await sekretaris.expect("alasan pengembalian")
    sekretaris.say(playbook.RETURN_REASON)
    summary = await sekretaris.expect("Mohon periksa kembali")
    delays.append(RNG.uniform(0.0, 0.6))
    await _kirim_then_kill(bot_process, emu, sekretaris, summary, delays[-1])
    await kasubbag.wait_button("Susun ulang draf laporan")
    cycle = bot_process.cycle()
    assert cycle.step == 5
    assert [h.action for h in cycle.history].count("kembalikan") == 1
    await _able_to_go_on(bot_process, sekretaris)

    assert all(r.ok for r in verify_all(bot_process.data_dir))
    assert all(r.ok for r in check_anchors(bot_process.data_dir))
    print("kill delays after Kirim (s):", [round(d, 3) for d in delays])


async def test_a_press_fetched_and_acknowledged_before_a_kill_is_handled_after_restart(
    bot_process, emu, people
):
    """Telegram was told the press arrived (the next getUpdates moved the offset past it) and
    the bot was killed before acting on it: the press is handled from the inbox."""
    kasat, sekretaris = people.kasat, people.sekretaris
    await playbook.start_cycle(people, 3, 2026)
    await sekretaris.tap("Teruskan ke Kasubbag")
    await sekretaris.expect("catatan disposisi untuk Kasubbag")
    sekretaris.say(playbook.DISPOSISI_SEKRETARIS)
    summary = await sekretaris.expect("Mohon periksa kembali")
    inbox = bot_process.data_dir / "state" / "inbox.jsonl"

    emu.press_button(sekretaris.user_id, summary.message_id, text="Kirim")
    press_id = emu.world.updates[-1]["update_id"]

    def received() -> bool:
        lines = inbox.read_bytes().split(b"\n")[:-1]
        return any(json.loads(line).get("r") == press_id for line in lines)

    for _ in range(5000):  # until it is in the inbox and Telegram dropped it (acknowledged)
        acked = all(u["update_id"] != press_id for u in emu.world.updates)
        if acked and received():
            break
        await asyncio.sleep(0.002)
    else:
        raise AssertionError("the press was never fetched")
    await bot_process.kill()
    step_at_kill = bot_process.cycle().step
    assert all(u["update_id"] != press_id for u in emu.world.updates)  # Telegram won't resend

    await bot_process.start()
    await people.kasubbag.wait_button("Bagi tugas")
    await emu.settle(quiet=0.4)
    assert step_at_kill == 2  # killed before the press took effect: handled after the restart
    assert bot_process.cycle().step == 3
    assert count(sekretaris, "telah diteruskan") == 1
    assert count(people.kasubbag, "Disposisi Triwulan III") == 1
    assert _session(bot_process, sekretaris) is None
    assert kasat  # (the Kasat's part was played by start_cycle)


async def test_kill_at_random_instants_of_the_performance_forms_kirim(bot_process, emu, people):
    """The same for the forms of the performance data: the targets upload (saved outside a
    cycle), a member's Isi, the Perlu Perbaikan of the maker of the report, and the return's
    marked indicators sent back in one form."""
    from documents.sample_workbooks import sample_targets_workbook
    from domain.samples import sample_indicators, sample_realisations
    from storage.repositories import TargetRepository

    kasubbag, sekretaris = people.kasubbag, people.sekretaris
    first, second = people.team

    # The targets form: killed after Kirim, the person is in the form with a working Kirim,
    # or done; either way the targets end up stored once.
    kasubbag.say("/target")
    await kasubbag.tap("Unggah target 2026", await kasubbag.expect("Target kinerja tahun"))
    await kasubbag.expect("Kirimkan berkas target kinerja")
    kasubbag.upload("Target_2026.xlsx", sample_targets_workbook())
    summary = await kasubbag.expect("Mohon periksa kembali")
    await _kirim_then_kill(bot_process, emu, kasubbag, summary, RNG.uniform(0.0, 0.4))
    if _session(bot_process, kasubbag) is not None:
        await kasubbag.tap("Kirim", summary)
        await kasubbag.expect("Target kinerja tahun 2026 disimpan")
    targets = TargetRepository(Database(bot_process.data_dir)).get("satpolpp-bdg", 2026)
    assert targets is not None and len(targets.indicators) == len(sample_indicators())
    await _able_to_go_on(bot_process, kasubbag)

    codes = [i.code for i in sample_indicators()]
    plan = playbook.split_indicators(codes, 2)
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)
    values = {r.code: r for r in sample_realisations(3)}

    # A member's Isi form.
    code = plan[0][0]
    await first.tap(f"Isi {code}")
    await first.expect("Ketikkan nilai realisasinya")
    first.say("12,5")
    await first.expect("kendala")
    first.say("Tidak ada")
    await first.expect("tindak lanjut")
    first.say("Tidak ada")
    summary = await first.expect("Mohon periksa kembali")
    await _kirim_then_kill(bot_process, emu, first, summary, RNG.uniform(0.0, 0.3))
    await first.expect(f"Realisasi {code} dicatat")
    item = bot_process.cycle().assignment_of(first.user_id).items[0]
    assert item.realisation is not None and item.realisation.value == 12.5
    await _able_to_go_on(bot_process, first)

    for member, mine in zip(people.team, plan, strict=True):
        for c in mine:
            r = values[c]
            text = f"{r.value:.2f}".replace(".", ",")
            await playbook.report_typed(member, c, text, r.kendala, r.tindak_lanjut)
            await playbook.evidence(member, c, f"bukti_{c}.pdf", SAMPLES.rencana_aksi)
    complete = await kasubbag.expect("telah terkumpul")

    # The maker's Perlu Perbaikan form.
    await kasubbag.tap("Tandai perlu perbaikan", complete)
    await kasubbag.tap(plan[1][0], await kasubbag.expect("Pilih indikator"))
    await kasubbag.expect("Tuliskan apa yang perlu diperbaiki")
    kasubbag.say("Mohon dicek ulang.")
    summary = await kasubbag.expect("Mohon periksa kembali")
    await _kirim_then_kill(bot_process, emu, kasubbag, summary, RNG.uniform(0.0, 0.3))
    await second.expect("Perlu Perbaikan —")
    cycle = bot_process.cycle()
    assert cycle.step == 4 and len(cycle.fixes) == 1
    await _able_to_go_on(bot_process, kasubbag)
    r = values[plan[1][0]]
    await playbook.report_typed(second, plan[1][0], "58", r.kendala, r.tindak_lanjut)
    await kasubbag.expect("telah terkumpul")

    # A return with a marked indicator, then the one form that sends it back.
    await playbook.build_and_submit(people)
    draft = await sekretaris.expect("diajukan oleh", document=True)
    await sekretaris.tap("Kembalikan", draft)
    await sekretaris.expect("alasan pengembalian")
    sekretaris.say(f"{plan[0][1]}: angka tidak sesuai rekap")
    await sekretaris.tap("Kirim", await sekretaris.expect("Mohon periksa kembali"))
    returned = await kasubbag.expect("dikembalikan untuk perbaikan")
    await kasubbag.tap("Kirim ke pelaksana (1 indikator)", returned)
    summary = await kasubbag.expect("Mohon periksa kembali")
    await _kirim_then_kill(bot_process, emu, kasubbag, summary, RNG.uniform(0.0, 0.3))
    await first.expect("Perlu Perbaikan —")
    cycle = bot_process.cycle()
    assert cycle.step == 4 and [f.code for f in cycle.fixes] == [plan[1][0], plan[0][1]]
    await _able_to_go_on(bot_process, kasubbag)

    assert all(r.ok for r in verify_all(bot_process.data_dir))
    assert all(r.ok for r in check_anchors(bot_process.data_dir))
