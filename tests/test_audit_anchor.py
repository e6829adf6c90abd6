"""Issue 15 items 2 and 8: the audit trail's end is anchored, and the chain is checked against
SHA-256 computed here (not with the project's own hash function)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from storage.audit import (
    HEADS_REL,
    AuditAnchorError,
    AuditLog,
    AuditTrail,
    anchor_startup,
    check_anchors,
    verify_file,
)
from storage.backup import MANIFEST_NAME, BackupError, create_backup, restore_backup
from storage.database import Database

UNIT = "satpolpp-bdg"
LOG_REL = f"audit/units/{UNIT}/2026.jsonl"


def _trail(data_dir: Path, n: int) -> AuditTrail:
    db = Database(data_dir)
    trail = AuditTrail(data_dir, on_create=db.manifest.add)
    for i in range(1, n + 1):
        action = "paraf" if i == n - 1 else "tandatangan" if i == n else "upload"
        trail.append(
            UNIT,
            2026,
            {
                "at": datetime(2026, 10, 5, 8, i % 60, tzinfo=UTC),
                "actor": 1000 + i,
                "role": "kasubbag",
                "action": action,
            },
        )
    return trail


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def _verify_cli(data_dir: Path, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("LKJ_DATA_DIR", str(data_dir))
    code = cli_main(["audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_heads_are_recorded_after_every_append(tmp_path):
    trail = _trail(tmp_path, 3)
    heads = json.loads((tmp_path / HEADS_REL).read_bytes())["heads"]
    last = json.loads(_lines(tmp_path / LOG_REL)[-1])
    assert heads == {LOG_REL: {"seq": 3, "hash": last["hash"]}}
    assert [r.status for r in check_anchors(tmp_path, trail.heads)] == ["ok"]
    Database(tmp_path).check_all()  # the heads file is a listed, sealed store file


def test_a_cut_off_end_is_detected_naming_the_last_good_entry(tmp_path, monkeypatch, capsys):
    _trail(tmp_path, 12)
    path = tmp_path / LOG_REL
    path.write_bytes(b"".join(line + b"\n" for line in _lines(path)[:8]))  # paraf, sign gone
    assert verify_file(path).status == "ok"  # the chain alone cannot see it
    code, out = _verify_cli(tmp_path, monkeypatch, capsys)
    assert code == 1
    assert f"RUSAK  {path}: akhir log terpotong" in out
    assert "kepala tercatat seq 12" in out and "entri terakhir yang baik: seq 8" in out
    with pytest.raises(AuditAnchorError, match="akhir log terpotong"):
        anchor_startup(tmp_path, AuditTrail(tmp_path).heads)


def test_a_deleted_log_is_detected(tmp_path, monkeypatch, capsys):
    _trail(tmp_path, 4)
    (tmp_path / LOG_REL).unlink()
    code, out = _verify_cli(tmp_path, monkeypatch, capsys)
    assert code == 1 and f"RUSAK  {tmp_path / LOG_REL}: log audit hilang" in out
    assert "kepala tercatat seq 4" in out


def test_a_log_not_matching_its_head_is_detected(tmp_path, monkeypatch, capsys):
    """A history rewritten and re-linked by hand (every hash recomputed) chains perfectly,
    but its last entry is not the one recorded."""
    _trail(tmp_path, 5)
    path = tmp_path / LOG_REL
    entries = [json.loads(line) for line in _lines(path)]
    entries[2]["actor"] = 4242  # the forger's edit
    prev = entries[1]["hash"]
    for entry in entries[2:]:  # re-link with SHA-256 computed here
        entry["prev_hash"] = prev
        body = {k: v for k, v in entry.items() if k != "hash"}
        canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        entry["hash"] = prev = hashlib.sha256(canon.encode()).hexdigest()
    path.write_bytes(
        b"".join(
            json.dumps(e, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            + b"\n"
            for e in entries
        )
    )
    assert verify_file(path).status == "ok"  # a consistent forgery as far as the chain goes
    code, out = _verify_cli(tmp_path, monkeypatch, capsys)
    assert code == 1 and "log tidak cocok dengan kepala tercatat (seq 5" in out
    assert "entri terakhir yang baik: seq 4" in out


def test_a_kill_between_append_and_head_write_is_not_tampering(tmp_path):
    trail = _trail(tmp_path, 3)
    AuditLog.for_unit_year(tmp_path, UNIT, 2026).append({"action": "upload"})  # no head write
    reports = check_anchors(tmp_path)
    assert [r.status for r in reports] == ["ahead"] and reports[0].ok
    anchor_startup(tmp_path, AuditTrail(tmp_path).heads)  # start-up records the new head
    assert [r.status for r in check_anchors(tmp_path)] == ["ok"]
    assert trail  # (the original trail stays usable)


def test_the_bot_refuses_to_start_on_a_cut_off_log(tmp_path):
    from tests.test_damaged_store import _run_bot

    data_dir = tmp_path / "data"
    _trail(data_dir, 6)
    path = data_dir / LOG_REL
    path.write_bytes(b"".join(line + b"\n" for line in _lines(path)[:3]))
    result = _run_bot(data_dir, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "lkj-bot tidak dapat dijalankan: Log audit tidak utuh" in result.stderr
    assert f"{path}: akhir log terpotong" in result.stderr
    assert "entri terakhir yang baik: seq 3" in result.stderr


def test_audit_anchor_prints_every_head(tmp_path, monkeypatch, capsys):
    _trail(tmp_path, 3)
    monkeypatch.setenv("LKJ_DATA_DIR", str(tmp_path))
    assert cli_main(["audit", "anchor"]) == 0
    out = capsys.readouterr().out
    last = json.loads(_lines(tmp_path / LOG_REL)[-1])
    assert f"{LOG_REL}  seq 3  sha256 {last['hash']}" in out


def test_restore_checks_the_archive_heads(tmp_path):
    data_dir = tmp_path / "data"
    _trail(data_dir, 4)
    archive = create_backup(data_dir, tmp_path / "a.tar.gz")
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(forged, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == MANIFEST_NAME:  # files and sha256 intact, head claims seq 9
                manifest = json.loads(data)
                manifest["audit_heads"][LOG_REL]["seq"] = 9
                data = json.dumps(manifest).encode()
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match=f"log audit {LOG_REL} tidak sesuai kepala"):
        restore_backup(forged, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
    result = restore_backup(archive, tmp_path / "restored")
    assert [r.status for r in check_anchors(result.data_dir)] == ["ok"]
    Database(result.data_dir).check_all()


def test_entry_hash_is_sha256_of_the_canonical_line_including_prev_hash(tmp_path):
    """Fixed answer, computed here: the hash covers every field, prev_hash included."""
    log = AuditLog.for_unit_year(tmp_path, UNIT, 2026)
    at = "2026-10-05T08:00:00+07:00"
    first = log.append({"at": at, "actor": 1002, "role": "sekretaris", "action": "paraf"})
    second = log.append({"at": at, "actor": 1001, "role": "kasat", "action": "tandatangan"})
    template = (
        '{{"action":"{action}","actor":{actor},"at":"{at}","cycle":null,"detail":null,'
        '"from_step":null,"key":null,"outcome":"accepted","prev_hash":"{prev}",'
        '"reason":null,"role":"{role}","seq":{seq},"to_step":null,"unit":"satpolpp-bdg",'
        '"update_id":null,"year":2026}}'
    )
    line1 = template.format(
        action="paraf", actor=1002, at=at, prev="0" * 64, role="sekretaris", seq=1
    )
    hash1 = hashlib.sha256(line1.encode()).hexdigest()
    line2 = template.format(
        action="tandatangan", actor=1001, at=at, prev=hash1, role="kasat", seq=2
    )
    hash2 = hashlib.sha256(line2.encode()).hexdigest()
    assert (first["hash"], second["hash"]) == (hash1, hash2)
    stored = log.path.read_bytes().decode()
    with_hash = line2.replace('"from_step":null,', f'"from_step":null,"hash":"{hash2}",')
    assert stored.endswith(with_hash + "\n")  # the line as stored: keys sorted, hash inside
    # the same content under another prev_hash must hash differently (the chain)
    other = template.format(
        action="tandatangan", actor=1001, at=at, prev="f" * 64, role="kasat", seq=2
    )
    assert hashlib.sha256(other.encode()).hexdigest() != hash2
