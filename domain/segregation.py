"""Segregation of duties, as the SOP table states it (``[[separate]]`` in ``sop.toml``).

The activities of one report version in a group are each done by a different person: by
default making the report, its paraf and its signature. The rule holds for stand-ins too:

* ``check_act``: an act that would make one person do two separated activities of the report
  version it concerns is refused (nothing changes);
* ``appointment_conflict``: a Plh/Plt appointment that would let one person act for two posts
  whose steps are separated (e.g. the Kasubbag, who makes the report, as Plh. of the head, who
  signs it) is refused, and the bot offers only the candidates it allows.

Activities of the whole quarter (disposition, forward, division, collection) count for every
version of its report. For the annual LKj, made by the holder of the filing step, "making the
report" (``penyusunan_laporan``) means making the LKj.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import RoleError
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import ASSEMBLE, COLLECT, DIVIDE, FORWARD, PARAF, SIGN, Sop, Step

#: The history actions that perform the activities of the whole quarter.
_HISTORY_ACTIONS = {
    FORWARD: ("teruskan_disposisi",),
    DIVIDE: ("bagi_tugas",),
}
_SUBMIT_ACTIONS = ("ajukan_laporan", "ajukan_lkj_tahunan")


def _same(a: str, b: str, maker: str) -> bool:
    """Whether two activity keys name the same activity (ASSEMBLE and the maker's key do)."""
    return a == b or {a, b} == {ASSEMBLE, maker}


def separated_from(sop: Sop, key: str, maker: str = ASSEMBLE) -> list[str]:
    """The activities that must not be done by whoever does ``key``."""
    out: list[str] = []
    for group in sop.separated:
        if any(_same(key, member, maker) for member in group):
            out += [m for m in group if not _same(key, m, maker) and m not in out]
    return out


def separated(sop: Sop, a: str, b: str, maker: str = ASSEMBLE) -> bool:
    return b in separated_from(sop, a, maker)


def _makers(report: Any, number: int) -> set[int]:
    """Who made version ``number``: who built its draft and who submitted it."""
    drafts = [r for r in report.reports if r.status == "draft"]
    mine = [r for r in drafts if r.number == number]
    if not mine:
        return set()
    since = mine[-1].at
    later = [r.at for r in drafts if r.number > number]
    until = min(later) if later else None
    out = {r.by for r in mine}
    for entry in report.history:
        if entry.action in _SUBMIT_ACTIONS and entry.at >= since:
            if until is None or entry.at < until:
                out.add(entry.actor)
    return out


def doers(sop: Sop, report: Any, key: str, number: int, maker: str = ASSEMBLE) -> set[int]:
    """Who did activity ``key`` for version ``number`` of ``report`` (a quarter's cycle or an
    annual LKj: anything with ``reports``, ``decisions`` and ``history``)."""
    if _same(key, ASSEMBLE, maker):
        return _makers(report, number)
    if key in (PARAF, SIGN):
        kind = "paraf" if key == PARAF else "sign"
        return {d.by for d in report.decisions if d.kind == kind and d.report_version == number}
    if key == sop.first.key:
        started = getattr(report, "started_by", 0)
        return {started} if started else set()
    if key in _HISTORY_ACTIONS:
        return {h.actor for h in report.history if h.action in _HISTORY_ACTIONS[key]}
    if key == COLLECT:
        return {a.member_id for a in getattr(report, "assignments", ())}
    return set()  # filing: done by the bot itself


def _step(sop: Sop, key: str, maker: str) -> Step:
    return sop.by_key(maker if key == ASSEMBLE and maker != ASSEMBLE else key)


def check_act(sop: Sop, report: Any, key: str | None, actor: Person, maker: str = ASSEMBLE) -> None:
    """Refuse (RoleError) an act of activity ``key`` by ``actor`` who already did an
    activity the table separates from it, on the report version the act concerns."""
    if key is None:
        return
    latest = report.latest_report
    number = latest.number if latest is not None else 0
    for other in separated_from(sop, key, maker):
        if actor.user_id in doers(sop, report, other, number, maker):
            mine, theirs = _step(sop, key, maker), _step(sop, other, maker)
            raise RoleError(
                f"Pemisahan tugas menurut SOP: tahap {theirs.number} ({theirs.activity}) dan "
                f"tahap {mine.number} ({mine.activity}) atas satu versi laporan harus "
                f"dilakukan oleh orang yang berbeda. Anda telah melakukan tahap "
                f"{theirs.number} atas laporan versi {number}, sehingga tidak dapat melakukan "
                f"tahap {mine.number}; tindakan tidak diproses."
            )


def take_conflict(sop: Sop, person: Person) -> str | None:
    """Why ``person`` (who holds the task division) may not take a member's indicators
    themselves: the table separates the collection from a step they act for (None: the
    rule allows it; by default nothing separates the collection). Said of the person."""
    collect = sop.by_key(COLLECT)
    for step in sop.steps:
        if step.key != COLLECT and person.acts_as(step.role) and separated(sop, COLLECT, step.key):
            return (
                f"Pemisahan tugas menurut SOP: tahap {collect.number} ({collect.activity}) dan "
                f"tahap {step.number} ({step.activity}) harus dilakukan oleh orang yang berbeda; "
                f"Anda menjalankan tahap {step.number}, sehingga tidak dapat mengambil alih "
                "tugas pengumpulan data."
            )
    return None


def roles_during(unit: Unit, person: Person, start: datetime, end: datetime) -> list[Role]:
    """The posts ``person`` may act for at some moment of ``[start, end)``: their own, unless
    another's appointment covers it the whole range, and those of their other appointments."""
    roles: list[Role] = []
    own_covered = any(
        p.role is person.role
        and p.acting != person.user_id
        and p.start <= start
        and p.until >= end
        and unit.member(p.acting) is not None
        for p in unit.standins
    )
    if not own_covered:
        roles.append(person.role)
    for p in unit.standins:
        if p.acting == person.user_id and p.start < end and start < p.until:
            if p.role not in roles:
                roles.append(p.role)
    return roles


def appointment_conflict(
    sop: Sop, unit: Unit, role: Role, person: Person, start: datetime, end: datetime
) -> str | None:
    """Why appointing ``person`` for ``role`` over ``[start, end)`` would let them do two
    separated activities (None: the rule allows it). Said of the person, for a list."""
    for own in roles_during(unit, person, start, end):
        if own is role:
            continue
        for held in sop.steps_of(own):
            for given in sop.steps_of(role):
                if separated(sop, held.key, given.key):
                    return (
                        f"menjalankan tahap {held.number} ({held.activity}) sebagai "
                        f"{own.label}, yang menurut SOP dipisahkan dari tahap {given.number} "
                        f"({given.activity}) milik {role.label}"
                    )
    return None
