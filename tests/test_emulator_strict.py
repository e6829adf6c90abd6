"""The emulator refuses what Telegram refuses: the cases a deployment meets that the straight
path never shows (a user who never pressed Start, ...). Driven by a real PTB Bot over HTTP."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from emulator import BotAPIEmulator

TOKEN = "123456:TEST-TOKEN"
ALICE = 1001
BOB = 1002
NEWCOMER = 1003


@pytest.fixture
async def emu():
    server = BotAPIEmulator(token=TOKEN, bot_username="lkj_test_bot")
    await server.start()
    server.add_user(ALICE, "Alice")
    server.add_user(NEWCOMER, "Nina", started=False)
    yield server
    await server.stop()


@pytest.fixture
async def bot(emu):
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as raw_bot:
        yield raw_bot


async def test_a_chat_never_started_refuses_sends_and_menus_until_the_first_start(emu, bot):
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(NEWCOMER, "halo")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_document(NEWCOMER, b"%PDF-1.4", filename="a.pdf")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.set_my_commands(
            [BotCommand("start", "Mulai")], scope=BotCommandScopeChat(NEWCOMER)
        )
    assert emu.sent_to(NEWCOMER) == []
    assert not emu.started(NEWCOMER)
    # An open chat is untouched by it.
    await bot.send_message(ALICE, "halo")
    emu.send_message(NEWCOMER, "/start")
    assert emu.started(NEWCOMER)
    updates = await bot.get_updates(timeout=0)
    # Telegram sends no my_chat_member update when a user starts a bot for the first time.
    assert [u.message.text for u in updates] == ["/start"]
    assert all(u.my_chat_member is None for u in updates)
    await bot.send_message(NEWCOMER, "selamat datang")
    await bot.set_my_commands([BotCommand("start", "Mulai")], scope=BotCommandScopeChat(NEWCOMER))
    assert emu.sent_to(NEWCOMER)[-1].text == "selamat datang"


async def test_control_api_adds_a_user_who_has_not_started(emu):
    async with aiohttp.ClientSession() as http:
        body = {"user_id": 1010, "first_name": "Budi", "started": False}
        async with http.post(f"{emu.url}/_emu/add_user", json=body) as response:
            assert (await response.json())["ok"]
    assert not emu.started(1010)


async def test_an_injected_502_comes_as_telegrams_gateway_sends_it(emu, bot):
    emu.fail_next("sendMessage", 502)
    async with aiohttp.ClientSession() as http:
        url = f"{emu.base_url}{TOKEN}/sendMessage"
        async with http.post(url, json={"chat_id": ALICE, "text": "x"}) as response:
            assert response.status == 502
            assert response.content_type == "text/html"
            body = await response.text()
    assert "<title>502 Bad Gateway</title>" in body and "nginx" in body
    emu.fail_next("sendMessage", 500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(ALICE, "x")
    assert emu.sent_to(ALICE) == []  # neither took effect


async def test_flood_control_answers_429_by_rate_per_chat_and_for_the_bot(emu, bot):
    assert emu.flood.enabled  # on by default (off: flood_control=False, EMU_FLOOD_CONTROL=0)
    burst = int(emu.flood.per_chat_burst)
    for n in range(burst):  # a short burst to one chat is tolerated
        await bot.send_message(ALICE, f"pesan {n}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(ALICE, "satu lagi")
    assert refused.value.retry_after >= 1
    assert emu.errors[-1][2:] == (
        429,
        f"Too Many Requests: retry after {refused.value.retry_after}",
    )
    assert len(emu.sent_to(ALICE)) == burst  # the refused one never arrived
    # The bot as a whole: about 30 a second, whatever the chats.
    emu.flood.per_chat_burst = 1000.0
    emu.flood.chats.clear()
    for user_id in range(2000, 2040):
        emu.add_user(user_id, f"U{user_id}")
    with pytest.raises(RetryAfter):
        for user_id in range(2000, 2040):
            await bot.send_message(user_id, "siaran")
    assert emu.flood.refused == 2
    # Off: no 429 at all.
    emu.flood.enabled = False
    for _ in range(3):
        await bot.send_message(ALICE, "bebas")


async def test_a_press_not_answered_within_15_s_can_no_longer_be_answered(emu, bot):
    emu.world.callback_timeout = 0.3  # Telegram: about 15 s; shortened for the test
    message = await bot.send_message(
        ALICE,
        "pilih",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="ya")]]),
    )
    query_id = emu.press_button(ALICE, message.message_id, text="Ya")
    await asyncio.sleep(0.4)
    with pytest.raises(BadRequest, match="(?i)query is too old and response timeout expired"):
        await bot.answer_callback_query(query_id, "terlambat")
    assert emu.callback_answer(query_id) is None
    fresh = emu.press_button(ALICE, message.message_id, text="Ya")
    await bot.answer_callback_query(fresh, "tepat waktu")
    assert emu.callback_answer(fresh)["text"] == "tepat waktu"


async def test_callback_data_over_64_bytes_is_refused(emu, bot):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "tombol", reply_markup=markup)
    assert emu.sent_to(ALICE) == []


async def test_faults_by_method_chat_probability_and_count(emu, bot):
    emu.add_user(BOB, "Bob")
    # Only Bob's chat, twice.
    emu.fail_next("sendMessage", 400, "Bad Request: chat not found", count=2, chat_id=BOB)
    await bot.send_message(ALICE, "a")
    for _ in range(2):
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(BOB, "b")
    await bot.send_message(BOB, "b")
    # By probability: about half of the calls fail until three have failed (seeded).
    emu.fail_next("sendChatAction", 500, probability=0.5, count=3, seed=7)
    outcomes = []
    for _ in range(12):
        try:
            await bot.send_chat_action(ALICE, "typing")
            outcomes.append("ok")
        except NetworkError:
            outcomes.append("500")
    assert outcomes.count("500") == 3 and outcomes.index("500") < 11
    assert "ok" in outcomes[: outcomes.index("500") + 3]
    # Over the control API, as a bot in another process is tested.
    async with aiohttp.ClientSession() as http:
        body = {"method": "sendMessage", "error_code": 502, "chat_id": ALICE}
        async with http.post(f"{emu.url}/_emu/fail_next", json=body) as response:
            assert (await response.json())["ok"]
        async with http.post(f"{emu.url}/_emu/flood", json={"enabled": False}) as response:
            assert (await response.json())["result"]["enabled"] is False
    await bot.send_message(BOB, "tidak terkena")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(ALICE, "kena")
