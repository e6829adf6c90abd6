"""/ekspor: a quarter's or a year's performance data and budget realisation as XLSX and CSV,
laid out to be pasted into the province's e-SAKIP application.

Open to the roles that may see the year's targets (``handlers.targets.may_view``) and to the
unit's reviewers (APIP): exporting what was signed is reading, not acting. A
quarter is exported once it is filed (signed), a year once its four quarters are; the figures
are those of the signed reports. The workbook is the one embedded in the archival PDF/A copy.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.services import Services
from documents.workbooks import (
    budget_csv,
    export_csv,
    export_filename,
    quarter_export,
    quarter_rows,
    year_export,
    year_rows,
)
from domain import annual
from domain.roster import Person
from domain.sop import COLLECT
from handlers import texts
from handlers.common import audit_refusal, send_text, svc, unit_of
from handlers.targets import may_view
from handlers.texts import tw

MAX_QUARTER_BUTTONS = 8


def may_export(services: Services, person: Person) -> bool:
    """Whoever sees the targets, and the reviewers (only signed data is exported)."""
    return person.role.read_only or may_view(services, person)


async def cmd_ekspor(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    services = svc(context)
    if not may_export(services, person):
        unit = services.roster.unit(person.unit)
        text = texts.export_not_for_you(unit.role_label(services.sop_for(unit).role_of(COLLECT)))
        audit_refusal(context, update, person, "ekspor", text)
        await send_text(context, person.user_id, text)
        return
    filed = [c for c in services.cycles.list_unit(person.unit) if c.filed]
    if not filed:
        await send_text(context, person.user_id, texts.EXPORT_NOTHING)
        return
    group = f"export:{person.user_id}"
    services.callbacks.revoke_group(group)
    years = sorted({c.year for c in filed})
    rows: list[list[tuple[str, dict[str, Any]]]] = [
        [
            (
                tw(c.triwulan, c.year),
                {"action": "export_get", "year": c.year, "tw": c.triwulan, "group": group},
            )
        ]
        for c in filed[-MAX_QUARTER_BUTTONS:]
    ]
    for y in years:
        if len({c.triwulan for c in filed if c.year == y}) == 4:
            rows.append(
                [
                    (
                        texts.btn_export_year(y),
                        {"action": "export_get", "year": y, "tw": 0, "group": group},
                    )
                ]
            )
    await send_text(context, person.user_id, texts.EXPORT_INTRO, rows)


async def export_get(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    year, triwulan = int(payload["year"]), int(payload["tw"])
    cycles = services.cycles.list_unit(unit.code, year)
    budget = services.budget.get(unit.code, year)
    if triwulan:
        cycle = next((c for c in cycles if c.triwulan == triwulan and c.filed), None)
        if cycle is None:
            return texts.BUTTON_UNKNOWN
        workbook = quarter_export(cycle, unit.name, budget)
        rows = quarter_rows(cycle)
        period = tw(triwulan, year)
    else:
        quarters = annual.quarters_ready(cycles, year)
        workbook = year_export(quarters, unit.name, budget)
        rows = year_rows(quarters)
        period = texts.export_year_period(year)
    tw_or_none = triwulan or None
    caption = texts.export_caption(period, budget is not None)
    await context.bot.send_document(
        person.user_id,
        document=workbook,
        filename=export_filename(year, tw_or_none),
        caption=caption,
    )
    await context.bot.send_document(
        person.user_id,
        document=export_csv(rows),
        filename=export_filename(year, tw_or_none, "csv"),
        caption=texts.EXPORT_CSV_CAPTION,
    )
    if budget is not None:
        await context.bot.send_document(
            person.user_id,
            document=budget_csv(budget),
            filename=f"Ekspor_Anggaran_{year}.csv",
            caption=texts.export_budget_csv_caption(year),
        )
    return ""
