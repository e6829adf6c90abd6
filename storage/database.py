"""Opens the TinyDB files of the data directory, one small file per concern.

A TinyDB file is rewritten whole on every write, so the data is split so that no file grows
without bound: one file per unit and year for cycles, and small state files for pending
input and live buttons, which are pruned as cycles move on.
"""

from __future__ import annotations

import re
from pathlib import Path

from tinydb import TinyDB

from storage.atomic import AtomicJSONStorage
from storage.blobs import BlobStore

_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


class Database:
    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.blobs = BlobStore(self.data_dir / "files")
        self._open: dict[Path, TinyDB] = {}

    def file(self, *parts: str) -> TinyDB:
        for part in parts:
            if not _SAFE.fullmatch(part) or part in (".", ".."):
                raise ValueError(f"unsafe store path part: {part!r}")
        path = self.data_dir.joinpath(*parts)
        db = self._open.get(path)
        if db is None:
            db = TinyDB(path, storage=AtomicJSONStorage)
            self._open[path] = db
        return db

    def existing_files(self, *parts: str) -> list[Path]:
        folder = self.data_dir.joinpath(*parts)
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    def check_all(self) -> None:
        """Read every store file once, so a damaged one stops start-up with its name."""
        for path in sorted(self.data_dir.rglob("*.json")):
            AtomicJSONStorage(path).read()

    def close(self) -> None:
        for db in self._open.values():
            db.close()
        self._open.clear()
