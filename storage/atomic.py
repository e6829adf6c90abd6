"""A crash-safe JSON storage for TinyDB, with a rolling "last good" copy of each file.

TinyDB's JSONStorage rewrites its file in place, so a kill mid-write leaves it unreadable.
Here every write goes to a temporary file in the same directory, is fsynced, then atomically
renamed over the old file, and the directory is fsynced so the rename itself survives.

Last good copy (``<name>.bak``, e.g. ``2026.json.bak``): just before a write replaces the
file, the version being replaced is kept under ``<name>.bak`` when it is known to be good
(this storage parsed it, or wrote it itself, and its inode, size and mtime have not changed
since). The scheme costs no data copy: because the file is never modified in place, its
current inode *is* that version, so a hard link to it (``os.link`` to a temporary name, then
``os.replace`` onto ``<name>.bak``) preserves it while the new version is renamed over the
main name. At every instant both names hold a whole, fsynced version: a kill before the
link leaves the older ``.bak``; a kill after it leaves ``.bak`` = the current file; the
directory fsync that ends the main write also makes the ``.bak`` rename durable. The copy is
one write behind (it holds the version *before* the last write) and its mtime is the time
that version was written. Where hard links are not supported the bytes are copied instead.

Sealed files (``sealed_as``, the file's path relative to the data directory): the store's
files carry a top-level ``_integrity`` member, ``{"file": <relative path>, "sha256": <hex>}``,
the sha256 of the canonical encoding of the rest. A change that keeps valid JSON (an edited
value, a file copied over another one) is then refused on reading like a damaged file. Bound
files (``binding``: the store manifest) also carry ``store``, their data folder's identity,
and ``rev``, their revision, both covered by the checksum; see :mod:`storage.manifest`.

A damaged file is never copied over the last good one: a file is only kept as ``.bak`` if it
was read successfully (a file that cannot be read raises :class:`CorruptStoreError` before
TinyDB could write), and ``.bak`` files never match ``*.json``, so start-up checks ignore them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import marshal
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from tinydb.storages import Storage

BACKUP_SUFFIX = ".bak"
SEAL_KEY = "_integrity"


@dataclass(frozen=True)
class GoodBackup:
    """A ``.bak`` copy that was checked to be whole JSON, and when its version was written."""

    path: Path
    written_at: datetime


def backup_path(path: Path) -> Path:
    """Where the last good copy of store file ``path`` is kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def _parse_store(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """(data, "") when ``raw`` is a store's JSON object, else (None, why not, in Indonesian)."""
    if not raw.strip():
        return None, "berkas kosong"
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return None, f"bukan JSON yang sah: {exc}"
    if not isinstance(data, dict):
        return None, "isi bukan objek JSON"
    return data, ""


def _encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _seal_digest(body: dict[str, Any], rel: str, store: str | None, rev: int | None) -> str:
    """The seal's sha256: of the content alone (a file sealed before bindings), or of the
    file's path, data folder identity and revision followed by the content."""
    if store is None:
        return hashlib.sha256(_encode(body)).hexdigest()
    head = _encode({"file": rel, "store": store, "rev": rev})
    return hashlib.sha256(head + b"\n" + _encode(body)).hexdigest()


def seal(data: dict[str, Any], rel: str, store: str | None = None, rev: int | None = None) -> bytes:
    """The bytes of a sealed store file: ``data`` plus its ``_integrity`` member (bound to the
    data folder ``store`` at revision ``rev`` when given)."""
    body = {k: v for k, v in data.items() if k != SEAL_KEY}
    digest = _seal_digest(body, rel, store, rev)
    mark: dict[str, Any] = {"file": rel, "sha256": digest}
    if store is not None:
        mark = {"file": rel, "store": store, "rev": rev, "sha256": digest}
    return _encode({SEAL_KEY: mark, **body})


def seal_mark(data: dict[str, Any]) -> dict[str, Any]:
    """The ``_integrity`` member of a parsed store file ({} if none)."""
    mark = data.get(SEAL_KEY)
    return dict(mark) if isinstance(mark, dict) else {}


def unseal(data: dict[str, Any], rel: str) -> tuple[dict[str, Any] | None, str]:
    """(data without its seal, "") if the seal matches ``rel`` and the content, else why not."""
    mark = data.get(SEAL_KEY)
    if not isinstance(mark, dict):
        return None, "tanpa tanda keutuhan (_integrity): berkas tidak ditulis oleh bot"
    body = {k: v for k, v in data.items() if k != SEAL_KEY}
    if mark.get("file") != rel:
        return None, f"berkas tertukar: isinya milik {mark.get('file')!r}, bukan {rel!r}"
    store, rev = mark.get("store"), mark.get("rev")
    if store is not None and (
        not isinstance(store, str) or not isinstance(rev, int) or isinstance(rev, bool)
    ):
        return None, "tanda keutuhan tidak sah (identitas folder data atau revisi)"
    if _seal_digest(body, rel, store, rev) != mark.get("sha256"):
        return None, "isi diubah di luar bot (checksum sha256 tidak cocok)"
    return body, ""


class StoreBinding(Protocol):
    """Where a bound store file gets its data folder's identity and records each revision
    (:class:`storage.manifest.StoreManifest`)."""

    def store_id(self) -> str: ...

    def record(self, rel: str, rev: int, sha256: str) -> None: ...


def last_good_backup(path: Path) -> GoodBackup | None:
    """The ``.bak`` copy of ``path`` if it exists and is readable, else None."""
    bak = backup_path(path)
    try:
        raw = bak.read_bytes()
        mtime = bak.stat().st_mtime
    except OSError:
        return None
    data, _ = _parse_store(raw)
    if data is None:
        return None
    return GoodBackup(bak, datetime.fromtimestamp(mtime).astimezone())


class CorruptStoreError(Exception):
    """A store file exists but cannot be read: the bot must not start silently empty.

    The message names the damaged file and its last good copy (path and when that version was
    written), or says there is none. ``backup`` holds that copy, if any.
    """

    def __init__(self, path: Path, reason: str, backup: GoodBackup | None = None):
        if backup is None:
            backup = last_good_backup(path)
        self.path = path
        self.reason = reason
        self.backup = backup
        if backup is not None:
            when = backup.written_at.strftime("%Y-%m-%d %H:%M:%S %z")
            hint = (
                f"Cadangan terakhir yang baik: {backup.path} (versi sebelum penulisan terakhir, "
                f"ditulis {when}). Hentikan bot, lalu jalankan lkj-bot store use-backup {path} "
                "(berkas yang rusak disimpan untuk diperiksa; dicatat di log audit), atau "
                "pulihkan dari arsip dengan lkj-bot restore. Menyalin cadangan itu sendiri "
                "ditolak sebagai salinan lama."
            )
        else:
            hint = (
                f"Tidak ada cadangan yang baik untuk berkas ini ({backup_path(path)} tidak ada "
                "atau ikut rusak). Pulihkan dari arsip dengan lkj-bot restore."
            )
        super().__init__(f"Berkas penyimpanan rusak: {path} ({reason}). {hint}")


def storage_full(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is the disk or the database out of space: no room
    left (ENOSPC), the quota used up (EDQUOT), or PostgreSQL's ``disk_full`` (SQLSTATE 53100)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if getattr(error, "sqlstate", None) == "53100":
            return True
        error = error.__cause__ or error.__context__
    return False


def fsync_dir(folder: Path) -> None:
    """Make a rename, link or new file in ``folder`` durable: fsync the directory itself.

    The one implementation for every store file, journal, audit log and backup."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def keep_last_good(path: Path, known_good: tuple[int, int, int, int] | None) -> bool:
    """Keep the current version of ``path`` as ``<name>.bak`` if it is known to be good.

    ``known_good`` is the identity (device, inode, size, mtime) of a version this process read
    or wrote successfully; if the file no longer has it, the file is parsed first. Returns
    whether a copy was kept. Durability comes from the directory fsync of the write that follows.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    if known_good is None or _identity(st) != known_good:
        try:
            raw = path.read_bytes()
        except OSError:
            return False
        if _parse_store(raw)[0] is None:
            return False
    bak = backup_path(path)
    try:
        if bak.exists() and os.path.samefile(path, bak):
            return True
    except OSError:
        pass
    tmp = path.parent / f".{bak.name}.{secrets.token_hex(6)}.tmp"
    try:
        try:
            os.link(path, tmp)
        except OSError:  # no hard links here (some network or FUSE file systems): copy
            raw = path.read_bytes()
            with open(tmp, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, bak)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True


class StoreBindingError(CorruptStoreError):
    """A whole, correctly sealed store file that does not belong here: from another data
    folder, an older copy, or not the revision the manifest recorded."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        self.backup = None
        Exception.__init__(
            self,
            f"Berkas penyimpanan tidak sesuai ikatannya: {path} ({reason}). Berkas ini utuh "
            "tetapi bukan versi yang tercatat untuk folder data ini: riwayat tidak boleh "
            "mundur tanpa diketahui. Hentikan bot dan pulihkan dari arsip dengan lkj-bot "
            "restore, atau kembalikan berkas yang benar.",
        )


class AtomicJSONStorage(Storage):
    """TinyDB storage: whole-file JSON, atomic replace on write, loud failure on damage.

    ``keep_backup`` (default on) keeps the replaced version as ``<name>.bak``, see above.
    ``sealed_as`` (the file's path relative to the data directory) seals every write and
    checks the seal on every read; ``on_create`` is called with it once a new file exists.
    ``binding`` (the store manifest) binds the seal to the data folder's identity and a
    revision that grows by one per write; a file of another folder is refused on reading, and
    every write's revision and sha256 are recorded through it.

    TinyDB reads the whole file for every query, and checking a seal means encoding and hashing
    it again (3.5 ms for a 115 KB year file). So the last version this storage read or wrote is
    kept, marshalled, with the file's identity (device, inode, size, mtime): while the file on
    disk is that same file a read is one ``stat`` and one ``marshal.loads`` (0.6 ms). Every
    write replaces the file (a new inode), so a change by anyone else is always seen. Each read
    returns a fresh copy: what TinyDB or a handler changes in it never reaches the cache.
    """

    def __init__(
        self,
        path: str | Path,
        keep_backup: bool = True,
        sealed_as: str | None = None,
        on_create: Callable[[str], None] | None = None,
        binding: StoreBinding | None = None,
        **_: Any,
    ):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.keep_backup = keep_backup
        self.sealed_as = sealed_as
        self.on_create = on_create
        self.binding = binding if sealed_as is not None else None
        self._known_good: tuple[int, int, int, int] | None = None
        self._cached: tuple[tuple[int, int, int, int], bytes] | None = None
        self._rev = 0  # the revision of the version with identity ``_known_good``

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._cached is not None:
            try:
                same = _identity(os.stat(self.path)) == self._cached[0]
            except FileNotFoundError:
                same = False
            if same:
                return marshal.loads(self._cached[1])
        try:
            with open(self.path, "rb") as fh:
                raw = fh.read()
                st = os.fstat(fh.fileno())
        except FileNotFoundError:
            self._cached = None
            return None
        data, reason = _parse_store(raw)
        rev = 0
        if data is not None and self.sealed_as is not None:
            mark = seal_mark(data)
            data, reason = unseal(data, self.sealed_as)
            if data is not None and self.binding is not None:
                ours = self.binding.store_id()
                if mark.get("store") != ours:
                    self._cached = None
                    raise StoreBindingError(self.path, foreign_reason(mark, ours))
            rev = mark.get("rev") or 0
        if data is None:
            self._cached = None
            raise CorruptStoreError(self.path, reason)
        self._known_good = _identity(st)
        self._rev = rev
        self._cached = (self._known_good, marshal.dumps(data))
        return data

    def _current_rev(self) -> int:
        """The revision of the file now on disk (0: none, or not bound)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return 0
        if self._known_good is not None and _identity(st) == self._known_good:
            return self._rev
        data, _ = _parse_store(self.path.read_bytes())
        rev = seal_mark(data).get("rev") if data is not None else None
        return rev if isinstance(rev, int) and not isinstance(rev, bool) else 0

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        rev = 0
        if self.sealed_as is not None and self.binding is not None:
            rev = self._current_rev() + 1
            encoded = seal(data, self.sealed_as, self.binding.store_id(), rev)
        elif self.sealed_as is not None:
            encoded = seal(data, self.sealed_as)
        else:
            encoded = _encode(data)
        created = False
        if self.keep_backup:
            created = not keep_last_good(self.path, self._known_good) and not self.path.exists()
        elif self.on_create is not None:
            created = not self.path.exists()
        self._cached = None
        atomic_write_bytes(self.path, encoded)
        try:
            self._known_good = _identity(self.path.stat())
        except FileNotFoundError:
            self._known_good = None
        else:  # what a fresh read would return: the JSON types of what was written
            written = json.loads(encoded)
            body = {k: v for k, v in written.items() if k != SEAL_KEY}
            self._cached = (self._known_good, marshal.dumps(body))
            self._rev = rev
            if self.binding is not None and self.sealed_as is not None:
                self.binding.record(self.sealed_as, rev, written[SEAL_KEY]["sha256"])
        if created and self.on_create is not None and self.sealed_as is not None:
            self.on_create(self.sealed_as)

    def close(self) -> None:
        pass


def foreign_reason(mark: dict[str, Any], ours: str) -> str:
    """Why a sealed file's binding is not this data folder's, in Indonesian."""
    theirs = mark.get("store")
    if theirs is None:
        return (
            "tanpa ikatan ke folder data ini (tanda keutuhan tanpa identitas folder dan revisi): "
            "salinan dari sebelum pengikatan atau dari folder lain"
        )
    return (
        f"berkas dari folder data lain: terikat ke folder {str(theirs)[:12]}…, "
        f"folder ini {ours[:12]}…"
    )
