"""What the holder of each SOP step is offered, by the step's activity key.

The task message of a step, ``/status``, ``/start`` and a cancelled form all ask this one
table, so whoever holds a step can always get its action again, and who that is comes only
from the unit's SOP table (``holders_of``), never from a role named here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.services import Services
from domain.models import Cycle
from domain.reminders import holders_of
from domain.roster import Person, Unit
from domain.sop import ASSEMBLE, COLLECT, DIVIDE, FORWARD, PARAF, SIGN, Sop
from domain.workflow import pending_marks
from handlers import texts
from handlers.common import WEB_APP, Button
from handlers.offers import QUARTER_OFFERS, decision_rows, group
from handlers.offers import submit_rows as report_submit_rows
from handlers.views import fill_buttons, review_button

Rows = list[list[Button]]


def next_role_label(sop: Sop, key: str, unit: Unit) -> str:
    """The role that receives what the step of ``key`` hands on, as the unit names it (for
    button labels: a Dinas's Kepala Dinas)."""
    nxt = sop.by_key(key).next
    return unit.role_label(sop.step(nxt).role) if nxt is not None else ""


def _forward(sop: Sop, cycle: Cycle, person: Person, unit: Unit) -> Rows:
    label = texts.btn_forward(next_role_label(sop, FORWARD, unit))
    args = {"cycle": cycle.id, "group": group(cycle, "forward_begin")}
    return [[(label, {"action": "forward_begin", **args})]]


def _divide(sop: Sop, cycle: Cycle, person: Person, unit: Unit) -> Rows:
    args = {"cycle": cycle.id, "group": group(cycle, "divide_begin")}
    return [[(texts.BTN_DIVIDE, {"action": "divide_begin", **args})]]


def _collect(sop: Sop, cycle: Cycle, person: Person, unit: Unit) -> Rows:
    return fill_buttons(cycle, person)


def submit_rows(sop: Sop, cycle: Cycle, unit: Unit) -> Rows:
    """Ajukan for the latest draft, when it is still the one to submit."""
    return report_submit_rows(QUARTER_OFFERS, sop, cycle, unit)


def _assemble(sop: Sop, cycle: Cycle, person: Person, unit: Unit) -> Rows:
    returned = cycle.latest_decision("return") is not None
    label = texts.BTN_REBUILD_DRAFT if returned else texts.BTN_BUILD_DRAFT
    rows: Rows = [
        [(label, {"action": "draft_build", "cycle": cycle.id, "group": group(cycle, "draft")})]
    ]
    rows += submit_rows(sop, cycle, unit)
    marks = pending_marks(cycle)
    if marks:
        args = {"cycle": cycle.id, "group": group(cycle, "fix_marked")}
        rows.append([(texts.btn_send_back(len(marks)), {"action": "fix_marked", **args})])
    if cycle.indicators:
        rows.append([review_button(cycle)])
    return rows


def decision_args(cycle: Cycle) -> dict[str, Any]:
    return QUARTER_OFFERS.args(cycle, "decide")


def _paraf(sop: Sop, cycle: Cycle, person: Person, unit: Unit) -> Rows:
    return decision_rows(QUARTER_OFFERS, sop, PARAF, decision_args(cycle))


def _sign(sop: Sop, cycle: Cycle, person: Person, unit: Unit) -> Rows:
    return decision_rows(QUARTER_OFFERS, sop, SIGN, decision_args(cycle))


OFFERS: dict[str, Callable[[Sop, Cycle, Person, Unit], Rows]] = {
    FORWARD: _forward,
    DIVIDE: _divide,
    COLLECT: _collect,
    ASSEMBLE: _assemble,
    PARAF: _paraf,
    SIGN: _sign,
}

# Steps whose action is taken on a document (the report): the offer rides on the PDF.
ON_DOCUMENT = (PARAF, SIGN)


def holds(services: Services, cycle: Cycle, unit: Unit, person: Person) -> bool:
    """Whether ``person`` holds the cycle's open step (for the collection: has data missing
    or an indicator to correct)."""
    if cycle.filed:
        return False
    step = services.sop_for(unit).step(cycle.step)
    if step.key == COLLECT:
        assignment = cycle.assignment_of(person.user_id)
        return assignment is not None and bool(fill_buttons(cycle, person) or assignment.missing)
    return person.user_id in holders_of(cycle, step, unit)


def offer(services: Services, cycle: Cycle, unit: Unit, person: Person) -> Rows:
    """The buttons ``person`` needs to act on ``cycle`` now; empty if they hold nothing."""
    sop = services.sop_for(unit)
    step = sop.step(cycle.step)
    rows: Rows = []
    if holds(services, cycle, unit, person):
        make = OFFERS.get(step.key)
        rows = make(sop, cycle, person, unit) if make else []
        rows = webapp_rows(services, step.key, cycle, rows)
    elif (
        step.key == COLLECT
        and cycle.indicators
        and person.acts_as(sop.role_of(ASSEMBLE))
        and cycle.assignments
    ):
        # While the team collects, the one who will make the report may send data back.
        rows = [[review_button(cycle)]]
    return rows


# --- Mini App pages (only with LKJ_WEBAPP_URL): a web_app button beside the chat buttons ----

FORM_PAGE = "isi.html"
REVIEW_PAGE = "tinjau.html"
WEBAPP_PAGES = {
    COLLECT: (FORM_PAGE, texts.BTN_WEBAPP_FORM),
    ASSEMBLE: (REVIEW_PAGE, texts.BTN_WEBAPP_REVIEW),
    PARAF: (REVIEW_PAGE, texts.BTN_WEBAPP_REVIEW),
    SIGN: (REVIEW_PAGE, texts.BTN_WEBAPP_REVIEW),
}


def webapp_rows(services: Services, key: str, cycle: Cycle, rows: Rows) -> Rows:
    """The step's chat buttons with its Mini App page: the form first (it replaces the
    per-indicator buttons), the review after the decision buttons."""
    page = WEBAPP_PAGES.get(key)
    if page is None or not rows or not cycle.indicators:
        return rows
    if page[0] == REVIEW_PAGE and cycle.latest_report is None:
        return rows
    url = services.settings.webapp_page(page[0], cycle.id)
    if url is None:
        return rows
    button: Rows = [[(page[1], {WEB_APP: url})]]
    return button + rows if page[0] == FORM_PAGE else rows + button
