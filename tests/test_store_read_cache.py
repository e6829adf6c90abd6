"""A store file's last version is kept while the file on disk is unchanged (issue 12 item 5):
reads cost no parse, yet every change by anyone else is seen and nothing a caller changes in
what it read leaks into the next read."""

from __future__ import annotations

import os

import pytest

from storage.atomic import AtomicJSONStorage, CorruptStoreError
from storage.database import Database
from storage.repositories import SessionRepository

REL = "units/x/2026.json"


def storage(tmp_path) -> AtomicJSONStorage:
    return AtomicJSONStorage(tmp_path / REL, sealed_as=REL)


def test_a_read_after_another_writer_sees_the_new_version(tmp_path):
    mine, theirs = storage(tmp_path), storage(tmp_path)
    mine.write({"cycles": {"1": {"n": 1}}})
    assert mine.read() == {"cycles": {"1": {"n": 1}}}
    theirs.write({"cycles": {"1": {"n": 2}}})  # same size: only the file's identity differs
    assert mine.read() == {"cycles": {"1": {"n": 2}}}
    (tmp_path / REL).unlink()
    assert mine.read() is None


def test_what_a_caller_changes_in_a_read_does_not_reach_the_next_read(tmp_path):
    store = storage(tmp_path)
    store.write({"cycles": {"1": {"history": [1, 2]}}, "t": {"1": {"x": (1, 2)}}})
    first = store.read()
    first["cycles"]["1"]["history"].append(3)
    first["cycles"]["2"] = {"new": True}
    second = store.read()
    assert second == {"cycles": {"1": {"history": [1, 2]}}, "t": {"1": {"x": [1, 2]}}}
    assert second["t"]["1"]["x"] == [1, 2] and isinstance(second["t"]["1"]["x"], list)


def test_an_edit_by_hand_keeping_the_size_is_still_refused(tmp_path):
    store = storage(tmp_path)
    store.write({"cycles": {"1": {"n": 1}}})
    assert store.read() is not None
    path = tmp_path / REL
    raw = path.read_bytes()
    stat = os.stat(path)
    with open(path, "r+b") as fh:  # in place: same inode, same size
        fh.write(raw.replace(b'"n":1', b'"n":7'))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    with pytest.raises(CorruptStoreError, match="checksum"):
        store.read()


def test_a_session_changed_by_its_handler_but_not_saved_is_not_kept(tmp_path):
    sessions = SessionRepository(Database(tmp_path))
    sessions.put(7, {"form": "start", "values": {"note": "asli"}})
    session = sessions.get(7)
    session["values"]["note"] = "diubah tetapi tidak disimpan"
    assert sessions.get(7)["values"]["note"] == "asli"
