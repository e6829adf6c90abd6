"""The list of the store's files, so that a deleted one is noticed instead of starting empty.

``state/manifest.json`` (sealed like every store file) names each store file the bot has
created. A file is listed right after it is first written (a crash in between leaves a file
that is not listed yet: start-up lists it then); files are never removed from the store, so a
listed file that is missing was deleted behind the bot's back. Together with the seal inside
each file (:func:`storage.atomic.seal`: its own path and checksum) a missing, swapped or edited
file stops start-up with the same message as a damaged one.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.atomic import AtomicJSONStorage, CorruptStoreError

MANIFEST_REL = "state/manifest.json"


class StoreManifest:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.path = data_dir / MANIFEST_REL
        self._storage = AtomicJSONStorage(self.path, sealed_as=MANIFEST_REL)
        self._lock = threading.Lock()
        self._files: dict[str, Any] | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def files(self) -> dict[str, Any]:
        """{relative path: {"created": ISO time}} of every listed store file."""
        if self._files is None:
            data = self._storage.read() or {}
            files = data.get("files", {})
            self._files = dict(files) if isinstance(files, dict) else {}
        return self._files

    def add(self, rel: str) -> None:
        """List a store file that now exists (idempotent)."""
        with self._lock:
            files = self.files()
            if rel in files:
                return
            files[rel] = {"created": datetime.now(UTC).isoformat(timespec="seconds")}
            self._storage.write({"files": files})

    def replace(self, rels: list[str]) -> None:
        """List exactly ``rels`` (a restore brings back a verified set of files)."""
        with self._lock:
            self._files = {rel: {"created": datetime.now(UTC).isoformat()} for rel in rels}
            self._storage.write({"files": self._files})

    def missing(self) -> list[str]:
        return sorted(rel for rel in self.files() if not (self.data_dir / rel).exists())


def missing_file_error(data_dir: Path, rel: str) -> CorruptStoreError:
    """The clear refusal for a listed store file that is gone (with its last good copy)."""
    return CorruptStoreError(
        data_dir / rel,
        f"berkas hilang: tercatat di {MANIFEST_REL} tetapi tidak ada (terhapus di luar bot)",
    )
