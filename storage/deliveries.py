"""The delivery log: one short fsynced line per owed message sent, so that a kill right after
Telegram accepted a message repeats it only if it lands within that one small write.

Striking a delivered entry off its outbox means rewriting the unit's whole store file (temp
file, fsync, rename, directory fsync, last-good link); the time that takes is the window in
which a kill makes the bot send the message again after the restart. So the deliverer only
appends the entry's id here (``state/delivered.jsonl``, ``O_APPEND``, ``fdatasync``) right
after each send, and strikes all of a run's entries off the store in one write at its end.
At start-up the ids found here count as sent (they are struck off then); the file is emptied
once everything in it has reached the store and it has grown past :data:`COMPACT_BYTES`.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from storage.atomic import fsync_dir

DELIVERED_REL = "state/delivered.jsonl"
COMPACT_BYTES = 64 * 1024


class DeliveryLog:
    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / DELIVERED_REL
        self._sent: set[str] = set()
        self._lock = threading.Lock()
        self._fd: int | None = None
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = b""
        if raw and not raw.endswith(b"\n"):  # a torn last line was never a completed record
            with open(self.path, "r+b") as fh:
                fh.truncate(raw.rfind(b"\n") + 1)
                os.fsync(fh.fileno())
        for line in raw.split(b"\n")[:-1]:
            try:
                self._sent.add(str(json.loads(line)))
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue

    def was_sent(self, entry_id: str) -> bool:
        return entry_id in self._sent

    def record(self, entry_id: str) -> None:
        """Durably note that the owed entry ``entry_id`` took effect (one short write)."""
        with self._lock:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                created = not self.path.exists()
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                if created:
                    fsync_dir(self.path.parent)
            os.write(self._fd, json.dumps(entry_id).encode() + b"\n")
            os.fdatasync(self._fd)
            self._sent.add(entry_id)

    def settled(self, entry_ids: list[str]) -> None:
        """These ids are now struck off the store; forget them, and empty the file when it
        holds nothing else and has grown (a kill before this only leaves harmless lines)."""
        with self._lock:
            self._sent.difference_update(entry_ids)
            if self._sent or self._fd is None:
                return
            if os.fstat(self._fd).st_size >= COMPACT_BYTES:
                os.ftruncate(self._fd, 0)
                os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
