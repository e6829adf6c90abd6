"""Standard times ("waktu") of an SOP step, as written in the SOP document.

The SOP states each step's time as an Indonesian label such as "15 menit",
"5 jam" or "3 hari kerja". Minutes and hours are counted in office time only;
"hari kerja" counts whole working days (see ``domain.calendar``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["StandardTime"]

# One "<number> <unit>" part; a label may chain several ("1 jam 30 menit").
_PART_RE = re.compile(r"(\d+)\s*(hari\s*kerja|jam|menit)", re.IGNORECASE)
_ACCEPTED_FORMS = '"15 menit", "1 jam", "1 jam 30 menit" atau "3 hari kerja"'


@dataclass(frozen=True)
class StandardTime:
    """Office minutes plus whole working days, kept apart because they count differently."""

    minutes: int = 0
    working_days: int = 0

    def __post_init__(self) -> None:
        if self.minutes < 0 or self.working_days < 0:
            raise ValueError("Waktu standar tidak boleh bernilai negatif.")

    @classmethod
    def parse(cls, text: str) -> StandardTime:
        """Read an SOP label; strict so a typo in the SOP data fails loudly, not silently."""
        normalized = " ".join(text.split()).lower()
        if not normalized:
            raise ValueError(f"Waktu standar kosong. Gunakan format {_ACCEPTED_FORMS}.")
        minutes = 0
        working_days = 0
        seen: set[str] = set()
        pos = 0
        for match in _PART_RE.finditer(normalized):
            gap = normalized[pos : match.start()]
            if gap.strip():
                break
            unit = " ".join(match.group(2).split())
            if unit == "harikerja":
                unit = "hari kerja"
            if unit in seen:
                raise ValueError(
                    f'Waktu standar "{text}" memuat satuan "{unit}" lebih dari sekali.'
                )
            seen.add(unit)
            value = int(match.group(1))
            if unit == "hari kerja":
                working_days = value
            elif unit == "jam":
                minutes += value * 60
            else:
                minutes += value
            pos = match.end()
        if not seen or normalized[pos:].strip():
            raise ValueError(
                f'Waktu standar "{text}" tidak dikenali. Gunakan format {_ACCEPTED_FORMS}.'
            )
        return cls(minutes=minutes, working_days=working_days)

    def office_minutes(self, office_day_minutes: int) -> int:
        """As office minutes, a whole office day (``WorkCalendar.office_day_minutes``) per
        working day (``domain.office_time.standard_minutes``)."""
        return self.minutes + self.working_days * office_day_minutes

    @property
    def label(self) -> str:
        """Indonesian label; whole hours are shown as "jam", anything else as "menit"."""
        parts: list[str] = []
        if self.working_days:
            parts.append(f"{self.working_days} hari kerja")
        if self.minutes:
            if self.minutes % 60 == 0:
                parts.append(f"{self.minutes // 60} jam")
            else:
                parts.append(f"{self.minutes} menit")
        return " ".join(parts) if parts else "0 menit"

    def __str__(self) -> str:
        return self.label
