"""One stand-in appointment (Plh / Plt) as kept on record (the rules: ``domain.standins``).

Apart from the rules so that the roster, which holds the periods, needs nothing of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.roles import Role

PLH = "Plh."
PLT = "Plt."


@dataclass(frozen=True)
class StandIn:
    """One appointment: ``acting`` stands in for ``role`` from ``start`` until ``end``
    (exclusive: midnight after the last day, in the unit's time zone), or until it was ended
    early (``ended_at``). ``holder`` is the official represented (None: the post was vacant,
    a Plt.); ``post`` the post's title as printed ("Kepala Satuan …")."""

    id: str
    unit: str
    role: Role
    acting: int
    holder: int | None
    post: str
    start: datetime
    end: datetime
    by: int
    at: datetime
    ended_at: datetime | None = None
    ended_by: int | None = None

    @property
    def kind(self) -> str:
        return PLT if self.holder is None else PLH

    @property
    def cancelled(self) -> bool:
        """Ended before it began: nobody stood in; it no longer holds its days."""
        return self.ended_at is not None and self.ended_at <= self.start

    @property
    def until(self) -> datetime:
        """The first moment the appointment no longer covers."""
        return min(self.end, self.ended_at) if self.ended_at else self.end

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.until

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit,
            "role": self.role.value,
            "acting": self.acting,
            "holder": self.holder,
            "post": self.post,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "by": self.by,
            "at": self.at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "ended_by": self.ended_by,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StandIn:
        return cls(
            id=str(d["id"]),
            unit=str(d["unit"]),
            role=Role(d["role"]),
            acting=int(d["acting"]),
            holder=None if d.get("holder") is None else int(d["holder"]),
            post=str(d.get("post", "")),
            start=datetime.fromisoformat(d["start"]),
            end=datetime.fromisoformat(d["end"]),
            by=int(d["by"]),
            at=datetime.fromisoformat(d["at"]),
            ended_at=datetime.fromisoformat(d["ended_at"]) if d.get("ended_at") else None,
            ended_by=None if d.get("ended_by") is None else int(d["ended_by"]),
        )
