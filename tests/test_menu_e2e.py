"""A command menu per person (setMyCommands, per-chat scope), /bantuan from the same list,
refreshed when roles change, and the bot's one answer in a group chat."""

from __future__ import annotations

import re

from domain.roster import load_roster
from emulator.users import SimUser
from handlers import texts

BASE = ["start", "status", "arsip", "verifikasi", "batal", "bantuan"]


def expected(extra: set[str]) -> list[str]:
    return [c for c in texts.COMMANDS if c in set(BASE) | extra]


def chat_scope(user_id: int) -> dict:
    return {"type": "chat", "chat_id": user_id}


async def menus_settled(emu, user_ids) -> dict[int, list[str]]:
    await emu.settle(quiet=0.3)
    return {uid: [c["command"] for c in emu.commands(chat_scope(uid))] for uid in user_ids}


def listed(help_text: str) -> list[str]:
    return re.findall(r"^/(\w+) — ", help_text, flags=re.MULTILINE)


async def test_each_person_sees_the_commands_of_their_role(bot, emu, people):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    member = people.team[0]
    menus = await menus_settled(emu, [u.user_id for u in people.officials])
    want = {
        kasat.user_id: expected({"mulai", "target", "anggaran", "ekspor", "plh"}),
        sekretaris.user_id: expected({"target", "anggaran", "ekspor", "plh"}),
        kasubbag.user_id: expected(
            {
                "target",
                "tahunan",
                "identitas",
                "undang",
                "undangan",
                "mutasi",
                "plh",
                "anggaran",
                "ekspor",
                "bukti",
            }
        ),
        member.user_id: expected({"bukti"}),
    }
    for user_id, commands in want.items():
        assert menus[user_id] == commands, user_id
    # Descriptions are the Indonesian ones; someone outside every unit gets the default menu.
    described = {c["command"]: c["description"] for c in emu.commands(chat_scope(1003))}
    assert described["tahunan"] == "Laporan Kinerja (LKj) tahunan"
    assert [c["command"] for c in emu.commands()] == ["start", "verifikasi"]

    # /bantuan lists exactly the menu's commands.
    for user in (kasat, sekretaris, kasubbag, member):
        user.say("/bantuan")
        answer = await user.expect("Petunjuk lkj-bot")
        assert listed(answer.text) == want[user.user_id], user.name


async def test_menus_follow_role_changes_and_departures(runner, emu, people, roster_path):
    await runner.start()
    ids = [u.user_id for u in people.officials]
    before = await menus_settled(emu, ids)
    assert "identitas" in before[1003] and "identitas" not in before[1004]

    # The Kasubbag and a member swap roles, the other member leaves; the bot restarts.
    await runner.stop()
    text = roster_path.read_text(encoding="utf-8")
    blocks = text.split("[[unit.people]]")
    blocks = [b for b in blocks if "telegram_id = 1005" not in b]
    swapped = "[[unit.people]]".join(blocks)
    swapped = swapped.replace(
        'role = "kasubbag"\ntelegram_id = 1003', 'role = "tim_kerja"\ntelegram_id = 1003'
    )
    swapped = swapped.replace(
        'role = "tim_kerja"\ntelegram_id = 1004', 'role = "kasubbag"\ntelegram_id = 1004'
    )
    roster_path.write_text(swapped, encoding="utf-8")
    assert load_roster(roster_path).person(1004).role.value == "kasubbag"
    calls_before = len(emu.calls_to("setMyCommands"))
    await runner.start()
    after = await menus_settled(emu, ids)

    assert after[1003] == expected({"bukti"})
    assert after[1004] == expected(
        {
            "target",
            "tahunan",
            "identitas",
            "undang",
            "undangan",
            "mutasi",
            "plh",
            "anggaran",
            "ekspor",
            "bukti",
        }
    )
    assert after[1005] == []  # who left has no menu any more
    assert after[1001] == before[1001] and after[1002] == before[1002]
    # Only the changed menus were sent again (plus the default one).
    sent = [c.get("scope") for c in emu.calls_to("setMyCommands")[calls_before:]]
    scoped = sorted(s["chat_id"] for s in sent if s and s.get("type") == "chat")
    assert scoped == [1003, 1004]
    gone = [c.get("scope") for c in emu.calls_to("deleteMyCommands")]
    assert chat_scope(1005) in gone

    # The new Kasubbag's /bantuan says so.
    new_kasubbag = SimUser(emu, 1004, "Rina Marlina, S.Sos.")
    new_kasubbag.say("/bantuan")
    answer = await new_kasubbag.expect("Petunjuk lkj-bot (Kasubbag)")
    assert listed(answer.text) == after[1004]


async def test_in_a_group_the_bot_only_points_to_private_chat(bot, emu, people):
    group = -100123
    emu.add_group(group, "Grup Satpol PP")
    kasat = people.kasat
    emu.send_group_message(group, kasat.user_id, "/mulai")
    emu.send_group_message(group, people.team[0].user_id, "/status@lkj_test_bot")
    for _ in range(2):
        answer = await emu.next_message(group, 10)
        assert "hanya melayani obrolan pribadi" in answer.text
        assert "https://t.me/lkj_test_bot" in answer.text
    await emu.settle(quiet=0.3)
    assert len(emu.sent_to(group)) == 2
    # Nothing started, nobody was written to privately.
    assert [m for m in emu.sent_to(kasat.user_id) if "triwulan" in m.text.lower()] == []


async def test_menus_follow_the_units_sop_table(runner, emu, people, roster_path, tmp_path):
    """With a unit table giving steps 5 and 8 to the Sekretaris, /tahunan (compiling the
    annual report belongs to step 8) moves to the Sekretaris's menu: no code names the role."""
    from tests.test_sop_routing import sekretaris_table

    sekretaris_table(tmp_path)
    text = roster_path.read_text(encoding="utf-8")
    roster_path.write_text(
        text.replace(
            'timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakarta"\nsop = "sop-sekretaris.toml"', 1
        ),
        encoding="utf-8",
    )
    await runner.start()
    menus = await menus_settled(emu, [1002, 1003])
    assert menus[1002] == expected({"target", "tahunan", "anggaran", "ekspor", "bukti", "plh"})
    assert menus[1003] == expected(
        {"target", "identitas", "undang", "undangan", "mutasi", "plh", "anggaran", "ekspor"}
    )
    people.sekretaris.say("/bantuan")
    assert "/tahunan — " in (await people.sekretaris.expect("Petunjuk lkj-bot")).text
