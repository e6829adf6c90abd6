"""The one approval flow of a report: submit → paraf or return → sign or return.

The quarterly report (``domain.workflow``) and the annual LKj (``domain.annual``) both go
through these rules, so a rule changed here holds for both. Who may act is read from the SOP
table: the holders of its PARAF and SIGN steps decide, the maker submits (the holder of
ASSEMBLE for a quarter, of FILE for the annual LKj). A decision is recorded as a
``Decision`` on the report's history of decisions; a return goes back to the maker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.errors import InputError, RoleError, WorkflowError
from domain.models import Decision, ReportVersion
from domain.roster import Person
from domain.sop import ASSEMBLE, FILE, PARAF, SIGN, Sop, Step
from domain.standins import refuse_while_represented

MAX_REASON = 2000

#: The decisions of the flow, by the activity key of the step that takes them.
DECISIONS = {PARAF: "paraf", SIGN: "sign"}
#: The rendering of the report each decision is taken on (the paraf is given on the draft,
#: the signature on the initialled version).
ACTS_ON = {PARAF: "draft", SIGN: "paraf"}


@dataclass(frozen=True)
class ReportKind:
    """What differs between the reports that go through the flow: who makes it."""

    name: str
    maker: str  # the activity key of the step whose holder makes and submits the report


QUARTERLY = ReportKind("triwulan", ASSEMBLE)
ANNUAL = ReportKind("tahunan", FILE)
KINDS = (QUARTERLY, ANNUAL)


class Approvable(Protocol):
    """A report under approval: its rendered versions and the decisions taken on them."""

    @property
    def rev(self) -> int: ...

    @property
    def latest_report(self) -> ReportVersion | None: ...

    def latest_decision(self, kind: str) -> Decision | None: ...


def clean_text(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise InputError(f"{what} tidak boleh kosong.")
    if len(text) > MAX_REASON:
        raise InputError(
            f"{what} terlalu panjang ({len(text)} karakter); batasnya {MAX_REASON} karakter."
        )
    return text


def clean_reason(reason: str) -> str:
    """The reason of a return: required, and not longer than a note."""
    return clean_text(reason, "Alasan pengembalian")


def check_role(step: Step, actor: Person, unit: str, label: str = "") -> None:
    """Only a person of ``unit`` who acts for the role the SOP table gives ``step`` may act on
    it: its holder, or the stand-in (Plh/Plt) who represents the holder now. ``label``: the
    step's role as the unit names it (``Unit.role_label``)."""
    if actor.unit != unit:
        raise RoleError("Anda tidak terdaftar pada satuan kerja ini.")
    refuse_while_represented(actor, step.role)
    if not actor.acts_as(step.role):
        raise RoleError(
            f"Tindakan ini hanya dapat dilakukan oleh {label or step.role.label} "
            f"(tahap {step.number}: {step.activity}). Peran Anda: {actor.label}."
        )


def check_holder(sop: Sop, key: str, actor: Person, unit: str) -> Step:
    """The step of activity ``key``, after checking that ``actor`` holds it."""
    step = sop.by_key(key)
    check_role(step, actor, unit)
    return step


def check_version(report: Approvable, version: int, status: str) -> None:
    """An act names the version it was offered on; only the latest, in ``status``, counts."""
    latest = report.latest_report
    if latest is None or latest.number != version or latest.status != status:
        raise WorkflowError(
            "Dokumen laporan ini bukan versi terakhir; tindakan tidak dapat diproses. "
            "Silakan gunakan pesan laporan yang terbaru."
        )


def submittable(report: Approvable) -> bool:
    """Whether the latest version is a draft that may be submitted: not returned since, and
    built from the data as it is now."""
    latest = report.latest_report
    returned = report.latest_decision("return")
    return (
        latest is not None
        and latest.status == "draft"
        and latest.data_rev == report.rev
        and (returned is None or returned.report_version < latest.number)
    )


def check_submit(report: Approvable, version: int) -> None:
    check_version(report, version, "draft")
    returned = report.latest_decision("return")
    if returned is not None and returned.report_version >= version:
        raise WorkflowError(
            "Draf ini telah dikembalikan untuk perbaikan; susun ulang draf laporan "
            "sebelum mengajukannya kembali."
        )
    latest = report.latest_report
    if latest is not None and latest.data_rev != report.rev:
        raise WorkflowError(
            "Data berubah setelah draf ini disusun; susun ulang draf laporan sebelum mengajukannya."
        )


def decide(
    sop: Sop, key: str, report: Approvable, version: int, actor: Person, now: datetime
) -> Decision:
    """The paraf (``key`` = PARAF) or the signature (SIGN) on ``version`` of the report."""
    step = sop.by_key(key)
    check_version(report, version, ACTS_ON[key])
    return Decision(DECISIONS[key], step.number, actor.user_id, now, version)


def clean_marks(
    marks: Sequence[tuple[str, str]], known: Sequence[str], reason: str
) -> tuple[tuple[str, str], ...]:
    """Indicators a return marks, each with its own reason or the return's."""
    unknown = [code for code, _ in marks if code not in known]
    if unknown:
        raise InputError("Indikator tidak dikenal: " + ", ".join(unknown) + ".")
    return tuple((code, clean_text(why or reason, "Alasan perbaikan")) for code, why in marks)


def give_back(
    sop: Sop,
    key: str,
    report: Approvable,
    version: int,
    reason: str,
    actor: Person,
    now: datetime,
    marks: Sequence[tuple[str, str]] = (),
    known: Sequence[str] = (),
) -> Decision:
    """A return for revision at the step of ``key``; the SOP table says whether that step may
    return (``return_to``). The report goes back to its maker."""
    step = sop.by_key(key)
    if step.return_to is None or key not in ACTS_ON:
        raise WorkflowError("Laporan tidak dapat dikembalikan pada tahap ini.")
    check_version(report, version, ACTS_ON[key])
    why = clean_reason(reason)
    return Decision(
        "return", step.number, actor.user_id, now, version, why, clean_marks(marks, known, why)
    )


def parse_marks(
    text: str, selected: tuple[str, ...], codes: tuple[str, ...]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A return's reason as typed: a line that starts with an indicator code ("IKU-2: angka
    tidak sesuai rekap") marks that indicator with its own reason; the other lines are the
    reason for all. Indicators ticked without a line of their own get the general reason."""
    general: list[str] = []
    own: dict[str, str] = {}
    by_upper = {c.upper(): c for c in codes}
    for line in text.splitlines():
        head, sep, rest = line.partition(":")
        code = by_upper.get(head.strip().upper())
        if sep and code and rest.strip():
            own[code] = rest.strip()
        elif line.strip():
            general.append(line.strip())
    reason = "\n".join(general) or "; ".join(f"{c}: {r}" for c, r in own.items())
    marked = [c for c in codes if c in selected or c in own]
    return reason, tuple((c, own.get(c, "")) for c in marked)
