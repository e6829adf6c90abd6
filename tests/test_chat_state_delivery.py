"""Delivery that knows each person's chat: not started, open, or blocked.

A member of the roster who never pressed Start can take no message: the bot sends them
nothing (menus included), tells their superior the true reason with the bot's link, lists
what waits in the administrator's /status, and delivers it all, in order, on their first
/start. Everything runs through the emulator, which refuses as Telegram does.
"""

from __future__ import annotations

import asyncio

from demo import playbook
from storage import chats
from storage.database import Database
from storage.repositories import CycleRepository

SCOPE = "chat"
LINK = "https://t.me/lkj_test_bot"


def owed(settings) -> list:
    return CycleRepository(Database(settings.lkj_data_dir)).outbox("satpolpp-bdg", 2026, 3)


def chat_scoped(emu, user_id: int, method: str = "setMyCommands") -> list[dict]:
    return [
        c
        for c in emu.calls_to(method)
        if (c.get("scope") or {}).get("type") == SCOPE and c["scope"]["chat_id"] == user_id
    ]


def default_menus(emu) -> list[dict]:
    return [c for c in emu.calls_to("setMyCommands") if not c.get("scope")]


async def until(condition, timeout: float = 30.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("condition not reached")


async def test_a_member_who_never_pressed_start_is_served_on_their_first_start(
    runner, emu, people, settings
):
    member = people.team[0]
    emu.add_user(member.user_id, member.name, started=False)
    bot = await runner.start()
    services = bot.bot_data["services"]
    # The start-up menus learn that the chat was never opened (Telegram: chat not found) ...
    await until(lambda: services.chats.state(member.user_id) == chats.NOT_STARTED)
    assert len(chat_scoped(emu, member.user_id)) == 1
    # ... and a restart sends nothing to that chat again (its menus job done: the last
    # person's menu is checked after the default one is set).
    await runner.stop()
    defaults = len(default_menus(emu))
    await runner.start()
    await until(lambda: len(default_menus(emu)) > defaults)
    await emu.settle(quiet=0.5)
    assert len(chat_scoped(emu, member.user_id)) == 1

    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    # (The start-up menu only suggested it; the division's send confirms it, and the next
    # confirmation names the member with the reason: tests/test_telegram_errors.py.)
    # Their superior hears who cannot be reached, why, and gets the link to send them.
    told = await people.kasubbag.expect("belum memulai percakapan dengan bot")
    assert member.name in told.text and LINK in told.text and "memblokir" not in told.text
    await emu.settle(quiet=0.5)
    assert emu.sent_to(member.user_id) == []
    # One send confirmed what the menu only suggested; then no call at all.
    refused = [
        e for e in emu.errors if e[0] == "sendMessage" and e[1].get("chat_id") == member.user_id
    ]
    assert [e[2] for e in refused] == [403]
    assert [e for e in owed(settings) if e["chat_id"] == member.user_id]

    # The administrator's /status lists what waits, per person, with the reason.
    people.kasubbag.say("/status")
    status = await people.kasubbag.expect("Pesan yang belum tersampaikan")
    assert member.name in status.text and "1 pesan — belum memulai percakapan" in status.text

    # The member's first /start opens the chat: what waited arrives at once, and their menu.
    member.say("/start")
    task = await member.expect("Pembagian Tugas")
    assert playbook.DIVISION_NOTE in task.text
    await emu.settle(quiet=0.5)
    assert services.chats.state(member.user_id) == chats.OPEN
    assert [m.text for m in member.received()].count(task.text) == 1
    assert len(chat_scoped(emu, member.user_id)) == 2  # the menu, now that the chat exists
    assert emu.commands({"type": SCOPE, "chat_id": member.user_id})
    assert not [e for e in owed(settings) if e["chat_id"] == member.user_id]
    people.kasubbag.say("/status")
    assert "Pesan yang belum tersampaikan" not in (await people.kasubbag.expect("")).text


async def test_a_refused_send_records_the_true_reason_and_any_message_releases_the_hold(
    bot, emu, people, settings
):
    # The member's chat state is unknown to the bot (their menu was set at start-up); their
    # chat then cannot take messages (as if Telegram forgot it): the first send learns why.
    member = people.team[0]
    await emu.settle(quiet=0.3)
    emu.add_user(member.user_id, member.name, started=False)
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    told = await people.kasubbag.expect(member.name)
    assert "belum memulai percakapan dengan bot" in told.text and LINK in told.text
    await emu.settle(quiet=0.5)
    refused = [e for e in emu.errors if e[1].get("chat_id") == member.user_id]
    assert [e[2] for e in refused] == [403]  # one call; then nothing until they write
    # Not the /start: any message from them opens the chat (their first one is a question).
    member.say("Selamat pagi, apakah ada tugas untuk saya?")
    await member.expect("Pembagian Tugas")
    await emu.settle(quiet=0.5)
    assert not [e for e in owed(settings) if e["chat_id"] == member.user_id]
    assert len([m for m in people.kasubbag.received() if member.name in m.text]) >= 1
