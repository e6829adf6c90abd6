"""Records are facts of their moment: who acted, in which capacity, and who received.

When an act is accepted its history entry keeps the actor and, for a forward (disposisi) or a
task (pembagian tugas), its recipients as they stood then (``Official``): name, own jabatan,
role, and the capacity ("Plh."/"Plt." with the post) when they acted as a stand-in.
Documents, verification and chat notices read these facts (``disposition_facts``,
``decision_by``, ``step_finisher``); they never recompute them from a later roster. Entries
recorded before the facts were kept fall back to what the record has (the person on record,
the appointments on record).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.models import Decision, Disposition, HistoryEntry, Official
from domain.roles import Role
from domain.roster import Person, Unit
from domain.standins import capacity

#: The history actions of each kind of act the readers look up.
DISPOSITION_ACTIONS = ("mulai_siklus", "teruskan_disposisi")
DECISION_ACTIONS = {
    "paraf": ("paraf", "paraf_lkj_tahunan"),
    "sign": ("tandatangan", "tandatangan_lkj_tahunan"),
    "return": ("kembalikan", "kembalikan_lkj_tahunan"),
}


def official(unit: Unit, user_id: int, at: datetime, role: Role | None = None) -> Official:
    """``user_id`` as they stand in ``unit`` at ``at``; ``role`` is the post the act is for,
    which gives the capacity when they act for it as a stand-in."""
    person = unit.person(user_id)
    period = capacity(unit, user_id, role, at) if role is not None else None
    return Official(
        user_id=user_id,
        name=person.name if person else "",
        position=person.position if person else "",
        role=person.role.value if person else "",
        nip=person.nip if person else "",
        capacity=period.kind if period else "",
        post=period.post if period else "",
        post_role=period.role.value if period else "",
        role_label=unit.role_label(person.role) if person else "",
    )


def of_person(person: Person, unit: Unit, at: datetime, role: Role | None = None) -> Official:
    """The facts of an actor the caller already holds (a current member)."""
    found = official(unit, person.user_id, at, role)
    if found.name:
        return found
    return Official(
        person.user_id,
        person.name,
        person.position,
        person.role.value,
        person.nip,
        role_label=unit.role_label(person.role),
    )


def receivers(unit: Unit, role: Role, at: datetime) -> tuple[Official, ...]:
    """Who receives a step of ``role`` at ``at``: whoever acts for it then (its holder, or
    the stand-in representing them), as they stand then."""
    return tuple(official(unit, p.user_id, at, role) for p in unit.acting(role))


def entry_at(
    history: Iterable[HistoryEntry], actions: tuple[str, ...], at: datetime, actor: int
) -> HistoryEntry | None:
    """The history entry of an act, by its kind, its moment and its actor."""
    for entry in history:
        if entry.action in actions and entry.at == at and entry.actor == actor:
            return entry
    return None


def disposition_facts(
    history: Iterable[HistoryEntry], d: Disposition
) -> tuple[Official | None, tuple[Official, ...]]:
    """Who forwarded ``d`` and who received it, as recorded (None, () for an old record)."""
    entry = entry_at(history, DISPOSITION_ACTIONS, d.at, d.from_user)
    if entry is None:
        return None, ()
    return entry.by, entry.to


def decision_by(history: Iterable[HistoryEntry], decision: Decision) -> Official | None:
    """Who took a paraf, a signature or a return, as recorded (None for an old record)."""
    actions = DECISION_ACTIONS.get(decision.kind, ())
    entry = entry_at(history, actions, decision.at, decision.by)
    return entry.by if entry else None


def step_finisher(history: Iterable[HistoryEntry], finished_at, finished_by) -> Official | None:
    """The recorded actor of the act that finished a step (None for an old record)."""
    if finished_at is None or not finished_by:
        return None
    found = [
        e for e in history if e.at == finished_at and e.actor == finished_by and e.by is not None
    ]
    return found[-1].by if found else None


def step_receivers(
    history: Iterable[HistoryEntry], step: int, started_at: datetime
) -> tuple[Official, ...]:
    """Who received ``step`` when it began at ``started_at``, as recorded with the forward or
    the task that began it (() when nothing was recorded)."""
    for entry in history:
        if entry.at == started_at and entry.to_step == step and entry.to:
            return entry.to
    return ()


def version_actor(report, version) -> Official | None:
    """Who the rendering of a report version is owed to, as recorded: the paraf's or the
    signature's taker for those versions; for a draft, its maker when they submitted it."""
    kind = {"paraf": "paraf", "signed": "sign"}.get(version.status)
    if kind is not None:
        decision = next(
            (d for d in report.decisions if d.kind == kind and d.report_version == version.number),
            None,
        )
        return decision_by(report.history, decision) if decision else None
    for entry in report.history:
        if (
            entry.action in ("ajukan_laporan", "ajukan_lkj_tahunan")
            and entry.actor == version.by
            and entry.at >= version.at
        ):
            return entry.by
    return None


def label(o: Official) -> str:
    """ "Siti Rahma, Plh. Kepala Dinas …" for a stand-in, else "Rina Marlina"."""
    return f"{o.name}, {o.title}" if o.capacity else o.name
