"""The evaluators' page (issue 22 item 2): the pemda's units as a table and a chart, in the
Mini App and at a signed link for a desktop browser.

:func:`page_data` is the page's JSON: :func:`app.pemda.overview` as plain values (dates in
ISO and as the reports write them, each unit's step out of its SOP table's steps), the state
counts and the steps the filter offers. The page words the states itself.

A desktop browser has no Telegram ``initData``, so the same page opens with a signed link:
``pantau.html?tautan=<user id>.<expiry>.<MAC>``, the MAC an HMAC-SHA-256 under the server's
link key (``LKJ_LINK_KEY``) over the evaluator's id and the expiry (``LKJ_LINK_DAYS`` after
it was made). Nothing is stored: any worker with the key checks a link on its own, and a
link stops working when it expires, when the key changes, or when its evaluator leaves the
roster (:func:`evaluator_by_link` looks the evaluator up on every call).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any, Protocol

from app.pemda import STATES, PemdaView, UnitRow, evaluator_of, overview
from app.services import Settings
from domain.dates_id import format_date_id, format_datetime_id, format_time_id
from domain.pemda import Evaluator

#: The years the page offers: this one and the ones before (January reports Q4 of last year).
YEARS_BACK = 2
MAC_BYTES = 16  # 128 bits: a link is used many times, so no guessing
#: Why a link is refused (the channel words it).
TAMPERED = "tampered"
EXPIRED = "expired"


class LinkRefused(Exception):
    """A link that does not prove who it was made for; ``reason`` is TAMPERED or EXPIRED."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PageView(PemdaView, Protocol):
    """What the page needs: the pemda's view and the settings (link key, page address)."""

    @property
    def settings(self) -> Settings: ...


def _mac(key: bytes, user_id: int, expires: int) -> str:
    digest = hmac.new(key, f"pantau|{user_id}|{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:MAC_BYTES]).decode().rstrip("=")


def sign_link(key: bytes, user_id: int, expires: datetime) -> str:
    """The token of a link for evaluator ``user_id``, valid until ``expires``."""
    stamp = int(expires.timestamp())
    return f"{user_id}.{stamp}.{_mac(key, user_id, stamp)}"


def read_link(key: bytes, token: str, now: datetime) -> int:
    """The evaluator id a link's token was made for; LinkRefused when it was altered or
    has expired."""
    try:
        user_text, stamp_text, mac = token.split(".")
        user_id, stamp = int(user_text), int(stamp_text)
    except ValueError as exc:
        raise LinkRefused(TAMPERED) from exc
    if not hmac.compare_digest(_mac(key, user_id, stamp).encode(), mac.encode()):
        raise LinkRefused(TAMPERED)
    if now.timestamp() > stamp:
        raise LinkRefused(EXPIRED)
    return user_id


def desktop_link(services: PageView, evaluator: Evaluator) -> tuple[str, datetime] | None:
    """A signed link to the evaluator's page for a desktop browser and when it expires
    (``LKJ_LINK_DAYS`` from now); None when the Mini App's address is not configured."""
    settings = services.settings
    expires = services.now() + timedelta(days=settings.lkj_link_days)
    url = settings.evaluator_page(sign_link(settings.link_key, evaluator.user_id, expires))
    return (url, expires) if url else None


def evaluator_by_link(services: PageView, token: str) -> Evaluator:
    """The evaluator a link names (LinkRefused; RoleError when no longer an evaluator)."""
    user_id = read_link(services.settings.link_key, token, services.now())
    return evaluator_of(services, user_id)


def years(services: PageView) -> list[int]:
    """The years the page offers, newest first."""
    now = services.now().year
    return [now - back for back in range(YEARS_BACK + 1)]


def page_data(services: PageView, evaluator: Evaluator, year: int | None = None) -> dict:
    """The page's JSON for ``evaluator``: their pemda's units in ``year`` (one of
    :func:`years`; default this year), worst first."""
    offered = years(services)
    view = overview(services, evaluator.pemda, year if year in offered else offered[0])
    steps: dict[int, str] = {}
    rows = []
    for row in view.rows:
        total = 0
        if row.step is not None:
            sop = services.sop_for(row.unit)
            total = len(sop.steps)
            for step in sop.steps:
                steps.setdefault(step.number, step.activity)
        rows.append(_row(row, total))
    return {
        "pemda": view.government.line,
        "evaluator": {"name": evaluator.name, "body": evaluator.body_label},
        "year": view.year,
        "years": offered,
        "at": format_datetime_id(view.at),
        "counts": {state: view.count(state) for state in STATES},
        "steps": [{"number": n, "activity": steps[n]} for n in sorted(steps)],
        "units": rows,
    }


def _when(at: datetime | None) -> dict[str, str] | None:
    if at is None:
        return None
    label = f"{format_date_id(at.date())} {format_time_id(at)}"
    return {"iso": at.isoformat(), "label": label}


def _row(row: UnitRow, steps_total: int) -> dict[str, Any]:
    return {
        "unit": row.unit,
        "name": row.name,
        "state": row.state,
        "triwulan": row.triwulan,
        "step": row.step,
        "steps_total": steps_total,
        "activity": row.activity,
        "role": row.role_label,
        "holders": list(row.holders),
        "since": _when(row.since),
        "deadline": _when(row.deadline),
        "overdue_days": row.overdue_days,
        "overdue_minutes": row.overdue_minutes,
        "office_day_minutes": row.office_day_minutes,
        "capaian": row.capaian,
        "reported": row.reported,
        "indicators": row.indicators,
        "at_risk_indicators": row.at_risk_indicators,
        "signed": row.signed,
        "sasaran": [
            {
                "sasaran": s.sasaran,
                "capaian": s.capaian,
                "reported": s.reported,
                "indicators": s.indicators,
            }
            for s in row.sasaran
        ],  # fmt: skip
        # SOP compliance over the year's passes: those judged (finished, or open past their
        # deadline) and of them past their deadline.
        "steps_done": row.on_time + row.over_time,
        "steps_late": row.over_time,
        "quarters": [
            {"triwulan": q.triwulan, "step": q.step, "signed": q.signed, "filed": q.filed}
            for q in row.quarters
        ],
    }
