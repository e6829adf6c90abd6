"""Small pieces of Indonesian report wording shared by the annual LKj's chapters."""

from __future__ import annotations

from collections.abc import Sequence

from domain.performance import format_number_id, round_half_up

DASH = "-"

_INDEX_UNITS = ("indeks", "index", "nilai", "skor", "predikat")


def join_id(items: Sequence[str]) -> str:
    """``"a"``, ``"a dan b"``, ``"a, b, dan c"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} dan {items[1]}"
    return ", ".join(items[:-1]) + ", dan " + items[-1]


def exact_number(value: float | None) -> str:
    """A derived value (a mean of quarters, a change) as every report prints numbers: two
    decimals at most, rounded half up (76,775 → 76,78; 72,9375 → 72,94). The capaian next to
    it is computed from the unrounded value."""
    if value is None:
        return DASH
    return format_number_id(round_half_up(value, 2))


def with_unit(value: str, satuan: str) -> str:
    """``"85%"``, ``"1.200 kali"``, ``"indeks 82,5"``."""
    satuan = satuan.strip()
    if not satuan or value == DASH:
        return value
    if satuan == "%":
        return f"{value}%"
    if satuan.casefold() in _INDEX_UNITS:
        return f"{satuan} {value}"
    return f"{value} {satuan}"
