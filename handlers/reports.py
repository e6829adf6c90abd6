"""Building the report PDFs in the render workers and remembering each version's hash."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.services import Services
from documents.embedded import EmbeddedFile
from documents.report_context import disposition_sheet_context, quarterly_report_context
from documents.workbooks import archival_attachment, quarter_export
from domain.dates_id import roman_triwulan
from domain.models import Cycle
from domain.roster import Unit
from domain.verification import VERIFIED_STATUSES, upcoming_report_number, verification_code
from domain.workflow import record_report
from handlers import progress, texts, tte
from handlers.verification import verify_key


async def render_document(
    services: Services,
    template: str,
    context: dict[str, Any],
    archival: Sequence[EmbeddedFile] | None = None,
) -> bytes:
    """Render in a worker process; the user who pressed the button sees it being prepared."""
    await progress.rendering(services.renderer.position())
    return await services.renderer.render(template, context, archival)


async def build_report(services: Services, cycle: Cycle, unit: Unit, status: str, by: int) -> Cycle:
    """Render the quarterly report in ``status``, store it by hash, record it on the cycle.

    The returned cycle is not saved here: the caller saves it with the messages it owes.
    """
    now = services.now()
    # An initialled or signed report prints its verification code, so the code is derived
    # before rendering from what the version will be (cycle, number, status); the PDF's
    # SHA-256 is recorded after, on the same ReportVersion.
    code = None
    if status in VERIFIED_STATUSES:
        number = upcoming_report_number(cycle, status)
        code = verification_code(verify_key(services), cycle.id, number, status)
    context = quarterly_report_context(
        cycle,
        unit,
        services.calendar(unit),
        status,
        now,
        sop=services.sop_for(unit),
        verification_code=code,
        bot_username=services.bot_username,
    )
    archival = None
    if status == "signed":
        # The filed copy is archival: PDF/A-3 with the quarter's export workbook embedded.
        budget = services.budget.get(unit.code, cycle.year)
        workbook = quarter_export(cycle, unit.name, budget)
        archival = [archival_attachment(cycle.year, cycle.triwulan, workbook)]
    context["tte"] = tte.mark(services) if status == "signed" else None
    pdf = await render_document(services, "quarterly_report.html", context, archival=archival)
    title = texts.quarter_document_title(texts.tw(cycle.triwulan, cycle.year))
    if status == "signed":  # the PAdES signature (TTE) over the archival copy, when configured
        pdf = await tte.sign_report(services, unit, by, pdf, title)
    elif status == "paraf" and tte.paraf_signed(services):  # LKJ_TTE_PARAF: the paraf's own
        pdf = await tte.sign_report(services, unit, by, pdf, title, paraf=True)
    sha = services.db.blobs.put(pdf)
    recorded = record_report(cycle, status, sha, by, now)
    if code is not None and recorded.reports[-1].number != number:
        raise RuntimeError("verification code made for another report number")
    return recorded


async def build_disposition_sheet(services: Services, cycle: Cycle, unit: Unit) -> str:
    """Render the Lembar Disposisi of the latest forward; returns its blob hash."""
    index = len(cycle.dispositions) - 1
    sheet_sop = services.sop_for(unit)
    context = disposition_sheet_context(cycle, unit, services.calendar(unit), index, sheet_sop)
    pdf = await render_document(services, "disposition_sheet.html", context)
    return services.db.blobs.put(pdf)


def disposition_filename(cycle: Cycle) -> str:
    n = len(cycle.dispositions)
    return f"Lembar_Disposisi_{n}_TW-{roman_triwulan(cycle.triwulan)}_{cycle.year}.pdf"
