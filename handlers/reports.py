"""Building the report PDFs off the event loop and remembering each version's hash."""

from __future__ import annotations

import asyncio

from bot.services import Services
from documents.render import render_pdf
from documents.report_context import disposition_sheet_context, quarterly_report_context
from domain.dates_id import roman_triwulan
from domain.models import Cycle
from domain.roster import Unit
from domain.workflow import record_report

STATUS_SUFFIX = {"draft": "DRAF", "paraf": "PARAF", "signed": "DITANDATANGANI"}


def report_filename(cycle: Cycle, status: str) -> str:
    """e.g. LKj_TW-III_2026_DRAF_v2.pdf: drafts carry their version, the others are unique."""
    base = f"LKj_TW-{roman_triwulan(cycle.triwulan)}_{cycle.year}_{STATUS_SUFFIX[status]}"
    latest = cycle.latest_report
    if status == "draft" and latest is not None:
        base += f"_v{latest.number}"
    return f"{base}.pdf"


async def build_report(services: Services, cycle: Cycle, unit: Unit, status: str, by: int) -> Cycle:
    """Render the quarterly report in ``status``, store it by hash, record it on the cycle.

    The returned cycle is not saved here: the caller saves it with the messages it owes.
    """
    now = services.now()
    context = quarterly_report_context(
        cycle, unit, services.calendar(unit), status, now, sop=services.sop
    )
    pdf = await asyncio.to_thread(render_pdf, "quarterly_report.html", context)
    sha = services.db.blobs.put(pdf)
    return record_report(cycle, status, sha, by, now)


async def build_disposition_sheet(services: Services, cycle: Cycle, unit: Unit) -> str:
    """Render the Lembar Disposisi of the latest forward; returns its blob hash."""
    index = len(cycle.dispositions) - 1
    context = disposition_sheet_context(cycle, unit, services.calendar(unit), index)
    pdf = await asyncio.to_thread(render_pdf, "disposition_sheet.html", context)
    return services.db.blobs.put(pdf)


def disposition_filename(cycle: Cycle) -> str:
    n = len(cycle.dispositions)
    return f"Lembar_Disposisi_{n}_TW-{roman_triwulan(cycle.triwulan)}_{cycle.year}.pdf"
