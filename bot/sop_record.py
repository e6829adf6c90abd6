"""One SOP table per database: the table in force is recorded in the store, and a worker whose
table differs refuses to start.

At the first start on a store the default table (``LKJ_SOP`` or the built-in one) and each
unit's effective table (its own ``sop`` from the roster, or the default) are recorded in
``state/sop.json`` (text and sha256). Every later start compares: a worker whose default table
or a unit's table differs stops with the path, both hashes and the first line that differs. A
unit not recorded yet (added since) is recorded. Changing the table is the operator's explicit
``lkj-bot sop adopt [PATH]``, which records the new tables and appends an audit entry
(``sop.adopt``, with the old and new hashes) to the global audit log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.errors import SopError
from domain.roster import Unit
from domain.sop import DEFAULT_SOP_PATH, load_sop

DEFAULT_KEY = ""  # the default table's name in the record (units go by their code)


class SopMismatchError(SopError):
    """This worker's SOP table is not the one recorded for the database: start-up stops."""


def table_record(path: Path | str) -> dict[str, Any]:
    """{"path", "sha256", "text"} of an SOP table file (checked to load first)."""
    load_sop(path)  # a table that does not load is refused before it is recorded
    raw = Path(path).read_bytes()
    return {
        "path": str(path),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "text": raw.decode("utf-8", errors="replace"),
    }


def tables_in_force(default_path: Path | str | None, units: Iterable[Unit]) -> dict[str, Any]:
    """The record this worker would make: the default table and each unit's effective one."""
    default = table_record(default_path or DEFAULT_SOP_PATH)
    tables = {DEFAULT_KEY: default}
    for unit in units:
        tables[unit.code] = table_record(unit.sop) if unit.sop else default
    return tables


def first_difference(recorded: str, ours: str) -> str:
    """The first differing line of two table texts, said in one line."""
    old, new = recorded.splitlines(), ours.splitlines()
    for number in range(max(len(old), len(new))):
        a = old[number] if number < len(old) else "(tidak ada)"
        b = new[number] if number < len(new) else "(tidak ada)"
        if a != b:
            return f"baris {number + 1}: tercatat «{a.strip()}», di sini «{b.strip()}»"
    return "isi sama kecuali akhir baris atau pengodean"


def _name(key: str) -> str:
    return "tabel bawaan" if key == DEFAULT_KEY else f"tabel unit {key}"


def mismatches(recorded: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """One paragraph per table of ``ours`` that differs from its record."""
    lines = []
    for key, table in ours.items():
        old = recorded.get(key)
        if old is None or old.get("sha256") == table["sha256"]:
            continue
        lines.append(
            f"{_name(key)}: tercatat {old.get('path')} (sha256 {str(old.get('sha256'))[:16]}…), "
            f"pekerja ini {table['path']} (sha256 {table['sha256'][:16]}…); "
            f"{first_difference(str(old.get('text', '')), table['text'])}"
        )
    return lines


def check_sop(repo: Any, default_path: Path | str | None, units: Iterable[Unit]) -> None:
    """At start-up: record the tables at the first start (and units not recorded yet); refuse
    a worker whose table differs from the record."""
    ours = tables_in_force(default_path, units)
    recorded = repo.tables()
    problems = mismatches(recorded, ours)
    if problems:
        raise SopMismatchError(
            "Tabel SOP pekerja ini berbeda dengan tabel yang berlaku untuk basis data ini "
            "(satu tabel SOP per basis data, agar siapa yang bertindak tidak bergantung pada "
            "pekerja yang menjawab):\n"
            + "\n".join(problems)
            + "\nSamakan LKJ_SOP (dan tabel unit di daftar personel) dengan tabel yang tercatat, "
            "atau, bila tabel baru memang akan berlaku, hentikan semua pekerja dan jalankan "
            "lkj-bot sop adopt [BERKAS] (tercatat di log audit)."
        )
    missing = {key: table for key, table in ours.items() if key not in recorded}
    if missing:
        repo.record({**recorded, **missing})


def adopt(repo: Any, audit: Any, ours: dict[str, Any], now: datetime | None = None) -> list[str]:
    """Record ``ours`` as the tables in force and audit the change; returns what changed."""
    recorded = repo.tables()
    changed = [
        key
        for key, table in ours.items()
        if (recorded.get(key) or {}).get("sha256") != table["sha256"]
    ]
    when = now or datetime.now(UTC)
    audit.append(
        None,
        when.year,
        {
            "at": when,
            "role": "system",
            "action": "sop.adopt",
            "outcome": "system",
            "detail": {
                key: {
                    "lama": (recorded.get(key) or {}).get("sha256"),
                    "baru": ours[key]["sha256"],
                    "berkas": ours[key]["path"],
                }
                for key in changed
            },
        },
    )
    repo.record({**recorded, **ours})
    return changed
