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

#: The roles an SOP table may give a step to (the reviewer holds none).
WORKING_ROLES: tuple[Role, ...] = (Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG, Role.TIM_KERJA)


# The level above each role: where an overdue task is escalated.
SUPERIOR: dict[Role, Role] = {
    Role.TIM_KERJA: Role.KASUBBAG,
    Role.KASUBBAG: Role.SEKRETARIS,
    Role.SEKRETARIS: Role.KASAT,
}
