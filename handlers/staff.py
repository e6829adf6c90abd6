"""Staff changes (mutasi) in chat: the unit administrator replaces the holder of a role or
removes a team member (/mutasi).

A replacement is an invitation that names the holder it replaces: when the successor accepts
(``app.invitations.accept_invitation``), the old holder leaves in the same roster write, so the
role is never vacant; a removal takes effect at once. Who leaves is kept on record as former
(``domain.staff``); every change is audited.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.services import Services
from app.staff import reassign_task, remove_member, replace_holder
from domain.approval import check_holder
from domain.errors import InputError, RoleError
from domain.models import Cycle
from domain.roster import SINGLE_ROLES, Person, Unit
from domain.segregation import take_conflict
from domain.sop import COLLECT, DIVIDE
from domain.staff import check_removal
from handlers import texts
from handlers.common import audit_refusal, drop_buttons, send_text, svc, unit_of
from handlers.departure import leave
from handlers.invitations import sent_link
from handlers.notices import notices
from handlers.outbox import deliver
from handlers.texts import tw
from handlers.views import member_checklist, open_cycles


def _admin_unit(context: ContextTypes.DEFAULT_TYPE, person: Person) -> Unit:
    unit = unit_of(svc(context), person)
    if not unit.is_admin(person):
        admins = ", ".join(p.name for p in unit.administrators)
        raise RoleError(texts.STAFF_NOT_ADMIN.format(admins=admins))
    return unit


def _divides(services: Services, unit: Unit, person: Person) -> bool:
    """Whether ``person`` holds the task division by the unit's SOP table now (they move
    tasks between members)."""
    return person.acts_as(services.sop_for(unit).role_of(DIVIDE))


def _holding(services: Services, unit: Unit, member_id: int) -> list[Cycle]:
    """The quarters not yet filed in which ``member_id`` holds a task."""
    return [c for c in open_cycles(services, unit) if c.assignment_of(member_id) is not None]


async def cmd_mutasi(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    services = svc(context)
    unit = unit_of(services, person)
    divides = _divides(services, unit, person)
    if not unit.is_admin(person) and not divides:
        admins = ", ".join(p.name for p in unit.administrators)
        refusal = texts.STAFF_NOT_ADMIN.format(admins=admins)
        audit_refusal(context, update, person, "mutasi", refusal)
        await send_text(context, person.user_id, texts.esc(refusal))
        return
    rows = []
    holders = {a.member_id for c in open_cycles(services, unit) for a in c.assignments}
    for p in unit.people:
        if divides and p.user_id in holders:
            label = texts.btn_task_move(p.name)
            rows.append([(label, {"action": "task_move", "member": p.user_id})])
        if not unit.is_admin(person):
            continue
        if p.role in SINGLE_ROLES:
            label = texts.btn_staff_replace(p.label, p.name)
            rows.append([(label, {"action": "staff_replace", "member": p.user_id})])
        else:
            label = texts.btn_staff_remove(p.name)
            rows.append([(label, {"action": "staff_remove", "member": p.user_id})])
    lines = [texts.STAFF_PICK_HEAD.format(unit=texts.esc(unit.name))]
    if unit.is_admin(person):
        lines.append(texts.STAFF_PICK)
    if divides:
        lines.append(texts.STAFF_PICK_MOVE)
    await send_text(context, person.user_id, "\n".join(lines), rows)


# --- Alihkan tugas: a member's task moved to another member ----------------------------------


async def on_move(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    """The member whose task moves was picked: the task, and who may receive it."""
    services = svc(context)
    unit = unit_of(services, person)
    check_holder(services.sop_for(unit), DIVIDE, person, unit.code)
    member = unit.member(int(payload["member"]))
    if member is None:
        raise InputError(texts.STAFF_GONE)
    cycles = _holding(services, unit, member.user_id)
    if not cycles:
        raise InputError(texts.task_move_nothing(member.name))
    sop = services.sop_for(unit)
    collecting = sop.role_of(COLLECT)
    targets = [p for p in unit.with_role(collecting) if p.user_id != member.user_id]
    # The division holder may take the indicators themselves, when the table's
    # segregation of duties allows it (else the reason is shown); a member of the collecting
    # role (a Plh. of the division holder) is offered as any member ("Kepada …").
    others = {member.user_id, *(p.user_id for p in targets)}
    conflict = take_conflict(sop, person) if person.user_id not in others else ""
    if not targets and conflict is not None:
        raise InputError(texts.task_move_no_target(unit.role_label(collecting)))
    tasks = []
    for cycle in cycles:
        assignment = cycle.assignment_of(member.user_id)
        assert assignment is not None
        tasks.append(
            texts.task_move_part(tw(cycle.triwulan, cycle.year), member_checklist(assignment))
        )
    rows = [
        [
            (
                texts.btn_task_move_to(p.name),
                {"action": "task_move_to", "member": member.user_id, "to": p.user_id},
            )
        ]
        for p in targets
    ]
    text = texts.task_move_pick(member.name, tasks)
    if conflict is None:
        take = {"action": "task_move_to", "member": member.user_id, "to": person.user_id}
        rows.append([(texts.BTN_TASK_TAKE, take)])
    elif conflict:
        text += "\n\n" + texts.task_take_refused(conflict)
    await drop_buttons(update)
    await send_text(context, person.user_id, text, rows)
    return ""


async def on_move_to(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    """Move the task in every quarter not yet filed; the history and the audit keep the move,
    the new holder gets the task with its buttons, the old one is told they are relieved."""
    services = svc(context)
    unit = unit_of(services, person)
    check_holder(services.sop_for(unit), DIVIDE, person, unit.code)
    old = unit.member(int(payload["member"]))
    new = unit.member(int(payload["to"]))
    if old is None or new is None:
        raise InputError(texts.STAFF_GONE)
    cycles = _holding(services, unit, old.user_id)
    if not cycles:
        raise InputError(texts.task_move_nothing(old.name))
    await drop_buttons(update)
    for before in cycles:
        reassign_task(services, notices, person, before, old.user_id, new.user_id, update.update_id)
        await deliver(context, before.unit, before.year, before.triwulan)
    return texts.TASK_MOVED_NOTICE


async def on_replace(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    _admin_unit(context, person)
    made = replace_holder(services, person, int(payload["member"]), texts.STAFF_GONE)
    holder = made.holder
    await drop_buttons(update)
    link = sent_link(services, made.invitation)
    text = texts.staff_replacement_link(holder.label, holder.name, link)
    await send_text(context, person.user_id, text)
    return ""


async def on_remove(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = _admin_unit(context, person)
    member = unit.member(int(payload["member"]))
    if member is None:
        raise InputError(texts.STAFF_GONE)
    check_removal(unit, member, open_cycles(services, unit))
    ok = {"action": "staff_remove_ok", "member": member.user_id}
    rows = [[(texts.BTN_STAFF_REMOVE_OK, ok)]]
    await drop_buttons(update)
    text = texts.staff_confirm_remove(member.name, unit.name)
    await send_text(context, person.user_id, text, rows)
    return ""


async def on_remove_ok(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    services.refresh_roster()
    _admin_unit(context, person)
    removal = remove_member(
        services, person, int(payload["member"]), update.update_id, texts.STAFF_GONE
    )
    member, unit = removal.member, removal.before
    await drop_buttons(update)
    await leave(context, member, unit, None, by=person)
    done = texts.STAFF_REMOVED.format(name=texts.esc(member.name), unit=texts.esc(unit.name))
    await send_text(context, person.user_id, done)
    return ""
