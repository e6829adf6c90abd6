"""The year's close: each indicator that missed or exceeded its annual target is explained by
the one who answers for it, so that the annual LKj's Bab III states causes in people's words.

Who answers: the Tim Kerja member the indicator was given to in the division of tasks (the
latest quarter that divided it); an indicator never divided, or whose member has left the
unit, is answered by the holder of the annual LKj's compile step (the Kasubbag), who may also
answer any indicator himself. Answers are taken while the annual report is not submitted
(``domain.annual.record_answer``); an answer given after a draft was compiled makes that draft
stale (``domain.approval.check_submit``: "Data berubah ..."), and the compiler is offered a new
compilation in the same write.

Telegram-free: the chat's form and any other channel call :func:`answer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.changes import Decision, Notices
from app.services import Services
from app.unit_of_work import commit_annual, state_ref
from domain import annual, records
from domain.annual import AnnualAnswer, AnnualReport
from domain.errors import InputError, WorkflowError
from domain.models import Cycle, Indicator
from domain.performance import (
    DEFAULT_POLICY,
    RASIO,
    Ratio,
    annual_value,
    capaian_tahunan,
    current_realisations,
)
from domain.roster import Person, Unit

#: The notice table's key of an answer (``handlers.notices.DECISIONS``).
ANSWERED = "annual_answered"
#: The audit line's action of an answer.
AUDIT_ACTION = "jawab_capaian_tahunan"

# What a reason must be to be "a real sentence": letters, not a figure restated.
MIN_REASON_CHARS = 20
MIN_REASON_WORDS = 3
EMPTY, SHORT, NUMBERS = "empty", "short", "numbers"
RATIO = "ratio"  # a RASIO indicator's numerator and denominator missing or unusable


class BadAnswer(InputError):
    """An answer refused before anything is recorded; ``problem`` is EMPTY, SHORT, NUMBERS
    (the reason) or RATIO (the channel words it)."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


class NoQuestion(InputError):
    """The indicator needs no answer (capaian exactly 100%, or the year is not complete)."""


class NotYours(WorkflowError):
    """The indicator is answered by its member or the compiler, not by this person."""


@dataclass(frozen=True)
class Question:
    """One indicator of the year whose annual capaian is not exactly its target."""

    year: int
    code: str
    indikator: str
    satuan: str
    target: float | None
    value: float | None  # the year's realisation by the indicator's counting rule
    percent: float  # the uncapped capaian
    ratio: bool  # counted as RASIO: the year's numerator and denominator are asked
    owner: int | None  # the member who answers; None: the compiler (Kasubbag)
    answers: tuple[AnnualAnswer, ...] = ()

    @property
    def exceeded(self) -> bool:
        return self.percent > 100

    @property
    def answered(self) -> bool:
        return any(a.reason.strip() for a in self.answers)


def reason_problem(text: str) -> str | None:
    """Why ``text`` is not a reason (EMPTY, SHORT, NUMBERS), or None when it is one."""
    words = text.split()
    if not words:
        return EMPTY
    if not any(ch.isalpha() for ch in text):
        return NUMBERS if any(ch.isdigit() for ch in text) else SHORT
    worded = [w for w in words if any(ch.isalpha() for ch in w)]
    if len(" ".join(words)) < MIN_REASON_CHARS or len(worded) < MIN_REASON_WORDS:
        return SHORT
    return None


def compiler_role(services: Services, unit: Unit):
    return services.sop_for(unit).role_of(annual.COMPILE_STEP)


def _quarters(services: Services, unit: Unit, year: int, cycles: Sequence[Cycle] | None):
    found = list(cycles) if cycles is not None else services.cycles.list_unit(unit.code, year)
    try:
        return annual.quarters_ready(found, year)
    except InputError:
        return None


def _values(cycle: Cycle) -> dict[str, float]:
    """Code -> the quarter's realisation in force (the task division's, else the history's)."""
    current = current_realisations(cycle.realisations, cycle.triwulan)
    found = {code: r.value for code, r in current.items()}
    for assignment in cycle.assignments:
        for item in assignment.items:
            if item.code and item.realisation is not None:
                found[item.code] = item.realisation.value
    return found


def _owner(quarters: Sequence[Cycle], code: str, unit: Unit) -> int | None:
    """The member the latest division gave ``code`` to, while still in the unit."""
    for cycle in reversed(quarters):
        for assignment in cycle.assignments:
            if any(item.code == code for item in assignment.items):
                still = unit.person(assignment.member_id)
                return assignment.member_id if still is not None else None
    return None


def _ratio(answers: Sequence[AnnualAnswer], code: str) -> Ratio | None:
    given = [
        a
        for a in sorted(answers, key=lambda a: a.at)
        if a.code == code and a.numerator is not None and a.denominator
    ]
    if not given:
        return None
    last = given[-1]
    assert last.numerator is not None and last.denominator is not None
    return Ratio(last.numerator, last.denominator)


def _question(
    year: int, indicator: Indicator, quarters: Sequence[Cycle], unit: Unit, given
) -> Question | None:
    values = {c.triwulan: _values(c).get(indicator.code) for c in quarters}
    counted = annual_value(indicator, values, _ratio(given, indicator.code))
    ach = capaian_tahunan(indicator, counted.value, DEFAULT_POLICY)
    if ach.raw_percent is None or ach.raw_percent == 100:
        return None
    return Question(
        year=year,
        code=indicator.code,
        indikator=indicator.indikator,
        satuan=indicator.satuan,
        target=indicator.target_tahunan,
        value=counted.value,
        percent=ach.raw_percent,
        ratio=indicator.rule == RASIO,
        owner=_owner(quarters, indicator.code, unit),
        answers=tuple(a for a in given if a.code == indicator.code),
    )


def questions(
    services: Services, unit: Unit, year: int, cycles: Sequence[Cycle] | None = None
) -> list[Question]:
    """The year's questions, in the order of the Perjanjian Kinerja; none until the four
    quarters are filed (``cycles``: the year's quarters as they are about to be saved)."""
    quarters = _quarters(services, unit, year, cycles)
    if quarters is None:
        return []
    report = services.annual.get(unit.code, year)
    given = report.answers if report is not None else ()
    found = (_question(year, ind, quarters, unit, given) for ind in quarters[-1].indicators)
    return [q for q in found if q is not None]


def open_for_answers(report: AnnualReport | None) -> bool:
    return report is None or report.status == annual.DRAFT


def answers_for(services: Services, unit: Unit, person: Person, question: Question) -> bool:
    """Whether ``person`` is asked ``question``: its member, or the compiler when it has none."""
    if question.owner is not None:
        return question.owner == person.user_id
    return person.acts_as(compiler_role(services, unit))


def may_answer(services: Services, unit: Unit, person: Person, question: Question) -> bool:
    """Its member or the compiler (who may answer any indicator)."""
    return question.owner == person.user_id or person.acts_as(compiler_role(services, unit))


def years(services: Services, unit: Unit) -> tuple[int, ...]:
    """The years whose close may still be answered: last year and this year."""
    this_year = services.calendar(unit).to_local(services.now()).year
    return (this_year - 1, this_year)


def owed_by(services: Services, unit: Unit, person: Person) -> list[Question]:
    """What ``person`` still owes: unanswered questions of a year whose LKj is not submitted."""
    out: list[Question] = []
    for year in years(services, unit):
        if not open_for_answers(services.annual.get(unit.code, year)):
            continue
        out.extend(
            q
            for q in questions(services, unit, year)
            if not q.answered and answers_for(services, unit, person, q)
        )
    return out


def find(services: Services, unit: Unit, person: Person, year: int, code: str) -> Question:
    """The question ``person`` may answer now, or the refusal: the domain's when the report is
    submitted, NoQuestion when there is no such question, NotYours when it is not theirs."""
    report = services.annual.get(unit.code, year)
    found = next((q for q in questions(services, unit, year) if q.code == code), None)
    if found is None:
        raise NoQuestion(code)
    if report is not None:  # the domain's word on a submitted report
        annual.record_answer(report, _probe(code, person, services.now()))
    if not may_answer(services, unit, person, found):
        raise NotYours(code)
    return found


def _probe(code: str, person: Person, now: datetime) -> AnnualAnswer:
    return AnnualAnswer(code, "-", person.user_id, person.name, "", person.role.value, now)


def answer(
    services: Services,
    notices: Notices,
    person: Person,
    year: int,
    code: str,
    reason: str,
    action: str = "",
    numerator: float | None = None,
    denominator: float | None = None,
    update_id: int | None = None,
) -> Decision:
    """Record ``person``'s answer on ``code`` with who they are at the moment (name, post,
    role), with its audit line and the notices it owes, in one write."""
    unit = services.roster.unit(person.unit)
    question = find(services, unit, person, year, code)
    reason = " ".join(reason.split())
    problem = reason_problem(reason)
    if problem is not None:
        raise BadAnswer(problem)
    if question.ratio:
        if numerator is None or denominator is None or numerator < 0 or denominator <= 0:
            raise BadAnswer(RATIO)
    else:
        numerator = denominator = None
    now = services.now()
    facts = records.of_person(person, unit, now)
    given = AnnualAnswer(
        code=code,
        reason=reason,
        by=person.user_id,
        name=facts.name,
        post=facts.position or facts.label,
        role=facts.role or person.role.value,
        at=now,
        action=" ".join(action.split()),
        numerator=numerator,
        denominator=denominator,
    )
    before = services.annual.get(unit.code, year)
    after = annual.record_answer(before or AnnualReport(unit=unit.code, year=year), given)
    # The Decision's ``flow`` is the question answered (what the notices word).
    asked = replace(question, answers=question.answers + (given,))
    decision = Decision(ANSWERED, asked, person, unit, before, after)
    out = notices(services, decision)
    out.entries.append(_audit_line(after, given, update_id))
    commit_annual(services, before, after, out, update_id)
    return decision


def _audit_line(report: AnnualReport, given: AnnualAnswer, update_id: int | None) -> dict:
    detail: dict[str, Any] = {
        "kode": given.code,
        "nama": given.name,
        "jabatan": given.post,
        "alasan": given.reason,
        "tindak_lanjut": given.action,
    }
    if given.numerator is not None:
        detail.update(pembilang=given.numerator, penyebut=given.denominator)
    return {
        "id": f"a{report.rev}-{AUDIT_ACTION}",
        "kind": "audit",
        "chat_id": 0,
        "entry": {
            "at": given.at.isoformat(),
            "actor": given.by,
            "role": given.role,
            "action": AUDIT_ACTION,
            "cycle": report.id,
            "update_id": update_id,
            "detail": detail,
            "state": state_ref(report.unit, report.year, "annual", report.id, report.rev),
        },
    }
