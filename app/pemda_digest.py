"""The evaluators' Monday digest (issue 22): every week, on the first working day of the
week from the office's opening (the pemda's units' working calendar), each evaluator of a
pemda is owed ONE message listing the units that are late or at risk (``app.pemda``).

Nothing is scheduled: what is due is derived from the clock and the roster, and each digest
has a stable key (pemda, evaluator, ISO week). It is recorded *owed* with its text in the
store before it is sent (``storage.digests``), and marked as Telegram accepts it, so a
restart, a second worker or a failed send neither repeats nor loses it. Telegram-free: the
channel words the digest (``word``) and sends what is owed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from app import pemda
from app.pemda import Overview, PemdaView, UnitRow
from domain.calendar import WorkCalendar
from domain.pemda import Evaluator
from storage.digests import DROPPED, SENT, PemdaDigestRepository

#: The months in which last year's late quarters still count (Q4 is reported in January).
CARRY_OVER_MONTHS = 3


class DigestStore(PemdaView, Protocol):
    @property
    def pemda_digests(self) -> PemdaDigestRepository: ...


@dataclass(frozen=True)
class Digest:
    """One evaluator's digest of one week: the rows that need attention, and the overview
    they come from (for the counts of the others)."""

    key: str
    evaluator: Evaluator
    overview: Overview
    #: Late or at-risk units with the year of the quarter shown: last year's still open ones
    #: first in January–March.
    attention: tuple[tuple[int, UnitRow], ...]
    day: date
    tz: str
    #: The year of the store file it is kept in (the digest day's year).
    year: int


def digest_day(calendar: WorkCalendar, day: date) -> date | None:
    """The week's digest day: its Monday, or when that is no working day (a holiday) the
    next working day of the same week; None for a week without any."""
    monday = day - timedelta(days=day.weekday())
    for offset in range(7):
        candidate = monday + timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return candidate
    return None


def week_key(pemda_key: str, user_id: int, day: date) -> str:
    iso = day.isocalendar()
    return f"{pemda_key}|{user_id}|{iso.year}-W{iso.week:02d}"


def due(services: DigestStore, now: datetime) -> list[Digest]:
    """The digests due at ``now`` and not recorded yet: for each pemda with evaluators and
    units, on its digest day from the office's opening (in its units' calendar) until the
    day ends, one per evaluator."""
    roster = services.roster
    found: list[Digest] = []
    for key in roster.pemdas():
        evaluators = roster.evaluators_of(key)
        units = roster.units_of_pemda(key)
        if not evaluators or not units:
            continue
        calendar = services.calendar(units[0])  # a pemda's units share their region's
        local = calendar.to_local(now)
        if digest_day(calendar, local.date()) != local.date():
            continue
        if local.time() < calendar.office_start:
            continue
        waiting = [
            e
            for e in evaluators
            if services.pemda_digests.get(key, local.year, week_key(key, e.user_id, local.date()))
            is None
        ]
        if not waiting:
            continue
        view = pemda.overview(services, key, local.year)
        attention = tuple((local.year, row) for row in view.attention)
        if local.month <= CARRY_OVER_MONTHS:
            last = pemda.overview(services, key, local.year - 1)
            attention = tuple((last.year, row) for row in last.attention) + attention
        for evaluator in waiting:
            found.append(
                Digest(
                    key=week_key(key, evaluator.user_id, local.date()),
                    evaluator=evaluator,
                    overview=view,
                    attention=attention,
                    day=local.date(),
                    tz=calendar.tz,
                    year=local.year,
                )
            )
    return found


def owe(services: DigestStore, word: Callable[[Digest], list[str]], now: datetime) -> list[Digest]:
    """Record every digest due as owed, with the message parts ``word`` gives (the channel's
    wording, split to Telegram's limit); returns the ones recorded now."""
    owed = []
    for digest in due(services, now):
        doc: dict[str, Any] = {
            "key": digest.key,
            "chat_id": digest.evaluator.user_id,
            "parts": word(digest),
            "at": now.isoformat(),
            "units": [row.unit for _, row in digest.attention],
        }
        if services.pemda_digests.owe(digest.overview.pemda, digest.year, doc):
            owed.append(digest)
    return owed


@dataclass(frozen=True)
class Owed:
    """A digest still owed (whole or from part ``sent_parts``), as stored."""

    pemda: str
    year: int
    doc: dict[str, Any]

    @property
    def key(self) -> str:
        return str(self.doc["key"])

    @property
    def chat_id(self) -> int:
        return int(self.doc["chat_id"])


def pending(services: DigestStore, now: datetime) -> list[Owed]:
    """Every digest still owed, of this year and last (one owed across New Year)."""
    out = []
    roster = services.roster
    for key in roster.pemdas():
        if not roster.evaluators_of(key):
            continue  # nothing was ever owed there
        for year in (now.year - 1, now.year):
            out += [Owed(key, year, doc) for doc in services.pemda_digests.owed(key, year)]
    return out


def stale(owed: Owed, now: datetime) -> bool:
    """A digest not delivered within its week (the chat closed all week): the next one
    supersedes it."""
    return now - datetime.fromisoformat(str(owed.doc["at"])) > timedelta(days=7)


def record_sent_part(services: DigestStore, owed: Owed, sent: int, now: datetime) -> None:
    """Telegram accepted the digest's first ``sent`` parts (all: it is sent)."""
    done: dict[str, Any] = {"sent_parts": sent, "uncertain": None}
    if sent >= len(owed.doc["parts"]):
        done.update(state=SENT, sent_at=now.isoformat())
    services.pemda_digests.update(owed.pemda, owed.year, owed.key, done)


def record_uncertain(services: DigestStore, owed: Owed, now: datetime) -> None:
    """A send timed out: it may have arrived, so it is not sent again for a while."""
    services.pemda_digests.update(owed.pemda, owed.year, owed.key, {"uncertain": now.isoformat()})


def drop(services: DigestStore, owed: Owed, why: str) -> None:
    """Given up (refused by Telegram, or superseded by the next week's)."""
    services.pemda_digests.update(owed.pemda, owed.year, owed.key, {"state": DROPPED, "why": why})
