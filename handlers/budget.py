"""/anggaran: the year's budget realisation per programme and activity, as data.

Sent as a workbook (template, upload) by the holder of the annual compilation step in the SOP
table, after the year's targets (each activity names the indicators it supports). A bad
workbook is refused with every problem's row and column, and nothing is stored; a replacement
is written to the audit log. The data feeds Bab III of the annual LKj (budget realisation and
efficiency) and the /ekspor workbook.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import Services
from documents.workbooks import budget_workbook
from domain import annual
from domain.budget import BudgetSet, format_rupiah, parse_budget
from domain.errors import InputError
from domain.performance import format_percent_id
from domain.roster import Person
from handlers import texts
from handlers.buttons import button_action
from handlers.common import audit_refusal, audit_workbook, send_text, svc, unit_of
from handlers.forms import DOCUMENT_VALIDATORS, begin_form, document_field, finisher
from handlers.targets import may_view
from handlers.texts import esc


def _editor(services: Services, person: Person):
    """Who sends the budget: the holder of the annual compilation step (SOP table)."""
    return services.sop_for(person.unit).by_key(annual.COMPILE_STEP).role


def summary(budget: BudgetSet) -> str:
    lines = [
        texts.budget_head(
            budget.year,
            len(budget.programs()),
            len(budget.lines),
            format_rupiah(budget.pagu),
            format_rupiah(budget.realisasi),
            format_percent_id(budget.percent),
        )
    ]
    for line in budget.lines:
        lines.append(
            f"• {esc(line.kegiatan)} ({esc(', '.join(line.codes))}): "
            f"{format_percent_id(line.percent)}"
        )
    return "\n".join(lines)


async def cmd_anggaran(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    services = svc(context)
    editor = _editor(services, person)
    if not may_view(services, person) and not person.acts_as(editor):
        text = texts.budget_not_for_you(editor.label)
        audit_refusal(context, update, person, "anggaran", text)
        await send_text(context, person.user_id, text)
        return
    unit = unit_of(services, person)
    year = services.calendar(unit).to_local(services.now()).year
    rows: list[list[tuple[str, dict[str, Any]]]] = [
        [(texts.BTN_TEMPLATE, {"action": "budget_template"})]
    ]
    parts = []
    for y in (year - 1, year):
        budget = services.budget.get(unit.code, y)
        if budget:
            parts.append(summary(budget))
            rows.append([(texts.btn_budget_download(y), {"action": "budget_download", "year": y})])
        else:
            parts.append(texts.budget_missing(y))
        if person.acts_as(editor):
            rows.append([(texts.btn_budget_upload(y), {"action": "budget_upload", "year": y})])
    await send_text(context, person.user_id, "\n\n".join(parts), rows)


@button_action("budget_template")
async def budget_template(update, context, person: Person, payload: dict[str, Any]) -> str:
    await context.bot.send_document(
        person.user_id,
        document=budget_workbook(),
        filename="Templat_Realisasi_Anggaran.xlsx",
        caption=texts.BUDGET_TEMPLATE_CAPTION,
    )
    return ""


@button_action("budget_download")
async def budget_download(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    budget = services.budget.get(person.unit, int(payload["year"]))
    if budget is None:
        return texts.BUTTON_STALE
    await context.bot.send_document(
        person.user_id,
        document=budget_workbook(budget),
        filename=f"Realisasi_Anggaran_{budget.year}.xlsx",
        caption=texts.budget_current_caption(budget.year),
    )
    return ""


@button_action("budget_upload")
async def budget_upload(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    editor = _editor(services, person)
    if not person.acts_as(editor):
        return texts.budget_not_for_you(editor.label)
    year = int(payload["year"])
    if services.targets.get(person.unit, year) is None:
        return texts.budget_needs_targets(year)
    field = document_field(
        "budget",
        texts.LABEL_BUDGET_FILE,
        texts.budget_ask(year, replacing=services.budget.get(person.unit, year) is not None),
        "realisasi_anggaran",
    )
    field["validate"] = "budget"
    await begin_form(
        context, person, "budget", [field], texts.budget_title(year), meta={"year": year}
    )
    return ""


def _validate_budget(services: Services, person: Person, session: dict[str, Any], ref):
    """Parse the workbook as soon as it arrives, so the user can send a corrected one."""
    year = int(session["meta"]["year"])
    targets = services.targets.get(person.unit, year)
    if targets is None:
        raise InputError(texts.budget_needs_targets(year))
    budget = parse_budget(
        services.db.blobs.get(ref.sha256),
        ref.name,
        unit=person.unit,
        year=year,
        known_codes=targets.codes,
        imported_by=person.user_id,
        imported_at=services.now(),
    )
    budget = BudgetSet(**{**budget.__dict__, "source_sha256": ref.sha256, "source_name": ref.name})
    display = texts.budget_read(ref.name, len(budget.programs()), len(budget.lines))
    return budget.to_dict(), display


DOCUMENT_VALIDATORS["budget"] = _validate_budget


@finisher("budget")
async def finish_budget(update, context, person: Person, session: dict[str, Any]) -> None:
    services = svc(context)
    budget = BudgetSet.from_dict(session["values"]["budget"])
    previous = services.budget.get(person.unit, budget.year)
    services.budget.save(budget)
    counts = {"kegiatan": len(budget.lines)}
    audit_workbook(context, update, person, budget.year, "anggaran", budget, previous, counts)
    text = texts.budget_saved(budget.year, bool(previous), summary(budget))
    await send_text(context, person.user_id, text)
