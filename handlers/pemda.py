"""A pemda's evaluators in chat (issue 22): read-only over every unit of their pemda.

An evaluator (``domain.pemda.Evaluator``: the Inspektorat, the Bagian Organisasi or the
Bappeda) is in no unit: their /start says who they are and offers /pantau; /pantau lists
every unit of the pemda (``app.pemda.overview``), worst first, each unit's name a button
that shows the unit's /status as its reviewer reads it, with Kembali to the list; anything
that acts on a unit is refused (``handlers.common.identify``). The operator
(``LKJ_ADMIN_IDS``) or a pemda administrator invites evaluators by deep link
(/undang_evaluator, /undangan_evaluator), the same ``inv-…`` links as a unit's invitations:
the invitee types name, NIP and jabatan as a unit's invitee does and is in the roster's
``evaluator`` list at once (``app.evaluators``).
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from app.evaluators import (
    accept_evaluator_invitation,
    create_evaluator_invitation,
    evaluator_invitations,
    revoke_evaluator_invitation,
)
from app.pemda import SIGNED, Overview, UnitRow, evaluator_of, overview
from app.services import Services
from domain.dates_id import format_datetime_id
from domain.errors import InputError, RoleError
from domain.evaluator_invitations import (
    EvaluatorInvitation,
    check_outsider,
    usable_evaluator,
)
from domain.identity import parse_government
from domain.invitations import ACTIVE
from domain.pemda import BODIES, Evaluator, government_of
from domain.performance import format_percent_id
from domain.roster import Person
from handlers import menu, texts
from handlers.commands import PersonHandler
from handlers.common import (
    TEXT_LIMIT,
    WEB_APP,
    Button,
    audit_refusal,
    drop_buttons,
    guest_gate,
    identify,
    keyboard,
    send_text,
    split_text,
    svc,
)
from handlers.invitations import begin_details, link, take_detail, typed_details
from handlers.views import unit_status

EvaluatorHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Evaluator], Awaitable[None]]

#: An evaluator invitee typing name, NIP and jabatan (a session's ``form``).
GUEST_FORM = "evaluator_details"
#: At most this many units (one button each) in one message of /pantau.
UNITS_PER_MESSAGE = 30


def pemda_line(services: Services, pemda: str) -> str:
    """ "Pemerintah Kota Bandung" for the pemda's key."""
    government = services.roster.pemdas().get(pemda)
    return government.line if government else pemda


def for_member_or_evaluator(member: PersonHandler, evaluator: EvaluatorHandler):
    """A private chat's command run by ``member`` for a unit's member and by ``evaluator``
    for a pemda's evaluator; anyone else is told whom to ask (``handlers.common.identify``).
    The Monday digest's and the pemda export's commands can be routed through this too."""

    @functools.wraps(member)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != "private":
            return
        services = svc(context)
        person = services.roster.person(user.id)
        if person is not None:
            await member(update, context, person)
            return
        found = services.roster.evaluator(user.id)
        if found is not None:
            await evaluator(update, context, found)
            return
        await identify(update, context)

    return wrapper


# ----------------------------------------------------------------------------- the evaluator


async def evaluator_start(update: Update, context, evaluator: Evaluator) -> None:
    """/start of an evaluator: who they are (body, pemda), what they may do (/pantau)."""
    services = svc(context)
    await menu.set_evaluator_menu(context.bot, services, evaluator)
    text = texts.evaluator_welcome(
        evaluator.name,
        evaluator.body_label,
        pemda_line(services, evaluator.pemda),
        evaluator.position,
        evaluator.admin,
    )
    await send_text(context, evaluator.user_id, text)


async def cmd_help(update: Update, context, evaluator: Evaluator) -> None:
    services = svc(context)
    await menu.set_evaluator_menu(context.bot, services, evaluator)
    text = texts.evaluator_help(
        evaluator.body_label,
        pemda_line(services, evaluator.pemda),
        menu.evaluator_commands(evaluator),
    )
    await send_text(context, evaluator.user_id, text)


async def not_evaluator(update: Update, context, person: Person) -> None:
    """/pantau by a unit's member: it is the evaluators'."""
    audit_refusal(context, update, person, "pantau", texts.PEMDA_NOT_EVALUATOR)
    await send_text(context, person.user_id, texts.PEMDA_NOT_EVALUATOR)


# ----------------------------------------------------------------------------- /pantau


def pantau_row_text(services: Services, number: int, row: UnitRow, year: int) -> str:
    """One unit of /pantau as the evaluator reads it (``number``: its place in the list); the
    Monday digest may word its rows the same way."""
    if row.triwulan is None:
        return texts.pantau_row(number, row.name, row.state)
    tz = services.roster.unit(row.unit).timezone
    capaian = (
        texts.capaian_so_far(format_percent_id(row.capaian), row.reported, row.indicators)
        if row.capaian is not None
        else ""
    )
    open_step = row.state != SIGNED and row.step is not None
    return texts.pantau_row(
        number,
        row.name,
        row.state,
        period=texts.tw(row.triwulan, year),
        step=f"{row.step}: {row.activity}" if open_step and row.activity else "",
        holders=texts.holders_line(row.role_label, list(row.holders)) if row.role_label else "",
        since=format_datetime_id(row.since, tz) if row.since and open_step else "",
        overdue=texts.overdue_text(row.overdue_days, row.overdue_minutes, row.office_day_minutes),
        capaian=capaian,
        signed=row.signed,
    )


def pantau_pages(
    services: Services, evaluator: Evaluator, view: Overview | None = None
) -> list[tuple[str, list[list[Button]]]]:
    """/pantau as messages (text, unit buttons), each under Telegram's 4096 characters and
    with at most UNITS_PER_MESSAGE units; the header (the count by state) on the first."""
    view = view or overview(services, evaluator.pemda)
    units = services.roster.units_of_pemda(evaluator.pemda)
    zone = units[0].timezone if units else "Asia/Jakarta"
    counts = [(state, view.count(state)) for state in texts.PEMDA_STATES if view.count(state)]
    header = texts.pantau_header(
        view.government.line, view.year, format_datetime_id(view.at, zone), counts
    )
    if not view.rows:
        return [(f"{header}\n\n{texts.PEMDA_NO_UNITS}", [])]
    pages: list[tuple[str, list[list[Button]]]] = []
    text, buttons = header, list[list[Button]]()
    limit = TEXT_LIMIT - 64
    for number, row in enumerate(view.rows, 1):
        block = pantau_row_text(services, number, row, view.year)[:limit]
        if buttons and (len(text) + 2 + len(block) > limit or len(buttons) >= UNITS_PER_MESSAGE):
            pages.append((text, buttons))
            text, buttons = texts.pantau_continued(len(pages) + 1), []
        text += "\n\n" + block
        payload = {"action": "pemda_unit", "code": row.unit, "index": len(pages)}
        buttons.append([(texts.btn_pantau_unit(number, row.name), payload)])
    pages.append((text, buttons))
    page = services.settings.evaluator_page()
    if page:  # the same view as a table and a chart, in the Mini App
        pages[0][1].insert(0, [(texts.BTN_PEMDA_PAGE, {WEB_APP: page})])
    return pages


async def cmd_pantau(update: Update, context, evaluator: Evaluator) -> None:
    """/pantau (and an evaluator's /status): every unit of the pemda, worst first."""
    services = svc(context)
    for text, buttons in pantau_pages(services, evaluator):
        await send_text(context, evaluator.user_id, text, buttons or None)


async def _show(update: Update, context, user_id: int, text: str, rows: list[list[Button]]):
    """The pressed message becomes ``text`` with ``rows``; what does not fit follows it."""
    services = svc(context)
    parts = split_text(text)
    query = update.callback_query
    first = parts[0]
    rest = "\n".join(parts[1:])
    try:
        markup = keyboard(services, user_id, rows) if not rest else None
        await query.edit_message_text(first, reply_markup=markup)
    except BadRequest:  # the message is gone or too old to edit: a new one
        await send_text(context, user_id, text, rows)
        return
    if rest:
        await send_text(context, user_id, rest, rows)


async def on_unit(update: Update, context, payload: dict[str, Any]) -> str:
    """A unit's name pressed in /pantau: its /status, read-only, with Kembali."""
    services = svc(context)
    evaluator = evaluator_of(services, update.effective_user.id)
    code = payload.get("code")
    unit = next(
        (u for u in services.roster.units_of_pemda(evaluator.pemda) if u.code == code), None
    )
    if unit is None:
        return texts.BUTTON_UNKNOWN
    status = unit_status(services, unit, services.now()) or texts.PEMDA_NO_OPEN_CYCLE
    text = texts.pemda_unit_status(unit.name, government_of(unit).line, status)
    back = {"action": "pemda_list", "index": int(payload.get("index") or 0)}
    await _show(update, context, evaluator.user_id, text, [[(texts.BTN_PEMDA_BACK, back)]])
    return ""


async def on_list(update: Update, context, payload: dict[str, Any]) -> str:
    """Kembali: the list again (as it is now), the part the unit was on."""
    services = svc(context)
    evaluator = evaluator_of(services, update.effective_user.id)
    pages = pantau_pages(services, evaluator)
    text, buttons = pages[min(int(payload.get("index") or 0), len(pages) - 1)]
    await _show(update, context, evaluator.user_id, text, buttons)
    return ""


# ----------------------------------------------------------------------------- inviting


def _inviter(services: Services, user_id: int) -> tuple[bool, Evaluator | None]:
    """(operator, the evaluator administering a pemda) of ``user_id``; RoleError otherwise."""
    operator = user_id in services.settings.admin_ids
    evaluator = services.roster.evaluator(user_id)
    if not operator and (evaluator is None or not evaluator.admin):
        raise RoleError(texts.EVALUATOR_INVITE_NOT_ALLOWED)
    return operator, evaluator


async def _inviter_or_refuse(
    update: Update, context, command: str
) -> tuple[bool, Evaluator | None] | None:
    """:func:`_inviter` for a command typed in a private chat; a refusal is audited and said
    (None then, as for a group chat)."""
    services = svc(context)
    user = update.effective_user
    if update.effective_chat is None or update.effective_chat.type != "private":
        return None
    try:
        return _inviter(services, user.id)
    except RoleError as exc:
        person = services.roster.person(user.id)
        audit_refusal(context, update, person, command, str(exc))
        await send_text(context, user.id, texts.esc(exc))
        return None


async def cmd_undang_evaluator(update: Update, context) -> None:
    """/undang_evaluator: the pemda (operator), the body, whether a pemda administrator
    (operator), then the link."""
    services = svc(context)
    user = update.effective_user
    inviter = await _inviter_or_refuse(update, context, "undang_evaluator")
    if inviter is None:
        return
    operator, evaluator = inviter
    if not operator and evaluator is not None:
        await _offer_bodies(context, user.id, services, evaluator.pemda)
        return
    pemdas = services.roster.pemdas()
    if not pemdas:
        await send_text(context, user.id, texts.EVALUATOR_INVITE_NO_PEMDA)
        return
    if len(pemdas) == 1:
        await _offer_bodies(context, user.id, services, next(iter(pemdas)))
        return
    rows = [
        [(government.line, {"action": "evaluator_invite", "name": key})]
        for key, government in pemdas.items()
    ]
    await send_text(context, user.id, texts.EVALUATOR_INVITE_PICK_PEMDA, rows)


async def _offer_bodies(context, user_id: int, services: Services, pemda: str) -> None:
    rows = [
        [(label, {"action": "evaluator_invite", "name": pemda, "kind": body})]
        for body, label in BODIES.items()
    ]
    text = texts.EVALUATOR_INVITE_PICK_BODY.format(
        government=texts.esc(pemda_line(services, pemda))
    )
    await send_text(context, user_id, text, rows)


async def on_invite(update: Update, context, payload: dict[str, Any]) -> str:
    """The invitation's choices pressed: pemda, then body, then (operator) administrator."""
    services = svc(context)
    user_id = update.effective_user.id
    operator, _ = _inviter(services, user_id)
    pemda, body = str(payload.get("name", "")), payload.get("kind")
    await drop_buttons(update)
    if body is None:
        await _offer_bodies(context, user_id, services, pemda)
        return ""
    if operator and "now" not in payload:
        rows = [
            [(texts.BTN_EVALUATOR_ADMIN, {**payload, "now": True})],
            [(texts.BTN_EVALUATOR_PLAIN, {**payload, "now": False})],
        ]
        text = texts.EVALUATOR_INVITE_PICK_ADMIN.format(
            body=texts.esc(BODIES.get(str(body), str(body))),
            government=texts.esc(pemda_line(services, pemda)),
        )
        await send_text(context, user_id, text, rows)
        return ""
    invitation = create_evaluator_invitation(
        services, pemda, str(body), user_id, operator=operator, admin=bool(payload.get("now"))
    )
    await send_text(context, user_id, sent_link(services, invitation))
    return ""


def sent_link(services: Services, invitation: EvaluatorInvitation) -> str:
    """The message carrying a new evaluator invitation's link."""
    government = parse_government(invitation.government)
    return texts.evaluator_invite_link(
        invitation.body_label,
        government.line,
        link(services, invitation.code),
        format_datetime_id(invitation.expires_at),
        invitation.admin,
    )


def _listing(services: Services, pemdas: list[str]) -> tuple[str, list[list[Button]]]:
    now = services.now()
    parts, buttons = [], []
    for pemda in pemdas:
        rows = []
        for inv in evaluator_invitations(services, pemda)[-30:]:
            state = inv.state(now)
            joined = services.roster.evaluator(inv.used_by) if inv.used_by else None
            who = texts.evaluator_invite_who(
                inv.body_label, inv.admin, joined.name if joined else ""
            )
            rows.append(
                (inv.code, who, state, texts.valid_until(format_datetime_id(inv.expires_at)))
            )
            if state == ACTIVE:
                label = texts.btn_evaluator_revoke(inv.body_label, inv.code)
                buttons.append([(label, {"action": "evaluator_revoke", "code": inv.code})])
        if rows:
            parts.append(texts.evaluator_invite_listing(pemda_line(services, pemda), rows))
    return "\n\n".join(parts), buttons


async def cmd_undangan_evaluator(update: Update, context) -> None:
    """/undangan_evaluator: the invitations (the operator's: every pemda's), Cabut for each
    usable one."""
    services = svc(context)
    user = update.effective_user
    inviter = await _inviter_or_refuse(update, context, "undangan_evaluator")
    if inviter is None:
        return
    operator, evaluator = inviter
    pemdas = list(services.roster.pemdas()) if operator or evaluator is None else [evaluator.pemda]
    text, buttons = _listing(services, pemdas)
    await send_text(context, user.id, text or texts.EVALUATOR_INVITE_NONE, buttons or None)


async def on_revoke(update: Update, context, payload: dict[str, Any]) -> str:
    services = svc(context)
    user_id = update.effective_user.id
    operator, evaluator = _inviter(services, user_id)
    revoked = revoke_evaluator_invitation(
        services,
        str(payload.get("code", "")),
        user_id,
        operator=operator,
        update_id=update.update_id,
    )
    if revoked is None:
        return texts.BUTTON_UNKNOWN
    await drop_buttons(update)
    await send_text(context, user_id, texts.EVALUATOR_INVITE_REVOKED.format(code=revoked.code))
    return ""


def as_member_button(action: Callable[..., Awaitable[str]]):
    """The same press by an operator who is also a unit's member (``routes.BUTTONS``)."""

    async def pressed(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
        return await action(update, context, payload)

    return pressed


# ----------------------------------------------------------------------------- the invitee


async def open_link(update: Update, context, person: Person | None, code: str) -> bool:
    """``/start inv-…`` when the code is an evaluator invitation's (False: it is not; the
    unit invitations take it). A unit's member or an evaluator is refused; a usable code
    shows the pemda and the body, with Terima."""
    services = svc(context)
    invitation = services.evaluator_invitations.get(code)
    if invitation is None:
        return False
    user_id = update.effective_user.id
    if person is None and services.roster.evaluator(user_id) is None:
        if not await guest_gate(update, context, "undangan"):
            return True
    try:
        check_outsider(services.roster, user_id)
        usable_evaluator(invitation, services.now())
    except (InputError, RoleError) as exc:
        audit_refusal(
            context,
            update,
            person,
            "undangan_evaluator",
            texts.audit_invitation_state(invitation.state(services.now()), code),
            role="evaluator" if services.roster.evaluator(user_id) else None,
        )
        await send_text(context, user_id, texts.esc(exc))
        return True
    government = parse_government(invitation.government).line
    text = texts.evaluator_invite_offer(invitation.body_label, government, invitation.admin)
    rows = [
        [
            (texts.BTN_INVITE_ACCEPT, {"action": "evaluator_accept", "code": code}),
            (texts.BTN_INVITE_DECLINE, {"action": "evaluator_decline", "code": code}),
        ]
    ]
    await send_text(context, user_id, text, rows, user_id=user_id)
    return True


async def on_guest_button(update: Update, context, payload: dict[str, Any]) -> str:
    """Terima / Tolak / the final Terima of an evaluator invitation; a refusal is said in
    the chat too (a popup vanishes)."""
    try:
        return await _guest_button(update, context, payload)
    except (InputError, RoleError) as exc:
        await send_text(context, update.effective_user.id, texts.esc(exc))
        raise


async def _guest_button(update: Update, context, payload: dict[str, Any]) -> str:
    services = svc(context)
    user_id = update.effective_user.id
    invitation = services.evaluator_invitations.get(str(payload.get("code", "")))
    if invitation is None:
        return texts.BUTTON_UNKNOWN
    await drop_buttons(update)
    if payload["action"] == "evaluator_decline":
        services.sessions.clear(user_id)
        await send_text(context, user_id, texts.INVITE_DECLINED)
        return ""
    services.refresh_roster()
    usable_evaluator(invitation, services.now())
    check_outsider(services.roster, user_id)
    if payload["action"] == "evaluator_register":
        await register(update, context, invitation, typed_details(services, user_id))
        return ""
    form = {"form": GUEST_FORM, "form_id": secrets.token_hex(4), "code": invitation.code}
    await begin_details(context, user_id, form)
    return ""


async def on_guest_text(update: Update, context) -> bool:
    """The evaluator invitee typing name, NIP and jabatan (the unit invitee's questions and
    checks); False when no evaluator invitation is being filled."""
    handled, session = await take_detail(update, context, GUEST_FORM)
    if session is None:
        return handled
    services = svc(context)
    user_id = update.effective_user.id
    values = session["values"]
    invitation = services.evaluator_invitations.get(session["code"])
    if invitation is None:
        return False
    text = texts.evaluator_invite_confirm(
        invitation.body_label,
        parse_government(invitation.government).line,
        values["name"],
        values["nip"],
        values["position"],
    )
    rows = [
        [
            (texts.BTN_INVITE_ACCEPT, {"action": "evaluator_register", "code": invitation.code}),
            (texts.BTN_INVITE_DECLINE, {"action": "evaluator_decline", "code": invitation.code}),
        ]
    ]
    await send_text(context, user_id, text, rows, user_id=user_id)
    return True


async def register(
    update: Update, context, invitation: EvaluatorInvitation, details: tuple[str, str, str]
) -> None:
    """Into the roster's evaluators at once; the invitation spent; whoever invited told."""
    services = svc(context)
    user_id = update.effective_user.id
    evaluator = accept_evaluator_invitation(
        services, invitation.code, user_id, details, update.update_id
    )
    services.sessions.clear(user_id)
    government = pemda_line(services, evaluator.pemda)
    if invitation.created_by not in (0, user_id):
        joined = texts.evaluator_joined(evaluator.name, evaluator.body_label, government)
        await send_text(context, invitation.created_by, joined)
    await evaluator_start(update, context, evaluator)
