"""The approval flow in chat, one implementation for every kind of report.

Ajukan → Paraf or Kembalikan → Tandatangani (two taps) or Kembalikan: each verb below does
the load → apply → render → outbox → save of its act once. A ``ReportFlow`` per kind of
report (the quarterly report in ``handlers.quarterly``, the annual LKj in
``handlers.annual``) says how its report is loaded, changed by the domain, rendered and
saved, and what it is called; who is told are the holders of the SOP table's steps, and the
role names in every text come from that table.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from telegram.ext import ContextTypes

from app.services import Services
from domain import approval, records, segregation
from domain.approval import ReportKind, parse_marks
from domain.dates_id import format_datetime_id
from domain.errors import WorkflowError
from domain.roster import Person, Unit
from domain.sop import PARAF, SIGN, Sop
from handlers import texts, tte, tte_chat
from handlers.buttons import button_action
from handlers.common import (
    Button,
    SignButtons,
    drop_buttons,
    drop_buttons_of,
    show_sign_buttons,
    svc,
    unit_of,
)
from handlers.forms import IMPLIED_TOGGLES, begin_form, finisher, text_field
from handlers.outbox import Outbox
from handlers.texts import esc

Rows = list[list[Button]]
R = TypeVar("R")


@dataclass(frozen=True)
class Actions:
    """The names of a kind's buttons and return form (kept: issued tokens name them)."""

    submit: str
    paraf: str
    sign_ask: str
    sign_confirm: str
    sign_cancel: str
    return_begin: str
    return_form: str

    @property
    def sign_buttons(self) -> SignButtons:
        return SignButtons(self.sign_ask, self.sign_confirm, self.sign_cancel, self.return_begin)


@dataclass(frozen=True)
class Act:
    """One act of the flow on a report: ``verb`` is submit, paraf, sign or return; ``key``
    the activity of the step it is taken at."""

    verb: str
    key: str
    version: int
    reason: str = ""
    marks: tuple[tuple[str, str], ...] = ()


class ReportFlow(ABC, Generic[R]):
    """What one kind of report brings to the flow."""

    kind: ReportKind
    actions: Actions

    # --- names and files
    @abstractmethod
    def name(self, report: R) -> str:
        """Short name in a sentence: "laporan Triwulan III Tahun 2026", "LKj tahun 2026"."""

    @abstractmethod
    def title(self, report: R) -> str:
        """The document's title: "Laporan data kinerja Triwulan III Tahun 2026"."""

    @abstractmethod
    def filename(self, report: R, status: str) -> str: ...

    # --- state
    @abstractmethod
    def load(self, context: ContextTypes.DEFAULT_TYPE, unit: Unit, payload: dict) -> R: ...

    @abstractmethod
    def stage(self, sop: Sop, report: R) -> str | None:
        """The activity key of the step the report waits for (None when there is none)."""

    @abstractmethod
    def authorize(self, services: Services, unit: Unit, report: R, key: str, person: Person):
        """Refuse (DomainError) unless ``person`` may act at the step of ``key`` now."""

    @abstractmethod
    def apply(self, services: Services, unit: Unit, report: R, act: Act, person: Person) -> R:
        """The domain's answer to ``act`` (raises DomainError when refused)."""

    @abstractmethod
    async def render(
        self, services: Services, unit: Unit, report: R, status: str, by: int
    ) -> R: ...

    @abstractmethod
    async def save(
        self, context, before: R, after: R, out: Outbox, update_id: int | None
    ) -> None: ...

    @abstractmethod
    def args(self, report: R, purpose: str) -> dict[str, Any]:
        """What a button names: the report, its version and the group revoked together."""

    @abstractmethod
    def offer(self, services: Services, unit: Unit, report: R, person: Person) -> Rows:
        """The buttons ``person`` needs to act on the report now."""

    # --- defaults shared by the kinds
    def deadline(self, report: R) -> datetime | None:
        return None

    def codes(self, report: R) -> tuple[str, ...]:
        """Indicators a return may mark (none for a report made of other reports)."""
        return ()

    def holders(self, services: Services, unit: Unit, report: R) -> list[Person]:
        key = self.stage(services.sop_for(unit), report)
        return unit.acting(services.sop_for(unit).role_of(key)) if key else []

    def signed_off(self, out: Outbox, report: R, payload: dict[str, Any]) -> None:
        """Spend what the signature ends (by default the buttons of its offer)."""
        out.revoke_group(payload["group"])

    def makers(self, services: Services, unit: Unit) -> list[Person]:
        return unit.acting(services.sop_for(unit).role_of(self.kind.maker))


# --- buttons -------------------------------------------------------------------------------


def decision_rows(flow: ReportFlow, sop: Sop, key: str, args: dict[str, Any]) -> Rows:
    """Paraf / Kembalikan, or Tandatangani / Kembalikan, for the step of ``key``."""
    back = {"action": flow.actions.return_begin, "step": sop.by_key(key).number, **args}
    first = (
        (texts.BTN_PARAF, {"action": flow.actions.paraf, **args})
        if key == PARAF
        else (texts.BTN_SIGN, {"action": flow.actions.sign_ask, **args})
    )
    return [[first, (texts.BTN_RETURN, back)]]


def submit_rows(flow: ReportFlow, sop: Sop, report) -> Rows:
    """Ajukan for the latest draft, when it is still the one to submit."""
    if not approval.submittable(report):
        return []
    label = texts.btn_submit(sop.role_of(PARAF).label)
    return [[(label, {"action": flow.actions.submit, **flow.args(report, "submit")})]]


def _names(people: list[Person]) -> str:
    return ", ".join(texts.who(p) for p in people) or "-"


def _when(services: Services, unit: Unit, dt: datetime | None) -> str | None:
    return format_datetime_id(dt, services.calendar(unit).tz) if dt else None


# --- who is told ---------------------------------------------------------------------------


def _report_to_holders(out: Outbox, flow: ReportFlow, report, unit: Unit, status, caption):
    """The report's PDF goes to each holder of the step it waits for, with its buttons."""
    latest = report.latest_report
    assert latest is not None
    for person in flow.holders(out.services, unit, report):
        rows = flow.offer(out.services, unit, report, person)
        out.file(
            person.user_id, latest.sha256, flow.filename(report, status), caption, rows or None
        )
    _copies(out, flow, report, unit, caption, latest.sha256, flow.filename(report, status))


def _copies(out: Outbox, flow: ReportFlow, report, unit: Unit, text: str, *document: str):
    """The holder represented by a stand-in at the step the report waits for gets a copy."""
    sop = out.services.sop_for(unit)
    key = flow.stage(sop, report)
    if key:
        out.copies(unit, sop.role_of(key), text, *document)


def tell_submitted(out: Outbox, flow: ReportFlow, report, unit: Unit, by: Person) -> None:
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


def tell_initialled(out: Outbox, flow: ReportFlow, report, unit: Unit, by: Person) -> None:
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


def tell_returned(out: Outbox, flow: ReportFlow, report, unit: Unit, by: Person) -> None:
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


def tell_signed(out: Outbox, flow: ReportFlow, report, unit: Unit, by: Person) -> None:
    """The signed PDF goes to everyone in the unit; the report is filed."""
    latest = report.latest_report
    sign = report.latest_decision("sign")
    assert latest is not None and sign is not None
    facts = records.decision_by(report.history, sign) or by  # "Plh. …" as recorded
    caption = texts.signed(flow.title(report), facts, _when(out.services, unit, sign.at) or "")
    for person in unit.people:
        out.file(person.user_id, latest.sha256, flow.filename(report, "signed"), caption)


# --- the verbs -----------------------------------------------------------------------------


async def submit(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    before = flow.load(context, unit, payload)
    act = Act("submit", flow.kind.maker, int(payload["version"]))
    after = flow.apply(services, unit, before, act, person)
    out = Outbox(services)
    names = _names(flow.holders(services, unit, after))
    out.text(person.user_id, texts.submitted_done(flow.name(after), names))
    tell_submitted(out, flow, after, unit, person)
    out.revoke_group(payload["group"])
    await flow.save(context, before, after, out, update.update_id)
    await drop_buttons(update)  # after the write: if it fails, the buttons stay
    return texts.SUBMITTED_NOTICE


async def paraf(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    await record_paraf(flow, context, person, payload, update.update_id)
    await drop_buttons(update)
    return texts.PARAF_NOTICE


async def record_paraf(flow: ReportFlow, context, person: Person, payload: dict, update_id):
    """The paraf (a chat button, or the Mini App's review page): ``payload`` names the
    report, its ``version`` and the ``group`` of buttons it ends."""
    services = svc(context)
    unit = unit_of(services, person)
    before = flow.load(context, unit, payload)
    decided = flow.apply(
        services, unit, before, Act("paraf", PARAF, int(payload["version"])), person
    )
    after = await flow.render(services, unit, decided, "paraf", person.user_id)
    out = Outbox(services)
    names = _names(flow.holders(services, unit, after))
    out.text(person.user_id, texts.paraf_done(flow.name(after), names))
    tell_initialled(out, flow, after, unit, person)
    out.revoke_group(payload["group"])
    await flow.save(context, before, after, out, update_id)


def _sign_args(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in ("action", "user")}


async def sign_ask(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    """Signing takes two taps: the first only asks for confirmation."""
    services = svc(context)
    unit = unit_of(services, person)
    report = flow.load(context, unit, payload)
    flow.authorize(services, unit, report, SIGN, person)
    # refused at the first tap already: who made or initialled this version may not sign it
    segregation.check_act(services.sop_for(unit), report, SIGN, person, flow.kind.maker)
    args = {**_sign_args(payload), "step": services.sop_for(unit).by_key(SIGN).number}
    rows = flow.actions.sign_buttons
    await show_sign_buttons(update, context, person.user_id, rows, args, confirming=True)
    return texts.SIGN_CONFIRM_HINT


async def sign_cancel(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    rows = flow.actions.sign_buttons
    args = _sign_args(payload)
    await show_sign_buttons(update, context, person.user_id, rows, args, confirming=False)
    return texts.SIGN_CANCELLED


async def sign_confirm(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    if tte.wants_passphrase(svc(context)):  # a certified signature: the passphrase first
        return await tte_chat.ask_passphrase(flow, update, context, person, payload)
    await record_sign(flow, context, person, payload, update.update_id)
    await drop_buttons(update)
    return texts.SIGNED_NOTICE


async def record_sign(flow: ReportFlow, context, person: Person, payload: dict, update_id):
    """The signature, after its confirming tap (chat or the Mini App)."""
    services = svc(context)
    unit = unit_of(services, person)
    before = flow.load(context, unit, payload)
    decided = flow.apply(services, unit, before, Act("sign", SIGN, int(payload["version"])), person)
    after = await flow.render(services, unit, decided, "signed", person.user_id)
    out = Outbox(services)
    tell_signed(out, flow, after, unit, person)
    flow.signed_off(out, after, payload)
    await flow.save(context, before, after, out, update_id)


def _return_key(flow: ReportFlow, sop: Sop, report, payload: dict[str, Any]) -> str:
    """The step a return is taken at: the one its button was offered for (older annual
    buttons name none: the step the report waits for)."""
    if "step" in payload:
        return sop.step(int(payload["step"])).key
    key = flow.stage(sop, report)
    if key not in (PARAF, SIGN):
        raise WorkflowError(texts.BUTTON_STALE)
    return key


async def return_begin(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    report = flow.load(context, unit, payload)
    sop = services.sop_for(unit)
    key = _return_key(flow, sop, report, payload)
    flow.authorize(services, unit, report, key, person)
    codes = list(flow.codes(report))
    prompt = texts.RETURN_REASON_PROMPT + (texts.return_marks_hint(codes) if codes else "")
    toggles = (
        [
            {
                "name": "marks",
                "label": texts.LABEL_MARKS,
                "multi": True,
                "default": [],
                "options": [[code, code] for code in codes],
                "implied": "return_marks",
            }
        ]
        if codes
        else None
    )
    keep = {k: v for k, v in payload.items() if k not in ("action", "user")}
    await begin_form(
        context,
        person,
        flow.actions.return_form,
        [text_field("reason", texts.LABEL_RETURN_REASON, prompt)],
        texts.return_title(flow.name(report)),
        keep.get("cycle"),
        {
            **keep,
            "step": sop.by_key(key).number,
            "message_id": update.callback_query.message.message_id,
        },
        toggles=toggles,
    )
    return ""


def _marked_by_lines(values: dict[str, Any], codes: list[str]) -> list[str]:
    """The indicators a return's reason marks with a line of their own ("IKU-2: …")."""
    _, marks = parse_marks(values.get("reason") or "", (), tuple(codes))
    return [code for code, _ in marks]


IMPLIED_TOGGLES["return_marks"] = _marked_by_lines


async def finish_return(flow: ReportFlow, update, context, person: Person, session: dict):
    meta = session["meta"]
    values = session["values"]
    payload = {**meta, "cycle": session.get("cycle")}
    ticked = tuple(values.get("marks", ()))
    await record_return(flow, context, person, payload, values["reason"], ticked, update.update_id)
    await drop_buttons_of(context, person.user_id, meta["message_id"])


async def record_return(
    flow: ReportFlow,
    context,
    person: Person,
    meta: dict,
    text: str,
    ticked: tuple[str, ...],
    update_id: int | None,
) -> None:
    """A return with the indicators it marks (the chat's form, or the Mini App): ``text``
    as typed (a line per marked code may give its own reason), ``ticked`` the codes ticked."""
    services = svc(context)
    unit = unit_of(services, person)
    before = flow.load(context, unit, meta)
    reason, marks = parse_marks(text, ticked, flow.codes(before))
    key = _return_key(flow, services.sop_for(unit), before, meta)
    act = Act("return", key, int(meta["version"]), reason, marks)
    after = flow.apply(services, unit, before, act, person)
    out = Outbox(services)
    names = _names(flow.holders(services, unit, after))
    out.text(person.user_id, texts.returned_done(flow.name(after), names))
    tell_returned(out, flow, after, unit, person)
    out.revoke_group(meta["group"])
    await flow.save(context, before, after, out, update_id)


def register(flow: ReportFlow) -> None:
    """Register the kind's buttons and return form under its (stable) action names."""
    a = flow.actions

    def bind(verb):
        async def handler(update, context, person: Person, payload: dict[str, Any]):
            return await verb(flow, update, context, person, payload)

        return handler

    button_action(a.submit)(bind(submit))
    button_action(a.paraf)(bind(paraf))
    button_action(a.sign_ask)(bind(sign_ask))
    button_action(a.sign_cancel)(bind(sign_cancel))
    button_action(a.sign_confirm)(bind(sign_confirm))
    tte_chat.FLOWS[a.sign_confirm] = flow  # a signature resumed after its passphrase
    button_action(a.return_begin)(bind(return_begin))
    finisher(a.return_form)(bind(finish_return))


__all__ = ["Act", "Actions", "ReportFlow", "decision_rows", "register", "submit_rows", "esc"]
