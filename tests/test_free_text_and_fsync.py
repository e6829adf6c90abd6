"""Issue 15 item 8: tests that a plausible small bug cannot slip past.

* Every free text that reaches chat is shown literally, HTML and all (an unescaped ``<`` makes
  Telegram refuse the message and the outbox drop it): the division note and tasks, the return
  reasons of the Sekretaris and of the Kasat (the annual report's and Perlu Perbaikan's are in
  their own end-to-end tests).
* The directory is fsynced after the rename, in that order (guarantee 2).
* A button bound to a person of the wrong role is refused by the role check behind it.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from demo import playbook
from demo.playbook import TASKS
from domain.roles import Role
from emulator.models import SentMessage
from storage.atomic import AtomicJSONStorage, atomic_write_bytes
from storage.audit import AuditTrail
from storage.database import Database
from storage.repositories import CycleRepository

HTML = "<b>tebal</b> & <i>miring</i> < 5 > 3 <script>alert(1)</script>"


async def test_html_in_every_free_text_reaches_chat_literally(bot, people, settings):
    k, s, kasat = people.kasubbag, people.sekretaris, people.kasat
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await k.tap("Bagi tugas")
    await k.expect("catatan pembagian tugas")
    k.say(f"Catatan {HTML}")
    await k.expect(people.team[0].name)
    k.say(f"{TASKS[0][0]} {HTML}\n{TASKS[0][1]}")
    await k.expect(people.team[1].name)
    k.say("\n".join(TASKS[1]))
    summary = await k.expect("Mohon periksa kembali")
    assert f"Catatan {HTML}" in summary.text
    await k.tap("Kirim", summary)
    task = await people.team[0].expect("Pembagian Tugas")
    assert f"Catatan: Catatan {HTML}" in task.text and f"{TASKS[0][0]} {HTML}" in task.text

    await playbook.upload_all(people)  # (the item buttons start with the plain title)
    await playbook.build_and_submit(people)
    await s.expect("diajukan oleh Kasubbag", document=True)
    await playbook.return_report(s, reason=f"Sekretaris: {HTML}")
    returned = await k.expect("dikembalikan untuk perbaikan")
    assert f"Alasan: Sekretaris: {HTML}" in returned.text

    await playbook.build_and_submit(people, button="Susun ulang draf laporan")
    await playbook.paraf(people)
    await kasat.expect("diparaf oleh", document=True)
    await playbook.return_report(kasat, reason=f"Kasat: {HTML}")
    returned = await k.expect("dikembalikan untuk perbaikan")
    assert f"Alasan: Kasat: {HTML}" in returned.text
    copy = await s.expect("dikembalikan oleh")
    assert f"Alasan: Kasat: {HTML}" in copy.text
    owed = CycleRepository(Database(settings.lkj_data_dir)).outbox("satpolpp-bdg", 2026, 3)
    assert owed == []  # nothing refused by Telegram and left behind


def _trace(monkeypatch) -> list[tuple[str, str]]:
    """Record fsync (of which path), replace and link, calling the real functions."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst, *args, **kwargs) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


def test_atomic_write_fsyncs_file_then_renames_then_fsyncs_the_directory(tmp_path, monkeypatch):
    events = _trace(monkeypatch)
    path = tmp_path / "units" / "x" / "2026.json"
    atomic_write_bytes(path, b"{}")
    folder = str(path.parent)
    kinds = [(kind, "dir" if target == folder else "file") for kind, target in events]
    assert kinds == [("fsync", "file"), ("replace", "file"), ("fsync", "dir")]
    assert events[1] == ("replace", str(path))


def test_every_store_write_ends_with_the_directory_fsync(tmp_path, monkeypatch):
    storage = AtomicJSONStorage(tmp_path / "s.json", sealed_as="s.json")
    storage.write({"t": {}})
    events = _trace(monkeypatch)
    storage.write({"t": {"1": {}}})  # with a last good copy kept as s.json.bak
    replaced = [i for i, (kind, _) in enumerate(events) if kind == "replace"]
    dir_syncs = [i for i, e in enumerate(events) if e == ("fsync", str(tmp_path))]
    assert events[replaced[-1]] == ("replace", str(tmp_path / "s.json"))
    assert dir_syncs and dir_syncs[-1] > replaced[-1]  # after the last rename, not before


def test_a_new_audit_log_fsyncs_its_directories(tmp_path, monkeypatch):
    trail = AuditTrail(tmp_path)
    events = _trace(monkeypatch)
    trail.append("satpolpp-bdg", 2026, {"action": "mulai"})
    log_dir = tmp_path / "audit" / "units" / "satpolpp-bdg"
    synced = [target for kind, target in events if kind == "fsync"]
    assert str(log_dir / "2026.jsonl") in synced
    assert synced.index(str(log_dir)) > synced.index(str(log_dir / "2026.jsonl"))
    for folder in (log_dir.parent, log_dir.parent.parent, tmp_path):
        assert str(folder) in synced, folder  # the new folders' entries are durable too


def _message_with_button(emu, user: int, label: str, token: str) -> int:
    """Put a bot message carrying the button into the user's chat (as if sent earlier)."""
    chat = emu.world.chat(user)
    sent = SentMessage(
        message_id=chat.take_message_id(),
        chat_id=user,
        date=emu.world.now(),
        text=label,
        html=label,
        markup={"inline_keyboard": [[{"text": label, "callback_data": f"b:{token}"}]]},
    )
    chat.sent.append(sent)
    chat.bot_messages[sent.message_id] = sent
    chat.cursor = len(chat.sent)
    return sent.message_id


async def test_a_button_bound_to_a_person_of_the_wrong_role_is_refused(bot, emu, people, settings):
    """The token is genuine and bound to the presser, but its action is not theirs."""
    await playbook.start_cycle(people, 3, 2026)
    member = people.team[0]
    services = bot.bot_data["services"]
    cycle_key = "satpolpp-bdg:2026:3"
    token = services.buttons.issue(
        {"action": "forward_begin", "cycle": cycle_key, "user": member.user_id, "group": "uji"}
    )
    message_id = _message_with_button(emu, member.user_id, "Teruskan ke Kasubbag", token)
    answer = await member.tap(
        "Teruskan ke Kasubbag", emu.world.chat(member.user_id).bot_messages[message_id]
    )
    assert "Sekretaris" in answer["text"]  # the role the SOP gives this step
    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    assert cycle.step == 2 and services.sessions.get(member.user_id) is None
    refusals = [
        e for e in services.audit.log("satpolpp-bdg", 2026).entries() if e["outcome"] == "refused"
    ]
    assert refusals[-1]["actor"] == member.user_id
    assert refusals[-1]["action"] == "forward_begin" and refusals[-1]["role"] == Role.TIM_KERJA


def test_the_directory_fsync_is_one_function_of_one_storage_module():
    """storage/atomic.py's ``fsync_dir`` is the only one; the others import it (a fix to
    it reaches every store file, journal, audit log and backup)."""
    storage = Path(__file__).resolve().parent.parent / "storage"
    defined = sorted(
        f"{path.name}:{node.name}"
        for path in storage.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and "fsync_dir" in node.name
    )
    assert defined == ["atomic.py:fsync_dir"]
