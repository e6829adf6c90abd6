"""The list of the store's files, with each one's revision and hash, and the data folder's
identity: a deleted, older, foreign or swapped file is noticed instead of accepted.

``state/manifest.json`` (sealed like every store file) holds ``store``, a random identity
created with the data folder, and ``files``: for each store file the bot has written, when it
was first written (``created``), its revision (``rev``: 1 on the first write, one more on each)
and the sha256 of its seal. Every store file's seal (:func:`storage.atomic.seal`) carries its
own path, this identity and its revision, and its checksum covers them, so a file copied from
another data folder, or an older copy of the same file (its ``.bak`` included), no longer
matches what is recorded here. A file is recorded right after each write (a crash in between
leaves the file one revision ahead: start-up records it then); files are never removed from
the store, so a listed file that is missing was deleted behind the bot's back.

Writers in several processes (the bot and a CLI command) take the manifest's ``flock`` and
read it afresh before changing it, so neither loses the other's records.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.atomic import (
    AtomicJSONStorage,
    CorruptStoreError,
    StoreBindingError,
    _parse_store,
    backup_path,
    foreign_reason,
    keep_last_good,
    seal_mark,
    unseal,
)

MANIFEST_REL = "state/manifest.json"
LOCK_REL = "state/.manifest.lock"


class StoreManifest:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.path = data_dir / MANIFEST_REL
        self._storage = AtomicJSONStorage(self.path, sealed_as=MANIFEST_REL)
        self._lock = threading.RLock()
        self._store: str | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def _data(self) -> dict[str, Any]:
        data = self._storage.read() or {}
        files = data.get("files", {})
        store = data.get("store")
        return {
            "files": dict(files) if isinstance(files, dict) else {},
            "store": store if isinstance(store, str) else None,
        }

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The manifest read afresh under its lock (threads and processes); written back."""
        with self._lock:
            lock_path = self.data_dir / LOCK_REL
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o640)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                data = self._data()
                before = {"files": dict(data["files"]), "store": data["store"]}
                yield data
                if data != before:
                    self._storage.write({"store": data["store"], "files": data["files"]})
            finally:
                os.close(fd)

    def files(self) -> dict[str, Any]:
        """{relative path: {"created", "rev", "sha256"}} of every listed store file."""
        return self._data()["files"]

    def bound(self) -> bool:
        """Whether the data folder has its identity (every store written since is bound)."""
        return self._data()["store"] is not None

    def store_id(self) -> str:
        """The data folder's identity, created (and written) the first time it is asked for."""
        if self._store is None:
            with self._locked() as data:
                if data["store"] is None:
                    data["store"] = secrets.token_hex(16)
                self._store = str(data["store"])
        return self._store

    def record(self, rel: str, rev: int, sha256: str) -> None:
        """Record a store file's revision and seal after a write (lists a new file)."""
        with self._locked() as data:
            if data["store"] is None:
                data["store"] = self._store or secrets.token_hex(16)
            self._store = data["store"]
            old = data["files"].get(rel) or {}
            created = old.get("created") or datetime.now(UTC).isoformat(timespec="seconds")
            data["files"][rel] = {"created": created, "rev": rev, "sha256": sha256}

    def add(self, rel: str) -> None:
        """List a store file that now exists (idempotent)."""
        with self._locked() as data:
            if rel not in data["files"]:
                data["files"][rel] = {"created": datetime.now(UTC).isoformat(timespec="seconds")}

    def replace(self, rels: list[str]) -> None:
        """List exactly ``rels`` (a restore or an export brings back a verified set of files),
        each bound to this folder at the revision it carries (see :func:`bind_files`)."""
        bind_files(self, rels, relist=True)

    def drop_unlisted(self, rels: list[str]) -> None:
        with self._locked() as data:
            data["files"] = {rel: rec for rel, rec in data["files"].items() if rel in rels}

    def missing(self) -> list[str]:
        return sorted(rel for rel in self.files() if not (self.data_dir / rel).exists())


def bind_files(manifest: StoreManifest, rels: list[str], relist: bool = False) -> None:
    """Bind store files to the folder: a file sealed before bindings (or by an export) is sealed
    again, as it is, with the folder's identity at revision 1, and its ``.bak`` made that same
    version; a bound file of this folder is recorded at the revision it carries. With
    ``relist`` the manifest lists exactly ``rels`` afterwards."""
    store = manifest.store_id()
    for rel in rels:
        path = manifest.data_dir / rel
        data, reason = _parse_store(path.read_bytes())
        if data is not None:
            mark = seal_mark(data)
            body, reason = unseal(data, rel) if mark else (data, "")
        if data is None or body is None:
            raise CorruptStoreError(path, reason)
        if mark.get("store") == store:
            manifest.record(rel, int(mark["rev"]), str(mark["sha256"]))
            continue
        storage = AtomicJSONStorage(path, sealed_as=rel, binding=manifest, keep_backup=False)
        storage.write(body)  # revision 1 (recorded)
        keep_last_good(path, None)  # the .bak is this version, not the unbound one
    if relist:
        manifest.drop_unlisted(rels)


def sealed_mark(path: Path, rel: str) -> dict[str, Any]:
    """The seal of a whole, correctly sealed store file (raise CorruptStoreError if not)."""
    return _sealed(path, rel)


def _sealed(path: Path, rel: str) -> dict[str, Any]:
    """The seal of a store file that is whole and correctly sealed; raise if it is not."""
    data, reason = _parse_store(path.read_bytes())
    if data is not None:
        _, reason = unseal(data, rel)
    if data is None or reason:
        raise CorruptStoreError(path, reason)
    return seal_mark(data)


def _revision_problem(mark: dict[str, Any], rec: dict[str, Any]) -> str:
    """Why a bound file's revision disagrees with its record ("" if it does not)."""
    rev, recorded = int(mark["rev"]), int(rec["rev"])
    if rev < recorded:
        return (
            f"salinan lama: revisi {rev}, sedangkan {MANIFEST_REL} mencatat revisi {recorded} "
            f"(sha256 {str(rec.get('sha256'))[:16]}…)"
        )
    if rev == recorded and mark.get("sha256") != rec.get("sha256"):
        return (
            f"isi lain pada revisi yang sama ({rev}): sha256 {str(mark.get('sha256'))[:16]}…, "
            f"tercatat {str(rec.get('sha256'))[:16]}…"
        )
    if rev > recorded + 1:
        return (
            f"revisi {rev} melampaui revisi tercatat {recorded} di {MANIFEST_REL} "
            "(bot mencatat setiap revisi; hanya satu yang dapat tertinggal karena bot berhenti "
            "mendadak)"
        )
    return ""


def check_bindings(
    data_dir: Path, manifest: StoreManifest, rels: list[str], *, record: bool = True
) -> list[str]:
    """Check every store file (and its ``.bak``) against the folder's identity and the
    revision and hash the manifest recorded; raise :class:`StoreBindingError` naming the first
    that disagrees. A file one revision ahead (a kill between its write and its record) or not
    recorded yet is recorded now (unless ``record`` is off: ``audit verify`` writes nothing).
    Returns the files sealed before bindings existed (to bind)."""
    store = manifest._data()["store"]
    backup = backup_path(manifest.path)
    if store is not None and backup.exists():
        try:
            old = AtomicJSONStorage(backup, sealed_as=MANIFEST_REL).read() or {}
        except CorruptStoreError:
            old = {}  # a damaged .bak is never offered; nothing to compare
        if old.get("store") not in (None, store):
            raise StoreBindingError(
                backup, foreign_reason({"store": old.get("store")}, store) + " (cadangan .bak)"
            )
    records = manifest.files()
    unbound: list[str] = []
    for rel in rels:
        path = data_dir / rel
        mark = _sealed(path, rel)
        rec = records.get(rel) or {}
        if mark.get("store") is None:
            if "rev" in rec:
                raise StoreBindingError(
                    path,
                    f"{foreign_reason(mark, store or '-')}; {MANIFEST_REL} mencatat revisi "
                    f"{rec['rev']}",
                )
            unbound.append(rel)
            continue
        if store is None or mark["store"] != store:
            raise StoreBindingError(path, foreign_reason(mark, store or "-"))
        if "rev" in rec:
            problem = _revision_problem(mark, rec)
            if problem:
                raise StoreBindingError(path, problem)
        if record and rec.get("rev") != mark["rev"]:  # written just before a crash
            manifest.record(rel, int(mark["rev"]), str(mark["sha256"]))
        _check_backup(backup_path(path), rel, store, int(mark["rev"]))
    return unbound


def _check_backup(bak: Path, rel: str, store: str, rev: int) -> None:
    """A ``.bak`` is held to the same bindings: this folder's, and not newer than its file."""
    if not bak.exists():
        return
    try:
        mark = _sealed(bak, rel)
    except CorruptStoreError:
        return  # a damaged .bak is never offered as the last good copy
    if mark.get("store") != store:
        raise StoreBindingError(bak, foreign_reason(mark, store) + " (cadangan .bak)")
    if int(mark["rev"]) > rev:
        raise StoreBindingError(
            bak.with_name(bak.name.removesuffix(".bak")),
            f"salinan lama: revisi {rev}, sedangkan cadangannya {bak.name} sudah revisi "
            f"{mark['rev']}",
        )


def missing_file_error(data_dir: Path, rel: str) -> CorruptStoreError:
    """The clear refusal for a listed store file that is gone (with its last good copy)."""
    return CorruptStoreError(
        data_dir / rel,
        f"berkas hilang: tercatat di {MANIFEST_REL} tetapi tidak ada (terhapus di luar bot)",
    )
