"""/ekspor: a quarter's or a year's performance data and budget realisation as XLSX and CSV,
laid out to be pasted into the province's e-SAKIP application.

Who may export, and what, is ``app.export``; this module offers the periods and sends the
files.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.export import export_period, may_export, pemda_export, pemda_periods
from app.services import Services
from documents import workbooks
from domain.errors import RoleError
from domain.pemda import Evaluator
from domain.roster import Person
from domain.sop import COLLECT
from handlers import texts
from handlers.common import audit_refusal, identify, send_text, svc
from handlers.texts import tw

MAX_QUARTER_BUTTONS = 8


def _not_for_you(services: Services, person: Person) -> str:
    unit = services.roster.unit(person.unit)
    return texts.export_not_for_you(unit.role_label(services.sop_for(unit).role_of(COLLECT)))


async def cmd_ekspor(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    services = svc(context)
    if not may_export(services, person):
        text = _not_for_you(services, person)
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
    year, triwulan = int(payload["year"]), int(payload["tw"])
    refused = _not_for_you(services, person)
    made = export_period(services, workbooks, person, year, triwulan or None, refused)
    if made is None:
        return texts.BUTTON_UNKNOWN
    period = tw(triwulan, year) if triwulan else texts.export_year_period(year)
    caption = texts.export_caption(period, made.budget_csv is not None)
    files = [(made.workbook, caption), (made.csv, texts.EXPORT_CSV_CAPTION)]
    if made.budget_csv is not None:
        files.append((made.budget_csv, texts.export_budget_csv_caption(year)))
    for file, text in files:
        await context.bot.send_document(
            person.user_id, document=file.content, filename=file.filename, caption=text
        )
    return ""


# ----------------------------------------------------------- a pemda's evaluator: every unit


async def cmd_ekspor_any(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ekspor: a pemda's evaluator (no unit's member) exports the whole pemda; a unit's
    member their unit (:func:`cmd_ekspor`); a stranger is told whom to ask."""
    if update.effective_chat is None or update.effective_chat.type != "private":
        return
    user = update.effective_user
    evaluator = svc(context).roster.evaluator(user.id) if user else None
    if evaluator is not None:
        await _pemda_ekspor(context, evaluator)
        return
    person = await identify(update, context)
    if person is not None:
        await cmd_ekspor(update, context, person)


async def _pemda_ekspor(context: ContextTypes.DEFAULT_TYPE, evaluator: Evaluator) -> None:
    services = svc(context)
    government = services.roster.pemdas()[evaluator.pemda].line
    periods = pemda_periods(services, evaluator)
    if not periods:
        await send_text(context, evaluator.user_id, texts.pemda_export_nothing(government))
        return
    group = f"pemda_export:{evaluator.user_id}"
    services.callbacks.revoke_group(group)
    quarters = [p for p in periods if p[1]][-MAX_QUARTER_BUTTONS:]
    years = [p for p in periods if not p[1]]
    rows: list[list[tuple[str, dict[str, Any]]]] = [
        [
            (
                tw(t, y) if t else texts.btn_export_year(y),
                {"action": "pemda_export_get", "year": y, "tw": t, "group": group},
            )
        ]
        for y, t in quarters + years
    ]
    await send_text(context, evaluator.user_id, texts.pemda_export_intro(government), rows)


async def pemda_export_get(update, context, payload: dict[str, Any]) -> str:
    """An evaluator's choice of period: the pemda's workbook and its summary as CSV."""
    services = svc(context)
    evaluator = services.roster.evaluator(update.callback_query.from_user.id)
    if evaluator is None:  # no longer an evaluator since the buttons were given
        raise RoleError(texts.PEMDA_EXPORT_NOT_EVALUATOR)
    year, triwulan = int(payload["year"]), int(payload["tw"])
    made = pemda_export(services, workbooks, evaluator, year, triwulan or None)
    government = services.roster.pemdas()[evaluator.pemda].line
    period = tw(triwulan, year) if triwulan else texts.export_year_period(year)
    caption = texts.pemda_export_caption(government, period, made.signed, len(made.units))
    for file, text in ((made.workbook, caption), (made.csv, texts.PEMDA_EXPORT_CSV_CAPTION)):
        await context.bot.send_document(
            evaluator.user_id, document=file.content, filename=file.filename, caption=text
        )
    return ""
