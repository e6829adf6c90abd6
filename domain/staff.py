"""Staff changes (mutasi): who leaves a unit, and when that is refused.

A person who leaves is moved from the unit's ``people`` to its ``former`` (never deleted):
their access ends at once, and the decisions they took still name them on documents and in
verification. A single role (Kasat, Sekretaris, Kasubbag) is never left vacant by a removal:
it is replaced, and the old holder leaves when the new one accepts the invitation. A team
member with an assignment in a quarter not yet filed cannot be removed until it is filed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.dates_id import roman_triwulan
from domain.errors import InputError
from domain.models import Cycle
from domain.roster import SINGLE_ROLES, Person, Unit


def check_removal(unit: Unit, person: Person, open_cycles: Iterable[Cycle]) -> None:
    """An InputError (shown to the administrator) when ``person`` may not simply leave."""
    if unit.member(person.user_id) is None:
        raise InputError(f"{person.name} sudah tidak terdaftar pada {unit.name}.")
    if person.role in SINGLE_ROLES:
        raise InputError(
            f"Jabatan {person.label} tidak boleh kosong: gunakan Ganti {person.label} "
            f"untuk mengundang penggantinya; {person.name} keluar saat penggantinya bergabung."
        )
    for cycle in open_cycles:
        if cycle.assignment_of(person.user_id) is not None:
            raise InputError(
                f"{person.name} masih memegang tugas pengumpulan data Triwulan "
                f"{roman_triwulan(cycle.triwulan)} Tahun {cycle.year} yang belum selesai. "
                "Alihkan dahulu tugasnya kepada anggota lain dengan tombol Alihkan tugas "
                "pada /mutasi; sesudah itu anggota ini dapat dikeluarkan."
            )


def depart(
    raw_unit: dict[str, Any], user_id: int, at: datetime, replaced_by: int | None = None
) -> dict[str, Any]:
    """The roster entry of the unit with ``user_id`` moved from ``people`` to ``former``."""
    unit = copy.deepcopy(raw_unit)
    people = unit.get("people", [])
    entry = next(p for p in people if int(p["telegram_id"]) == user_id)
    unit["people"] = [p for p in people if p is not entry]
    entry = {**entry, "left_at": at.isoformat()}
    entry.pop("admin", None)
    if replaced_by is not None:
        entry["replaced_by"] = replaced_by
    unit.setdefault("former", []).append(entry)
    return unit


def keep_on_record(
    stored: dict[str, Any], imported: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """A roster file imported over the stored roster: who the store knew and the file no
    longer lists stays on record as former (a file edited by hand forgets nobody)."""
    result = copy.deepcopy(imported)
    before = {u["code"]: u for u in stored.get("unit") or []}
    units = result.get("unit") or []
    for unit in [units] if isinstance(units, dict) else units:
        old = before.get(str(unit.get("code")))
        if old is None:
            continue
        listed = {int(p["telegram_id"]) for p in unit.get("people", [])}
        known = {(int(p["telegram_id"]), p.get("left_at")) for p in unit.get("former", [])}
        former = list(unit.get("former", []))
        for entry in old.get("former", []):
            if (int(entry["telegram_id"]), entry.get("left_at")) not in known:
                former.append(entry)
        for entry in old.get("people", []):
            if int(entry["telegram_id"]) not in listed:
                left = {**entry, "left_at": at.isoformat()}
                left.pop("admin", None)
                former.append(left)
        if former:
            unit["former"] = former
    return result
