"""A send that Telegram carries out but answers late is not sent again.

The emulator's ``delay_next`` makes a call take effect at once and answer only after so many
seconds; a client that gives up sooner sees a timeout for a message that arrived, and a retry
repeats it. The bot waits long enough for an owed send (``DOCUMENT_TIMEOUT``), and a send that
times out anyway is kept as uncertain and not repeated before ``UNCERTAIN_WINDOW``.
"""

from __future__ import annotations

import asyncio

import pytest

from demo import playbook
from handlers import outbox
from storage.database import Database
from storage.repositories import CycleRepository

HELD = 40  # seconds Telegram takes to answer the signed PDF's sendDocument


@pytest.fixture
def settings(settings):
    # The tick that retries owed messages runs often: a retry would show within the test.
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.2})


def documents_since(emu, people, before: dict[int, int]) -> dict[tuple[int, str], int]:
    counts: dict[tuple[int, str], int] = {}
    for user in people.officials:
        for message in emu.sent_to(user.user_id)[before[user.user_id] :]:
            if message.document is not None:
                key = (user.user_id, message.document.filename)
                counts[key] = counts.get(key, 0) + 1
    return counts


async def test_the_signed_pdf_answered_40_s_late_arrives_exactly_once(bot, emu, people):
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    before = {u.user_id: len(emu.sent_to(u.user_id)) for u in people.officials}
    emu.delay_next("sendDocument", HELD)
    await playbook.sign(people)
    for member in people.team:
        await member.expect("ditandatangani", document=True, timeout=HELD + 60)
    await emu.settle(quiet=1.0, timeout=HELD + 60)
    received = documents_since(emu, people, before)
    assert received, "the signed PDF reached nobody"
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates == 0, received  # docs/operator.md, What Telegram refuses: "0 duplicates"
    assert not [e for e in emu.errors if e[0] == "sendDocument"]


async def test_a_send_that_timed_out_is_not_repeated_before_the_window(
    bot, emu, people, clock, settings, monkeypatch
):
    # Telegram answers later than the bot waits: the message arrived, the bot saw a timeout.
    monkeypatch.setattr(outbox, "TEXT_TIMEOUT", 1.0)
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    k.upload("pk.pdf", playbook.SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("ra.pdf", playbook.SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say(playbook.DISPOSISI_KASAT)
    summary = await k.expect("Mohon periksa kembali")
    # The Kasat's next two messages: the "please wait" note (a direct reply, waited for) and
    # the confirmation (owed: the bot gives up after TEXT_TIMEOUT).
    emu.delay_next("sendMessage", 3, count=2, chat_id=k.user_id)
    await playbook.tap_through(k, "Kirim", summary)
    await k.expect("Disposisi Triwulan III")
    await emu.settle(quiet=2.0)  # ten ticks of the retrying job, at least

    def confirmations() -> int:
        return len([m for m in k.received() if "Disposisi Triwulan III" in m.text])

    assert confirmations() == 1  # it arrived; the bot, unsure, did not send it again
    owed = CycleRepository(Database(settings.lkj_data_dir)).outbox("satpolpp-bdg", 2026, 3)
    assert [e.get("uncertain") for e in owed if e["chat_id"] == k.user_id][0]
    await people.sekretaris.wait_button("Teruskan ke Kasubbag")  # other chats go on
    # After the window it is sent once more: the one repeat a window allows, never a loss.
    clock.advance(seconds=outbox.UNCERTAIN_WINDOW.total_seconds() + 1)
    for _ in range(200):  # the next tick resends it
        if confirmations() == 2:
            break
        await asyncio.sleep(0.05)
    await emu.settle(quiet=1.0)
    assert confirmations() == 2
