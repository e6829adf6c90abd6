"""Step 4 with indicators: members report realisation values (typed or by workbook) and
evidence; the Kasubbag can send an indicator back as "Perlu Perbaikan"."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from telegram import Update

from app.realisation import mark_needs_fix, report_realisation, send_back_marked
from documents.spreadsheets import parse_realisation_workbook
from domain.errors import InputError
from domain.models import Cycle
from domain.performance import format_number_id
from domain.roster import Person
from domain.sop import ASSEMBLE, COLLECT
from domain.targets_import import REALISATION_SHEET
from domain.workflow import (
    RealisationInput,
    ReportRealisation,
    authorize,
    authorize_review,
    find_indicator,
    pending_marks,
)
from handlers import texts
from handlers.common import cycle_of, drop_buttons, svc, unit_of
from handlers.forms import begin_form, choice_field, number_field, text_field
from handlers.notices import notices
from handlers.outbox import deliver
from handlers.texts import tw


def is_realisation_workbook(data: bytes) -> bool:
    """The data workbook the bot sent (it has the "Realisasi" sheet), not a piece of evidence."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            workbook = zf.read("xl/workbook.xml")[:200_000]
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return f'name="{REALISATION_SHEET}"'.encode() in workbook


async def _apply_report(
    update: Update, context, person: Person, cycle: Cycle, action: ReportRealisation
) -> None:
    report_realisation(svc(context), notices, person, cycle, action, update.update_id)
    await deliver(context, cycle.unit, cycle.year, cycle.triwulan)


async def realisation_begin(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    cycle = cycle_of(context, payload)
    authorize(services.context(unit), cycle, COLLECT, person)
    found = find_indicator(cycle, payload["code"])
    if found is None or found[0].member_id != person.user_id:
        return texts.BUTTON_UNKNOWN
    indicator = next(i for i in cycle.indicators if i.code == payload["code"])
    target = indicator.target_for(cycle.triwulan)
    item = found[0].items[found[1]]
    before = (
        texts.previous_answer(item.realisation, item.fix) if item.realisation or item.fix else ""
    )
    hint = texts.cumulative_hint(tw(cycle.triwulan, cycle.year)) if indicator.cumulative else ""
    fields = [
        number_field(
            "value",
            texts.LABEL_REALISATION,
            texts.ask_realisation(
                indicator.code,
                indicator.indikator,
                format_number_id(target),
                indicator.satuan,
                hint,
                before,
            ),
        ),
        text_field("kendala", texts.LABEL_KENDALA, texts.ASK_KENDALA),
        text_field("tindak_lanjut", texts.LABEL_TINDAK_LANJUT, texts.ASK_TINDAK_LANJUT),
    ]
    await begin_form(
        context,
        person,
        "realisation",
        fields,
        texts.realisation_title(indicator.code, tw(cycle.triwulan, cycle.year)),
        cycle.id,
        {"code": indicator.code},
    )
    return ""


async def finish_realisation(update, context, person: Person, session: dict[str, Any]) -> None:
    v = session["values"]
    row = RealisationInput(
        session["meta"]["code"], float(v["value"]), v["kendala"], v["tindak_lanjut"]
    )
    cycle = cycle_of(context, session)
    await _apply_report(update, context, person, cycle, ReportRealisation((row,), "chat"))


async def on_realisation_workbook(
    update: Update, context, person: Person, cycle: Cycle, data: bytes, name: str
) -> None:
    """A member sent back the data workbook: every filled row is shown back as read, and
    reported at once when the member confirms."""
    assignment = cycle.assignment_of(person.user_id)
    assert assignment is not None  # the caller found the member's task in this cycle
    codes = [item.code for item in assignment.items if item.code]
    rows = parse_realisation_workbook(data, codes, triwulan=cycle.triwulan, filename=name)
    by_code = {i.code: i for i in cycle.indicators}
    fields, filled = [], {}
    for r in rows:
        satuan = by_code[r.code].satuan if r.code in by_code else ""
        shown = texts.workbook_row_read(
            format_number_id(r.value), satuan, r.kendala, r.tindak_lanjut
        )
        fields.append(text_field(f"row:{r.code}", r.code, ""))
        filled[f"row:{r.code}"] = (
            {"code": r.code, "value": r.value, "kendala": r.kendala, "tindak": r.tindak_lanjut},
            shown,
        )
    await begin_form(
        context,
        person,
        "realisation_workbook",
        fields,
        texts.workbook_read_title(name, tw(cycle.triwulan, cycle.year)),
        cycle.id,
        filled=filled,
    )


async def finish_realisation_workbook(update, context, person: Person, session) -> None:
    rows = [v for k, v in session["values"].items() if k.startswith("row:")]
    action = ReportRealisation(
        tuple(RealisationInput(r["code"], r["value"], r["kendala"], r["tindak"]) for r in rows),
        "workbook",
    )
    await _apply_report(update, context, person, cycle_of(context, session), action)


async def fix_marked(update, context, person: Person, payload: dict[str, Any]) -> str:
    """The indicators a return marked, sent back to their members in one form: untick any
    to correct it yourself, then Kirim."""
    services = svc(context)
    unit = unit_of(services, person)
    cycle = cycle_of(context, payload)
    authorize(services.context(unit), cycle, ASSEMBLE, person)
    marks = pending_marks(cycle)
    if not marks:
        return texts.BUTTON_STALE
    await drop_buttons(update)
    codes = [code for code, _ in marks]
    await begin_form(
        context,
        person,
        "fix_marked",
        [],
        texts.fix_marked_title(tw(cycle.triwulan, cycle.year), list(marks)),
        cycle.id,
        toggles=[
            {
                "name": "codes",
                "label": texts.LABEL_SENT_TO_MEMBERS,
                "multi": True,
                "default": codes,
                "options": [[code, code] for code in codes],
            }
        ],
    )
    return ""


async def finish_fix_marked(update, context, person: Person, session: dict[str, Any]) -> None:
    before = cycle_of(context, session)
    reasons = dict(pending_marks(before))
    chosen = [c for c in session["values"].get("codes", []) if c in reasons]
    if not chosen:
        raise InputError(texts.NOTHING_CHOSEN)
    marks = tuple((code, reasons[code]) for code in chosen)
    send_back_marked(svc(context), notices, person, before, marks, update.update_id)
    await deliver(context, before.unit, before.year, before.triwulan)


# --- the Kasubbag's review: Perlu Perbaikan --------------------------------------------------


async def fix_begin(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    cycle = cycle_of(context, payload)
    if not cycle.indicators:
        return texts.BUTTON_UNKNOWN
    authorize_review(services.context(unit), cycle, person)
    options = [(i.code, i.code) for i in cycle.indicators]
    fields = [
        choice_field("code", texts.LABEL_INDICATOR, texts.ASK_FIX_INDICATOR, options),
        text_field("reason", texts.LABEL_FIX_REASON, texts.ASK_FIX_REASON),
    ]
    await begin_form(
        context,
        person,
        "needs_fix",
        fields,
        texts.needs_fix_title(tw(cycle.triwulan, cycle.year)),
        cycle.id,
    )
    return ""


async def finish_needs_fix(update, context, person: Person, session: dict[str, Any]) -> None:
    cycle = cycle_of(context, session)
    code, reason = session["values"]["code"], session["values"]["reason"]
    mark_needs_fix(svc(context), notices, person, cycle, code, reason, update.update_id)
    await deliver(context, cycle.unit, cycle.year, cycle.triwulan)
