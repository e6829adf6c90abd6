"""The SOP's actions in chat: each handler parses, loads, applies the domain, saves, replies."""

from __future__ import annotations

import secrets
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app import quarter
from app.realisation import attach_evidence
from domain.errors import InputError
from domain.models import (
    DEFAULT_INSTRUCTIONS,
    DEFAULT_URGENCY,
    INSTRUCTIONS,
    URGENCIES,
    Cycle,
    FileRef,
    cycle_id,
    parse_cycle_id,
)
from domain.performance import format_number_id
from domain.periods import parse_period, start_periods
from domain.roster import Person
from domain.sop import ASSEMBLE, COLLECT, DIVIDE, FORWARD
from domain.standins import represented
from domain.workflow import (
    MemberTask,
    authorize,
)
from handlers import texts
from handlers.annual import annual_archive_rows
from handlers.common import (
    audit_refusal,
    cycle_of,
    drop_buttons,
    send_file,
    send_text,
    svc,
    unit_of,
)
from handlers.files import is_photo, receive_document
from handlers.forms import (
    begin_form,
    choice_field,
    document_field,
    text_field,
)
from handlers.notices import notices
from handlers.offers import report_filename
from handlers.outbox import deliver
from handlers.quarterly import QUARTER
from handlers.realisation import is_realisation_workbook, on_realisation_workbook
from handlers.reports import build_disposition_sheet
from handlers.texts import esc, tw


def _next_role(services, unit, key: str) -> str:
    """The unit's label of the role that receives what the step of ``key`` hands on."""
    sop = services.sop_for(unit)
    nxt = sop.by_key(key).next
    return unit.role_label(sop.step(nxt).role) if nxt is not None else ""


# --- the first step: the head starts the cycle ------------------------------------------


async def cmd_mulai(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    services = svc(context)
    unit = unit_of(services, person)
    first = services.sop_for(unit).first
    if not person.acts_as(first.role):
        reason = represented(person, first.role)  # the holder while a Plh acts for them
        refusal = (
            texts.esc(reason) if reason else texts.wrong_role_start(unit.role_label(first.role))
        )
        audit_refusal(context, update, person, "mulai", refusal)
        await send_text(context, person.user_id, refusal)
        return
    today = services.calendar(unit).to_local(services.now()).date()
    existing = {(c.year, c.triwulan): c for c in services.cycles.list_unit(unit.code)}
    periods = start_periods(today, existing)
    options = [(texts.period_label(p), p.key) for p in periods if p.can_start]
    blocked = texts.periods_blocked(periods, services.sop_for(unit))
    if not options:
        await send_text(context, person.user_id, texts.NO_PERIOD_TO_START + blocked)
        return
    fields = [
        choice_field(
            "period",
            texts.LABEL_PERIOD,
            texts.choose_period(today) + blocked,
            options,
            per_row=3,
        ),
        document_field(
            "pk",
            texts.LABEL_PK,
            texts.ASK_PK,
            "perjanjian_kinerja",
        ),
        document_field(
            "ra",
            texts.LABEL_RA,
            texts.ASK_RA,
            "rencana_aksi",
        ),
        text_field(
            "note",
            texts.LABEL_DISPOSITION_NOTE,
            texts.ask_disposition_note(_next_role(services, unit, first.key)),
        ),
    ]
    await begin_form(
        context,
        person,
        "start",
        fields,
        texts.DISPOSITION_FORM_TITLE,
        toggles=disposition_toggles(),
    )


async def finish_start(update, context, person: Person, session: dict[str, Any]) -> None:
    services = svc(context)
    unit = unit_of(services, person)
    v = session["values"]
    year, triwulan = parse_period(v["period"])
    documents = (FileRef.from_dict(v["pk"]), FileRef.from_dict(v["ra"]))
    change = await quarter.start_quarter(
        services,
        notices,
        build_disposition_sheet,
        person,
        year,
        triwulan,
        documents,
        v["note"],
        update.update_id,
        **_marks(v),
    )
    await deliver(context, unit.code, change.after.year, change.after.triwulan)


# --- the disposition is forwarded -------------------------------------------------------


async def forward_begin(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    cycle = cycle_of(context, payload)
    unit = unit_of(services, person)
    authorize(services.context(unit), cycle, FORWARD, person)
    await drop_buttons(update)
    to = _next_role(services, unit, FORWARD)
    fields = [text_field("note", texts.LABEL_DISPOSITION_NOTE, texts.ask_disposition_note(to))]
    await begin_form(
        context,
        person,
        "forward",
        fields,
        texts.forward_form_title(to, tw(cycle.triwulan, cycle.year)),
        cycle.id,
        toggles=disposition_toggles(),
    )
    return ""


def disposition_toggles() -> list[dict[str, Any]]:
    """Sifat and instructions of the Lembar Disposisi, tapped on the confirmation message."""
    return [
        {
            "name": "urgency",
            "label": texts.LABEL_URGENCY,
            "default": DEFAULT_URGENCY,
            "options": [[u.title(), u] for u in URGENCIES],
        },
        {
            "name": "instructions",
            "label": texts.LABEL_INSTRUCTIONS,
            "multi": True,
            "default": list(DEFAULT_INSTRUCTIONS),
            "options": [[i.capitalize(), i] for i in INSTRUCTIONS],
        },
    ]


def _marks(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "urgency": values.get("urgency", DEFAULT_URGENCY),
        "instructions": tuple(values.get("instructions", DEFAULT_INSTRUCTIONS)),
    }


async def finish_forward(update, context, person: Person, session: dict[str, Any]) -> None:
    services = svc(context)
    cycle = cycle_of(context, session)
    await quarter.forward(
        services,
        notices,
        build_disposition_sheet,
        person,
        cycle,
        session["values"]["note"],
        update.update_id,
        **_marks(session["values"]),
    )
    await deliver(context, cycle.unit, cycle.year, cycle.triwulan)


# --- the work is divided ----------------------------------------------------------------


async def divide_begin(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    cycle = cycle_of(context, payload)
    authorize(services.context(unit), cycle, DIVIDE, person)
    await drop_buttons(update)
    fields = [
        text_field(
            "note",
            texts.LABEL_DIVISION_NOTE,
            texts.ASK_DIVISION_NOTE,
        )
    ]
    members = unit.with_role(services.sop_for(unit).role_of(COLLECT))
    targets = services.targets.get(unit.code, cycle.year)
    if targets is not None:
        # One member per indicator, chosen with buttons; a member may get several.
        options = [(m.name, str(m.user_id)) for m in members]
        for ind in targets.indicators:
            target = ind.target_for(cycle.triwulan)
            fields.append(
                choice_field(
                    f"ind:{ind.code}",
                    f"{ind.code} {ind.indikator}",
                    texts.ask_indicator_member(
                        ind.code,
                        ind.indikator,
                        texts.tw_short(cycle.triwulan),
                        format_number_id(target),
                        ind.satuan,
                    ),
                    options,
                )
            )
        await begin_form(
            context,
            person,
            "divide",
            fields,
            texts.division_form_title(tw(cycle.triwulan, cycle.year)),
            cycle.id,
            {"targets": True},
        )
        return ""
    await send_text(context, person.user_id, texts.NO_TARGETS.format(year=cycle.year))
    for member in members:
        fields.append(
            text_field(
                f"member:{member.user_id}",
                texts.member_task_label(member.name),
                texts.ask_member_items(member.name, member.position),
            )
        )
    await begin_form(
        context,
        person,
        "divide",
        fields,
        texts.division_form_title(tw(cycle.triwulan, cycle.year)),
        cycle.id,
    )
    return ""


def _items(text: str) -> tuple[str, ...]:
    lines = [line.strip(" -•\t") for line in text.splitlines()]
    return tuple(line for line in lines if line)


async def finish_divide(update, context, person: Person, session: dict[str, Any]) -> None:
    services = svc(context)
    cycle = cycle_of(context, session)
    values = session["values"]
    if session["meta"].get("targets"):
        by_member: dict[int, list[str]] = {}
        for name, value in values.items():
            if name.startswith("ind:"):
                by_member.setdefault(int(value), []).append(name.split(":", 1)[1])
        tasks = tuple(MemberTask(m, "", tuple(codes)) for m, codes in by_member.items())
    else:
        tasks = tuple(
            MemberTask(member_id=int(name.split(":", 1)[1]), note="", items=_items(value))
            for name, value in values.items()
            if name.startswith("member:")
        )
    quarter.divide(
        services,
        notices,
        person,
        cycle,
        values["note"],
        tasks,
        update.update_id,
        by_indicator=bool(session["meta"].get("targets")),
        no_targets=texts.NO_TARGETS.format(year=cycle.year),
    )
    await deliver(context, cycle.unit, cycle.year, cycle.triwulan)


# --- the team hands over data ---------------------------------------------------------


def _collecting_cycles(context, person: Person) -> list[Cycle]:
    services = svc(context)
    step = services.sop_for(person.unit).by_key(COLLECT).number
    return [
        c
        for c in services.cycles.list_unit(person.unit)
        if not c.filed
        and c.step == step
        and c.assignment_of(person.user_id)
        and c.assignment_of(person.user_id).items
    ]


async def on_data_document(update: Update, context, person: Person) -> None:
    """A document outside a form: a Tim Kerja member's data for an assignment."""
    cycles = _collecting_cycles(context, person)
    if not cycles:
        audit_refusal(context, update, person, "unggah", texts.NO_FILE_EXPECTED)
        await send_text(context, person.user_id, texts.NO_FILE_EXPECTED)
        return
    try:
        ref = await receive_document(update, context, person, kind="data")
        data = svc(context).db.blobs.get(ref.sha256)
        with_indicators = [c for c in cycles if c.indicators]
        if ref.name.lower().endswith(".xlsx") and with_indicators and is_realisation_workbook(data):
            await on_realisation_workbook(
                update, context, person, with_indicators[0], data, ref.name
            )
            return
    except InputError as exc:
        await send_text(context, person.user_id, esc(exc))
        return
    group = f"upload:{secrets.token_hex(4)}"
    rows = []
    for cycle in cycles:
        assignment = cycle.assignment_of(person.user_id)
        prefix = f"{texts.tw_short(cycle.triwulan)} · " if len(cycles) > 1 else ""
        for i, item in enumerate(assignment.items):
            mark = " ✔" if item.complete else ""
            rows.append(
                [
                    (
                        f"{prefix}{i + 1}. {item.title}{mark}"[:60],
                        {
                            "action": "upload_item",
                            "cycle": cycle.id,
                            "item": i,
                            "file": ref.to_dict(),
                            "group": group,
                        },
                    )
                ]
            )
    rows.append([(texts.BTN_CANCEL, {"action": "upload_cancel", "group": group})])
    note = texts.PHOTO_QUALITY_NOTE + "\n" if is_photo(update) else ""
    await send_text(
        context,
        person.user_id,
        note + texts.upload_which_item(ref.name, ref.size),
        rows,
    )


async def upload_cancel(update, context, person: Person, payload: dict[str, Any]) -> str:
    svc(context).callbacks.revoke_group(payload["group"])
    await drop_buttons(update)
    await send_text(context, person.user_id, texts.UPLOAD_NOT_RECORDED)
    return ""


async def upload_item(update, context, person: Person, payload: dict[str, Any]) -> str:
    cycle = cycle_of(context, payload)
    ref = FileRef.from_dict(payload["file"])
    await record_upload(
        context, person, cycle, int(payload["item"]), ref, update.update_id, payload["group"]
    )
    await drop_buttons(update)  # after the write: if it fails, the buttons stay
    return texts.RECORDED


async def record_upload(
    context, person: Person, cycle, index: int, ref: FileRef, update_id, group: str | None
) -> None:
    """A checked, stored file recorded for the member's item ``index`` (chat's upload
    buttons), announced in chat with the member's checklist (``app.realisation``)."""
    attach_evidence(svc(context), notices, person, cycle, index, ref, update_id, group)
    await deliver(context, cycle.unit, cycle.year, cycle.triwulan)


# --- the report is made and submitted --------------------------------------------------


async def draft_build(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    cycle = cycle_of(context, payload)
    authorize(services.context(unit), cycle, ASSEMBLE, person)
    await drop_buttons(update)
    await quarter.make_draft(services, notices, QUARTER, person, cycle, update.update_id)
    await deliver(context, cycle.unit, cycle.year, cycle.triwulan)
    return ""


# Submit, paraf, return and the two-tap signature are the one approval flow of every report
# (``handlers.approval``); ``handlers.quarterly`` registers them for the quarterly report.


# --- filed reports ---------------------------------------------------------------------


async def cmd_arsip(update: Update, context, person: Person) -> None:
    services = svc(context)
    filed = [c for c in services.cycles.list_unit(person.unit) if c.filed]
    group = f"archive:{person.user_id}"
    yearly = annual_archive_rows(services, person, group)
    if not filed and not yearly:
        await send_text(context, person.user_id, texts.NO_SIGNED_REPORTS)
        return
    services.callbacks.revoke_group(group)
    rows = [
        [(tw(c.triwulan, c.year), {"action": "archive_get", "cycle": c.id, "group": group})]
        for c in filed[-12:]
    ] + yearly
    await send_text(context, person.user_id, texts.ARCHIVE_HEAD, rows)


async def archive_get(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    cycle = cycle_of(context, payload)
    unit_code, _, _ = parse_cycle_id(payload["cycle"])
    if unit_code != person.unit or not cycle.filed or cycle.latest_report is None:
        return texts.BUTTON_UNKNOWN
    report = cycle.latest_report
    await send_file(
        context,
        person.user_id,
        services.db.blobs.get(report.sha256),
        report_filename(cycle, "signed"),
        texts.archive_caption(texts.quarter_name(tw(cycle.triwulan, cycle.year)), report.sha256),
    )
    return ""


__all__ = ["cmd_mulai", "cmd_arsip", "on_data_document", "cycle_id"]
