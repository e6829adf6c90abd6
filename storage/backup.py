"""Backup and restore of the whole data directory as one verified ``.tar.gz`` archive.

Archive format (``lkj-bot backup``)::

    MANIFEST.json                          first member: {"format": "lkj-bot-backup",
                                            "version": 2, "created_at", "data_dir",
                                            "files": {path: {"sha256", "size"}},
                                            "audit_heads": {path: {"seq", "hash"}}}
    data/<path relative to the data dir>   every file, as a regular-file member, sorted

(Version 1 archives put the manifest last; a restore refuses them, see below.)

Left out: temporary files of interrupted atomic writes (``.<name>.<random>.tmp``), the rolling
``*.bak`` copies (the archive is itself the backup) and symlinks (the bot makes none).

Consistency: the bot is one process and replaces every store file and blob atomically
(``os.replace``), so each file read here is one whole version, even while the bot runs; the
audit logs are append-only and are cut at their last newline, so a backup never holds a torn
audit line. Each file is read once, and the bytes that are archived are the bytes that are
hashed. Files are read one after another, so a backup taken while the bot is busy is like the
state after a crash between two writes, which the bot recovers from anyway; for a
point-in-time copy, stop the bot first. A store file that is damaged stops the backup with
:class:`~storage.atomic.CorruptStoreError`, so a damaged store is never archived as if good.

Restore (``lkj-bot restore``) refuses to overwrite a non-empty data directory unless forced,
and checks the whole archive before it writes a byte: the gzip stream whole, then every member
header: the manifest must come first (an archive that places it after data is refused), and
every other member must be a regular file with a safe name under ``data/`` (no absolute path,
``..``, empty part; no symlink, hard link, device, directory, sparse file), listed in the
manifest, once, with exactly the size the manifest states; the manifest's total must be under
:data:`MAX_RESTORE_BYTES` and under the free space. Only then does it extract, into a temporary
folder beside the data directory, checks every member's sha256 against the manifest, then swaps
the folder in with ``rename`` (``tests/test_restore_limits.py``). With
``force`` the old data directory is kept beside it as ``<name>.sebelum-restore-<time>``, never
deleted. The manifest protects against corruption and mix-ups, not against someone who
rewrites both data and manifest; that is what the audit chain and its recorded heads are for.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from storage.atomic import BACKUP_SUFFIX, CorruptStoreError, _parse_store, fsync_dir, unseal
from storage.audit import HEADS_REL, AuditHeads, VerifyReport, _parse_entry, verify_all
from storage.manifest import MANIFEST_REL, StoreManifest

MANIFEST_NAME = "MANIFEST.json"
DATA_PREFIX = "data/"
FORMAT = "lkj-bot-backup"
VERSION = 2
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_RESTORE_BYTES = 64 * 1024**3  # the most a restore will write (an office's data is far less)
_FREE_MARGIN = 64 * 1024 * 1024  # left free on the disk after a restore
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore was refused; the message (Indonesian) says why."""


@dataclass
class RestoreResult:
    data_dir: Path
    files: int
    previous: Path | None  # where the replaced data directory was kept, if any
    audit: list[VerifyReport] = field(default_factory=list)


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _is_audit_log(rel: str) -> bool:
    """An audit log (the other ``.jsonl`` files, the inbox and the delivery log, have no
    chain and no head)."""
    return rel.startswith("audit/") and rel.endswith(".jsonl")


def _skipped(name: str) -> bool:
    return (name.startswith(".") and name.endswith(".tmp")) or name.endswith(BACKUP_SUFFIX)


def _data_files(data_dir: Path) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(data_dir):
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]
        for name in files:
            path = Path(folder, name)
            if _skipped(name) or path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(data_dir).as_posix(), path))
    return sorted(found)


def _snapshot(rel: str, path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes to archive for one file, read once; checks stores, trims torn audit tails."""
    with open(path, "rb") as fh:
        raw = fh.read()
        st = os.fstat(fh.fileno())
    if rel.endswith(".json"):
        data, reason = _parse_store(raw)
        if data is not None:
            _, reason = unseal(data, rel)
        if reason:
            raise CorruptStoreError(path, reason)
    elif rel.endswith(".jsonl"):
        raw = raw[: raw.rfind(b"\n") + 1]
    return raw, st


def _audit_head(raw: bytes) -> dict[str, Any] | None:
    lines = raw.split(b"\n")[:-1]
    entry = _parse_entry(lines[-1]) if lines else None
    return {"seq": entry["seq"], "hash": entry["hash"]} if entry else None


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    return info


def default_backup_name(now: datetime | None = None) -> str:
    stamp = (now or datetime.now().astimezone()).strftime("%Y%m%d-%H%M%S")
    return f"lkj-backup-{stamp}.tar.gz"


def create_backup(data_dir: Path | str, target: Path | str) -> Path:
    """Write a verified archive of ``data_dir`` to ``target`` (a file, or a folder to put
    ``lkj-backup-<time>.tar.gz`` in) and return its path. The archive appears atomically."""
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        raise BackupError(f"Folder data tidak ditemukan: {data_dir}")
    target = Path(target).absolute()
    if target.is_dir():
        target = target / default_backup_name()
    if _is_within(target.resolve(), data_dir):
        raise BackupError(f"Arsip cadangan tidak boleh disimpan di dalam folder data ({data_dir})")
    target.parent.mkdir(parents=True, exist_ok=True)

    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "data_dir": str(data_dir),
        "files": {},
        "audit_heads": {},
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # The data first into an unnamed temporary tar (each file read once: the bytes
        # archived are the bytes hashed), so that the manifest can lead the archive.
        with os.fdopen(fd, "wb") as fh, tempfile.TemporaryFile(dir=target.parent) as spool:
            with tarfile.open(fileobj=spool, mode="w", format=tarfile.PAX_FORMAT) as data:
                for rel, path in _data_files(data_dir):
                    try:
                        raw, st = _snapshot(rel, path)
                    except FileNotFoundError:
                        continue  # removed since the listing (e.g. a pruned temporary file)
                    info = _tarinfo(DATA_PREFIX + rel, len(raw), st.st_mtime)
                    data.addfile(info, io.BytesIO(raw))
                    manifest["files"][rel] = {
                        "sha256": hashlib.sha256(raw).hexdigest(),
                        "size": len(raw),
                    }
                    if _is_audit_log(rel):
                        manifest["audit_heads"][rel] = _audit_head(raw)
            spool.seek(0)
            with tarfile.open(fileobj=fh, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = _tarinfo(MANIFEST_NAME, len(body), datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(body))
                with tarfile.open(fileobj=spool, mode="r") as data:
                    for member in data:
                        tar.addfile(member, data.extractfile(member))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(target.parent)
    return target


def _check_member_name(name: str) -> str | None:
    """The data-relative path of a member, None for the manifest; raise if it is unsafe."""
    if name == MANIFEST_NAME:
        return None
    if name.startswith("/") or "\\" in name or (len(name) > 1 and name[1] == ":"):
        raise BackupError(f"Arsip ditolak: anggota dengan jalur absolut: {name!r}")
    parts = name.split("/")
    if ".." in parts:
        raise BackupError(f"Arsip ditolak: anggota keluar dari folder (path traversal): {name!r}")
    if any(part in ("", ".") or "\x00" in part for part in parts):
        raise BackupError(f"Arsip ditolak: jalur anggota tidak wajar: {name!r}")
    if parts[0] + "/" != DATA_PREFIX or len(parts) < 2:
        raise BackupError(f"Arsip ditolak: anggota di luar folder data/: {name!r}")
    return "/".join(parts[1:])


def _member_kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "tautan simbolik"
    if member.islnk():
        return "tautan keras"
    if member.isdir():
        return "folder"
    return "berkas khusus (perangkat/FIFO)"


def _copy_member(src: IO[bytes], dest: Path, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        remaining = size
        while remaining > 0:
            chunk = src.read(min(_CHUNK, remaining))
            if not chunk:
                raise BackupError(f"Arsip ditolak: isi {dest.name} terpotong")
            digest.update(chunk)
            out.write(chunk)
            remaining -= len(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.utime(dest, (mtime, mtime))
    return digest.hexdigest()


def _member_rel(member: tarfile.TarInfo) -> str | None:
    """The data-relative path of a safe regular-file member (None: the manifest)."""
    rel = _check_member_name(member.name)
    if not member.isreg() or member.issparse():
        kind = "berkas jarang (sparse)" if member.issparse() else _member_kind(member)
        raise BackupError(f"Arsip ditolak: {member.name!r} adalah {kind}, bukan berkas biasa")
    return rel


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
    """The manifest member, parsed and checked in itself (format, version, file list)."""
    if member.size > _MAX_MANIFEST_BYTES:
        raise BackupError(f"Arsip ditolak: {MANIFEST_NAME} terlalu besar")
    src = tar.extractfile(member)
    if src is None:
        raise BackupError(f"Arsip ditolak: {MANIFEST_NAME} tidak dapat dibaca")
    try:
        manifest = json.loads(src.read())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"Arsip ditolak: {MANIFEST_NAME} rusak ({exc})") from exc
    if not isinstance(manifest, dict):
        raise BackupError(f"Arsip ditolak: {MANIFEST_NAME} tidak sah")
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            f"Arsip ditolak: format manifest tidak dikenal "
            f"({manifest.get('format')!r} versi {manifest.get('version')!r})"
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise BackupError("Arsip ditolak: manifest tanpa daftar berkas")
    for rel, entry in files.items():
        size = entry.get("size") if isinstance(entry, dict) else None
        if type(size) is not int or size < 0 or not isinstance(entry.get("sha256"), str):
            raise BackupError(f"Arsip ditolak: catatan manifest untuk {rel!r} tidak sah")
    return manifest


def _existing_ancestor(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def _scan(archive: Path, destination: Path, max_total: int) -> dict[str, Any]:
    """Check every member header against the manifest before anything is written.

    The manifest must be the first member; every other member must be a safe regular file
    named in the manifest, once, with exactly the size the manifest states; the manifest's
    total must fit under ``max_total`` and in the free space at ``destination``. Reads the
    headers only (the data is skipped, never written anywhere); returns the manifest.
    """
    manifest: dict[str, Any] | None = None
    files: dict[str, Any] = {}
    seen: set[str] = set()
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar:
            rel = _member_rel(member)
            if rel is None:
                if manifest is not None:
                    raise BackupError(f"Arsip ditolak: {MANIFEST_NAME} ganda")
                manifest = _read_manifest(tar, member)
                files = manifest["files"]
                total = sum(entry["size"] for entry in files.values())
                if total > max_total:
                    raise BackupError(
                        f"Arsip ditolak: isi arsip menurut manifest {total} bita, melebihi batas "
                        f"pemulihan {max_total} bita"
                    )
                free = shutil.disk_usage(_existing_ancestor(destination)).free
                if total + _FREE_MARGIN > free:
                    raise BackupError(
                        f"Ruang disk tidak cukup untuk memulihkan arsip: perlu {total} bita "
                        f"ditambah cadangan {_FREE_MARGIN} bita, tersedia {free} bita"
                    )
                continue
            if manifest is None:
                raise BackupError(
                    f"Arsip ditolak: {MANIFEST_NAME} harus menjadi anggota pertama arsip (daftar "
                    f"isi diperiksa sebelum apa pun ditulis), tetapi yang pertama {member.name!r}; "
                    "arsip dari lkj-bot versi lama atau disusun ulang"
                )
            _check_listed(rel, member, files, seen)
            seen.add(rel)
    if manifest is None:
        raise BackupError(f"Arsip ditolak: tidak ada {MANIFEST_NAME} (bukan arsip lkj-bot?)")
    missing = sorted(set(files) - seen)
    if missing:
        raise BackupError(f"Arsip ditolak: {missing[0]} tercatat di manifest tetapi tidak ada")
    return manifest


def _check_listed(
    rel: str, member: tarfile.TarInfo, files: dict[str, Any], seen: Collection[str]
) -> None:
    if rel in seen:
        raise BackupError(f"Arsip ditolak: anggota ganda: {member.name}")
    if rel not in files:
        raise BackupError(f"Arsip ditolak: {rel} ada di arsip tetapi tidak di manifest")
    if member.size != files[rel]["size"]:
        raise BackupError(
            f"Arsip ditolak: {rel} tidak cocok dengan manifest (ukuran {member.size} bita, "
            f"tercatat {files[rel]['size']} bita); arsip rusak atau diubah"
        )


def _extract(archive: Path, staging: Path, manifest: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Extract the data members (checked by :func:`_scan`) into ``staging``; return
    {path: (sha256, size)}. Each member is checked against the manifest again as it comes,
    so what is written never exceeds what the manifest states, whatever the file became."""
    files = manifest["files"]
    seen: dict[str, tuple[str, int]] = {}
    with tarfile.open(archive, mode="r:gz") as tar:
        for n, member in enumerate(tar):
            rel = _member_rel(member)
            if rel is None:
                if n != 0:
                    raise BackupError(f"Arsip ditolak: {MANIFEST_NAME} bukan anggota pertama")
                continue
            if n == 0:
                raise BackupError(f"Arsip ditolak: anggota pertama harus {MANIFEST_NAME}")
            _check_listed(rel, member, files, seen)
            src = tar.extractfile(member)
            if src is None:
                raise BackupError(f"Arsip ditolak: {member.name!r} tidak dapat dibaca")
            dest = staging / rel
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                digest = _copy_member(src, dest, member.size, member.mtime)
            except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
                raise BackupError(f"Arsip ditolak: jalur bertabrakan: {member.name}") from exc
            seen[rel] = (digest, member.size)
    return seen


def _check_manifest(manifest: dict[str, Any], seen: dict[str, tuple[str, int]]) -> None:
    files = manifest["files"]
    for rel in sorted(set(files) | set(seen)):
        if rel not in seen:
            raise BackupError(f"Arsip ditolak: {rel} tercatat di manifest tetapi tidak ada")
        if rel not in files:
            raise BackupError(f"Arsip ditolak: {rel} ada di arsip tetapi tidak di manifest")
        expected = files[rel]
        digest, size = seen[rel]
        if expected.get("sha256") != digest:
            raise BackupError(
                f"Arsip ditolak: isi {rel} tidak cocok dengan manifest (sha256 {digest[:16]}…); "
                "arsip rusak atau diubah"
            )
        if expected.get("size") != size:
            raise BackupError(f"Arsip ditolak: ukuran {rel} tidak cocok dengan manifest")


def _anchor_restored(manifest: dict[str, Any], seen: dict[str, Any], staging: Path) -> None:
    """Check each restored log against the head the archive recorded for it, then record those
    heads and the restored file list as the store's own (they were taken from these bytes)."""
    heads = manifest.get("audit_heads")
    if not isinstance(heads, dict):
        raise BackupError("Arsip ditolak: manifest tanpa kepala log audit (audit_heads)")
    logs = sorted(rel for rel in seen if _is_audit_log(rel))
    for rel in sorted(set(logs) | set(heads)):
        if rel not in seen:
            raise BackupError(f"Arsip ditolak: log audit {rel} tercatat tetapi tidak ada")
        actual = _audit_head((staging / rel).read_bytes())
        if heads.get(rel) != actual:
            raise BackupError(
                f"Arsip ditolak: log audit {rel} tidak sesuai kepala yang tercatat di manifest "
                f"(tercatat {heads.get(rel)}, di arsip {actual}); arsip rusak atau diubah"
            )
    # The archive's own files were read at slightly different moments while the bot ran;
    # where they disagree with what the archive holds, the archive's verified view wins.
    recorded = AuditHeads(staging)
    wanted = {rel: {"seq": h["seq"], "hash": h["hash"]} for rel, h in heads.items() if h}
    stores = {rel for rel in seen if rel.endswith(".json") and rel != MANIFEST_REL}
    if recorded.all() != wanted:
        recorded.replace(wanted)
        stores.add(HEADS_REL)
    listing = StoreManifest(staging)
    if set(listing.files()) != stores:
        listing.replace(sorted(stores))


def _check_compression(archive: Path) -> None:
    """Read the whole gzip stream once (its CRC and length), so that a damaged archive is
    called damaged, with what failed, and not mistaken for one without a manifest."""
    try:
        with gzip.open(archive, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except gzip.BadGzipFile as exc:
        raise BackupError(f"Arsip rusak: {archive} bukan berkas tar.gz ({exc})") from exc
    except EOFError as exc:
        raise BackupError(
            f"Arsip rusak: {archive} terpotong (aliran gzip berakhir sebelum waktunya: {exc})"
        ) from exc
    except (zlib.error, OSError) as exc:
        raise BackupError(f"Arsip rusak: {archive} (isi terkompresi rusak: {exc})") from exc


def _fsync_tree(root: Path) -> None:
    for folder, _, _ in os.walk(root, topdown=False):
        fsync_dir(Path(folder))


def restore_backup(
    archive: Path | str,
    data_dir: Path | str,
    *,
    force: bool = False,
    max_total: int = MAX_RESTORE_BYTES,
) -> RestoreResult:
    """Bring back an archive made by :func:`create_backup` as ``data_dir``.

    Stop the bot first. Refuses a non-empty ``data_dir`` unless ``force`` (then the old one
    is kept beside it and named in the result). Nothing is written before every member's
    name and size was checked against the manifest (and their total against ``max_total``
    and the free space), and nothing in ``data_dir`` changes unless the whole archive was
    extracted and verified.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Arsip tidak ditemukan: {archive}")
    data_dir = Path(data_dir).absolute()
    if data_dir.exists() and not data_dir.is_dir():
        raise BackupError(f"{data_dir} ada tetapi bukan folder")
    non_empty = data_dir.is_dir() and any(data_dir.iterdir())
    if non_empty and not force:
        raise BackupError(
            f"Folder data {data_dir} tidak kosong; pemulihan tidak menimpanya. Hentikan bot dan "
            "ulangi dengan --force (isi lama disimpan di sampingnya, tidak dihapus)."
        )
    # Everything is checked before the first byte is written (no folder made either).
    _check_compression(archive)
    try:
        manifest = _scan(archive, data_dir, max_total)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"Arsip rusak: {archive} ({exc})") from exc
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restore-", dir=data_dir.parent))
    try:
        try:
            seen = _extract(archive, staging, manifest)
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise BackupError(f"Arsip rusak: {archive} ({exc})") from exc
        _check_manifest(manifest, seen)
        _anchor_restored(manifest, seen, staging)
        _fsync_tree(staging)
        audit = verify_all(staging)
        previous: Path | None = None
        if data_dir.is_dir():
            if non_empty:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                previous = data_dir.with_name(f"{data_dir.name}.sebelum-restore-{stamp}")
                n = 1
                while previous.exists():
                    n += 1
                    previous = data_dir.with_name(f"{data_dir.name}.sebelum-restore-{stamp}-{n}")
                os.rename(data_dir, previous)
            else:
                os.rmdir(data_dir)
        os.rename(staging, data_dir)
        fsync_dir(data_dir.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    audit = [replace(r, path=data_dir / r.path.relative_to(staging)) for r in audit]
    return RestoreResult(data_dir=data_dir, files=len(seen), previous=previous, audit=audit)
