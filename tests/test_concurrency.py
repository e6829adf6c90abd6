"""Concurrent use: other chats go on while one waits, a chat's updates keep their order, and
presses of several officials on one cycle at the same moment are applied one after the other,
with one transition, nothing lost and an intact audit chain."""

from __future__ import annotations

import asyncio

from demo import playbook
from demo.playbook import SAMPLES
from handlers import texts
from storage.audit import AuditLog, verify_all
from storage.database import Database
from storage.repositories import CycleRepository


def cycle_of(settings):
    return CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)


async def answers(emu, queries: list[str]) -> list[dict]:
    return list(await asyncio.gather(*(emu.wait_callback_answer(q, 20) for q in queries)))


async def test_simultaneous_presses_on_one_cycle_lose_nothing(bot, emu, people, settings):
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    first, second = people.team
    (name_a, data_a), (name_b, data_b) = SAMPLES.data[0]
    name_c, data_c = SAMPLES.data[1][0]
    await playbook.upload(first, name_a, data_a, playbook.TASKS[0][0])

    # The last two items of the collection, from two members, both waiting on a button.
    first.upload(name_b, data_b)
    q_first = await first.expect("Untuk butir data yang mana")
    second.upload(name_c, data_c)
    q_second = await second.expect("Untuk butir data yang mana")
    label_first = next(b for b in q_first.buttons if playbook.TASKS[0][1] in b)
    label_second = next(b for b in q_second.buttons if playbook.TASKS[1][0] in b)

    # Both press at the same moment, the second member twice; meanwhile the Kasat and the
    # Kasubbag ask for /status and the Sekretaris presses a button of a finished step.
    presses = [
        emu.press_button(first.user_id, q_first.message_id, text=label_first),
        emu.press_button(second.user_id, q_second.message_id, text=label_second),
        emu.press_button(second.user_id, q_second.message_id, text=label_second),
    ]
    people.kasat.say("/status")
    people.kasubbag.say("/status")
    got = await answers(emu, presses)
    await emu.settle(quiet=0.5)

    # Every press got an answer; exactly one of the repeated presses was acted on.
    assert all(a is not None for a in got)
    cycle = cycle_of(settings)
    assert cycle.step == 5  # one transition to "penyusunan laporan"
    items = [item for a in cycle.assignments for item in a.items]
    assert len(items) == 3 and all(item.complete for item in items)
    uploads = [h for h in cycle.history if h.action == "unggah_data"]
    assert len(uploads) == 3
    assert sum(1 for h in cycle.history if h.to_step == 5) == 1
    assert sum(1 for m in people.kasubbag.received() if "telah terkumpul" in m.text) == 1
    assert sum(1 for m in second.received() if "dicatat untuk butir" in m.text) == 1
    for official in (people.kasat, people.kasubbag):
        assert "Triwulan III" in (await official.expect("Triwulan III")).text

    # The audit log holds each accepted action once, in the cycle's order, and its hash
    # chain is intact.
    log = AuditLog.for_unit_year(settings.lkj_data_dir, "satpolpp-bdg", 2026)
    accepted = [(e["action"], e["actor"]) for e in log.entries() if e["outcome"] == "accepted"]
    assert accepted == [(h.action, h.actor) for h in cycle.history]
    reports = verify_all(settings.lkj_data_dir)
    assert reports and all(report.status == "ok" for report in reports)


async def test_one_chat_waiting_does_not_hold_up_another(bot, emu, people, settings):
    """The Kasubbag's draft is stuck on a Bot API call; a member's /status is still answered."""
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    emu.hold_next("sendChatAction")
    query = emu.press_button(
        people.kasubbag.user_id,
        people.kasubbag.with_button("Susun draf laporan").message_id,
        text="Susun draf laporan",
    )
    await emu.wait_held()
    # The press was answered before its slow work began, and other chats go on.
    assert (await emu.wait_callback_answer(query, 30))["text"] == texts.PRESS_RENDERING
    member = people.team[0]
    member.say("/status")
    assert "Triwulan III" in (await member.expect("Triwulan III", timeout=30)).text
    emu.release_held()
    draft = await people.kasubbag.expect("Draf laporan data kinerja", document=True)
    assert draft.document.content.startswith(b"%PDF")


async def test_a_chats_updates_are_handled_in_the_order_sent(bot, emu, people, settings):
    """Two documents and a note sent in a burst fill the form's fields in the order sent,
    although each document takes a download before it is checked."""
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    await k.expect("Perjanjian Kinerja")
    # No waiting in between: three updates of one chat in flight at once.
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    k.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    k.say(playbook.DISPOSISI_KASAT)
    summary = await k.expect("Mohon periksa kembali")
    assert "Perjanjian_Kinerja_2026.pdf" in summary.text
    assert "Rencana_Aksi_2026.pdf" in summary.text
    assert playbook.DISPOSISI_KASAT in summary.text
    assert not [m for m in k.received() if "bukan teks" in m.text]  # no field out of turn
    assert await playbook.tap_through(k, "Kirim", summary) == texts.FORM_SENT
    cycle = cycle_of(settings)
    assert [d.name for d in cycle.documents] == [
        "Perjanjian_Kinerja_2026.pdf",
        "Rencana_Aksi_2026.pdf",
    ]
    assert cycle.dispositions[0].note == playbook.DISPOSISI_KASAT
