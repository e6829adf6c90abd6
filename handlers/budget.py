"""/anggaran: the year's budget realisation per programme and activity, as data.

Sent as a workbook (template, upload) by the holder of the annual compilation step in the SOP
table, after the year's targets (each activity names the indicators it supports); the flow is
handlers/yearly_workbooks.py. A bad workbook is refused with every problem's row and column,
and nothing is stored; a replacement is written to the audit log. The data feeds Bab III of
the annual LKj (budget realisation and efficiency) and the /ekspor workbook.
"""

from __future__ import annotations

from app.services import Services
from documents.spreadsheets import parse_budget
from documents.workbooks import budget_workbook
from domain import annual
from domain.budget import BudgetSet, format_rupiah
from domain.errors import InputError
from domain.performance import format_percent_id
from domain.roster import Person
from handlers import texts
from handlers.targets import may_view
from handlers.texts import esc
from handlers.yearly_workbooks import YearlyWorkbook


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


def _may_view(services: Services, person: Person) -> bool:
    return may_view(services, person) or person.acts_as(_editor(services, person))


def _may_edit(services: Services, person: Person) -> bool:
    return person.acts_as(_editor(services, person))


def _not_for_you(services: Services, person: Person) -> str:
    unit = services.roster.unit(person.unit)
    return texts.budget_not_for_you(unit.role_label(_editor(services, person)))


def _blocked(services: Services, person: Person, year: int) -> str | None:
    """Each activity names the indicators it supports: the year's targets come first."""
    if services.targets.get(person.unit, year) is None:
        return texts.budget_needs_targets(year)
    return None


def _ask(services: Services, person: Person, year: int) -> str:
    return texts.budget_ask(year, replacing=services.budget.get(person.unit, year) is not None)


def _parse(services: Services, person: Person, year: int, ref) -> tuple[BudgetSet, str]:
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
    return budget, texts.budget_read(ref.name, len(budget.programs()), len(budget.lines))


BUDGET = YearlyWorkbook(
    name="budget",
    form="budget",
    audit_name="anggaran",
    file_field="realisasi_anggaran",
    file_label=texts.LABEL_BUDGET_FILE,
    years=lambda year: (year - 1, year),
    stored=lambda services: services.budget,
    may_view=_may_view,
    may_edit=_may_edit,
    not_for_you=_not_for_you,
    template=budget_workbook,
    template_file="Templat_Realisasi_Anggaran.xlsx",
    template_caption=texts.BUDGET_TEMPLATE_CAPTION,
    workbook=budget_workbook,
    workbook_file=lambda year: f"Realisasi_Anggaran_{year}.xlsx",
    workbook_caption=texts.budget_current_caption,
    summary=summary,
    missing=texts.budget_missing,
    btn_download=texts.btn_budget_download,
    btn_upload=texts.btn_budget_upload,
    blocked=_blocked,
    ask=_ask,
    title=texts.budget_title,
    parse=_parse,
    load=BudgetSet.from_dict,
    counts=lambda services, person, budget: {"kegiatan": len(budget.lines)},
    saved=texts.budget_saved,
)
cmd_anggaran = BUDGET.command
