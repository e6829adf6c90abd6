"""Issue 24 item 1: a press is spent only with its effect.

The buttons a state change takes back are revoked in the same write as the change (an owed
entry of its outbox, ``app.callback_data``). Here the write of the Sekretaris's Paraf fails
(the file store's disk refuses the write; PostgreSQL loses the bot's connection at that very
moment): she is told plainly that nothing was stored and to press again, the Paraf button
still works, and the paraf is recorded exactly once."""

from __future__ import annotations

import errno
import os

import psycopg
import pytest

from demo import playbook
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository
from tests.test_workers import count

UNIT = "satpolpp-bdg"
CYCLE_FILE = f"units/{UNIT}/2026.json"


@pytest.fixture
def store_url(database_url: str | None) -> str | None:
    return database_url


async def _to_paraf(people) -> None:
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await playbook.build_and_submit(people)


def _cycle(settings):
    db = Database(settings.lkj_data_dir, settings.lkj_database_url or None)
    try:
        return CycleRepository(db).get(UNIT, 2026, 3)
    finally:
        db.close()


def _fail_next_cycle_write(monkeypatch) -> list[str]:
    """The disk refuses the next replacement of the cycle's store file (once); what the
    store itself does is untouched. Returns the list the refusals are noted in."""
    real_replace = os.replace
    refused: list[str] = []

    def replace(src, dst, *args, **kwargs):
        if not refused and str(dst).endswith(CYCLE_FILE):
            refused.append(str(dst))
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return refused


def _terminate_when_held(pg_url: str, backend: int) -> None:
    admin = pg_url.replace("lkj_bot@", "postgres@")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (backend,))


async def test_a_paraf_whose_write_fails_is_not_spent_and_works_once_later(
    runner, emu, people, settings, monkeypatch, database_url
):
    await runner.start()
    sekretaris, kasat = people.sekretaris, people.kasat
    await _to_paraf(people)
    draft = await sekretaris.expect("diajukan oleh", document=True)
    assert _cycle(settings).step == 6

    if database_url is None:
        refused = _fail_next_cycle_write(monkeypatch)
        outcome = await playbook.tap_through(sekretaris, "Paraf", draft)
        assert refused, "the cycle's write was never attempted"
    else:
        # The moment between the render and the write: the "sedang disusun" note is held,
        # the bot's connection is ended from the server's side, then the note is let go.
        services = runner.app.bot_data["services"]
        emu.hold_next("sendMessage")
        query = emu.press_button(sekretaris.user_id, draft.message_id, text="Paraf")
        await emu.wait_held()
        _terminate_when_held(database_url, services.db.pg.backend_pid)
        emu.release_held()
        answer = await emu.wait_callback_answer(query, 30)
        assert answer["text"] == texts.PRESS_RENDERING
        # (the note was lost with the held call: the outcome comes as a message)
        outcome = (await sekretaris.expect("tindakan Anda belum tersimpan")).text

    # Told plainly: nothing stored, the button still valid, press again. Never "sudah diproses".
    assert outcome == texts.PRESS_NOT_SAVED
    assert _cycle(settings).step == 6
    assert "Paraf" in emu.message(sekretaris.user_id, draft.message_id).buttons

    if database_url is not None:  # the worker stops and starts afresh (its service manager)
        await runner.stop()
        await runner.start()
        await emu.settle(quiet=0.5)
        # The press it had not finished is handled again from the inbox, now stored.
        if _cycle(settings).step == 6:
            await playbook.tap_through(sekretaris, "Paraf", draft)
    else:
        assert await playbook.tap_through(sekretaris, "Paraf", draft) == texts.PARAF_NOTICE
    await kasat.expect("diparaf oleh", document=True)
    await emu.settle(quiet=0.5)

    cycle = _cycle(settings)
    assert cycle.step == 7
    assert [h.action for h in cycle.history].count("paraf") == 1
    assert count(sekretaris, "Paraf Anda") == 1
    assert count(kasat, "diparaf oleh", document=True) == 1
    assert not any("sudah diproses" in m.text for m in sekretaris.received())
    answers = [q.answer or {} for q in emu.world.callbacks.values()]
    assert not any("sudah diproses" in (a.get("text") or "") for a in answers)


def test_an_owed_revocation_applied_twice_counts_once(tmp_path):
    """Applied right after the write and again by the next delivery (after a kill, or by
    another worker sharing the folder): the buttons' generation moves once."""
    from datetime import date

    from storage.revocations import Revocations

    first, other = Revocations(tmp_path), Revocations(tmp_path)
    day = date(2026, 10, 5)
    first.add("g:abc", day, once="e1")
    first.add("g:abc", day, once="e1")
    other.add("g:abc", day, once="e1")  # another process, reading the journal first
    assert first.generation("g:abc") == other.generation("g:abc") == 1
    assert Revocations(tmp_path).generation("g:abc") == 1  # a fresh start reads it once
    other.add("g:abc", day, once="e2")  # another change spending the same group
    first.add("g:abc", day)  # a revocation that no change owes (a listing sent again)
    assert Revocations(tmp_path).generation("g:abc") == first.generation("g:abc") == 3
