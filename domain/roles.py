"""The four roles of the SOP (Pelaksana), and the read-only reviewer (APIP)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    KASAT = "kasat"
    SEKRETARIS = "sekretaris"
    KASUBBAG = "kasubbag"
    TIM_KERJA = "tim_kerja"
    #: The Inspektorat / APIP reviewer: sees status and archive, holds no step, acts on nothing.
    PEREVIU = "pereviu"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def read_only(self) -> bool:
        """A role that holds no step and acts on nothing (the reviewer)."""
        return self not in WORKING_ROLES


ROLE_LABELS: dict[Role, str] = {
    Role.KASAT: "Kasat",
    Role.SEKRETARIS: "Sekretaris",
    Role.KASUBBAG: "Kasubbag",
    Role.TIM_KERJA: "Tim Kerja",
    Role.PEREVIU: "Pereviu APIP",
}

#: The head of a unit by the first word of its name (how its people address the post).
HEAD_TITLES: dict[str, str] = {
    "satuan": "Kasat",  # Satuan Polisi Pamong Praja: Kepala Satuan
    "satpol": "Kasat",
    "dinas": "Kepala Dinas",
    "badan": "Kepala Badan",
    "kantor": "Kepala Kantor",
    "inspektorat": "Inspektur",
    "kecamatan": "Camat",
    "bagian": "Kepala Bagian",
}
#: A unit whose name says nothing of its head.
HEAD_FALLBACK = "Kepala Unit Kerja"


def head_title(unit_name: str) -> str:
    """The head's title derived from a unit's name: "Dinas Kesehatan …" -> "Kepala Dinas",
    "Satuan Polisi Pamong Praja …" -> "Kasat"."""
    first = (unit_name.split() or [""])[0].lower().strip(".,")
    return HEAD_TITLES.get(first, HEAD_FALLBACK)


def derived_label(role: Role, unit_name: str) -> str:
    """A role's label in a unit of that name (the head's is the unit's own)."""
    return head_title(unit_name) if role is Role.KASAT else role.label


#: The roles an SOP table may give a step to (the reviewer holds none).
WORKING_ROLES: tuple[Role, ...] = (Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG, Role.TIM_KERJA)


# The level above each role: where an overdue task is escalated.
SUPERIOR: dict[Role, Role] = {
    Role.TIM_KERJA: Role.KASUBBAG,
    Role.KASUBBAG: Role.SEKRETARIS,
    Role.SEKRETARIS: Role.KASAT,
}
