"""Buttons signed with the server's key: nothing stored to send one, forged, foreign, stale
and old presses still refused and audited (app/button_codec.py, app/callback_data.py)."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from app.button_codec import LIMIT, ButtonCodec
from bot.settings import Settings
from demo import playbook
from domain.models import FILED
from handlers import texts
from handlers.routes import BUTTONS as BUTTON_ACTIONS
from handlers.routes import GUEST_BUTTONS as GUEST_BUTTON_ACTIONS
from storage.audit import AuditTrail
from storage.database import Database
from storage.repositories import ButtonRepository, CycleRepository
from storage.revocations import Revocations

DAY = date(2026, 10, 5)
PARAF = {
    "action": "paraf",
    "user": 8_123_456_789,  # a recent Telegram id: 33 bits
    "cycle": "dinas-kesehatan-kab-bandung-barat:2026:3",
    "version": 12,
    "group": "dinas-kesehatan-kab-bandung-barat:2026:3:decide:187",
}


def codec(key: bytes = b"k" * 32, units=("dinas-kesehatan-kab-bandung-barat", "satpolpp-bdg")):
    return ButtonCodec(key, units=lambda: units, actions=lambda: [*BUTTON_ACTIONS, "paraf"])


def flip(data: str, at: int) -> str:
    """The same data with one byte of its body changed."""
    raw = bytearray(base64.urlsafe_b64decode(data[1:] + "=" * (-len(data[1:]) % 4)))
    raw[at] ^= 0x01
    return "s" + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


def test_a_long_unit_name_and_a_large_id_fit_in_64_bytes_and_read_back():
    data = codec().encode(PARAF, DAY)
    assert data is not None and len(data.encode()) <= LIMIT
    payload, made = codec().decode(data)
    assert made == DAY
    assert {k: v for k, v in payload.items() if k != "group"} == {
        k: v for k, v in PARAF.items() if k != "group"
    }
    assert payload["group"].startswith("#")  # a group travels as its hash


def test_altered_cut_or_foreign_key_data_is_not_read():
    data = codec().encode(PARAF, DAY)
    for at in range(0, 30):
        assert codec().decode(flip(data, at)) is None, at
    assert codec().decode(data[:-3]) is None
    assert codec().decode(data + "A") is None
    assert codec(key=b"x" * 32).decode(data) is None
    assert codec().decode("s") is None and codec().decode("s!!!") is None


def test_what_cannot_be_carried_is_left_to_a_stored_token():
    too_big = {**PARAF, "file": {"sha256": "ab" * 32}}  # a name the format does not carry
    assert codec().encode(too_big, DAY) is None
    long_text = {**PARAF, "value": "x" * 40}
    assert codec().encode(long_text, DAY) is None
    unknown_unit = {**PARAF, "cycle": "unit-yang-tidak-ada:2026:3"}
    assert codec().encode(unknown_unit, DAY) is None


def test_no_two_button_actions_share_a_hash():
    names = [*BUTTON_ACTIONS, *GUEST_BUTTON_ACTIONS]
    assert len(names) > 40
    c = ButtonCodec(b"k" * 32, units=lambda: ["u"], actions=lambda: names)
    for name in names:
        data = c.encode({"action": name, "user": 1}, DAY)
        assert data is not None and c.decode(data)[0]["action"] == name


def test_a_short_button_key_is_refused(monkeypatch):
    monkeypatch.setenv("LKJ_BUTTON_KEY", "pendek")
    with pytest.raises(ValidationError, match="32 karakter"):
        Settings(_env_file=None)


def test_revocation_generations_survive_a_torn_line_other_readers_and_compaction(tmp_path):
    first, second = Revocations(tmp_path), Revocations(tmp_path)
    assert first.generation("g:a") == 0
    first.add("g:a", DAY)
    first.add("g:a", DAY + timedelta(days=200))
    first.add("g:b", DAY)
    assert second.generation("g:a") == 2 and second.generation("g:b") == 1  # another process
    with first.path.open("ab") as f:
        f.write(b'{"k":"g:c","d":"2026-')  # a kill in the middle of an append
    assert Revocations(tmp_path).generation("g:c") == 0
    assert Revocations(tmp_path).generation("g:a") == 2
    first.compact(DAY + timedelta(days=100))
    # a kept key keeps its whole count; an old one is gone
    assert first.generation("g:a") == 2 and first.generation("g:b") == 0
    assert second.generation("g:a") == 2  # the other reader follows the rewrite
    lines = first.path.read_text().splitlines()
    # a compacted journal opens with the line naming that compaction, then the kept keys
    assert set(json.loads(lines[0])) == {"c"}
    assert [json.loads(line)["k"] for line in lines[1:]] == ["g:a"]


def refusals(settings) -> list[dict]:
    trail = AuditTrail(settings.lkj_data_dir)
    logs = [trail.log("satpolpp-bdg", year).entries() for year in (2026, 2027)]
    return [e for entries in logs for e in entries if e["outcome"] == "refused"]


def sent_callback_data(emu) -> list[str]:
    """Every callback_data the bot put on a button, in any message or edit."""
    found = []
    for method in ("sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"):
        for params in emu.calls_to(method):
            markup = params.get("reply_markup")
            markup = json.loads(markup) if isinstance(markup, str) else markup or {}
            for row in markup.get("inline_keyboard", []):
                found += [b["callback_data"] for b in row if "callback_data" in b]
    return found


async def test_a_quarter_stores_a_token_only_for_a_file_choice(bot, people, emu, settings):
    """The whole quarter's buttons are signed; only the buttons that carry a received file
    (which evidence item it is for) are stored, and those go once the file is placed."""
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    await playbook.sign(people)
    await people.kasat.expect("ditandatangani", document=True)
    db = Database(settings.lkj_data_dir)
    assert CycleRepository(db).get("satpolpp-bdg", 2026, 3).status == FILED
    stored = ButtonRepository(db).table.all()
    assert {doc["action"] for doc in stored} <= {"upload_item"}
    sent = sent_callback_data(emu)
    assert len([d for d in sent if d.startswith("s")]) > 20
    assert all(len(d.encode()) <= LIMIT for d in sent)


async def test_tampered_foreign_replayed_and_old_signed_presses_are_refused(
    bot, people, emu, settings, clock
):
    await playbook.start_cycle(people, 3, 2026)
    s, k = people.sekretaris, people.kasubbag
    task = await s.wait_button("Teruskan ke Kasubbag")
    data = task.reply_markup[0][0][1]
    assert data.startswith("s")

    before = len(refusals(settings))
    answer = await s.tap_raw(task, flip(data, 5))  # altered: the day it was made
    assert answer["text"] == texts.BUTTON_STALE
    k.say("/bantuan")
    help_msg = await k.next()
    assert (await k.tap_raw(help_msg, data))["text"] == texts.BUTTON_FOREIGN
    reasons = [e["reason"] for e in refusals(settings)]
    assert any("tombol tidak berlaku" in r for r in reasons)
    assert texts.BUTTON_FOREIGN in reasons

    # Older than any button is kept: stale, and /status gives the step again.
    clock.advance(days=121)
    assert (await s.tap_raw(task, data))["text"] == texts.BUTTON_STALE
    clock.advance(days=-121)
    assert len(refusals(settings)) == before + 3

    await playbook.forward(people)
    answer = await s.tap_raw(task, data)  # the step was done: refused by the rules
    assert "sudah diproses" in answer["text"]
    db = Database(settings.lkj_data_dir)
    assert len(CycleRepository(db).get("satpolpp-bdg", 2026, 3).dispositions) == 2


async def test_a_form_shown_again_in_the_same_group_keeps_working(bot, people):
    """Changing a choice on a confirmation re-shows the form in the same group: the new
    buttons work, the replaced ones do not."""
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    k.upload("Perjanjian_Kinerja_2026.pdf", playbook.SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("Rencana_Aksi_2026.pdf", playbook.SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say(playbook.DISPOSISI_KASAT)
    summary = await k.expect("Mohon periksa kembali")
    old_send = dict(sum(summary.reply_markup, []))["Kirim"]
    await k.tap("Biasa", summary)
    await k.tap("Sangat Segera", summary)
    for _ in range(3000):  # the choice is answered first, then the form is shown again
        current = k.with_button("Kirim")
        new_send = dict(sum(current.reply_markup, []))["Kirim"]
        if new_send != old_send and "● Sangat Segera" in current.buttons:
            break
        await asyncio.sleep(0.02)
    assert new_send != old_send
    assert (await k.tap_raw(summary, old_send))["text"] == texts.BUTTON_STALE
    await k.tap("Kirim", current)
    await people.sekretaris.wait_button("Teruskan ke Kasubbag")


_REVOKER = """
import sys
from datetime import date
sys.path.insert(0, sys.argv[2])
from storage.revocations import Revocations
journal = Revocations(sys.argv[1])
for i in range(int(sys.argv[3])):
    journal.add("g:shared", date(2026, 10, 5))
    if sys.argv[4] == "compact" and i % 25 == 0:
        journal.compact(date(2026, 1, 1))
print(journal.generation("g:shared"), flush=True)
"""


def test_several_processes_revoking_and_compacting_lose_no_revocation(tmp_path):
    """Workers sharing the data folder append to one journal while one of them compacts it:
    every revocation counts, in every process's view and in a fresh reader's."""
    import subprocess
    import sys
    from pathlib import Path

    repo = str(Path(__file__).resolve().parent.parent)
    modes = ["append", "append", "append", "compact"]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _REVOKER, str(tmp_path), repo, "300", mode],
            stdout=subprocess.PIPE,
        )
        for mode in modes
    ]
    seen = [int(child.communicate(timeout=120)[0]) for child in children]
    assert all(child.returncode == 0 for child in children)
    total = 300 * len(modes)
    assert Revocations(tmp_path).generation("g:shared") == total
    assert max(seen) <= total and seen.count(total) >= 1  # the last to finish saw them all
