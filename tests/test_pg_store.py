"""PostgreSQL backend on a real server: concurrent writers serialised by the database, the
audit rows append-only by the bot role's rights, and ``lkj-bot audit verify`` on them."""

from __future__ import annotations

import dataclasses
import threading

import psycopg
import pytest

from bot.cli import main
from domain.models import Cycle
from storage.database import Database
from storage.pg_audit import PgAuditTrail, role_can_rewrite
from storage.repositories import ButtonRepository, ConcurrentUpdateError, CycleRepository
from tests.domain_factories import UNIT_CODE
from tests.pg_cluster import OWNER_ROLE


def light_cycle(rev: int = 1, step: int = 2) -> Cycle:
    return Cycle(unit=UNIT_CODE, year=2026, triwulan=4, step=step, rev=rev)


@pytest.fixture
def two_processes(tmp_path, pg_url):
    """Two stores on one database, as two bot processes would have (two connections)."""
    first, second = Database(tmp_path / "a", pg_url), Database(tmp_path / "b", pg_url)
    yield first, second
    first.close()
    second.close()


def _waiting_on_a_lock(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


def test_a_save_waits_for_the_other_process_and_then_sees_its_change(two_processes, pg_url):
    first, second = two_processes
    CycleRepository(first).save(light_cycle(rev=3))
    stale = CycleRepository(second).get(UNIT_CODE, 2026, 4)
    outcome: list[BaseException | None] = []

    with first.transaction():
        mine = CycleRepository(first).get(UNIT_CODE, 2026, 4)  # holds the row from here

        def other_process() -> None:
            try:
                CycleRepository(second).save(
                    dataclasses.replace(stale, step=5, rev=4), expected_rev=stale.rev
                )
                outcome.append(None)
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                outcome.append(exc)

        thread = threading.Thread(target=other_process)
        thread.start()
        while not _waiting_on_a_lock(pg_url):  # a state of the server, not a time
            assert thread.is_alive() and not outcome, outcome
        CycleRepository(first).save(dataclasses.replace(mine, step=3, rev=4), expected_rev=3)
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], ConcurrentUpdateError)
    assert CycleRepository(second).get(UNIT_CODE, 2026, 4).step == 3


def test_inserts_from_several_processes_at_once_are_all_kept(tmp_path, pg_url):
    stores = [Database(tmp_path / str(n), pg_url) for n in range(4)]
    issued: list[list[str]] = [[] for _ in stores]

    def issue(n: int) -> None:
        repo = ButtonRepository(stores[n])
        for k in range(25):
            issued[n].append(repo.issue({"action": "x", "by": n, "k": k}))

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    reader = ButtonRepository(stores[0])
    tokens = [t for batch in issued for t in batch]
    assert len(tokens) == len(set(tokens)) == 100
    assert len(reader.table.all()) == 100
    assert [t for t in tokens if reader.get(t) is None] == []
    for db in stores:
        db.close()


def test_the_same_audit_chain_from_two_processes_stays_linear(two_processes):
    first, second = two_processes
    trails = [PgAuditTrail(first.pg), PgAuditTrail(second.pg)]

    def append(n: int) -> None:
        for k in range(20):
            trails[n].append(UNIT_CODE, 2026, {"action": "uji", "actor": n, "detail": k})

    threads = [threading.Thread(target=append, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    entries = list(trails[0].log(UNIT_CODE, 2026).entries())
    assert [e["seq"] for e in entries] == list(range(1, 41))
    assert [report.ok for report in trails[1].verify_all()] == [True]


def test_an_audit_key_is_written_once(two_processes):
    first, _ = two_processes
    trail = PgAuditTrail(first.pg)
    a = trail.append(UNIT_CODE, 2026, {"action": "kirim", "key": "outbox-1"})
    b = trail.append(UNIT_CODE, 2026, {"action": "kirim", "key": "outbox-1"})
    assert a == b
    assert len(list(trail.log(UNIT_CODE, 2026).entries())) == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE lkj_audit SET line = 'x'",
        "DELETE FROM lkj_audit",
        "TRUNCATE lkj_audit",
        "ALTER TABLE lkj_audit DISABLE TRIGGER USER",
    ],
)
def test_the_bot_role_cannot_change_or_remove_audit_rows(two_processes, pg_url, statement):
    first, _ = two_processes
    PgAuditTrail(first.pg).append(UNIT_CODE, 2026, {"action": "paraf", "actor": 1003})
    assert role_can_rewrite(first.pg) == []
    with psycopg.connect(pg_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
    assert [e["action"] for e in PgAuditTrail(first.pg).log(UNIT_CODE, 2026).entries()] == ["paraf"]


def test_even_the_owner_cannot_update_or_delete_audit_rows(two_processes, pg_url):
    first, _ = two_processes
    PgAuditTrail(first.pg).append(UNIT_CODE, 2026, {"action": "paraf"})
    owner_url = pg_url.replace("lkj_bot@", f"{OWNER_ROLE}@")
    with psycopg.connect(owner_url, autocommit=True) as conn:
        for statement in (
            "UPDATE lkj_audit SET key = 'x'",
            "DELETE FROM lkj_audit",
            "TRUNCATE lkj_audit",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)


def _tamper_as_superuser(pg_url: str, statement: str) -> None:
    admin_url = pg_url.replace("lkj_bot@", "postgres@")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE lkj_audit DISABLE TRIGGER USER")
        conn.execute(statement)
        conn.execute("ALTER TABLE lkj_audit ENABLE TRIGGER USER")


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        (
            "UPDATE lkj_audit SET line = replace(line, '\"actor\":1003', '\"actor\":1001') "
            "WHERE seq = 2",
            "isi entri diubah",
        ),
        ("DELETE FROM lkj_audit WHERE seq = 2", "entri seq 2 hilang"),
    ],
)
def test_audit_verify_finds_what_a_superuser_changed(
    two_processes, pg_url, tmp_path, monkeypatch, capsys, statement, reason
):
    first, _ = two_processes
    trail = PgAuditTrail(first.pg)
    for actor in (1001, 1003, 1004):
        trail.append(UNIT_CODE, 2026, {"action": "paraf", "actor": actor})
    trail.append(None, 2026, {"action": "tamu", "outcome": "refused"})
    monkeypatch.setenv("LKJ_DATABASE_URL", pg_url)
    monkeypatch.setenv("LKJ_DATA_DIR", str(tmp_path / "a"))
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"audit/units/{UNIT_CODE}/2026.jsonl: 3 entri, rantai utuh" in out
    assert "audit/global/2026.jsonl: 1 entri" in out
    assert "hanya dapat membaca dan menambah" in out

    _tamper_as_superuser(pg_url, statement)
    assert main(["audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert "RUSAK" in captured.out and reason in captured.out


@pytest.fixture
def empty_database(pg_cluster):
    owner_url, bot_url = pg_cluster.empty_database()
    yield owner_url, bot_url
    pg_cluster.drop_database(bot_url)


def test_db_init_creates_the_schema_with_limited_rights_and_can_run_again(
    empty_database, tmp_path, monkeypatch, capsys
):
    owner_url, bot_url = empty_database
    monkeypatch.setenv("LKJ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("LKJ_DATABASE_URL", bot_url)
    monkeypatch.setenv("LKJ_ROSTER", str(tmp_path / "tidak-ada.toml"))
    # Before the schema exists the bot refuses to start, and says what to do.
    assert main(["run"]) == 2
    assert "belum berskema lkj-bot; jalankan dulu lkj-bot db init" in capsys.readouterr().err

    for _ in range(2):  # idempotent: running it again changes nothing and grants the same
        assert main(["db", "init", owner_url, "--bot-role", "lkj_bot"]) == 0
        assert "hanya membaca dan menambah log audit" in capsys.readouterr().out
    db = Database(tmp_path / "data", bot_url)
    db.check_all()
    assert role_can_rewrite(db.pg) == []
    PgAuditTrail(db.pg).append(UNIT_CODE, 2026, {"action": "mulai"})
    db.close()
    assert main(["audit", "anchor"]) == 0
    anchor = capsys.readouterr().out
    assert f"audit/units/{UNIT_CODE}/2026.jsonl  seq 1  sha256 " in anchor


def test_a_search_sees_what_another_process_wrote_since(two_processes):
    """No query cache: a worker's search must not answer from before another worker's write
    (the outbox of a cycle saved by another worker, for instance)."""
    first, second = two_processes
    mine = CycleRepository(first)
    theirs = CycleRepository(second)
    mine.save(light_cycle(rev=1))
    assert theirs.with_outbox(UNIT_CODE) == []
    mine.save(light_cycle(rev=2), outbox=[{"id": "e1", "kind": "text", "chat_id": 1}])
    assert theirs.with_outbox(UNIT_CODE) == [(UNIT_CODE, 2026, 4)]
    theirs.settle_many(UNIT_CODE, 2026, 4, {"e1"})
    assert mine.with_outbox(UNIT_CODE) == []


def _services(tmp_path, pg_url, name: str):
    from bot.services import build_services
    from bot.settings import Settings
    from tests.factories import DEMO_ROSTER

    return build_services(
        Settings(
            _env_file=None,
            lkj_data_dir=tmp_path / name,
            lkj_roster=DEMO_ROSTER,
            lkj_database_url=pg_url,
        )
    )


def test_one_worker_leads_and_another_takes_over_when_it_is_gone(tmp_path, pg_url):
    workers = [_services(tmp_path, pg_url, f"w{n}") for n in range(3)]
    leading = [w.leads() for w in workers]
    assert leading.count(True) == 1
    assert [w.leads() for w in workers] == leading  # it stays the leader; nobody else joins
    workers[leading.index(True)].db.close()  # the leader's connection ends (a killed worker)
    rest = [w for n, w in enumerate(workers) if not leading[n]]
    assert [w.leads() for w in rest].count(True) == 1
    for w in rest:
        w.db.close()


async def test_a_units_lock_excludes_the_other_workers(tmp_path, pg_url):
    import asyncio

    first, second = _services(tmp_path, pg_url, "a"), _services(tmp_path, pg_url, "b")
    mine, theirs = first.unit_lock(UNIT_CODE), second.unit_lock(UNIT_CODE)
    async with mine:
        waiting = asyncio.ensure_future(theirs.acquire())
        # While held here, the database refuses the lock to the other worker (a state).
        assert not second.db.pg.try_lock(f"lkj:unit:{UNIT_CODE}")
        assert not waiting.done()
        # Other units and other cycles' outboxes are not held up.
        async with second.unit_lock("satpol-cmh"), second.delivery_lock(UNIT_CODE, 2026, 3):
            pass
    await asyncio.wait_for(waiting, 30)  # released here: the other worker gets it
    assert not first.db.pg.try_lock(f"lkj:unit:{UNIT_CODE}")
    theirs.release()
    assert first.db.pg.try_lock(f"lkj:unit:{UNIT_CODE}")
    first.db.pg.unlock(f"lkj:unit:{UNIT_CODE}")
    first.db.close()
    second.db.close()


def test_audit_verify_fails_when_the_bot_could_rewrite_audit_rows(
    two_processes, pg_url, tmp_path, monkeypatch, capsys
):
    first, _ = two_processes
    PgAuditTrail(first.pg).append(UNIT_CODE, 2026, {"action": "paraf"})
    monkeypatch.setenv("LKJ_DATA_DIR", str(tmp_path / "a"))
    # The database's owner may UPDATE and DELETE (the trigger still refuses): a bot running
    # as the owner is reported, even though every chain is whole.
    monkeypatch.setenv("LKJ_DATABASE_URL", pg_url.replace("lkj_bot@", f"{OWNER_ROLE}@"))
    assert main(["audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert "rantai utuh" in captured.out
    assert "dapat mengubah baris audit (UPDATE, DELETE, TRUNCATE)" in captured.err
