"""Stand-ins (Plh / Plt): who acts for a post, and when.

An official away (cuti, dinas luar) is represented by a *Pelaksana Harian* (Plh.) for a range
of days; a post without a holder is filled by a *Pelaksana Tugas* (Plt.). The kind is not
chosen: it follows the roster at the appointment (a held post gets a Plh., a vacant one a
Plt.), so it cannot contradict who holds the post. During the range the stand-in receives
and acts on the post's tasks and the holder only gets copies; the holder's own acts for the
post are refused (one official acts for a post at a time; a holder back early ends the range).

The periods are data kept on record; who acts for a role at a moment is derived from the
roster and the periods (``resolve``), and so is the capacity in which a past decision was
taken (``capacity``), so that a document rendered later still prints "Plh.".
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.dates_id import format_day_date_id
from domain.errors import InputError, RoleError
from domain.roles import Role
from domain.roster import Person, Unit
from domain.segregation import appointment_conflict
from domain.sop import Sop
from domain.standin_period import PLH, PLT, StandIn

#: Posts that take a stand-in: the single officials (a team member's tasks are their own).
POSTS = (Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG)
MAX_DAYS = 366
SELF_APPOINTED = (
    "Anda tidak dapat menunjuk diri sendiri sebagai Plh/Plt; penunjukan dilakukan oleh "
    "pemegang jabatan atau administrator satuan lainnya."
)


def in_force(unit: Unit, role: Role, at: datetime) -> StandIn | None:
    """The appointment that decides who acts for ``role`` at ``at``: it covers the moment, its
    stand-in is still a member, and a Plt.'s post is still vacant (a holder who joins ends it)."""
    for period in unit.standins:
        if period.role is not role or not period.covers(at) or unit.member(period.acting) is None:
            continue
        if period.holder is None and unit.with_role(role):
            continue
        if period.holder is not None and unit.member(period.holder) is None:
            continue  # the holder left: the post is theirs no more, nor their Plh's
        return period
    return None


def resolve(unit: Unit, at: datetime) -> Unit:
    """The unit as it acts at ``at``: each stand-in carries the roles they act for, each
    holder represented carries who acts for them (``Person.acting`` / ``Person.stood_in_by``)."""
    if not unit.standins:
        return unit
    acting: dict[int, list[Role]] = {}
    away: dict[int, str] = {}
    for role in POSTS:
        period = in_force(unit, role, at)
        if period is None:
            continue
        acting.setdefault(period.acting, []).append(role)
        stand_in = unit.member(period.acting)
        for holder in unit.with_role(role):
            away[holder.user_id] = stand_in.name if stand_in else ""
    people = tuple(
        replace(
            p,
            acting=tuple(acting.get(p.user_id, ())),
            stood_in_by=away.get(p.user_id, ""),
        )
        for p in unit.people
    )
    return replace(unit, people=people, at=at)


def boundaries(units: Iterable[Unit]) -> list[datetime]:
    """Every moment at which some unit's view changes (a range starts or ends)."""
    return sorted({m for u in units for p in u.standins for m in (p.start, p.until)})


def capacity(unit: Unit, user_id: int, role: Role, at: datetime) -> StandIn | None:
    """The appointment under which ``user_id`` acted for ``role`` at ``at``, if they acted as
    a stand-in (for documents and the audit: the record, not today's roster)."""
    for period in unit.standins:
        if period.acting == user_id and period.role is role and period.covers(at):
            return period
    return None


def acting_detail(unit: Unit, user_id: int, role: Role, at: datetime) -> dict[str, Any] | None:
    """For the audit line of an act: the post it was taken for and its holder, when the
    actor acted as a stand-in (both officials are on record)."""
    period = capacity(unit, user_id, role, at)
    if period is None:
        return None
    return {
        "sebagai": period.kind,
        "jabatan": period.role.value,
        "pemegang": period.holder,
        "penunjukan": period.id,
    }


def official_title(period: StandIn) -> str:
    """ "Plh. Kepala Satuan …" """
    return f"{period.kind} {period.post}"


def post_title(unit: Unit, role: Role) -> str:
    """The post's title as printed: the holder's jabatan, else the last holder's who left,
    else the role's name with the unit's."""
    for person in [*unit.with_role(role), *reversed(unit.former)]:
        if person.role is role and person.position:
            return person.position
    head = "Kepala" if role is Role.KASAT else role.label
    return f"{head} {unit.name}"


def day_bounds(first: date, last: date, tz: str) -> tuple[datetime, datetime]:
    """Midnight of ``first`` and midnight after ``last`` in the unit's zone."""
    zone = ZoneInfo(tz)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return start, end


def check_manager(unit: Unit, by: Person, role: Role) -> None:
    """The unit administrator appoints for any post; an official for their own post."""
    if unit.is_admin(by) or (by.role is role and by.role in POSTS):
        return
    raise RoleError(
        f"Penunjukan Plh/Plt {unit.role_label(role)} hanya dapat dilakukan oleh "
        f"{unit.role_label(role)} sendiri atau administrator unit kerja."
    )


def appoint(
    unit: Unit,
    role: Role,
    acting_id: int,
    first: date,
    last: date,
    by: Person,
    now: datetime,
    sop: Sop | None = None,
) -> StandIn:
    """A new appointment, checked: a post that takes a stand-in, a stand-in of the unit who
    is not the holder nor the one appointing, a range that ends after it starts, is not over
    and overlaps no other of the post; with the unit's ``sop``, one that would not let the
    stand-in do two activities the table separates (``domain.segregation``)."""
    if role not in POSTS:
        raise InputError(f"Jabatan {unit.role_label(role)} tidak memerlukan Plh/Plt.")
    check_manager(unit, by, role)
    if acting_id == by.user_id:
        raise InputError(SELF_APPOINTED)
    acting = unit.member(acting_id)
    if acting is None:
        raise InputError(
            "Pejabat yang ditunjuk bukan anggota satuan kerja ini; pilih salah seorang "
            "anggota satuan."
        )
    if acting.role.read_only:
        raise InputError(f"{acting.name} adalah pereviu APIP; pereviu tidak menjalankan tugas.")
    holders = unit.with_role(role)
    if any(h.user_id == acting_id for h in holders):
        raise InputError(
            f"{acting.name} adalah pemegang jabatan {unit.role_label(role)} sendiri; Plh/Plt harus "
            "pejabat lain."
        )
    check_range(first, last)
    start, end = day_bounds(first, last, unit.timezone)
    if end <= now:
        raise InputError("Tanggal selesai sudah lewat; pilih rentang yang belum berakhir.")
    for other in unit.standins:
        if other.role is not role or other.cancelled or not _standing(unit, other):
            continue
        if other.start < end and start < other.until:
            raise InputError(
                f"Sudah ada {other.kind} {unit.role_label(role)} pada rentang yang beririsan; "
                "akhiri dahulu penunjukan tersebut melalui /plh."
            )
    if sop is not None:
        why = appointment_conflict(sop, unit, role, acting, start, end)
        if why:
            kind = PLH if holders else PLT
            raise InputError(
                f"{acting.name} tidak dapat ditunjuk sebagai {kind} {role.label}: {why}."
            )
    holder = holders[0].user_id if holders else None
    return StandIn(
        id=secrets.token_hex(6),
        unit=unit.code,
        role=role,
        acting=acting_id,
        holder=holder,
        post=post_title(unit, role),
        start=start,
        end=end,
        by=by.user_id,
        at=now,
    )


def check_range(first: date, last: date) -> None:
    """A range of days the form can take: the last day not before the first, not too long
    (checked as the last day is typed, and again when the appointment is made)."""
    if last < first:
        raise InputError(
            f"Tanggal selesai ({format_day_date_id(last)}) tidak boleh sebelum tanggal mulai "
            f"({format_day_date_id(first)}). Ketik tanggal selesai yang lain."
        )
    if (last - first).days >= MAX_DAYS:
        raise InputError(f"Penunjukan Plh/Plt paling lama {MAX_DAYS} hari.")


def _standing(unit: Unit, period: StandIn) -> bool:
    """Both officials of the appointment are still members (one who left takes it along)."""
    if unit.member(period.acting) is None:
        return False
    return period.holder is None or unit.member(period.holder) is not None


def end_early(unit: Unit, period: StandIn, by: Person, now: datetime) -> StandIn:
    """End an appointment now (a holder back early); one not begun yet is cancelled."""
    check_manager(unit, by, period.role)
    if period.cancelled:
        raise InputError("Penunjukan ini sudah dibatalkan.")
    if period.until <= now:
        raise InputError("Penunjukan ini sudah berakhir.")
    return replace(period, ended_at=max(now, period.start), ended_by=by.user_id)


def on_departure(unit: Unit, user_id: int, by: int, now: datetime) -> list[StandIn]:
    """The appointments of someone who leaves the unit (as the stand-in or as the holder),
    ended now, or cancelled when not begun yet: none outlives its officials."""
    return [
        replace(p, ended_at=max(now, p.start), ended_by=by)
        for p in unit.standins
        if user_id in (p.acting, p.holder) and not p.cancelled and p.until > now
    ]


def current_and_coming(unit: Unit, now: datetime) -> list[StandIn]:
    """Appointments not over (nor cancelled) yet, in order of their start."""
    return sorted(
        (p for p in unit.standins if p.until > now and not p.cancelled), key=lambda p: p.start
    )


def cancelled_coming(unit: Unit, now: datetime) -> list[StandIn]:
    """Appointments cancelled whose days have not passed yet (shown as "dibatalkan")."""
    return sorted((p for p in unit.standins if p.cancelled and p.end > now), key=lambda p: p.start)


def represented(actor: Person, role: Role) -> str | None:
    """Why a holder represented by a stand-in may not act for the post now (None: they may)."""
    if actor.role is role and actor.stood_in_by:
        return (
            f"Selama penunjukan Plh, tugas {actor.label} dijalankan oleh {actor.stood_in_by}; "
            "Anda menerima tembusannya untuk diketahui. Bila Anda sudah kembali, akhiri "
            "penunjukan lebih awal melalui /plh."
        )
    return None


def refuse_while_represented(actor: Person, role: Role) -> None:
    """A holder represented by a stand-in does not act for the post meanwhile."""
    reason = represented(actor, role)
    if reason:
        raise RoleError(reason)
