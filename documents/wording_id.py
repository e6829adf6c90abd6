"""Small pieces of Indonesian report wording shared by the annual LKj's chapters."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from domain.performance import format_number_id

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
    """A derived value (a mean of quarters) shown exactly, up to four decimals.

    ``format_number_id`` shows at most two; a mean such as 76,775 would print as 76,77 and
    no longer recompute to the capaian shown next to it.
    """
    if value is None:
        return DASH
    exact = Decimal(repr(float(value))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    exponent = exact.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places <= 2:
        return format_number_id(float(exact))
    return format_number_id(float(exact), places)


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
