"""Use cases of the stand-ins (Plh/Plt): appoint one for a post and a range of days, end or
cancel one early, and end those of someone who leaves the unit. Telegram-free: the chat's
/plh and the mutasi call these.

The rules (who may appoint, which stand-in, which days, Plh or Plt) are ``domain.standins``;
an appointment is one atomic write of the stand-ins' store (``state/standins.json``), laid
over the roster at once, and its audit line follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.audit import record
from app.services import StandInStore
from domain import standins
from domain.errors import InputError
from domain.roles import Role
from domain.roster import Person, Unit
from domain.standins import StandIn

APPOINTED = "plh_tunjuk"
ENDED = "plh_akhiri"
CANCELLED = "plh_batal"


@dataclass(frozen=True)
class Appointed:
    """An appointment made: the unit as it acts with it, the officials, and the range's
    working days and holidays (for the channel's wording)."""

    period: StandIn
    unit: Unit
    acting: Person | None
    holder: Person | None
    working_days: int
    holidays: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class Ended:
    """An appointment ended early (``ended.cancelled``: it had not begun)."""

    before: StandIn
    ended: StandIn
    unit: Unit


def _detail(period: StandIn) -> dict:
    return {
        "penunjukan": period.id,
        "sebagai": period.kind,
        "jabatan": period.role.value,
        "pelaksana": period.acting,
        "pemegang": period.holder,
    }


def appoint_standin(
    services: StandInStore,
    person: Person,
    role: Role,
    acting: int,
    first: date,
    last: date,
    update_id: int | None,
) -> Appointed:
    """``person`` appoints ``acting`` as Plh/Plt of ``role`` from ``first`` to ``last``
    (checked by the domain: the manager, nobody appoints themselves, the range, the SOP
    table's segregation of duties); saved, applied at once and audited."""
    services.refresh_roster()
    unit = services.roster.unit(person.unit)
    period = standins.appoint(
        unit, role, acting, first, last, person, services.now(), sop=services.sop_for(unit)
    )
    unit = services.save_standin(period)
    detail = {**_detail(period), "mulai": first.isoformat(), "sampai": last.isoformat()}
    record(services, unit.code, person.user_id, person.role.value, APPOINTED, update_id, detail)
    calendar = services.calendar(unit)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    working = sum(calendar.is_working_day(d) for d in days)
    holder = unit.person(period.holder) if period.holder is not None else None
    return Appointed(
        period,
        unit,
        unit.person(period.acting),
        holder,
        working,
        tuple(calendar.holidays_between(first, last)),
    )


def end_standin(
    services: StandInStore, person: Person, standin_id: str, update_id: int | None, gone: str
) -> Ended:
    """``person`` ends the appointment ``standin_id`` now (cancels it when not begun);
    ``gone``: the refusal when it is not in the unit (worded by the channel)."""
    unit = services.roster.unit(person.unit)
    period = next((p for p in unit.standins if p.id == standin_id), None)
    if period is None:
        raise InputError(gone)
    ended = standins.end_early(unit, period, person, services.now())
    unit = services.save_standin(ended)
    action = CANCELLED if ended.cancelled else ENDED
    record(
        services, unit.code, person.user_id, person.role.value, action, update_id, _detail(period)
    )
    return Ended(period, ended, unit)


def end_for_departure(
    services: StandInStore, before: Unit, former: Person, by: Person
) -> list[tuple[StandIn, Unit]]:
    """Someone left the unit: their appointments, as the stand-in or as the holder
    represented, end now or are cancelled when not begun; each is saved, its moments marked
    announced (the channel tells the officials, not the tick) and audited. Returns each
    appointment ended with the unit as it acts after it."""
    now = services.now()
    done = []
    for period in standins.on_departure(before, former.user_id, by.user_id, now):
        unit = services.save_standin(period)
        year = services.calendar(unit).to_local(period.start).year
        for moment in ("mulai", "selesai"):  # announced by the channel, not by the tick
            key = f"{period.id}|{moment}"
            if not services.notices.was_sent(unit.code, year, key):
                services.notices.mark_sent(unit.code, year, key, now.isoformat())
        action = CANCELLED if period.cancelled else ENDED
        detail = {**_detail(period), "alasan": "mutasi", "keluar": former.user_id}
        record(services, unit.code, by.user_id, by.role.value, action, None, detail)
        done.append((period, unit))
    return done
