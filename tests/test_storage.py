"""Storage: crash-safe JSON files, the content-addressed blob store and the repositories."""

from __future__ import annotations

import dataclasses
import json
import os
import string
from pathlib import Path

import pytest
from tinydb import TinyDB

from domain.models import Cycle
from storage import atomic
from storage.atomic import AtomicJSONStorage, CorruptStoreError, atomic_write_bytes
from storage.blobs import BlobStore
from storage.database import Database
from storage.repositories import (
    ButtonRepository,
    ConcurrentUpdateError,
    CycleRepository,
    SessionRepository,
)
from tests.domain_factories import UNIT_CODE, full_cycle, sha_of

DOCS = [
    {"id": "satpolpp-bdg:2026:4", "note": "Capaian ≥ 95% – “Satpol PP”", "n": 1},
    {"id": "satpolpp-bdg:2026:3", "nested": {"list": [1, 2, 3], "none": None}, "n": 2},
]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def stores(folder: Path) -> list[str]:
    """The files of ``folder`` apart from a last-good ``.bak`` copy; a temp file shows up."""
    return [name for name in listing(folder) if not name.endswith(".bak")]


# --- AtomicJSONStorage ------------------------------------------------------------------------


def test_atomic_json_storage_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("t").insert_multiple(DOCS)
    db.close()
    again = TinyDB(path, storage=AtomicJSONStorage)
    assert again.table("t").all() == DOCS
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert list(raw["t"].values()) == DOCS
    assert "≥" in path.read_text(encoding="utf-8")  # stored as UTF-8, not \\u escapes


def test_missing_file_reads_as_empty_and_parent_dirs_are_made(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store.json"
    storage = AtomicJSONStorage(path)
    assert storage.read() is None
    assert path.parent.is_dir()
    storage.write({"t": {"1": {"x": 1}}})
    assert storage.read() == {"t": {"1": {"x": 1}}}


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    table = TinyDB(path, storage=AtomicJSONStorage).table("t")
    for n in range(5):
        table.insert({"n": n})
    table.update({"n": 99}, doc_ids=[1])
    table.remove(doc_ids=[2])
    assert stores(tmp_path) == ["store.json"]
    assert sorted(d["n"] for d in table.all()) == [2, 3, 4, 99]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "berkas kosong"),
        (b"  \n\t", "berkas kosong"),
        (b'{"t": {"1": {"x": ', "bukan JSON yang sah"),  # truncated mid-write
        (b"bukan json", "bukan JSON yang sah"),
        (b"\xff\xfe\xfa\x00garbage", "bukan JSON yang sah"),
        (b"[1, 2, 3]", "isi bukan objek JSON"),
        (b'"teks"', "isi bukan objek JSON"),
        (b"null", "isi bukan objek JSON"),
    ],
)
def test_damaged_store_file_raises_corrupt_store_error_naming_the_path(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "units" / "satpolpp-bdg" / "2026.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(CorruptStoreError) as info:
        AtomicJSONStorage(path).read()
    assert info.value.path == path
    assert reason in info.value.reason
    assert str(path) in str(info.value) and "Berkas penyimpanan rusak" in str(info.value)
    # the damaged file is left as it was, for a human to look at
    assert path.read_bytes() == content
    # and TinyDB on top of it fails loudly too instead of starting empty
    with pytest.raises(CorruptStoreError):
        Database(tmp_path).file("units", "satpolpp-bdg", "2026.json").table("cycles").all()


def test_check_all_finds_the_damaged_file_among_several(tmp_path: Path) -> None:
    db = Database(tmp_path)
    for parts in [
        ("units", "satpolpp-bdg", "2025.json"),
        ("units", "satpolpp-bdg", "2026.json"),
        ("units", "satpol-cmh", "2026.json"),
        ("state", "sessions.json"),
    ]:
        db.file(*parts).table("t").insert({"ok": True})
    db.blobs.put(b"{ not json, but a blob: never read as a store")
    db.close()
    Database(tmp_path).check_all()  # all good

    damaged = tmp_path / "units" / "satpol-cmh" / "2026.json"
    damaged.write_bytes(damaged.read_bytes()[:7])
    with pytest.raises(CorruptStoreError) as info:
        Database(tmp_path).check_all()
    assert info.value.path == damaged


def test_a_failed_serialisation_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    table = TinyDB(path, storage=AtomicJSONStorage).table("t")
    table.insert({"n": 1})
    before = path.read_bytes()
    with pytest.raises(TypeError):
        table.insert({"n": 2, "bad": object()})  # json.dumps fails mid-write
    assert path.read_bytes() == before
    assert stores(tmp_path) == ["store.json"]
    assert TinyDB(path, storage=AtomicJSONStorage).table("t").all() == [{"n": 1}]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_crash_inside_the_atomic_write_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "store.json"
    atomic_write_bytes(path, b'{"t": {}}')

    def crash(*args, **kwargs):
        raise OSError("disk penuh")

    monkeypatch.setattr(atomic.os, failing, crash)
    with pytest.raises(OSError, match="disk penuh"):
        atomic_write_bytes(path, b'{"t": {"1": {"n": 2}}}')
    monkeypatch.undo()
    assert path.read_bytes() == b'{"t": {}}'
    assert stores(tmp_path) == ["store.json"]
    assert AtomicJSONStorage(path).read() == {"t": {}}


def test_interrupt_during_write_also_cleans_up(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "store.json"
    atomic_write_bytes(path, b"{}")

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(path, b'{"new": {}}')
    monkeypatch.undo()
    assert path.read_bytes() == b"{}"
    assert stores(tmp_path) == ["store.json"]


# --- BlobStore --------------------------------------------------------------------------------


def test_blob_store_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "files")
    data = b"%PDF-1.7 laporan"
    digest = blobs.put(data)
    assert digest == sha_of(data)
    path = tmp_path / "files" / digest[:2] / digest
    assert blobs.path(digest) == path and path.read_bytes() == data
    stat = path.stat()
    assert blobs.put(data) == digest  # idempotent: same digest, file not rewritten
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert blobs.get(digest) == data and blobs.exists(digest)
    other = blobs.put(b"%PDF-1.7 laporan revisi")
    assert other != digest and blobs.get(other) == b"%PDF-1.7 laporan revisi"
    assert blobs.path(other) == tmp_path / "files" / other[:2] / other
    assert blobs.path(other).read_bytes() == b"%PDF-1.7 laporan revisi"


def test_unknown_blob(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "files")
    missing = "0" * 64
    assert not blobs.exists(missing)
    with pytest.raises(FileNotFoundError):
        blobs.get(missing)


@pytest.mark.parametrize(
    "sha",
    [
        "../../etc/passwd",
        "",
        "abc",
        "A" * 64,  # upper case is not the canonical digest
        "g" * 64,
        "../" * 21 + "a",  # 64 characters, not hex
        "/" + "a" * 63,
        "a" * 63 + "\n",
        "a" * 65,
        "0" * 62 + "..",
    ],
)
def test_blob_store_refuses_a_non_hex_or_path_like_sha(tmp_path: Path, sha: str) -> None:
    blobs = BlobStore(tmp_path / "files")
    for call in (blobs.path, blobs.get, blobs.exists):
        with pytest.raises(ValueError, match="sha256"):
            call(sha)


# --- Database ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        ("..",),
        (".",),
        ("units", ".."),
        ("../x.json",),
        ("units", "a/b", "2026.json"),
        ("/etc", "passwd"),
        ("",),
        ("a b.json",),
        ("x\\y.json",),
        ("units", "satpol pp", "2026.json"),
        ("units", "bdg\x00", "2026.json"),
    ],
)
def test_database_file_refuses_unsafe_path_parts(tmp_path: Path, parts) -> None:
    db = Database(tmp_path / "data")
    with pytest.raises(ValueError, match="unsafe store path part"):
        db.file(*parts)
    assert listing(tmp_path) == ["data"]


@pytest.mark.parametrize("part", ["2026.json\n", "..\n"])
def test_database_file_refuses_a_trailing_newline(tmp_path: Path, part: str) -> None:
    with pytest.raises(ValueError, match="unsafe store path part"):
        Database(tmp_path).file("units", part)


def test_database_file_opens_each_store_once(tmp_path: Path) -> None:
    db = Database(tmp_path)
    first = db.file("units", "satpolpp-bdg", "2026.json")
    assert db.file("units", "satpolpp-bdg", "2026.json") is first
    first.table("t").insert({"x": 1})
    assert (tmp_path / "units" / "satpolpp-bdg" / "2026.json").is_file()
    assert db.existing_files("units", "satpolpp-bdg") == [
        tmp_path / "units" / "satpolpp-bdg" / "2026.json"
    ]
    assert db.existing_files("units", "tidak-ada") == []


# --- the repositories, on both backends (TinyDB files and PostgreSQL) ------------------------


@pytest.fixture
def open_db(tmp_path: Path, database_url: str | None):
    """Opens the store as the bot would (again, for a restart): same folder, same database."""
    opened: list[Database] = []

    def open_() -> Database:
        db = Database(tmp_path, database_url)
        opened.append(db)
        return db

    yield open_
    for db in opened:
        db.close()


# --- CycleRepository --------------------------------------------------------------------------


def light_cycle(year: int, triwulan: int, unit: str = UNIT_CODE, rev: int = 1) -> Cycle:
    return Cycle(unit=unit, year=year, triwulan=triwulan, step=2, rev=rev)


def test_cycle_round_trips_through_the_repository_and_disk(open_db) -> None:
    cycle = full_cycle()
    assert cycle.documents and cycle.dispositions and cycle.assignments
    assert {d.kind for d in cycle.decisions} == {"paraf", "return", "sign"}
    assert any(item.files for a in cycle.assignments for item in a.items)
    assert len(cycle.history) > 8 and cycle.reports and cycle.filed

    db = open_db()
    CycleRepository(db).save(cycle)
    db.close()
    loaded = CycleRepository(open_db()).get(UNIT_CODE, 2026, 4)
    assert loaded == cycle
    assert loaded.to_dict() == cycle.to_dict()
    # every field, one by one, for a readable failure
    for f in dataclasses.fields(Cycle):
        assert getattr(loaded, f.name) == getattr(cycle, f.name), f.name


def test_get_of_an_unknown_cycle_is_none(open_db) -> None:
    repo = CycleRepository(open_db())
    repo.save(light_cycle(2026, 1))
    assert repo.get(UNIT_CODE, 2026, 2) is None
    assert repo.get(UNIT_CODE, 2027, 1) is None
    assert repo.get("satpol-cmh", 2026, 1) is None


def test_save_is_an_upsert(open_db) -> None:
    repo = CycleRepository(open_db())
    repo.save(light_cycle(2026, 1))
    repo.save(dataclasses.replace(light_cycle(2026, 1), step=3, rev=2))
    assert repo.get(UNIT_CODE, 2026, 1).step == 3
    assert len(repo.list_unit(UNIT_CODE)) == 1


@pytest.mark.parametrize(
    ("stored_rev", "expected_rev", "ok"),
    [
        (None, None, True),
        (None, 0, True),  # a new cycle: nothing stored to conflict with
        (1, 1, True),
        (1, None, True),  # no check asked for
        (1, 0, False),
        (1, 2, False),
        (5, 4, False),
    ],
)
def test_expected_rev(open_db, stored_rev, expected_rev, ok: bool) -> None:
    repo = CycleRepository(open_db())
    if stored_rev is not None:
        repo.save(light_cycle(2026, 4, rev=stored_rev))
    new = dataclasses.replace(light_cycle(2026, 4, rev=(stored_rev or 0) + 1), step=3)
    if ok:
        repo.save(new, expected_rev=expected_rev)
        assert repo.get(UNIT_CODE, 2026, 4) == new
    else:
        with pytest.raises(ConcurrentUpdateError, match="satpolpp-bdg:2026:4"):
            repo.save(new, expected_rev=expected_rev)
        assert repo.get(UNIT_CODE, 2026, 4) == light_cycle(2026, 4, rev=stored_rev)


def test_two_writers_from_the_same_read_the_second_is_refused(open_db) -> None:
    repo = CycleRepository(open_db())
    repo.save(light_cycle(2026, 4, rev=3))
    a = repo.get(UNIT_CODE, 2026, 4)
    b = repo.get(UNIT_CODE, 2026, 4)
    repo.save(dataclasses.replace(a, step=3, rev=4), expected_rev=a.rev)
    with pytest.raises(ConcurrentUpdateError):
        repo.save(dataclasses.replace(b, step=5, rev=4), expected_rev=b.rev)
    assert repo.get(UNIT_CODE, 2026, 4).step == 3


def test_cycles_of_different_years_and_units_go_to_different_files(open_db) -> None:
    db = open_db()
    repo = CycleRepository(db)
    for cycle in [
        light_cycle(2026, 4),
        light_cycle(2027, 1),
        light_cycle(2026, 1, unit="satpol-cmh"),
    ]:
        repo.save(cycle)
    ids = {
        rel: [d["id"] for d in open_db().file(*rel.split("/")).table("cycles").all()]
        for rel in db.store_files()
        if rel.startswith("units/")
    }
    assert ids == {
        "units/satpolpp-bdg/2026.json": ["satpolpp-bdg:2026:4"],
        "units/satpolpp-bdg/2027.json": ["satpolpp-bdg:2027:1"],
        "units/satpol-cmh/2026.json": ["satpol-cmh:2026:1"],
    }
    assert repo.years(UNIT_CODE) == [2026, 2027]


def test_list_unit_sorts_by_year_and_quarter(open_db) -> None:
    db = open_db()
    repo = CycleRepository(db)
    for year, tw in [(2027, 1), (2026, 4), (2025, 3), (2026, 2), (2026, 1), (2025, 4)]:
        repo.save(light_cycle(year, tw))
    repo.save(light_cycle(2026, 3, unit="satpol-cmh"))
    db.file("units", UNIT_CODE, "catatan.json").table("t").insert({})  # not a year: ignored
    listed = [(c.year, c.triwulan) for c in repo.list_unit(UNIT_CODE)]
    assert listed == [(2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 4), (2027, 1)]
    assert [(c.year, c.triwulan) for c in repo.list_unit(UNIT_CODE, 2026)] == [
        (2026, 1),
        (2026, 2),
        (2026, 4),
    ]
    assert repo.list_unit(UNIT_CODE, 2030) == []
    assert repo.list_unit("tidak-ada") == []


# --- SessionRepository ------------------------------------------------------------------------


def test_sessions_put_get_clear_and_survive_a_restart(open_db) -> None:
    db = open_db()
    sessions = SessionRepository(db)
    assert sessions.get(1004) is None
    sessions.put(1004, {"form": "return", "index": 1, "values": {"reason": "Perbaiki"}})
    sessions.put(1005, {"form": "divide", "index": 0, "values": {}})
    db.close()
    sessions = SessionRepository(open_db())
    assert sessions.get(1004) == {
        "form": "return",
        "index": 1,
        "values": {"reason": "Perbaiki"},
        "user_id": 1004,
    }
    sessions.clear(1004)
    sessions.clear(4242)  # nothing to clear: no error
    assert sessions.get(1004) is None
    assert sessions.get(1005)["form"] == "divide"


def test_session_put_updates_the_existing_session(open_db) -> None:
    sessions = SessionRepository(open_db())
    sessions.put(1004, {"form": "return", "index": 0})
    sessions.put(1004, {"form": "return", "index": 1})
    assert sessions.get(1004) == {"form": "return", "index": 1, "user_id": 1004}
    assert len(sessions.all()) == 1


def test_session_put_replaces_the_previous_session(open_db) -> None:
    sessions = SessionRepository(open_db())
    sessions.put(1004, {"form": "divide", "tasks": [1, 2], "draft": "lama"})
    sessions.put(1004, {"form": "return"})
    assert sessions.get(1004) == {"form": "return", "user_id": 1004}


# --- ButtonRepository -------------------------------------------------------------------------

TOKEN_CHARS = set(string.ascii_letters + string.digits + "-_")


def test_button_tokens_are_unique_opaque_and_fit_callback_data(open_db) -> None:
    buttons = ButtonRepository(open_db())
    payloads = [{"action": "paraf", "cycle": f"c:{n}", "rev": n, "group": "g"} for n in range(50)]
    tokens = [buttons.issue(p) for p in payloads[:10]] + buttons.issue_many(payloads[10:])
    assert len(tokens) == len(set(tokens)) == 50
    for token, payload in zip(tokens, payloads, strict=True):
        assert set(token) <= TOKEN_CHARS
        assert len(f"b:{token}".encode()) <= 64  # Telegram's callback_data limit
        assert buttons.get(token) == {**payload, "token": token}
    assert buttons.issue_many([]) == []


def test_button_get_revoke_and_revoke_group(open_db) -> None:
    buttons = ButtonRepository(open_db())
    a1, a2 = buttons.issue_many([{"action": "x", "group": "A"}, {"action": "y", "group": "A"}])
    b1 = buttons.issue({"action": "z", "group": "B"})
    lone = buttons.issue({"action": "w"})
    assert buttons.get("tidak-ada") is None
    buttons.revoke_group("A")
    assert (buttons.get(a1), buttons.get(a2)) == (None, None)
    assert buttons.get(b1)["action"] == "z" and buttons.get(lone)["action"] == "w"
    buttons.revoke(b1)
    buttons.revoke_group("tidak-ada")
    assert buttons.get(b1) is None and buttons.get(lone) is not None


def test_button_revoke_cycle_drops_that_cycle_only(open_db) -> None:
    buttons = ButtonRepository(open_db())
    tokens = {
        (cycle, rev): buttons.issue({"cycle": cycle, "rev": rev})
        for cycle in ("bdg:2026:4", "bdg:2026:3")
        for rev in (3, 4)
    }
    buttons.revoke_cycle("bdg:2026:4")
    alive = {key for key, token in tokens.items() if buttons.get(token) is not None}
    assert alive == {("bdg:2026:3", 3), ("bdg:2026:3", 4)}


def _count_reads(monkeypatch) -> list[Path]:
    """Record every whole-file parse of a store file (the real read still runs)."""
    reads: list[Path] = []
    real = AtomicJSONStorage.read

    def counted(self):
        reads.append(Path(self.path))
        return real(self)

    monkeypatch.setattr(AtomicJSONStorage, "read", counted)
    return reads


def test_button_lookup_parses_nothing_while_the_file_is_unchanged(tmp_path, monkeypatch):
    buttons = ButtonRepository(Database(tmp_path))
    tokens = buttons.issue_many([{"action": "x", "group": f"g{n % 50}"} for n in range(5400)])
    mine = buttons.issue({"action": "paraf", "cycle": "bdg:2026:3", "file": {"name": "a.pdf"}})
    assert buttons.get(mine)["action"] == "paraf"  # the first lookup parses the file once
    reads = _count_reads(monkeypatch)
    for token in (mine, tokens[0], tokens[-1], "tidak-ada"):
        buttons.get(token)
    buttons.revoke_group("no-such-group")
    assert reads == []  # lookups and a revoke that matches nothing: no parse, no rewrite
    # A handler changing what it got back does not change the stored button.
    got = buttons.get(mine)
    got["file"]["name"] = "diubah.pdf"
    assert buttons.get(mine)["file"] == {"name": "a.pdf"}
    # The repository's own writes keep the index current without parsing again for lookups.
    buttons.revoke_group("g1")
    assert buttons.get(tokens[1]) is None and buttons.get(tokens[2]) is not None
    fresh = buttons.issue({"action": "y"})
    assert buttons.get(fresh)["action"] == "y"
    assert buttons.get(tokens[0])["group"] == "g0"
    assert [p for p in reads if p.name == "buttons.json"] == [buttons.path] * 2  # the 2 writes


def test_a_button_file_changed_by_someone_else_is_read_again(open_db) -> None:
    buttons = ButtonRepository(open_db())
    kept = buttons.issue({"action": "x", "group": "A"})
    assert buttons.get(kept) is not None
    other = ButtonRepository(open_db())  # e.g. a restore swapped the directory
    other.revoke(kept)
    added = other.issue({"action": "z"})
    assert buttons.get(kept) is None
    assert buttons.get(added)["action"] == "z"


def test_button_tokens_persist_across_a_restart(open_db, tmp_path, database_url) -> None:
    db = open_db()
    token = ButtonRepository(db).issue({"action": "sign", "group": "g"})
    db.close()
    assert ButtonRepository(open_db()).get(token)["action"] == "sign"
    if database_url is None:
        assert os.path.isfile(tmp_path / "state" / "buttons.json")
