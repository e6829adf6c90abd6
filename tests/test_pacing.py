"""The bot's own pacing (bot/pacing.py) against the emulator's flood control, over HTTP: a
burst to one chat arrives whole, once and in order, and a 429 in one chat holds no other."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ExtBot

from bot.pacing import ChatPacer
from emulator import BotAPIEmulator

TOKEN = "123456:TEST-TOKEN"
ALICE = 1001
BOB = 1002


@pytest.fixture
async def emu():
    server = BotAPIEmulator(token=TOKEN, bot_username="lkj_test_bot")
    await server.start()
    server.add_user(ALICE, "Alice")
    server.add_user(BOB, "Bob")
    yield server
    await server.stop()


def bot_with(emu: BotAPIEmulator, limiter) -> ExtBot:
    return ExtBot(
        TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url, rate_limiter=limiter
    )


async def test_the_emulator_has_flood_control_on_by_default(emu):
    assert emu.flood.enabled


async def test_a_burst_to_one_chat_is_paced_and_arrives_once_in_order(emu):
    # Telegram's model and the bot's, shortened for the test (20 then 1 a second in use).
    emu.flood.per_chat_burst, emu.flood.per_chat_rate = 5.0, 10.0
    pacer = ChatPacer(AIORateLimiter(max_retries=0), burst=5, rate=10.0)
    async with bot_with(emu, pacer) as bot:
        await asyncio.gather(*(bot.send_message(ALICE, f"pesan {n}") for n in range(30)))
    assert [m.text for m in emu.sent_to(ALICE)] == [f"pesan {n}" for n in range(30)]
    assert pacer.paced > 0 and emu.flood.refused == 0  # paced under the limit, not refused


async def test_a_429_is_waited_out_in_its_chat_only_and_nothing_is_repeated_or_reordered(emu):
    # Telegram's limit is lower than the bot expects: the bot meets 429s and waits them out.
    emu.flood.per_chat_burst = 3.0
    emu.flood.per_chat_rate = 5.0
    pacer = ChatPacer(AIORateLimiter(max_retries=0), burst=20, rate=20.0)
    async with bot_with(emu, pacer) as bot:
        alice = asyncio.gather(*(bot.send_message(ALICE, f"pesan {n}") for n in range(8)))
        await asyncio.sleep(0.3)  # Alice's chat is waiting out its 429 by now
        started = time.monotonic()
        await bot.send_message(BOB, "untuk Bob")
        bob_took = time.monotonic() - started
        await alice
    assert emu.flood.refused >= 1 and pacer.retried >= 1
    assert [m.text for m in emu.sent_to(ALICE)] == [f"pesan {n}" for n in range(8)]
    assert [m.text for m in emu.sent_to(BOB)] == ["untuk Bob"]
    assert bob_took < 0.5  # AIORateLimiter alone pauses every send of the bot on a 429


async def test_without_the_pacer_a_burst_to_one_chat_meets_telegrams_429(emu):
    """What the pacer is for: AIORateLimiter alone does not pace a private chat."""
    async with bot_with(emu, AIORateLimiter(max_retries=0)) as bot:
        results = await asyncio.gather(
            *(bot.send_message(ALICE, f"pesan {n}") for n in range(25)), return_exceptions=True
        )
    assert any(isinstance(r, RetryAfter) for r in results)
    assert len(emu.sent_to(ALICE)) < 25
