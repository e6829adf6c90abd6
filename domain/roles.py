"""The four roles of the SOP (Pelaksana)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    KASAT = "kasat"
    SEKRETARIS = "sekretaris"
    KASUBBAG = "kasubbag"
    TIM_KERJA = "tim_kerja"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.KASAT: "Kasat",
    Role.SEKRETARIS: "Sekretaris",
    Role.KASUBBAG: "Kasubbag",
    Role.TIM_KERJA: "Tim Kerja",
}


# The level above each role: where an overdue task is escalated.
SUPERIOR: dict[Role, Role] = {
    Role.TIM_KERJA: Role.KASUBBAG,
    Role.KASUBBAG: Role.SEKRETARIS,
    Role.SEKRETARIS: Role.KASAT,
}
