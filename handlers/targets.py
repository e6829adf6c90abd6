"""/target: the year's performance targets (Perjanjian Kinerja and Rencana Aksi) as data.

The holder of the task division (the Kasubbag) downloads the template, fills it and sends it
back (the flow is handlers/yearly_workbooks.py); a bad workbook is refused with every
problem's row and column, and nothing is stored. Targets of a year whose cycle has already
started may still be replaced (the form warns), and the replacement is written to the audit
log with the running cycles.
"""

from __future__ import annotations

from typing import Any

from app.services import Services
from documents.spreadsheets import parse_targets
from documents.workbooks import targets_workbook, template_workbook
from domain.performance import TargetSet, format_number_id
from domain.roster import Person
from domain.sop import COLLECT, DIVIDE
from handlers import texts
from handlers.texts import esc
from handlers.yearly_workbooks import YearlyWorkbook


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


def _parse(services: Services, person: Person, year: int, ref) -> tuple[TargetSet, str]:
    targets = parse_targets(
        services.db.blobs.get(ref.sha256),
        ref.name,
        unit=person.unit,
        year=year,
        imported_by=person.user_id,
        imported_at=services.now(),
    )
    targets = TargetSet(
        **{**targets.__dict__, "source_sha256": ref.sha256, "source_name": ref.name}
    )
    read = texts.targets_read(ref.name, len(targets.sasaran()), len(targets.indicators))
    return targets, "\n".join([read, *target_lines(targets)])


def _ask(services: Services, person: Person, year: int) -> str:
    started = services.cycles.list_unit(person.unit, year)
    return texts.ask_targets(year, texts.targets_running_warning(year) if started else "")


def _counts(services: Services, person: Person, targets: TargetSet) -> dict[str, Any]:
    started = services.cycles.list_unit(person.unit, targets.year)
    return {"indikator": targets.codes, "siklus_berjalan": [c.id for c in started]}


def _not_for_you(services: Services, person: Person) -> str:
    return texts.targets_not_for_you(
        services.roster.unit(person.unit).role_label(services.sop_for(person.unit).role_of(DIVIDE))
    )


TARGETS = YearlyWorkbook(
    name="target",
    form="targets",
    audit_name="target",
    file_field="target_kinerja",
    file_label=texts.LABEL_TARGETS_FILE,
    years=lambda year: (year, year + 1),
    stored=lambda services: services.targets,
    may_view=may_view,
    may_edit=may_edit,
    not_for_you=_not_for_you,
    template=template_workbook,
    template_file="Templat_Target_Kinerja.xlsx",
    template_caption=texts.TARGET_TEMPLATE_CAPTION,
    workbook=lambda targets: targets_workbook(targets.indicators),
    workbook_file=lambda year: f"Target_Kinerja_{year}.xlsx",
    workbook_caption=texts.targets_current_caption,
    summary=summary,
    missing=texts.targets_missing,
    btn_download=texts.btn_targets_download,
    btn_upload=texts.btn_targets_upload,
    blocked=lambda services, person, year: None,
    ask=_ask,
    title=texts.targets_title,
    parse=_parse,
    load=TargetSet.from_dict,
    counts=_counts,
    saved=texts.targets_saved,
)
cmd_target = TARGETS.command
