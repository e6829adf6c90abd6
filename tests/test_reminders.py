"""Deadlines, reminders, escalation and the digest on working days, with a controlled clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from demo import playbook
from domain.calendar import WorkCalendar
from domain.models import Assignment, Cycle, FileRef, Item, StepRecord
from domain.reminders import AT_DEADLINE, ESCALATION, REMINDER, due_notices
from domain.roster import load_roster
from domain.sop import load_sop
from tests.factories import DEMO_ROSTER

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
SOP = load_sop()
UNIT = load_roster(DEMO_ROSTER).units[0]
MEMBERS = [p.user_id for p in UNIT.people if p.role.value == "tim_kerja"]
KASUBBAG = next(p.user_id for p in UNIT.people if p.role.value == "kasubbag")


def collecting_cycle(start: datetime, calendar: WorkCalendar, done: int = 0) -> Cycle:
    """A cycle at step 4 whose collection window opened at ``start``."""
    deadline = calendar.deadline(start, SOP.step(4).allowed_time)
    file = FileRef("a" * 64, "x.pdf", 10, "application/pdf", MEMBERS[0], start)
    assignments = tuple(
        Assignment(member, "", (Item("Data", (file,) if i < done else ()),), deadline)
        for i, member in enumerate(MEMBERS)
    )
    return Cycle(
        unit=UNIT.code,
        year=2026,
        triwulan=4,
        step=4,
        assignments=assignments,
        steps=(StepRecord(step=4, started_at=start, deadline=deadline),),
    )


def kinds(notices) -> list[tuple[str, tuple[int, ...]]]:
    return [(n.kind, n.recipients) for n in notices]


# Division on Wednesday 23 Dec 2026 10:00 WIB; 24 Dec is cuti bersama, 25 Dec Natal, then a
# weekend: the 3 working days are Mon 28, Tue 29, Wed 30 -> deadline Wed 30 Dec 10:00.
# Half of the window (3 x 510 office minutes) is 765 minutes: 360 on Wed 23 (10:00-16:00),
# 405 on Mon 28 from 07:30 -> 14:15. One office hour before the deadline: Wed 30 09:00.
JAKARTA = WorkCalendar()
START = datetime(2026, 12, 23, 10, 0, tzinfo=WIB)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 24, 12, 0, tzinfo=WIB), []),  # cuti bersama: nothing yet
        (datetime(2026, 12, 28, 14, 14, tzinfo=WIB), []),
        (datetime(2026, 12, 28, 14, 15, tzinfo=WIB), [(REMINDER, tuple(MEMBERS))]),
        (datetime(2026, 12, 30, 8, 59, tzinfo=WIB), [(REMINDER, tuple(MEMBERS))]),
        (datetime(2026, 12, 30, 9, 0, tzinfo=WIB), [(REMINDER, tuple(MEMBERS))]),
        (
            datetime(2026, 12, 30, 10, 0, tzinfo=WIB),
            [(AT_DEADLINE, tuple(MEMBERS)), (ESCALATION, (KASUBBAG,))],
        ),
        (datetime(2026, 12, 30, 20, 0, tzinfo=WIB), [(AT_DEADLINE, tuple(MEMBERS))]),
        (datetime(2027, 1, 1, 9, 0, tzinfo=WIB), [(AT_DEADLINE, tuple(MEMBERS))]),  # New Year
    ],
)
def test_notices_across_holidays_and_weekend(now, expected):
    cycle = collecting_cycle(START, JAKARTA)
    assert cycle.steps[0].deadline == datetime(2026, 12, 30, 10, 0, tzinfo=WIB)
    assert kinds(due_notices(cycle, UNIT, SOP, JAKARTA, now)) == expected


def test_reminder_keys_distinguish_the_two_points_and_escalation_repeats_daily():
    cycle = collecting_cycle(START, JAKARTA)
    half = due_notices(cycle, UNIT, SOP, JAKARTA, datetime(2026, 12, 28, 15, 0, tzinfo=WIB))
    hour = due_notices(cycle, UNIT, SOP, JAKARTA, datetime(2026, 12, 30, 9, 30, tzinfo=WIB))
    assert half[0].key != hour[0].key
    day1 = due_notices(cycle, UNIT, SOP, JAKARTA, datetime(2026, 12, 30, 11, 0, tzinfo=WIB))
    later_same_day = due_notices(
        cycle, UNIT, SOP, JAKARTA, datetime(2026, 12, 30, 15, 0, tzinfo=WIB)
    )
    day2 = due_notices(cycle, UNIT, SOP, JAKARTA, datetime(2026, 12, 31, 8, 0, tzinfo=WIB))
    esc = [[n.key for n in ns if n.kind == ESCALATION] for ns in (day1, later_same_day, day2)]
    assert esc[0] == esc[1] and esc[0] != esc[2]


def test_only_members_still_missing_data_are_reminded():
    cycle = collecting_cycle(START, JAKARTA, done=1)
    notices = due_notices(cycle, UNIT, SOP, JAKARTA, datetime(2026, 12, 28, 15, 0, tzinfo=WIB))
    assert kinds(notices) == [(REMINDER, (MEMBERS[1],))]


def test_same_instant_in_two_time_zones():
    """07:00 WIB is before the WIB office opens, while 08:00 WITA is office time."""
    makassar = WorkCalendar(tz="Asia/Makassar")
    start = datetime(2026, 12, 23, 0, 0, tzinfo=ZoneInfo("UTC"))
    wib_cycle = collecting_cycle(start, JAKARTA)
    wita_cycle = collecting_cycle(start, makassar)
    assert wib_cycle.steps[0].deadline == datetime(2026, 12, 30, 7, 30, tzinfo=WIB)
    assert wita_cycle.steps[0].deadline == datetime(2026, 12, 30, 8, 0, tzinfo=WITA)
    # 30 Dec 00:15 UTC = 07:15 WIB (before the WIB deadline) = 08:15 WITA (after the WITA one).
    now = datetime(2026, 12, 30, 0, 15, tzinfo=ZoneInfo("UTC"))
    assert kinds(due_notices(wib_cycle, UNIT, SOP, JAKARTA, now)) == [(REMINDER, tuple(MEMBERS))]
    assert kinds(due_notices(wita_cycle, UNIT, SOP, makassar, now)) == [
        (AT_DEADLINE, tuple(MEMBERS)),
        (ESCALATION, (KASUBBAG,)),
    ]


def test_filed_or_finished_steps_owe_nothing():
    cycle = collecting_cycle(START, JAKARTA, done=2)
    late = datetime(2027, 1, 4, 9, 0, tzinfo=WIB)
    assert due_notices(cycle, UNIT, SOP, JAKARTA, late) == []
    filed = replace(collecting_cycle(START, JAKARTA), status="diarsipkan")
    assert due_notices(filed, UNIT, SOP, JAKARTA, late) == []


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.1})


async def test_reminders_and_escalation_in_chat_survive_a_restart(runner, emu, people, clock):
    clock.current = datetime(2026, 12, 23, 9, 30, tzinfo=WIB)
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    await playbook.forward(people)
    clock.current = START
    await playbook.divide(people)
    first, second = people.team
    task = await second.expect("Pembagian Tugas")
    assert "Batas waktu: Rabu, 30 Desember 2026 pukul 10.00 WIB" in task.text

    clock.current = datetime(2026, 12, 28, 14, 14, tzinfo=WIB)
    await emu.settle(quiet=0.4)
    assert [m for m in second.received() if "Pengingat" in m.text] == []

    clock.current = datetime(2026, 12, 28, 14, 16, tzinfo=WIB)
    reminder = await second.expect("Pengingat")
    # Mon 14:16 -> Wed 10:00: 104 + 510 + 150 = 764 office minutes.
    assert "sisa waktu kerja 1 hari kerja 4 jam 14 menit" in reminder.text
    await first.expect("Pengingat")

    # The first member hands in everything; only the second is reminded an hour before.
    for index, (name, content) in enumerate(playbook.SAMPLES.data[0]):
        await playbook.upload(first, name, content, playbook.TASKS[0][index])
    clock.current = datetime(2026, 12, 30, 9, 1, tzinfo=WIB)
    assert "sisa waktu kerja 59 menit" in (await second.expect("Pengingat")).text

    clock.current = datetime(2026, 12, 30, 10, 1, tzinfo=WIB)
    await second.expect("Batas waktu terlampaui")
    escalation = await people.kasubbag.expect("Eskalasi keterlambatan")
    assert second.name in escalation.text and "Data pengaduan masyarakat" in escalation.text

    # A restart neither repeats nor loses a notice.
    await emu.settle(quiet=0.4)
    before = {u.user_id: len(u.received()) for u in people.officials}
    await runner.stop()
    await runner.start()
    await emu.settle(quiet=0.5)
    assert {u.user_id: len(u.received()) for u in people.officials} == before

    # Escalation repeats at most daily, on working days only.
    clock.current = datetime(2026, 12, 31, 8, 0, tzinfo=WIB)
    await people.kasubbag.expect("Eskalasi keterlambatan")
    clock.current = datetime(2027, 1, 1, 9, 0, tzinfo=WIB)  # Tahun Baru: no escalation
    await emu.settle(quiet=0.4)
    clock.current = datetime(2027, 1, 4, 7, 31, tzinfo=WIB)
    await people.kasubbag.expect("Eskalasi keterlambatan")
    escalations = [m for m in people.kasubbag.received() if "Eskalasi" in m.text]
    assert len(escalations) == 3

    # The Kasat got one morning digest per working day, listing the open step.
    await people.kasat.expect("Ringkasan pagi — Senin, 4 Januari 2027")
    await emu.settle(quiet=0.3)
    digests = [m for m in people.kasat.received() if "Ringkasan pagi" in m.text]
    assert len(digests) == 5  # 23, 28, 30, 31 Dec and 4 Jan
    assert "TERLAMBAT" in digests[-1].text and second.name in digests[-1].text

    people.kasubbag.say("/status")
    status = await people.kasubbag.expect("Tahap 4")
    assert "TERLAMBAT" in status.text and "Batas waktu: Rabu, 30 Desember 2026" in status.text
