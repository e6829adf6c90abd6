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
from dataclasses import replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from app import approval as use
from app.approval import Act
from app.services import Services
from app.unit_of_work import Owed
from domain import segregation
from domain.approval import ReportKind, parse_marks
from domain.errors import WorkflowError
from domain.roster import Person, Unit
from domain.sop import PARAF, SIGN, Sop
from handlers import texts, tte, tte_chat
from handlers.common import (
    Button,
    drop_buttons,
    drop_buttons_of,
    show_sign_buttons,
    svc,
    unit_of,
)
from handlers.forms import begin_form, text_field
from handlers.notices import notices
from handlers.offers import Actions
from handlers.outbox import deliver_to
from handlers.texts import esc

Rows = list[list[Button]]
R = TypeVar("R")


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
    def load(self, services: Services, unit: Unit, payload: dict) -> R: ...

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
    def commit(
        self, services: Services, before: R, after: R, out: Owed, update_id: int | None
    ) -> None:
        """Save the report with what it owes in one write (``app.unit_of_work``)."""

    @abstractmethod
    def queue(self, report: R) -> tuple[str, int, int]:
        """The outbox the report's messages wait in (``handlers.outbox.deliver_to``)."""

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

    def signed_off(self, out: Owed, report: R, payload: dict[str, Any]) -> None:
        """Spend what the signature ends (by default the buttons of its offer)."""
        out.revoke_group(payload["group"])

    def makers(self, services: Services, unit: Unit) -> list[Person]:
        return unit.acting(services.sop_for(unit).role_of(self.kind.maker))

    def return_key(self, sop: Sop, report: R, payload: dict[str, Any]) -> str:
        """The step a return is taken at: the one its button was offered for (older annual
        buttons name none: the step the report waits for)."""
        if "step" in payload:
            return sop.step(int(payload["step"])).key
        key = self.stage(sop, report)
        if key not in (PARAF, SIGN):
            raise WorkflowError(texts.BUTTON_STALE)
        return key

    async def deliver(self, context, report: R) -> None:
        """Send what the report's change owes (after its write)."""
        await deliver_to(context.bot, svc(context), *self.queue(report))


# --- the verbs -----------------------------------------------------------------------------


async def submit(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    decision = use.submit(svc(context), notices, flow, person, payload, update.update_id)
    await flow.deliver(context, decision.after)
    await drop_buttons(update)  # after the write: if it fails, the buttons stay
    return texts.SUBMITTED_NOTICE


async def paraf(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    if tte.paraf_signed(svc(context)) and tte.wants_passphrase(svc(context)):
        # LKJ_TTE_PARAF: the paraf giver's own certificate signs too; the passphrase first
        return await tte_chat.ask_passphrase(flow, update, context, person, payload, PARAF)
    decision = await use.paraf(svc(context), notices, flow, person, payload, update.update_id)
    await flow.deliver(context, decision.after)
    await drop_buttons(update)
    return texts.PARAF_NOTICE


def _sign_args(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in ("action", "user")}


async def sign_ask(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    """Signing takes two taps: the first only asks for confirmation."""
    services = svc(context)
    unit = unit_of(services, person)
    report = flow.load(services, unit, payload)
    flow.authorize(services, unit, report, SIGN, person)
    # refused at the first tap already: who made or initialled this version may not sign it
    segregation.check_act(services.sop_for(unit), report, SIGN, person, flow.kind.maker)
    args = {**_sign_args(payload), "step": services.sop_for(unit).by_key(SIGN).number}
    rows = flow.actions.sign_buttons
    page = tte.sign_page(services, args)
    if page is not None:  # the passphrase is typed in the Mini App, never in the chat
        rows = replace(rows, page=page)
    await show_sign_buttons(update, context, person.user_id, rows, args, confirming=True)
    return texts.TTE_SIGN_ON_PAGE_HINT if page else texts.SIGN_CONFIRM_HINT


async def sign_cancel(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    rows = flow.actions.sign_buttons
    args = _sign_args(payload)
    await show_sign_buttons(update, context, person.user_id, rows, args, confirming=False)
    return texts.SIGN_CANCELLED


async def sign_confirm(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    if tte.wants_passphrase(svc(context)):  # a certified signature: the passphrase first
        return await tte_chat.ask_passphrase(flow, update, context, person, payload)
    decision = await use.sign(svc(context), notices, flow, person, payload, update.update_id)
    await flow.deliver(context, decision.after)
    await drop_buttons(update)
    return texts.SIGNED_NOTICE


async def return_begin(flow: ReportFlow, update, context, person: Person, payload: dict) -> str:
    services = svc(context)
    unit = unit_of(services, person)
    report = flow.load(services, unit, payload)
    sop = services.sop_for(unit)
    key = flow.return_key(sop, report, payload)
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


def marked_by_lines(values: dict[str, Any], codes: list[str]) -> list[str]:
    """The indicators a return's reason marks with a line of their own ("IKU-2: …")."""
    _, marks = parse_marks(values.get("reason") or "", (), tuple(codes))
    return [code for code, _ in marks]


async def finish_return(flow: ReportFlow, update, context, person: Person, session: dict):
    meta = session["meta"]
    values = session["values"]
    payload = {**meta, "cycle": session.get("cycle")}
    ticked = tuple(values.get("marks", ()))
    decision = use.return_version(
        svc(context), notices, flow, person, payload, values["reason"], ticked, update.update_id
    )
    await flow.deliver(context, decision.after)
    await drop_buttons_of(context, person.user_id, meta["message_id"])


def bound(flow: ReportFlow, verb):
    """``verb`` (submit, paraf, …, finish_return) acting on the kind's reports: the handler its
    button or return form names in handlers/routes.py."""

    async def handler(update, context, person: Person, data: dict[str, Any]):
        return await verb(flow, update, context, person, data)

    return handler


__all__ = ["ReportFlow", "bound", "esc"]
