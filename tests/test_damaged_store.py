"""Item 2: a damaged store stops start-up, naming the file and its last good copy.

Plus the storage half of item 1: a process writing a store in a loop, killed with SIGKILL at
random moments, always leaves a file (and a last good copy) that opens.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tinydb import TinyDB

from storage.atomic import AtomicJSONStorage, CorruptStoreError, backup_path, last_good_backup
from storage.database import Database

REPO = Path(__file__).resolve().parents[1]
STORE = ("units", "satpolpp-bdg", "2026.json")

DAMAGE = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "not-json": lambda good: b"\x00\x00garbage\xff",
    "not-an-object": lambda good: b"[1, 2, 3]",
}


def _store_with_versions(data_dir: Path, versions: int) -> Path:
    """A cycles store written ``versions`` times through the real Database."""
    db = Database(data_dir)
    table = db.file(*STORE).table("cycles")
    for rev in range(1, versions + 1):
        table.upsert({"id": "satpolpp-bdg:2026:4", "rev": rev}, lambda doc: True)
    db.close()
    return data_dir.joinpath(*STORE)


def _revs(raw: bytes) -> list[int]:
    return [doc["rev"] for doc in json.loads(raw)["cycles"].values()]


def test_each_write_keeps_the_version_it_replaces(tmp_path):
    path = tmp_path / "plain" / "s.json"  # a bare storage, outside the data directory
    storage = AtomicJSONStorage(path)
    storage.write({"t": {}})
    assert not backup_path(path).exists()  # nothing was replaced yet
    first_inode = path.stat().st_ino
    storage.write({"t": {"1": {}}})
    assert backup_path(path).stat().st_ino == first_inode  # a hard link: no copy made
    assert json.loads(backup_path(path).read_bytes()) == {"t": {}}

    data_dir = tmp_path / "data"
    path = _store_with_versions(data_dir, 3)
    assert _revs(path.read_bytes()) == [3]
    bak = backup_path(path)
    assert bak.name == "2026.json.bak" and _revs(bak.read_bytes()) == [2]
    assert not list(path.parent.glob(".*.tmp"))
    Database(data_dir).check_all()  # .bak files are not store files


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_store_names_the_file_and_the_last_good_copy(tmp_path, kind):
    path = _store_with_versions(tmp_path, 2)
    path.write_bytes(DAMAGE[kind](path.read_bytes()))
    with pytest.raises(CorruptStoreError) as caught:
        Database(tmp_path).check_all()
    err = caught.value
    message = str(err)
    assert err.path == path and str(path) in message
    assert err.backup is not None and err.backup.path == backup_path(path)
    assert f"Cadangan terakhir yang baik: {backup_path(path)}" in message
    assert err.backup.written_at.strftime("%Y-%m-%d %H:%M:%S") in message
    assert _revs(err.backup.path.read_bytes()) == [1]


def test_no_backup_is_said_plainly(tmp_path):
    path = tmp_path.joinpath(*STORE)
    Database(tmp_path).file(*STORE).table("cycles").insert({"id": "x"})  # one version only
    path.write_bytes(b"")
    with pytest.raises(CorruptStoreError, match="Tidak ada cadangan yang baik") as caught:
        Database(tmp_path).check_all()
    assert caught.value.backup is None and str(path) in str(caught.value)


def test_a_damaged_backup_is_not_offered(tmp_path):
    path = _store_with_versions(tmp_path, 2)
    path.write_bytes(b"{")
    backup_path(path).write_bytes(b"")
    assert last_good_backup(path) is None
    with pytest.raises(CorruptStoreError, match="Tidak ada cadangan yang baik"):
        Database(tmp_path).check_all()


def test_a_damaged_file_never_becomes_the_last_good_copy(tmp_path):
    path = tmp_path / "s.json"
    storage = AtomicJSONStorage(path)
    storage.write({"t": {"1": {"v": 1}}})
    storage.write({"t": {"1": {"v": 2}}})
    assert storage.read() == {"t": {"1": {"v": 2}}}
    path.write_bytes(b'{"t": {"1": {"v": 2')  # damaged behind the storage's back
    storage.write({"t": {"1": {"v": 3}}})
    assert json.loads(backup_path(path).read_bytes()) == {"t": {"1": {"v": 1}}}


def test_a_file_edited_in_place_is_rechecked_before_it_is_kept(tmp_path):
    path = tmp_path / "s.json"
    storage = AtomicJSONStorage(path)
    storage.write({"t": {}})
    with open(path, "r+b") as fh:  # same inode, other content: parsed again, still good
        fh.write(b'{"u":{}}')
        fh.truncate()
    storage.write({"t": {"1": {}}})
    assert json.loads(backup_path(path).read_bytes()) == {"u": {}}


def test_backup_copy_can_be_switched_off(tmp_path):
    db = TinyDB(tmp_path / "s.json", storage=AtomicJSONStorage, keep_backup=False)
    db.insert({"a": 1})
    db.insert({"a": 2})
    assert not backup_path(tmp_path / "s.json").exists()


def _run_bot(data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(REPO),
        "TELEGRAM_BOT_TOKEN": "1:x",
        "LKJ_DATA_DIR": str(data_dir),
        "LKJ_ROSTER": str(REPO / "roster.example.toml"),
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_bot_refuses_to_start_on_a_damaged_store(tmp_path):
    data_dir = tmp_path / "data"
    path = _store_with_versions(data_dir, 2)
    path.write_bytes(path.read_bytes()[:7])  # truncated
    damaged = path.read_bytes()
    before = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*"))

    result = _run_bot(data_dir, cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert "lkj-bot tidak dapat dijalankan" in result.stderr
    assert f"Berkas penyimpanan rusak: {path}" in result.stderr
    assert f"Cadangan terakhir yang baik: {backup_path(path)}" in result.stderr
    assert "Application started" not in result.stderr
    assert path.read_bytes() == damaged  # nothing rewritten, nothing started empty
    assert sorted(p.relative_to(data_dir) for p in data_dir.rglob("*")) == before


_WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from storage.database import Database
table = Database(sys.argv[1]).file("units", "x", "2026.json").table("cycles")
doc = table.get(doc_id=1)
n = doc["n"] if doc else 0
pad = "x" * 200_000
print("ready", flush=True)
while True:
    n += 1
    table.upsert({"id": "c", "n": n, "pad": pad}, lambda d: True)
"""


def test_sigkill_while_writing_always_leaves_a_store_that_opens(tmp_path):
    """30 kills at random moments of a write loop: the file (sealed, listed in the manifest)
    and its last good copy open."""
    path = tmp_path / "units" / "x" / "2026.json"
    rng = random.Random(2)
    deadline = time.monotonic() + 15
    last_n, kills = 0, 0
    while kills < 30 and time.monotonic() < deadline:
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), str(REPO)], stdout=subprocess.PIPE
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.08))  # a write is two fsynced files (store, manifest)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        kills += 1
        if not path.exists():
            continue
        Database(tmp_path).check_all()  # raises CorruptStoreError if damaged or missing
        data = AtomicJSONStorage(path, sealed_as="units/x/2026.json").read()
        assert data is not None
        # No row yet: killed during the table's first write (the table is created first).
        n = data.get("cycles", {}).get("1", {"n": 0})["n"]
        assert n >= last_n  # never goes back
        last_n = n
        if backup_path(path).exists():
            bak = json.loads(backup_path(path).read_bytes())
            # == n: killed between link and replace; no row yet: the table's first write
            assert bak.get("cycles", {}).get("1", {"n": 0})["n"] <= n
    assert kills >= 10 and last_n > 0
    Database(tmp_path).check_all()


# --- issue 15 item 3: a store that knows its files ---------------------------------------


def test_the_bot_refuses_to_start_when_a_store_file_was_deleted(tmp_path):
    data_dir = tmp_path / "data"
    path = _store_with_versions(data_dir, 2)
    path.unlink()  # its .bak is still there
    result = _run_bot(data_dir, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"Berkas penyimpanan rusak: {path} (berkas hilang" in result.stderr
    assert f"Cadangan terakhir yang baik: {backup_path(path)}" in result.stderr
    assert not path.exists()  # nothing started empty in its place


def _second_year(data_dir: Path) -> Path:
    db = Database(data_dir)
    db.file("units", "satpolpp-bdg", "2025.json").table("cycles").insert({"id": "old"})
    db.close()
    return data_dir / "units" / "satpolpp-bdg" / "2025.json"


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("swapped", "berkas tertukar: isinya milik 'units/satpolpp-bdg/2025.json'"),
        ("edited", "isi diubah di luar bot (checksum sha256 tidak cocok)"),
        ("unsealed", "tanpa tanda keutuhan"),
    ],
)
def test_a_swapped_or_edited_store_file_is_refused_like_a_damaged_one(tmp_path, tamper, reason):
    path = _store_with_versions(tmp_path, 2)
    other = _second_year(tmp_path)
    if tamper == "swapped":
        path.write_bytes(other.read_bytes())  # whole, valid JSON of another file
    elif tamper == "edited":
        path.write_bytes(path.read_bytes().replace(b'"rev":2', b'"rev":9'))
    else:
        data = json.loads(path.read_bytes())
        del data["_integrity"]
        path.write_text(json.dumps(data))
    json.loads(path.read_bytes())  # still valid JSON
    with pytest.raises(CorruptStoreError) as caught:
        Database(tmp_path).check_all()
    assert caught.value.path == path and reason in str(caught.value)
    assert f"Cadangan terakhir yang baik: {backup_path(path)}" in str(caught.value)


def test_a_deleted_store_manifest_is_refused(tmp_path):
    _store_with_versions(tmp_path, 1)
    (tmp_path / "state" / "manifest.json").unlink()
    with pytest.raises(CorruptStoreError, match="daftar berkas penyimpanan hilang"):
        Database(tmp_path).check_all()


def test_a_file_written_just_before_a_crash_is_listed_at_start_up(tmp_path):
    path = _store_with_versions(tmp_path, 1)
    manifest = tmp_path / "state" / "manifest.json"
    listed = json.loads(manifest.read_bytes())["files"]
    assert list(listed) == ["units/satpolpp-bdg/2026.json"]
    db = Database(tmp_path)
    db.manifest.replace([])  # as if killed between the file's first write and its listing
    Database(tmp_path).check_all()
    assert list(json.loads(manifest.read_bytes())["files"]) == ["units/satpolpp-bdg/2026.json"]
    path.unlink()
    with pytest.raises(CorruptStoreError, match="berkas hilang"):
        Database(tmp_path).check_all()


def test_a_store_of_an_earlier_version_is_adopted_once_then_guarded(tmp_path):
    """A data directory written before files were sealed (no seal, no manifest) starts: its
    files are sealed as they are and listed; from then on a deleted file is refused."""
    path = _store_with_versions(tmp_path, 2)
    before = json.loads(path.read_bytes())
    legacy = {k: v for k, v in before.items() if k != "_integrity"}
    path.write_text(json.dumps(legacy))
    (tmp_path / "state" / "manifest.json").unlink()
    Database(tmp_path).check_all()
    after = json.loads(path.read_bytes())
    assert {k: v for k, v in after.items() if k != "_integrity"} == legacy  # the same content
    assert after["_integrity"]["file"] == before["_integrity"]["file"]  # sealed again, bound
    assert after["_integrity"]["rev"] == 1 and after["_integrity"]["store"]
    listed = json.loads((tmp_path / "state" / "manifest.json").read_bytes())["files"]
    assert list(listed) == ["units/satpolpp-bdg/2026.json"]
    Database(tmp_path).check_all()
    path.unlink()
    with pytest.raises(CorruptStoreError, match="berkas hilang"):
        Database(tmp_path).check_all()


def test_a_damaged_file_of_an_earlier_version_is_refused_not_adopted(tmp_path):
    path = _store_with_versions(tmp_path, 1)
    path.write_bytes(b'{"cycles": {"1": ')
    (tmp_path / "state" / "manifest.json").unlink()
    with pytest.raises(CorruptStoreError):
        Database(tmp_path).check_all()
    assert not (tmp_path / "state" / "manifest.json").exists()
