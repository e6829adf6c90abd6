"""Working-day calendar of a government unit: office hours, weekends and holidays.

Standard times in the SOP are counted in office time on working days only, so
every deadline and elapsed-time figure the bot shows goes through this module.
National holidays ("libur nasional") and joint leave days ("cuti bersama") come
from the ``holidays`` package; a unit can add its own days ("libur daerah").

All arithmetic is done on wall-clock time in the unit's time zone. Indonesian
zones have no daylight saving time, so wall-clock and elapsed time agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from domain.standard_time import StandardTime

__all__ = ["WorkCalendar", "national_holidays"]

# Guards the day loops against a calendar with no working days left in sight.
_MAX_SCAN_DAYS = 3660


@lru_cache(maxsize=32)
def national_holidays(year: int) -> Mapping[date, str]:
    """National holidays and cuti bersama of one year, cached: building them is slow.

    The "government" category of the ``holidays`` package holds the cuti bersama
    days set by the SKB 3 Menteri; names are in Indonesian. Several holidays on
    one date are joined with "; " by the package.
    """
    source = holidays.country_holidays(
        "ID", categories=("public", "government"), language="id", years=year
    )
    return MappingProxyType({d: name for d, name in source.items() if d.year == year})


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=256)
def _days_off(calendar: WorkCalendar, year: int) -> frozenset[date]:
    """The year's holidays of ``calendar`` (national and its own), looked up once: a view
    across forty units asks about every day of a quarter many times."""
    extra = {day for day, _ in calendar.extra_holidays if day.year == year}
    return frozenset(national_holidays(year)) | frozenset(extra)


@dataclass(frozen=True)
class WorkCalendar:
    """Office hours, working weekdays and holidays of one unit.

    ``workdays`` uses ``date.weekday()`` numbers (Monday = 0).
    ``extra_holidays`` are days the region or unit declares itself, with a name.
    """

    tz: str = "Asia/Jakarta"
    office_start: time = time(7, 30)
    office_end: time = time(16, 0)
    extra_holidays: tuple[tuple[date, str], ...] = ()
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def __post_init__(self) -> None:
        try:
            _zone(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f'Zona waktu "{self.tz}" tidak dikenal.') from exc
        if self.office_start.tzinfo is not None or self.office_end.tzinfo is not None:
            raise ValueError("Jam kantor harus ditulis tanpa zona waktu.")
        if self.office_start >= self.office_end:
            raise ValueError("Jam mulai kantor harus lebih awal daripada jam selesai kantor.")
        if not self.workdays or not self.workdays <= frozenset(range(7)):
            raise ValueError("Hari kerja harus berupa angka 0 (Senin) sampai 6 (Minggu).")

    # ------------------------------------------------------------------ days

    @property
    def zone(self) -> ZoneInfo:
        """The unit's time zone object."""
        return _zone(self.tz)

    @property
    def office_day_minutes(self) -> int:
        """Office minutes in one working day (510 for 07.30-16.00)."""
        anchor = date(2000, 1, 3)
        span = datetime.combine(anchor, self.office_end) - datetime.combine(
            anchor, self.office_start
        )
        return span // timedelta(minutes=1)

    def holiday_name(self, d: date) -> str | None:
        """Name of the holiday on ``d`` (national first, then the unit's own), or None."""
        d = self._as_date(d)
        names: list[str] = []
        national = national_holidays(d.year).get(d)
        if national:
            names.append(national)
        names.extend(name for day, name in self.extra_holidays if day == d)
        return "; ".join(names) if names else None

    def is_working_day(self, d: date) -> bool:
        """A working weekday that is neither a holiday nor cuti bersama."""
        d = self._as_date(d)
        return d.weekday() in self.workdays and d not in _days_off(self, d.year)

    def next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        day = self._as_date(d)
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise RuntimeError("Tidak ada hari kerja dalam rentang sepuluh tahun.")

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` itself need not be a working day)."""
        if n < 0:
            raise ValueError("Jumlah hari kerja tidak boleh negatif.")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def holidays_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Holidays in ``[first, last]``, for showing why a deadline moved."""
        result: list[tuple[date, str]] = []
        day = first
        while day <= last:
            name = self.holiday_name(day)
            if name is not None:
                result.append((day, name))
            day += timedelta(days=1)
        return result

    # ---------------------------------------------------------------- moments

    def to_local(self, dt: datetime) -> datetime:
        """``dt`` in the unit's zone; naive datetimes are refused as ambiguous."""
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError("Waktu harus memuat zona waktu (datetime aware).")
        return dt.astimezone(self.zone)

    def is_office_time(self, dt: datetime) -> bool:
        """Inside office hours ``[office_start, office_end)`` on a working day."""
        local = self.to_local(dt)
        return self.is_working_day(local.date()) and (
            self.office_start <= local.time() < self.office_end
        )

    def next_office_moment(self, dt: datetime) -> datetime:
        """``dt`` if it is office time, else the next office opening (in the unit's zone).

        ``office_end`` itself counts as outside: no office time is left that day.
        """
        return self._clamp(self.to_local(dt), end_inclusive=False)

    def deadline(self, start: datetime, st: StandardTime) -> datetime:
        """When a step started at ``start`` is due under standard time ``st``.

        Working days are added first, keeping the office-clock position (a start
        at closing time keeps it: Wed 16.00 + 1 hari kerja = Thu 16.00); then the
        minutes are counted through office time only. A start outside office
        hours begins at the next opening. A zero standard time returns the start
        moved into office time.
        """
        local = self.to_local(start)
        current = self._clamp(local, end_inclusive=st.working_days > 0)
        if st.working_days:
            day = self.add_working_days(current.date(), st.working_days)
            current = self._at(day, current.time())
        remaining = timedelta(minutes=st.minutes)
        for _ in range(_MAX_SCAN_DAYS):
            available = self._at(current.date(), self.office_end) - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self._at(self.next_working_day(current.date()), self.office_start)
        raise RuntimeError("Tenggat tidak dapat dihitung dalam rentang sepuluh tahun.")

    def office_minutes_between(self, a: datetime, b: datetime) -> int:
        """Office minutes from ``a`` to ``b``, for durations, time left and overdue time.

        Signed: negative when ``b`` is before ``a`` (so "time left" turns negative
        once overdue). Truncated toward zero to whole minutes.
        """
        start = self.to_local(a)
        end = self.to_local(b)
        if end < start:
            return -self.office_minutes_between(b, a)
        total = timedelta(0)
        first, last = start.date(), end.date()
        for day in {first, last}:  # the two ends, partly in office hours
            if self.is_working_day(day):
                opening = max(start, self._at(day, self.office_start))
                closing = min(end, self._at(day, self.office_end))
                if closing > opening:
                    total += closing - opening
        # every whole working day between them: one office day each
        whole = self._working_days_inside(first, last)
        return total // timedelta(minutes=1) + whole * self.office_day_minutes

    # ---------------------------------------------------------------- helpers

    def _working_days_inside(self, first: date, last: date) -> int:
        """Working days strictly between ``first`` and ``last``, counted by weeks and the
        year's days off rather than day by day (a view across units times many spans)."""
        days = (last - first).days - 1
        if days <= 0:
            return 0
        start = first + timedelta(days=1)
        weeks, rest = divmod(days, 7)
        count = weeks * len(self.workdays) + sum(
            1 for n in range(rest) if (start + timedelta(days=n)).weekday() in self.workdays
        )
        end = last - timedelta(days=1)
        for year in range(start.year, end.year + 1):
            count -= sum(
                1
                for day in _days_off(self, year)
                if start <= day <= end and day.weekday() in self.workdays
            )
        return count

    def _as_date(self, d: date) -> date:
        """Plain date of ``d``; an aware datetime is first taken to the unit's zone."""
        if isinstance(d, datetime):
            return self.to_local(d).date() if d.tzinfo is not None else d.date()
        return d

    def _at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self.zone)

    def _clamp(self, local: datetime, *, end_inclusive: bool) -> datetime:
        """Move a local moment into office time; see ``next_office_moment``."""
        if self.is_working_day(local.date()):
            clock = local.time()
            if clock < self.office_start:
                return self._at(local.date(), self.office_start)
            if clock < self.office_end or (end_inclusive and clock == self.office_end):
                return local
        return self._at(self.next_working_day(local.date()), self.office_start)
