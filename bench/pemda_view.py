"""The pemda view (issue 22, item 5): the query (``storage.summaries.cycle_summaries``) and
the whole view built from it (``app.pemda.overview``) for 1 and for 50 units × 4 quarters
(three filed, the fourth at the collection; each with 10 indicators and their realisations),
on the files backend and on PostgreSQL, timed directly (no bot, no HTTP).

*Warm*: the query again and again in one process (the bot's case: the files backend's index
already holds the rows of unchanged files; PostgreSQL answers from ``lkj_cycles`` and
``lkj_indicators``). *First*: the first query in a fresh process (the files backend parses
every unit's file once). The PostgreSQL cluster is the tests' throw-away one
(``tests/pg_cluster.py``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.pemda import overview
from bench.fixtures import HISTORY_YEAR, CycleMaker, make_roster, no_fsync
from domain.calendar import WorkCalendar
from domain.identity import Government
from domain.models import Cycle
from domain.performance import Indicator, Realisation
from domain.roster import Roster, Unit
from domain.sop import Sop, load_sop
from domain.workflow import WorkflowContext
from storage.database import Database
from storage.repositories import CycleRepository
from storage.summaries import CycleSummary, cycle_summaries

INDICATORS = 10
SIZES = (1, 50)
REPO = Path(__file__).resolve().parents[1]


def _with_indicators(cycle: Cycle) -> Cycle:
    """The quarter's Perjanjian Kinerja indicators, each reported once and corrected once."""
    indicators = tuple(
        Indicator(f"IKU-{n}", f"Sasaran {n // 3 + 1}", f"Indikator {n}", "%", 100.0,
                  (25.0, 50.0, 75.0, 100.0))
        for n in range(1, INDICATORS + 1)
    )  # fmt: skip
    at = cycle.started_at or cycle.steps[0].started_at
    realisations = tuple(
        Realisation(ind.code, cycle.triwulan, 20.0 + n + version, "kendala", "tindak lanjut",
                    ("a" * 64,), cycle.started_by, at, version, version == 1)
        for n, ind in enumerate(indicators)
        for version in (1, 2)
    )  # fmt: skip
    return dataclasses.replace(cycle, indicators=indicators, realisations=realisations)


def _roster(units: int) -> Roster:
    """``units`` units of one pemda (the bench roster's units name several cities)."""
    roster = make_roster(units)
    one = Government("kota", "Bandung")
    return dataclasses.replace(
        roster, units=tuple(dataclasses.replace(u, government=one) for u in roster.units)
    )


def _fill(db: Database, units: int) -> None:
    """Three filed quarters per unit and the fourth at the collection, half reported."""
    repo = CycleRepository(db)
    for unit in _roster(units).units:
        maker = CycleMaker(unit)
        for tw in (1, 2, 3):
            repo.save(_with_indicators(maker.filed(HISTORY_YEAR, tw)))
        running = maker.divided(maker.forwarded(maker.started(HISTORY_YEAR, 4)))
        repo.save(_with_indicators(maker.uploaded(running, 0.5)))


class _ViewServices:
    """What ``app.pemda.overview`` needs (``app.pemda.PemdaView``), over one database: the
    bench's roster, the default SOP table and calendar, a clock in the fourth quarter."""

    def __init__(self, db: Database, units: int):
        self.db = db
        self.roster = _roster(units)
        self._sop = load_sop()
        self._calendar = WorkCalendar(tz="Asia/Jakarta")

    def now(self) -> datetime:
        return datetime(HISTORY_YEAR, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))

    def refresh_roster(self) -> bool:
        return False

    def sop_for(self, unit: Unit | str) -> Sop:
        return self._sop

    def calendar(self, unit: Unit) -> WorkCalendar:
        return self._calendar

    def context(self, unit: Unit) -> WorkflowContext:
        return WorkflowContext(sop=self._sop, calendar=self._calendar, unit=unit)

    def cycle_summaries(self, units: list[str] | None, year: int) -> list[CycleSummary]:
        return cycle_summaries(self.db, units, year)


def _overview_ms(db: Database, units: int, n: int) -> tuple[float, int]:
    """The whole view built (query, SOP table, working calendar, capaian, sort), warm."""
    services = _ViewServices(db, units)
    key = next(iter(services.roster.pemdas()))
    rows = len(overview(services, key, HISTORY_YEAR).rows)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        overview(services, key, HISTORY_YEAR)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), rows


def _warm_ms(db: Database, n: int) -> tuple[float, int]:
    rows = cycle_summaries(db, None, HISTORY_YEAR)  # the index filled, the plan cached
    times = []
    for _ in range(n):
        t = time.perf_counter()
        cycle_summaries(db, None, HISTORY_YEAR)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), len(rows)


FIRST = """
import sys, time
from storage.database import Database
from storage.summaries import cycle_summaries
db = Database(sys.argv[1], sys.argv[2] or None)
t = time.perf_counter()
cycle_summaries(db, None, int(sys.argv[3]))
print((time.perf_counter() - t) * 1000)
"""


def _first_ms(data_dir: Path, url: str | None) -> float:
    out = subprocess.run(
        [sys.executable, "-c", FIRST, str(data_dir), url or "", str(HISTORY_YEAR)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


def bench_pemda_view(quick: bool = False) -> dict:
    """{backend: {units: {"warm_ms", "first_ms", "cycles"}}}; "error" if PostgreSQL is missing."""
    from tests.pg_cluster import start_cluster

    n = 30 if quick else 100
    base = Path(tempfile.mkdtemp(prefix="lkj-bench-pemda-"))
    results: dict = {"files": {}, "postgresql": {}, "indicators": INDICATORS}
    try:
        with no_fsync():
            for units in SIZES:
                data_dir = base / f"files-{units}"
                db = Database(data_dir)
                _fill(db, units)
                warm, cycles = _warm_ms(db, n)
                view_ms, view_rows = _overview_ms(db, units, n)
                db.close()
                results["files"][units] = {
                    "warm_ms": warm,
                    "first_ms": _first_ms(data_dir, None),
                    "cycles": cycles,
                    "overview_ms": view_ms,
                    "overview_rows": view_rows,
                }
        try:
            cluster = start_cluster()
        except (FileNotFoundError, KeyError, subprocess.CalledProcessError) as exc:
            results["postgresql"] = {"error": f"PostgreSQL not available: {exc}"}
            return results
        try:
            for units in SIZES:
                url = cluster.new_database()
                data_dir = base / f"pg-{units}"
                db = Database(data_dir, url)
                _fill(db, units)
                warm, cycles = _warm_ms(db, n)
                view_ms, view_rows = _overview_ms(db, units, n)
                db.close()
                results["postgresql"][units] = {
                    "warm_ms": warm,
                    "first_ms": _first_ms(data_dir, url),
                    "cycles": cycles,
                    "overview_ms": view_ms,
                    "overview_rows": view_rows,
                }
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return results


if __name__ == "__main__":
    print(bench_pemda_view(quick="--quick" in sys.argv))
