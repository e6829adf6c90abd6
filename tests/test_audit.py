"""Item 10: the hash-chained, append-only audit log and ``lkj-bot audit verify``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main as cli_main
from storage.audit import (
    ENTRY_FIELDS,
    GENESIS_HASH,
    TORN_TAIL_ACTION,
    AuditLog,
    AuditLogError,
    AuditTrail,
    canonical_json,
    entry_hash,
    verify_all,
)

REPO = Path(__file__).resolve().parents[1]
WIB = ZoneInfo("Asia/Jakarta")
UNIT = "satpolpp-bdg"


def _action(n: int, **extra) -> dict:
    return {
        "at": datetime(2026, 10, 5, 8, n % 60, tzinfo=WIB),
        "actor": 1002,
        "role": "sekretaris",
        "action": "paraf",
        "from_step": 6,
        "to_step": 7,
        "cycle": f"{UNIT}:2026:4",
        "update_id": 1000 + n,
        "detail": {"note": f"catatan {n}", "html": "<b>tebal</b>"},
        **extra,
    }


def _filled(tmp_path: Path, n: int = 5) -> AuditLog:
    log = AuditLog.for_unit_year(tmp_path, UNIT, 2026)
    for i in range(1, n + 1):
        log.append(_action(i))
    return log


def _lines(log: AuditLog) -> list[bytes]:
    return log.path.read_bytes().split(b"\n")[:-1]


def _write_lines(log: AuditLog, lines: list[bytes]) -> None:
    log.path.write_bytes(b"".join(line + b"\n" for line in lines))


def test_entries_are_chained_one_line_each(tmp_path):
    log = _filled(tmp_path, 3)
    assert log.path == tmp_path / "audit" / "units" / UNIT / "2026.jsonl"
    entries = list(log.entries())
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS_HASH
    for before, after in zip(entries, entries[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    for entry, raw in zip(entries, _lines(log), strict=True):
        assert set(entry) == set(ENTRY_FIELDS)
        assert entry["hash"] == entry_hash(entry)
        assert raw == canonical_json(entry)  # the stored line is the canonical JSON
    first = entries[0]
    assert (first["unit"], first["year"], first["outcome"]) == (UNIT, 2026, "accepted")
    assert first["at"] == "2026-10-05T08:01:00+07:00"
    report = log.verify()
    assert (report.status, report.count, report.head_hash) == ("ok", 3, entries[-1]["hash"])


def test_an_entrys_hash_covers_its_prev_hash(tmp_path):
    """The chain is in the hash: the same entry after another predecessor hashes differently,
    so an entry cannot be moved behind another one without rehashing it."""
    entry = next(_filled(tmp_path, 1).entries())
    moved = {**entry, "prev_hash": "f" * 64}
    assert entry_hash(moved) != entry_hash(entry) == entry["hash"]
    assert entry_hash({**moved, "prev_hash": entry["prev_hash"]}) == entry["hash"]


def test_append_only_appends(tmp_path):
    log = _filled(tmp_path, 3)
    before = log.path.read_bytes()
    inode = log.path.stat().st_ino
    log.append(_action(4))
    after = log.path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 4
    assert log.path.stat().st_ino == inode  # not a rewrite into a new file


def test_refusals_and_idempotency_key(tmp_path):
    log = AuditLog.for_unit_year(tmp_path, UNIT, 2026)
    refused = log.append(
        {
            "actor": 999,
            "role": "kasat",
            "action": "sign",
            "outcome": "refused",
            "reason": "Langkah ini bukan giliran Anda.",
            "update_id": 7,
            "key": "upd:7",
        }
    )
    assert refused["outcome"] == "refused" and refused["from_step"] is None
    again = AuditLog.for_unit_year(tmp_path, UNIT, 2026).append({"action": "sign", "key": "upd:7"})
    assert again == refused
    assert len(_lines(log)) == 1
    log.append({"action": "sign", "key": "upd:8"})
    assert log.find_key("upd:8")["seq"] == 2
    assert log.append({"action": "sign", "key": "upd:8"})["seq"] == 2
    assert len(_lines(log)) == 2
    stranger = AuditLog.for_unit_year(tmp_path, None, 2026)
    entry = stranger.append(
        {
            "actor": 5555,
            "role": "stranger",
            "action": "start",
            "outcome": "refused",
            "reason": "tidak terdaftar",
        }
    )
    assert stranger.path == tmp_path / "audit" / "global" / "2026.jsonl"
    assert entry["unit"] is None
    assert all(r.status == "ok" for r in verify_all(tmp_path))


def test_bad_input_is_refused(tmp_path):
    log = AuditLog.for_unit_year(tmp_path, UNIT, 2026)
    with pytest.raises(ValueError):
        log.append({"action": "paraf", "seq": 5})
    with pytest.raises(ValueError):
        log.append({"actor": 1})
    with pytest.raises(ValueError):
        log.append({"action": "paraf", "at": datetime(2026, 1, 1)})
    with pytest.raises(ValueError):
        log.append({"action": "paraf", "detail": {1, 2}})
    with pytest.raises(ValueError):
        AuditLog.for_unit_year(tmp_path, "../etc", 2026)
    assert not log.path.exists()


def test_edited_entry_is_detected(tmp_path):
    log = _filled(tmp_path)
    lines = _lines(log)
    lines[2] = lines[2].replace(b'"actor":1002', b'"actor":1001')
    _write_lines(log, lines)
    report = log.verify()
    assert (report.status, report.broken_seq, report.line, report.count) == ("broken", 3, 3, 2)
    assert "diubah" in report.reason


def test_edited_and_rehashed_entry_breaks_the_chain(tmp_path):
    log = _filled(tmp_path)
    lines = _lines(log)
    entry = json.loads(lines[1])
    entry["to_step"] = 8
    entry["hash"] = entry_hash(entry)
    lines[1] = canonical_json(entry)
    _write_lines(log, lines)
    report = log.verify()
    assert (report.status, report.broken_seq) == ("broken", 3)
    assert "prev_hash" in report.reason


def test_deleted_entry_is_detected(tmp_path):
    log = _filled(tmp_path)
    lines = _lines(log)
    del lines[2]
    _write_lines(log, lines)
    report = log.verify()
    assert (report.status, report.broken_seq) == ("broken", 4)
    assert "seq 3 hilang" in report.reason


def test_deleted_and_renumbered_entry_is_detected(tmp_path):
    log = _filled(tmp_path)
    entries = [json.loads(raw) for raw in _lines(log)]
    del entries[1]
    for i, entry in enumerate(entries, start=1):  # renumber and rehash, but keep the chain
        entry["seq"] = i
        entry["hash"] = entry_hash(entry)
    _write_lines(log, [canonical_json(e) for e in entries])
    report = log.verify()
    assert (report.status, report.broken_seq) == ("broken", 2)
    assert "prev_hash" in report.reason


def test_reordered_and_duplicated_entries_are_detected(tmp_path):
    log = _filled(tmp_path)
    lines = _lines(log)
    _write_lines(log, [lines[0], lines[2], lines[1], *lines[3:]])
    report = log.verify()
    assert report.status == "broken" and "urutan" in report.reason
    _write_lines(log, [lines[0], lines[1], lines[1], *lines[2:]])
    report = log.verify()
    assert report.status == "broken" and report.line == 3 and "digandakan" in report.reason


def test_a_log_copied_over_another_units_is_detected(tmp_path):
    src = _filled(tmp_path)
    other = AuditLog.for_unit_year(tmp_path, "satpolpp-cmh", 2026)
    other.path.parent.mkdir(parents=True)
    other.path.write_bytes(src.path.read_bytes())
    reports = {r.path: r for r in verify_all(tmp_path)}
    assert reports[src.path].status == "ok"
    assert reports[other.path].status == "broken" and "log lain" in reports[other.path].reason


def test_torn_tail_is_reported_apart_from_tampering_and_repaired(tmp_path, caplog):
    log = _filled(tmp_path, 3)
    whole = log.path.read_bytes()
    partial = canonical_json({"seq": 4, "action": "paraf", "detail": "x" * 50})[:40]
    with open(log.path, "ab") as fh:
        fh.write(partial)
    report = log.verify()
    assert report.status == "torn_tail" and report.ok and report.count == 3
    assert report.torn_bytes == 40 and "terpotong" in report.message()
    entry = log.append(_action(4))
    data = log.path.read_bytes()
    assert data.startswith(whole) and partial not in data
    entries = list(log.entries())
    assert entries[3]["action"] == TORN_TAIL_ACTION and entries[3]["detail"]["bytes"] == 40
    assert entry["seq"] == 5 and entry["prev_hash"] == entries[3]["hash"]
    assert log.verify().status == "ok"
    assert "torn tail" in caplog.text


def test_torn_tail_holding_a_whole_entry_is_kept(tmp_path):
    log = _filled(tmp_path, 2)
    data = log.path.read_bytes()
    log.append(_action(3))
    log.path.write_bytes(log.path.read_bytes()[:-1])  # the newline never reached the disk
    assert log.verify().status == "torn_tail"
    log.append(_action(4))
    entries = list(log.entries())
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert log.path.read_bytes().startswith(data)
    assert log.verify().status == "ok"


def test_a_damaged_last_line_stops_appends(tmp_path):
    log = _filled(tmp_path, 2)
    lines = _lines(log)
    lines[1] = lines[1].replace(b'"paraf"', b'"sign"')
    _write_lines(log, lines)
    with pytest.raises(AuditLogError, match="audit verify"):
        log.append(_action(3))
    assert len(_lines(log)) == 2


def test_audit_trail_caches_logs(tmp_path):
    trail = AuditTrail(tmp_path)
    assert trail.log(UNIT, 2026) is trail.log(UNIT, 2026)
    trail.append(UNIT, 2026, _action(1))
    trail.append(UNIT, 2027, _action(2))
    assert [r.status for r in trail.verify_all()] == ["ok", "ok"]


def test_cli_audit_verify(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LKJ_DATA_DIR", str(tmp_path / "data"))
    assert cli_main(["audit", "verify"]) == 0
    assert "Belum ada log audit" in capsys.readouterr().out
    log = _filled(tmp_path / "data")
    AuditLog.for_unit_year(tmp_path / "data", None, 2026).append({"action": "start"})
    assert cli_main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.count("OK ") == 2 and "Semua 2 log audit utuh" in out
    lines = _lines(log)
    del lines[1]
    _write_lines(log, lines)
    assert cli_main(["audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert "RUSAK" in captured.out and "2026.jsonl" in captured.out
    assert "seq 2 hilang" in captured.out and "1 dari 2" in captured.err


_APPENDER = """
import sys
sys.path.insert(0, sys.argv[2])
from storage.audit import AuditLog
log = AuditLog(sys.argv[1], "satpolpp-bdg", 2026)
print("ready", flush=True)
n = 0
while True:
    n += 1
    log.append({"action": "upload", "actor": 1004, "detail": {"n": n, "pad": "x" * 3000}})
"""


def test_sigkill_during_appends_never_breaks_the_chain(tmp_path):
    """A process appending in a loop is killed at random moments: every whole line verifies."""
    path = tmp_path / "audit" / "units" / UNIT / "2026.jsonl"
    log = AuditLog(path, UNIT, 2026)
    rng = __import__("random").Random(10)
    deadline = time.monotonic() + 6
    kills, counts = 0, []
    while kills < 12 and time.monotonic() < deadline:
        child = subprocess.Popen(
            [sys.executable, "-c", _APPENDER, str(path), str(REPO)], stdout=subprocess.PIPE
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.005, 0.04))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        kills += 1
        report = log.verify()
        assert report.ok, report.message()
        counts.append(report.count)
    assert kills >= 5 and counts[-1] > counts[0] > 0
    log.append({"action": "after"})
    assert log.verify().status == "ok"
