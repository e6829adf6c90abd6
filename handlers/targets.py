"""/target: the year's performance targets (Perjanjian Kinerja and Rencana Aksi) as data.

The Kasubbag downloads the template, fills it and sends it back; a bad workbook is refused
with every problem's row and column, and nothing is stored. Targets of a year whose cycle
has already started may still be replaced, and the replacement is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import Services
from documents.workbooks import targets_workbook, template_workbook
from domain.performance import TargetSet, format_number_id
from domain.roster import Person
from domain.sop import COLLECT, DIVIDE
from domain.targets_import import parse_targets
from handlers import texts
from handlers.buttons import button_action
from handlers.common import audit_refusal, audit_workbook, send_text, svc, unit_of
from handlers.forms import DOCUMENT_VALIDATORS, begin_form, document_field, finisher
from handlers.texts import esc


def may_edit(services: Services, person: Person) -> bool:
    """Targets are kept by whoever divides the indicators among the team (SOP table)."""
    return person.acts_as(services.sop_for(person.unit).role_of(DIVIDE))


def may_view(services: Services, person: Person) -> bool:
    """Every official above the collection sees the targets; members see their own share."""
    if person.role.read_only:  # the reviewer sees status and archive only
        return False
    return person.role is not services.sop_for(person.unit).role_of(COLLECT)


def target_lines(targets: TargetSet) -> list[str]:
    """Every indicator with its annual target and each quarter's, as read from the file
    (plain text: shown back before saving and in /target)."""
    lines = []
    for sasaran in targets.sasaran():
        lines.append(texts.sasaran_line(sasaran))
        for ind in (i for i in targets.indicators if i.sasaran == sasaran):
            quarters = "; ".join(
                f"{texts.tw_short(n)} {_target(ind.target_for(n))}" for n in (1, 2, 3, 4)
            )
            lines.append(
                texts.target_line(
                    ind.code,
                    ind.indikator,
                    ind.satuan,
                    _target(ind.target_tahunan),
                    quarters,
                    ind.direction_label,
                    ind.counting_label,
                )
            )
    return lines


def _target(value: float | None) -> str:
    return texts.NO_QUARTER_TARGET if value is None else format_number_id(value)


def summary(targets: TargetSet) -> str:
    head = texts.targets_head(targets.year, len(targets.sasaran()), len(targets.indicators))
    return "\n".join([head, *(esc(line) for line in target_lines(targets))])


async def cmd_target(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    services = svc(context)
    if not may_view(services, person):
        refusal = texts.targets_not_for_you(services.sop_for(person.unit).role_of(DIVIDE).label)
        audit_refusal(context, update, person, "target", refusal)
        await send_text(context, person.user_id, refusal)
        return
    unit = unit_of(services, person)
    year = services.calendar(unit).to_local(services.now()).year
    rows: list[list[tuple[str, dict[str, Any]]]] = [
        [(texts.BTN_TEMPLATE, {"action": "target_template"})]
    ]
    parts = []
    for y in (year, year + 1):
        targets = services.targets.get(unit.code, y)
        if targets:
            parts.append(summary(targets))
            rows.append([(texts.btn_targets_download(y), {"action": "target_download", "year": y})])
        else:
            parts.append(texts.targets_missing(y))
        if may_edit(services, person):
            rows.append([(texts.btn_targets_upload(y), {"action": "target_upload", "year": y})])
    await send_text(context, person.user_id, "\n\n".join(parts), rows)


@button_action("target_template")
async def target_template(update, context, person: Person, payload: dict[str, Any]) -> str:
    await context.bot.send_document(
        person.user_id,
        document=template_workbook(),
        filename="Templat_Target_Kinerja.xlsx",
        caption=texts.TARGET_TEMPLATE_CAPTION,
    )
    return ""


@button_action("target_download")
async def target_download(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    targets = services.targets.get(person.unit, int(payload["year"]))
    if targets is None:
        return texts.BUTTON_STALE
    await context.bot.send_document(
        person.user_id,
        document=targets_workbook(targets.indicators),
        filename=f"Target_Kinerja_{targets.year}.xlsx",
        caption=texts.targets_current_caption(targets.year),
    )
    return ""


@button_action("target_upload")
async def target_upload(update, context, person: Person, payload: dict[str, Any]) -> str:
    services = svc(context)
    if not may_edit(services, person):
        return texts.targets_not_for_you(services.sop_for(person.unit).role_of(DIVIDE).label)
    year = int(payload["year"])
    services = svc(context)
    started = services.cycles.list_unit(person.unit, year)
    warning = texts.targets_running_warning(year) if started else ""
    field = document_field(
        "targets",
        texts.LABEL_TARGETS_FILE,
        texts.ask_targets(year, warning),
        "target_kinerja",
    )
    field["validate"] = "targets"
    await begin_form(
        context, person, "targets", [field], texts.targets_title(year), meta={"year": year}
    )
    return ""


def _validate_targets(services: Services, person: Person, session: dict[str, Any], ref):
    """Parse the workbook as soon as it arrives, so the user can send a corrected one."""
    targets = parse_targets(
        services.db.blobs.get(ref.sha256),
        ref.name,
        unit=person.unit,
        year=int(session["meta"]["year"]),
        imported_by=person.user_id,
        imported_at=services.now(),
    )
    targets = TargetSet(
        **{**targets.__dict__, "source_sha256": ref.sha256, "source_name": ref.name}
    )
    display = "\n".join(
        [
            texts.targets_read(ref.name, len(targets.sasaran()), len(targets.indicators)),
            *target_lines(targets),
        ]
    )
    return targets.to_dict(), display


DOCUMENT_VALIDATORS["targets"] = _validate_targets


@finisher("targets")
async def finish_targets(update, context, person: Person, session: dict[str, Any]) -> None:
    services = svc(context)
    targets = TargetSet.from_dict(session["values"]["targets"])
    previous = services.targets.get(person.unit, targets.year)
    started = services.cycles.list_unit(person.unit, targets.year)
    services.targets.save(targets)
    counts = {"indikator": targets.codes, "siklus_berjalan": [c.id for c in started]}
    audit_workbook(context, update, person, targets.year, "target", targets, previous, counts)
    text = texts.targets_saved(targets.year, bool(previous), summary(targets))
    await send_text(context, person.user_id, text)
