"""Helpers every text module uses: escaping user text, closing a sentence, naming a quarter."""

from __future__ import annotations

from html import escape

from domain.dates_id import roman_triwulan
from domain.roster import Person
from domain.text import neutralise_bidi


class Sentence(str):
    """A template whose last placeholder (names) ends its sentence: ``format`` closes it with
    one full stop, so a name ending in one ("…, S.Farm.") does not get a second."""

    def format(self, *args: object, **kwargs: object) -> str:
        text = str.format(self, *args, **kwargs)
        return text + end_sentence(text)


def esc(value: object) -> str:
    """User text for an HTML message: escaped, and without bidi controls that would
    reverse the text after them."""
    return escape(neutralise_bidi(str(value)), quote=False)


def end_sentence(text: str) -> str:
    """A full stop, unless the text already ends with one (titles like "M.Si.")."""
    return "" if text.endswith(".") else "."


def tw(triwulan: int, year: int) -> str:
    return f"Triwulan {roman_triwulan(triwulan)} Tahun {year}"


def tw_short(triwulan: int) -> str:
    return f"TW {roman_triwulan(triwulan)}"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def who(person: Person | None) -> str:
    return f"{esc(person.name)} ({esc(person.label)})" if person else "-"


def deadline_line(deadline: str, standard: str = "") -> str:
    """The deadline, with the standard time or the time left in brackets when given."""
    return f"Batas waktu: {deadline}" + (f" ({standard})." if standard else ".")
