"""The approval block of every report (``templates/_approval.html``) and its returns
(``templates/_revisions.html``), from the decisions recorded on the report: the quarterly
report and the annual LKj fill it the same way.

Who initials and who signs is the SOP table's (the holders of its PARAF and SIGN steps); a
decision names the official who took it, so the block shows them even after the roster
changed its holder.
"""

from __future__ import annotations

from typing import Any

from domain import records
from domain.approval import Approvable
from domain.calendar import WorkCalendar
from domain.dates_id import format_date_id, format_datetime_id
from domain.models import Decision
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import PARAF, SIGN, Sop
from domain.standins import StandIn, capacity, in_force


def _official(person: Person, period: StandIn | None = None) -> dict[str, Any]:
    """Name, NIP and jabatan; a stand-in's jabatan is the post's, with "Plh."/"Plt." before
    it (``capacity``), above their own name and NIP."""
    return {
        "name": person.name,
        "nip": person.nip,
        "position": period.post if period else person.position,
        "capacity": period.kind if period else "",
    }


def _recorded(report: Any, decision: Decision) -> dict[str, Any] | None:
    """The official of a decision as recorded with it (None for an old record)."""
    facts = records.decision_by(getattr(report, "history", ()), decision)
    if facts is None:
        return None
    return {
        "name": facts.name,
        "nip": facts.nip,
        "position": facts.post if facts.capacity else facts.position,
        "capacity": facts.capacity,
    }


def _acting(unit: Unit, role: Role) -> tuple[Person, StandIn | None]:
    """Who acts for ``role`` in the unit's view (with their appointment, if a stand-in)."""
    period = in_force(unit, role, unit.at) if unit.at else None
    person = unit.member(period.acting) if period else None
    return (person, period) if person else (unit.one(role), None)


def approval_context(
    report: Approvable | None, unit: Unit, sop: Sop, calendar: WorkCalendar, status: str
) -> dict[str, Any]:
    """``paraf`` (once initialled), ``signature`` (once signed), the expected ``signer`` and
    the paraf box's title, for ``status`` draft, paraf or signed. A decision taken by a
    stand-in shows the capacity it was taken in (from the appointments on record, at the
    decision's time), however late the document is rendered."""
    tz = calendar.tz
    paraf_role, sign_role = sop.role_of(PARAF), sop.role_of(SIGN)
    initials, signer = _acting(unit, paraf_role), _acting(unit, sign_role)
    paraf = signature = None
    decided = report.latest_decision("paraf") if report and status in ("paraf", "signed") else None
    if decided is not None:
        who = unit.person(decided.by)
        paraf = {
            **(
                _recorded(report, decided)
                or (
                    _official(who, capacity(unit, decided.by, paraf_role, decided.at))
                    if who
                    else _official(*initials)
                )
            ),
            "at": format_datetime_id(decided.at, tz),
        }
    signed = report.latest_decision("sign") if report and status == "signed" else None
    if signed is not None:
        who = unit.person(signed.by)
        signature = {
            **(
                _recorded(report, signed)
                or (
                    _official(who, capacity(unit, signed.by, sign_role, signed.at))
                    if who
                    else _official(*signer)
                )
            ),
            "place": unit.city,
            "date": format_date_id(calendar.to_local(signed.at).date()),
            "at": format_datetime_id(signed.at, tz),
        }
    return {
        "paraf": paraf,
        "signature": signature,
        "signer": {**_official(*signer), "place": unit.city},
        "paraf_label": unit.role_label(paraf_role),
    }


def revisions(report: Any, unit: Unit, calendar: WorkCalendar) -> list[dict[str, Any]]:
    """Every return of the report: who, when, on which draft, why, which indicators."""
    out = []
    for d in report.decisions if report is not None else ():
        if d.kind != "return":
            continue
        who = unit.person(d.by)
        facts = records.decision_by(report.history, d)
        out.append(
            {
                "by_name": facts.name if facts else who.name if who else str(d.by),
                "by_position": facts.title if facts else who.position if who else "",
                "at": format_datetime_id(d.at, calendar.tz),
                "reason": d.reason,
                "version": d.report_version,
                "marks": [{"code": code, "reason": why} for code, why in d.marks],
            }
        )
    return out
