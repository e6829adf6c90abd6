"""The approval flow, one for every report: submit → paraf or return → sign or return.

Each use case loads the report, has the domain decide, renders the new version where the act
makes one, and saves the report with what it owes in one write (the notices come from the
channel's table, ``handlers.notices``). Which report, and how it is loaded, decided, rendered
and saved, is said by its :class:`Flow` (the quarterly report, the annual LKj). Telegram-free:
a chat button, the Mini App's review page and the passphrase of a certified signature call
these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from app.changes import Decision, Notices, S_contra
from app.services import AnnualBook, Deciding
from app.unit_of_work import Owed
from domain import annual
from domain.approval import ReportKind, parse_marks
from domain.roster import Person, Unit
from domain.sop import PARAF, SIGN, Sop

SUBMIT, PARAF_ACT, SIGN_ACT, RETURN = "submit", "paraf", "sign", "return"
COMPILE = "compile"


@dataclass(frozen=True)
class Act:
    """One act of the flow on a report: ``verb`` is submit, paraf, sign or return; ``key``
    the activity of the step it is taken at."""

    verb: str
    key: str
    version: int
    reason: str = ""
    marks: tuple[tuple[str, str], ...] = ()


#: The services an approval use case is given (the chat's ``Services``, or any object with
#: what :class:`app.services.Deciding` names, and with what its flow reads); the flow and the
#: notice table are called with the same object.
D = TypeVar("D", bound=Deciding)
#: The services compiling the annual LKj is given (:class:`app.services.AnnualBook`).
A = TypeVar("A", bound=AnnualBook)


class Flow(Protocol[S_contra]):
    """What a kind of report brings to the use cases (``ref``: what names the report and the
    act, a button's payload: the report, its ``version``, the ``group`` of buttons it ends,
    the ``step`` a return was offered for)."""

    kind: ReportKind

    def load(self, services: S_contra, unit: Unit, ref: dict) -> Any: ...

    def stage(self, sop: Sop, report: Any) -> str | None: ...

    def authorize(
        self, services: S_contra, unit: Unit, report: Any, key: str, person: Person
    ) -> None: ...

    def apply(
        self, services: S_contra, unit: Unit, report: Any, act: Act, person: Person
    ) -> Any: ...

    async def render(
        self, services: S_contra, unit: Unit, report: Any, status: str, by: int
    ) -> Any: ...

    def commit(
        self, services: S_contra, before: Any, after: Any, out: Owed, update_id: int | None
    ) -> None: ...

    def signed_off(self, out: Owed, report: Any, ref: dict[str, Any]) -> None: ...

    def codes(self, report: Any) -> tuple[str, ...]: ...

    def return_key(self, sop: Sop, report: Any, ref: dict[str, Any]) -> str: ...


def _unit(services: Deciding, person: Person) -> Unit:
    return services.roster.unit(person.unit)


def _decide(
    services: D,
    notices: Notices[D],
    decision: Decision,
    ref: dict[str, Any],
    update_id: int | None,
) -> Decision:
    out = notices(services, decision)
    if decision.verb == SIGN_ACT:
        decision.flow.signed_off(out, decision.after, ref)
    else:
        out.revoke_group(ref["group"])
    decision.flow.commit(services, decision.before, decision.after, out, update_id)
    return decision


def submit(
    services: D,
    notices: Notices[D],
    flow: Flow[D],
    person: Person,
    ref: dict[str, Any],
    update_id: int | None,
) -> Decision:
    """The maker submits the latest draft for paraf."""
    unit = _unit(services, person)
    before = flow.load(services, unit, ref)
    act = Act(SUBMIT, flow.kind.maker, int(ref["version"]))
    after = flow.apply(services, unit, before, act, person)
    return _decide(
        services, notices, Decision(SUBMIT, flow, person, unit, before, after), ref, update_id
    )


async def paraf(
    services: D,
    notices: Notices[D],
    flow: Flow[D],
    person: Person,
    ref: dict[str, Any],
    update_id: int | None,
) -> Decision:
    """The paraf: the initialled version is rendered and goes on to the signer."""
    unit = _unit(services, person)
    before = flow.load(services, unit, ref)
    decided = flow.apply(services, unit, before, Act(PARAF_ACT, PARAF, int(ref["version"])), person)
    after = await flow.render(services, unit, decided, "paraf", person.user_id)
    decision = Decision(PARAF_ACT, flow, person, unit, before, after)
    return _decide(services, notices, decision, ref, update_id)


async def sign(
    services: D,
    notices: Notices[D],
    flow: Flow[D],
    person: Person,
    ref: dict[str, Any],
    update_id: int | None,
) -> Decision:
    """The signature, after its confirming tap: the signed version is rendered and filed."""
    unit = _unit(services, person)
    before = flow.load(services, unit, ref)
    decided = flow.apply(services, unit, before, Act(SIGN_ACT, SIGN, int(ref["version"])), person)
    after = await flow.render(services, unit, decided, "signed", person.user_id)
    decision = Decision(SIGN_ACT, flow, person, unit, before, after)
    return _decide(services, notices, decision, ref, update_id)


def return_version(
    services: D,
    notices: Notices[D],
    flow: Flow[D],
    person: Person,
    ref: dict[str, Any],
    text: str,
    ticked: tuple[str, ...],
    update_id: int | None,
) -> Decision:
    """A return with the indicators it marks: ``text`` as typed (a line per marked code may
    give its own reason), ``ticked`` the codes ticked."""
    unit = _unit(services, person)
    before = flow.load(services, unit, ref)
    reason, marks = parse_marks(text, ticked, flow.codes(before))
    key = flow.return_key(services.sop_for(unit), before, ref)
    act = Act(RETURN, key, int(ref["version"]), reason, marks)
    after = flow.apply(services, unit, before, act, person)
    decision = Decision(RETURN, flow, person, unit, before, after)
    return _decide(services, notices, decision, ref, update_id)


class AnnualDrafts(Protocol[S_contra]):
    """The annual LKj's flow as far as its draft is concerned."""

    async def draft(
        self, services: S_contra, unit: Unit, year: int, existing: Any, by: Person
    ) -> Any: ...

    def commit(
        self, services: S_contra, before: Any, after: Any, out: Owed, update_id: int | None
    ) -> None: ...


async def compile_annual(
    services: A,
    notices: Notices[A],
    flow: AnnualDrafts[A],
    person: Person,
    year: int,
    update_id: int | None,
) -> Decision:
    """The maker compiles (again) the annual LKj's draft from the year's four signed
    quarters: rendered, recorded as a new draft version, and saved with its notice."""
    unit = _unit(services, person)
    existing = services.annual.get(unit.code, year)
    annual.quarters_ready(services.cycles.list_unit(unit.code, year), year)
    after = await flow.draft(services, unit, year, existing, person)
    decision = Decision(COMPILE, flow, person, unit, existing, after)
    flow.commit(services, existing, after, notices(services, decision), update_id)
    return decision
