"""Stand-ins in chat (/plh): appoint a Plh/Plt for a post and a range of days, list the
appointments, end one early; and the moments a range starts or ends (the reminder tick).

The rules (who may appoint, which stand-in, which days, Plh or Plt) are
``domain.standins``; the appointments are data (``state/standins.json``) laid over the
roster, so every role check, task, reminder and document follows them. Every appointment and
early end is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.standins import appoint_standin, end_for_departure, end_standin
from domain import segregation, standins
from domain.dates_id import format_date_id, format_day_date_id, parse_date_id
from domain.errors import InputError, RoleError
from domain.roles import Role
from domain.roster import Person, Unit
from domain.standins import POSTS, StandIn
from handlers import menu, texts
from handlers.common import audit_refusal, drop_buttons, send_text, svc, unit_of
from handlers.forms import (
    begin_form,
    choice_field,
    text_field,
)
from handlers.tasks import offer_tasks

START_CHOICES = 6  # today and the next working days offered as the first day


def _posts(unit: Unit, person: Person) -> list[Role]:
    """The posts ``person`` may appoint a stand-in for (all for the unit administrator)."""
    return [r for r in POSTS if unit.is_admin(person) or person.role is r]


def _manager_unit(context: ContextTypes.DEFAULT_TYPE, person: Person) -> Unit:
    unit = unit_of(svc(context), person)
    if not _posts(unit, person):
        admins = ", ".join(p.name for p in unit.administrators)
        labels = [texts.esc(unit.role_label(r)) for r in POSTS]
        posts = f"{', '.join(labels[:-1])} atau {labels[-1]}"
        raise RoleError(texts.STANDIN_NOT_ALLOWED.format(posts=posts, admins=admins))
    return unit


def _days(context: ContextTypes.DEFAULT_TYPE, unit: Unit, period: StandIn) -> tuple[str, str]:
    calendar = svc(context).calendar(unit)
    first = calendar.to_local(period.start).date()
    last = calendar.to_local(period.until).date() - timedelta(days=1)
    return format_day_date_id(first), format_day_date_id(max(first, last))


def _name(unit: Unit, user_id: int | None) -> str:
    who = unit.person(user_id) if user_id is not None else None
    return who.name if who else ""


def _former_name(unit: Unit, user_id: int | None) -> str:
    """The name of someone who has left the unit (kept on record)."""
    who = next((p for p in reversed(unit.former) if p.user_id == user_id), None)
    return who.name if who else ""


async def cmd_plh(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    services = svc(context)
    try:
        unit = _manager_unit(context, person)
    except RoleError as exc:
        audit_refusal(context, update, person, "plh", str(exc))
        await send_text(context, person.user_id, texts.esc(exc))
        return
    now = services.now()
    posts = _posts(unit, person)
    lines = [texts.STANDIN_HEAD.format(unit=texts.esc(unit.name)), ""]
    rows = []
    periods = standins.current_and_coming(unit, now)
    lines.append(texts.STANDIN_LIST_HEAD if periods else texts.STANDIN_NONE)
    for period in periods:
        first, last = _days(context, unit, period)
        state = texts.STANDIN_ACTIVE if period.covers(now) else texts.STANDIN_COMING
        name = _name(unit, period.acting)
        lines.append(
            texts.standin_line(period.kind, unit.role_label(period.role), name, first, last, state)
        )
        if period.role in posts:
            label = texts.btn_standin_end(period.kind, unit.role_label(period.role), name)
            rows.append([(label, {"action": "standin_end", "id": period.id})])
    for period in standins.cancelled_coming(unit, now):
        first, last = _days(context, unit, period)
        name = _name(unit, period.acting) or _former_name(unit, period.acting)
        lines.append(
            texts.standin_line(
                period.kind,
                unit.role_label(period.role),
                name,
                first,
                last,
                texts.STANDIN_CANCELLED,
            )
        )
    for role in posts:
        holders = unit.with_role(role)
        kind = standins.PLH if holders else standins.PLT
        label = texts.btn_standin_new(
            kind, unit.role_label(role), holders[0].name if holders else None
        )
        rows.append([(label, {"action": "standin_new", "role": role.value})])
    await send_text(context, person.user_id, "\n".join(lines), rows)


def candidates(
    services, unit: Unit, role: Role, by: Person
) -> tuple[list[Person], list[tuple[str, str]]]:
    """Whom the bot offers as stand-in for ``role``: members who are not its holder nor a
    reviewer, and whom the SOP table's segregation of duties allows
    (``domain.segregation``) today; the others, with the reason (escaped), for the prompt."""
    today = services.calendar(unit).to_local(services.now()).date()
    start, end = standins.day_bounds(today, today, unit.timezone)  # the Kirim checks the range
    sop = services.sop_for(unit)
    holders = {p.user_id for p in unit.with_role(role)}
    offered: list[Person] = []
    refused: list[tuple[str, str]] = []
    for p in unit.people:
        if p.user_id in holders or p.role.read_only:
            continue
        who = f"{texts.esc(p.name)} ({p.role.label})"
        if p.user_id == by.user_id:
            refused.append((who, texts.STANDIN_SELF))
            continue
        why = segregation.appointment_conflict(sop, unit, role, p, start, end)
        if why:
            refused.append((who, texts.esc(why)))
        else:
            offered.append(p)
    return offered, refused


async def on_new(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = _manager_unit(context, person)
    role = Role(payload["role"])
    standins.check_manager(unit, person, role)
    holders = {p.user_id for p in unit.with_role(role)}
    people, refused = candidates(services, unit, role, person)
    if not people:
        raise InputError(texts.STANDIN_NO_PEOPLE + texts.standin_not_offered(refused))
    kind = standins.PLH if holders else standins.PLT
    calendar = services.calendar(unit)
    today = calendar.to_local(services.now()).date()
    days = [today]
    while len(days) < START_CHOICES:  # next_working_day is strictly after its argument
        days.append(calendar.next_working_day(days[-1]))
    example = calendar.add_working_days(today, 4)
    fields = [
        choice_field(
            "acting",
            texts.STANDIN_FIELD_PERSON,
            texts.STANDIN_PICK_PERSON.format(kind=kind, role=unit.role_label(role))
            + texts.standin_not_offered(refused),
            [(f"{p.name} ({unit.role_label(p.role)})", str(p.user_id)) for p in people],
            per_row=1,
        ),
        choice_field(
            "first",
            texts.STANDIN_FIELD_START,
            texts.STANDIN_PICK_START,
            [
                (texts.standin_day(format_day_date_id(d), calendar.holiday_name(d)), d.isoformat())
                for d in days
            ],
            per_row=2,
        ),
        {
            **text_field(
                "last",
                texts.STANDIN_FIELD_END,
                texts.STANDIN_ASK_END.format(
                    example=example.strftime("%d-%m-%Y"), example_long=format_date_id(example)
                ),
            ),
            "validate": "standin_last",
        },
    ]
    await drop_buttons(update)
    title = texts.STANDIN_FORM_TITLE.format(kind=kind, role=unit.role_label(role))
    await begin_form(context, person, "standin", fields, title, meta={"role": role.value})
    return ""


def read_date(text: str) -> tuple[Any, str]:
    try:
        day = parse_date_id(text)
    except ValueError:
        raise InputError(texts.STANDIN_BAD_DATE.format(text=texts.esc(text))) from None
    return day.isoformat(), format_day_date_id(day)


def read_last(text: str, values: dict[str, Any]) -> tuple[Any, str]:
    """The last day, checked against the first as it is typed: a refusal keeps the form."""
    value, display = read_date(text)
    if values.get("first"):
        standins.check_range(date.fromisoformat(values["first"]), date.fromisoformat(value))
    return value, display


async def finish_standin(update: Update, context, person: Person, session: dict[str, Any]):
    services = svc(context)
    services.refresh_roster()
    _manager_unit(context, person)
    values = session["values"]
    role = Role(session["meta"]["role"])
    first, last = date.fromisoformat(values["first"]), date.fromisoformat(values["last"])
    made = appoint_standin(
        services, person, role, int(values["acting"]), first, last, update.update_id
    )
    period, unit, holder = made.period, made.unit, made.holder
    holidays = [f"{format_date_id(d)} ({name})" for d, name in made.holidays]
    day_from, day_to = format_day_date_id(first), format_day_date_id(last)
    name = made.acting.name if made.acting else ""
    done = texts.standin_appointed_done(period.kind, unit.role_label(role), name, day_from, day_to)
    done += f"\n({texts.standin_range_note(made.working_days, holidays)})"
    await send_text(context, person.user_id, done)
    text = texts.standin_to_acting(
        period.kind, period.post, holder.name if holder else None, day_from, day_to
    )
    await send_text(context, period.acting, text)
    if holder is not None and holder.user_id != person.user_id:
        await send_text(
            context,
            holder.user_id,
            texts.standin_to_holder(period.kind, unit.role_label(role), name, day_from, day_to),
        )
    await refresh_menus(context)


async def on_end(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    _manager_unit(context, person)
    result = end_standin(svc(context), person, payload["id"], update.update_id, texts.STANDIN_GONE)
    period, ended, unit = result.before, result.ended, result.unit
    await drop_buttons(update)
    if ended.cancelled:  # nobody stood in: told now (the range's moments never come)
        first, last = _days(context, unit, period)
        text = texts.standin_cancelled(
            period.kind, period.role.label, _name(unit, period.acting), first, last, person.name
        )
        for user_id in (period.acting, period.holder):
            if user_id is not None and user_id != person.user_id:
                await send_text(context, user_id, text)
        return texts.STANDIN_CANCELLED_NOTICE
    await refresh_menus(context)
    return texts.STANDIN_ENDED_NOTICE


async def on_departure(
    context: ContextTypes.DEFAULT_TYPE, before: Unit, former: Person, by: Person
) -> None:
    """Someone left the unit (removed, or replaced in their post): their appointments, as
    the stand-in or as the holder represented, end now or are cancelled when not begun; each
    is audited and the other official is told (a stand-in who leaves hands the post back)."""

    services = svc(context)
    for period, unit in end_for_departure(services, before, former, by):
        first, last = _days(context, before, period)
        acting = _name(before, period.acting)
        text = texts.standin_left(
            period.kind, period.role.label, acting, first, last, former.name, period.cancelled
        )
        others = [p for p in (unit.member(period.acting), unit.member(period.holder or 0)) if p]
        for person in others:
            await send_text(context, person.user_id, text)
            await menu.set_menu(context.bot, services, person)
        if not period.cancelled:
            for person in unit.acting(period.role):
                await offer_tasks(context, person)


# --- the moments a range starts or ends -------------------------------------------------------

#: Appointments whose end was announced (recorded in the store; this only spares the lookup).
SETTLED: set[str] = set()


async def refresh_menus(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Announce each range that started or ended since the last look, once (recorded like a
    reminder): the menus of the stand-in and the holder follow, whoever acts now gets the
    post's open tasks with their buttons, and both are told when a range ends."""

    services = svc(context)
    now = services.now()
    for unit in services.roster.units:
        for period in unit.standins:
            if period.start > now or period.id in SETTLED or period.cancelled:
                continue
            year = services.calendar(unit).to_local(period.start).year
            started = f"{period.id}|mulai"
            ended = f"{period.id}|selesai"
            over = period.until <= now
            key = ended if over else started
            if services.notices.was_sent(unit.code, year, key):
                if over:  # both moments announced: never looked up again in this process
                    SETTLED.add(period.id)
                continue
            services.notices.mark_sent(unit.code, year, key, now.isoformat())
            if over and not services.notices.was_sent(unit.code, year, started):
                services.notices.mark_sent(unit.code, year, started, now.isoformat())
            people = [unit.member(period.acting), *unit.with_role(period.role)]
            for person in people:
                if person is not None:
                    await menu.set_menu(context.bot, services, person)
            if over:
                text = texts.standin_ended(
                    period.kind,
                    unit.role_label(period.role),
                    _name(unit, period.acting),
                    _name(unit, period.ended_by) or None,
                )
                for person in people:
                    if person is not None:
                        await send_text(context, person.user_id, text)
            for person in unit.acting(period.role):
                await offer_tasks(context, person)
