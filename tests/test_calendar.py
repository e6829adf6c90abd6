"""Worked examples for the working-day calendar, standard times and Indonesian wording.

Holiday dates are the ones shipped by ``holidays`` 0.109 (SKB 3 Menteri 2026 and 2027).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkCalendar, national_holidays
from domain.dates_id import (
    format_date_id,
    format_datetime_id,
    format_day_date_id,
    format_duration_id,
    format_office_duration,
    month_name_id,
    roman_triwulan,
    triwulan_of,
    triwulan_period,
    tz_abbreviation,
)
from domain.standard_time import StandardTime

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
CAL = WorkCalendar()
# 2026-11-25 (Wednesday) as a fictional regional holiday ("libur daerah").
REGIONAL = WorkCalendar(extra_holidays=((date(2026, 11, 25), "Hari Jadi Kabupaten"),))


def wib(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=WIB)


# --------------------------------------------------------------- StandardTime


@pytest.mark.parametrize(
    ("text", "minutes", "working_days", "label"),
    [
        ("15 menit", 15, 0, "15 menit"),
        ("90 menit", 90, 0, "90 menit"),
        ("1 jam", 60, 0, "1 jam"),
        ("5 jam", 300, 0, "5 jam"),
        ("  5   JAM ", 300, 0, "5 jam"),
        ("1 hari kerja", 0, 1, "1 hari kerja"),
        ("3 Hari  Kerja", 0, 3, "3 hari kerja"),
        ("1 jam 30 menit", 90, 0, "90 menit"),
        ("120 menit", 120, 0, "2 jam"),
    ],
)
def test_standard_time_parse(text: str, minutes: int, working_days: int, label: str) -> None:
    st = StandardTime.parse(text)
    assert st == StandardTime(minutes=minutes, working_days=working_days)
    assert st.label == label
    assert StandardTime.parse(st.label) == st


@pytest.mark.parametrize(
    "text",
    ["", "   ", "lima menit", "15", "3 hari", "15 menitan", "1,5 jam", "1 jam 2 jam", "-5 menit"],
)
def test_standard_time_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="Waktu standar"):
        StandardTime.parse(text)


# ------------------------------------------------------------------- holidays


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 2, 16), "Cuti Bersama Tahun Baru Imlek"),
        (date(2026, 3, 20), "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 18), "Cuti Bersama Hari Suci Nyepi"),
        (date(2026, 3, 19), "Hari Suci Nyepi"),
        (date(2026, 3, 21), "Hari Raya Idul Fitri"),
        (date(2026, 3, 23), "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 24), "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 6, 1), "Hari Lahir Pancasila"),
        (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
        (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal"),
        (date(2026, 12, 25), "Hari Raya Natal"),
        (date(2027, 1, 1), "Tahun Baru Masehi"),
        (date(2027, 1, 5), "Isra Mikraj Nabi Muhammad"),
    ],
)
def test_national_holidays_and_cuti_bersama(day: date, name: str) -> None:
    assert CAL.holiday_name(day) == name
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 24), True),  # Tuesday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 12, 23), True),  # Wednesday before cuti bersama
        (date(2026, 12, 31), True),  # no cuti bersama on New Year's Eve
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_extra_regional_holiday() -> None:
    assert REGIONAL.holiday_name(date(2026, 11, 25)) == "Hari Jadi Kabupaten"
    assert not REGIONAL.is_working_day(date(2026, 11, 25))
    assert CAL.is_working_day(date(2026, 11, 25))
    assert REGIONAL.holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"


def test_national_holidays_cached_and_read_only() -> None:
    assert national_holidays(2026) is national_holidays(2026)
    assert all(d.year == 2026 for d in national_holidays(2026))


def test_holidays_between() -> None:
    assert CAL.holidays_between(date(2026, 12, 20), date(2027, 1, 6)) == [
        (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal"),
        (date(2026, 12, 25), "Hari Raya Natal"),
        (date(2027, 1, 1), "Tahun Baru Masehi"),
        (date(2027, 1, 5), "Isra Mikraj Nabi Muhammad"),
    ]


# ------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("start", "label", "expected"),
    [
        # plain, inside one day; ending exactly at closing time is allowed
        (wib(2026, 11, 24, 10), "15 menit", wib(2026, 11, 24, 10, 15)),
        (wib(2026, 11, 24, 15), "1 jam", wib(2026, 11, 24, 16)),
        (wib(2026, 11, 24, 10), "5 jam", wib(2026, 11, 24, 15)),
        # crosses the night
        (wib(2026, 11, 24, 15, 30), "1 jam", wib(2026, 11, 25, 8)),
        # weekend crossing: Friday 15.00 + 5 jam -> 1 h Friday + 4 h Monday
        (wib(2026, 11, 27, 15), "5 jam", wib(2026, 11, 30, 11, 30)),
        # Friday 15.30 before the Monday holiday (17 Aug 2026) ends Tuesday 08.00
        (wib(2026, 8, 14, 15, 30), "1 jam", wib(2026, 8, 18, 8)),
        # Friday before Hari Lahir Pancasila (Mon 1 Jun 2026)
        (wib(2026, 5, 29, 15, 30), "1 jam", wib(2026, 6, 2, 8)),
        # Friday before cuti bersama Imlek (Mon 16 Feb) and Imlek (Tue 17 Feb 2026)
        (wib(2026, 2, 13, 15, 30), "1 jam", wib(2026, 2, 18, 8)),
        # cuti bersama Natal on Thursday 24 Dec 2026
        (wib(2026, 12, 23, 15), "2 jam", wib(2026, 12, 28, 8, 30)),
        # start at night / before opening / on a weekend / on a holiday
        (wib(2026, 11, 23, 22), "15 menit", wib(2026, 11, 24, 7, 45)),
        (wib(2026, 11, 24, 6), "2 jam", wib(2026, 11, 24, 9, 30)),
        (wib(2026, 11, 24, 16), "15 menit", wib(2026, 11, 25, 7, 45)),
        (wib(2026, 11, 28, 10), "1 jam", wib(2026, 11, 30, 8, 30)),
        (wib(2026, 12, 25, 9), "15 menit", wib(2026, 12, 28, 7, 45)),
        # more than one office day of minutes (510 per day)
        (wib(2026, 11, 24, 7, 30), "600 menit", wib(2026, 11, 25, 9)),
        # working days keep the office-clock position
        (wib(2026, 11, 25, 10), "3 hari kerja", wib(2026, 11, 30, 10)),
        (wib(2026, 11, 24, 10), "1 hari kerja", wib(2026, 11, 25, 10)),
        # across Natal + cuti bersama, and across Tahun Baru + Isra Mikraj 2027
        (wib(2026, 12, 23, 10), "3 hari kerja", wib(2026, 12, 30, 10)),
        (wib(2026, 12, 30, 10), "3 hari kerja", wib(2027, 1, 6, 10)),
        # working days from outside office hours start at the next opening
        (wib(2026, 11, 24, 20), "1 hari kerja", wib(2026, 11, 26, 7, 30)),
        (wib(2026, 11, 28, 10), "1 hari kerja", wib(2026, 12, 1, 7, 30)),
        # a start at closing time keeps it
        (wib(2026, 11, 25, 16), "3 hari kerja", wib(2026, 11, 30, 16)),
        # Nyepi + Idul Fitri 2026: cuti bersama 18, 20, 23, 24 Mar; holidays 19, 21, 22 Mar
        (wib(2026, 3, 17, 10), "1 hari kerja", wib(2026, 3, 25, 10)),
        (wib(2026, 3, 17, 10), "2 hari kerja", wib(2026, 3, 26, 10)),
        (wib(2026, 3, 19, 10), "1 hari kerja", wib(2026, 3, 26, 7, 30)),  # starts on Nyepi
    ],
)
def test_deadline(start: datetime, label: str, expected: datetime) -> None:
    result = CAL.deadline(start, StandardTime.parse(label))
    assert result == expected
    assert result.tzinfo == WIB


def test_deadline_with_regional_holiday() -> None:
    start = wib(2026, 11, 24, 15, 30)
    assert REGIONAL.deadline(start, StandardTime(minutes=60)) == wib(2026, 11, 26, 8)
    assert REGIONAL.deadline(wib(2026, 11, 24, 10), StandardTime(working_days=3)) == wib(
        2026, 11, 30, 10
    )


def test_deadline_zero_standard_time_only_clamps() -> None:
    assert CAL.deadline(wib(2026, 11, 24, 10), StandardTime()) == wib(2026, 11, 24, 10)
    assert CAL.deadline(wib(2026, 11, 28, 10), StandardTime()) == wib(2026, 11, 30, 7, 30)


def test_deadline_refuses_naive_datetime() -> None:
    with pytest.raises(ValueError):
        CAL.deadline(datetime(2026, 11, 24, 10), StandardTime(minutes=15))


def test_deadline_two_time_zones_same_instant() -> None:
    instant = datetime(2026, 11, 24, 8, 45, tzinfo=UTC)  # 15.45 WIB = 16.45 WITA
    makassar = WorkCalendar(tz="Asia/Makassar")
    one_hour = StandardTime.parse("1 jam")

    in_jakarta = CAL.deadline(instant, one_hour)  # 15 min Tue + 45 min Wed
    in_makassar = makassar.deadline(instant, one_hour)  # already closed: Wed 07.30 + 60

    assert in_jakarta == datetime(2026, 11, 25, 8, 15, tzinfo=WIB)
    assert in_makassar == datetime(2026, 11, 25, 8, 30, tzinfo=WITA)
    assert in_makassar.tzinfo == WITA
    assert format_datetime_id(in_jakarta) == "Rabu, 25 November 2026 pukul 08.15 WIB"
    assert (
        format_datetime_id(in_makassar, "Asia/Makassar")
        == "Rabu, 25 November 2026 pukul 08.30 WITA"
    )
    assert CAL.is_office_time(instant)
    assert not makassar.is_office_time(instant)


def test_custom_office_hours_and_workdays() -> None:
    six_day = WorkCalendar(
        office_start=time(8, 0), office_end=time(14, 0), workdays=frozenset(range(6))
    )
    assert six_day.office_day_minutes == 360
    assert six_day.is_working_day(date(2026, 11, 28))  # Saturday
    assert six_day.deadline(wib(2026, 11, 27, 13), StandardTime(minutes=120)) == wib(
        2026, 11, 28, 9
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tz": "Asia/Nowhere"},
        {"office_start": time(16, 0), "office_end": time(7, 30)},
        {"workdays": frozenset()},
        {"workdays": frozenset({7})},
    ],
)
def test_invalid_calendar(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkCalendar(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------- next office moment


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (wib(2026, 11, 24, 10), wib(2026, 11, 24, 10)),
        (wib(2026, 11, 24, 7, 30), wib(2026, 11, 24, 7, 30)),
        (wib(2026, 11, 24, 5), wib(2026, 11, 24, 7, 30)),
        (wib(2026, 11, 24, 16), wib(2026, 11, 25, 7, 30)),
        (wib(2026, 11, 27, 18), wib(2026, 11, 30, 7, 30)),
        (wib(2026, 12, 23, 17), wib(2026, 12, 28, 7, 30)),
        (datetime(2026, 11, 24, 1, 0, tzinfo=UTC), wib(2026, 11, 24, 8)),
    ],
)
def test_next_office_moment(moment: datetime, expected: datetime) -> None:
    result = CAL.next_office_moment(moment)
    assert result == expected
    assert result.tzinfo == WIB


# ---------------------------------------------------------- elapsed minutes


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        (wib(2026, 11, 24, 10), wib(2026, 11, 24, 10, 15), 15),
        (wib(2026, 11, 24, 10), wib(2026, 11, 25, 10), 510),
        (wib(2026, 8, 14, 15, 30), wib(2026, 8, 18, 8), 60),
        (wib(2026, 8, 18, 8), wib(2026, 8, 14, 15, 30), -60),
        (wib(2026, 11, 28, 9), wib(2026, 11, 29, 15), 0),  # weekend
        (wib(2026, 11, 24, 20), wib(2026, 11, 25, 6), 0),  # night
        (wib(2026, 12, 23, 10), wib(2026, 12, 30, 10), 3 * 510),
        (wib(2026, 11, 24, 10), wib(2026, 11, 24, 10).replace(second=59), 0),
    ],
)
def test_office_minutes_between(a: datetime, b: datetime, minutes: int) -> None:
    assert CAL.office_minutes_between(a, b) == minutes


@pytest.mark.parametrize(
    ("start", "label"),
    [
        (wib(2026, 11, 24, 15, 30), "1 jam"),
        (wib(2026, 12, 23, 15), "5 jam"),
        (wib(2026, 11, 23, 22), "600 menit"),
    ],
)
def test_minutes_deadline_round_trips_through_elapsed(start: datetime, label: str) -> None:
    st = StandardTime.parse(label)
    due = CAL.deadline(start, st)
    assert CAL.office_minutes_between(start, due) == st.minutes


def test_office_minutes_between_refuses_naive() -> None:
    with pytest.raises(ValueError):
        CAL.office_minutes_between(datetime(2026, 11, 24, 10), wib(2026, 11, 24, 11))


# ------------------------------------------------------------------ wording


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (format_date_id, date(2026, 11, 24), "24 November 2026"),
        (format_date_id, date(2027, 1, 1), "1 Januari 2027"),
        (format_day_date_id, date(2026, 11, 24), "Selasa, 24 November 2026"),
        (format_day_date_id, date(2026, 11, 29), "Minggu, 29 November 2026"),
        (format_day_date_id, date(2026, 8, 14), "Jumat, 14 Agustus 2026"),
        (format_datetime_id, wib(2026, 12, 1, 10), "Selasa, 1 Desember 2026 pukul 10.00 WIB"),
        (format_datetime_id, wib(2026, 11, 30, 10), "Senin, 30 November 2026 pukul 10.00 WIB"),
        (
            format_datetime_id,
            datetime(2026, 11, 30, 17, 5, tzinfo=UTC),
            "Selasa, 1 Desember 2026 pukul 00.05 WIB",
        ),
        (format_duration_id, 0, "0 menit"),
        (format_duration_id, 45, "45 menit"),
        (format_duration_id, 60, "1 jam"),
        (format_duration_id, 135, "2 jam 15 menit"),
        (month_name_id, 2, "Februari"),
        (month_name_id, 12, "Desember"),
        (roman_triwulan, 1, "I"),
        (roman_triwulan, 4, "IV"),
    ],
)
def test_wording(func: object, value: object, expected: str) -> None:
    assert func(value) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("Asia/Jakarta", "Selasa, 1 Desember 2026 pukul 10.00 WIB"),
        ("Asia/Pontianak", "Selasa, 1 Desember 2026 pukul 10.00 WIB"),
        ("Asia/Makassar", "Selasa, 1 Desember 2026 pukul 11.00 WITA"),
        ("Asia/Jayapura", "Selasa, 1 Desember 2026 pukul 12.00 WIT"),
        ("Asia/Kolkata", "Selasa, 1 Desember 2026 pukul 08.30 UTC+5.30"),
        ("America/Sao_Paulo", "Selasa, 1 Desember 2026 pukul 00.00 UTC-3"),
    ],
)
def test_format_datetime_id_time_zones(tz: str, expected: str) -> None:
    assert format_datetime_id(wib(2026, 12, 1, 10), tz) == expected


def test_format_datetime_id_refuses_naive() -> None:
    with pytest.raises(ValueError):
        format_datetime_id(datetime(2026, 12, 1, 10))


def test_tz_abbreviation_fallback_uses_offset() -> None:
    assert tz_abbreviation("UTC", datetime(2026, 1, 1, tzinfo=UTC)) == "UTC+0"


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0 menit"),
        (135, "2 jam 15 menit"),
        (510, "1 hari kerja"),
        (600, "1 hari kerja 1 jam 30 menit"),
        (3 * 510 + 15, "3 hari kerja 15 menit"),
    ],
)
def test_format_office_duration(minutes: int, expected: str) -> None:
    assert format_office_duration(minutes, CAL.office_day_minutes) == expected


def test_negative_durations_refused() -> None:
    with pytest.raises(ValueError):
        format_duration_id(-1)
    with pytest.raises(ValueError):
        format_office_duration(-1, 510)


@pytest.mark.parametrize(
    ("year", "n", "first", "last"),
    [
        (2026, 1, date(2026, 1, 1), date(2026, 3, 31)),
        (2026, 2, date(2026, 4, 1), date(2026, 6, 30)),
        (2026, 3, date(2026, 7, 1), date(2026, 9, 30)),
        (2026, 4, date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_triwulan_period(year: int, n: int, first: date, last: date) -> None:
    assert triwulan_period(year, n) == (first, last)
    assert triwulan_of(first) == n
    assert triwulan_of(last) == n


@pytest.mark.parametrize("bad", [0, 5])
def test_triwulan_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        roman_triwulan(bad)
    with pytest.raises(ValueError):
        triwulan_period(2026, bad)
    with pytest.raises(ValueError):
        month_name_id(bad + 13)
