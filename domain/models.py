"""The cycle of one quarter (triwulan) and what it accumulates, as plain dataclasses.

Storage turns these into JSON with ``to_dict``/``from_dict``; times are aware datetimes
kept as ISO-8601 strings on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from domain.performance import Indicator, Realisation
from domain.roles import Role


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class FileRef:
    """An uploaded file, kept under the data directory by its content hash."""

    sha256: str
    name: str
    size: int
    mime: str
    uploaded_by: int
    uploaded_at: datetime
    kind: str = ""  # e.g. "perjanjian_kinerja", "rencana_aksi", "data"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "name": self.name,
            "size": self.size,
            "mime": self.mime,
            "uploaded_by": self.uploaded_by,
            "uploaded_at": _iso(self.uploaded_at),
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FileRef:
        return cls(**{**d, "uploaded_at": _dt(d["uploaded_at"])})


# What a Lembar Disposisi offers the official to tick.
URGENCIES: tuple[str, ...] = ("biasa", "segera", "sangat segera", "rahasia")
INSTRUCTIONS: tuple[str, ...] = (
    "tanggapan dan saran",
    "proses lebih lanjut",
    "koordinasikan",
    "untuk diketahui",
    "siapkan laporan",
)
# What a disposition carries when the official changes nothing.
DEFAULT_URGENCY = "segera"
DEFAULT_INSTRUCTIONS: tuple[str, ...] = ("proses lebih lanjut",)


@dataclass(frozen=True)
class Disposition:
    """One forward down the chain: who disposed it to whom, with a note and a deadline."""

    step: int
    from_user: int
    to_role: str
    note: str
    at: datetime
    deadline: datetime
    agenda_number: str = ""
    urgency: str = DEFAULT_URGENCY  # sifat: biasa / segera / sangat segera / rahasia
    instructions: tuple[str, ...] = DEFAULT_INSTRUCTIONS

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "from_user": self.from_user,
            "to_role": self.to_role,
            "note": self.note,
            "at": _iso(self.at),
            "deadline": _iso(self.deadline),
            "agenda_number": self.agenda_number,
            "urgency": self.urgency,
            "instructions": list(self.instructions),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Disposition:
        return cls(
            **{
                **d,
                "at": _dt(d["at"]),
                "deadline": _dt(d["deadline"]),
                "instructions": tuple(d.get("instructions", DEFAULT_INSTRUCTIONS)),
            }
        )


@dataclass(frozen=True)
class Item:
    """One piece of data a team member must collect, with the files handed in for it.

    An item with a ``code`` is an indicator of the Perjanjian Kinerja: it is complete when the
    member reported the realisation with its kendala and tindak lanjut, handed in evidence
    (bukti dukung) and no correction (``fix``) is pending. An item without a code is a plain
    piece of data, complete once a file is in.
    """

    title: str
    files: tuple[FileRef, ...] = ()
    code: str = ""
    realisation: Realisation | None = None
    fix: str = ""  # the reason of a pending "Perlu Perbaikan", empty when none

    @property
    def missing(self) -> list[str]:
        """What the item still lacks, in Indonesian (for the checklist)."""
        if not self.code:
            return [] if self.files else ["berkas"]
        out = []
        r = self.realisation
        if r is None:
            out.append("nilai realisasi")
        if r is None or not r.kendala.strip():
            out.append("kendala")
        if r is None or not r.tindak_lanjut.strip():
            out.append("tindak lanjut")
        if not self.files:
            out.append("bukti dukung")
        return out

    @property
    def complete(self) -> bool:
        return not self.missing and not self.fix

    @property
    def state(self) -> str:
        """Belum Ada / Belum Lengkap / Lengkap / Perlu Perbaikan."""
        if self.fix:
            return PERLU_PERBAIKAN
        if self.complete:
            return LENGKAP
        if self.files or self.realisation is not None:
            return BELUM_LENGKAP
        return BELUM_ADA

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "files": [f.to_dict() for f in self.files],
            "code": self.code,
            "realisation": self.realisation.to_dict() if self.realisation else None,
            "fix": self.fix,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Item:
        real = d.get("realisation")
        return cls(
            title=d["title"],
            files=tuple(FileRef.from_dict(f) for f in d["files"]),
            code=d.get("code", ""),
            realisation=Realisation.from_dict(real) if real else None,
            fix=d.get("fix", ""),
        )


BELUM_ADA = "Belum Ada"
BELUM_LENGKAP = "Belum Lengkap"
LENGKAP = "Lengkap"
PERLU_PERBAIKAN = "Perlu Perbaikan"


@dataclass(frozen=True)
class FixRequest:
    """The reviewer (Kasubbag) asked a member to correct an indicator's data."""

    code: str
    member_id: int
    reason: str
    by: int
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "member_id": self.member_id,
            "reason": self.reason,
            "by": self.by,
            "at": _iso(self.at),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FixRequest:
        return cls(**{**d, "at": _dt(d["at"])})


@dataclass(frozen=True)
class EvidenceRemoval:
    """A file taken out of an item's evidence before the draft was submitted: by whom, when,
    why, and the file that replaced it (if any). The file itself stays in the file store."""

    member_id: int  # whose task the item belongs to
    item: str  # the indicator code, or the item's title for a plain data item
    file: FileRef
    by: int
    at: datetime
    reason: str = ""
    replaced_by: FileRef | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "item": self.item,
            "file": self.file.to_dict(),
            "by": self.by,
            "at": _iso(self.at),
            "reason": self.reason,
            "replaced_by": self.replaced_by.to_dict() if self.replaced_by else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvidenceRemoval:
        replaced = d.get("replaced_by")
        return cls(
            member_id=d["member_id"],
            item=d["item"],
            file=FileRef.from_dict(d["file"]),
            by=d["by"],
            at=_dt(d["at"]),  # type: ignore[arg-type]
            reason=d.get("reason", ""),
            replaced_by=FileRef.from_dict(replaced) if replaced else None,
        )


@dataclass(frozen=True)
class Assignment:
    """The task-division note for one Tim Kerja member."""

    member_id: int
    note: str
    items: tuple[Item, ...]
    deadline: datetime

    @property
    def missing(self) -> list[str]:
        return [item.title for item in self.items if not item.complete]

    @property
    def complete(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "note": self.note,
            "items": [i.to_dict() for i in self.items],
            "deadline": _iso(self.deadline),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Assignment:
        return cls(
            member_id=d["member_id"],
            note=d["note"],
            items=tuple(Item.from_dict(i) for i in d["items"]),
            deadline=_dt(d["deadline"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class ReportVersion:
    """A rendered report PDF (draft, initialled or signed), identified by its hash."""

    number: int
    status: str  # "draft" | "paraf" | "signed"
    sha256: str
    at: datetime
    by: int
    data_rev: int = 0  # the cycle revision the report was built from

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "status": self.status,
            "sha256": self.sha256,
            "at": _iso(self.at),
            "by": self.by,
            "data_rev": self.data_rev,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportVersion:
        return cls(**{**d, "at": _dt(d["at"])})


@dataclass(frozen=True)
class Decision:
    """A paraf, a signature or a return for revision: who, when, on which report version."""

    kind: str  # "paraf" | "sign" | "return"
    step: int
    by: int
    at: datetime
    report_version: int
    reason: str = ""
    # A return may mark the indicators that need work, each with its reason: (code, reason).
    marks: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "step": self.step,
            "by": self.by,
            "at": _iso(self.at),
            "report_version": self.report_version,
            "reason": self.reason,
            "marks": [list(m) for m in self.marks],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Decision:
        marks = tuple((str(c), str(r)) for c, r in d.get("marks", ()))
        return cls(**{**d, "at": _dt(d["at"]), "marks": marks})


@dataclass(frozen=True)
class StepRecord:
    """When a step reached its holder, its deadline, and when and by whom it was finished."""

    step: int
    started_at: datetime
    deadline: datetime
    finished_at: datetime | None = None
    finished_by: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "started_at": _iso(self.started_at),
            "deadline": _iso(self.deadline),
            "finished_at": _iso(self.finished_at),
            "finished_by": self.finished_by,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StepRecord:
        return cls(
            step=d["step"],
            started_at=_dt(d["started_at"]),  # type: ignore[arg-type]
            deadline=_dt(d["deadline"]),  # type: ignore[arg-type]
            finished_at=_dt(d["finished_at"]),
            finished_by=d["finished_by"],
        )


@dataclass(frozen=True)
class Official:
    """A person as they stood at the moment of an act, kept with the act (a fact of that
    moment, never recomputed from a later roster): their name, own jabatan and role, and,
    when they acted as a stand-in, the capacity ("Plh."/"Plt.") and the post acted for."""

    user_id: int
    name: str
    position: str = ""
    role: str = ""
    nip: str = ""
    capacity: str = ""  # "" (their own post) | "Plh." | "Plt."
    post: str = ""  # the post acted for as a stand-in, as printed ("Kepala Dinas …")
    post_role: str = ""  # the role of that post
    role_label: str = ""  # the role as the unit named it then ("Kepala Dinas", "Kasat")

    @property
    def label(self) -> str:
        """The role as read in the unit at the moment (an old record: the role's own name)."""
        return self.role_label or (Role(self.role).label if self.role else "")

    @property
    def title(self) -> str:
        """The capacity of the act as printed: "Plh. Kepala Dinas …", else the own jabatan."""
        return f"{self.capacity} {self.post}" if self.capacity else self.position

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "name": self.name,
            "position": self.position,
            "role": self.role,
            "nip": self.nip,
            "capacity": self.capacity,
            "post": self.post,
            "post_role": self.post_role,
            "role_label": self.role_label,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Official:
        return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


@dataclass(frozen=True)
class HistoryEntry:
    """One accepted action: the cycle's own audit trail. ``by`` and ``to`` are the facts of
    the moment (who acted, in which capacity; who received a forward or a task); entries
    recorded before they were kept have neither."""

    at: datetime
    actor: int
    role: str
    action: str
    from_step: int
    to_step: int
    detail: str = ""
    by: Official | None = None
    to: tuple[Official, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": _iso(self.at),
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "from_step": self.from_step,
            "to_step": self.to_step,
            "detail": self.detail,
            "by": self.by.to_dict() if self.by else None,
            "to": [o.to_dict() for o in self.to],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HistoryEntry:
        by = d.get("by")
        return cls(
            **{
                **d,
                "at": _dt(d["at"]),
                "by": Official.from_dict(by) if by else None,
                "to": tuple(Official.from_dict(o) for o in d.get("to", ())),
            }
        )


FILED = "diarsipkan"
RUNNING = "berjalan"


@dataclass(frozen=True)
class Cycle:
    """One quarter's run of the SOP for one unit.

    ``step`` is the SOP step now waiting to be done; ``rev`` grows with every accepted
    action, so a button made for an older revision is recognisably stale.
    """

    unit: str
    year: int
    triwulan: int
    step: int
    rev: int = 0
    status: str = RUNNING
    documents: tuple[FileRef, ...] = ()
    dispositions: tuple[Disposition, ...] = ()
    division_note: str = ""
    assignments: tuple[Assignment, ...] = ()
    reports: tuple[ReportVersion, ...] = ()
    decisions: tuple[Decision, ...] = ()
    steps: tuple[StepRecord, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    started_by: int = 0
    started_at: datetime | None = None
    indicators: tuple[Indicator, ...] = ()
    realisations: tuple[Realisation, ...] = ()
    fixes: tuple[FixRequest, ...] = ()
    removed_evidence: tuple[EvidenceRemoval, ...] = ()

    @property
    def id(self) -> str:
        return cycle_id(self.unit, self.year, self.triwulan)

    @property
    def filed(self) -> bool:
        return self.status == FILED

    def assignment_of(self, member_id: int) -> Assignment | None:
        return next((a for a in self.assignments if a.member_id == member_id), None)

    @property
    def current_step_record(self) -> StepRecord | None:
        open_ = [s for s in self.steps if s.finished_at is None]
        return open_[-1] if open_ else None

    @property
    def latest_report(self) -> ReportVersion | None:
        return self.reports[-1] if self.reports else None

    def latest_decision(self, kind: str) -> Decision | None:
        found = [d for d in self.decisions if d.kind == kind]
        return found[-1] if found else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [v.to_dict() for v in value]
            elif isinstance(value, datetime):
                value = value.isoformat()
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Cycle:
        return cls(
            unit=d["unit"],
            year=d["year"],
            triwulan=d["triwulan"],
            step=d["step"],
            rev=d["rev"],
            status=d["status"],
            documents=tuple(FileRef.from_dict(x) for x in d["documents"]),
            dispositions=tuple(Disposition.from_dict(x) for x in d["dispositions"]),
            division_note=d["division_note"],
            assignments=tuple(Assignment.from_dict(x) for x in d["assignments"]),
            reports=tuple(ReportVersion.from_dict(x) for x in d["reports"]),
            decisions=tuple(Decision.from_dict(x) for x in d["decisions"]),
            steps=tuple(StepRecord.from_dict(x) for x in d["steps"]),
            history=tuple(HistoryEntry.from_dict(x) for x in d["history"]),
            started_by=d["started_by"],
            started_at=_dt(d["started_at"]),
            indicators=tuple(Indicator.from_dict(x) for x in d.get("indicators", ())),
            realisations=tuple(Realisation.from_dict(x) for x in d.get("realisations", ())),
            fixes=tuple(FixRequest.from_dict(x) for x in d.get("fixes", ())),
            removed_evidence=tuple(
                EvidenceRemoval.from_dict(x) for x in d.get("removed_evidence", ())
            ),
        )


def cycle_id(unit: str, year: int, triwulan: int) -> str:
    return f"{unit}:{year}:{triwulan}"


def parse_cycle_id(value: str) -> tuple[str, int, int]:
    unit, year, triwulan = value.rsplit(":", 2)
    return unit, int(year), int(triwulan)
