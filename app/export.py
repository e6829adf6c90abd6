"""The export (/ekspor): a quarter's or a year's performance data and budget realisation as
XLSX and CSV, laid out to be pasted into the province's e-SAKIP application. Telegram-free:
the use case returns the files (bytes and file names); the channel sends them.

Open to the roles that may see the year's targets (every official above the collection) and
to the unit's reviewers (APIP): exporting what was signed is reading, not acting. A quarter
is exported once it is filed (signed), a year once its four quarters are; the figures are
those of the signed reports. The workbook is the one embedded in the archival PDF/A copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from app import pemda
from app.pemda import NOT_STARTED, ON_TRACK, SIGNED, PemdaView
from app.services import Records, Workbooks
from domain import annual
from domain.errors import RoleError
from domain.pemda import Evaluator
from domain.pemda_export import UnitExport, mean_capaian
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


# --------------------------------------------------------------------- the pemda's export


class PemdaWorkbooks(Workbooks, Protocol):
    """The export builders plus the pemda's workbook (``documents.workbooks``)."""

    def pemda_workbook(
        self, title: str, author: str, government: str, units: Sequence[UnitExport]
    ) -> bytes: ...

    def pemda_summary_csv(self, units: Sequence[UnitExport], government: str) -> bytes: ...

    def pemda_export_filename(
        self, pemda: str, year: int, triwulan: int | None, ext: str = "xlsx"
    ) -> str: ...

    def pemda_export_title(self, government: str, year: int, triwulan: int | None) -> str: ...


class PemdaRecords(Records, PemdaView, Protocol):
    """What the pemda export reads: the units' cycles and their summary rows."""


@dataclass(frozen=True)
class PemdaExport:
    """The pemda's export: one workbook (summary and a sheet per unit) and the summary as
    CSV; ``units``: what it says of each unit."""

    pemda: str
    year: int
    #: None: the whole year.
    triwulan: int | None
    workbook: ExportFile
    csv: ExportFile
    units: tuple[UnitExport, ...]

    @property
    def signed(self) -> int:
        return sum(1 for u in self.units if u.signed)


def pemda_periods(services: PemdaRecords, evaluator: Evaluator) -> list[tuple[int, int]]:
    """The periods an evaluator may export: each (year, quarter) any unit of the pemda has
    started, and (year, 0) for each such year; oldest first."""
    codes = [u.code for u in services.roster.units_of_pemda(evaluator.pemda)]
    if not codes:
        return []
    now = services.now()
    found: set[tuple[int, int]] = set()
    for year in range(now.year - 2, now.year + 1):
        for summary in services.cycle_summaries(codes, year):
            found |= {(summary.year, summary.triwulan), (summary.year, 0)}
    return sorted(found, key=lambda p: (p[0], p[1] or 5))


def pemda_export(
    services: PemdaRecords,
    workbooks: PemdaWorkbooks,
    evaluator: Evaluator,
    year: int,
    triwulan: int | None,
) -> PemdaExport:
    """Every unit of the evaluator's pemda for a quarter (``triwulan``) or a year (None):
    where its period stands and the figures of what it signed, the others marked as not
    signed yet. Reading, not acting: any evaluator of the pemda may export."""
    government = services.roster.pemdas()[evaluator.pemda]
    units = services.roster.units_of_pemda(evaluator.pemda)
    now = services.now()
    summaries: dict[str, list[Any]] = {}
    for summary in services.cycle_summaries([u.code for u in units], year):
        if triwulan is None or summary.triwulan == triwulan:
            summaries.setdefault(summary.unit, []).append(summary)
    made = []
    for unit in units:
        row = pemda.unit_row(services, unit, summaries.get(unit.code, []), now)
        filed = {
            c.triwulan: c
            for c in services.cycles.list_unit(unit.code, year)
            if c.filed and (triwulan is None or c.triwulan == triwulan)
        }
        wanted = (triwulan,) if triwulan else (1, 2, 3, 4)
        unsigned = tuple(t for t in wanted if t not in filed)
        rows: Sequence[Any]
        if triwulan is not None:
            rows = workbooks.quarter_rows(filed[triwulan]) if triwulan in filed else ()
        elif not unsigned:
            rows = workbooks.year_rows([filed[t] for t in (1, 2, 3, 4)])
        else:  # a year not complete: each signed quarter's figures
            rows = [r for t in sorted(filed) for r in workbooks.quarter_rows(filed[t])]
        signed = not unsigned
        state = SIGNED if signed else row.state
        if state == SIGNED and not signed:  # its latest quarter signed, the year not yet
            state = ON_TRACK
        made.append(
            UnitExport(
                code=unit.code,
                name=unit.name,
                year=year,
                triwulan=triwulan,
                state=state,
                current=row.triwulan,
                step=row.step,
                activity=row.activity if row.state not in (SIGNED, NOT_STARTED) else "",
                signed=signed,
                indicators=len(rows) if signed else 0,
                capaian=mean_capaian([r.capaian for r in rows]) if signed else None,
                rows=tuple(rows),
                unsigned=unsigned,
            )
        )
    line = government.line
    title = workbooks.pemda_export_title(line, year, triwulan)
    return PemdaExport(
        evaluator.pemda,
        year,
        triwulan,
        ExportFile(
            workbooks.pemda_export_filename(evaluator.pemda, year, triwulan),
            workbooks.pemda_workbook(title, line, government.to_text(), made),
        ),
        ExportFile(
            workbooks.pemda_export_filename(evaluator.pemda, year, triwulan, "csv"),
            workbooks.pemda_summary_csv(made, government.to_text()),
        ),
        tuple(made),
    )
