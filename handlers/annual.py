"""/tahunan: the annual LKj compiled from the four signed quarters, initialled and signed in
chat like a quarterly report."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import Services
from documents.annual_context import annual_report_context
from documents.render import render_pdf
from documents.workbooks import archival_attachment, year_export
from domain import annual
from domain.annual import AnnualReport
from domain.errors import WorkflowError
from domain.roster import Person, Unit
from domain.verification import VERIFIED_STATUSES, verification_code
from handlers import texts
from handlers.buttons import button_action
from handlers.common import (
    SignButtons,
    drop_buttons,
    drop_buttons_of,
    send_text,
    show_sign_buttons,
    svc,
    unit_of,
)
from handlers.forms import begin_form, finisher, text_field
from handlers.outbox import ANNUAL, Outbox, deliver, end_form_with
from handlers.verification import verify_key


def filename(report: AnnualReport, status: str) -> str:
    suffix = {"draft": "DRAF", "paraf": "PARAF", "signed": "DITANDATANGANI"}[status]
    latest = report.latest_report
    version = f"_v{latest.number}" if status == "draft" and latest else ""
    return f"LKj_Tahunan_{report.year}_{suffix}{version}.pdf"


async def render(
    services: Services, unit: Unit, year: int, status: str, report: AnnualReport | None
) -> str:
    """Render the annual report off the event loop; returns the stored PDF's hash."""
    quarters = annual.quarters_ready(services.cycles.list_unit(unit.code, year), year)
    code = None
    if report is not None and status in VERIFIED_STATUSES and report.latest_report is not None:
        code = verification_code(
            verify_key(services), report.id, report.latest_report.number, status
        )
    budget = services.budget.get(unit.code, year)
    context = annual_report_context(
        unit,
        year,
        quarters,
        services.calendar(unit),
        status,
        services.now(),
        report=report,
        verification_code=code,
        previous_years={y: services.cycles.list_unit(unit.code, y) for y in (year - 1, year - 2)},
        budget=budget,
    )
    archival = None
    if status == "signed":
        # The signed LKj is archival: PDF/A-3 with the year's export workbook embedded.
        workbook = year_export(quarters, unit.name, budget)
        archival = [archival_attachment(year, None, workbook)]
    pdf = await asyncio.to_thread(render_pdf, "annual_report.html", context, archival=archival)
    return services.db.blobs.put(pdf)


async def save(
    context, before: AnnualReport | None, after: AnnualReport, out: Outbox, update_id: int | None
) -> None:
    """Save with what it owes (and its audit lines) in one write, then deliver."""
    services = svc(context)
    end_form_with(out, update_id)
    for entry in after.history[len(before.history) if before else 0 :]:
        out.entries.append(
            {
                "id": f"a{after.rev}-{entry.action}",
                "kind": "audit",
                "chat_id": 0,
                "entry": {
                    "at": entry.at.isoformat(),
                    "actor": entry.actor,
                    "role": entry.role,
                    "action": entry.action,
                    "cycle": after.id,
                    "update_id": update_id,
                    "detail": entry.detail,
                },
            }
        )
    services.annual.save(
        after,
        expected_rev=before.rev if before else None,
        outbox=out.entries,
        update_id=update_id,
    )
    await deliver(context, after.unit, after.year, ANNUAL)


def _args(report: AnnualReport) -> dict[str, Any]:
    latest = report.latest_report
    assert latest is not None
    return {"year": report.year, "version": latest.number, "group": f"{report.id}:{report.rev}"}


async def cmd_tahunan(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    services = svc(context)
    unit = unit_of(services, person)
    compiler = services.sop_for(unit).by_key(annual.COMPILE_STEP).role
    if person.role is not compiler:
        await send_text(context, person.user_id, texts.annual_not_for_you(compiler.label))
        return
    this_year = services.calendar(unit).to_local(services.now()).year
    rows = [
        [(f"Susun LKj {y}", {"action": "annual_compile", "year": y})]
        for y in (this_year - 1, this_year)
    ]
    await send_text(context, person.user_id, texts.ANNUAL_INTRO, rows)


@button_action("annual_compile")
async def annual_compile(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    year = int(payload["year"])
    existing = services.annual.get(unit.code, year)
    if existing is not None and existing.status != annual.DRAFT:
        raise WorkflowError(texts.annual_busy(year, existing.status))
    annual.quarters_ready(services.cycles.list_unit(unit.code, year), year)
    await drop_buttons(update)
    sha = await render(services, unit, year, "draft", existing)
    report = annual.compile_draft(
        existing,
        unit.code,
        year,
        services.cycles.list_unit(unit.code, year),
        sha,
        person,
        services.now(),
        services.sop_for(unit),
    )
    out = Outbox(services)
    out.file(
        person.user_id,
        sha,
        filename(report, "draft"),
        texts.annual_drafted(report),
        [[(texts.BTN_SUBMIT, {"action": "annual_submit", **_args(report)})]],
    )
    await save(context, existing, report, out, update.update_id)
    return ""


@button_action("annual_submit")
async def annual_submit(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    before = _load(services, unit, payload)
    report = annual.submit(
        before, int(payload["version"]), person, services.now(), services.sop_for(unit)
    )
    out = Outbox(services)
    out.text(person.user_id, texts.annual_submitted(report))
    sekretaris = unit.one(services.sop_for(unit).by_key(annual.PARAF_STEP).role)
    latest = report.latest_report
    out.file(
        sekretaris.user_id,
        latest.sha256,
        filename(report, "draft"),
        texts.annual_for_paraf(report),
        [
            [
                (texts.BTN_PARAF, {"action": "annual_paraf", **_args(report)}),
                (texts.BTN_RETURN, {"action": "annual_return_begin", **_args(report)}),
            ]
        ],
    )
    services.buttons.revoke_group(payload["group"])
    await drop_buttons(update)
    await save(context, before, report, out, update.update_id)
    return "Diajukan."


@button_action("annual_paraf")
async def annual_paraf(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    before = _load(services, unit, payload)
    report = annual.paraf(
        before, int(payload["version"]), person, services.now(), services.sop_for(unit)
    )
    sha = await render(services, unit, report.year, "paraf", report)
    report = annual.record_version(report, "paraf", sha, person.user_id, services.now())
    out = Outbox(services)
    out.text(person.user_id, texts.annual_paraf_done(report))
    kasat = unit.one(services.sop_for(unit).by_key(annual.SIGN_STEP).role)
    out.file(
        kasat.user_id,
        sha,
        filename(report, "paraf"),
        texts.annual_for_signature(report),
        [
            [
                (texts.BTN_SIGN, {"action": "annual_sign_ask", **_args(report)}),
                (texts.BTN_RETURN, {"action": "annual_return_begin", **_args(report)}),
            ]
        ],
    )
    services.buttons.revoke_group(payload["group"])
    await drop_buttons(update)
    await save(context, before, report, out, update.update_id)
    return "Paraf dicatat."


SIGN_BUTTONS = SignButtons(
    "annual_sign_ask", "annual_sign", "annual_sign_cancel", "annual_return_begin"
)


def _sign_args(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: payload[k] for k in ("year", "version", "group")}


@button_action("annual_sign_ask")
async def annual_sign_ask(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    if person.role is not services.sop_for(person.unit).by_key(annual.SIGN_STEP).role:
        raise WorkflowError(texts.BUTTON_FOREIGN)
    await show_sign_buttons(
        update, context, person.user_id, SIGN_BUTTONS, _sign_args(payload), confirming=True
    )
    return texts.SIGN_CONFIRM_HINT


@button_action("annual_sign_cancel")
async def annual_sign_cancel(update, context, person: Person, payload: dict[str, Any]) -> str:
    await show_sign_buttons(
        update, context, person.user_id, SIGN_BUTTONS, _sign_args(payload), confirming=False
    )
    return texts.SIGN_CANCELLED


@button_action("annual_sign")
async def annual_sign(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    before = _load(services, unit, payload)
    report = annual.sign(
        before, int(payload["version"]), person, services.now(), services.sop_for(unit)
    )
    sha = await render(services, unit, report.year, "signed", report)
    report = annual.record_version(report, "signed", sha, person.user_id, services.now())
    out = Outbox(services)
    for someone in unit.people:
        out.file(someone.user_id, sha, filename(report, "signed"), texts.annual_signed(report))
    services.buttons.revoke_group(payload["group"])
    await drop_buttons(update)
    await save(context, before, report, out, update.update_id)
    return "Laporan telah ditandatangani."


@button_action("annual_return_begin")
async def annual_return_begin(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    report = _load(services, unit, payload)
    step = annual.PARAF_STEP if report.status == annual.SUBMITTED else annual.SIGN_STEP
    if report.status not in (annual.SUBMITTED, annual.INITIALLED):
        raise WorkflowError(texts.BUTTON_STALE)
    if person.role is not services.sop_for(unit).by_key(step).role:
        raise WorkflowError(texts.BUTTON_FOREIGN)
    fields = [
        text_field(
            "reason",
            "Alasan pengembalian",
            "Tuliskan alasan pengembalian dan perbaikan yang diminta.",
        )
    ]
    await begin_form(
        context,
        person,
        "annual_return",
        fields,
        f"Pengembalian LKj tahunan {report.year}",
        None,
        {
            **{k: payload[k] for k in ("year", "version", "group")},
            "message_id": update.callback_query.message.message_id,
        },
    )
    return ""


@finisher("annual_return")
async def finish_annual_return(update, context, person: Person, session: dict[str, Any]):
    services = svc(context)
    unit = unit_of(services, person)
    meta = session["meta"]
    before = _load(services, unit, meta)
    report = annual.return_report(
        before,
        int(meta["version"]),
        session["values"]["reason"],
        person,
        services.now(),
        services.sop_for(unit),
    )
    out = Outbox(services)
    out.text(person.user_id, texts.annual_returned_done(report))
    compiler = unit.one(services.sop_for(unit).by_key(annual.COMPILE_STEP).role)
    out.text(
        compiler.user_id,
        texts.annual_returned(report, person),
        [[(texts.BTN_REBUILD_DRAFT, {"action": "annual_compile", "year": report.year})]],
    )
    services.buttons.revoke_group(meta["group"])
    await drop_buttons_of(context, person.user_id, meta["message_id"])
    await save(context, before, report, out, update.update_id)


def annual_archive_rows(services: Services, person: Person, group: str) -> list:
    """/arsip buttons for the unit's signed annual reports."""
    return [
        [(f"LKj Tahunan {r.year}", {"action": "archive_annual", "year": r.year, "group": group})]
        for r in services.annual.list_unit(person.unit)
        if r.status == annual.SIGNED
    ]


@button_action("archive_annual")
async def archive_annual(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    report = services.annual.get(person.unit, int(payload["year"]))
    if report is None or report.status != annual.SIGNED or report.latest_report is None:
        return texts.BUTTON_UNKNOWN
    latest = report.latest_report
    await context.bot.send_document(
        person.user_id,
        document=services.db.blobs.get(latest.sha256),
        filename=filename(report, "signed"),
        caption=f"Arsip: LKj tahun {report.year} (SHA-256 {latest.sha256[:16]}…).",
    )
    return ""


def _load(services: Services, unit: Unit, payload: dict[str, Any]) -> AnnualReport:
    report = services.annual.get(unit.code, int(payload["year"]))
    if report is None:
        raise WorkflowError(texts.BUTTON_UNKNOWN)
    return report
