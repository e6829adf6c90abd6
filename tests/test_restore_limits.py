"""Issue 24 item 5: a restore checks before it writes. The manifest comes first; every member's
name and size is checked against it, and the total against a cap and the free space, before
any byte is extracted. Crafted archives (a big member not in the manifest, a member larger
than stated, the manifest after the data, a total over the cap or over the free space) are
refused with a clear message and nothing is written: the bytes this process writes during
the attempt are counted (``/proc/self/io``), and the disk around the target is unchanged.
Both backends' restore."""

from __future__ import annotations

import io
import json
import tarfile
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from storage.backup import MANIFEST_NAME, BackupError, create_backup, restore_backup
from storage.pg_backup import restore_pg
from tests.test_backup import _fill

BIG = 64 * 1024 * 1024  # a member of zeros: a few hundred KB compressed


class Zeros(io.RawIOBase):
    """``size`` zero bytes, produced as read (never held in memory)."""

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    return info


def craft(path: Path, members: list[tuple[str, int | bytes]], files: dict, *, last=False) -> Path:
    """A tar.gz with ``members`` (name, bytes or a count of zeros) and a manifest listing
    ``files`` ({rel: size}; sha256 left blank), first unless ``last``."""
    manifest = {
        "format": "lkj-bot-backup",
        "version": 2,
        "files": {rel: {"sha256": "0" * 64, "size": size} for rel, size in files.items()},
        "audit_heads": {},
    }
    body = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as tar:
        if not last:
            tar.addfile(_info(MANIFEST_NAME, len(body)), io.BytesIO(body))
        for name, content in members:
            if isinstance(content, bytes):
                tar.addfile(_info(name, len(content)), io.BytesIO(content))
            else:
                tar.addfile(_info(name, content), Zeros(content))
        if last:
            tar.addfile(_info(MANIFEST_NAME, len(body)), io.BytesIO(body))
    return path


def _written() -> int:
    with open("/proc/self/io") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("wchar:"))


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@contextmanager
def writes_nothing(around: Path):
    """Nothing under ``around`` changes and this process writes (almost) no bytes."""
    before, listing = _written(), _listing(around)
    yield
    assert _written() - before < 256 * 1024  # not the member's megabytes
    assert _listing(around) == listing


def manifest_last(archive: Path, target: Path) -> Path:
    """``archive`` (made by create_backup) with its manifest moved after the data."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        members = [(m, src.extractfile(m).read()) for m in src]  # type: ignore[union-attr]
        for member, data in members[1:] + members[:1]:
            dst.addfile(member, io.BytesIO(data))
    return target


@pytest.fixture
def backup(tmp_path) -> Path:
    data_dir = tmp_path / "source"
    _fill(data_dir)
    return create_backup(data_dir, tmp_path / "arsip" / "cadangan.tar.gz")


def crafted(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Each crafted archive and the refusal it must get."""
    small = b'{"a": 1}'
    root = tmp_path / "arsip"
    root.mkdir(exist_ok=True)
    return {
        "not in the manifest": (
            craft(
                root / "lain.tar.gz",
                [("data/state/a.json", small), ("data/files/ab/besar.bin", BIG)],
                {"state/a.json": len(small)},
            ),
            r"files/ab/besar\.bin ada di arsip tetapi tidak di manifest",
        ),
        "larger than stated": (
            craft(root / "besar.tar.gz", [("data/state/a.json", BIG)], {"state/a.json": 10}),
            r"state/a\.json tidak cocok dengan manifest \(ukuran 67108864 bita, tercatat 10",
        ),
        "manifest last": (
            craft(
                root / "akhir.tar.gz",
                [("data/state/a.json", BIG)],
                {"state/a.json": BIG},
                last=True,
            ),
            "MANIFEST.json harus menjadi anggota pertama",
        ),
        "over the free space": (
            craft(root / "ruang.tar.gz", [("data/state/a.json", small)], {"state/a.json": 2**60}),
            "Ruang disk tidak cukup",
        ),
    }


@pytest.mark.parametrize(
    "case", ["not in the manifest", "larger than stated", "manifest last", "over the free space"]
)
def test_crafted_archives_are_refused_before_a_byte_is_written(tmp_path, case):
    archive, refusal = crafted(tmp_path)[case]
    target = tmp_path / "restore" / "data"
    with writes_nothing(tmp_path), pytest.raises(BackupError, match=refusal):
        restore_backup(archive, target, max_total=2**62)
    assert not target.exists() and not target.parent.exists()


def test_a_real_archive_with_the_manifest_moved_last_is_refused(tmp_path, backup):
    moved = manifest_last(backup, tmp_path / "arsip" / "akhir.tar.gz")
    target = tmp_path / "data"
    with writes_nothing(tmp_path), pytest.raises(BackupError, match="harus menjadi anggota"):
        restore_backup(moved, target)
    assert not target.exists()
    restore_backup(backup, target)  # the archive as made is fine
    assert (target / "units").is_dir()


def test_a_total_over_the_cap_is_refused(tmp_path, backup):
    with tarfile.open(backup) as tar:
        total = sum(m.size for m in tar if m.name != MANIFEST_NAME)
    target = tmp_path / "data"
    with writes_nothing(tmp_path), pytest.raises(BackupError, match="melebihi batas pemulihan"):
        restore_backup(backup, target, max_total=total - 1)
    assert not target.exists()
    assert restore_backup(backup, target, max_total=total).files > 0


@pytest.mark.parametrize("case", ["not in the manifest", "larger than stated", "manifest last"])
def test_postgresql_restore_refuses_them_with_nothing_written(tmp_path, pg_url, case):
    archive, refusal = crafted(tmp_path)[case]
    data_dir = tmp_path / "data"
    with writes_nothing(tmp_path), pytest.raises(BackupError, match=refusal):
        restore_pg(archive, pg_url, data_dir)
    assert not data_dir.exists()
    with psycopg.connect(pg_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM lkj_files), (SELECT count(*) FROM lkj_audit)"
        ).fetchone()
    assert row == (0, 0)
