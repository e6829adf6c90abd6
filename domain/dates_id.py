"""Indonesian date, time and duration wording for messages and reports.

Built from fixed tables rather than ``strftime`` so the output does not depend
on which locales the server happens to have installed.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "DAY_NAMES_ID",
    "MONTH_NAMES_ID",
    "day_name_id",
    "format_date_id",
    "format_datetime_id",
    "format_day_date_id",
    "format_duration_id",
    "format_office_duration",
    "format_time_id",
    "month_name_id",
    "parse_date_id",
    "roman_triwulan",
    "triwulan_of",
    "triwulan_period",
    "tz_abbreviation",
]

DAY_NAMES_ID: tuple[str, ...] = (
    "Senin",
    "Selasa",
    "Rabu",
    "Kamis",
    "Jumat",
    "Sabtu",
    "Minggu",
)

MONTH_NAMES_ID: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# Indonesia's three official zone names; other zones fall back to a UTC offset.
_ZONE_ABBREVIATIONS: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}

_ROMAN_TRIWULAN: tuple[str, ...] = ("I", "II", "III", "IV")


def month_name_id(month: int) -> str:
    """Indonesian month name, 1 = "Januari"."""
    if not 1 <= month <= 12:
        raise ValueError(f"Bulan harus 1 sampai 12, bukan {month}.")
    return MONTH_NAMES_ID[month - 1]


def day_name_id(d: date) -> str:
    """Indonesian weekday name of ``d`` ("Senin" ... "Minggu")."""
    return DAY_NAMES_ID[d.weekday()]


def format_date_id(d: date) -> str:
    """Date as "24 November 2026"; a datetime is taken at its own wall-clock date."""
    return f"{d.day} {month_name_id(d.month)} {d.year}"


def format_day_date_id(d: date) -> str:
    """Weekday and date, as "Selasa, 24 November 2026"."""
    return f"{day_name_id(d)}, {format_date_id(d)}"


def tz_abbreviation(tz: str, dt: datetime | None = None) -> str:
    """Zone suffix: WIB/WITA/WIT for Indonesian zones, else "UTC+7" from ``dt``'s offset."""
    known = _ZONE_ABBREVIATIONS.get(tz)
    if known is not None:
        return known
    moment = dt if dt is not None else datetime.now(ZoneInfo(tz))
    offset = moment.astimezone(ZoneInfo(tz)).utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    total_minutes = abs(offset) // timedelta(minutes=1)
    hours, minutes = divmod(total_minutes, 60)
    return f"UTC{sign}{hours}" + (f".{minutes:02d}" if minutes else "")


def format_time_id(dt: datetime | time) -> str:
    """Clock time as "10.00": Indonesian spelling puts a period between hours and minutes."""
    return f"{dt.hour:02d}.{dt.minute:02d}"


def format_datetime_id(dt: datetime, tz: str = "Asia/Jakarta") -> str:
    """Moment as "Senin, 1 Desember 2026 pukul 10.00 WIB", after converting to ``tz``.

    Naive datetimes are refused: guessing their zone would shift deadlines silently.
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("Waktu harus memuat zona waktu (datetime aware).")
    local = dt.astimezone(ZoneInfo(tz))
    return f"{format_day_date_id(local)} pukul {format_time_id(local)} {tz_abbreviation(tz, local)}"


def format_duration_id(minutes: int) -> str:
    """Clock duration: "2 jam 15 menit", "45 menit", "3 jam", "0 menit".

    Negative values are refused so a sign is never dropped by accident; callers
    word "sisa"/"terlambat" themselves and pass ``abs(...)``.
    """
    if minutes < 0:
        raise ValueError("Durasi tidak boleh negatif.")
    hours, rest = divmod(minutes, 60)
    parts: list[str] = []
    if hours:
        parts.append(f"{hours} jam")
    if rest or not parts:
        parts.append(f"{rest} menit")
    return " ".join(parts)


def format_office_duration(minutes: int, office_day_minutes: int) -> str:
    """Office-time duration: "1 hari kerja 2 jam 15 menit", a full office day per "hari kerja".

    ``office_day_minutes`` is ``WorkCalendar.office_day_minutes`` (510 for 07.30-16.00).
    """
    if office_day_minutes <= 0:
        raise ValueError("Lama satu hari kerja harus lebih dari nol menit.")
    if minutes < 0:
        raise ValueError("Durasi tidak boleh negatif.")
    days, rest = divmod(minutes, office_day_minutes)
    if not days:
        return format_duration_id(rest)
    if not rest:
        return f"{days} hari kerja"
    return f"{days} hari kerja {format_duration_id(rest)}"


def roman_triwulan(n: int) -> str:
    """Quarter number in Roman numerals ("I" ... "IV"), as used in LKj titles."""
    if not 1 <= n <= 4:
        raise ValueError(f"Triwulan harus 1 sampai 4, bukan {n}.")
    return _ROMAN_TRIWULAN[n - 1]


def triwulan_of(d: date) -> int:
    """Quarter (1-4) that ``d`` falls in."""
    return (d.month - 1) // 3 + 1


def triwulan_period(year: int, n: int) -> tuple[date, date]:
    """First and last day of quarter ``n`` of ``year``."""
    roman_triwulan(n)  # validates n
    first_month = 3 * n - 2
    last_month = 3 * n
    last_day = _stdlib_calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


def parse_date_id(text: str) -> date:
    """A date as typed: "14-12-2026", "14/12/2026", "2026-12-14" or "14 Desember 2026"
    (month names in Indonesian, any case); ValueError otherwise."""
    words = text.strip().replace(",", " ").split()
    if len(words) == 3 and words[1].capitalize() in MONTH_NAMES_ID:
        return date(int(words[2]), MONTH_NAMES_ID.index(words[1].capitalize()) + 1, int(words[0]))
    if len(words) != 1:
        raise ValueError(text)
    parts = words[0].replace("/", "-").replace(".", "-").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    if len(parts[0]) == 4:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    return date(int(parts[2]), int(parts[1]), int(parts[0]))
