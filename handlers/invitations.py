"""Invitations by deep link: an office sets itself up in chat, nobody collects Telegram ids.

The operator (``LKJ_ADMIN_IDS``, or ``lkj-bot invite`` on the server) creates a unit and an
invitation for its administrator; the administrator invites everyone else (/undang), lists
and revokes the codes (/undangan). The invitee taps ``https://t.me/<bot>?start=<code>``, sees
the unit and role, confirms (typing name, NIP and jabatan when the invitation left them
open), and is in the roster at once; the administrator is told. A code that is unknown,
used, expired or revoked is refused and audited; guesses share the guests' rate limit.
"""

from __future__ import annotations

import secrets
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from app.invitations import (
    accept_invitation,
    create_unit,
    invite_member,
    revoke_invitation,
)
from app.services import Services
from domain.dates_id import format_datetime_id
from domain.errors import InputError, RoleError
from domain.identity import government_line
from domain.invitations import (
    ACTIVE,
    Invitation,
    check_details,
    check_post,
    invitable_roles,
    post_holder,
    usable,
)
from domain.roles import Role
from domain.roster import Person, Unit
from handlers import menu, texts
from handlers.common import (
    audit_refusal,
    drop_buttons,
    guest_gate,
    keyboard,
    send_text,
    svc,
    unit_of,
)
from handlers.departure import leave
from handlers.forms import begin_form, text_field
from handlers.tasks import offer_tasks

DETAILS = ("name", "nip", "position")
GUEST_FORM = "invite_details"


def link(services: Services, code: str) -> str:
    return f"https://t.me/{services.bot_username}?start={code}"


def sent_link(services: Services, invitation: Invitation) -> str:
    unit = services.roster.unit(invitation.unit)
    expires = format_datetime_id(invitation.expires_at, unit.timezone)
    replaced = [
        i.code for i in services.invitations.of_unit(unit.code) if i.replaced_by == invitation.code
    ]
    return texts.invite_link(
        unit.role_label(invitation.role),
        unit.name,
        link(services, invitation.code),
        expires,
        invitation.admin,
    ) + (texts.invite_replaced_older(replaced) if replaced else "")


# ----------------------------------------------------------------------------- the operator


async def cmd_unit_baru(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = svc(context)
    user = update.effective_user
    chat = update.effective_chat.id
    if user.id not in services.settings.admin_ids:
        audit_refusal(
            context, update, services.roster.person(user.id), "unit_baru", texts.AUDIT_NOT_OPERATOR
        )
        await send_text(context, chat, texts.INVITE_OPERATOR_ONLY)
        return
    parts = [p.strip() for p in " ".join(context.args or []).split("|")]
    if len(parts) not in (3, 4):
        await send_text(context, chat, texts.INVITE_NEW_UNIT_USAGE)
        return
    try:
        code, name, city, government = (*parts, "")[:4]
        invitation = create_unit(
            services, code, name, city, user.id, texts.INVITE_UNIT_EXISTS, government
        )
    except InputError as exc:
        await send_text(context, chat, texts.esc(exc))
        return
    unit = services.roster.unit(invitation.unit)
    await send_text(
        context,
        chat,
        texts.unit_created(unit.name, government_line(unit), bool(government))
        + "\n\n"
        + sent_link(services, invitation),
    )


# ----------------------------------------------------------------- the unit administrator


def _admin_unit(context, person: Person) -> Unit:
    unit = unit_of(svc(context), person)
    if not unit.is_admin(person):
        admins = ", ".join(p.name for p in unit.administrators)
        raise RoleError(texts.INVITE_NOT_ADMIN.format(admins=admins))
    return unit


async def cmd_undang(update: Update, context, person: Person) -> None:
    try:
        unit = _admin_unit(context, person)
    except RoleError as exc:
        audit_refusal(context, update, person, "undang", str(exc))
        await send_text(context, person.user_id, texts.esc(exc))
        return
    rows = [
        [(unit.role_label(r), {"action": "invite_role", "role": r.value})]
        for r in invitable_roles(unit)
    ]
    await send_text(
        context, person.user_id, texts.INVITE_PICK_ROLE.format(unit=texts.esc(unit.name)), rows
    )


async def on_role(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    unit = _admin_unit(context, person)
    role = Role(payload["role"])
    rows = [
        [(texts.BTN_INVITE_FILL_NOW, {"action": "invite_mode", "role": role.value, "now": True})],
        [
            (
                texts.BTN_INVITE_FILL_LATER,
                {"action": "invite_mode", "role": role.value, "now": False},
            )
        ],
    ]
    await drop_buttons(update)
    pick = texts.INVITE_PICK_MODE.format(role=texts.esc(unit.role_label(role)))
    await send_text(context, person.user_id, pick, rows)
    return ""


async def on_mode(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    _admin_unit(context, person)
    role = Role(payload["role"])
    await drop_buttons(update)
    if payload["now"]:
        fields = [
            text_field("name", texts.LABEL_NAME, texts.INVITE_NAME),
            text_field("nip", texts.LABEL_NIP, texts.INVITE_NIP),
            text_field("position", texts.LABEL_POSITION, texts.INVITE_POSITION),
        ]
        for field in fields:
            field["validate"] = f"invite_{field['name']}"
        await begin_form(
            context, person, "invite", fields, texts.INVITE_FORM_TITLE, meta={"role": role.value}
        )
        return ""
    invitation = invite_member(svc(context), person, role)
    await send_text(context, person.user_id, sent_link(svc(context), invitation))
    return ""


def _detail_validator(name: str):
    def validate(text: str) -> tuple[Any, str]:
        value = " ".join(text.split())
        sample = {"name": "Nama Contoh", "nip": "1" * 18, "position": "Jabatan", name: value}
        check_details(sample["name"], sample["nip"], sample["position"])
        return value, value

    return validate


#: The details' checks by the name a form field gives (named in handlers/routes.py).
DETAIL_CHECKS = {f"invite_{name}": _detail_validator(name) for name in DETAILS}


async def finish_invite(update: Update, context, person: Person, session: dict[str, Any]) -> None:
    _admin_unit(context, person)
    values = session["values"]
    details = (values["name"], values["nip"], values["position"])
    role = Role(session["meta"]["role"])
    invitation = invite_member(svc(context), person, role, details)
    await send_text(context, person.user_id, sent_link(svc(context), invitation))


def _listing(services: Services, unit: Unit) -> tuple[str, list]:
    """The unit's latest invitations with their state, and a Cabut button for each usable
    one; an active code for a post that is held meanwhile is shown as unusable, with why."""
    now = services.now()
    rows, buttons = [], []
    for inv in services.invitations.of_unit(unit.code)[-30:]:
        state = inv.state(now)
        label = unit.role_label(inv.role)
        who = label + (f", {inv.name}" if inv.name else "")
        if inv.used_by is not None:
            joined = unit.person(inv.used_by)
            who += f" → {joined.name}" if joined else ""
        until = texts.valid_until(format_datetime_id(inv.expires_at, unit.timezone))
        holder = post_holder(inv, unit) if state == ACTIVE else None
        if holder is not None:
            state, until = texts.INVITE_STATE_UNUSABLE, texts.invite_post_held(label, holder.name)
        elif state == ACTIVE and inv.replaces is not None and unit.member(inv.replaces) is None:
            state, until = texts.INVITE_STATE_UNUSABLE, texts.INVITE_REPLACED_GONE
        elif inv.replaced_by:
            until = texts.invite_superseded(inv.replaced_by)
        rows.append((inv.code, who, state, until))
        if state == ACTIVE:
            button = texts.btn_invite_revoke(label, inv.code)
            buttons.append([(button, {"action": "invite_revoke", "code": inv.code})])
    return texts.invite_listing(unit.name, rows), buttons


async def cmd_undangan(update: Update, context, person: Person) -> None:
    services = svc(context)
    try:
        unit = _admin_unit(context, person)
    except RoleError as exc:
        audit_refusal(context, update, person, "undangan", str(exc))
        await send_text(context, person.user_id, texts.esc(exc))
        return
    if not services.invitations.of_unit(unit.code):
        await send_text(context, person.user_id, texts.INVITE_NONE)
        return
    text, buttons = _listing(services, unit)
    await send_text(context, person.user_id, text, buttons or None)


async def on_revoke(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = _admin_unit(context, person)
    revoked = revoke_invitation(services, person, payload["code"], update.update_id)
    if revoked is None:
        return texts.BUTTON_UNKNOWN
    # The list is shown again at once, the revoked code as "dicabut" and without its button.
    text, buttons = _listing(services, unit)
    query = update.callback_query
    try:
        markup = keyboard(services, person.user_id, buttons) if buttons else None
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest:
        await drop_buttons(update)
    await send_text(context, person.user_id, texts.INVITE_REVOKED.format(code=revoked.code))
    return ""


# ----------------------------------------------------------------------------- the invitee


async def _refuse(update: Update, context, reason: str, message: str) -> None:
    audit_refusal(context, update, None, "undangan", reason)
    await send_text(context, update.effective_chat.id, message)


async def start_with_code(update: Update, context, person: Person | None, code: str) -> None:
    """``/start inv-…`` (the link tapped): show the unit and role, with Terima."""
    services = svc(context)
    chat = update.effective_chat.id
    if person is not None:
        unit = unit_of(services, person)
        text = texts.INVITE_ALREADY_REGISTERED.format(
            role=texts.esc(unit.role_label(person.role)), unit=texts.esc(unit.name)
        )
        await send_text(context, chat, text)
        return
    if not await guest_gate(update, context, "undangan"):
        return
    services.refresh_roster()
    invitation = services.invitations.get(code)
    if invitation is None or invitation.unit not in {u.code for u in services.roster.units}:
        await _refuse(
            update, context, texts.audit_unknown_invitation(code[:40]), texts.INVITE_UNKNOWN
        )
        return
    try:
        usable(invitation, services.now())
    except InputError as exc:
        await _refuse(
            update,
            context,
            texts.audit_invitation_state(invitation.state(services.now()), code),
            texts.esc(exc),
        )
        return
    unit = services.roster.unit(invitation.unit)
    try:
        check_post(invitation, unit)
    except InputError as exc:  # refused before anything is asked; the administrators told
        await _refuse(
            update,
            context,
            texts.audit_invitation_state(texts.INVITE_STATE_UNUSABLE, code),
            texts.esc(exc),
        )
        await _tell_post_held(update, context, invitation, unit)
        return
    # A pre-filled invitation may be forwarded: its opener sees the jabatan and the NIP's last
    # four digits only, never the invitee's name and full NIP.
    text = texts.invite_offer(
        unit.name,
        unit.role_label(invitation.role),
        invitation.position,
        invitation.nip[-4:] if invitation.nip else "",
        invitation.admin,
    )
    rows = [
        [
            (texts.BTN_INVITE_ACCEPT, {"action": "invite_accept", "code": code}),
            (texts.BTN_INVITE_DECLINE, {"action": "invite_decline", "code": code}),
        ]
    ]
    await send_text(context, chat, text, rows, user_id=update.effective_user.id)


async def _tell_post_held(update: Update, context, invitation: Invitation, unit: Unit) -> None:
    """The unit's administrators and whoever invited hear, once per code, that it was opened
    for a post that is held (they revoke it, or invite again)."""
    told: set[str] = context.application.bot_data.setdefault("invitations_held_told", set())
    if invitation.code in told:
        return
    told.add(invitation.code)
    holder = unit.with_role(invitation.role)
    user = update.effective_user
    text = texts.invite_opened_post_held(
        unit.role_label(invitation.role),
        invitation.code,
        holder[0].name if holder else "",
        user.full_name,
        user.id,
    )
    for admin in sorted(({p.user_id for p in unit.administrators} | {invitation.created_by}) - {0}):
        await send_text(context, admin, text)


async def on_guest_button(update: Update, context, payload: dict[str, Any]) -> str:
    """Terima / Tolak / the final Terima, pressed by someone not (yet) in the roster; a
    refusal is said in the chat too (a popup vanishes), and stays a popup."""
    try:
        return await _guest_button(update, context, payload)
    except InputError as exc:
        await send_text(context, update.effective_user.id, texts.esc(exc))
        raise


async def _guest_button(update: Update, context, payload: dict[str, Any]) -> str:
    services = svc(context)
    user_id = update.effective_user.id
    invitation = services.invitations.get(payload.get("code", ""))
    if invitation is None:
        return texts.BUTTON_UNKNOWN
    await drop_buttons(update)
    if payload["action"] == "invite_decline":
        services.sessions.clear(user_id)
        await send_text(context, user_id, texts.INVITE_DECLINED)
        return ""
    usable(invitation, services.now())
    if services.roster.evaluator(user_id) is not None:  # never both (domain.pemda)
        raise RoleError(texts.EVALUATOR_IS_NOT_MEMBER)
    services.refresh_roster()
    unit = services.roster.unit(invitation.unit)
    try:
        check_post(invitation, unit)
    except InputError:
        await _tell_post_held(update, context, invitation, unit)
        raise
    if payload["action"] == "invite_register":
        await register(update, context, invitation, typed_details(services, user_id))
        return ""
    if invitation.name:
        await register(
            update, context, invitation, (invitation.name, invitation.nip, invitation.position)
        )
        return ""
    form = {"form": GUEST_FORM, "form_id": secrets.token_hex(4), "code": invitation.code}
    await begin_details(context, user_id, form)
    return ""


async def begin_details(context, user_id: int, form: dict[str, str]) -> None:
    """An invitee's name, NIP and jabatan asked for, one at a time, in the guest form
    ``form`` (``{"form": …, "form_id": …, "code": the invitation's}``: a unit's or a pemda
    evaluator's)."""
    session = {**form, "values": {}}
    svc(context).sessions.put(user_id, session)
    await send_text(context, user_id, texts.INVITE_ASK_NAME)


def typed_details(services: Services, user_id: int) -> tuple[str, str, str]:
    """What the invitee typed (name, NIP, jabatan), from their guest form."""
    values = (services.sessions.get(user_id) or {}).get("values", {})
    return (values.get("name", ""), values.get("nip", ""), values.get("position", ""))


async def take_detail(update: Update, context, form: str) -> tuple[bool, dict[str, Any] | None]:
    """One answer to the guest form ``form``: checked (a bad one is refused and asked again),
    kept, and the next question asked. Returns (handled, the session once all three are in);
    (False, None) when no such form is being filled."""
    services = svc(context)
    user_id = update.effective_user.id
    session = services.sessions.get(user_id)
    if session is None or session.get("form") != form:
        return False, None
    values = session["values"]
    field = next((f for f in DETAILS if f not in values), None)
    if field is None:
        return False, None
    try:
        value, _ = DETAIL_CHECKS[f"invite_{field}"](update.effective_message.text or "")
    except InputError as exc:
        await send_text(context, user_id, texts.esc(exc))
        return True, None
    values[field] = value
    services.sessions.put(user_id, session)
    following = next((f for f in DETAILS if f not in values), None)
    if following is not None:
        await send_text(context, user_id, GUEST_ASK[following])
        return True, None
    return True, session


GUEST_ASK = {
    "name": texts.INVITE_ASK_NAME,
    "nip": texts.INVITE_ASK_NIP,
    "position": texts.INVITE_ASK_POSITION,
}


async def on_guest_text(update: Update, context) -> bool:
    """The invitee typing name, NIP and jabatan; False when no invitation is being filled."""
    handled, session = await take_detail(update, context, GUEST_FORM)
    if session is None:
        return handled
    services = svc(context)
    user_id = update.effective_user.id
    values = session["values"]
    invitation = services.invitations.get(session["code"])
    if invitation is None:
        return False
    unit = services.roster.unit(invitation.unit)
    text = texts.invite_confirm(
        unit.name,
        unit.role_label(invitation.role),
        values["name"],
        values["nip"],
        values["position"],
    )
    rows = [
        [
            (texts.BTN_INVITE_ACCEPT, {"action": "invite_register", "code": invitation.code}),
            (texts.BTN_INVITE_DECLINE, {"action": "invite_decline", "code": invitation.code}),
        ]
    ]
    await send_text(context, user_id, text, rows, user_id=user_id)
    return True


async def register(
    update: Update, context, invitation: Invitation, details: tuple[str, str, str]
) -> None:
    """Into the roster (store and memory) at once; the invitation is spent; the unit's
    administrators and whoever invited are told."""
    services = svc(context)
    user_id = update.effective_user.id
    accepted = accept_invitation(services, invitation, user_id, details, update.update_id)
    services.sessions.clear(user_id)
    person, unit, before = accepted.person, accepted.unit, accepted.before
    told = {p.user_id for p in before.administrators} | {invitation.created_by}
    for admin in sorted(told - {0, user_id}):
        joined = texts.invite_joined(person.name, unit.role_label(person.role), unit.name)
        await send_text(context, admin, joined)
    await send_text(context, user_id, texts.welcome(person, unit, services.sop_for(unit)))
    await menu.set_menu(context.bot, services, person)
    if accepted.replaced is not None:
        await _replaced(context, before, accepted.replaced, person)


async def _replaced(context, before: Unit, old: Person, new: Person) -> None:
    """The old holder is out (told, menu cleared); the new one gets every open task."""

    await leave(context, old, before, new)
    for admin in {p.user_id for p in before.administrators} - {old.user_id, new.user_id}:
        await send_text(
            context,
            admin,
            texts.staff_replaced(old.name, new.name, before.role_label(new.role), before.name),
        )
    await offer_tasks(context, new)


# ----------------------------------------------------------------------------- an incomplete unit


def complete_unit_only(fn):
    """A cycle needs every role: while a unit is still being set up, say who is missing."""

    async def wrapper(update: Update, context, person: Person) -> None:
        unit = unit_of(svc(context), person)
        missing = unit.missing_roles()
        if missing:
            labels = ", ".join(unit.role_label(r) for r in missing)
            await send_text(context, person.user_id, texts.UNIT_INCOMPLETE.format(roles=labels))
            return
        await fn(update, context, person)

    return wrapper
