"""Use cases of the staff (mutasi): a member's task moves to another member (in every quarter
not yet filed); the holder of a post is replaced (an invitation naming them: they leave when
the successor joins, ``app.invitations.accept_invitation``); a team member is removed.
Telegram-free; the chat's /mutasi calls them. What the channel owes the one who left (told,
menu cleared, their stand-ins ended and their undelivered messages struck off) is its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from app.audit import record
from app.changes import Change, Notices
from app.invitations import create_invitation
from app.services import Reassigning, RosterStore
from app.unit_of_work import commit
from domain.errors import InputError
from domain.invitations import Invitation, check_admin
from domain.models import Cycle
from domain.roster import Person, Unit
from domain.staff import check_removal, depart
from domain.workflow import Reassign, reassign

REASSIGNED = "reassign_task"
REMOVED = "mutasi_keluar"

#: The services reassign_task is given (the chat's ``Services``, or any object with what
#: :class:`app.services.Reassigning` names); the notice table gets the same object.
M = TypeVar("M", bound=Reassigning)


def reassign_task(
    services: M,
    notices: Notices[M],
    person: Person,
    cycle: Cycle,
    old: int,
    new: int,
    update_id: int | None,
) -> Change:
    """``old``'s task in ``cycle`` goes to ``new``; the history and the audit keep the move."""
    unit = services.roster.unit(person.unit)
    outcome = reassign(cycle, Reassign(old, new), person, services.now(), services.context(unit))
    detail = {"old": old, "new": new}
    change = Change(REASSIGNED, person, unit, cycle, outcome.cycle, outcome.events, detail)
    commit(services, cycle, outcome.cycle, notices(services, change), update_id)
    return change


def _open_cycles(services: RosterStore, unit: Unit) -> list[Cycle]:
    """The unit's quarters not yet filed."""
    return [c for c in services.cycles.list_unit(unit.code) if not c.filed]


@dataclass(frozen=True)
class Replacement:
    """The invitation of a post holder's successor, and the holder it replaces."""

    invitation: Invitation
    holder: Person


def replace_holder(services: RosterStore, person: Person, holder_id: int, gone: str) -> Replacement:
    """The unit administrator replaces the holder of a single post: their successor's
    invitation (the holder leaves when it is accepted, so the post is never vacant).
    ``gone``: the refusal when ``holder_id`` is no member (worded by the channel)."""
    unit = services.roster.unit(person.unit)
    check_admin(unit, person)
    holder = unit.member(holder_id)
    if holder is None:
        raise InputError(gone)
    invitation = create_invitation(
        services,
        unit,
        holder.role,
        person.user_id,
        admin=unit.is_admin(holder),
        replaces=holder.user_id,
    )
    return Replacement(invitation, holder)


@dataclass(frozen=True)
class Removal:
    """A member removed: who, and their unit as it was (the channel's notices need both)."""

    member: Person
    before: Unit


def remove_member(
    services: RosterStore, person: Person, member_id: int, update_id: int | None, gone: str
) -> Removal:
    """The unit administrator removes a team member at once: kept on record as former
    (``domain.staff``), in one roster write, audited. Refused for a single post (it is
    replaced) and for a member still holding a task of an open quarter (moved first)."""
    services.refresh_roster()
    unit = services.roster.unit(person.unit)
    check_admin(unit, person)
    member = unit.member(member_id)
    if member is None:
        raise InputError(gone)
    check_removal(unit, member, _open_cycles(services, unit))
    raw = services.rosters.raw()
    raw["unit"] = [
        depart(u, member.user_id, services.now()) if u["code"] == unit.code else u
        for u in raw["unit"]
    ]
    services.save_roster(raw)
    detail = {"member": member.user_id, "name": member.name, "member_role": member.role.value}
    record(services, unit.code, person.user_id, person.role.value, REMOVED, update_id, detail)
    return Removal(member, unit)
