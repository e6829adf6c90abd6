"""State and audit bound to each other: a store file and its audit log must tell one story.

Each unit-and-year store file (``units/<unit>/<year>.json``) has one audit log
(``audit/units/<unit>/<year>.jsonl``). The binding runs both ways:

* every audit entry that describes a state change carries ``state``: the store file, the
  document (a cycle, or the year's annual report) and the document's revision that change
  produced. The store must hold that document at that revision or a later one; an older copy
  of the store file (or one from another data folder) lacks it.
* every document whose owed audit entries were appended records, in the same write that
  strikes them off its outbox, ``audited``: the seq and hash of the last entry appended. The
  log must hold that entry; a log cut at its end (with older heads put back) lacks it.

Both survive the crash-recovery path: the state is written first (owing its audit entry), the
entry is appended on delivery, then the state records it. A kill after the state write leaves
the entry owed (nothing bound yet; the restart appends it); a kill after the append leaves the
state's ``audited`` one entry behind, which is allowed (the log may run ahead of the state,
never behind it).

The check reads through the store's repositories' files, so it is the same on the TinyDB files
and on PostgreSQL (rows of ``lkj_files`` against rows of ``lkj_audit``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from storage.audit import STATE_FIELD, audit_root
from storage.database import Database

_UNIT_LOG = re.compile(r"^audit/units/([A-Za-z0-9_-]+)/(\d{4})\.jsonl$")
_UNIT_FILE = re.compile(r"^units/([A-Za-z0-9_.-]+)/(\d{4})\.json$")
BOUND_TABLES = ("cycles", "annual")


def _file_entries(path: Path) -> list[dict[str, Any]]:
    found = []
    for raw in path.read_bytes().split(b"\n")[:-1]:
        try:
            entry = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue  # the chain check (audit verify) reports it
        if isinstance(entry, dict) and isinstance(entry.get("seq"), int):
            found.append(entry)
    return found


def _unit_logs(db: Database, audit: Any) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """The entries of every unit-and-year audit log, by (unit, year)."""
    logs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    if db.pg is not None:
        for name in audit.names():
            match = _UNIT_LOG.match(name)
            if match:
                key = (match[1], int(match[2]))
                logs[key] = list(audit.log(*key).entries())
        return logs
    root = audit_root(db.data_dir)
    for path in sorted(root.glob("units/*/*.jsonl")) if root.is_dir() else []:
        match = _UNIT_LOG.match(path.relative_to(db.data_dir).as_posix())
        if match:
            logs[(match[1], int(match[2]))] = _file_entries(path)
    return logs


def binding_problems(db: Database, audit: Any) -> list[str]:
    """Where the store and the audit trail disagree, one line each (in Indonesian)."""
    logs = _unit_logs(db, audit)
    stores = set()
    for rel in db.store_files():
        match = _UNIT_FILE.match(rel)
        if match:
            stores.add((match[1], int(match[2])))
    problems: list[str] = []
    for unit, year in sorted(set(logs) | stores):
        rel = f"units/{unit}/{year}.json"
        log_rel = f"audit/units/{unit}/{year}.jsonl"
        entries = logs.get((unit, year), [])
        hashes = {e["seq"]: e.get("hash") for e in entries}
        last = max(hashes, default=0)
        docs: dict[tuple[str, str], dict[str, Any]] = {}
        if (unit, year) in stores:
            for table in BOUND_TABLES:
                for stored in db.file("units", unit, f"{year}.json").table(table).all():
                    ident = str(stored.get("id")) if table == "cycles" else ""
                    docs[(table, ident)] = dict(stored)
        wanted: dict[tuple[str, str], tuple[int, int]] = {}
        for entry in entries:
            state = entry.get(STATE_FIELD)
            if not isinstance(state, dict) or state.get("file") != rel:
                continue
            table = str(state.get("table"))
            key = (table, str(state.get("id")) if table == "cycles" else "")
            rev = state.get("rev")
            if isinstance(rev, int) and rev >= wanted.get(key, (-1, 0))[0]:
                wanted[key] = (rev, entry["seq"])
        for (table, ident), (rev, seq) in sorted(wanted.items()):
            doc = docs.get((table, ident))
            name = ident if table == "cycles" else "laporan tahunan"
            if doc is None:
                problems.append(
                    f"RUSAK  {rel}: tidak memuat {name}, padahal {log_rel} seq {seq} mencatat "
                    f"perubahannya sampai revisi {rev} (berkas penyimpanan dari tempat lain "
                    "atau salinan lama)"
                )
            elif int(doc.get("rev", 0)) < rev:
                problems.append(
                    f"RUSAK  {rel}: {name} pada revisi {doc.get('rev', 0)}, padahal {log_rel} "
                    f"seq {seq} mencatat perubahan yang menghasilkan revisi {rev} (penyimpanan "
                    "lebih lama daripada log audit: salinan lama atau dari tempat lain)"
                )
        for (table, ident), held in sorted(docs.items()):
            audited = held.get("audited")
            if not isinstance(audited, dict):
                continue
            at, digest = audited.get("seq"), str(audited.get("hash"))
            name = ident if table == "cycles" else "laporan tahunan"
            if at not in hashes:
                problems.append(
                    f"RUSAK  {log_rel}: berakhir pada seq {last}, padahal {rel} ({name}) terikat "
                    f"ke entri audit seq {at} (hash {digest[:16]}…): entri di akhir log "
                    "dihapus"
                )
            elif hashes[at] != digest:
                problems.append(
                    f"RUSAK  {log_rel}: entri seq {at} ber-hash {str(hashes[at])[:16]}…, "
                    f"padahal {rel} ({name}) terikat ke hash {digest[:16]}… (log audit diganti)"
                )
    return problems
