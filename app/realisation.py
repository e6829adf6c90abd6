"""Use cases of the collection (SOP step 4): a member reports realisation values and
attaches evidence. Telegram-free: the chat, the workbook and the Mini App all call these."""

from __future__ import annotations

from typing import TypeVar

from app.changes import Change, Notices
from app.services import Collection
from app.unit_of_work import commit
from domain.evidence import RemoveEvidence, remove_evidence
from domain.models import Cycle, FileRef
from domain.roster import Person
from domain.workflow import MarkNeedsFix, ReportRealisation, UploadData, apply

REPORTED = "report_realisation"
ATTACHED = "attach_evidence"
MARKED = "mark_needs_fix"
SENT_BACK = "send_back_marked"
EVIDENCE_REMOVED = "remove_evidence"

#: The services a collection's use case is given (the chat's ``Services``, or any object
#: with what :class:`app.services.Collection` names); the notice table gets the same object.
C = TypeVar("C", bound=Collection)


def report_realisation(
    services: C,
    notices: Notices[C],
    person: Person,
    cycle: Cycle,
    action: ReportRealisation,
    update_id: int | None,
) -> Change:
    """Record a member's realisation rows (typed, workbook or the Mini App's form)."""
    unit = services.roster.unit(person.unit)
    outcome = apply(cycle, action, person, services.now(), services.context(unit))
    codes = [row.code for row in action.rows]
    change = Change(REPORTED, person, unit, cycle, outcome.cycle, outcome.events, {"codes": codes})
    commit(services, cycle, outcome.cycle, notices(services, change), update_id)
    # What the Mini App's form kept unsent for these indicators is now out of date.
    services.drafts.forget(person.user_id, cycle.id, codes)
    return change


def attach_evidence(
    services: C,
    notices: Notices[C],
    person: Person,
    cycle: Cycle,
    index: int,
    ref: FileRef,
    update_id: int | None,
    spent: str | None = None,
) -> Change:
    """A checked, stored file recorded for the member's item ``index``; ``spent``: the group
    of buttons the choice spends (revoked in the same write)."""
    unit = services.roster.unit(person.unit)
    outcome = apply(cycle, UploadData(index, ref), person, services.now(), services.context(unit))
    change = Change(
        ATTACHED, person, unit, cycle, outcome.cycle, outcome.events, {"index": index, "file": ref}
    )
    out = notices(services, change)
    if spent:
        out.revoke_group(spent)
    commit(services, cycle, outcome.cycle, out, update_id)
    return change


def mark_needs_fix(
    services: C,
    notices: Notices[C],
    person: Person,
    cycle: Cycle,
    code: str,
    reason: str,
    update_id: int | None,
) -> Change:
    """The report's maker sends one indicator back to its member as "Perlu Perbaikan"."""
    unit = services.roster.unit(person.unit)
    action = MarkNeedsFix(code, reason)
    outcome = apply(cycle, action, person, services.now(), services.context(unit))
    marks = ((code, reason),)
    change = Change(MARKED, person, unit, cycle, outcome.cycle, outcome.events, {"marks": marks})
    commit(services, cycle, outcome.cycle, notices(services, change), update_id)
    return change


def send_back_marked(
    services: C,
    notices: Notices[C],
    person: Person,
    cycle: Cycle,
    marks: tuple[tuple[str, str], ...],
    update_id: int | None,
) -> Change:
    """The indicators a return marked (``marks``: code, reason) go back to their members."""
    unit = services.roster.unit(person.unit)
    after = cycle
    for code, reason in marks:
        action = MarkNeedsFix(code, reason)
        after = apply(after, action, person, services.now(), services.context(unit)).cycle
    change = Change(SENT_BACK, person, unit, cycle, after, (), {"marks": marks})
    commit(services, cycle, after, notices(services, change), update_id)
    return change


def remove_evidence_file(
    services: C,
    notices: Notices[C],
    person: Person,
    cycle: Cycle,
    action: RemoveEvidence,
    update_id: int | None,
) -> Change:
    """An evidence file removed (or replaced) by its member or the report's maker."""
    unit = services.roster.unit(person.unit)
    outcome = remove_evidence(cycle, action, person, services.now(), services.context(unit))
    change = Change(
        EVIDENCE_REMOVED, person, unit, cycle, outcome.cycle, outcome.events, {"action": action}
    )
    commit(services, cycle, outcome.cycle, notices(services, change), update_id)
    return change
