"""The year's close in chat, worded: the questions put to whoever answers for an indicator that
missed or exceeded its annual target (``app.annual_answers``), the notices an answer owes, what
/start shows a member who still owes one and what /tahunan shows the compiler.

The questions are asked when the year's TW IV is signed (its four quarters filed) and when
the compiler first compiles the LKj; they stay open in /start (and /status) until answered,
whatever happens to the messages. The form that takes an answer is ``handlers.annual_answers``.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import ContextTypes

from app import annual_answers as use
from app.annual_answers import Question
from app.changes import Decision
from app.services import Services
from domain import annual
from domain.models import Cycle
from domain.roster import Person, Unit
from handlers import texts
from handlers.common import send_text, svc, unit_of
from handlers.outbox import Outbox

Rows = list[list[tuple[str, dict[str, Any]]]]


def _ref(question: Question) -> dict[str, Any]:
    return {"year": question.year, "code": question.code}


def question_rows(question: Question) -> Rows:
    return [
        [
            (texts.BTN_ANNUAL_ANSWER, {"action": "annual_answer_begin", **_ref(question)}),
            (texts.BTN_ANNUAL_SKIP, {"action": "annual_answer_skip", **_ref(question)}),
        ]
    ]


def question_text(question: Question) -> str:
    return texts.annual_question(
        question.year,
        question.code,
        question.indikator,
        question.satuan,
        question.target,
        question.value,
        question.percent,
        for_compiler=question.owner is None,
    )


def _askees(services: Services, unit: Unit, question: Question) -> list[int]:
    if question.owner is not None:
        return [question.owner]
    return [p.user_id for p in unit.acting(use.compiler_role(services, unit))]


def ask(out: Outbox, unit: Unit, questions: list[Question]) -> None:
    """Each unanswered question to whoever answers it, with Isi alasan / Lewati."""
    for question in questions:
        if question.answered:
            continue
        for user_id in _askees(out.services, unit, question):
            out.text(user_id, question_text(question), question_rows(question))


def ask_on_filed(out: Outbox, d: Decision) -> None:
    """A signed TW IV files the year's last quarter: the year's questions go out with it."""
    cycle = d.after
    if not isinstance(cycle, Cycle) or cycle.triwulan != 4 or not cycle.filed:
        return
    services = out.services
    if not use.open_for_answers(services.annual.get(d.unit.code, cycle.year)):
        return
    year = [c for c in services.cycles.list_unit(d.unit.code, cycle.year) if c.id != cycle.id]
    ask(out, d.unit, use.questions(services, d.unit, cycle.year, [*year, cycle]))


def ask_on_compiled(out: Outbox, d: Decision) -> None:
    """The LKj's first draft asks again whoever has not answered; every draft tells the
    compiler which indicators are still unexplained."""
    report = d.after
    questions = use.questions(out.services, d.unit, report.year)
    first = d.before is None or not d.before.reports
    if first:
        ask(out, d.unit, questions)
    open_ = [q.code for q in questions if not q.answered]
    if open_:
        out.text(d.person.user_id, texts.annual_still_unanswered(report.year, open_))


def answered(out: Outbox, d: Decision) -> None:
    """The answer's confirmation; a draft compiled before it is stale: its compiler is offered
    a new compilation (the domain refuses to submit the stale one)."""
    question: Question = d.flow
    report: annual.AnnualReport = d.after
    out.text(d.person.user_id, texts.annual_answered(question.code, report.year))
    latest = report.latest_report
    if latest is None or latest.status != "draft":
        return
    given = question.answers[-1]
    who = ", ".join(x for x in (given.name, given.post) if x)
    again = [[(texts.BTN_REBUILD_DRAFT, {"action": "annual_compile", "year": report.year})]]
    text = texts.annual_answer_stale_draft(
        who, question.code, report.year, latest.number, texts.BTN_REBUILD_DRAFT
    )
    for person in d.unit.acting(use.compiler_role(out.services, d.unit)):
        out.text(person.user_id, text, again)


async def offer_owed(context: ContextTypes.DEFAULT_TYPE, person: Person) -> int:
    """/start, /status, a left form: each question ``person`` still owes, with its buttons."""
    services = svc(context)
    unit = unit_of(services, person)
    owed = use.owed_by(services, unit, person)
    for question in owed:
        await send_text(context, person.user_id, question_text(question), question_rows(question))
    return len(owed)


def overview(services: Services, unit: Unit, year: int) -> tuple[str, Rows] | None:
    """/tahunan for the compiler: who has explained which indicator of ``year``, who is still
    awaited, and a Jawab button for each indicator (he may answer any himself) while the
    report takes answers."""
    questions = use.questions(services, unit, year)
    if not questions:
        return None
    compiler = unit.role_label(use.compiler_role(services, unit))
    lines = [texts.annual_answers_head(year, sum(q.answered for q in questions), len(questions))]
    for q in questions:
        names = ", ".join(dict.fromkeys(a.name for a in q.answers if a.reason.strip()))
        owner = unit.person(q.owner) if q.owner is not None else None
        lines.append(
            texts.annual_answer_line(q.code, q.percent, names, owner.name if owner else compiler)
        )
    rows: Rows = []
    if use.open_for_answers(services.annual.get(unit.code, year)):
        buttons = [
            (texts.btn_annual_answer_for(q.code), {"action": "annual_answer_begin", **_ref(q)})
            for q in questions
        ]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return "\n".join(lines), rows
