"""Issue 24 item 6: no "⏳ Dokumen sedang disusun…" note is left by a kill.

The note is stored with the update being handled once it is sent, and its outcome just
before it is edited (``handlers.progress``). The bot is SIGKILLed while the Paraf's PDF renders
(the note sent, the state not yet saved), and while the note's edit to the outcome hangs (the
paraf saved): after the restart each note is edited to the outcome exactly once, and no note is
left unedited."""

from __future__ import annotations

import asyncio

import pytest

from demo import playbook
from handlers import texts
from storage.database import Database
from storage.repositories import NoteRepository
from tests.test_crash_recovery import BotProcess, count


@pytest.fixture
async def bot_process(emu, tmp_path, roster_path):
    process = BotProcess(emu, tmp_path, roster_path)
    await process.start()
    yield process
    await process.stop()


def _notes(bot_process) -> list[dict]:
    db = Database(bot_process.data_dir)
    try:
        return NoteRepository(db).all()
    finally:
        db.close()


def _the_note(user, after: int):
    """The note of the press on message ``after``."""
    notes = [
        m for m in user.received() if playbook.IN_PROGRESS in m.first_text and m.message_id > after
    ]
    assert len(notes) == 1, [m.first_text for m in notes]
    return notes[0]


async def _paraf_offered(people) -> None:
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await playbook.build_and_submit(people)


async def _after_restart(bot_process, emu, people, draft) -> None:
    sekretaris, kasat = people.sekretaris, people.kasat
    await kasat.expect("diparaf oleh", document=True)
    await emu.settle(quiet=0.5)
    note = _the_note(sekretaris, draft.message_id)
    current = emu.message(sekretaris.user_id, note.message_id)
    assert current.text == texts.PARAF_NOTICE
    assert [e.method for e in current.edits] == ["editMessageText"]  # edited exactly once
    assert not any(playbook.IN_PROGRESS in m.text for m in sekretaris.received())
    assert _notes(bot_process) == []  # nothing left to settle
    cycle = bot_process.cycle()
    assert cycle.step == 7 and [h.action for h in cycle.history].count("paraf") == 1
    assert count(kasat, "diparaf oleh", document=True) == 1


async def test_killed_while_the_pdf_renders_the_note_is_edited_once(bot_process, emu, people):
    sekretaris = people.sekretaris
    await _paraf_offered(people)
    draft = await sekretaris.expect("diajukan oleh", document=True)
    emu.press_button(sekretaris.user_id, draft.message_id, text="Paraf")
    for _ in range(2000):  # the note is sent and stored: the PDF is being rendered
        if _notes(bot_process):
            break
        await asyncio.sleep(0.005)
    else:
        raise AssertionError("the note was never recorded")
    await bot_process.kill()
    assert bot_process.cycle().step == 6  # killed before the paraf was saved
    note = _the_note(sekretaris, draft.message_id)
    assert emu.message(sekretaris.user_id, note.message_id).edits == []
    await bot_process.start()  # the press is handled again, taking the note over
    await _after_restart(bot_process, emu, people, draft)


async def test_killed_while_the_note_is_being_edited_it_is_edited_once(bot_process, emu, people):
    sekretaris = people.sekretaris
    await _paraf_offered(people)
    draft = await sekretaris.expect("diajukan oleh", document=True)
    emu.hold_next("editMessageText")  # the note's edit to the outcome hangs
    emu.press_button(sekretaris.user_id, draft.message_id, text="Paraf")
    await emu.wait_held(timeout=60)
    await bot_process.kill()
    assert bot_process.cycle().step == 7  # the paraf was saved
    assert [n["outcome"] for n in _notes(bot_process)] == [texts.PARAF_NOTICE]
    await bot_process.start()  # already applied: not acted on again, its note edited
    await _after_restart(bot_process, emu, people, draft)
