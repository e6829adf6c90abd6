"""Opens the TinyDB files of the data directory, one small file per concern.

A TinyDB file is rewritten whole on every write, so the data is split so that no file grows
without bound: one file per unit and year for cycles, and small state files for pending
input and live buttons, which are pruned as cycles move on. Every file is sealed (its own
path and checksum inside) and listed in the store manifest, so start-up notices a damaged,
edited, swapped or missing file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tinydb import TinyDB

from storage.atomic import SEAL_KEY, AtomicJSONStorage, CorruptStoreError
from storage.blobs import BlobStore
from storage.manifest import (
    MANIFEST_REL,
    StoreManifest,
    bind_files,
    check_bindings,
    missing_file_error,
)

if TYPE_CHECKING:
    from storage.pg import PgStore

log = logging.getLogger(__name__)
_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


class Database:
    """The store: TinyDB files under ``data_dir``, or (``url`` given, ``postgresql://…``)
    the same files as rows of a PostgreSQL database (:mod:`storage.pg`). Uploaded files
    stay in ``data_dir/files`` with either backend."""

    def __init__(
        self,
        data_dir: Path | str,
        url: str | None = None,
        on_lost: Callable[[], None] | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.blobs = BlobStore(self.data_dir / "files")
        self.manifest = StoreManifest(self.data_dir)
        self._open: dict[Path, TinyDB] = {}
        self.pg: PgStore | None = None
        if url:
            # Deferred: storage.pg loads psycopg (heavy, optional), needed only with a database.
            from storage.pg import PgStore

            self.pg = PgStore(url, on_lost)

    def file(self, *parts: str) -> TinyDB:
        for part in parts:
            if not _SAFE.fullmatch(part) or part in (".", ".."):
                raise ValueError(f"unsafe store path part: {part!r}")
        path = self.data_dir.joinpath(*parts)
        db = self._open.get(path)
        if db is None:
            if self.pg is not None:
                # Deferred: psycopg (heavy, optional), as above.
                from storage.pg import PgStorage, PgTinyDB

                db = PgTinyDB(storage=PgStorage, store=self.pg, path="/".join(parts))
            else:
                db = TinyDB(
                    path,
                    storage=AtomicJSONStorage,
                    sealed_as="/".join(parts),
                    binding=self.manifest,
                )
            self._open[path] = db
        return db

    def chat_file(self, name: str, chat: int) -> TinyDB:
        """The store file holding one chat's ``name`` records (sessions, menus …): on
        PostgreSQL a row of its own, ``state/<name>/<chat>.json``, so that workers handling
        different chats never wait on one row; on the files backend the one file
        ``state/<name>.json`` (one process; a file per chat would multiply the fsyncs, the
        seals and the manifest's entries)."""
        if self.pg is not None:
            return self.file("state", name, f"{int(chat)}.json")
        return self.file("state", f"{name}.json")

    def chat_files(self, name: str) -> list[TinyDB]:
        """Every store file holding ``name`` records of any chat (see :meth:`chat_file`)."""
        if self.pg is not None:
            return [self.file("state", name, p.name) for p in self.existing_files("state", name)]
        return [self.file("state", f"{name}.json")]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Reads and writes inside commit together, and the store rows read stay locked
        against other processes until then (PostgreSQL). The file store has one process,
        whose handlers already take the unit's lock: nothing to add there."""
        if self.pg is None:
            yield
            return
        with self.pg.transaction():
            yield

    def signature(self, *parts: str) -> tuple[int, ...] | None:
        """Changes whenever the store file is written, by any process (None: no file)."""
        if self.pg is not None:
            version = self.pg.version("/".join(parts))
            return None if version is None else (version,)
        try:
            st = self.data_dir.joinpath(*parts).stat()
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def existing_files(self, *parts: str) -> list[Path]:
        if self.pg is not None:
            prefix = "/".join(parts) + "/"
            return [
                self.data_dir / rel
                for rel in self.pg.paths(prefix)
                if rel.endswith(".json") and "/" not in rel[len(prefix) :]
            ]
        folder = self.data_dir.joinpath(*parts)
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    def store_files(self) -> list[str]:
        """Relative paths of the store files on disk (not ``.bak``, not the manifest)."""
        if self.pg is not None:
            return self.pg.paths()
        found = (p.relative_to(self.data_dir).as_posix() for p in self.data_dir.rglob("*.json"))
        return sorted(rel for rel in found if rel != MANIFEST_REL)

    def ping(self) -> None:
        """Raise unless the store answers now: the database a query, the folder a write."""
        if self.pg is not None:
            self.pg.execute("SELECT 1").fetchone()
            return
        probe = self.data_dir / ".ping"
        probe.write_bytes(b"")
        probe.unlink()

    def check_all(self) -> None:
        """Read every store file once, so a damaged, edited, swapped, missing, foreign or older
        one stops start-up with its name (and its last good copy). PostgreSQL: the schema is
        there."""
        if self.pg is not None:
            self.pg.check_schema()
            return
        on_disk = self.store_files()
        if not self.manifest.exists() and on_disk and not self._any_sealed(on_disk):
            self._adopt(on_disk)
        if not self.manifest.exists() and on_disk:
            raise CorruptStoreError(
                self.data_dir / MANIFEST_REL,
                "daftar berkas penyimpanan hilang, padahal ada berkas penyimpanan "
                f"({len(on_disk)} berkas); berkas yang hilang tidak dapat diketahui",
            )
        for rel in self.manifest.missing():
            raise missing_file_error(self.data_dir, rel)
        unbound = check_bindings(self.data_dir, self.manifest, on_disk)
        if unbound:  # a data folder of a version before bindings: bound once, here
            bind_files(self.manifest, unbound)
            log.warning(
                "store of an earlier version bound to this data folder: %d files", len(unbound)
            )

    def _any_sealed(self, rels: list[str]) -> bool:
        for rel in rels:
            data = AtomicJSONStorage(self.data_dir / rel).read()  # damaged: refused here
            if isinstance(data, dict) and SEAL_KEY in data:
                return True
        return False

    def _adopt(self, rels: list[str]) -> None:
        """A data directory written before files were sealed (no manifest, no seal anywhere):
        seal every file as it is and list it, once, so an upgrade starts instead of refusing.
        A directory that has any sealed file but no manifest lost its manifest: refused."""
        for rel in rels:
            storage = AtomicJSONStorage(self.data_dir / rel)
            data = storage.read() or {}
            AtomicJSONStorage(self.data_dir / rel, sealed_as=rel).write(data)
        self.manifest.replace(rels)
        log.warning("store of an earlier version adopted: %d files sealed and listed", len(rels))

    def close(self) -> None:
        for db in self._open.values():
            db.close()
        self._open.clear()
        if self.pg is not None:
            self.pg.close()
