"""How many times each key was revoked: the generation that signed buttons are checked against.

A signed button carries everything a press needs, so nothing has to be stored when it is
sent; it carries the generation of its group (and cycle) at the time it was made, and taking
buttons back (an offer acted on, a form ended, a quarter filed) raises the generation. That
is one short appended line, never a rewrite of a whole file; a lookup is a dict read. Buttons
made after a revocation carry the new generation, so a form re-shown in the same group works.
Keys last revoked before the oldest button still accepted are dropped when the file is
compacted. Appends reach the page cache at once, so a killed process loses none; several
processes sharing the data directory read each other's lines on the next lookup, and writers
(an append, a compaction) take the file's lock, so none is lost to another's compaction.

A revocation that a state change causes is not appended before that change is stored: it is
owed in the same write (``app.callback_data``) and appended after it, marked with the owed
entry's id (``"e"``), so applying it again after a kill (or from another worker) is a no-op.

On PostgreSQL (``pg`` given) the journal is the table ``lkj_revoked`` instead, a row per key
(``storage.pg_keyed.PgRevocations``), written on the store's connection: inside a
transaction, with the change it belongs to.

Format: ``state/revoked.jsonl``, one ``{"k": key, "d": "YYYY-MM-DD"}`` per revocation (``"e"``:
the owed entry it applies; a compacted line adds ``"n"``, the count it stands for); a torn
last line (a kill mid-append) is ignored.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from storage.atomic import atomic_write_bytes

if TYPE_CHECKING:
    from storage.pg_keyed import PgRevocations, PgStore

REVOKED_REL = "state/revoked.jsonl"
#: The first line of a compacted journal: ``{"c":"<random>"}`` (skipped as an entry).
HEADER_PREFIX = b'{"c":"'
HEADER_MAX = 64


class Revocations:
    COMPACT_EVERY = 20_000  # lines appended before old ones are dropped

    def __init__(self, data_dir: Path | str, pg: PgStore | None = None):
        self.path = Path(data_dir) / REVOKED_REL
        self._rows: PgRevocations | None = None
        if pg is not None:
            # Deferred: storage.pg_keyed loads psycopg (heavy, optional), as Database does.
            from storage.pg_keyed import PgRevocations

            self._rows = PgRevocations(pg)
        self._keys: dict[str, tuple[int, date]] = {}  # key: (generation, last revoked)
        self._applied: set[tuple[str, str]] = set()  # (owed entry, key) already appended
        self._offset = 0
        self._inode: int | None = None
        self._header = b""
        self._appended = 0
        self._lock = threading.Lock()

    def _catch_up(self) -> None:
        """Read the lines written since the last look (by this process or another); a file
        replaced by a compaction (a new inode) is read again from its start."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return
        with self.path.open("rb") as f:
            # A compacted file begins with a line naming that compaction: the inode of a file
            # replaced twice can be reused, so it alone does not say the file is the same.
            first = f.readline(HEADER_MAX)
            header = first if first.startswith(HEADER_PREFIX) else b""
            if st.st_ino != self._inode or header != self._header:
                self._keys.clear()
                self._applied.clear()
                self._offset, self._inode, self._header = 0, st.st_ino, header
            if st.st_size <= self._offset:
                return
            f.seek(self._offset)
            chunk = f.read(st.st_size - self._offset)
        end = chunk.rfind(b"\n") + 1  # a line still being written is read once complete
        for line in chunk[:end].splitlines():
            try:
                entry = json.loads(line)
                if "e" in entry:
                    once = (str(entry["e"]), str(entry["k"]))
                    if once in self._applied:
                        continue
                    self._applied.add(once)
                count, _ = self._keys.get(entry["k"], (0, None))
                self._keys[entry["k"]] = (
                    count + int(entry.get("n", 1)),
                    date.fromisoformat(entry["d"]),
                )
            except (ValueError, KeyError, TypeError):
                continue
        self._offset += end

    @contextmanager
    def _writing(self) -> Iterator[BinaryIO]:
        """The journal opened for appending, locked against every other writer (other
        processes too), and read up to its end: what is written next follows all of it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            with self.path.open("ab") as f:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)
                try:
                    if os.fstat(f.fileno()).st_ino != os.stat(self.path).st_ino:
                        continue  # compacted while we waited: lock the new file
                except FileNotFoundError:
                    continue
                self._catch_up()
                yield f
                return

    def generation(self, key: str) -> int:
        """How many times ``key`` was revoked (0: never)."""
        if self._rows is not None:
            return self._rows.generation(key)
        with self._lock:
            self._catch_up()
            return self._keys.get(key, (0, None))[0]

    def generations(self, keys: list[str]) -> dict[str, int]:
        """:meth:`generation` of each of ``keys`` at once (a keyboard's: one query on
        PostgreSQL)."""
        if self._rows is not None:
            return self._rows.generations(keys)
        with self._lock:
            self._catch_up()
            return {key: self._keys.get(key, (0, None))[0] for key in keys}

    def add(self, key: str, day: date, once: str | None = None) -> None:
        """Revoke ``key`` once more: what was made under its current generation is stale.

        ``once`` names the owed entry this applies: a second add with the same ``once`` and
        ``key`` (a replay after a kill, another worker) changes nothing."""
        if self._rows is not None:
            self._rows.add(key, day, once)
            self._appended += 1
            return
        item = {"k": key, "d": day.isoformat()} | ({"e": once} if once else {})
        line = (json.dumps(item, separators=(",", ":")) + "\n").encode()
        with self._lock, self._writing() as f:
            if once is not None:
                if (once, key) in self._applied:
                    return
                self._applied.add((once, key))
            f.write(line)
            f.flush()
            self._offset = f.tell()
            self._keys[key] = (self._keys.get(key, (0, day))[0] + 1, day)
            self._appended += 1

    def compact(self, keep_from: date) -> None:
        """Drop the keys last revoked before ``keep_from`` (no button that old is accepted, so
        their generation no longer matters); a kept key keeps its whole count."""
        if self._rows is not None:
            self._rows.compact(keep_from)
            self._appended = 0
            return
        with self._lock, self._writing():
            kept = {k: v for k, v in self._keys.items() if v[1] >= keep_from}
            header = HEADER_PREFIX + secrets.token_hex(8).encode() + b'"}\n'
            data = (
                header
                + "".join(
                    json.dumps({"k": k, "d": d.isoformat(), "n": n}, separators=(",", ":")) + "\n"
                    for k, (n, d) in kept.items()
                ).encode()
            )
            atomic_write_bytes(self.path, data)
            self._keys, self._offset, self._appended = kept, len(data), 0
            self._header = header
            self._applied.clear()  # owed entries are applied long before a compaction
            self._inode = os.stat(self.path).st_ino

    def snapshot(self) -> tuple[dict[str, tuple[int, date]], set[tuple[str, str]]]:
        """The file's keys (generation, day last revoked) and the (owed entry, key) pairs it
        applied since its last compaction: what ``lkj-bot db upgrade`` moves into the table."""
        with self._lock:
            self._catch_up()
            return dict(self._keys), set(self._applied)

    @property
    def due_for_compaction(self) -> bool:
        return self._appended >= self.COMPACT_EVERY

    def __len__(self) -> int:
        if self._rows is not None:
            return self._rows.count()
        with self._lock:
            self._catch_up()
            return len(self._keys)
