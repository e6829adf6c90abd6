"""Plain rows of every unit's cycles, for views across units (the pemda's evaluators).

A view of forty units must not load and parse forty unit-years whole. What it needs of each
cycle is a few facts: the step it waits at and since when, its deadline, who acted last,
whether a signed report exists, how many steps were finished and how many of them after
their deadline, and per indicator its sasaran and direction, the quarter's target and the
realisation reported. :func:`rows_of_unit_file` takes them out of a stored unit-and-year
document (``units/<unit>/<year>.json``) exactly as written; no rule is applied here: who
holds a step is the SOP table's answer, the capaian the domain's formula, both computed by
the view from these rows (``step``, ``target``, ``realisation``, ``direction``).

:func:`cycle_summaries` answers from either backend, the same rows:

* **PostgreSQL**: the tables ``lkj_cycles`` and ``lkj_indicators`` (schema version 2, the
  sasaran, direction and step counts since version 4, see
  :mod:`storage.pg`), rewritten from the document by :meth:`storage.pg.PgStore.write` in the
  same transaction that writes the unit's row, so they never disagree with it; one indexed
  query reads every unit's year.
* **Files**: the units' files themselves, through a small index: each file's rows with the
  file's identity (inode, mtime, size) when they were taken, kept in memory and in
  ``state/summaries.idx`` for the next process. A query ``stat``\\ s each unit's file and
  takes again the rows of only those written since (by any process; a file this process
  wrote itself is in the store's read cache, so that costs no parse), then saves the index
  if it changed. The index is a cache checked against the files, never their authority.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from storage.atomic import atomic_write_bytes


class Database(Protocol):
    """What the summaries read of :class:`storage.database.Database` (a protocol, so this
    module, which :mod:`storage.pg` imports, does not import the database back)."""

    data_dir: Path
    pg: Any

    def signature(self, *parts: str) -> Any: ...

    def file(self, *parts: str) -> Any: ...


#: A unit-and-year store file's relative path: its unit and year.
UNIT_FILE = re.compile(r"^units/([A-Za-z0-9_.-]+)/([0-9]{4})\.json$")


class IndicatorValue(NamedTuple):
    """One indicator of a cycle: the quarter's target, the year's, and the realisation
    reported for the quarter (latest version not superseded; None: not reported yet). A
    named tuple: a pemda's view builds thousands of them."""

    code: str
    target: float | None
    target_tahunan: float | None
    realisation: float | None
    sasaran: str = ""  # the strategic objective the indicator measures
    direction: str = ""  # the indicator's direction as stored ("" read as rising)


@dataclass(frozen=True)
class CycleSummary:
    unit: str
    year: int
    triwulan: int
    step: int
    status: str  # the cycle's status as stored (domain.models.RUNNING, FILED)
    rev: int
    #: When the step it waits at began (the open step record); a cycle with no open step:
    #: when its last step ended.
    since: datetime | None
    deadline: datetime | None  # the open step's deadline (None: no open step)
    signed: bool  # a signed report version exists
    last_actor: int | None  # who made the last recorded action
    indicators: tuple[IndicatorValue, ...] = ()
    #: The SOP's timing so far: steps finished, and of those, finished after their deadline.
    steps_done: int = 0
    steps_late: int = 0


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _summary(unit: str, year: int, doc: dict[str, Any]) -> CycleSummary:
    triwulan = int(doc["triwulan"])
    steps = list(doc.get("steps") or [])
    open_steps = [s for s in steps if not s.get("finished_at")]
    if open_steps:
        since, deadline = _dt(open_steps[-1].get("started_at")), _dt(open_steps[-1].get("deadline"))
    elif steps:
        since, deadline = _dt(steps[-1].get("finished_at")), None
    else:
        since, deadline = _dt(doc.get("started_at")), None
    history = doc.get("history") or []
    latest: dict[str, tuple[int, float]] = {}
    for real in doc.get("realisations") or []:
        if real.get("superseded") or int(real.get("triwulan", 0)) != triwulan:
            continue
        version = int(real.get("version", 1))
        if real["code"] not in latest or latest[real["code"]][0] <= version:
            latest[real["code"]] = (version, float(real["value"]))
    indicators = []
    for ind in doc.get("indicators") or []:
        targets = list(ind.get("targets") or [])
        target = targets[triwulan - 1] if 0 < triwulan <= len(targets) else None
        found = latest.get(ind["code"])
        indicators.append(
            IndicatorValue(
                code=str(ind["code"]),
                target=_num(target),
                target_tahunan=_num(ind.get("target_tahunan")),
                realisation=found[1] if found else None,
                sasaran=str(ind.get("sasaran") or ""),
                direction=str(ind.get("direction") or ""),
            )
        )
    done = [(_dt(s.get("finished_at")), _dt(s.get("deadline"))) for s in steps]
    done = [(end, due) for end, due in done if end is not None]
    late = [end for end, due in done if due is not None and end is not None and end > due]
    return CycleSummary(
        unit=unit,
        year=year,
        triwulan=triwulan,
        step=int(doc["step"]),
        status=str(doc.get("status", "")),
        rev=int(doc.get("rev", 0)),
        since=since,
        deadline=deadline,
        signed=any(r.get("status") == "signed" for r in doc.get("reports") or []),
        last_actor=int(history[-1]["actor"]) if history else None,
        indicators=tuple(indicators),
        steps_done=len(done),
        steps_late=len(late),
    )


def rows_of_unit_file(unit: str, year: int, data: dict[str, Any] | None) -> list[CycleSummary]:
    """The cycles of one stored unit-and-year document (TinyDB's shape: tables of documents
    by id), one row per quarter, by quarter."""
    cycles = (data or {}).get("cycles") or {}
    by_quarter = {}
    for doc in cycles.values():
        if isinstance(doc, dict) and "triwulan" in doc:
            by_quarter[int(doc["triwulan"])] = _summary(unit, year, doc)
    return [by_quarter[tw] for tw in sorted(by_quarter)]


def cycle_summaries(db: Database, units: list[str] | None, year: int) -> list[CycleSummary]:
    """Every cycle of ``year`` of ``units`` (None: every unit), by unit and quarter."""
    if db.pg is not None:
        return db.pg.cycle_summaries(units, year)
    return _FILE_INDEX.rows(db, units, year)


#: The files backend's index, kept between processes (not a ``.json`` store file: a cache
#: that is checked against each unit file's identity before use, never trusted alone).
INDEX_REL = "state/summaries.idx"


def _encode(row: CycleSummary) -> list[Any]:
    return [
        row.unit, row.year, row.triwulan, row.step, row.status, row.rev,
        row.since.isoformat() if row.since else None,
        row.deadline.isoformat() if row.deadline else None,
        row.signed, row.last_actor, [list(i) for i in row.indicators],
        row.steps_done, row.steps_late,
    ]  # fmt: skip


def _decode(raw: list[Any]) -> CycleSummary:
    return CycleSummary(
        unit=str(raw[0]),
        year=int(raw[1]),
        triwulan=int(raw[2]),
        step=int(raw[3]),
        status=str(raw[4]),
        rev=int(raw[5]),
        since=_dt(raw[6]),
        deadline=_dt(raw[7]),
        signed=bool(raw[8]),
        last_actor=raw[9],
        indicators=tuple(IndicatorValue(*i) for i in raw[10]),
        # An index written before these (no raw[11]) is discarded whole by _load.
        steps_done=int(raw[11]),
        steps_late=int(raw[12]),
    )


class _FileIndex:
    """The file backend's index: per unit file, its rows and the file's identity when they
    were taken; kept in memory and in ``state/summaries.idx`` (rewritten after a query that
    found a unit file changed), so a fresh process parses only the files changed since."""

    def __init__(self) -> None:
        self._rows: dict[Path, tuple[tuple[int, ...], list[CycleSummary]]] = {}
        self._loaded: set[Path] = set()
        self._lock = threading.Lock()

    def rows(self, db: Database, units: list[str] | None, year: int) -> list[CycleSummary]:
        root = db.data_dir / "units"
        if units is None:
            units = sorted(p.name for p in root.iterdir()) if root.is_dir() else []
        with self._lock:
            self._load(db.data_dir)
        found: list[CycleSummary] = []
        changed = False
        for unit in units:
            rows, fresh = self._of(db, unit, year)
            found.extend(rows)
            changed = changed or fresh
        if changed:
            self._save(db.data_dir)
        return found

    def _load(self, data_dir: Path) -> None:
        if data_dir in self._loaded:
            return
        self._loaded.add(data_dir)
        try:
            saved = json.loads((data_dir / INDEX_REL).read_bytes())
            for rel, (identity, rows) in saved.items():
                path = data_dir / rel
                if path not in self._rows and UNIT_FILE.match(rel):
                    self._rows[path] = (tuple(identity), [_decode(r) for r in rows])
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            pass  # no index yet, or a damaged one: the files are read again

    def _save(self, data_dir: Path) -> None:
        with self._lock:
            entries = {
                path.relative_to(data_dir).as_posix(): [list(identity), [_encode(r) for r in rows]]
                for path, (identity, rows) in self._rows.items()
                if path.is_relative_to(data_dir)
            }
        try:
            atomic_write_bytes(data_dir / INDEX_REL, json.dumps(entries).encode())
        except OSError:
            pass  # a cache: the next query reads the changed files again

    def _of(self, db: Database, unit: str, year: int) -> tuple[list[CycleSummary], bool]:
        path = db.data_dir / "units" / unit / f"{year}.json"
        identity = db.signature("units", unit, f"{year}.json")
        if identity is None:
            return [], False
        with self._lock:
            known = self._rows.get(path)
        if known is not None and known[0] == identity:
            return known[1], False
        data = db.file("units", unit, f"{year}.json").storage.read()
        rows = rows_of_unit_file(unit, year, data)
        with self._lock:
            self._rows[path] = (identity, rows)
        return rows, True


_FILE_INDEX = _FileIndex()
