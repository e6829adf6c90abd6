"""Item 12: ``lkj-bot backup`` / ``lkj-bot restore`` round-trip the data directory."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from storage.atomic import CorruptStoreError
from storage.audit import AuditLog, AuditTrail, verify_all
from storage.backup import MANIFEST_NAME, BackupError, create_backup, restore_backup
from storage.database import Database
from storage.repositories import CycleRepository, SessionRepository
from tests.domain_factories import UNIT_CODE, cycle_at, full_cycle, pdf_bytes, xlsx_bytes


def _fill(data_dir: Path) -> dict:
    """Cycles in two years, a pending form, blobs and an audit trail: a realistic data dir."""
    db = Database(data_dir)
    cycles = CycleRepository(db)
    saved = [full_cycle(triwulan=3), cycle_at(4), full_cycle(year=2025, triwulan=4)]
    for cycle in saved:
        cycles.save(cycle)
    cycles.save(saved[1])  # a second write leaves a .bak copy beside the store
    SessionRepository(db).put(1001, {"form": "start", "triwulan": 4})
    blobs = [db.blobs.put(pdf_bytes()), db.blobs.put(xlsx_bytes())]
    trail = AuditTrail(data_dir, on_create=db.manifest.add)  # as the bot writes it: anchored
    for n in range(1, 4):
        trail.append(
            UNIT_CODE, 2026, {"actor": 1001, "role": "kasat", "action": "start", "update_id": n}
        )
    trail.append(
        UNIT_CODE,
        2026,
        {
            "actor": 9,
            "role": "stranger",
            "action": "sign",
            "outcome": "refused",
            "reason": "bukan anggota unit",
        },
    )
    (data_dir / "units" / UNIT_CODE / ".2026.json.abc123.tmp").write_bytes(b"half")  # a crash
    db.close()
    return {"cycles": saved, "blobs": blobs}


def _tree(data_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(data_dir).as_posix(): p.read_bytes()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and not p.name.endswith((".bak", ".tmp"))
    }


def test_round_trip(tmp_path):
    data_dir = tmp_path / "data"
    made = _fill(data_dir)
    before = _tree(data_dir)
    assert "units/satpolpp-bdg/2026.json" in before and "state/sessions.json" in before

    archive = create_backup(data_dir, tmp_path / "out" / "cadangan.tar.gz")
    assert archive == tmp_path / "out" / "cadangan.tar.gz" and not list(archive.parent.glob(".*"))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST_NAME).read())  # type: ignore[union-attr]
    assert names[0] == MANIFEST_NAME  # first: a restore checks every member before writing
    assert sorted(names[1:]) == sorted("data/" + rel for rel in before)  # no .bak, no .tmp
    for rel, raw in before.items():
        assert manifest["files"][rel] == {
            "sha256": hashlib.sha256(raw).hexdigest(),
            "size": len(raw),
        }
    head = manifest["audit_heads"]["audit/units/satpolpp-bdg/2026.jsonl"]
    assert head["seq"] == 4

    shutil.rmtree(data_dir)
    result = restore_backup(archive, data_dir)
    assert result.previous is None and result.files == len(before)
    assert _tree(data_dir) == before
    db = Database(data_dir)
    db.check_all()
    cycles = CycleRepository(db)
    for cycle in made["cycles"]:
        assert cycles.get(cycle.unit, cycle.year, cycle.triwulan) == cycle
    assert [db.blobs.exists(b) for b in made["blobs"]] == [True, True]
    assert db.blobs.get(made["blobs"][0]) == pdf_bytes()
    assert SessionRepository(db).get(1001)["triwulan"] == 4
    assert [r.status for r in result.audit] == ["ok"] and result.audit[0].count == 4
    log = AuditLog.for_unit_year(data_dir, UNIT_CODE, 2026)
    assert log.append({"action": "forward"})["seq"] == 5  # the chain goes on
    assert all(r.status == "ok" for r in verify_all(data_dir))
    assert not list(tmp_path.glob(".data.restore-*"))


def test_restore_does_not_overwrite_unless_forced(tmp_path):
    data_dir = tmp_path / "data"
    _fill(data_dir)
    backed_up = _tree(data_dir)
    archive = create_backup(data_dir, tmp_path)  # a folder: a dated name inside it
    assert archive.parent == tmp_path and archive.name.startswith("lkj-backup-")
    CycleRepository(Database(data_dir)).save(cycle_at(5))
    newer = _tree(data_dir)
    with pytest.raises(BackupError, match="tidak kosong"):
        restore_backup(archive, data_dir)
    assert _tree(data_dir) == newer
    result = restore_backup(archive, data_dir, force=True)
    assert _tree(data_dir) == backed_up
    assert result.previous is not None and _tree(result.previous) == newer  # kept, not deleted
    empty = tmp_path / "empty"
    empty.mkdir()
    restore_backup(archive, empty)  # an empty folder is fine
    assert _tree(empty) == backed_up


def _rewrite(archive: Path, target: Path, change) -> Path:
    """Copy ``archive`` member by member, letting ``change(name, bytes)`` alter contents."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def test_tampered_archive_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    _fill(data_dir)
    archive = create_backup(data_dir, tmp_path / "a.tar.gz")

    def edit(name: str, data: bytes) -> bytes:
        if name == "data/units/satpolpp-bdg/2026.json":
            return data.replace(b'"step":', b'"step" :', 1)
        return data

    bad = _rewrite(archive, tmp_path / "bad.tar.gz", edit)
    target = tmp_path / "restored"
    with pytest.raises(BackupError, match=r"units/satpolpp-bdg/2026\.json tidak cocok"):
        restore_backup(bad, target)
    assert not target.exists() and not list(tmp_path.glob(".restored.restore-*"))

    def drop_audit(name: str, data: bytes) -> bytes:
        return data[: data.find(b"\n") + 1] if name.endswith(".jsonl") else data

    with pytest.raises(BackupError, match="tidak cocok"):
        restore_backup(_rewrite(archive, tmp_path / "short.tar.gz", drop_audit), target)

    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:400])
    with pytest.raises(BackupError, match="Arsip rusak: .*terpotong") as caught:
        restore_backup(truncated, target)
    assert "MANIFEST" not in str(caught.value)
    assert not target.exists()

    flipped = bytearray(archive.read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF  # one damaged byte in the middle
    damaged = tmp_path / "flip.tar.gz"
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(BackupError, match="Arsip rusak") as caught:
        restore_backup(damaged, target)
    assert "MANIFEST" not in str(caught.value)
    not_gzip = tmp_path / "teks.tar.gz"
    not_gzip.write_bytes(b"bukan arsip sama sekali\n" * 10)
    with pytest.raises(BackupError, match="Arsip rusak: .*bukan berkas tar.gz"):
        restore_backup(not_gzip, target)
    assert not target.exists()


def _evil_archive(path: Path, member: tarfile.TarInfo, data: bytes = b"x") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        member.size = len(data) if member.isreg() else 0
        tar.addfile(member, io.BytesIO(data) if member.isreg() else None)
        manifest = json.dumps({"format": "lkj-bot-backup", "version": 1, "files": {}}).encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    return path


def _symlink(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info


def _hardlink(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE
    info.linkname = target
    return info


@pytest.mark.parametrize(
    ("member", "why"),
    [
        (tarfile.TarInfo("data/../../escaped.txt"), "path traversal"),
        (tarfile.TarInfo("../escaped.txt"), "path traversal"),
        (tarfile.TarInfo("/tmp/escaped.txt"), "jalur absolut"),
        (tarfile.TarInfo("elsewhere/escaped.txt"), "di luar folder data"),
        (_symlink("data/units/x.json", "/etc/passwd"), "tautan simbolik"),
        (_hardlink("data/units/x.json", "/etc/passwd"), "tautan keras"),
    ],
    ids=["dotdot-inside", "dotdot", "absolute", "outside-data", "symlink", "hardlink"],
)
def test_path_traversal_and_links_are_refused(tmp_path, member, why):
    archive = _evil_archive(tmp_path / "evil.tar.gz", member)
    target = tmp_path / "deep" / "restored"
    with pytest.raises(BackupError, match=why):
        restore_backup(archive, target)
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not target.exists()


def test_backup_refuses_a_damaged_store_and_a_target_inside_the_data_dir(tmp_path):
    data_dir = tmp_path / "data"
    _fill(data_dir)
    with pytest.raises(BackupError, match="di dalam folder data"):
        create_backup(data_dir, data_dir / "x.tar.gz")
    (data_dir / "state" / "buttons.json").write_bytes(b"")
    with pytest.raises(CorruptStoreError, match="buttons.json"):
        create_backup(data_dir, tmp_path / "x.tar.gz")
    assert not (tmp_path / "x.tar.gz").exists() and not list(tmp_path.glob(".x.tar.gz.*"))


def test_backup_cuts_a_torn_audit_tail(tmp_path):
    data_dir = tmp_path / "data"
    _fill(data_dir)
    log = AuditLog.for_unit_year(data_dir, UNIT_CODE, 2026)
    with open(log.path, "ab") as fh:
        fh.write(b'{"seq":5,"act')  # a crash mid-append
    archive = create_backup(data_dir, tmp_path / "a.tar.gz")
    restored = restore_backup(archive, tmp_path / "r")
    assert [r.status for r in restored.audit] == ["ok"]


def test_cli_backup_and_restore(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("LKJ_DATA_DIR", str(data_dir))
    _fill(data_dir)
    before = _tree(data_dir)
    archive = tmp_path / "arsip.tar.gz"
    assert cli_main(["backup", "--output", str(archive)]) == 0
    assert f"ditulis ke {archive}" in capsys.readouterr().out
    assert cli_main(["restore", str(archive)]) == 2
    assert "tidak kosong" in capsys.readouterr().err
    shutil.rmtree(data_dir)
    assert cli_main(["restore", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "dipulihkan" in out and "OK " in out
    assert _tree(data_dir) == before
    assert cli_main(["restore", str(archive), "--force"]) == 0
    assert "Isi lama disimpan di" in capsys.readouterr().out
