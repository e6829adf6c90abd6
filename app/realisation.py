"""Use cases of the collection (SOP step 4): a member reports realisation values and
attaches evidence. Telegram-free: the chat, the workbook and the Mini App all call these."""

from __future__ import annotations

from app.changes import Change, Notices
from app.services import Services
from app.unit_of_work import commit
from domain.models import Cycle, FileRef
from domain.roster import Person
from domain.workflow import ReportRealisation, UploadData, apply

REPORTED = "report_realisation"
ATTACHED = "attach_evidence"


def report_realisation(
    services: Services,
    notices: Notices,
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
    services: Services,
    notices: Notices,
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
