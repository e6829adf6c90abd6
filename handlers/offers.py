"""The buttons that offer an act on a report (below the flows, so the step offers and the
notices can build them without importing the flows): the action names of each kind of
report, and the rows of Ajukan, Paraf / Kembalikan and Tandatangani / Kembalikan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from app.services import Services
from domain import annual, approval
from domain.annual import AnnualReport
from domain.dates_id import roman_triwulan
from domain.models import Cycle
from domain.roster import Person, Unit
from domain.sop import PARAF, SIGN, Sop
from handlers import texts
from handlers.common import Button, SignButtons

Rows = list[list[Button]]


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


class Offered(Protocol):
    """What the rows need of a kind of report: its action names and a button's arguments."""

    actions: Actions

    def args(self, report: Any, purpose: str) -> dict[str, Any]: ...


def decision_rows(flow: Offered, sop: Sop, key: str, args: dict[str, Any]) -> Rows:
    """Paraf / Kembalikan, or Tandatangani / Kembalikan, for the step of ``key``."""
    back = {"action": flow.actions.return_begin, "step": sop.by_key(key).number, **args}
    first = (
        (texts.BTN_PARAF, {"action": flow.actions.paraf, **args})
        if key == PARAF
        else (texts.BTN_SIGN, {"action": flow.actions.sign_ask, **args})
    )
    return [[first, (texts.BTN_RETURN, back)]]


def submit_rows(flow: Offered, sop: Sop, report, unit: Unit) -> Rows:
    """Ajukan for the latest draft, when it is still the one to submit."""
    if not approval.submittable(report):
        return []
    label = texts.btn_submit(unit.role_label(sop.role_of(PARAF)))
    return [[(label, {"action": flow.actions.submit, **flow.args(report, "submit")})]]


# --- the quarterly report's ------------------------------------------------------------------

QUARTER_ACTIONS = Actions(
    submit="submit",
    paraf="paraf",
    sign_ask="sign_ask",
    sign_confirm="sign_confirm",
    sign_cancel="sign_cancel",
    return_begin="return_begin",
    return_form="return",
)


def group(cycle: Cycle, what: str) -> str:
    """Buttons of one offer share a group, revoked together when the step is acted on."""
    return f"{cycle.id}:{what}:{cycle.rev}"


STATUS_SUFFIX = {"draft": "DRAF", "paraf": "PARAF", "signed": "DITANDATANGANI"}


def report_filename(cycle: Cycle, status: str) -> str:
    """e.g. LKj_TW-III_2026_DRAF_v2.pdf: drafts carry their version, the others are unique."""
    base = f"LKj_TW-{roman_triwulan(cycle.triwulan)}_{cycle.year}_{STATUS_SUFFIX[status]}"
    latest = cycle.latest_report
    if status == "draft" and latest is not None:
        base += f"_v{latest.number}"
    return f"{base}.pdf"


class QuarterOffers:
    """The quarterly report's buttons (``handlers.quarterly.QuarterlyFlow`` acts on them)."""

    actions = QUARTER_ACTIONS

    def args(self, report: Cycle, purpose: str) -> dict[str, Any]:
        latest = report.latest_report
        assert latest is not None
        which = f"{report.id}:submit:{latest.number}" if purpose == "submit" else None
        return {
            "cycle": report.id,
            "version": latest.number,
            "group": which or group(report, purpose),
        }


QUARTER_OFFERS = QuarterOffers()


# --- the annual LKj's -------------------------------------------------------------------------

ANNUAL_ACTIONS = Actions(
    submit="annual_submit",
    paraf="annual_paraf",
    sign_ask="annual_sign_ask",
    sign_confirm="annual_sign",
    sign_cancel="annual_sign_cancel",
    return_begin="annual_return_begin",
    return_form="annual_return",
)


def annual_filename(report: AnnualReport, status: str) -> str:
    suffix = {"draft": "DRAF", "paraf": "PARAF", "signed": "DITANDATANGANI"}[status]
    latest = report.latest_report
    version = f"_v{latest.number}" if status == "draft" and latest else ""
    return f"LKj_Tahunan_{report.year}_{suffix}{version}.pdf"


class AnnualOffers:
    """The annual LKj's buttons and names (``handlers.annual.AnnualFlow`` acts on them; the
    task list offers them without the flow)."""

    actions = ANNUAL_ACTIONS

    def title(self, report: AnnualReport) -> str:
        return texts.annual_title(report.year)

    def filename(self, report: AnnualReport, status: str) -> str:
        return annual_filename(report, status)

    def args(self, report: AnnualReport, purpose: str) -> dict[str, Any]:
        latest = report.latest_report
        assert latest is not None
        return {"year": report.year, "version": latest.number, "group": f"{report.id}:{report.rev}"}

    def holders(self, services: Services, unit: Unit, report: AnnualReport) -> list[Person]:
        key = annual.stage(report)
        return unit.acting(services.sop_for(unit).role_of(key)) if key else []

    def offer(self, services: Services, unit: Unit, report: AnnualReport, person: Person) -> Rows:
        sop = services.sop_for(unit)
        key = annual.stage(report)
        holders = {p.user_id for p in self.holders(services, unit, report)}
        if key is None or person.user_id not in holders:
            return []
        if key in (PARAF, SIGN):
            return decision_rows(self, sop, key, self.args(report, "decide"))
        rows = submit_rows(self, sop, report, unit)
        compile_again = {"action": "annual_compile", "year": report.year}
        return rows or [[(texts.BTN_REBUILD_DRAFT, compile_again)]]


ANNUAL_OFFERS = AnnualOffers()
