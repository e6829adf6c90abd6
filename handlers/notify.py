"""What each holder is owed when the cycle moves: the next holder gets the task and its buttons.

Who receives a message is read from the unit's SOP table (the holders of the cycle's open step,
the officials who acted on earlier steps); the buttons come from ``handlers.steps``. These
functions only fill an Outbox; the handler saves it with the new state, then delivers.
"""

from __future__ import annotations

from app.services import Services
from documents.workbooks import realisation_workbook
from domain.dates_id import format_datetime_id, roman_triwulan
from domain.models import Cycle
from domain.performance import format_number_id
from domain.reminders import holders_of
from domain.roster import Person, Unit
from domain.sop import ASSEMBLE, COLLECT, DIVIDE
from handlers import texts
from handlers.outbox import Outbox
from handlers.reports import disposition_filename
from handlers.steps import offer
from handlers.texts import esc, tw
from handlers.views import missing_text


def _when(services: Services, unit: Unit, dt) -> str:
    return format_datetime_id(dt, services.calendar(unit).tz)


def holders(services: Services, cycle: Cycle, unit: Unit) -> list[Person]:
    """The people who hold the cycle's open step, by the unit's SOP table."""
    step = services.sop_for(unit).step(cycle.step)
    return [p for p in (unit.person(u) for u in holders_of(cycle, step, unit)) if p]


def actor_of(cycle: Cycle, unit: Unit, step_number: int) -> Person | None:
    """Who finished a step of the cycle (the latest time it was done)."""
    done = [s.finished_by for s in cycle.steps if s.step == step_number and s.finished_by]
    return unit.person(done[-1]) if done else None


who = texts.who


def task(out: Outbox, cycle: Cycle, unit: Unit, text: str) -> None:
    """Each holder of the open step gets ``text`` with the step's buttons."""
    for person in holders(out.services, cycle, unit):
        out.text(person.user_id, text, offer(out.services, cycle, unit, person) or None)
    step = out.services.sop_for(unit).step(cycle.step)
    if step.key != COLLECT:
        out.copies(unit, step.role, text)


def step_line(services: Services, cycle: Cycle, unit: Unit) -> str:
    step = services.sop_for(unit).step(cycle.step)
    deadline = _when(services, unit, cycle.steps[-1].deadline)
    return texts.step_line(step.number, step.activity, deadline, step.allowed_time.label)


def disposition_received(
    out: Outbox, cycle: Cycle, unit: Unit, sender: Person, sheet_sha: str
) -> None:
    """The next holder of the chain gets the disposition sheet, the documents and a button."""
    services = out.services
    d = cycle.dispositions[-1]
    for recipient in holders(services, cycle, unit):
        out.file(
            recipient.user_id,
            sheet_sha,
            disposition_filename(cycle),
            texts.disposition_sheet_caption(tw(cycle.triwulan, cycle.year)),
        )
        for doc in cycle.documents:
            out.file(recipient.user_id, doc.sha256, doc.name)
        text = texts.disposition_received(
            tw(cycle.triwulan, cycle.year),
            sender,
            recipient.label,
            d.urgency.title(),
            ", ".join(i.capitalize() for i in d.instructions),
            d.note,
            step_line(services, cycle, unit),
            ", ".join(doc.name for doc in cycle.documents),
        )
        out.text(recipient.user_id, text, offer(services, cycle, unit, recipient) or None)
    role = services.sop_for(unit).step(cycle.step).role
    out.copies(unit, role, sha256=sheet_sha, filename=disposition_filename(cycle))
    out.copies(unit, role, texts.as_holders_copy(text))


def _divider(out: Outbox, cycle: Cycle, unit: Unit) -> Person | None:
    return actor_of(cycle, unit, out.services.sop_for(unit).by_key(DIVIDE).number)


def tasks_divided(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    if cycle.indicators:
        indicators_divided(out, cycle, unit)
        return
    divider = _divider(out, cycle, unit)
    for a in cycle.assignments:
        items = "\n".join(f"{i + 1}. {esc(item.title)}" for i, item in enumerate(a.items))
        text = texts.items_divided(
            tw(cycle.triwulan, cycle.year),
            who(divider),
            cycle.division_note,
            items,
            _when(out.services, unit, a.deadline),
        )
        out.text(a.member_id, text)


def indicators_divided(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    """Each member learns exactly which indicators are theirs, with the quarter's target, and
    gets the data workbook pre-filled with them."""
    divider = _divider(out, cycle, unit)
    by_code = {i.code: i for i in cycle.indicators}
    roman = roman_triwulan(cycle.triwulan)
    for a in cycle.assignments:
        mine = [by_code[item.code] for item in a.items if item.code in by_code]
        lines = []
        for n, ind in enumerate(mine, start=1):
            target = format_number_id(ind.target_for(cycle.triwulan))
            lines.append(
                texts.indicator_task_line(
                    n,
                    ind.code,
                    ind.indikator,
                    roman,
                    target,
                    ind.satuan,
                    texts.indicator_kind(ind.cumulative, roman),
                    ind.direction_label.lower(),
                )
            )
        text = texts.indicators_divided(
            tw(cycle.triwulan, cycle.year),
            who(divider),
            cycle.division_note,
            "\n".join(lines),
            _when(out.services, unit, a.deadline),
        )
        workbook = realisation_workbook(mine, cycle.triwulan)
        member = unit.person(a.member_id)
        name = (member.name.split(",")[0] if member else str(a.member_id)).replace(" ", "_")
        out.file(
            a.member_id,
            out.services.db.blobs.put(workbook),
            f"Realisasi_TW-{roman}_{cycle.year}_{name}.xlsx",
        )
        if member is not None:
            out.text(a.member_id, text, offer(out.services, cycle, unit, member) or None)


def _assembler_ids(out: Outbox, unit: Unit) -> list[int]:
    """The people of the role that makes the report (they follow the collection)."""
    role = out.services.sop_for(unit).role_of(ASSEMBLE)
    return [p.user_id for p in unit.acting(role)]


def collection_complete(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    text = texts.collection_complete(
        tw(cycle.triwulan, cycle.year),
        missing_text(cycle, unit),
        step_line(out.services, cycle, unit),
    )
    task(out, cycle, unit, text)


def member_complete(out: Outbox, cycle: Cycle, unit: Unit, member: Person) -> None:
    """The report's maker follows the collection (and an absent maker gets a copy)."""
    text = texts.member_complete(member, tw(cycle.triwulan, cycle.year), missing_text(cycle, unit))
    for user_id in _assembler_ids(out, unit):
        out.text(user_id, text)
    out.copies(unit, out.services.sop_for(unit).role_of(ASSEMBLE), text)
