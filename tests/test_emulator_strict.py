"""The emulator refuses what Telegram refuses: the cases a deployment meets that the straight
path never shows (a user who never pressed Start, ...). Driven by a real PTB Bot over HTTP."""

from __future__ import annotations

import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from emulator import BotAPIEmulator

TOKEN = "123456:TEST-TOKEN"
ALICE = 1001
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
    import aiohttp

    async with aiohttp.ClientSession() as http:
        body = {"user_id": 1010, "first_name": "Budi", "started": False}
        async with http.post(f"{emu.url}/_emu/add_user", json=body) as response:
            assert (await response.json())["ok"]
    assert not emu.started(1010)


async def test_an_injected_502_comes_as_telegrams_gateway_sends_it(emu, bot):
    import aiohttp
    from telegram.error import NetworkError

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
