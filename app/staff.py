"""Use cases of the staff: a member's task moves to another member (in every quarter not yet
filed). Telegram-free; the chat's staff commands call it."""

from __future__ import annotations

from app.changes import Change, Notices
from app.services import Services
from app.unit_of_work import commit
from domain.models import Cycle
from domain.roster import Person
from domain.workflow import Reassign, reassign

REASSIGNED = "reassign_task"


def reassign_task(
    services: Services,
    notices: Notices,
    person: Person,
    cycle: Cycle,
    old: int,
    new: int,
    update_id: int | None,
) -> Change:
    """``old``'s task in ``cycle`` goes to ``new``; the history and the audit keep the move."""
    unit = services.roster.unit(person.unit)
    outcome = reassign(cycle, Reassign(old, new), person, services.now(), services.context(unit))
    detail = {"old": old, "new": new}
    change = Change(REASSIGNED, person, unit, cycle, outcome.cycle, outcome.events, detail)
    commit(services, cycle, outcome.cycle, notices(services, change), update_id)
    return change
