"""The quarterly report as a kind of the approval flow (``handlers.approval``): loaded from
its cycle, changed by ``domain.workflow``, rendered by ``handlers.reports``, saved with
``commit``; its holders are those of the cycle's open step and their buttons come from
``handlers.steps``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.services import Services
from domain.approval import QUARTERLY
from domain.models import Cycle
from domain.reminders import holders_of
from domain.roster import Person, Unit
from domain.sop import Sop
from domain.workflow import Paraf, ReturnReport, Sign, SubmitReport, apply, authorize
from handlers import texts
from handlers.approval import Act, Actions, ReportFlow, register
from handlers.common import cycle_of
from handlers.outbox import Outbox, commit
from handlers.reports import build_report, report_filename
from handlers.texts import tw

ACTIONS = Actions(
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


class QuarterlyFlow(ReportFlow[Cycle]):
    kind = QUARTERLY
    actions = ACTIONS

    def name(self, report: Cycle) -> str:
        return texts.quarter_name(tw(report.triwulan, report.year))

    def title(self, report: Cycle) -> str:
        return texts.cap(texts.quarter_data_report(tw(report.triwulan, report.year)))

    def filename(self, report: Cycle, status: str) -> str:
        return report_filename(report, status)

    def load(self, context, unit: Unit, payload: dict) -> Cycle:
        return cycle_of(context, payload)

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

    async def save(self, context, before: Cycle, after: Cycle, out: Outbox, update_id):
        await commit(context, before, after, out, update_id)

    def args(self, report: Cycle, purpose: str) -> dict[str, Any]:
        latest = report.latest_report
        assert latest is not None
        which = f"{report.id}:submit:{latest.number}" if purpose == "submit" else None
        return {
            "cycle": report.id,
            "version": latest.number,
            "group": which or group(report, purpose),
        }

    def signed_off(self, out: Outbox, report: Cycle, payload: dict[str, Any]) -> None:
        """A signed quarter is filed: none of its buttons, nor a Mini App draft, is of use
        any more (the buttons are spent with the signature's write)."""
        out.revoke_cycle(report.id)
        out.services.drafts.clear_cycle(report.id)

    def offer(self, services: Services, unit: Unit, report: Cycle, person: Person):
        from handlers.steps import offer  # the step offers build on this module's buttons

        return offer(services, report, unit, person)

    def holders(self, services: Services, unit: Unit, report: Cycle) -> list[Person]:
        step = services.sop_for(unit).step(report.step)
        return [p for p in (unit.person(u) for u in holders_of(report, step, unit)) if p]

    def deadline(self, report: Cycle) -> datetime | None:
        return report.steps[-1].deadline if report.steps and not report.filed else None

    def codes(self, report: Cycle) -> tuple[str, ...]:
        return tuple(i.code for i in report.indicators)


QUARTER = QuarterlyFlow()
register(QUARTER)
