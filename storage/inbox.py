"""A durable inbox of received updates, which is also the log of updates handled.

Telegram forgets an update once the bot has acknowledged it (the next ``getUpdates`` offset
in polling, the 200 answer in webhook mode). So every update is first appended here, one
short fsynced line, and only then acknowledged; once handled, a second line marks it done.
After a kill, the updates received but not done are handled from here (see ``bot.inbox``);
an update that arrives again (Telegram redelivers after a lost answer) is known and dropped.

Format: ``state/inbox.jsonl``, one JSON object per line: ``{"r": id, "u": update}`` when
received, ``{"d": id}`` when done. A torn last line (a kill mid-append) is ignored and cut
off. The file is rewritten (atomically) from memory when it grows, keeping the pending
updates and the last :attr:`UpdateInbox.KEEP` done ids.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from storage.atomic import atomic_write_bytes, fsync_dir

INBOX_REL = "state/inbox.jsonl"


class UpdateInbox:
    KEEP = 2000  # done ids remembered: Telegram redelivers only recent updates

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / INBOX_REL
        self.pending: dict[int, dict[str, Any]] = {}
        self.done: dict[int, None] = {}  # insertion-ordered set
        self.replayed: set[int] = set()
        self._lines = 0
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        whole = raw[: raw.rfind(b"\n") + 1]
        for line in whole.split(b"\n")[:-1]:
            try:
                item = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if "r" in item and item["r"] not in self.done:
                self.pending[item["r"]] = item["u"]
            elif "d" in item:
                self.pending.pop(item["d"], None)
                self.done[item["d"]] = None
        self._trim()
        if len(whole) != len(raw) or self._lines_in(whole) > 2 * self.KEEP:
            self._compact()
        else:
            self._lines = self._lines_in(whole)

    @staticmethod
    def _lines_in(data: bytes) -> int:
        return data.count(b"\n")

    def _trim(self) -> None:
        while len(self.done) > self.KEEP:
            del self.done[next(iter(self.done))]

    def _compact(self) -> None:
        lines = [json.dumps({"d": i}) for i in self.done]
        lines += [json.dumps({"r": i, "u": u}, ensure_ascii=False) for i, u in self.pending.items()]
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        atomic_write_bytes(self.path, "".join(line + "\n" for line in lines).encode("utf-8"))
        self._lines = len(lines)

    def _append(self, item: dict[str, Any]) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            if created:
                fsync_dir(self.path.parent)
        data = (json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        end = os.fstat(self._fd).st_size
        try:
            view = memoryview(data)
            while view:  # a short write (the disk filling up) goes on, or fails below
                view = view[os.write(self._fd, view) :]
            os.fdatasync(self._fd)
        except BaseException:
            # Never leave half a line: the next append would be glued to it and both lost.
            os.ftruncate(self._fd, end)
            raise
        self._lines += 1

    def known(self, update_id: int) -> bool:
        return update_id in self.pending or update_id in self.done

    def handled(self, update_id: int) -> bool:
        """Not waiting to be handled (done, or too old to be remembered)."""
        return update_id not in self.pending

    def receive(self, update_id: int, update: dict[str, Any]) -> bool:
        """Keep a received update durably; False if it was received before (drop it)."""
        with self._lock:
            if self.known(update_id):
                return False
            self._append({"r": update_id, "u": update})
            self.pending[update_id] = update
            return True

    def finish(self, update_id: int) -> None:
        """Mark an update handled (whatever the outcome: it is not handled again)."""
        with self._lock:
            if update_id in self.done:
                return
            self._append({"d": update_id})
            self.pending.pop(update_id, None)
            self.done[update_id] = None
            self._trim()
            if self._lines > 4 * self.KEEP:
                self._compact()

    def take_pending(self) -> list[dict[str, Any]]:
        """The updates received but not handled (at start-up: left by a kill), oldest first."""
        self.replayed.update(self.pending)
        return list(self.pending.values())

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
