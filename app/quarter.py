"""Use cases of a quarter's first steps: the head starts it with the disposition, it is
forwarded down the chain, the work is divided among the team. Telegram-free."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from app.changes import Change, Notices, S_contra
from app.services import Quarters
from app.unit_of_work import commit
from domain.errors import WorkflowError
from domain.models import DEFAULT_INSTRUCTIONS, DEFAULT_URGENCY, Cycle, FileRef
from domain.roster import Person, Unit
from domain.sop import ASSEMBLE
from domain.workflow import (
    Divide,
    Forward,
    MemberTask,
    StartCycle,
    apply,
    authorize,
    start_cycle,
)

STARTED = "start_quarter"
FORWARDED = "forward"
DIVIDED = "divide"
DRAFTED = "make_draft"


#: The services a quarter's use case is given (the chat's ``Services``, or any object with
#: what :class:`app.services.Quarters` names); its ports are called with the same object.
Q = TypeVar("Q", bound=Quarters)


class Sheets(Protocol[S_contra]):
    """The renderer port of the Lembar Disposisi (the chat's:
    ``handlers.reports.build_disposition_sheet``): renders a cycle's latest forward and
    returns the stored PDF's hash."""

    async def __call__(self, services: S_contra, cycle: Cycle, unit: Unit) -> str: ...


async def start_quarter(
    services: Q,
    notices: Notices[Q],
    sheets: Sheets[Q],
    person: Person,
    year: int,
    triwulan: int,
    documents: tuple[FileRef, ...],
    note: str,
    update_id: int | None,
    urgency: str = DEFAULT_URGENCY,
    instructions: tuple[str, ...] = DEFAULT_INSTRUCTIONS,
) -> Change:
    """The head starts the quarter: the disposition with the PK and the RA goes down."""
    unit = services.roster.unit(person.unit)
    action = StartCycle(year, triwulan, documents, note, urgency, instructions)
    existing = services.cycles.get(unit.code, year, triwulan)
    outcome = start_cycle(services.context(unit), action, person, services.now(), existing)
    sheet = await sheets(services, outcome.cycle, unit)
    change = Change(
        STARTED, person, unit, outcome.cycle, outcome.cycle, outcome.events, {"sheet": sheet}
    )
    commit(services, None, outcome.cycle, notices(services, change), update_id)
    return change


async def forward(
    services: Q,
    notices: Notices[Q],
    sheets: Sheets[Q],
    person: Person,
    cycle: Cycle,
    note: str,
    update_id: int | None,
    urgency: str = DEFAULT_URGENCY,
    instructions: tuple[str, ...] = DEFAULT_INSTRUCTIONS,
) -> Change:
    """The disposition goes on to the next holder of the chain."""
    unit = services.roster.unit(person.unit)
    action = Forward(note, urgency, instructions)
    outcome = apply(cycle, action, person, services.now(), services.context(unit))
    sheet = await sheets(services, outcome.cycle, unit)
    change = Change(FORWARDED, person, unit, cycle, outcome.cycle, outcome.events, {"sheet": sheet})
    commit(services, cycle, outcome.cycle, notices(services, change), update_id)
    return change


def divide(
    services: Q,
    notices: Notices[Q],
    person: Person,
    cycle: Cycle,
    note: str,
    tasks: tuple[MemberTask, ...],
    update_id: int | None,
    by_indicator: bool = False,
    no_targets: str = "",
) -> Change:
    """The work is divided: with the year's targets (``by_indicator``) each task names
    indicator codes, without them free-text items. ``no_targets``: the refusal when the
    targets are needed and missing (worded by the channel)."""
    unit = services.roster.unit(person.unit)
    indicators: tuple = ()
    if by_indicator:
        targets = services.targets.get(unit.code, cycle.year)
        if targets is None:
            raise WorkflowError(no_targets)
        indicators = targets.indicators
    action = Divide(note, tasks, indicators)
    outcome = apply(cycle, action, person, services.now(), services.context(unit))
    change = Change(DIVIDED, person, unit, cycle, outcome.cycle, outcome.events)
    commit(services, cycle, outcome.cycle, notices(services, change), update_id)
    return change


class Reports(Protocol[S_contra]):
    """The renderer port of the quarterly report (the chat's: ``handlers.quarterly.QUARTER``,
    through ``handlers.reports.build_report``): renders a cycle's report in ``status`` and
    records it on the cycle."""

    async def render(
        self, services: S_contra, unit: Unit, report: Cycle, status: str, by: int
    ) -> Any: ...


async def make_draft(
    services: Q,
    notices: Notices[Q],
    reports: Reports[Q],
    person: Person,
    cycle: Cycle,
    update_id: int | None,
) -> Change:
    """The maker has the draft report made from what the team reported."""
    unit = services.roster.unit(person.unit)
    authorize(services.context(unit), cycle, ASSEMBLE, person)
    drafted = await reports.render(services, unit, cycle, "draft", person.user_id)
    change = Change(DRAFTED, person, unit, cycle, drafted, ())
    commit(services, cycle, drafted, notices(services, change), update_id)
    return change
