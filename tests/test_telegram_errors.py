"""Telegram errors: flood limits, network failures and blocked users lose nothing owed."""

from __future__ import annotations

import re

import pytest

from demo import playbook
from handlers.common import split_text
from storage.database import Database
from storage.repositories import CycleRepository


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.2})


def owed(settings) -> list:
    return CycleRepository(Database(settings.lkj_data_dir)).outbox("satpolpp-bdg", 2026, 3)


async def test_flood_limit_is_waited_out(bot, emu, people):
    emu.fail_next("sendDocument", 429, retry_after=1)
    await playbook.start_cycle(people, 3, 2026)
    assert await people.sekretaris.wait_button("Teruskan ke Kasubbag")
    assert any(e[2] == 429 for e in emu.errors)


async def test_network_failure_is_retried_by_the_tick(bot, emu, people, settings):
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    k.upload("pk.pdf", playbook.SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("ra.pdf", playbook.SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say("Catatan")
    summary = await k.expect("Mohon periksa kembali")
    emu.fail_next("sendMessage", 502, count=1)  # the Kasat's confirmation fails once
    await k.tap("Kirim", summary)
    confirm = await k.expect("telah dikirim kepada")
    assert confirm is not None
    assert [c for c in emu.errors if c[2] == 502]
    await people.sekretaris.wait_button("Teruskan ke Kasubbag")
    await emu.settle(quiet=0.5)
    assert owed(settings) == []
    assert len([m for m in k.received() if "telah dikirim kepada" in m.text]) == 1


async def test_blocked_user_is_reported_upwards_and_served_after_unblocking(
    bot, emu, people, settings
):
    emu.block(people.sekretaris.user_id)
    await playbook.start_cycle(people, 3, 2026)
    notice = "karena yang bersangkutan memblokir bot"
    told = await people.kasat.expect(notice)
    assert people.sekretaris.name in told.text
    await emu.settle(quiet=0.6)
    assert owed(settings)  # kept, not dropped
    assert len([m for m in people.kasat.received() if notice in m.text]) == 1
    # The confirmation did not claim the disposition reached the Sekretaris.
    confirm = next(m for m in people.kasat.received() if "Disposisi Triwulan III" in m.text)
    assert "telah dikirim kepada" not in confirm.text and "memblokir bot" in confirm.text
    emu.unblock(people.sekretaris.user_id)
    await people.sekretaris.wait_button("Teruskan ke Kasubbag")
    await emu.settle(quiet=0.5)
    assert owed(settings) == []


async def test_callback_data_is_signed_for_its_recipient_or_an_opaque_token(bot, emu, people):
    await playbook.start_cycle(people, 3, 2026)
    sent = [
        (params["chat_id"], button["callback_data"])
        for method, params in emu.calls
        if params.get("reply_markup")
        for row in params["reply_markup"].get("inline_keyboard", [])
        for button in row
    ]
    assert sent
    codec = bot.bot_data["services"].callbacks.codec
    for chat_id, data in sent:
        assert len(data.encode()) <= 64
        if data.startswith("b:"):
            assert re.fullmatch(r"b:[A-Za-z0-9_-]{16}", data), data
            continue
        assert re.fullmatch(r"s[A-Za-z0-9_-]+", data), data
        payload, _ = codec.decode(data)
        assert payload["user"] == int(chat_id)  # bound to the one person it was sent to


@pytest.mark.parametrize(
    ("text", "limit", "parts"),
    [
        ("a" * 4096, 4096, 1),
        ("a" * 4097, 4096, 2),
        ("baris\n" * 1500, 4096, 3),
        ("x" * 10000, 4096, 3),
    ],
)
def test_long_texts_are_split_within_the_limit(text, limit, parts):
    chunks = split_text(text, limit)
    assert len(chunks) == parts
    assert all(len(c) <= limit for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")
