"""``lkj-bot migrate --to postgresql://…``: an office on TinyDB files moves to PostgreSQL and
goes on where it stopped; a damaged source or a used target changes nothing."""

from __future__ import annotations

import json

import psycopg
import pytest

from bot.cli import main
from bot.inbox import replay
from demo import playbook
from storage.audit import AuditLog, log_path
from storage.database import Database
from storage.inbox import INBOX_REL
from storage.pg import IDENTITY_KEY, IDENTITY_PATH
from storage.repositories import CycleRepository

UNIT = "satpolpp-bdg"


def _rows(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM lkj_files WHERE path <> %s), "
            "(SELECT count(*) FROM lkj_audit)",
            (IDENTITY_PATH,),  # the database's own identity row is not a store file
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def _quarter_begun(runner, people, emu) -> None:
    await runner.start()
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await people.kasubbag.wait_button("Bagi tugas")
    await emu.settle(quiet=0.3)
    await runner.stop()


async def test_an_office_moves_to_postgresql_and_goes_on(
    runner, emu, people, settings, pg_url, monkeypatch, capsys
):
    await _quarter_begun(runner, people, emu)
    files_log = list(AuditLog.for_unit_year(settings.lkj_data_dir, UNIT, 2026).entries())
    # As if stopped by a kill after the Sekretaris' Kirim was handled, before its "done" line:
    # the update is still pending in the inbox when the office moves.
    last = emu.world.history[-1]["update_id"]
    inbox = settings.lkj_data_dir / INBOX_REL
    kept = [ln for ln in inbox.read_bytes().split(b"\n")[:-1] if json.loads(ln).get("d") != last]
    inbox.write_bytes(b"".join(line + b"\n" for line in kept))
    monkeypatch.setenv("LKJ_DATA_DIR", str(settings.lkj_data_dir))
    assert main(["migrate", "--to", pg_url]) == 0
    out = capsys.readouterr().out
    store_files, audit_rows = _rows(pg_url)
    assert f"{store_files} berkas penyimpanan (sha256 cocok)" in out
    assert f"1 log audit dengan {audit_rows} entri" in out and audit_rows == len(files_log)
    assert "berkas unggahan tetap di" in out
    assert "1 pembaruan yang belum ditangani" in out
    with psycopg.connect(pg_url) as conn:  # the handled update ids moved too, and the pending
        rows = conn.execute("SELECT update_id, done_at IS NOT NULL FROM lkj_inbox").fetchall()
    assert sorted(rows) == [(u["update_id"], u["update_id"] != last) for u in emu.world.history]

    # The bot now runs on PostgreSQL (same folder for the uploads) and the quarter goes on.
    runner.settings = settings.model_copy(update={"lkj_database_url": pg_url})
    app = await runner.start()
    assert replay(app, app.bot_data["services"]) == 1  # what `lkj-bot run` does at start-up
    await emu.settle(quiet=0.3)
    await playbook.divide(people)
    for member in people.team:
        await member.expect("Pembagian Tugas — Triwulan III")
    await emu.settle(quiet=0.3)
    cycle = CycleRepository(Database(settings.lkj_data_dir, pg_url)).get(UNIT, 2026, 3)
    # The pending update was taken up at start-up and recognised as applied: not twice.
    with psycopg.connect(pg_url) as conn:
        pending = conn.execute("SELECT count(*) FROM lkj_inbox WHERE done_at IS NULL")
        assert pending.fetchone()[0] == 0
    assert cycle.step == 4 and [h.action for h in cycle.history] == [
        "mulai_siklus",
        "teruskan_disposisi",
        "bagi_tugas",
    ]
    audit = app.bot_data["services"].audit
    moved = list(audit.log(UNIT, 2026).entries())
    assert moved[: len(files_log)] == files_log  # the chain goes on from the moved entries
    assert [e["seq"] for e in moved] == list(range(1, len(moved) + 1))
    assert moved[-1]["action"] == "bagi_tugas"
    assert [r.ok for r in audit.verify_all()] == [True]


async def test_a_target_database_in_use_is_refused(
    runner, emu, people, settings, pg_url, monkeypatch, capsys
):
    await _quarter_begun(runner, people, emu)
    monkeypatch.setenv("LKJ_DATA_DIR", str(settings.lkj_data_dir))
    assert main(["migrate", "--to", pg_url]) == 0
    before = _rows(pg_url)
    capsys.readouterr()
    assert main(["migrate", "--to", pg_url]) == 2
    assert "basis data tujuan tidak kosong" in capsys.readouterr().err
    assert _rows(pg_url) == before


@pytest.mark.parametrize("damage", ["audit", "store"])
async def test_a_damaged_source_moves_nothing(
    runner, emu, people, settings, pg_url, monkeypatch, capsys, damage
):
    await _quarter_begun(runner, people, emu)
    if damage == "audit":
        path = log_path(settings.lkj_data_dir, UNIT, 2026)
        lines = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join(lines[:1] + lines[2:]))  # the second entry deleted
        expected = "log audit sumber tidak utuh"
    else:
        path = settings.lkj_data_dir / "units" / UNIT / "2026.json"
        path.write_bytes(path.read_bytes().replace(b'"step":3', b'"step":9'))
        expected = "Berkas penyimpanan rusak"
    monkeypatch.setenv("LKJ_DATA_DIR", str(settings.lkj_data_dir))
    assert main(["migrate", "--to", pg_url]) == 2
    err = capsys.readouterr().err
    assert "Pemindahan dibatalkan, tidak ada yang ditulis" in err and expected in err
    assert _rows(pg_url) == (0, 0)


def _dump(url: str) -> tuple[list, list]:
    with psycopg.connect(url) as conn:
        # the store rows as the store reads them: without the database's own identity
        files = conn.execute(
            "SELECT path, (data::jsonb - %s)::text FROM lkj_files WHERE path <> %s ORDER BY path",
            (IDENTITY_KEY, IDENTITY_PATH),
        ).fetchall()
        audit = conn.execute("SELECT log, seq, line FROM lkj_audit ORDER BY log, seq").fetchall()
    return files, audit


def _revoked(url: str) -> list:
    with psycopg.connect(url) as conn:
        return (
            conn.execute("SELECT key, generation, day FROM lkj_revoked ORDER BY key").fetchall()
            + conn.execute("SELECT entry, key FROM lkj_revoked_by ORDER BY entry, key").fetchall()
        )


async def test_a_postgresql_office_is_backed_up_and_restored_into_a_new_database(
    runner, emu, people, settings, pg_url, pg_cluster, tmp_path, monkeypatch, capsys
):
    runner.settings = settings.model_copy(update={"lkj_database_url": pg_url})
    await _quarter_begun(runner, people, emu)  # on PostgreSQL here
    monkeypatch.setenv("LKJ_DATABASE_URL", pg_url)
    monkeypatch.setenv("LKJ_DATA_DIR", str(settings.lkj_data_dir))
    assert main(["backup", "--output", str(tmp_path / "arsip.tar.gz")]) == 0
    assert "Cadangan basis data dan berkas unggahan" in capsys.readouterr().out

    # Restored into a new, empty database and a new uploads folder.
    second = pg_cluster.new_database()
    monkeypatch.setenv("LKJ_DATABASE_URL", second)
    monkeypatch.setenv("LKJ_DATA_DIR", str(tmp_path / "data2"))
    assert main(["restore", str(tmp_path / "arsip.tar.gz")]) == 0
    assert "ke basis data" in capsys.readouterr().out
    assert _dump(second) == _dump(pg_url)
    blobs = sorted(p.name for p in (settings.lkj_data_dir / "files").glob("*/*"))
    assert blobs and sorted(p.name for p in (tmp_path / "data2" / "files").glob("*/*")) == blobs
    # The buttons taken back stay taken back (their table, schema version 5).
    assert _revoked(second) == _revoked(pg_url) and _revoked(pg_url)
    # Never over an office in use.
    assert main(["restore", str(tmp_path / "arsip.tar.gz")]) == 2
    assert "basis data tujuan tidak kosong" in capsys.readouterr().err

    # The same archive format as the files' backup: it also comes back as a folder of files.
    monkeypatch.delenv("LKJ_DATABASE_URL")
    monkeypatch.setenv("LKJ_DATA_DIR", str(tmp_path / "data3"))
    assert main(["restore", str(tmp_path / "arsip.tar.gz")]) == 0
    as_files = CycleRepository(Database(tmp_path / "data3")).get(UNIT, 2026, 3)
    assert as_files == CycleRepository(Database(tmp_path / "data2", second)).get(UNIT, 2026, 3)

    # The restored office goes on with the quarter.
    runner.settings = settings.model_copy(
        update={"lkj_database_url": second, "lkj_data_dir": tmp_path / "data2"}
    )
    app = await runner.start()
    await playbook.divide(people)
    for member in people.team:
        await member.expect("Pembagian Tugas — Triwulan III")
    audit = app.bot_data["services"].audit
    assert [e["action"] for e in audit.log(UNIT, 2026).entries()][-1] == "bagi_tugas"
    assert [r.ok for r in audit.verify_all()] == [True]
    await runner.stop()
    pg_cluster.drop_database(second)
