"""The annual Laporan Kinerja (LKj): compiled from the four signed quarters of a year, then
initialled and signed through the same approval flow as a quarterly report (``domain.approval``).

The holder of the SOP table's FILE step compiles it ("menyusun laporan kinerja setiap
tahun"); the holders of the PARAF and SIGN steps initial and sign it. A return for revision
sends it back to the compiler, who compiles a new draft.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain import approval, segregation
from domain.dates_id import roman_triwulan
from domain.errors import InputError, WorkflowError
from domain.models import Cycle, Decision, HistoryEntry, Official, ReportVersion
from domain.roster import Person
from domain.sop import PARAF, SIGN, Sop

DRAFT = "draft"  # compiled, waiting to be submitted
SUBMITTED = "diajukan"  # waiting for paraf
INITIALLED = "diparaf"  # waiting for signature
SIGNED = "ditandatangani"

# The steps of the SOP table whose holders compile, initial and sign the annual report.
# the compiler: "mendokumentasikan ... dan menyusun laporan kinerja setiap tahun"
COMPILE_STEP = approval.ANNUAL.maker
PARAF_STEP = PARAF
SIGN_STEP = SIGN
# The step of the approval flow each status waits for (a draft waits for its maker).
STAGE = {DRAFT: COMPILE_STEP, SUBMITTED: PARAF_STEP, INITIALLED: SIGN_STEP}


@dataclass(frozen=True)
class AnnualAnswer:
    """What a member (or the Kasubbag) said at the year's close about one indicator: why it
    missed or exceeded its annual target (``reason``), what was done or is planned
    (``action``, optional) and, for an indicator counted as ``RASIO``, the year's own
    numerator and denominator. The annual LKj's Bab III analysis is written from these.

    ``by`` is the person's user id, ``name`` and ``post`` as the unit named them when they
    answered (the record is a fact of its moment), ``role`` the role value.
    """

    code: str
    reason: str
    by: int
    name: str
    post: str
    role: str
    at: datetime
    action: str = ""
    numerator: float | None = None
    denominator: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "reason": self.reason,
            "by": self.by,
            "name": self.name,
            "post": self.post,
            "role": self.role,
            "at": self.at.isoformat(),
            "action": self.action,
            "numerator": self.numerator,
            "denominator": self.denominator,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnnualAnswer:
        def num(v: Any) -> float | None:
            return None if v is None else float(v)

        return cls(
            code=d["code"],
            reason=d.get("reason", ""),
            by=d["by"],
            name=d.get("name", ""),
            post=d.get("post", ""),
            role=d.get("role", ""),
            at=datetime.fromisoformat(d["at"]),
            action=d.get("action", ""),
            numerator=num(d.get("numerator")),
            denominator=num(d.get("denominator")),
        )


def record_answer(report: AnnualReport, answer: AnnualAnswer) -> AnnualReport:
    """The report with ``answer``; an earlier answer of the same person on the same indicator
    is replaced (the latest word counts). Only while the report is a draft (or not compiled):
    a submitted report's text is fixed."""
    if report.status != DRAFT:
        raise WorkflowError(
            f"Laporan kinerja tahun {report.year} sudah diajukan; jawaban tidak dapat diubah."
        )
    kept = tuple(a for a in report.answers if (a.code, a.by) != (answer.code, answer.by))
    return replace(report, answers=kept + (answer,), rev=report.rev + 1)


@dataclass(frozen=True)
class AnnualReport:
    unit: str
    year: int
    status: str = DRAFT
    rev: int = 0
    quarters: tuple[str, ...] = ()  # ids of the four filed cycles it was compiled from
    reports: tuple[ReportVersion, ...] = ()
    decisions: tuple[Decision, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    # The members' and the Kasubbag's word on each indicator at the year's close.
    answers: tuple[AnnualAnswer, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.unit}:{self.year}:tahunan"

    @property
    def latest_report(self) -> ReportVersion | None:
        return self.reports[-1] if self.reports else None

    def latest_decision(self, kind: str) -> Decision | None:
        found = [d for d in self.decisions if d.kind == kind]
        return found[-1] if found else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit,
            "year": self.year,
            "status": self.status,
            "rev": self.rev,
            "quarters": list(self.quarters),
            "reports": [r.to_dict() for r in self.reports],
            "decisions": [d.to_dict() for d in self.decisions],
            "history": [h.to_dict() for h in self.history],
            "answers": [a.to_dict() for a in self.answers],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnnualReport:
        return cls(
            unit=d["unit"],
            year=d["year"],
            status=d["status"],
            rev=d["rev"],
            quarters=tuple(d["quarters"]),
            reports=tuple(ReportVersion.from_dict(x) for x in d["reports"]),
            decisions=tuple(Decision.from_dict(x) for x in d["decisions"]),
            history=tuple(HistoryEntry.from_dict(x) for x in d["history"]),
            answers=tuple(AnnualAnswer.from_dict(x) for x in d.get("answers", ())),
        )


def _check_role(sop: Sop, step: str, actor: Person, unit: str) -> None:
    approval.check_holder(sop, step, actor, unit)


def stage(report: AnnualReport) -> str | None:
    """The activity key of the step the report waits for; None once signed."""
    return STAGE.get(report.status)


def _log(
    report: AnnualReport,
    actor: Person,
    action: str,
    before: str,
    now: datetime,
    facts: Official | None = None,
):
    """The report with the act in its history; ``facts``: who acted, in which capacity
    (``domain.records``), as the caller saw them at the moment."""
    entry = HistoryEntry(
        now,
        actor.user_id,
        actor.role.value,
        action,
        0,
        0,
        f"{before} -> {report.status}",
        by=facts,
    )
    return replace(report, rev=report.rev + 1, history=report.history + (entry,))


def quarters_ready(cycles: list[Cycle], year: int) -> list[Cycle]:
    """The year's four signed quarters, or InputError naming the ones missing."""
    filed = {c.triwulan: c for c in cycles if c.year == year and c.filed}
    missing = [n for n in (1, 2, 3, 4) if n not in filed]
    if missing:
        names = ", ".join(f"TW {roman_triwulan(n)}" for n in missing)
        raise InputError(
            f"Laporan kinerja tahun {year} disusun dari empat laporan triwulan yang telah "
            f"ditandatangani; yang belum: {names}."
        )
    return [filed[n] for n in (1, 2, 3, 4)]


def compile_draft(
    existing: AnnualReport | None,
    unit: str,
    year: int,
    cycles: list[Cycle],
    sha256: str,
    actor: Person,
    now: datetime,
    sop: Sop,
) -> AnnualReport:
    """A new draft from the four quarters (first compilation or after a return)."""
    _check_role(sop, COMPILE_STEP, actor, unit)
    quarters = quarters_ready(cycles, year)
    report = existing or AnnualReport(unit=unit, year=year)
    if report.status not in (DRAFT,):
        raise WorkflowError(
            f"Laporan kinerja tahun {year} sedang {report.status}; draf baru hanya dapat "
            "disusun sebelum diajukan atau setelah dikembalikan."
        )
    latest = report.latest_report
    version = ReportVersion(
        number=(latest.number + 1) if latest else 1,
        status="draft",
        sha256=sha256,
        at=now,
        by=actor.user_id,
        data_rev=report.rev + 1,
    )
    before = report.status
    report = replace(
        report, quarters=tuple(c.id for c in quarters), reports=report.reports + (version,)
    )
    return _log(report, actor, "susun_lkj_tahunan", before, now)


def _check_stage(report: AnnualReport, key: str) -> None:
    if stage(report) != key:
        raise WorkflowError("Tindakan ini sudah diproses atau tidak berlaku lagi.")


def submit(
    report: AnnualReport,
    version: int,
    actor: Person,
    now: datetime,
    sop: Sop,
    facts: Official | None = None,
):
    _check_role(sop, COMPILE_STEP, actor, report.unit)
    if report.status != DRAFT:
        raise WorkflowError("Laporan tahunan ini sudah diajukan.")
    approval.check_submit(report, version)
    segregation.check_act(sop, report, COMPILE_STEP, actor, maker=COMPILE_STEP)
    changed = replace(report, status=SUBMITTED)
    return _log(changed, actor, "ajukan_lkj_tahunan", DRAFT, now, facts)


def _decide(report: AnnualReport, key: str, version: int, actor: Person, now: datetime, sop: Sop):
    _check_role(sop, key, actor, report.unit)
    _check_stage(report, key)
    segregation.check_act(sop, report, key, actor, maker=COMPILE_STEP)
    decision = approval.decide(sop, key, report, version, actor, now)
    return replace(report, decisions=report.decisions + (decision,))


def paraf(
    report: AnnualReport,
    version: int,
    actor: Person,
    now: datetime,
    sop: Sop,
    facts: Official | None = None,
):
    changed = replace(_decide(report, PARAF_STEP, version, actor, now, sop), status=INITIALLED)
    return _log(changed, actor, "paraf_lkj_tahunan", SUBMITTED, now, facts)


def sign(
    report: AnnualReport,
    version: int,
    actor: Person,
    now: datetime,
    sop: Sop,
    facts: Official | None = None,
):
    changed = replace(_decide(report, SIGN_STEP, version, actor, now, sop), status=SIGNED)
    return _log(changed, actor, "tandatangan_lkj_tahunan", INITIALLED, now, facts)


def return_report(
    report: AnnualReport,
    version: int,
    reason: str,
    actor: Person,
    now: datetime,
    sop: Sop,
    facts: Official | None = None,
):
    """A return at the step the report waits for; it goes back to the compiler as a draft.
    The annual LKj has no indicator marks: its data are the signed quarters."""
    key = stage(report)
    if key not in (PARAF_STEP, SIGN_STEP):
        raise WorkflowError("Tindakan ini sudah diproses atau tidak berlaku lagi.")
    _check_role(sop, key, actor, report.unit)
    decision = approval.give_back(sop, key, report, version, reason, actor, now)
    before = report.status
    changed = replace(report, status=DRAFT, decisions=report.decisions + (decision,))
    return _log(changed, actor, "kembalikan_lkj_tahunan", before, now, facts)


def record_version(report: AnnualReport, status: str, sha256: str, by: int, now: datetime):
    """The initialled or signed rendering of the latest draft."""
    latest = report.latest_report
    assert latest is not None
    version = ReportVersion(latest.number, status, sha256, now, by, report.rev)
    return replace(report, reports=report.reports + (version,))
