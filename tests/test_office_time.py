"""The one office-time and SOP-compliance rule (``domain.office_time``), worked by hand.

Pure: a calendar, step records and the shipped SOP table; no Telegram, no store. Office
hours are 07.30-16.00 WIB (510 minutes a day); 2026-11-23 is a Monday, 2026-11-28/29 the
weekend.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.calendar import WorkCalendar
from domain.models import Cycle, StepRecord
from domain.office_time import (
    LATE,
    ON_TIME,
    OVERDUE,
    RUNNING,
    compliance_summary,
    cycle_span_minutes,
    minutes_left,
    pass_timing,
    sop_compliance,
    standard_minutes,
)
from domain.reminders import ReminderPoint
from domain.sop import load_sop
from domain.standard_time import StandardTime

WIB = ZoneInfo("Asia/Jakarta")
CAL = WorkCalendar()
SOP = load_sop()


def wib(d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2026, 11, d, h, mi, tzinfo=WIB)


def record(step: int, start: datetime, deadline: datetime, end: datetime | None) -> StepRecord:
    return StepRecord(
        step=step, started_at=start, deadline=deadline, finished_at=end, finished_by=1
    )


def test_standard_minutes_counts_a_working_day_as_a_full_office_day() -> None:
    assert standard_minutes(StandardTime(minutes=90), CAL) == 90
    assert standard_minutes(StandardTime(minutes=30, working_days=2), CAL) == 2 * 510 + 30
    six_hours = WorkCalendar(office_end=datetime(2026, 1, 1, 13, 30).time())
    assert standard_minutes(StandardTime(working_days=1), six_hours) == 360


def test_minutes_left_skips_the_night_and_turns_negative_once_late() -> None:
    # Monday 15.00 to Tuesday 08.30: one hour Monday, one hour Tuesday.
    assert minutes_left(CAL, wib(23, 15), wib(24, 8, 30)) == 120
    # Friday 15.00 to Monday 08.30: the weekend does not count.
    assert minutes_left(CAL, wib(27, 15), wib(30, 8, 30)) == 120
    # Past the deadline: how late, negative.
    assert minutes_left(CAL, wib(24, 9), wib(24, 8, 30)) == -30


def test_a_pass_finished_within_its_deadline() -> None:
    t = pass_timing(record(1, wib(23, 8), wib(23, 10), wib(23, 9, 15)), CAL, wib(30, 8))
    assert (t.duration_minutes, t.over_time, t.overdue_minutes) == (75, False, 0)
    assert (t.open, t.status) == (False, ON_TIME)


def test_a_pass_finished_after_its_deadline_counts_office_minutes_over() -> None:
    # Deadline Monday 15.00, finished Tuesday 08.00: 60 + 30 office minutes late.
    t = pass_timing(record(1, wib(23, 14), wib(23, 15), wib(24, 8)), CAL, wib(30, 8))
    assert (t.duration_minutes, t.over_time, t.overdue_minutes) == (150, True, 90)
    assert t.status == LATE


def test_an_open_pass_is_judged_at_now() -> None:
    open_pass = record(5, wib(23, 8), wib(23, 12), None)
    early = pass_timing(open_pass, CAL, wib(23, 11))
    assert (early.open, early.status, early.duration_minutes, early.overdue_minutes) == (
        True,
        RUNNING,
        180,
        0,
    )
    late = pass_timing(open_pass, CAL, wib(23, 13))
    assert (late.status, late.duration_minutes, late.overdue_minutes) == (OVERDUE, 300, 60)


def test_sop_compliance_lists_every_step_and_each_pass_of_a_returned_step() -> None:
    steps = (
        record(1, wib(23, 8), wib(23, 9), wib(23, 8, 30)),
        record(2, wib(23, 8, 30), wib(23, 9), wib(23, 9, 30)),  # 30 minutes late
        record(2, wib(24, 8), wib(24, 9), wib(24, 8, 10)),  # second pass, after a return
        record(3, wib(24, 8, 10), wib(24, 9), None),  # still open
    )
    cycle = Cycle(unit="u", year=2026, triwulan=4, step=3, steps=steps)
    now = wib(24, 8, 40)
    rows = sop_compliance(cycle, SOP, CAL, now)
    assert [r.step.number for r in rows] == [s.number for s in SOP.steps]
    first, second, third = rows[0], rows[1], rows[2]
    assert first.done and not first.over_time and first.duration_minutes == 30
    assert len(second.passes) == 2 and second.over_time and second.done
    assert second.duration_minutes == 60 + 10
    assert third.reached and not third.done and third.passes[0].status == RUNNING
    assert not any(r.reached for r in rows[3:])

    summary = compliance_summary(rows, cycle, CAL, now)
    assert (summary.passes, summary.on_time, summary.over_time, summary.open) == (4, 2, 1, 1)
    assert summary.not_reached == len(SOP.steps) - 3
    assert summary.over_time_steps == (2,)
    # Monday 08.00 to Tuesday 08.40 while a step is open: 480 + 70 office minutes.
    assert summary.total_minutes == 480 + 70


def test_the_span_of_a_finished_cycle_ends_at_its_last_finish() -> None:
    steps = (record(1, wib(23, 8), wib(23, 9), wib(23, 10)),)
    cycle = Cycle(unit="u", year=2026, triwulan=4, step=2, steps=steps)
    assert cycle_span_minutes(cycle, CAL, wib(30, 12)) == 120
    assert cycle_span_minutes(Cycle(unit="u", year=2026, triwulan=4, step=1), CAL, wib(23, 9)) == 0


def test_a_reminder_before_the_deadline_uses_the_same_office_minutes() -> None:
    # A window from Monday 08.00 to Tuesday 08.00 holds 510 office minutes; "1 jam" before
    # the deadline is 450 office minutes in: Monday 15.30.
    start, deadline = wib(23, 8), wib(24, 8)
    at = ReminderPoint(before=StandardTime(minutes=60)).at(start, deadline, CAL)
    assert at == wib(23, 15, 30)
    assert minutes_left(CAL, at, deadline) == 60
