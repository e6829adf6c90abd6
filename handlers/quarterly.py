"""The quarterly report as a kind of the approval flow (``handlers.approval``): loaded from
its cycle, changed by ``domain.workflow``, rendered by ``handlers.reports``, saved with
``commit``; its holders are those of the cycle's open step and their buttons come from
``handlers.steps``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app import unit_of_work
from app.approval import Act
from app.services import Services
from app.unit_of_work import Owed
from domain.approval import QUARTERLY
from domain.models import Cycle
from domain.reminders import holders_of
from domain.roster import Person, Unit
from domain.sop import Sop
from domain.workflow import Paraf, ReturnReport, Sign, SubmitReport, apply, authorize
from handlers import texts
from handlers.approval import ReportFlow
from handlers.common import cycle_named
from handlers.offers import QUARTER_ACTIONS, QUARTER_OFFERS, report_filename
from handlers.reports import build_report
from handlers.steps import offer
from handlers.texts import tw


class QuarterlyFlow(ReportFlow[Cycle]):
    kind = QUARTERLY
    actions = QUARTER_ACTIONS

    def name(self, report: Cycle) -> str:
        return texts.quarter_name(tw(report.triwulan, report.year))

    def title(self, report: Cycle) -> str:
        return texts.cap(texts.quarter_data_report(tw(report.triwulan, report.year)))

    def filename(self, report: Cycle, status: str) -> str:
        return report_filename(report, status)

    def load(self, services: Services, unit: Unit, payload: dict) -> Cycle:
        return cycle_named(services, payload)

    def stage(self, sop: Sop, report: Cycle) -> str | None:
        return None if report.filed else sop.step(report.step).key

    def authorize(self, services: Services, unit: Unit, report: Cycle, key: str, person: Person):
        authorize(services.context(unit), report, key, person)

    def apply(self, services: Services, unit: Unit, report: Cycle, act: Act, person: Person):
        ctx = services.context(unit)
        action: SubmitReport | Paraf | Sign | ReturnReport
        if act.verb == "submit":
            action = SubmitReport(act.version)
        elif act.verb == "paraf":
            action = Paraf(act.version)
        elif act.verb == "sign":
            action = Sign(act.version)
        else:
            step = ctx.sop.by_key(act.key).number
            action = ReturnReport(act.version, act.reason, step, act.marks)
        return apply(report, action, person, services.now(), ctx).cycle

    async def render(self, services: Services, unit: Unit, report: Cycle, status: str, by: int):
        return await build_report(services, report, unit, status, by)

    def commit(self, services: Services, before: Cycle, after: Cycle, out: Owed, update_id):
        unit_of_work.commit(services, before, after, out, update_id)

    def queue(self, report: Cycle) -> tuple[str, int, int]:
        return report.unit, report.year, report.triwulan

    def args(self, report: Cycle, purpose: str) -> dict[str, Any]:
        return QUARTER_OFFERS.args(report, purpose)

    def signed_off(self, out: Owed, report: Cycle, payload: dict[str, Any]) -> None:
        """A signed quarter is filed: none of its buttons, nor a Mini App draft, is of use
        any more (the buttons are spent with the signature's write)."""
        out.revoke_cycle(report.id)
        out.services.drafts.clear_cycle(report.id)

    def offer(self, services: Services, unit: Unit, report: Cycle, person: Person):
        return offer(services, report, unit, person)

    def holders(self, services: Services, unit: Unit, report: Cycle) -> list[Person]:
        step = services.sop_for(unit).step(report.step)
        return [p for p in (unit.person(u) for u in holders_of(report, step, unit)) if p]

    def deadline(self, report: Cycle) -> datetime | None:
        return report.steps[-1].deadline if report.steps and not report.filed else None

    def codes(self, report: Cycle) -> tuple[str, ...]:
        return tuple(i.code for i in report.indicators)


QUARTER = QuarterlyFlow()
