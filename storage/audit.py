"""Append-only, hash-chained audit log: who did what, from which step to which, and when.

Layout under the data directory, one file per unit and year so no file grows without bound::

    audit/units/<unit>/<year>.jsonl    actions on a unit's cycles of that year
    audit/global/<year>.jsonl          events with no unit (e.g. a stranger refused)

Format: JSON Lines, UTF-8, one entry per line, each line the canonical JSON of the entry
(keys sorted, no spaces, ``ensure_ascii=False``) followed by ``\\n``. Every entry has exactly
the keys in :data:`ENTRY_FIELDS` (plus ``state`` where it describes a state change)::

    seq        1, 2, 3, ... without gaps
    at         ISO 8601 time with offset (the caller's clock, default now in UTC)
    unit, year the log the entry belongs to (unit is null in the global log)
    actor      Telegram user id (or null for the bot itself)
    role       the actor's role (kasat, sekretaris, kasubbag, tim_kerja, stranger, system ...)
    action     what was attempted (e.g. "paraf", "forward", "upload")
    outcome    "accepted" (default), "refused", "duplicate", "system" ...
    reason     why it was refused (or null)
    from_step, to_step   SOP step before and after (equal or null when nothing moved)
    cycle      the cycle id (or null)
    update_id  the Telegram update id that carried the action (or null)
    key        optional idempotency key: a second append with the same key returns the
               first entry instead of writing another
    state      only on an entry describing a state change: ``{"file", "table", "id",
               "rev"}``, the store document and the revision the change produced (the
               binding of state and audit, :mod:`storage.bindings`)
    detail     any JSON value (notes, file hashes ...)
    prev_hash  ``hash`` of the previous entry; 64 zeros for the first
    hash       sha256 hex of the canonical JSON of the entry without ``hash`` (so it covers
               ``prev_hash``: the chain)

An append opens the file with ``O_APPEND``, writes one line in one ``write`` and fsyncs it
(plus the directory when the file is new); it never rewrites earlier lines. It reads only the
file's tail to find the previous entry, under an exclusive ``flock``.

A crash mid-append can leave a *torn tail*: bytes after the last newline. :func:`verify_file`
reports that distinctly from tampering (it is not a broken chain), and the next append repairs
it: a tail that is a whole, correctly chained entry just gets its newline; anything else is
truncated away and an ``audit.torn_tail_dropped`` entry records how many bytes were dropped and
their sha256. Tampering found by verification: an edited entry (its hash no longer matches),
a deleted entry (a gap in ``seq`` or a ``prev_hash`` that does not match), reordered or
duplicated entries, a line that is not an entry.

Anchors. Removing whole entries from the *end* of a file (or the whole file) cannot be seen
by a chain alone, so the head of every log (seq and hash of its last entry) is recorded in
``state/audit_heads.json`` (a sealed store file, listed in the store manifest) after every
append. :func:`check_anchors` (run by ``lkj-bot audit verify`` and at start-up) compares each
log with its recorded head: a log that is shorter (cut-off end), missing, or whose entry at
the recorded seq has another hash is reported with the file and the last good entry. A log
one or two entries *ahead* of its head is the trace of a kill between the append and the
head write, not tampering; start-up records the new head. ``lkj-bot audit anchor`` prints the
heads for a paper register, so that a later rewrite of the whole history is provable too.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.atomic import AtomicJSONStorage, fsync_dir
from storage.manifest import StoreManifest

log = logging.getLogger("lkj_bot.audit")
HEADS_REL = "state/audit_heads.json"

AUDIT_DIR = "audit"
GENESIS_HASH = "0" * 64
ENTRY_FIELDS: tuple[str, ...] = (
    "seq",
    "at",
    "unit",
    "year",
    "actor",
    "role",
    "action",
    "outcome",
    "reason",
    "from_step",
    "to_step",
    "cycle",
    "update_id",
    "key",
    "detail",
    "prev_hash",
    "hash",
)
#: Optional: present only on an entry that describes a state change, ``{"file", "table",
#: "id", "rev"}``: the store file, its document and the document's revision it produced.
STATE_FIELD = "state"
ENTRY_KEYS = (frozenset(ENTRY_FIELDS), frozenset(ENTRY_FIELDS) | {STATE_FIELD})
CALLER_FIELDS = frozenset(ENTRY_FIELDS) - {"seq", "unit", "year", "prev_hash", "hash"}
TORN_TAIL_ACTION = "audit.torn_tail_dropped"
_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


class AuditLogError(Exception):
    """The log cannot be appended to safely (its last whole line is not a valid entry)."""


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def entry_hash(entry: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of ``entry`` without its ``hash`` key."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def _parse_entry(line: bytes) -> dict[str, Any] | None:
    """The entry on ``line`` if it is one with the right keys and a matching own hash."""
    try:
        entry = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(entry, dict) or frozenset(entry) not in ENTRY_KEYS:
        return None
    if not isinstance(entry["seq"], int) or entry_hash(entry) != entry["hash"]:
        return None
    return entry


def _make_dirs(folder: Path) -> list[Path]:
    """``mkdir -p folder``; return the folders it created, deepest first."""
    created: list[Path] = []
    missing = folder
    while not missing.exists():
        created.append(missing)
        missing = missing.parent
    folder.mkdir(parents=True, exist_ok=True)
    return created


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class VerifyReport:
    """Result of checking one log file.

    ``status``: "ok" (whole chain verified), "torn_tail" (every whole line verified, but the
    file ends in a partial line left by a crash; not tampering, repaired on the next append)
    or "broken" (``broken_seq``/``line``/``reason`` say where and why).
    """

    path: Path
    status: str
    count: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    line: int | None = None
    reason: str = ""
    torn_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.status != "broken"

    def message(self) -> str:
        """One line in Indonesian for ``lkj-bot audit verify``."""
        head = f"kepala seq {self.head_seq}, hash {self.head_hash[:16]}…"
        if self.status == "ok":
            return f"OK     {self.path}: {self.count} entri, rantai utuh ({head})"
        if self.status == "torn_tail":
            return f"OK*    {self.path}: {self.count} entri utuh ({head}); {self.reason}"
        return (
            f"RUSAK  {self.path}: rantai putus pada seq {self.broken_seq} (baris {self.line}): "
            f"{self.reason}. {self.count} entri sebelumnya utuh."
        )


def verify_file(
    path: Path, unit: str | None = None, year: int | None = None, *, expect_log: bool = False
) -> VerifyReport:
    """Check the whole chain of one log file; with ``expect_log`` also its unit and year."""
    return verify_lines(path, path.read_bytes(), unit, year, expect_log=expect_log)


def verify_lines(
    path: Path,
    data: bytes,
    unit: str | None = None,
    year: int | None = None,
    *,
    expect_log: bool = False,
) -> VerifyReport:
    """Check the chain of a log's JSON lines (``data``), reported under ``path``."""
    pieces = data.split(b"\n")
    lines, torn = pieces[:-1], pieces[-1]
    parsed: list[Any] = []
    for raw in lines:
        try:
            parsed.append(json.loads(raw))
        except (json.JSONDecodeError, UnicodeDecodeError):
            parsed.append(None)
    seqs_at = [p.get("seq") if isinstance(p, dict) else None for p in parsed]

    count, prev_hash, owner = 0, GENESIS_HASH, (unit, year) if expect_log else None

    def broken(number: int, seq: int | None, reason: str) -> VerifyReport:
        return VerifyReport(
            path, "broken", count, count, prev_hash, broken_seq=seq, line=number, reason=reason
        )

    for index, (raw, entry) in enumerate(zip(lines, parsed, strict=True)):
        number, expected = index + 1, count + 1
        if entry is None:
            why = "baris kosong" if not raw.strip() else "baris bukan JSON yang sah"
            return broken(number, expected, f"{why} (diubah atau disisipkan)")
        if not isinstance(entry, dict) or frozenset(entry) not in ENTRY_KEYS:
            return broken(number, expected, "baris bukan entri audit yang sah (kolom tidak cocok)")
        seq = entry["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            return broken(number, expected, "nomor seq tidak sah")
        if entry_hash(entry) != entry["hash"]:
            return broken(number, seq, "isi entri diubah (hash entri tidak cocok dengan isinya)")
        if seq > expected:
            later = set(seqs_at[index + 1 :])
            missing = [s for s in range(expected, seq) if s not in later]
            if len(missing) < seq - expected:
                return broken(
                    number, seq, f"urutan entri diubah (seq {seq} muncul sebelum seq {expected})"
                )
            span = f"{expected}" if seq - expected == 1 else f"{expected}–{seq - 1}"
            return broken(number, seq, f"entri seq {span} hilang (dihapus)")
        if seq < expected:
            return broken(
                number,
                seq,
                f"urutan entri diubah atau entri digandakan (seq {seq} muncul lagi sesudah "
                f"seq {count})",
            )
        if entry["prev_hash"] != prev_hash:
            return broken(
                number,
                seq,
                "rantai hash putus: prev_hash tidak cocok dengan entri sebelumnya "
                "(entri sebelumnya diubah, diganti atau dihapus)",
            )
        if owner is None:
            owner = (entry["unit"], entry["year"])
        if (entry["unit"], entry["year"]) != owner:
            return broken(
                number,
                seq,
                f"entri milik log lain (unit {entry['unit']}, tahun {entry['year']}; "
                f"seharusnya unit {owner[0]}, tahun {owner[1]})",
            )
        count, prev_hash = seq, entry["hash"]

    if torn:
        tail = _parse_entry(torn)
        whole = tail is not None and tail["seq"] == count + 1 and tail["prev_hash"] == prev_hash
        what = "berisi entri utuh tanpa akhir baris" if whole else "tidak lengkap"
        reason = (
            f"baris terakhir terpotong ({len(torn)} byte, {what}): bekas bot berhenti mendadak "
            "saat menulis, bukan perubahan; dipulihkan otomatis pada penulisan berikutnya"
        )
        return VerifyReport(
            path, "torn_tail", count, count, prev_hash, reason=reason, torn_bytes=len(torn)
        )
    return VerifyReport(path, "ok", count, count, prev_hash)


def audit_root(data_dir: Path | str) -> Path:
    return Path(data_dir) / AUDIT_DIR


def log_path(data_dir: Path | str, unit: str | None, year: int) -> Path:
    """``audit/units/<unit>/<year>.jsonl``, or ``audit/global/<year>.jsonl`` for unit None."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
        raise ValueError(f"invalid audit year: {year!r}")
    if unit is None:
        return audit_root(data_dir) / "global" / f"{year}.jsonl"
    if not _SAFE.match(unit):
        raise ValueError(f"unsafe unit code for an audit path: {unit!r}")
    return audit_root(data_dir) / "units" / unit / f"{year}.jsonl"


def _expected_owner(root: Path, path: Path) -> tuple[str | None, int] | None:
    parts = path.relative_to(root).parts
    stem = parts[-1].removesuffix(".jsonl")
    if not stem.isdigit():
        return None
    if len(parts) == 3 and parts[0] == "units":
        return parts[1], int(stem)
    if len(parts) == 2 and parts[0] == "global":
        return None, int(stem)
    return None


def verify_all(data_dir: Path | str) -> list[VerifyReport]:
    """Verify every ``*.jsonl`` under ``<data_dir>/audit``, sorted by path.

    A file in the standard layout must also hold only entries of its own unit and year, so a
    log copied over another unit's is caught.
    """
    root = audit_root(data_dir)
    if not root.is_dir():
        return []
    reports = []
    for path in sorted(root.rglob("*.jsonl")):
        owner = _expected_owner(root, path)
        if owner is None:
            reports.append(verify_file(path))
        else:
            reports.append(verify_file(path, owner[0], owner[1], expect_log=True))
    return reports


# --------------------------------------------------------------------------- appending


def chain_entry(
    record: Mapping[str, Any], last: Mapping[str, Any] | None, unit: str | None, year: int | None
) -> dict[str, Any]:
    """The entry that follows ``last`` in its log: numbered, linked and hashed."""
    entry: dict[str, Any] = dict(record)
    entry.update(
        seq=(last["seq"] + 1) if last else 1,
        unit=unit,
        year=year,
        prev_hash=last["hash"] if last else GENESIS_HASH,
    )
    entry["hash"] = entry_hash(entry)
    return entry


def normalise_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's entry checked and completed (time, outcome), before it is chained."""
    unknown = set(entry) - CALLER_FIELDS - {STATE_FIELD}
    if unknown:
        raise ValueError(f"unknown audit entry keys: {sorted(unknown)}")
    action = entry.get("action")
    if not isinstance(action, str) or not action:
        raise ValueError("an audit entry needs a non-empty 'action'")
    record: dict[str, Any] = {field: entry.get(field) for field in CALLER_FIELDS}
    if entry.get(STATE_FIELD) is not None:
        record[STATE_FIELD] = entry[STATE_FIELD]
    at = record["at"]
    if at is None:
        at = datetime.now(UTC)
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("audit times must be timezone-aware")
        at = at.isoformat()
    if not isinstance(at, str):
        raise ValueError("'at' must be a datetime or an ISO 8601 string")
    record["at"] = at
    if record["outcome"] is None:
        record["outcome"] = "accepted"
    if record["key"] is not None and not isinstance(record["key"], str):
        raise ValueError("'key' must be a string")
    try:
        canonical_json(record)  # fail now, not half-way, if something is not JSON
    except (TypeError, ValueError) as exc:
        raise ValueError(f"audit entry is not plain JSON: {exc}") from exc
    return record


class AuditLog:
    """One append-only chained log file. Cheap to create; safe to have several per file."""

    def __init__(self, path: Path | str, unit: str | None = None, year: int | None = None):
        self.path = Path(path)
        self.unit = unit
        self.year = year
        self._keys: dict[str, dict[str, Any]] = {}
        self._keys_state: tuple[int, int] | None = None  # (inode, bytes scanned)
        self.head: tuple[int, str] | None = None  # (seq, hash) of the last entry, after append

    @classmethod
    def for_unit_year(cls, data_dir: Path | str, unit: str | None, year: int) -> AuditLog:
        """The log of ``unit`` and ``year`` (``unit=None``: the global log of that year)."""
        return cls(log_path(data_dir, unit, year), unit, year)

    # -- reading

    def entries(self) -> Iterator[dict[str, Any]]:
        """The entries on whole lines, in file order, as stored (no chain check)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        for raw in data.split(b"\n")[:-1]:
            yield json.loads(raw)

    def verify(self) -> VerifyReport:
        if not self.path.exists():
            return VerifyReport(self.path, "ok", 0, 0, GENESIS_HASH)
        return verify_file(self.path, self.unit, self.year, expect_log=self.year is not None)

    def find_key(self, key: str) -> dict[str, Any] | None:
        """The entry appended with idempotency ``key``, if any."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            return self._lookup_key(fd, key)
        finally:
            os.close(fd)

    # -- appending

    def append(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """Append one entry and return it as written (with seq, prev_hash and hash).

        ``entry`` may hold the keys in :data:`CALLER_FIELDS`; ``action`` is required. ``at``
        may be an aware datetime or an ISO string (default: now, UTC); ``outcome`` defaults to
        "accepted". With ``key`` set and an entry with that key already in the log, that entry
        is returned and nothing is written. The line is on disk (fsynced) when this returns.
        """
        record = self._normalise(entry)
        new_dirs = _make_dirs(self.path.parent)
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT
        fd = os.open(self.path, flags | getattr(os, "O_CLOEXEC", 0), 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            created = os.fstat(fd).st_size == 0
            last = self._repair_tail(fd)
            if record["key"] is not None:
                existing = self._lookup_key(fd, record["key"])
                if existing is not None:
                    self.head = (last["seq"], last["hash"]) if last else None
                    return existing
            written = self._write_entry(fd, record, last)
            self.head = (written["seq"], written["hash"])
        finally:
            os.close(fd)  # also releases the lock
        if created:
            fsync_dir(self.path.parent)
            for folder in new_dirs:  # so the new file's folders survive a power cut too
                fsync_dir(folder.parent)
        return written

    def _normalise(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        return normalise_entry(entry)

    def _read_tail(self, fd: int) -> tuple[bytes | None, bytes, int]:
        """(last whole line or None, torn tail bytes, offset where the torn tail starts)."""
        size = os.fstat(fd).st_size
        pos, buf = size, b""
        while True:
            if pos == 0 and b"\n" not in buf:
                return None, buf, 0
            end = buf.rfind(b"\n")
            if end != -1:
                start = buf.rfind(b"\n", 0, end)
                if start != -1 or pos == 0:
                    return buf[start + 1 : end], buf[end + 1 :], pos + end + 1
            step = min(8192, pos)
            pos -= step
            buf = os.pread(fd, step, pos) + buf

    def _repair_tail(self, fd: int) -> dict[str, Any] | None:
        """The last entry, after repairing a torn tail; raise if the last line is damaged."""
        line, torn, torn_at = self._read_tail(fd)
        last: dict[str, Any] | None = None
        if line is not None:
            last = _parse_entry(line)
            if last is None:
                raise AuditLogError(
                    f"Log audit rusak: baris terakhir {self.path} bukan entri yang sah; "
                    "periksa dengan lkj-bot audit verify"
                )
        if not torn:
            return last
        tail = _parse_entry(torn)
        prev_seq, prev_hash = (last["seq"], last["hash"]) if last else (0, GENESIS_HASH)
        if tail is not None and tail["seq"] == prev_seq + 1 and tail["prev_hash"] == prev_hash:
            _write_all(fd, b"\n")
            log.warning("audit log %s: completed a whole entry that lacked its newline", self.path)
            return tail
        os.ftruncate(fd, torn_at)
        log.warning(
            "audit log %s: dropped a torn tail of %d bytes left by a crash", self.path, len(torn)
        )
        self._keys_state = None
        note: dict[str, Any] = {field: None for field in CALLER_FIELDS}
        note.update(
            at=datetime.now(UTC).isoformat(),
            role="system",
            action=TORN_TAIL_ACTION,
            outcome="system",
            detail={"bytes": len(torn), "sha256": hashlib.sha256(torn).hexdigest()},
        )
        return self._write_entry(fd, note, last)

    def _write_entry(
        self, fd: int, record: dict[str, Any], last: dict[str, Any] | None
    ) -> dict[str, Any]:
        entry = chain_entry(record, last, self.unit, self.year)
        _write_all(fd, canonical_json(entry) + b"\n")
        os.fsync(fd)
        if entry["key"] is not None and self._keys_state is not None:
            self._keys[entry["key"]] = entry
        return entry

    def _lookup_key(self, fd: int, key: str) -> dict[str, Any] | None:
        """Find ``key`` using an index of keys kept up to date incrementally."""
        st = os.fstat(fd)
        state = self._keys_state
        if state is None or state[0] != st.st_ino or state[1] > st.st_size:
            self._keys, offset = {}, 0
        else:
            offset = state[1]
        data = os.pread(fd, st.st_size - offset, offset)
        end = data.rfind(b"\n")
        if end != -1:
            for raw in data[:end].split(b"\n"):
                try:
                    item = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    continue
                if isinstance(item, dict) and isinstance(item.get("key"), str):
                    self._keys.setdefault(item["key"], item)
            offset += end + 1
        self._keys_state = (st.st_ino, offset)
        return self._keys.get(key)


class AuditHeads:
    """The recorded head of every log (``state/audit_heads.json``), keyed by the log's path
    relative to the data directory."""

    def __init__(self, data_dir: Path | str, on_create: Any = None, binding: Any = None):
        self.data_dir = Path(data_dir)
        self._storage = AtomicJSONStorage(
            self.data_dir / HEADS_REL, sealed_as=HEADS_REL, on_create=on_create, binding=binding
        )
        self._heads: dict[str, dict[str, Any]] | None = None

    def all(self) -> dict[str, dict[str, Any]]:
        """{log path: {"seq", "hash"}}; raises CorruptStoreError if the file was tampered with."""
        if self._heads is None:
            data = self._storage.read() or {}
            heads = data.get("heads", {})
            self._heads = dict(heads) if isinstance(heads, dict) else {}
        return self._heads

    def record(self, rel: str, seq: int, hash_: str) -> None:
        heads = self.all()
        if heads.get(rel) == {"seq": seq, "hash": hash_}:
            return
        heads[rel] = {"seq": seq, "hash": hash_}
        self._storage.write({"heads": heads})

    def replace(self, heads: Mapping[str, Mapping[str, Any]]) -> None:
        self._heads = {rel: {"seq": h["seq"], "hash": h["hash"]} for rel, h in heads.items()}
        if self._storage.binding is None:  # a restore or an export: bound like the bot's
            manifest = StoreManifest(self.data_dir)
            if manifest.exists() and manifest.bound():
                self._storage.binding = manifest
        self._storage.write({"heads": self._heads})


class AuditAnchorError(Exception):
    """An audit log does not reach, or does not match, its recorded head: start-up stops."""


@dataclass(frozen=True)
class AnchorReport:
    """One log compared with its recorded head.

    ``status``: "ok", "ahead" (a kill between append and head write: fine), "unanchored" (a log
    created just before a kill), or the problems "cut" (end cut off), "missing" (log deleted),
    "mismatch" (the entry at the recorded seq differs).
    """

    path: Path
    status: str
    recorded: tuple[int, str] | None
    last: tuple[int, str] | None

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "ahead", "unanchored")

    def message(self) -> str:
        rec = f"seq {self.recorded[0]}, hash {self.recorded[1][:16]}…" if self.recorded else "-"
        good = (
            f"entri terakhir yang baik: seq {self.last[0]} (hash {self.last[1][:16]}…)"
            if self.last
            else "tidak ada entri yang tersisa"
        )
        if self.status == "ok":
            return f"OK     {self.path}: sesuai kepala tercatat ({rec})"
        if self.status == "ahead":
            return f"OK*    {self.path}: melewati kepala tercatat ({rec}); {good}"
        if self.status == "unanchored":
            return f"OK*    {self.path}: kepala belum tercatat; {good}"
        if self.status == "missing":
            return f"RUSAK  {self.path}: log audit hilang (dihapus); kepala tercatat {rec}"
        if self.status == "cut":
            return (
                f"RUSAK  {self.path}: akhir log terpotong (entri dihapus dari akhir); kepala "
                f"tercatat {rec}, {good}"
            )
        return (
            f"RUSAK  {self.path}: log tidak cocok dengan kepala tercatat ({rec}): entri pada seq "
            f"itu berbeda atau hilang; {good}"
        )


def _whole_entries(path: Path) -> list[dict[str, Any]]:
    """The parseable entries of a log's whole lines (the chain is :func:`verify_file`'s job)."""
    found = []
    for raw in path.read_bytes().split(b"\n")[:-1]:
        try:
            entry = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(entry, dict) and isinstance(entry.get("seq"), int):
            found.append(entry)
    return found


AHEAD_LIMIT = 2  # entries a kill between an append and its head write can leave unrecorded


def check_anchors(data_dir: Path | str, heads: AuditHeads | None = None) -> list[AnchorReport]:
    """Compare every log under ``audit/`` with its recorded head, sorted by path."""
    data_dir = Path(data_dir)
    recorded = (heads or AuditHeads(data_dir)).all()
    root = audit_root(data_dir)
    on_disk = {p.relative_to(data_dir).as_posix() for p in root.rglob("*.jsonl") if root.is_dir()}
    reports = []
    for rel in sorted(set(recorded) | on_disk):
        path = data_dir / rel
        head = recorded.get(rel)
        rec = (int(head["seq"]), str(head["hash"])) if head else None
        if rel not in on_disk:
            reports.append(AnchorReport(path, "missing", rec, None))
            continue
        entries = _whole_entries(path)
        last = (entries[-1]["seq"], entries[-1]["hash"]) if entries else None
        if rec is None:
            reports.append(AnchorReport(path, "unanchored", None, last))
            continue
        at = next((e for e in reversed(entries) if e["seq"] == rec[0]), None)
        if last is None or last[0] < rec[0]:
            status = "cut"
        elif at is None or at.get("hash") != rec[1]:
            status = "mismatch"
            good = [e for e in entries if e["seq"] < rec[0]]
            last = (good[-1]["seq"], good[-1]["hash"]) if good else None
        elif last[0] > rec[0] + AHEAD_LIMIT:
            status = "mismatch"  # far more than a kill can leave: entries were added
        else:
            status = "ok" if last[0] == rec[0] else "ahead"
        reports.append(AnchorReport(path, status, rec, last))
    return reports


def anchor_startup(data_dir: Path | str, heads: AuditHeads) -> None:
    """At start-up: refuse a log that does not reach or match its head; record new heads."""
    reports = check_anchors(data_dir, heads)
    bad = [r for r in reports if not r.ok]
    if bad:
        lines = "\n".join(r.message() for r in bad)
        raise AuditAnchorError(
            f"Log audit tidak utuh dibandingkan kepala yang tercatat di {HEADS_REL}:\n{lines}\n"
            "Periksa dengan lkj-bot audit verify; pulihkan log dari arsip (lkj-bot restore)."
        )
    for report in reports:
        if report.status in ("ahead", "unanchored") and report.last is not None:
            rel = report.path.relative_to(Path(data_dir)).as_posix()
            heads.record(rel, *report.last)


class AuditTrail:
    """All audit logs of a data directory, one cached :class:`AuditLog` per unit and year,
    with the head of each recorded after every append."""

    def __init__(self, data_dir: Path | str, on_create: Any = None, binding: Any = None):
        self.data_dir = Path(data_dir)
        self._logs: dict[tuple[str | None, int], AuditLog] = {}
        self.heads = AuditHeads(self.data_dir, on_create=on_create, binding=binding)

    def log(self, unit: str | None, year: int) -> AuditLog:
        found = self._logs.get((unit, year))
        if found is None:
            found = AuditLog.for_unit_year(self.data_dir, unit, year)
            self._logs[(unit, year)] = found
        return found

    def append(self, unit: str | None, year: int, entry: Mapping[str, Any]) -> dict[str, Any]:
        log_ = self.log(unit, year)
        written = log_.append(entry)
        if log_.head is not None:
            self.heads.record(log_.path.relative_to(self.data_dir).as_posix(), *log_.head)
        return written

    def verify_all(self) -> list[VerifyReport]:
        return verify_all(self.data_dir)
