"""Stand-ins through an office's life, as pure rules: a cancelled appointment frees its days,
one whose official left blocks nothing, a departure ends or cancels the leaver's appointments,
and a range is checked as it is typed (``domain/standins.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.errors import InputError
from domain.roles import Role
from domain.standins import (
    appoint,
    cancelled_coming,
    check_range,
    current_and_coming,
    end_early,
    on_departure,
)
from tests.domain_factories import KASAT, KASUBBAG, MEMBER_A, MEMBER_B, SEKRETARIS, T0, UNIT, actor

NEXT_MONDAY, NEXT_FRIDAY = date(2026, 10, 12), date(2026, 10, 16)


def scheduled(unit=UNIT, role=Role.KASAT, acting=SEKRETARIS, first=NEXT_MONDAY, last=NEXT_FRIDAY):
    period = appoint(unit, role, acting, first, last, actor(Role.KASUBBAG), T0)
    return replace(unit, standins=unit.standins + (period,)), period


def test_ending_one_not_begun_cancels_it_and_frees_its_days():
    unit, period = scheduled()
    cancelled = end_early(unit, period, actor(Role.KASAT), T0)
    assert cancelled.cancelled and cancelled.ended_by == KASAT
    unit = replace(unit, standins=(cancelled,))
    assert current_and_coming(unit, T0) == []
    assert cancelled_coming(unit, T0) == [cancelled]
    with pytest.raises(InputError, match="sudah dibatalkan"):
        end_early(unit, cancelled, actor(Role.KASAT), T0)
    # the same days, and a wider range over them, can be given again
    appoint(unit, Role.KASAT, SEKRETARIS, NEXT_MONDAY, NEXT_MONDAY, actor(Role.KASAT), T0)
    appoint(unit, Role.KASAT, MEMBER_A, date(2026, 10, 5), NEXT_FRIDAY, actor(Role.KASAT), T0)


def test_an_appointment_whose_stand_in_left_blocks_no_new_one():
    unit, _ = scheduled(acting=MEMBER_A)
    gone = replace(unit, people=tuple(p for p in unit.people if p.user_id != MEMBER_A))
    appoint(gone, Role.KASAT, MEMBER_B, NEXT_MONDAY, NEXT_FRIDAY, actor(Role.KASUBBAG), T0)


def test_a_departure_ends_the_leavers_appointments_as_stand_in_or_as_holder():
    unit, running = scheduled(acting=MEMBER_A, first=date(2026, 10, 5))
    unit, coming = scheduled(unit, role=Role.SEKRETARIS, acting=MEMBER_B)
    later = T0.replace(hour=10)
    ended = on_departure(unit, MEMBER_A, KASUBBAG, later)
    assert [(p.id, p.ended_at, p.cancelled) for p in ended] == [(running.id, later, False)]
    cancelled = on_departure(unit, SEKRETARIS, KASUBBAG, later)
    assert [(p.id, p.cancelled) for p in cancelled] == [(coming.id, True)]
    assert on_departure(unit, MEMBER_A, KASUBBAG, later)[0].ended_by == KASUBBAG


def test_a_last_day_before_the_first_is_refused_with_both_days():
    with pytest.raises(InputError) as refused:
        check_range(date(2026, 10, 7), date(2026, 10, 6))
    assert "Selasa, 6 Oktober 2026" in str(refused.value)
    assert "Rabu, 7 Oktober 2026" in str(refused.value)
    check_range(date(2026, 10, 7), date(2026, 10, 7))
