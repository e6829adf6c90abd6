"""Stand-ins (Plh/Plt) as pure rules: who acts for a post at a moment, the capacity of a past
decision, and the appointments refused (``domain/standins.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.approval import check_role
from domain.dates_id import parse_date_id
from domain.errors import InputError, RoleError
from domain.models import Cycle, StepRecord
from domain.reminders import ESCALATION, digest_due, due_notices, holders_of
from domain.roles import Role
from domain.sop import SIGN
from domain.standins import (
    PLH,
    PLT,
    acting_detail,
    appoint,
    capacity,
    end_early,
    in_force,
    resolve,
)
from tests.domain_factories import (
    CALENDAR,
    KASAT,
    KASUBBAG,
    MEMBER_A,
    SEKRETARIS,
    SOP,
    T0,
    UNIT,
    actor,
    person,
    wib,
)

FIRST, LAST = date(2026, 10, 5), date(2026, 10, 9)  # Monday to Friday of T0's week


def with_plh(unit=UNIT, role=Role.KASAT, acting=SEKRETARIS, first=FIRST, last=LAST):
    # the administrator (the Kasubbag) appoints; nobody appoints themselves
    by = actor(role) if acting == KASUBBAG else actor(Role.KASUBBAG)
    period = appoint(unit, role, acting, first, last, by, T0)
    return replace(unit, standins=unit.standins + (period,)), period


def test_a_plh_acts_for_the_post_only_within_its_days():
    unit, period = with_plh()
    assert period.kind == PLH and period.holder == KASAT
    assert period.post == "Kasat"  # the holder's jabatan, printed after "Plh."
    inside = resolve(unit, wib(2026, 10, 9, 23, 59))
    assert [p.user_id for p in inside.acting(Role.KASAT)] == [SEKRETARIS]
    assert [p.user_id for p in inside.represented(Role.KASAT)] == [KASAT]
    # the Sekretaris keeps their own post as well
    assert [p.user_id for p in inside.acting(Role.SEKRETARIS)] == [SEKRETARIS]
    for outside in (wib(2026, 10, 4, 23, 59), wib(2026, 10, 10, 0, 0)):
        view = resolve(unit, outside)
        assert [p.user_id for p in view.acting(Role.KASAT)] == [KASAT]
        assert view.represented(Role.KASAT) == []


def test_role_checks_follow_the_view_the_holder_is_refused_with_the_reason():
    unit, _ = with_plh()
    view = resolve(unit, T0)
    sign = SOP.by_key(SIGN)
    check_role(sign, view.member(SEKRETARIS), unit.code)  # the Plh signs
    with pytest.raises(RoleError, match=r"dijalankan oleh Sekretaris 1002.*/plh"):
        check_role(sign, view.member(KASAT), unit.code)
    check_role(sign, resolve(unit, wib(2026, 10, 12, 8)).member(KASAT), unit.code)


def test_reminders_and_escalations_go_to_the_stand_in_with_a_copy_for_the_holder():
    unit, _ = with_plh(role=Role.SEKRETARIS, acting=KASUBBAG)
    step = SOP.step(2)  # forwarding the disposition: the Sekretaris's
    deadline = CALENDAR.deadline(T0, step.allowed_time)
    record = StepRecord(step=2, started_at=T0, deadline=deadline)
    cycle = Cycle(unit=unit.code, year=2026, triwulan=4, step=2, steps=(record,))
    assert holders_of(cycle, step, resolve(unit, T0)) == (KASUBBAG,)
    late = cycle.current_step_record.deadline + timedelta(hours=1)
    notices = due_notices(cycle, unit, SOP, CALENDAR, late)
    deadline = [n for n in notices if n.kind != ESCALATION]
    assert deadline and all(
        n.recipients == (KASUBBAG,) and n.copies == (SEKRETARIS,) for n in deadline
    )
    # the escalation goes to the Kasat, who is not represented: no copy
    assert all(n.copies == () for n in notices if n.kind == ESCALATION)


def test_the_digest_goes_to_the_plh_of_the_head_and_a_copy_to_the_head():
    unit, _ = with_plh()
    digest = digest_due(unit, SOP, CALENDAR, T0)
    assert digest is not None
    assert digest.recipients == (SEKRETARIS,) and digest.copies == (KASAT,)


def test_a_plt_fills_a_vacant_post_until_a_holder_joins():
    vacant = replace(UNIT, people=tuple(p for p in UNIT.people if p.role is not Role.KASAT))
    assert vacant.missing_roles() == [Role.KASAT]
    unit, period = with_plh(unit=vacant)
    assert period.kind == PLT and period.holder is None
    assert period.post == f"Kepala {UNIT.name}"  # no holder on record: the post's name
    view = resolve(unit, T0)
    assert view.missing_roles() == []
    assert [p.user_id for p in view.acting(Role.KASAT)] == [SEKRETARIS]
    joined = replace(unit, people=unit.people + (person(Role.KASAT),))
    assert in_force(joined, Role.KASAT, T0) is None
    assert [p.user_id for p in resolve(joined, T0).acting(Role.KASAT)] == [KASAT]


def test_the_capacity_of_a_decision_comes_from_the_record_even_after_the_range():
    unit, period = with_plh()
    at = wib(2026, 10, 7, 10)
    assert capacity(unit, SEKRETARIS, Role.KASAT, at) == period
    # the same person acting in their own post that day is no stand-in
    assert capacity(unit, SEKRETARIS, Role.SEKRETARIS, at) is None
    assert capacity(unit, SEKRETARIS, Role.KASAT, wib(2026, 10, 12, 10)) is None
    detail = acting_detail(unit, SEKRETARIS, Role.KASAT, at)
    assert detail == {
        "sebagai": PLH,
        "jabatan": "kasat",
        "pemegang": KASAT,
        "penunjukan": period.id,
    }


def test_ending_early_gives_the_post_back_and_keeps_the_past_capacity():
    unit, period = with_plh()
    ended = end_early(unit, period, actor(Role.KASAT), wib(2026, 10, 7, 12))
    unit = replace(unit, standins=(ended,))
    assert [p.user_id for p in resolve(unit, wib(2026, 10, 7, 13)).acting(Role.KASAT)] == [KASAT]
    assert capacity(unit, SEKRETARIS, Role.KASAT, wib(2026, 10, 7, 11)) == ended
    with pytest.raises(InputError, match="sudah berakhir"):
        end_early(unit, ended, actor(Role.KASAT), wib(2026, 10, 7, 14))


def test_a_stand_in_who_left_the_unit_stops_acting_and_so_does_a_plh_whose_holder_left():
    unit, _ = with_plh()
    gone = replace(unit, people=tuple(p for p in unit.people if p.user_id != SEKRETARIS))
    assert in_force(gone, Role.KASAT, T0) is None
    successor = person(Role.KASAT, 2001)
    replaced = replace(unit, people=(successor, *(p for p in unit.people if p.user_id != KASAT)))
    assert in_force(replaced, Role.KASAT, T0) is None
    assert [p.user_id for p in resolve(replaced, T0).acting(Role.KASAT)] == [2001]


@pytest.mark.parametrize(
    ("role", "acting", "first", "last", "by", "message"),
    [
        (Role.KASAT, SEKRETARIS, LAST, FIRST, Role.KASUBBAG, "sebelum tanggal mulai"),
        (Role.KASAT, KASAT, FIRST, LAST, Role.KASUBBAG, "pemegang jabatan Kasat sendiri"),
        (Role.KASAT, 4242, FIRST, LAST, Role.KASUBBAG, "bukan anggota satuan"),
        (Role.KASAT, SEKRETARIS, date(2026, 9, 1), date(2026, 9, 30), Role.KASUBBAG, "lewat"),
        (Role.TIM_KERJA, SEKRETARIS, FIRST, LAST, Role.KASUBBAG, "tidak memerlukan"),
        (Role.KASAT, SEKRETARIS, FIRST, date(2027, 12, 31), Role.KASUBBAG, "paling lama"),
    ],
)
def test_bad_appointments_are_refused(role, acting, first, last, by, message):
    with pytest.raises(InputError, match=message):
        appoint(UNIT, role, acting, first, last, actor(by), T0)


def test_only_the_official_or_the_administrator_appoints():
    appoint(UNIT, Role.KASAT, SEKRETARIS, FIRST, LAST, actor(Role.KASAT), T0)  # their own
    with pytest.raises(RoleError, match="administrator"):
        appoint(UNIT, Role.KASAT, KASUBBAG, FIRST, LAST, actor(Role.SEKRETARIS), T0)
    with pytest.raises(RoleError):
        appoint(UNIT, Role.KASAT, KASUBBAG, FIRST, LAST, actor(Role.TIM_KERJA), T0)


def test_ranges_of_one_post_may_not_overlap():
    unit, _ = with_plh()
    with pytest.raises(InputError, match="beririsan"):
        appoint(unit, Role.KASAT, KASUBBAG, LAST, LAST + timedelta(days=3), actor(Role.KASAT), T0)
    # another post, or the days after, are fine
    appoint(unit, Role.SEKRETARIS, KASUBBAG, FIRST, LAST, actor(Role.SEKRETARIS), T0)
    appoint(
        unit,
        Role.KASAT,
        MEMBER_A,
        LAST + timedelta(days=1),
        LAST + timedelta(days=3),
        actor(Role.KASAT),
        T0,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-12-2026", date(2026, 12, 14)),
        ("14/12/2026", date(2026, 12, 14)),
        ("2026-12-14", date(2026, 12, 14)),
        ("14 Desember 2026", date(2026, 12, 14)),
        ("1 januari 2027", date(2027, 1, 1)),
    ],
)
def test_dates_are_read_as_typed(text, expected):
    assert parse_date_id(text) == expected


@pytest.mark.parametrize("text", ["besok", "31-02-2026", "14 Dec 2026", "14-12"])
def test_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date_id(text)


def test_a_document_rendered_after_the_range_still_shows_the_capacity():
    """The approval block derives "Plh." from the decision's time and the appointments on
    record, whatever the unit's view is at rendering."""
    from documents.approval_context import approval_context
    from domain.models import Decision, ReportVersion

    unit, _ = with_plh()
    at = wib(2026, 10, 7, 10)
    cycle = Cycle(
        unit=unit.code,
        year=2026,
        triwulan=3,
        step=8,
        reports=(ReportVersion(1, "draft", "a" * 64, at, KASUBBAG),),
        decisions=(
            Decision("paraf", 6, SEKRETARIS, at, 1),
            Decision("sign", 7, SEKRETARIS, at + timedelta(hours=1), 1),
        ),
    )
    later = resolve(unit, wib(2027, 1, 4, 8))  # the range is long over
    block = approval_context(cycle, later, SOP, CALENDAR, "signed")
    assert block["signature"]["capacity"] == PLH and block["signature"]["position"] == "Kasat"
    assert block["signature"]["name"] == "Sekretaris 1002"
    assert block["paraf"]["capacity"] == ""  # initialled in the Sekretaris's own post
    assert block["signer"]["capacity"] == "" and block["signer"]["name"] == "Kasat 1001"
    # During the range the expected signer is the Plh.
    during = approval_context(cycle, resolve(unit, at), SOP, CALENDAR, "paraf")
    assert during["signer"]["capacity"] == PLH and during["signer"]["name"] == "Sekretaris 1002"


def test_a_plh_of_the_sekretaris_initials_in_that_capacity():
    from documents.approval_context import approval_context
    from domain.models import Decision, ReportVersion

    unit, _ = with_plh(role=Role.SEKRETARIS, acting=KASUBBAG)
    at = wib(2026, 10, 6, 9)
    cycle = Cycle(
        unit=unit.code,
        year=2026,
        triwulan=3,
        step=7,
        reports=(ReportVersion(1, "draft", "a" * 64, at, KASUBBAG),),
        decisions=(Decision("paraf", 6, KASUBBAG, at, 1),),
    )
    block = approval_context(cycle, unit, SOP, CALENDAR, "paraf")
    assert block["paraf"]["capacity"] == PLH and block["paraf"]["position"] == "Sekretaris"
    assert block["paraf"]["name"] == "Kasubbag 1003"


def test_the_reports_disposition_chain_names_a_plh_by_the_post():
    """The chain of dispositions inside the quarterly report, like the Lembar Disposisi,
    gives a stand-in's forward under the post's title."""
    from documents.report_context import quarterly_report_context
    from domain.models import Disposition

    unit, _ = with_plh()  # the Sekretaris is Plh. Kasat this week
    at = wib(2026, 10, 5, 9)
    cycle = Cycle(
        unit=unit.code,
        year=2026,
        triwulan=3,
        step=3,
        dispositions=(
            Disposition(1, SEKRETARIS, "sekretaris", "Mohon disusun.", at, at + timedelta(hours=4)),
            Disposition(2, SEKRETARIS, "kasubbag", "Segera.", at, at + timedelta(hours=4)),
        ),
    )
    context = quarterly_report_context(cycle, unit, CALENDAR, "draft", at, sop=SOP)
    positions = [d["from_position"] for d in context["dispositions"]]
    assert positions == [f"{PLH} Kasat", "Sekretaris"]  # as Kasat's Plh, then in their own post
