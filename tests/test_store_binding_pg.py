"""Issue 24 item 2 on PostgreSQL: the audit rows and the store rows are cross-checked the same
way as the files. The bot's role may rewrite a store row (it must, to work) but not the audit
rows: a row put back to an older version is refused at start-up and by ``audit verify``."""

from __future__ import annotations

import pytest
from psycopg.types.json import Json

from bot.cli import main as cli_main
from bot.services import build_services
from demo import playbook
from storage.atomic import CorruptStoreError
from storage.audit import AuditAnchorError
from storage.backup import BackupError
from storage.pg import IDENTITY_KEY, PgStore
from storage.pg_backup import backup_pg, restore_pg

UNIT = "satpolpp-bdg"
STORE_REL = f"units/{UNIT}/2026.json"
LOG_REL = f"audit/units/{UNIT}/2026.jsonl"
CYCLE = f"{UNIT}:2026:4"


@pytest.fixture
def store_url(pg_url) -> str:
    return pg_url


async def test_a_store_row_put_back_to_an_older_version_is_refused(
    runner, people, settings, pg_url, monkeypatch, capsys
):
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    store = PgStore(pg_url)
    old, _ = store.read(STORE_REL)
    await playbook.forward(people)
    await runner.stop()
    code_ok = _verify(settings, monkeypatch, capsys)
    assert code_ok[0] == 0, code_ok[1]
    assert "OK     penyimpanan dan log audit saling cocok." in code_ok[1]

    _, version = store.read(STORE_REL)
    assert old is not None
    store.write(STORE_REL, old, version)  # the older version, through the bot's own rights
    store.close()
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 1
    assert f"RUSAK  {STORE_REL}: {CYCLE} pada revisi 1, padahal {LOG_REL} seq" in out
    with pytest.raises(AuditAnchorError, match="Penyimpanan dan log audit tidak saling cocok"):
        build_services(settings)


def _verify(settings, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("LKJ_DATA_DIR", str(settings.lkj_data_dir))
    monkeypatch.setenv("LKJ_DATABASE_URL", settings.lkj_database_url)
    code = cli_main(["audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


async def test_a_store_row_copied_from_another_database_is_refused(
    runner, people, settings, pg_url, pg_cluster, monkeypatch, capsys
):
    """Each database has its own identity and every row carries it: a row written in another
    database (a whole, valid office of its own) is refused at start-up, by ``audit verify``
    and by a backup, naming the row."""
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    await runner.stop()
    other_url = pg_cluster.new_database()
    try:
        other = PgStore(other_url)
        here = PgStore(pg_url)
        assert other.identity != here.identity  # databases from one template differ too
        data, _ = here.read(STORE_REL)
        assert data is not None
        other.write(STORE_REL, data, None)  # the same office, written in another database
        row = other.execute("SELECT data FROM lkj_files WHERE path = %s", (STORE_REL,))
        foreign = row.fetchone()[0]
        here.execute("UPDATE lkj_files SET data = %s WHERE path = %s", (Json(foreign), STORE_REL))
        other.close()
        with pytest.raises(CorruptStoreError, match="ditulis di basis data lain"):
            here.read(STORE_REL)
        here.close()
        code, out = _verify(settings, monkeypatch, capsys)
        assert code != 0 and "ditulis di basis data lain" in out, out
        with pytest.raises(CorruptStoreError, match=STORE_REL):
            build_services(settings)
        with pytest.raises(BackupError, match=f"{STORE_REL}: baris ini ditulis di basis data lain"):
            backup_pg(pg_url, settings.lkj_data_dir, settings.lkj_data_dir.parent / "arsip")
    finally:
        pg_cluster.drop_database(other_url)


async def test_rows_come_back_bound_to_the_database_they_are_restored_into(
    runner, people, settings, pg_url, pg_cluster, tmp_path
):
    """A backup carries no identity; a restore into a new database binds every row to it."""
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    await runner.stop()
    archive = backup_pg(pg_url, settings.lkj_data_dir, tmp_path / "arsip")
    new_url = pg_cluster.new_database()
    try:
        restore_pg(archive, new_url, tmp_path / "baru")
        restored = PgStore(new_url)
        raw = restored.execute("SELECT data FROM lkj_files WHERE path = %s", (STORE_REL,))
        assert raw.fetchone()[0][IDENTITY_KEY] == restored.identity != PgStore(pg_url).identity
        data, _ = restored.read(STORE_REL)
        assert data is not None and IDENTITY_KEY not in data
        restored.close()
    finally:
        pg_cluster.drop_database(new_url)
