"""Use cases of the invitations: an office sets itself up without anyone collecting Telegram
ids. The operator creates a unit with its administrator's invitation; the administrator
invites everyone else and revokes a code (Cabut); the invitee accepts and is in the roster at
once (with a replacement, the holder replaced leaves in the same roster write). Telegram-free:
the chat's /undang, /undangan, the deep link and ``lkj-bot invite`` call these.

Each change is one atomic write of its store (the invitations, the roster) and its audit
line follows it; the rules are ``domain.invitations``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from app.audit import record
from app.services import RosterStore
from domain.errors import InputError
from domain.invitations import (
    Invitation,
    accept,
    check_admin,
    invite,
    new_code,
    new_unit,
    superseded,
    usable,
)
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import DIVIDE
from domain.staff import depart

CREATED = "undangan_dibuat"
REVOKED = "undangan_dicabut"
ACCEPTED = "undangan_diterima"
REPLACED = "mutasi_ganti"


def role_of(services: RosterStore, user_id: int) -> str:
    """The audit's role of ``user_id``: theirs in the roster, else the operator's."""
    person = services.roster.person(user_id)
    return person.role.value if person else "operator"


def administrator_role(services: RosterStore, unit: Unit) -> Role:
    """Who is invited first and runs the unit: the holder of the task division (the table's),
    who also keeps the targets; normally the Kasubbag."""
    return services.sop_for(unit).role_of(DIVIDE)


def create_invitation(
    services: RosterStore,
    unit: Unit,
    role: Role,
    by: int,
    *,
    admin: bool = False,
    details: tuple[str, str, str] | None = None,
    replaces: int | None = None,
) -> Invitation:
    """Make, store and audit a new invitation (the chat and the CLI both come here); with
    ``replaces``, the successor of that holder (a mutasi). ``by`` 0: the operator."""
    now = services.now()
    invitation = invite(
        unit,
        role,
        by,
        now,
        code=new_code(),
        admin=admin,
        details=details,
        replaces=replaces,
    )
    # One outstanding invitation per post: the new link replaces any still open for it.
    for code in superseded(services.invitations.of_unit(unit.code), unit.code, role, now):
        old = services.invitations.get(code)
        assert old is not None
        services.invitations.save(replace(old, revoked_at=now, replaced_by=invitation.code))
        role_by = "operator" if by == 0 else role_of(services, by)
        detail = {"code": code, "replaced_by": invitation.code}
        record(services, unit.code, by, role_by, REVOKED, None, detail)
    services.invitations.save(invitation)
    created: dict[str, Any] = {"code": invitation.code, "role": role.value, "admin": admin}
    if replaces is not None:
        created["replaces"] = replaces
    record(services, unit.code, by, role_of(services, by), CREATED, None, created)
    return invitation


def invite_member(
    services: RosterStore,
    person: Person,
    role: Role,
    details: tuple[str, str, str] | None = None,
) -> Invitation:
    """The unit administrator invites someone to ``role`` (``details``: name, NIP and
    jabatan filled in now, else typed by the invitee)."""
    unit = services.roster.unit(person.unit)
    check_admin(unit, person)
    return create_invitation(services, unit, role, person.user_id, details=details)


def create_unit(
    services: RosterStore,
    code: str,
    name: str,
    city: str,
    by: int,
    exists: str,
    government: str = "",
) -> Invitation:
    """A new unit with no one in it yet, and the invitation of its administrator; its
    government is ``government``, else read from its name. ``exists``: the refusal when the
    code is taken (worded by the channel, ``{code}`` filled in)."""
    services.refresh_roster()
    raw_unit = new_unit(code, name, city, government)
    raw = services.rosters.raw()
    if any(u["code"] == raw_unit["code"] for u in raw["unit"]):
        raise InputError(exists.format(code=raw_unit["code"]))
    raw["unit"].append(raw_unit)
    services.save_roster(raw)
    record(services, raw_unit["code"], by, "operator", "unit_baru", None, raw_unit)
    unit = services.roster.unit(raw_unit["code"])
    return create_invitation(services, unit, administrator_role(services, unit), by, admin=True)


def revoke_invitation(
    services: RosterStore, person: Person, code: str, update_id: int | None
) -> Invitation | None:
    """The unit administrator revokes a code still usable (Cabut); None when the code is not
    one of the unit's."""
    unit = services.roster.unit(person.unit)
    check_admin(unit, person)
    invitation = services.invitations.get(code)
    if invitation is None or invitation.unit != unit.code:
        return None
    usable(invitation, services.now())
    revoked = replace(invitation, revoked_at=services.now())
    services.invitations.save(revoked)
    detail = {"code": revoked.code}
    record(services, unit.code, person.user_id, person.role.value, REVOKED, update_id, detail)
    return revoked


@dataclass(frozen=True)
class Accepted:
    """Someone joined: the person as the roster has them now, their unit before and after;
    with a replacement, the holder who left (``replaced``)."""

    invitation: Invitation
    person: Person
    before: Unit
    unit: Unit
    replaced: Person | None


def accept_invitation(
    services: RosterStore,
    invitation: Invitation,
    user_id: int,
    details: tuple[str, str, str],
    update_id: int | None,
) -> Accepted:
    """``user_id`` accepts: into the roster (store and memory) at once, the invitation
    spent; a replacement's old holder leaves in the same roster write. Audited. The
    invitation is read again from the store (one used or revoked meanwhile is refused)."""
    services.refresh_roster()
    invitation = services.invitations.get(invitation.code) or invitation
    before = services.roster.unit(invitation.unit)
    used, entry = accept(invitation, before, user_id, details, services.now())
    raw = services.rosters.raw()
    raw_unit = next(u for u in raw["unit"] if u["code"] == invitation.unit)
    if invitation.replaces is not None:  # a mutasi: the old holder leaves in the same write
        raw_unit.update(depart(raw_unit, invitation.replaces, services.now(), user_id))
    raw_unit.setdefault("people", []).append(entry)
    services.save_roster(raw)
    services.invitations.save(used)
    person = services.roster.person(user_id)
    assert person is not None
    unit = services.roster.unit(person.unit)
    detail = {
        "code": invitation.code,
        "invited_by": invitation.created_by,
        "admin": invitation.admin,
    }
    record(services, unit.code, user_id, person.role.value, ACCEPTED, update_id, detail)
    old = before.member(invitation.replaces) if invitation.replaces is not None else None
    if old is not None:
        moved = {
            "role": person.role.value,
            "old": old.user_id,
            "old_name": old.name,
            "new": person.user_id,
        }
        record(services, before.code, user_id, person.role.value, REPLACED, update_id, moved)
    return Accepted(invitation, person, before, unit, old)
