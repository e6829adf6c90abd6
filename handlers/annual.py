"""/tahunan: the annual LKj compiled from the four signed quarters, then submitted,
initialled and signed through the approval flow every report shares (``handlers.approval``)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app import approval as use
from app.approval import Act
from app.services import Services
from app.unit_of_work import Owed, commit_annual
from documents.annual_context import annual_report_context
from documents.workbooks import archival_attachment, year_export
from domain import annual, approval, records
from domain.annual import AnnualReport
from domain.errors import WorkflowError
from domain.roster import Person, Unit
from domain.sop import PARAF, SIGN, Sop
from domain.verification import VERIFIED_STATUSES, verification_code
from handlers import annual_questions, texts, tte
from handlers.approval import ReportFlow
from handlers.common import (
    drop_buttons,
    send_text,
    svc,
    unit_of,
)
from handlers.notices import notices
from handlers.offers import ANNUAL_ACTIONS, ANNUAL_OFFERS
from handlers.offers import annual_filename as filename
from handlers.outbox import ANNUAL
from handlers.reports import render_document
from handlers.verification import verify_key


async def render(
    services: Services,
    unit: Unit,
    year: int,
    status: str,
    report: AnnualReport | None,
    by: int | None = None,
) -> str:
    """Render the annual report in a render worker; returns the stored PDF's hash."""
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
        sop=services.sop_for(unit),
        bot_username=services.bot_username,
        targets=services.targets.get(unit.code, year),  # Bab I's profile, counting rules
        reference_files=reference_files(services, quarters),
    )
    archival = None
    if status == "signed":
        # The signed LKj is archival: PDF/A-3 with the year's export workbook embedded.
        workbook = year_export(quarters, unit.name, budget)
        archival = [archival_attachment(year, None, workbook)]
    context["tte"] = tte.mark(services) if status == "signed" else None
    pdf = await render_document(services, "annual_report.html", context, archival=archival)
    title = texts.annual_document_title(year)
    if status == "signed":  # the PAdES signature (TTE) of ``by``, when configured
        pdf = await tte.sign_report(services, unit, by, pdf, title)
    elif status == "paraf" and tte.paraf_signed(services):  # LKJ_TTE_PARAF: the paraf's own
        pdf = await tte.sign_report(services, unit, by, pdf, title, paraf=True)
    return services.db.blobs.put(pdf)


def reference_files(services: Services, quarters: list) -> dict[str, bytes]:
    """The Perjanjian Kinerja and Rencana Aksi files the quarters hold, for the Lampiran (a
    file no longer in the store is left out: the Lampiran lists it with its reason)."""
    blobs = services.db.blobs
    return {
        d.sha256: blobs.get(d.sha256)
        for cycle in quarters
        for d in cycle.documents
        if blobs.exists(d.sha256)
    }


class AnnualFlow(ReportFlow[AnnualReport]):
    """The annual LKj in the approval flow: its stage is its status, its maker the holder of
    the SOP table's FILE step."""

    kind = approval.ANNUAL
    actions = ANNUAL_ACTIONS

    def name(self, report: AnnualReport) -> str:
        return texts.annual_name(report.year)

    def title(self, report: AnnualReport) -> str:
        return ANNUAL_OFFERS.title(report)

    def filename(self, report: AnnualReport, status: str) -> str:
        return filename(report, status)

    def load(self, services: Services, unit: Unit, payload: dict) -> AnnualReport:
        return _load(services, unit, payload)

    def stage(self, sop: Sop, report: AnnualReport) -> str | None:
        return annual.stage(report)

    def authorize(self, services: Services, unit: Unit, report: AnnualReport, key, person):
        if annual.stage(report) != key:
            raise WorkflowError(texts.BUTTON_STALE)
        approval.check_holder(services.sop_for(unit), key, person, unit.code)

    def apply(self, services: Services, unit: Unit, report: AnnualReport, act: Act, person):
        sop, now = services.sop_for(unit), services.now()
        facts = records.of_person(person, unit, now, sop.role_of(act.key))
        if act.verb == "submit":
            return annual.submit(report, act.version, person, now, sop, facts)
        if act.verb == "paraf":
            return annual.paraf(report, act.version, person, now, sop, facts)
        if act.verb == "sign":
            return annual.sign(report, act.version, person, now, sop, facts)
        if self.stage(sop, report) != act.key:
            raise WorkflowError(texts.BUTTON_STALE)
        return annual.return_report(report, act.version, act.reason, person, now, sop, facts)

    async def render(self, services: Services, unit: Unit, report: AnnualReport, status, by):
        sha = await render(services, unit, report.year, status, report, by)
        return annual.record_version(report, status, sha, by, services.now())

    def commit(self, services: Services, before, after, out: Owed, update_id) -> None:
        commit_annual(services, before, after, out, update_id)

    def queue(self, report: AnnualReport) -> tuple[str, int, int]:
        return report.unit, report.year, ANNUAL

    async def draft(
        self, services: Services, unit: Unit, year: int, existing: AnnualReport | None, by: Person
    ) -> AnnualReport:
        """Render the draft from the year's signed quarters and record it as a new version."""
        sha = await render(services, unit, year, "draft", existing)
        cycles = services.cycles.list_unit(unit.code, year)
        sop = services.sop_for(unit)
        return annual.compile_draft(existing, unit.code, year, cycles, sha, by, services.now(), sop)

    def args(self, report: AnnualReport, purpose: str) -> dict[str, Any]:
        return ANNUAL_OFFERS.args(report, purpose)

    def holders(self, services: Services, unit: Unit, report: AnnualReport) -> list[Person]:
        return ANNUAL_OFFERS.holders(services, unit, report)

    def offer(self, services: Services, unit: Unit, report: AnnualReport, person: Person):
        return ANNUAL_OFFERS.offer(services, unit, report, person)


FLOW = AnnualFlow()


async def cmd_tahunan(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    services = svc(context)
    unit = unit_of(services, person)
    sop = services.sop_for(unit)
    compiler = sop.role_of(FLOW.kind.maker)
    if not person.acts_as(compiler):
        await send_text(
            context, person.user_id, texts.annual_not_for_you(unit.role_label(compiler))
        )
        return
    this_year = services.calendar(unit).to_local(services.now()).year
    rows = [
        [(texts.btn_annual_compile(y), {"action": "annual_compile", "year": y})]
        for y in (this_year - 1, this_year)
    ]
    intro = texts.annual_intro(
        unit.role_label(sop.role_of(PARAF)), unit.role_label(sop.role_of(SIGN))
    )
    await send_text(context, person.user_id, intro, rows)
    for year in (this_year - 1, this_year):  # the year's close: who has explained what
        found = annual_questions.overview(services, unit, year)
        if found is not None:
            await send_text(context, person.user_id, *found)


async def annual_compile(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    sop = services.sop_for(unit)
    year = int(payload["year"])
    existing = services.annual.get(unit.code, year)
    if existing is not None and existing.status != annual.DRAFT:
        key = annual.stage(existing)
        label = unit.role_label(sop.role_of(key)) if key else ""
        raise WorkflowError(texts.annual_busy(year, texts.waiting_for(key or "", label)))
    annual.quarters_ready(services.cycles.list_unit(unit.code, year), year)
    await drop_buttons(update)
    decision = await use.compile_annual(services, notices, FLOW, person, year, update.update_id)
    await FLOW.deliver(context, decision.after)
    return ""


def annual_archive_rows(services: Services, person: Person, group: str) -> list:
    """/arsip buttons for the unit's signed annual reports."""
    return [
        [
            (
                texts.btn_annual_archive(r.year),
                {"action": "archive_annual", "year": r.year, "group": group},
            )
        ]
        for r in services.annual.list_unit(person.unit)
        if r.status == annual.SIGNED
    ]


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
        caption=texts.archive_caption(texts.annual_name(report.year), latest.sha256),
    )
    return ""


def _load(services: Services, unit: Unit, payload: dict[str, Any]) -> AnnualReport:
    report = services.annual.get(unit.code, int(payload["year"]))
    if report is None:
        raise WorkflowError(texts.BUTTON_UNKNOWN)
    return report
