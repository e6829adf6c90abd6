"""Staff changes (mutasi) in chat: the unit administrator replaces the holder of a role or
removes a team member (/mutasi).

A replacement is an invitation that names the holder it replaces: when the successor accepts
(``handlers.invitations.register``), the old holder leaves in the same roster write, so the
role is never vacant; a removal takes effect at once. Who leaves is kept on record as former
(``domain.staff``); every change is audited.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from domain.errors import InputError, RoleError
from domain.roster import SINGLE_ROLES, Person, Unit
from domain.staff import check_removal, depart
from handlers import menu, texts
from handlers.buttons import button_action
from handlers.common import audit_refusal, drop_buttons, send_text, svc, unit_of
from handlers.invitations import create, sent_link
from handlers.views import open_cycles


def _admin_unit(context: ContextTypes.DEFAULT_TYPE, person: Person) -> Unit:
    unit = unit_of(svc(context), person)
    if not unit.is_admin(person):
        admins = ", ".join(p.name for p in unit.administrators)
        raise RoleError(texts.STAFF_NOT_ADMIN.format(admins=admins))
    return unit


def audit(
    context: ContextTypes.DEFAULT_TYPE,
    update: Update | None,
    unit: str,
    by: Person,
    action: str,
    **detail: Any,
) -> None:
    services = svc(context)
    services.audit.append(
        unit,
        services.now().year,
        {
            "at": services.now(),
            "actor": by.user_id,
            "role": by.role.value,
            "update_id": update.update_id if update else None,
            "action": action,
            "detail": detail,
        },
    )


async def cmd_mutasi(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    try:
        unit = _admin_unit(context, person)
    except RoleError as exc:
        audit_refusal(context, update, person, "mutasi", str(exc))
        await send_text(context, person.user_id, texts.esc(exc))
        return
    rows = []
    for p in unit.people:
        if p.role in SINGLE_ROLES:
            label = texts.btn_staff_replace(p.label, p.name)
            rows.append([(label, {"action": "staff_replace", "member": p.user_id})])
        else:
            label = texts.btn_staff_remove(p.name)
            rows.append([(label, {"action": "staff_remove", "member": p.user_id})])
    await send_text(
        context, person.user_id, texts.STAFF_PICK.format(unit=texts.esc(unit.name)), rows
    )


@button_action("staff_replace")
async def on_replace(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = _admin_unit(context, person)
    holder = unit.member(int(payload["member"]))
    if holder is None:
        raise InputError(texts.STAFF_GONE)
    invitation = create(
        services,
        unit,
        holder.role,
        person.user_id,
        admin=unit.is_admin(holder),
        replaces=holder.user_id,
    )
    await drop_buttons(update)
    text = texts.staff_replacement_link(holder.label, holder.name, sent_link(services, invitation))
    await send_text(context, person.user_id, text)
    return ""


@button_action("staff_remove")
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


@button_action("staff_remove_ok")
async def on_remove_ok(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    services.refresh_roster()
    unit = _admin_unit(context, person)
    member = unit.member(int(payload["member"]))
    if member is None:
        raise InputError(texts.STAFF_GONE)
    check_removal(unit, member, open_cycles(services, unit))
    raw = services.rosters.raw()
    raw["unit"] = [
        depart(u, member.user_id, services.now()) if u["code"] == unit.code else u
        for u in raw["unit"]
    ]
    services.save_roster(raw)
    audit(
        context,
        update,
        unit.code,
        person,
        "mutasi_keluar",
        member=member.user_id,
        name=member.name,
        member_role=member.role.value,
    )
    await drop_buttons(update)
    await leave(context, member, unit, None)
    done = texts.STAFF_REMOVED.format(name=texts.esc(member.name), unit=texts.esc(unit.name))
    await send_text(context, person.user_id, done)
    return ""


async def leave(
    context: ContextTypes.DEFAULT_TYPE, former: Person, unit: Unit, successor: Person | None
) -> None:
    """Who left: told, their menu cleared (their buttons are refused: they are no member)."""
    await menu.clear_menu(context.bot, svc(context), former.user_id)
    await send_text(
        context, former.user_id, texts.staff_left(unit.name, successor.name if successor else None)
    )
