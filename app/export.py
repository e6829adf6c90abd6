"""The export (/ekspor): a quarter's or a year's performance data and budget realisation as
XLSX and CSV, laid out to be pasted into the province's e-SAKIP application. Telegram-free:
the use case returns the files (bytes and file names); the channel sends them.

Open to the roles that may see the year's targets (every official above the collection) and
to the unit's reviewers (APIP): exporting what was signed is reading, not acting. A quarter
is exported once it is filed (signed), a year once its four quarters are; the figures are
those of the signed reports. The workbook is the one embedded in the archival PDF/A copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services import Records, Workbooks
from domain import annual
from domain.errors import RoleError
from domain.roster import Person
from domain.sop import COLLECT


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


@dataclass(frozen=True)
class Export:
    """What an export gives: the workbook, its performance sheet as CSV and, when the year's
    budget is stored, the budget sheet as CSV."""

    year: int
    #: None: the whole year.
    triwulan: int | None
    workbook: ExportFile
    csv: ExportFile
    budget_csv: ExportFile | None


def may_export(services: Records, person: Person) -> bool:
    """Whoever sees the targets (every official above the collection), and the reviewers
    (only signed data is exported)."""
    if person.role.read_only:
        return True
    return person.role is not services.sop_for(person.unit).role_of(COLLECT)


def export_period(
    services: Records,
    workbooks: Workbooks,
    person: Person,
    year: int,
    triwulan: int | None,
    refused: str,
) -> Export | None:
    """The export of a filed quarter (``triwulan``) or of a year whose four quarters are
    filed (``triwulan`` None: the domain names the quarters missing); None when the quarter
    is not filed.
    ``refused``: the refusal of someone who may not export (worded by the channel)."""
    if not may_export(services, person):
        raise RoleError(refused)
    unit = services.roster.unit(person.unit)
    cycles = services.cycles.list_unit(unit.code, year)
    budget = services.budget.get(unit.code, year)
    if triwulan:
        cycle = next((c for c in cycles if c.triwulan == triwulan and c.filed), None)
        if cycle is None:
            return None
        workbook = workbooks.quarter_export(cycle, unit.name, budget)
        rows = workbooks.quarter_rows(cycle)
    else:
        quarters = annual.quarters_ready(cycles, year)
        workbook = workbooks.year_export(quarters, unit.name, budget)
        rows = workbooks.year_rows(quarters)
    period = triwulan or None
    return Export(
        year,
        period,
        ExportFile(workbooks.export_filename(year, period), workbook),
        ExportFile(workbooks.export_filename(year, period, "csv"), workbooks.export_csv(rows)),
        (
            ExportFile(f"Ekspor_Anggaran_{year}.csv", workbooks.budget_csv(budget))
            if budget is not None
            else None
        ),
    )
