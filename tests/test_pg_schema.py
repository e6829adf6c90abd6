"""A database a view across units can query (issue 22, item 3): the cycles' summary rows, the
same from PostgreSQL's tables and from the files; the numbered schema migration from version
1 (``lkj-bot db upgrade``), and a bot refusing a database of another version."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Json

from app.button_codec import ButtonCodec
from app.callback_data import CallbackData
from bot.cli import main
from demo import playbook
from domain.models import FILED, Cycle
from domain.performance import Indicator, Realisation
from handlers import texts
from storage.chats import BLOCKED, ChatStateRepository
from storage.database import Database
from storage.migrate import migrate_to_pg
from storage.pg import IDENTITY_KEY
from storage.pg_backup import export_office, keyed_files
from storage.pg_schema import SCHEMA_VERSION, upgrade
from storage.repositories import (
    ButtonRepository,
    CycleRepository,
    DraftRepository,
    MenuRepository,
    NoteRepository,
    SessionRepository,
)
from storage.revocations import REVOKED_REL, Revocations
from storage.summaries import INDEX_REL, IndicatorValue, _FileIndex, cycle_summaries
from tests.domain_factories import KASAT, MEMBER_A, T0, UNIT_CODE, cycle_at, full_cycle
from tests.pg_cluster import OWNER_ROLE

INDICATORS = (
    Indicator("IKU-1", "Sasaran 1", "Indikator 1", "%", 80.0, (20.0, 40.0, 60.0, 80.0)),
    Indicator("IKU-2", "Sasaran 1", "Indikator 2", "dok", 12.0, (3.0, None, 9.0, 12.0)),
)


def _reported(code: str, triwulan: int, value: float, version: int = 1, old: bool = False):
    return Realisation(
        code, triwulan, value, "kendala", "tindak lanjut", ("a" * 64,), MEMBER_A,
        T0 + timedelta(days=version), version, old,
    )  # fmt: skip


def _cycles() -> list[Cycle]:
    """Three units' cycles: a filed and signed one, one collecting data with realisations
    (one superseded, one of another quarter), and one just started."""
    filed = dataclasses.replace(full_cycle(2026, 4), indicators=INDICATORS)
    collecting = dataclasses.replace(
        cycle_at(5),
        unit="dinkes",
        triwulan=1,
        indicators=INDICATORS,
        realisations=(
            _reported("IKU-1", 1, 10.0, old=True),
            _reported("IKU-1", 1, 17.5, version=2),
            _reported("IKU-2", 2, 4.0),
        ),
    )
    started = dataclasses.replace(cycle_at(2), unit="bappeda", triwulan=2)
    return [filed, collecting, started]


def _fill(db: Database) -> None:
    repo = CycleRepository(db)
    for cycle in _cycles():
        repo.save(cycle)


def test_the_summary_rows_are_the_same_on_files_and_on_postgresql(tmp_path, pg_url):
    files, pg = Database(tmp_path / "files"), Database(tmp_path / "pg", pg_url)
    _fill(files)
    _fill(pg)
    every = cycle_summaries(files, None, 2026)
    assert every == cycle_summaries(pg, None, 2026)
    assert [(r.unit, r.triwulan, r.step) for r in every] == [
        ("bappeda", 2, 2),
        ("dinkes", 1, 5),
        (UNIT_CODE, 4, 8),
    ]
    bappeda, dinkes, filed = every
    assert filed.signed and filed.status == FILED and filed.deadline is None
    assert filed.last_actor == KASAT
    assert not dinkes.signed and dinkes.deadline is not None and dinkes.since is not None
    # The quarter's target and its latest realisation; nothing reported for IKU-2 this quarter.
    assert tuple(i[:4] for i in dinkes.indicators) == (
        IndicatorValue("IKU-1", 20.0, 80.0, 17.5)[:4],
        IndicatorValue("IKU-2", 3.0, 12.0, None)[:4],
    )
    assert filed.indicators[1][:4] == IndicatorValue("IKU-2", 12.0, 12.0, None)[:4]
    # and each indicator's direction and sasaran, as the targets give them (schema v4)
    assert [(i.direction, i.sasaran) for i in dinkes.indicators] == [
        (i.direction, i.sasaran) for i in _cycles()[1].indicators
    ]
    assert [p.step for p in dinkes.passes] == [s.step for s in _cycles()[1].steps]
    assert bappeda.indicators == ()
    # Chosen units only, and another year has none.
    for db in (files, pg):
        assert cycle_summaries(db, ["dinkes", "tidak-ada"], 2026) == [dinkes]
        assert cycle_summaries(db, None, 2025) == []

    # A save changes the rows at once, on both (the PostgreSQL rows in the same commit).
    moved = dataclasses.replace(_cycles()[2], step=3, rev=_cycles()[2].rev + 1)
    for db in (files, pg):
        CycleRepository(db).save(moved)
    assert cycle_summaries(files, ["bappeda"], 2026) == cycle_summaries(pg, ["bappeda"], 2026)
    assert [r.step for r in cycle_summaries(pg, ["bappeda"], 2026)] == [3]
    files.close()
    pg.close()


def test_a_failed_write_leaves_no_summary_rows_behind(tmp_path, pg_url):
    """The rows commit with the document or not at all."""
    db = Database(tmp_path, pg_url)
    cycle = _cycles()[1]
    with pytest.raises(RuntimeError), db.transaction():
        CycleRepository(db).save(cycle)
        assert [r.step for r in cycle_summaries(db, None, 2026)] == [5]  # seen inside
        raise RuntimeError("abandoned")
    assert cycle_summaries(db, None, 2026) == []
    assert CycleRepository(db).get("dinkes", 2026, 1) is None
    db.close()


# --- the schema's version and its migration


def _owner_url(pg_url: str) -> str:
    return pg_url.replace("lkj_bot@", f"{OWNER_ROLE}@")


def _as_version_3(owner_url: str, data_dir: Path | None = None) -> None:
    """What a database of version 3 holds (with its data folder): the stored button tokens
    and the render notes as one row each (``state/buttons.json``, ``state/notes.json``), the
    journal of buttons taken back as the file ``state/revoked.jsonl`` of the data folder, no
    tables for them, and version 3 recorded."""
    with psycopg.connect(owner_url, autocommit=True) as conn, conn.transaction():
        files, journal = keyed_files(conn)
        for path, data in files:
            conn.execute("INSERT INTO lkj_files (path, data) VALUES (%s, %s)", (path, Json(data)))
        if data_dir is not None:
            (data_dir / REVOKED_REL).parent.mkdir(parents=True, exist_ok=True)
            (data_dir / REVOKED_REL).write_bytes(journal)
        conn.execute("DROP TABLE lkj_buttons, lkj_notes, lkj_revoked, lkj_revoked_by")
        conn.execute("UPDATE lkj_meta SET value = '3' WHERE name = 'schema'")


def _as_version_1(owner_url: str, data_dir: Path | None = None) -> None:
    """What a database of version 1 holds: the same ``lkj_files``, ``lkj_audit``,
    ``lkj_inbox``, ``lkj_delivered`` and ``lkj_meta`` (later versions add tables), no
    summary tables, one row for every chat's sessions, menus, chat states and drafts
    (``state/<name>.json``), and version 1 recorded (and version 3's shared rows and
    journal file, :func:`_as_version_3`)."""
    _as_version_3(owner_url, data_dir)
    with psycopg.connect(owner_url, autocommit=True) as conn, conn.transaction():
        conn.execute("DROP TABLE lkj_indicators, lkj_cycles")
        conn.execute("UPDATE lkj_meta SET value = '1' WHERE name = 'schema'")
        for name in ("sessions", "menus", "chats", "drafts"):
            rows = conn.execute(
                "DELETE FROM lkj_files WHERE path LIKE %s RETURNING path, data",
                (f"state/{name}/%",),
            ).fetchall()
            docs = [doc for _, data in sorted(rows) for doc in data[name].values()]
            shared = {name: {str(n): doc for n, doc in enumerate(docs, 1)}}
            if rows:
                shared[IDENTITY_KEY] = rows[0][1][IDENTITY_KEY]
            conn.execute(
                "INSERT INTO lkj_files (path, data) VALUES (%s, %s)",
                (f"state/{name}.json", Json(shared)),
            )


def _paths(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT path FROM lkj_files ORDER BY path").fetchall()
    return [str(r[0]) for r in rows]


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {str(r[0]) for r in rows}


@pytest.mark.parametrize("version", [1, 3])
async def test_a_version_1_database_holding_a_quarter_is_upgraded_and_the_quarter_goes_on(
    runner, emu, people, settings, pg_url, monkeypatch, capsys, version
):
    """From version 1 and from version 3 (issue 22, item 3): the stored quarter, forms,
    buttons, notes and the buttons taken back (a file of the data folder until version 5)
    are carried over; a button spent before the upgrade is still refused, a live one is
    honoured, and the quarter goes on."""
    unit = people.unit.code
    runner.settings = settings.model_copy(update={"lkj_database_url": pg_url})
    await runner.start()
    await playbook.start_cycle(people, 3, 2026)
    # The first button of the Kasat's form that started the quarter, made before its group
    # was ever taken back (generation 0) and taken back since: refused only by the journal.
    kasat = people.kasat
    summary = next(m for m in kasat.received() if "Pilih triwulan" in m.text)
    spent = next(
        b["callback_data"]
        for row in (summary.first_markup or {})["inline_keyboard"]
        for b in row
        if b["text"] == "TW III 2026"
    )
    await playbook.forward(people)
    await people.kasubbag.wait_button("Bagi tugas")
    await emu.settle(quiet=0.3)
    await runner.stop()
    owner = _owner_url(pg_url)
    db = Database(settings.lkj_data_dir, pg_url)
    SessionRepository(db).put(people.kasat.user_id, {"form": "return", "index": 1})
    menus = MenuRepository(db).all()
    token = ButtonRepository(db).issue({"action": "unduh", "group": "g-besar", "user": 1})
    NoteRepository(db).put(77, people.kasat.user_id, 5)
    revoked_keys = db.pg.execute("SELECT key, generation FROM lkj_revoked").fetchall()
    db.close()
    assert menus  # every chat's menu was set: rows to carry over
    assert revoked_keys  # the forward took its buttons back: generations to carry over
    generations = {str(key): int(n) for key, n in revoked_keys}
    (_as_version_1 if version == 1 else _as_version_3)(owner, settings.lkj_data_dir)
    assert not {"lkj_revoked", "lkj_buttons"} & _tables(owner)
    assert {"state/buttons.json", "state/notes.json"} <= set(_paths(owner))
    assert (settings.lkj_data_dir / REVOKED_REL).is_file()
    if version == 1:
        assert "lkj_cycles" not in _tables(owner)
        assert "state/sessions.json" in _paths(owner)

    # A bot refuses the older database and names the command that upgrades it.
    monkeypatch.setenv("LKJ_DATA_DIR", str(settings.lkj_data_dir))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("LKJ_DATABASE_URL", pg_url)
    monkeypatch.setenv("LKJ_ROSTER", str(settings.lkj_roster))
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert f"versi {version}, sedangkan bot ini memerlukan versi {SCHEMA_VERSION}" in err
    assert "lkj-bot db upgrade" in err

    # The bot's own role may not change the schema; the owner upgrades, once.
    assert main(["db", "upgrade", pg_url]) == 2
    assert "Skema tidak dinaikkan" in capsys.readouterr().err
    assert main(["db", "upgrade", owner]) == 0
    out = capsys.readouterr().out
    assert f"dari versi {version} ke versi {SCHEMA_VERSION}" in out
    assert f"dipindahkan ke basis data dari {settings.lkj_data_dir / REVOKED_REL}" in out
    assert main(["db", "upgrade", owner]) == 0  # idempotent
    assert f"sudah versi {SCHEMA_VERSION}; tidak ada yang diubah" in capsys.readouterr().out
    with psycopg.connect(owner) as conn:
        meta = conn.execute("SELECT value FROM lkj_meta WHERE name = 'schema'").fetchone()
    assert meta == (str(SCHEMA_VERSION),)

    # The summary rows were filled from the stored quarter, as the bot's role reads them;
    # each chat's session and menu has a row of its own, none is left shared.
    db = Database(settings.lkj_data_dir, pg_url)
    db.check_all()
    shared = {f"state/{n}.json" for n in ("sessions", "menus", "chats", "drafts")}
    assert not shared & set(_paths(owner))
    assert f"state/sessions/{people.kasat.user_id}.json" in _paths(owner)
    assert SessionRepository(db).get(people.kasat.user_id) == {
        "form": "return",
        "index": 1,
        "user_id": people.kasat.user_id,
    }
    assert MenuRepository(db).all() == menus
    SessionRepository(db).clear(people.kasat.user_id)
    # The buttons, notes and keys taken back are rows of their own tables now, none shared.
    assert not {"state/buttons.json", "state/notes.json"} & set(_paths(owner))
    assert ButtonRepository(db).get(token) == {
        "action": "unduh",
        "group": "g-besar",
        "user": 1,
        "token": token,
    }
    assert NoteRepository(db).all() == [
        {"update_id": 77, "chat_id": people.kasat.user_id, "message_id": 5, "outcome": None}
    ]
    revoked = Revocations(settings.lkj_data_dir, db.pg)
    assert {key: revoked.generation(key) for key in generations} == generations
    NoteRepository(db).remove(77)
    (row,) = cycle_summaries(db, [unit], 2026)
    cycle = CycleRepository(db).get(unit, 2026, 3)
    assert cycle is not None and (row.triwulan, row.step, row.rev) == (3, 3, cycle.rev)
    assert not row.signed and row.since == cycle.current_step_record.started_at
    db.close()

    # The quarter goes on: the button spent before the upgrade is still refused, the
    # Kasubbag's (made before the upgrade) is honoured: she divides the work, the rows follow.
    await runner.start()
    answer = await kasat.tap_raw(summary, spent)
    assert answer["text"] == texts.BUTTON_STALE
    await playbook.divide(people)
    for member in people.team:
        await member.expect("Pembagian Tugas — Triwulan III")
    await emu.settle(quiet=0.3)
    db = Database(settings.lkj_data_dir, pg_url)
    (row,) = cycle_summaries(db, None, 2026)
    assert (row.unit, row.step) == (unit, 4)
    db.close()


@pytest.mark.parametrize("version", [1, 3])
def test_presses_made_before_an_upgrade_are_honoured_or_refused_as_before(
    tmp_path, pg_url, version
):
    """The generations of the buttons taken back (a file of the data folder until version 5)
    and the stored tokens move into their tables: a button made before its group was taken
    back is still refused, one made after is honoured, a stored token of a group taken back
    stays gone, and applying the same owed revocation again (a replay) still counts once."""
    day = date(2026, 10, 5)
    codec = ButtonCodec(b"k" * 32, units=lambda: [UNIT_CODE], actions=lambda: ["paraf", "unduh"])
    cycle = f"{UNIT_CODE}:2026:3"

    def callbacks(db: Database) -> CallbackData:
        return CallbackData(
            codec, Revocations(db.data_dir, db.pg), ButtonRepository(db), lambda: day
        )

    db = Database(tmp_path, pg_url)
    before = callbacks(db)
    paraf = {"action": "paraf", "user": 1004, "cycle": cycle, "version": 1, "group": "putusan"}
    big = {"action": "unduh", "user": 1004, "file": {"sha256": "ab" * 32}}
    spent, spent_big = before.issue_many([paraf, {**big, "group": "putusan"}])
    owed = before.owe(["putusan"], [])
    before.settle_owed(owed)
    live, live_big = before.issue_many([paraf, {**big, "group": "lain"}])
    assert spent.startswith("s") and spent_big.startswith("b:")  # signed; stored
    pressed = before.resolve(live)  # its payload as a press reads it (the group as its hash)
    assert before.resolve(spent) is None and pressed is not None
    assert pressed["action"] == "paraf" and pressed["cycle"] == cycle
    pressed_big = before.resolve(live_big)
    assert pressed_big is not None and pressed_big["file"] == big["file"]
    db.close()
    (_as_version_1 if version == 1 else _as_version_3)(_owner_url(pg_url), tmp_path)
    assert (tmp_path / REVOKED_REL).is_file()

    upgrade(_owner_url(pg_url), data_dir=tmp_path)
    db = Database(tmp_path, pg_url)
    after = callbacks(db)
    assert after.resolve(spent) is None  # taken back before the upgrade: still refused
    assert after.resolve(spent_big) is None
    assert after.resolve(live) == pressed
    assert after.resolve(live_big) == pressed_big
    after.settle_owed(owed)  # the same owed revocation again: counted once
    assert after.resolve(live) == pressed
    after.revoke_group("lain")  # and taking back goes on in the tables
    assert after.resolve(live_big) is None
    db.close()


def test_a_newer_database_is_refused_and_not_downgraded(tmp_path, pg_url, capsys):
    owner = _owner_url(pg_url)
    newer = SCHEMA_VERSION + 1
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute("UPDATE lkj_meta SET value = %s WHERE name = 'schema'", (str(newer),))
    db = Database(tmp_path, pg_url)
    with pytest.raises(Exception, match=f"versi {newer}, lebih baru daripada bot ini"):
        db.check_all()
    db.close()
    assert main(["db", "upgrade", owner]) == 2
    assert "tidak menurunkan versi" in capsys.readouterr().err
    with psycopg.connect(owner) as conn:
        meta = conn.execute("SELECT value FROM lkj_meta WHERE name = 'schema'").fetchone()
    assert meta == (str(newer),)


def test_db_init_on_a_version_1_database_upgrades_it_too(pg_url):
    owner = _owner_url(pg_url)
    _as_version_1(owner)
    from storage.pg_schema import init_schema

    init_schema(owner, "lkj_bot")
    assert {"lkj_cycles", "lkj_indicators"} <= _tables(owner)
    with psycopg.connect(owner) as conn:
        meta = conn.execute("SELECT value FROM lkj_meta WHERE name = 'schema'").fetchone()
    assert meta == (str(SCHEMA_VERSION),)


# --- no row shared by all chats


def _waiting_on_a_lock(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


def _press_and_spend(db: Database, chat: int) -> None:
    """A chat's stored button issued and pressed (looked up), then its group taken back: the
    group's key revoked once more and its stored tokens deleted."""
    buttons, group = ButtonRepository(db), f"tawaran-{chat}"
    token = buttons.issue({"action": "unduh", "group": group, "user": chat})
    assert buttons.get(token) is not None
    Revocations(db.data_dir, db.pg).add(f"g:{group}", date(2026, 10, 5))
    buttons.revoke_group(group)
    assert buttons.get(token) is None


@pytest.mark.parametrize(
    "write",
    [
        lambda db, chat: SessionRepository(db).put(chat, {"form": "divide", "index": 0}),
        lambda db, chat: MenuRepository(db).put(chat, "kasubbag"),
        lambda db, chat: ChatStateRepository(db).set(chat, BLOCKED, T0),
        lambda db, chat: DraftRepository(db).put(chat, "c", {"IKU-1": {"value": "1"}}),
        lambda db, chat: _press_and_spend(db, chat),
        lambda db, chat: NoteRepository(db).put(chat, chat, 5, "selesai"),
    ],
    ids=["sessions", "menus", "chats", "drafts", "buttons", "notes"],
)
def test_two_workers_write_two_chats_at_once_without_waiting_on_one_row(tmp_path, pg_url, write):
    """Worker 1 holds chat A's row in an open transaction; worker 2's write for chat B
    completes meanwhile. Its write for chat A waits (the same row), and lands after.
    (Buttons: a press looked up and its group taken back, as a change that spends it does
    in its transaction; notes: a render note, by its update.)"""
    first, second = Database(tmp_path / "a", pg_url), Database(tmp_path / "b", pg_url)
    chat_a, chat_b = 1004, 1005
    write(second, chat_a)  # both rows exist: an update, not a first insert
    write(second, chat_b)
    done: dict[int, threading.Event] = {chat_a: threading.Event(), chat_b: threading.Event()}

    def other_worker(chat: int) -> None:
        write(second, chat)
        done[chat].set()

    with first.transaction():
        write(first, chat_a)  # chat A's row is locked until this commit
        worker = threading.Thread(target=other_worker, args=(chat_b,))
        worker.start()
        assert done[chat_b].wait(5), "chat B's write waited for chat A's transaction"
        worker.join()
        worker = threading.Thread(target=other_worker, args=(chat_a,))
        worker.start()
        assert not done[chat_a].wait(0.5)  # the same chat's row: it waits (the test is real)
        assert _waiting_on_a_lock(pg_url)
    assert done[chat_a].wait(5)
    worker.join()
    first.close()
    second.close()


def test_the_files_index_is_kept_for_the_next_process_and_checked_against_the_files(tmp_path):
    db = Database(tmp_path)
    _fill(db)
    rows = cycle_summaries(db, None, 2026)
    assert (tmp_path / INDEX_REL).is_file()
    # A new process (a new index) starts from the saved one: the same rows.
    assert _FileIndex().rows(Database(tmp_path), None, 2026) == rows
    # A unit file written since by another process is read again, not taken from the index.
    started = _cycles()[2]
    CycleRepository(Database(tmp_path)).save(
        dataclasses.replace(started, step=3, rev=started.rev + 1)
    )
    assert [r.step for r in _FileIndex().rows(Database(tmp_path), ["bappeda"], 2026)] == [3]
    # A damaged index is no index: the files are read.
    (tmp_path / INDEX_REL).write_bytes(b'{"units/bappeda/2026.json": [1, ')
    again = _FileIndex().rows(Database(tmp_path), None, 2026)
    assert [r.step for r in again] == [3, 5, 8] and again[1:] == rows[1:]


def test_an_index_written_before_the_sasaran_and_step_counts_is_read_again(tmp_path):
    """An index saved by a bot before schema version 4 (rows without the steps' counts, the
    indicators without sasaran and direction) is not trusted: the files are read again."""
    db = Database(tmp_path)
    _fill(db)
    rows = cycle_summaries(db, None, 2026)
    assert any(r.passes for r in rows)
    assert {i.sasaran for r in rows for i in r.indicators} == {"Sasaran 1"}
    saved = json.loads((tmp_path / INDEX_REL).read_bytes())
    saved.pop("_format")  # an index written before had no layout mark
    old = {
        rel: [identity, [[*row[:10], [i[:4] for i in row[10]]] for row in entries]]
        for rel, (identity, entries) in saved.items()
    }
    (tmp_path / INDEX_REL).write_text(json.dumps(old))
    assert _FileIndex().rows(Database(tmp_path), None, 2026) == rows


def test_moving_an_office_splits_each_chats_rows_and_a_backup_merges_them_back(tmp_path, pg_url):
    """``lkj-bot migrate`` gives each chat its row; an archive of the database is again in the
    files backend's layout (one file for every chat's), and its forms are still there."""
    files = Database(tmp_path / "files")
    SessionRepository(files).put(1004, {"form": "return", "index": 1})
    SessionRepository(files).put(1005, {"form": "divide", "index": 0})
    MenuRepository(files).replace_all({1004: "anggota", 1005: "kasubbag"})
    files.close()
    migrate_to_pg(tmp_path / "files", pg_url)
    paths = _paths(pg_url)
    assert "state/sessions.json" not in paths and "state/menus.json" not in paths
    assert {"state/sessions/1004.json", "state/sessions/1005.json"} <= set(paths)
    pg = Database(tmp_path / "files", pg_url)
    assert SessionRepository(pg).get(1005) == {"form": "divide", "index": 0, "user_id": 1005}
    assert MenuRepository(pg).all() == {1004: "anggota", 1005: "kasubbag"}
    SessionRepository(pg).clear(1004)  # a form ended: its chat's row goes, none kept empty
    assert "state/sessions/1004.json" not in _paths(pg_url)
    pg.close()

    export_office(pg_url, tmp_path / "files", tmp_path / "archive")
    back = Database(tmp_path / "archive")
    back.check_all()
    assert (tmp_path / "archive" / "state" / "sessions.json").is_file()
    assert not (tmp_path / "archive" / "state" / "sessions").exists()
    assert SessionRepository(back).get(1004) is None
    assert SessionRepository(back).get(1005) == {"form": "divide", "index": 0, "user_id": 1005}
    assert MenuRepository(back).all() == {1004: "anggota", 1005: "kasubbag"}
