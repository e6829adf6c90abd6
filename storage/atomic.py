"""A crash-safe JSON storage for TinyDB.

TinyDB's JSONStorage rewrites its file in place, so a kill mid-write leaves it unreadable.
Here every write goes to a temporary file in the same directory, is fsynced, then atomically
renamed over the old file, and the directory is fsynced so the rename itself survives.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage


class CorruptStoreError(Exception):
    """A store file exists but cannot be read: the bot must not start silently empty."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"Berkas penyimpanan rusak: {path} ({reason})")
        self.path = path
        self.reason = reason


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
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class AtomicJSONStorage(Storage):
    """TinyDB storage: whole-file JSON, atomic replace on write, loud failure on damage."""

    def __init__(self, path: str | Path, **_: Any):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            raise CorruptStoreError(self.path, "berkas kosong")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CorruptStoreError(self.path, f"bukan JSON yang sah: {exc}") from exc
        if not isinstance(data, dict):
            raise CorruptStoreError(self.path, "isi bukan objek JSON")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write_bytes(self.path, encoded)

    def close(self) -> None:
        pass
