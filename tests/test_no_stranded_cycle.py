"""No quarter is ever stranded: at every step that opens a form, every way of leaving the form
(/batal, the Batal button, a restart in the middle of it, the button's message lost) leaves
the holder with the step's action, and the quarter is finished after each."""

from __future__ import annotations

import pytest

from demo import playbook
from demo.playbook import SAMPLES
from documents.sample_workbooks import sample_targets_workbook
from domain.models import FILED
from domain.samples import sample_indicators, sample_realisations
from emulator.users import SimUser
from storage.database import Database
from storage.repositories import CycleRepository

WAYS = ["batal_command", "batal_button", "restart", "message_lost"]


async def leave(way: str, user: SimUser, runner, fill) -> object:
    """Leave the open form ``way``; returns the message that offers the step again."""
    if way == "batal_command":
        user.say("/batal")
        await user.expect("Isian dibatalkan")
    elif way == "batal_button":
        await fill()  # the Batal of the confirmation message
        await user.tap("Batal", await user.expect("Mohon periksa kembali"))
        await user.expect("Isian dibatalkan")
    elif way == "restart":
        await runner.stop()
        await runner.start()
        user.say("/start")
        await user.expect("Anda sedang mengisi")
    else:  # the message with the button is gone: /status offers the step again
        user.say("/status")
    return await user.expect("tugas Anda pada tahap")


@pytest.mark.parametrize("way", WAYS)
async def test_every_form_left_every_way_and_the_quarter_still_finishes(
    runner, emu, people, settings, clock, way
):
    await runner.start()
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag

    # Step 1: the /mulai form left, then started again.
    kasat.say("/mulai")
    await kasat.expect("Pilih triwulan")
    kasat.say("/batal")
    await kasat.expect("Isian dibatalkan")
    assert "/status" in (await kasat.expect("Ketik /status")).text
    await playbook.start_cycle(people, 3, 2026)

    # Step 2: the forward form.
    await sekretaris.tap("Teruskan ke Kasubbag")
    await sekretaris.expect("catatan disposisi untuk Kasubbag")

    async def note():
        sekretaris.say("Catatan yang tidak jadi dikirim.")

    offered = await leave(way, sekretaris, runner, note)
    assert offered.buttons == ["Teruskan ke Kasubbag"]
    await sekretaris.tap("Teruskan ke Kasubbag", offered)
    await sekretaris.expect("catatan disposisi untuk Kasubbag")
    sekretaris.say(playbook.DISPOSISI_SEKRETARIS)
    await sekretaris.tap("Kirim", await sekretaris.expect("Mohon periksa kembali"))
    await sekretaris.expect("telah diteruskan")

    # Step 3: the division form, left halfway through.
    await kasubbag.tap("Bagi tugas")
    await kasubbag.expect("catatan pembagian tugas")

    async def division():
        kasubbag.say(playbook.DIVISION_NOTE)
        for index, member in enumerate(people.team):
            await kasubbag.expect(member.name)
            kasubbag.say("\n".join(playbook.TASKS[index]) if index < 2 else "-")

    offered = await leave(way, kasubbag, runner, division)
    assert offered.buttons == ["Bagi tugas"]
    await kasubbag.tap("Bagi tugas", offered)
    await kasubbag.expect("catatan pembagian tugas")
    await division()
    await kasubbag.tap("Kirim", await kasubbag.expect("Mohon periksa kembali"))
    await kasubbag.expect("Pembagian tugas telah dikirim")

    # Step 4 (files, no form), then step 5.
    await playbook.upload_all(people)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)

    # Steps 6 and 7: the return form left at each; the step comes back with its report.
    for holder, status_word in ((sekretaris, "diajukan oleh"), (kasat, "diparaf oleh")):
        decision = await holder.expect(status_word, document=True)
        await holder.tap("Kembalikan", decision)
        await holder.expect("alasan pengembalian")

        async def reason(holder=holder):
            holder.say("Alasan yang tidak jadi dikirim.")

        offered = await leave(way, holder, runner, reason)
        assert offered.document is not None  # the report itself, with the step's buttons
        assert "Kembalikan" in offered.buttons
        if holder is sekretaris:
            await holder.tap("Paraf", offered)
        else:
            await holder.tap("Tandatangani", offered)
            await playbook.tap_through(holder, "Ya, tandatangani", offered)

    await kasubbag.expect("telah ditandatangani", document=True)
    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    assert cycle.status == FILED
    assert [d.kind for d in cycle.decisions] == ["paraf", "sign"]
    assert [h.action for h in cycle.history].count("teruskan_disposisi") == 1


@pytest.mark.parametrize("way", WAYS)
async def test_the_indicator_forms_left_every_way(runner, emu, people, settings, clock, way):
    """The member's Isi form (collection) and the reviewer's Perlu Perbaikan form (making the
    report), each left every way, then finished from the step offered again."""
    await runner.start()
    kasubbag = people.kasubbag
    member = people.team[0]
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    codes = [i.code for i in sample_indicators()]
    plan = playbook.split_indicators(codes, 2)
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)
    values = {r.code: r for r in sample_realisations(3)}

    # The first indicator's Isi form is left, then filled from the offered buttons.
    code = plan[0][0]
    await member.tap(f"Isi {code}")
    await member.expect("Ketikkan nilai realisasinya")

    async def value():
        member.say("12")
        await member.expect("kendala")
        member.say("Tidak ada")
        await member.expect("tindak lanjut")
        member.say("Tidak ada")

    offered = await leave(way, member, runner, value)
    assert offered.buttons == [f"Isi {c}" for c in plan[0]]
    for index, (who, mine) in enumerate(zip(people.team, plan, strict=True)):
        for c in mine:
            r = values[c]
            text = f"{r.value:.2f}".replace(".", ",")
            await playbook.report_typed(who, c, text, r.kendala, r.tindak_lanjut)
            await playbook.evidence(who, c, f"bukti_{c}_{index}.pdf", SAMPLES.rencana_aksi)
    complete = await kasubbag.expect("telah terkumpul")

    # The reviewer's Perlu Perbaikan form is left; the step's buttons come back.
    await kasubbag.tap("Tandai perlu perbaikan", complete)
    choose = await kasubbag.expect("Pilih indikator")

    async def pick():
        await kasubbag.tap(code, choose)
        await kasubbag.expect("Tuliskan apa yang perlu diperbaiki")
        kasubbag.say("Tidak jadi.")

    offered = await leave(way, kasubbag, runner, pick)
    assert "Susun draf laporan" in offered.buttons
    assert "Tandai perlu perbaikan" in offered.buttons
    await kasubbag.tap("Susun draf laporan", offered)
    draft = await kasubbag.expect("Draf laporan data kinerja", document=True)
    await kasubbag.tap("Ajukan ke Sekretaris", draft)
    await playbook.paraf(people)
    await playbook.sign(people)
    await member.expect("telah ditandatangani", document=True)
    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    assert cycle.status == FILED and cycle.fixes == ()
