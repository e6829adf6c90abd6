"""Telegram's gateway answering 5xx (an HTML page) to a direct reply: the reply is tried again,
and a person whose action took effect is never told to repeat it."""

from __future__ import annotations

from demo import playbook
from handlers import texts


async def _press_quarter(k):
    k.say("/mulai")
    return await k.expect("Pilih triwulan")


def _nobody_told_to_repeat(people) -> None:
    for user in people.officials:
        assert not [m for m in user.received() if "Silakan ulangi" in m.text], user.name


async def test_a_502_on_the_reply_to_a_press_is_retried(bot, emu, people):
    k = people.kasat
    choice = await _press_quarter(k)
    emu.fail_next("sendMessage", 502, count=2)
    answer = await k.tap("TW III 2026", choice)
    assert "ulangi" not in (answer["text"] or "")
    await k.expect("(2/4) Kirimkan berkas Perjanjian Kinerja")
    assert [e[2] for e in emu.errors if e[0] == "sendMessage"] == [502, 502]
    _nobody_told_to_repeat(people)


async def test_a_press_that_took_effect_is_not_called_failed_when_every_reply_fails(
    bot, emu, people
):
    k = people.kasat
    choice = await _press_quarter(k)
    emu.fail_next("sendMessage", 502, count=6)  # more than the retries of one reply
    await k.tap("TW III 2026", choice)
    told = await k.expect(texts.ACTION_RECORDED[:40])
    assert "Tidak perlu mengulanginya" in told.text
    # ... and the next step is offered again: the form's current question.
    await k.expect("(2/4) Kirimkan berkas Perjanjian Kinerja")
    await emu.settle(quiet=0.5)
    _nobody_told_to_repeat(people)
    # The press did take effect: the form goes on from there.
    k.upload("pk.pdf", playbook.SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
