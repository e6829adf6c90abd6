"""The operator's alert chat (LKJ_ALERT_CHAT_ID): an unexpected error reaches it, short, with
the update id, at most once a minute; the user is answered as before."""

from __future__ import annotations

import pytest

from emulator.users import SimUser

OPERATOR_CHAT = 7777


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_alert_chat_id": OPERATOR_CHAT})


async def test_an_unexpected_error_is_posted_to_the_alert_chat_once_a_minute(bot, emu, people):
    operator = SimUser(emu, OPERATOR_CHAT, "Operator")
    kasat = people.kasat
    # A reply Telegram refuses for no reason the bot knows: an unexpected error.
    emu.fail_next("sendMessage", 400, "Bad Request: can't parse entities", count=1)
    sent = kasat.say("/bantuan")
    await kasat.expect("terjadi kesalahan pada sistem")
    alert = await operator.expect("Kesalahan tak terduga")
    assert "BadRequest" in alert.text and "parse entities" in alert.text
    update_id = max(
        u["update_id"]
        for u in emu.world.history
        if "message" in u and u["message"]["message_id"] == sent["message_id"]
    )
    assert f"pembaruan {update_id}" in alert.text
    # A second error within the minute is counted, not posted.
    emu.fail_next("sendMessage", 400, "Bad Request: can't parse entities", count=1)
    kasat.say("/bantuan")
    await kasat.expect("terjadi kesalahan pada sistem")
    await emu.settle(quiet=0.3)
    assert [m.text for m in operator.received()] == [alert.text]
