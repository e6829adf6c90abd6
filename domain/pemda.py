"""A pemda (regional government) and the evaluators who watch all of its units.

SAKIP is pushed from above the units: the Inspektorat (APIP) reviews each LKj, the Bagian
Organisasi or Bappeda chases late units before the pemda's deadlines. An :class:`Evaluator`
belongs to a pemda, not to a unit: read-only like a unit's reviewer, over every unit whose
kop names that government. Units are grouped by :func:`government_of` (the kop's government,
else the one read from the unit's name, else the unit's city as a Kota), so a pemda is never
configured twice: it is what its units say they belong to.

Roster data (TOML ``[[evaluator]]``, or the stored roster's ``evaluator`` list)::

    [[evaluator]]
    telegram_id = 900001
    name = "Dra. Sri Lestari"
    nip = "196805121994032004"
    position = "Inspektur Pembantu Wilayah I"
    body = "inspektorat"          # inspektorat | bagian_organisasi | bappeda
    pemda = "Kabupaten Kendal"
    admin = true                  # may invite the pemda's other evaluators
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from domain.identity import Government, government_from_name, parse_government

#: The bodies above the units that evaluate them, as a reader sees them.
BODIES: dict[str, str] = {
    "inspektorat": "Inspektorat",
    "bagian_organisasi": "Bagian Organisasi",
    "bappeda": "Bappeda",
}


@dataclass(frozen=True)
class Evaluator:
    """A person who sees every unit of one pemda (read-only), identified by Telegram id."""

    user_id: int
    name: str
    nip: str
    position: str
    body: str  # one of BODIES
    pemda: str  # the pemda's key (pemda_key)
    #: May invite the pemda's other evaluators (the pemda administrator).
    admin: bool = False

    @property
    def body_label(self) -> str:
        return BODIES.get(self.body, self.body)

    def to_dict(self, government: Government) -> dict[str, Any]:
        """As stored in the roster (``[[evaluator]]``), the pemda written out."""
        return {
            "telegram_id": self.user_id,
            "name": self.name,
            "nip": self.nip,
            "position": self.position,
            "body": self.body,
            "pemda": government.to_text(),
            "admin": self.admin,
        }


def pemda_key(government: Government) -> str:
    """A pemda's stable key: ``kabupaten-kendal`` (buttons, links and stored rows use it)."""
    slug = re.sub(r"[^a-z0-9]+", "-", government.name.lower()).strip("-")
    return f"{government.level}-{slug}"


class Grouped(Protocol):
    """What grouping reads of a unit (``domain.roster.Unit``, which imports this module)."""

    @property
    def name(self) -> str: ...

    @property
    def city(self) -> str: ...

    @property
    def government(self) -> Government | None: ...


def government_of(unit: Grouped) -> Government:
    """The government a unit belongs to: its kop's, else the one its name names, else the
    Kota of its city (as the kop prints it)."""
    return unit.government or government_from_name(unit.name) or Government("kota", unit.city)


def parse_evaluator(raw: dict[str, Any]) -> tuple[Evaluator, Government]:
    """One ``[[evaluator]]`` of the roster data (ValueError/KeyError name the problem)."""
    body = str(raw.get("body", "inspektorat"))
    if body not in BODIES:
        raise ValueError(f"evaluator body must be one of {', '.join(BODIES)}, not {body!r}")
    government = parse_government(str(raw["pemda"]))
    evaluator = Evaluator(
        user_id=int(raw["telegram_id"]),
        name=str(raw["name"]),
        nip=str(raw.get("nip", "")),
        position=str(raw.get("position", "")),
        body=body,
        pemda=pemda_key(government),
        admin=bool(raw.get("admin", False)),
    )
    return evaluator, government
