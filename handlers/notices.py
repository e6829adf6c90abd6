"""The notice table: what each change owes to whom, worded for the chat (outbox entries).

A use case (``app/``) receives :func:`notices` as its port and saves what it returns in the
same write as the change. Two tables: the confirmation a use case owes its actor
(``CONFIRMATIONS``, by use case) and the notices each domain event owes (``EVENTS``, by
``domain.workflow.EV_*``): one place for both, so no handler dispatches events inline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, cast

from app.annual_answers import ANSWERED
from app.approval import COMPILE, PARAF_ACT, RETURN, SIGN_ACT, SUBMIT
from app.changes import Change, Decision
from app.quarter import DIVIDED, DRAFTED, FORWARDED, STARTED
from app.realisation import ATTACHED, EVIDENCE_REMOVED, MARKED, REPORTED, SENT_BACK
from app.services import Services
from app.staff import REASSIGNED
from domain import records
from domain.approval import ReportKind
from domain.dates_id import format_datetime_id
from domain.evidence import EV_REOPENED, reviewer_step
from domain.models import Cycle
from domain.roster import Person, Unit
from domain.sop import PARAF, Sop
from domain.workflow import EV_COLLECTION_COMPLETE, EV_MEMBER_COMPLETE, find_indicator, item_label
from handlers import annual_questions, notify, texts
from handlers.offers import report_filename
from handlers.offers import submit_rows as annual_submit_rows
from handlers.outbox import Outbox, cannot_take, unreachable_note_to
from handlers.steps import offer, submit_rows
from handlers.texts import tw
from handlers.views import fill_buttons, member_checklist

Build = Callable[[Outbox, Change], None]


class Worded(Protocol):
    """What the wording needs of a kind of report (``handlers.approval.ReportFlow``)."""

    kind: ReportKind

    def name(self, report: Any) -> str: ...

    def title(self, report: Any) -> str: ...

    def filename(self, report: Any, status: str) -> str: ...

    def stage(self, sop: Sop, report: Any) -> str | None: ...

    def holders(self, services: Services, unit: Unit, report: Any) -> list[Person]: ...

    def offer(self, services: Services, unit: Unit, report: Any, person: Person) -> Any: ...

    def makers(self, services: Services, unit: Unit) -> list[Person]: ...

    def deadline(self, report: Any) -> datetime | None: ...


def _worded(decision: Decision) -> Worded:
    return cast(Worded, decision.flow)  # the chat's flows word themselves


def _realisation_recorded(out: Outbox, change: Change) -> None:
    """The member's checklist, with a button per indicator still to fill."""
    person, cycle = change.person, change.after
    assignment = cycle.assignment_of(person.user_id)
    assert assignment is not None  # the domain accepted the member's report
    out.text(
        person.user_id,
        texts.realisation_recorded(", ".join(change.detail["codes"]), member_checklist(assignment)),
        fill_buttons(cycle, person) if not assignment.complete else None,
    )


def _evidence_recorded(out: Outbox, change: Change) -> None:
    """The file recorded for its item, and what is still missing."""
    person, cycle = change.person, change.after
    assignment = cycle.assignment_of(person.user_id)
    assert assignment is not None  # the domain accepted the member's upload
    item = assignment.items[change.detail["index"]]
    if assignment.complete:
        tail = texts.ALL_ITEMS_COMPLETE
    elif cycle.indicators:
        tail = texts.your_status(member_checklist(assignment))
    else:
        tail = texts.items_missing(assignment.missing)
    out.text(
        person.user_id,
        texts.upload_recorded(change.detail["file"].name, item.title, tail),
        fill_buttons(cycle, person) or None,
    )


# --- the approval flow: one wording for every kind of report ---------------------------------


def _names(people: list[Person]) -> str:
    return ", ".join(texts.who(p) for p in people) or "-"


def _when(services: Services, unit: Unit, dt: datetime | None) -> str | None:
    return format_datetime_id(dt, services.calendar(unit).tz) if dt else None


# --- who is told ---------------------------------------------------------------------------


def _report_to_holders(out: Outbox, flow: Worded, report, unit: Unit, status, caption):
    """The report's PDF goes to each holder of the step it waits for, with its buttons."""
    latest = report.latest_report
    assert latest is not None
    for person in flow.holders(out.services, unit, report):
        rows = flow.offer(out.services, unit, report, person)
        out.file(
            person.user_id, latest.sha256, flow.filename(report, status), caption, rows or None
        )
    _copies(out, flow, report, unit, caption, latest.sha256, flow.filename(report, status))


def _copies(out: Outbox, flow: Worded, report, unit: Unit, text: str, *document: str):
    """The holder represented by a stand-in at the step the report waits for gets a copy."""
    sop = out.services.sop_for(unit)
    key = flow.stage(sop, report)
    if key:
        out.copies(unit, sop.role_of(key), text, *document)


def tell_submitted(out: Outbox, flow: Worded, report, unit: Unit, by: Person) -> None:
    """The holder of the paraf step gets the submitted draft with Paraf / Kembalikan."""
    sop = out.services.sop_for(unit)
    latest = report.latest_report
    assert latest is not None
    caption = texts.for_paraf(
        flow.title(report),
        latest.number,
        unit.role_label(sop.role_of(flow.kind.maker)),
        _when(out.services, unit, flow.deadline(report)),
        sop.by_key(PARAF).standard_time.label,
    )
    _report_to_holders(out, flow, report, unit, "draft", caption)


def tell_initialled(out: Outbox, flow: Worded, report, unit: Unit, by: Person) -> None:
    """The initialled PDF goes to the signer with Tandatangani / Kembalikan, and the maker
    of the report learns it moved on."""
    paraf = report.latest_decision("paraf")
    assert paraf is not None
    services = out.services
    facts = records.decision_by(report.history, paraf) or by  # as recorded with the act
    caption = texts.for_signature(
        flow.title(report),
        facts,
        _when(services, unit, paraf.at) or "",
        _when(services, unit, flow.deadline(report)),
    )
    _report_to_holders(out, flow, report, unit, "paraf", caption)
    signers = _names(flow.holders(services, unit, report))
    told = texts.initialled_for_maker(flow.name(report), facts, signers)
    for maker in flow.makers(services, unit):
        if maker.user_id != by.user_id:
            out.text(maker.user_id, told)
    out.copies(unit, services.sop_for(unit).role_of(flow.kind.maker), told)


def tell_returned(out: Outbox, flow: Worded, report, unit: Unit, by: Person) -> None:
    """The maker gets the reason and the way on; whoever had already initialled the returned
    version is told too."""
    decision = report.latest_decision("return")
    assert decision is not None
    services = out.services
    facts = records.decision_by(report.history, decision) or by
    text = texts.returned(
        flow.name(report),
        facts,
        _when(services, unit, decision.at) or "",
        decision.reason,
        decision.marks,
        _when(services, unit, flow.deadline(report)),
    )
    holders = flow.holders(services, unit, report)
    for person in holders:
        out.text(person.user_id, text, flow.offer(services, unit, report, person) or None)
    _copies(out, flow, report, unit, text)
    told = {p.user_id for p in holders} | {by.user_id}
    paraf = report.latest_decision("paraf")
    if paraf is not None and paraf.report_version == decision.report_version:
        if paraf.by not in told:
            told_back = texts.returned_after_paraf(flow.name(report), facts, decision.reason)
            out.text(paraf.by, told_back)


def tell_signed(out: Outbox, flow: Worded, report, unit: Unit, by: Person) -> None:
    """The signed PDF goes to everyone in the unit; the report is filed."""
    latest = report.latest_report
    sign = report.latest_decision("sign")
    assert latest is not None and sign is not None
    facts = records.decision_by(report.history, sign) or by  # "Plh. …" as recorded
    caption = texts.signed(flow.title(report), facts, _when(out.services, unit, sign.at) or "")
    for person in unit.people:
        out.file(person.user_id, latest.sha256, flow.filename(report, "signed"), caption)


def _submitted(out: Outbox, d: Decision) -> None:
    flow, after = _worded(d), d.after
    names = _names(flow.holders(out.services, d.unit, after))
    out.text(d.person.user_id, texts.submitted_done(flow.name(after), names))
    tell_submitted(out, flow, after, d.unit, d.person)


def _initialled(out: Outbox, d: Decision) -> None:
    flow, after = _worded(d), d.after
    names = _names(flow.holders(out.services, d.unit, after))
    out.text(d.person.user_id, texts.paraf_done(flow.name(after), names))
    tell_initialled(out, flow, after, d.unit, d.person)


def _signed(out: Outbox, d: Decision) -> None:
    tell_signed(out, _worded(d), d.after, d.unit, d.person)
    annual_questions.ask_on_filed(out, d)  # a signed TW IV closes the year: its questions


def _returned(out: Outbox, d: Decision) -> None:
    flow, after = _worded(d), d.after
    names = _names(flow.holders(out.services, d.unit, after))
    out.text(d.person.user_id, texts.returned_done(flow.name(after), names))
    tell_returned(out, flow, after, d.unit, d.person)


def _compiled(out: Outbox, d: Decision) -> None:
    """The annual LKj's draft goes to its maker with Ajukan."""
    report = d.after
    latest = report.latest_report
    assert latest is not None  # the use case recorded it
    flow = d.flow
    rows = annual_submit_rows(flow, out.services.sop_for(d.unit), report, d.unit)
    button = rows[0][0][0] if rows else ""
    caption = texts.drafted(flow.name(report), latest.number, texts.ANNUAL_SOURCE, button)
    out.file(d.person.user_id, latest.sha256, flow.filename(report, "draft"), caption, rows)
    annual_questions.ask_on_compiled(out, d)  # the year's close: who has not explained yet


#: What each act of the approval flow owes (its actor's confirmation, then who is told).
DECISIONS: dict[str, Callable[[Outbox, Decision], None]] = {
    SUBMIT: _submitted,
    PARAF_ACT: _initialled,
    SIGN_ACT: _signed,
    RETURN: _returned,
    COMPILE: _compiled,
    ANSWERED: annual_questions.answered,
}


# --- the quarter's first steps ---------------------------------------------------------------


def _reach(services: Services, people: list[Person]) -> tuple[str, str]:
    """For "sent to ..." confirmations: the names of those whose chat can take it now, and
    a note naming who cannot, why and what to do (``""`` when everyone can)."""
    reachable = [p for p in people if cannot_take(services, p.user_id) is None]
    link = f"https://t.me/{services.bot_username}"
    return ", ".join(notify.who(p) for p in reachable), unreachable_note_to(services, people, link)


def _holder_names(services: Services, cycle: Cycle, unit: Unit) -> tuple[str, str]:
    """The holders of the cycle's open step, for "sent to ..." confirmations."""
    names, waiting = _reach(services, notify.holders(services, cycle, unit))
    return names or ("" if waiting else "-"), waiting


def _started(out: Outbox, c: Change) -> None:
    cycle = c.after
    names = _holder_names(out.services, cycle, c.unit)
    out.text(c.person.user_id, texts.disposition_sent(tw(cycle.triwulan, cycle.year), *names))
    notify.disposition_received(out, cycle, c.unit, c.person, c.detail["sheet"])


def _forwarded(out: Outbox, c: Change) -> None:
    names = _holder_names(out.services, c.after, c.unit)
    out.text(c.person.user_id, texts.disposition_forwarded(*names))
    notify.disposition_received(out, c.after, c.unit, c.person, c.detail["sheet"])


def _divided(out: Outbox, c: Change) -> None:
    services = out.services
    found = (c.unit.person(a.member_id) for a in c.after.assignments)
    members = [m for m in found if m is not None]
    reachable = [m for m in members if cannot_take(services, m.user_id) is None]
    link = f"https://t.me/{services.bot_username}"
    waiting = unreachable_note_to(services, members, link)
    out.text(c.person.user_id, texts.division_sent(", ".join(m.name for m in reachable), waiting))
    notify.tasks_divided(out, c.after, c.unit)


def _drafted(out: Outbox, c: Change) -> None:
    drafted, cycle = c.after, c.before
    report = drafted.latest_report
    assert report is not None  # the use case recorded it
    rows = submit_rows(out.services.sop_for(c.unit), drafted, c.unit)
    caption = texts.drafted(
        texts.quarter_data_report(tw(cycle.triwulan, cycle.year)),
        report.number,
        texts.QUARTER_SOURCE,
        rows[0][0][0] if rows else "",
    )
    out.file(c.person.user_id, report.sha256, report_filename(drafted, "draft"), caption, rows)


# --- "Perlu Perbaikan": indicators sent back to their members --------------------------------


def needs_fix_notice(
    out: Outbox, cycle: Cycle, unit: Unit, code: str, reason: str, by: Person
) -> None:
    found = find_indicator(cycle, code)
    if found is None:
        return
    assignment = found[0]
    member = unit.person(assignment.member_id)
    if member is None:
        return
    record = cycle.current_step_record
    when = ""
    if record is not None:
        tz = out.services.calendar(unit).tz
        when = "\n" + texts.deadline_line(format_datetime_id(record.deadline, tz))
    out.text(
        member.user_id,
        texts.needs_fix_notice(
            tw(cycle.triwulan, cycle.year), by, code, reason, when, member_checklist(assignment)
        ),
        fill_buttons(cycle, member),
    )


def _marked(out: Outbox, c: Change) -> None:
    ((code, reason),) = c.detail["marks"]
    found = find_indicator(c.after, code)
    assert found is not None  # the domain marked it, so it is in the division
    member = c.unit.person(found[0].member_id)
    out.text(c.person.user_id, texts.needs_fix_done(code, member.name if member else ""))
    needs_fix_notice(out, c.after, c.unit, code, reason, c.person)


def _sent_back(out: Outbox, c: Change) -> None:
    out.text(c.person.user_id, texts.sent_back([code for code, _ in c.detail["marks"]]))
    for code, reason in c.detail["marks"]:
        needs_fix_notice(out, c.after, c.unit, code, reason, c.person)


def _evidence_removed(out: Outbox, c: Change) -> None:
    """The one who removed it, and the member when it was someone else (the report's maker)."""
    action, after, person = c.detail["action"], c.after, c.person
    record = after.removed_evidence[-1]
    replacement = action.replacement
    member = c.unit.person(action.member_id)
    assignment = after.assignment_of(action.member_id)
    assert member is not None and assignment is not None
    done = texts.evidence_removed_done(
        record.file.name, record.item, replacement.name if replacement else None
    )
    if member.user_id == person.user_id:
        out.text(
            person.user_id,
            f"{done}\n\n{texts.your_status(member_checklist(assignment))}",
            fill_buttons(after, member) or None,
        )
    else:
        out.text(person.user_id, done)
        out.text(
            member.user_id,
            texts.evidence_removed_notice(
                person, record.file.name, record.item, record.reason, _period(c)
            )
            + "\n\n"
            + texts.your_status(member_checklist(assignment)),
            fill_buttons(after, member) or None,
        )


def _period(c: Change) -> str:
    return tw(c.before.triwulan, c.before.year)


def _collection_reopened(out: Outbox, c: Change) -> None:
    """The report's maker learns the collection is open again (evidence removed)."""
    action = c.detail["action"]
    member = c.unit.person(action.member_id)
    assert member is not None  # the domain removed a member's file
    record = c.after.removed_evidence[-1]
    ctx = out.services.context(c.unit)
    for holder in c.unit.acting(reviewer_step(ctx).role):
        out.text(holder.user_id, texts.collection_reopened(_period(c), member, record.item))


# --- a task moved to another member ----------------------------------------------------------


def _reassigned(out: Outbox, c: Change) -> None:
    """The one who moved it, the new holder (with the task's buttons), the one relieved."""
    services, unit, before, after = out.services, c.unit, c.before, c.after
    old, new = unit.member(c.detail["old"]), unit.member(c.detail["new"])
    moved, mine = before.assignment_of(c.detail["old"]), after.assignment_of(c.detail["new"])
    assert old is not None and new is not None and moved is not None and mine is not None
    period = tw(before.triwulan, before.year)
    what = ", ".join(item_label(i) for i in moved.items)
    deadline = format_datetime_id(mine.deadline, services.calendar(unit).tz)
    out.text(c.person.user_id, texts.task_moved_done(period, what, old.name, new.name))
    out.text(
        new.user_id,
        texts.task_moved_to_you(
            period, texts.who(c.person), old.name, mine.note, member_checklist(mine), deadline
        ),
        offer(services, after, unit, new) or None,
    )
    out.text(old.user_id, texts.task_moved_from_you(period, what, texts.who(c.person), new.name))


#: The confirmation each use case owes the person who acted.
CONFIRMATIONS: dict[str, Build] = {
    STARTED: _started,
    FORWARDED: _forwarded,
    DIVIDED: _divided,
    REPORTED: _realisation_recorded,
    ATTACHED: _evidence_recorded,
    MARKED: _marked,
    SENT_BACK: _sent_back,
    EVIDENCE_REMOVED: _evidence_removed,
    DRAFTED: _drafted,
    REASSIGNED: _reassigned,
}

#: The notices each domain event owes, in this order.
EVENTS: dict[str, Build] = {
    EV_MEMBER_COMPLETE: lambda out, c: notify.member_complete(out, c.after, c.unit, c.person),
    EV_COLLECTION_COMPLETE: lambda out, c: notify.collection_complete(out, c.after, c.unit),
    EV_REOPENED: _collection_reopened,
}


def notices(services: Services, change: Change | Decision) -> Outbox:
    """Everything ``change`` owes: its confirmation, then its events' notices."""
    out = Outbox(services)
    if isinstance(change, Decision):
        DECISIONS[change.verb](out, change)
        return out
    confirm = CONFIRMATIONS.get(change.action)
    if confirm is not None:
        confirm(out, change)
    for event, build in EVENTS.items():
        if event in change.events:
            build(out, change)
    return out
