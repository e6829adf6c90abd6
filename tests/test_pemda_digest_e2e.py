"""The pemda evaluators' Monday digest in chat (issue 22), through the emulator with the
FakeClock: once on the week's first working day from the office's opening, listing the late
units of the evaluator's own pemda with how late and who holds the step; not again after a
restart or later in the week; shifted by a holiday Monday; kept (not lost) while the chat
cannot take it and delivered once it opens."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.pemda_digest import digest_day, week_key
from bot.app import build_application
from demo import playbook
from demo.playbook import Cast
from domain.calendar import WorkCalendar
from domain.roster import load_roster
from emulator.users import SimUser
from tests.factories import DEMO_ROSTER, JAKARTA
from tests.test_app_pemda import EXTRA

HEAD = "Ringkasan mingguan SAKIP"
KENDAL_EVALUATOR = """
[[evaluator]]
telegram_id = 9002
name = "Ir. Bambang Wijaya"
position = "Kepala Bagian Organisasi"
body = "bagian_organisasi"
pemda = "Kabupaten Kendal"
"""


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


@pytest.fixture
def roster_path(tmp_path):
    path = tmp_path / "roster.toml"
    path.write_text(
        DEMO_ROSTER.read_text(encoding="utf-8") + EXTRA + KENDAL_EVALUATOR, encoding="utf-8"
    )
    return path


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.1})


def digests(user: SimUser) -> list[str]:
    return [m.text for m in user.received() if HEAD in (m.text or "")]


async def test_monday_digest_lists_the_late_unit_once_a_week(
    runner, emu, people, roster_path, clock
):
    evaluator = SimUser(emu, 9001, "Dra. Sri Lestari")
    kendal = SimUser(emu, 9002, "Ir. Bambang Wijaya")
    dinkes = Cast(emu, load_roster(roster_path).unit("dinkes-bdg"))

    # Thursday 1 October: the Satpol PP's Kasat disposes; the Sekretaris never forwards.
    clock.current = wib(2026, 10, 1, 9, 0)
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    # Friday 9 October: the Dinas Kesehatan reaches the collection (3 working days).
    clock.current = wib(2026, 10, 9, 10, 0)
    await playbook.start_cycle(dinkes, 4, 2026)
    await playbook.forward(dinkes)
    await playbook.divide(dinkes, [["Data pelayanan kesehatan"]])
    await emu.settle(quiet=0.4)
    assert digests(evaluator) == [] and digests(kendal) == []  # not a Monday

    clock.current = wib(2026, 10, 12, 7, 0)  # Monday, before the office opens
    await emu.settle(quiet=0.4)
    assert digests(evaluator) == []

    clock.current = wib(2026, 10, 12, 7, 40)
    digest = (await evaluator.expect(HEAD)).text
    assert "Pemerintah Kota Bandung" in digest and "Senin, 12 Oktober 2026" in digest
    assert "<b>1</b> dari 2 unit" not in digest  # HTML is rendered, not shown
    assert "1 dari 2 unit" in digest
    assert "Satuan Polisi Pamong Praja Kota Bandung" in digest
    assert "TERLAMBAT 7 hari kerja" in digest  # Thu 1 Oct – Fri 9 Oct: 7 working days
    sekretaris = people.sekretaris.name
    assert f"Dipegang oleh Sekretaris ({sekretaris})" in digest
    assert "TW IV 2026, tahap 2" in digest
    assert "Dinas Kesehatan" not in digest  # on track: not listed
    assert "Kendal" not in digest  # another pemda's unit
    # The Kendal evaluator hears of Kendal only, where nothing is late.
    other = (await kendal.expect(HEAD)).text
    assert "Pemerintah Kabupaten Kendal" in other and "Tidak ada unit kerja" in other
    assert "Bandung" not in other

    # Not again: after a restart, later that day, or on Tuesday.
    await emu.settle(quiet=0.4)
    await runner.stop()
    await runner.start()
    await emu.settle(quiet=0.4)
    clock.current = wib(2026, 10, 12, 15, 0)
    await emu.settle(quiet=0.4)
    clock.current = wib(2026, 10, 13, 8, 0)
    await emu.settle(quiet=0.4)
    assert len(digests(evaluator)) == 1 and len(digests(kendal)) == 1

    # The next Monday brings the next week's digest.
    clock.current = wib(2026, 10, 19, 7, 45)
    await evaluator.expect("Senin, 19 Oktober 2026")
    await emu.settle(quiet=0.4)
    assert len(digests(evaluator)) == 2


async def test_a_holiday_monday_shifts_it_and_a_closed_chat_keeps_it(runner, emu, clock):
    # Monday 17 August 2026 is Hari Kemerdekaan: the digest comes on Tuesday. The evaluator
    # has not opened the chat yet: the digest waits for them, once.
    evaluator = SimUser(emu, 9001, "Dra. Sri Lestari", started=False)
    kendal = SimUser(emu, 9002, "Ir. Bambang Wijaya")
    clock.current = wib(2026, 8, 17, 8, 0)
    await runner.start()
    await emu.settle(quiet=0.4)
    assert digests(evaluator) == []

    emu.fail_next("sendMessage", 429, retry_after=1, chat_id=9002)
    clock.current = wib(2026, 8, 18, 8, 0)
    await emu.settle(quiet=0.5)
    assert digests(evaluator) == []  # 403: kept, not lost
    evaluator.say("/start")
    digest = (await evaluator.expect(HEAD)).text
    assert "Selasa, 18 Agustus 2026" in digest and "Tidak ada unit kerja" in digest
    # The Kendal evaluator's first send met a 429: sent on a later try, once.
    await kendal.expect(HEAD)

    clock.current = wib(2026, 8, 19, 8, 0)
    await emu.settle(quiet=0.5)
    await runner.stop()
    await runner.start()
    await emu.settle(quiet=0.5)
    assert len(digests(evaluator)) == 1 and len(digests(kendal)) == 1


def test_the_digest_day_is_the_first_working_day_of_the_week():
    calendar = WorkCalendar()
    assert digest_day(calendar, date(2026, 10, 14)) == date(2026, 10, 12)  # a Wednesday's
    assert digest_day(calendar, date(2026, 8, 20)) == date(2026, 8, 18)  # 17 Aug: holiday
    regional = WorkCalendar(extra_holidays=((date(2026, 10, 12), "Hari Jadi Kota"),))
    assert digest_day(regional, date(2026, 10, 12)) == date(2026, 10, 13)
    closed = WorkCalendar(workdays=frozenset({5}))  # Saturdays only
    assert digest_day(closed, date(2026, 10, 12)) == date(2026, 10, 17)


async def test_two_workers_on_one_database_send_it_once(runner, emu, settings, clock, pg_url):
    """Two workers on PostgreSQL both tick: the one holding the leader's lock owes and sends
    the digest; the other sends nothing, and the digest is recorded once."""
    settings = settings.model_copy(update={"lkj_database_url": pg_url})
    runner.settings = settings
    evaluator = SimUser(emu, 9001, "Dra. Sri Lestari")
    clock.current = wib(2026, 10, 12, 7, 0)
    await runner.start()
    second = build_application(settings, clock=clock)  # no polling: its ticks only
    await second.initialize()
    await second.start()
    try:
        clock.current = wib(2026, 10, 12, 7, 45)
        await evaluator.expect(HEAD)
        await emu.settle(quiet=0.6)
        assert len(digests(evaluator)) == 1
        services = second.bot_data["services"]
        key = week_key("kota-bandung", 9001, date(2026, 10, 12))
        record = services.pemda_digests.get("kota-bandung", 2026, key)
        assert record is not None and record["state"] == "sent" and record["sent_parts"] == 1
        assert services.pemda_digests.owed("kota-bandung", 2026) == []
    finally:
        await second.stop()
        await second.shutdown()
        second.bot_data["services"].db.close()
