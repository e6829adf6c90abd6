"""Small factories for the domain and storage unit tests: people, files, cycles.

Everything here is pure and fast: no bot, no emulator, no rendering. ``Flow`` drives a cycle
through the real ``domain.workflow`` functions, so a cycle "at step N" is always one the
workflow itself produced.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfWriter

from domain.calendar import WorkCalendar
from domain.models import Cycle, FileRef
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import Sop, load_sop
from domain.workflow import (
    Divide,
    Forward,
    MemberTask,
    Outcome,
    Paraf,
    ReturnReport,
    Sign,
    StartCycle,
    SubmitReport,
    UploadData,
    WorkflowContext,
    apply,
    record_report,
    start_cycle,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
REPO = Path(__file__).resolve().parents[1]
SOP_PATH = REPO / "domain" / "sop.toml"
DEMO_ROSTER_PATH = REPO / "demo" / "demo_roster.toml"

UNIT_CODE = "satpolpp-bdg"
OTHER_UNIT_CODE = "satpolpp-cmh"
KASAT = 1001
SEKRETARIS = 1002
KASUBBAG = 1003
MEMBER_A = 1004
MEMBER_B = 1005
MEMBER_IDLE = 1006  # a Tim Kerja member who gets no task in the default division

SOP = load_sop(SOP_PATH)
CALENDAR = WorkCalendar()


def wib(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=JAKARTA)


# Monday 5 October 2026, 08:00 WIB: the first working day of the fourth quarter.
T0 = wib(2026, 10, 5, 8, 0)


# --- people -------------------------------------------------------------------------------

_DEFAULT_IDS = {
    Role.KASAT: KASAT,
    Role.SEKRETARIS: SEKRETARIS,
    Role.KASUBBAG: KASUBBAG,
    Role.TIM_KERJA: MEMBER_A,
}


def person(role: Role, user_id: int | None = None, unit: str = UNIT_CODE) -> Person:
    uid = _DEFAULT_IDS[role] if user_id is None else user_id
    return Person(
        user_id=uid,
        name=f"{role.label} {uid}",
        nip=f"19800101200501{uid:04d}",
        position=role.label,
        role=role,
        unit=unit,
    )


def make_unit(code: str = UNIT_CODE, members: tuple[int, ...] = (MEMBER_A, MEMBER_B, MEMBER_IDLE)):
    people = (
        person(Role.KASAT, unit=code),
        person(Role.SEKRETARIS, unit=code),
        person(Role.KASUBBAG, unit=code),
        *(person(Role.TIM_KERJA, uid, unit=code) for uid in members),
    )
    return Unit(code=code, name=f"Satuan {code}", city="Bandung", people=people)


UNIT = make_unit()


REVIEWER = 1009  # an APIP reviewer: of the unit, holding no step


def actor(role: Role) -> Person:
    """The default holder of ``role`` in ``UNIT`` (Tim Kerja: member A; the read-only reviewer
    is a person of the unit who holds nothing)."""
    if role.read_only:
        return person(role, REVIEWER)
    return UNIT.person(_DEFAULT_IDS[role])  # type: ignore[return-value]


def make_ctx(sop: Sop = SOP, unit: Unit = UNIT, calendar: WorkCalendar = CALENDAR):
    return WorkflowContext(sop=sop, calendar=calendar, unit=unit)


# --- files --------------------------------------------------------------------------------


def sha_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_ref(
    content: bytes | str = b"data",
    name: str = "data.pdf",
    kind: str = "data",
    by: int = MEMBER_A,
    at: datetime = T0,
    mime: str = "application/pdf",
) -> FileRef:
    data = content.encode() if isinstance(content, str) else content
    return FileRef(
        sha256=sha_of(data),
        name=name,
        size=len(data),
        mime=mime,
        uploaded_by=by,
        uploaded_at=at,
        kind=kind,
    )


def required_documents(at: datetime = T0) -> tuple[FileRef, ...]:
    return (
        file_ref(b"PK 2026", "PK_2026.pdf", "perjanjian_kinerja", KASAT, at),
        file_ref(b"RA 2026", "RA_2026.pdf", "rencana_aksi", KASAT, at),
    )


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes | str], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": "<worksheet/>",
        }
    )


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<document/>",
        }
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64 + b"\xff\xd9"


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def csv_bytes() -> bytes:
    return b"No;Indikator;Target;Realisasi\n1;Penegakan Perda;100%;97,5%\n"


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def with_declared_size(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the uncompressed size a zip's central directory declares for ``member``."""
    buf = bytearray(data)
    encoded = member.encode()
    pos = 0
    while True:
        pos = buf.index(b"PK\x01\x02", pos)
        name_len = int.from_bytes(buf[pos + 28 : pos + 30], "little")
        if bytes(buf[pos + 46 : pos + 46 + name_len]) == encoded:
            buf[pos + 24 : pos + 28] = declared.to_bytes(4, "little")
            return bytes(buf)
        pos += 4


# --- cycles -------------------------------------------------------------------------------

# The default division: member A collects two items, member B one, member 1006 nothing.
TASKS = (
    MemberTask(MEMBER_A, "Kumpulkan capaian IKU", ("Capaian IKU", "Realisasi anggaran")),
    MemberTask(MEMBER_B, "Kumpulkan dokumentasi", ("Dokumentasi kegiatan",)),
)


def start_action(year: int = 2026, triwulan: int = 4, at: datetime = T0, **overrides):
    values = {
        "year": year,
        "triwulan": triwulan,
        "documents": required_documents(at),
        "note": "Mohon disusun laporan data kinerja triwulan ini.",
        **overrides,
    }
    return StartCycle(**values)


@dataclass
class Flow:
    """Drives one cycle through the real workflow, one SOP step after the other."""

    ctx: WorkflowContext = field(default_factory=make_ctx)
    now: datetime = T0
    cycle: Cycle | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def _take(self, outcome: Outcome) -> Cycle:
        self.outcomes.append(outcome)
        self.cycle = outcome.cycle
        return outcome.cycle

    def at(self, when: datetime) -> Flow:
        self.now = when
        return self

    def who(self, role: Role) -> Person:
        return self.ctx.unit.one(role)

    def apply(self, action, by: Person) -> Cycle:
        assert self.cycle is not None
        return self._take(apply(self.cycle, action, by, self.now, self.ctx))

    def start(self, year: int = 2026, triwulan: int = 4) -> Flow:
        action = start_action(year, triwulan, self.now)
        self._take(start_cycle(self.ctx, action, self.who(Role.KASAT), self.now, None))
        return self

    def forward(self) -> Flow:
        self.apply(Forward("Mohon disiapkan bahan laporan kinerja."), self.who(Role.SEKRETARIS))
        return self

    def divide(self, tasks: tuple[MemberTask, ...] = TASKS) -> Flow:
        self.apply(Divide("Pembagian tugas pengumpulan data.", tasks), self.who(Role.KASUBBAG))
        return self

    def upload(self, member_id: int, item_index: int, content: bytes | str) -> Flow:
        member = self.ctx.unit.person(member_id)
        assert member is not None
        ref = file_ref(content, f"bukti_{item_index}.pdf", "data", member_id, self.now)
        self.apply(UploadData(item_index, ref), member)
        return self

    def collect(self) -> Flow:
        assert self.cycle is not None
        for assignment in self.cycle.assignments:
            for index, item in enumerate(assignment.items):
                self.upload(assignment.member_id, index, f"{assignment.member_id}:{item.title}")
        return self

    def draft(self) -> Flow:
        assert self.cycle is not None
        version = len(self.cycle.reports) + 1
        self.cycle = record_report(
            self.cycle, "draft", sha_of(f"draft {version}".encode()), KASUBBAG, self.now
        )
        return self

    @property
    def version(self) -> int:
        assert self.cycle is not None and self.cycle.latest_report is not None
        return self.cycle.latest_report.number

    def submit(self) -> Flow:
        self.apply(SubmitReport(self.version), self.who(Role.KASUBBAG))
        return self

    def paraf(self) -> Flow:
        self.apply(Paraf(self.version), self.who(Role.SEKRETARIS))
        assert self.cycle is not None
        self.cycle = record_report(
            self.cycle, "paraf", sha_of(f"paraf {self.version}".encode()), SEKRETARIS, self.now
        )
        return self

    def sign(self) -> Flow:
        self.apply(Sign(self.version), self.who(Role.KASAT))
        assert self.cycle is not None
        self.cycle = record_report(
            self.cycle, "signed", sha_of(f"signed {self.version}".encode()), KASAT, self.now
        )
        return self

    def give_back(self, at_step: int, reason: str = "Mohon perbaiki angka realisasi.") -> Flow:
        role = Role.SEKRETARIS if at_step == 6 else Role.KASAT
        self.apply(ReturnReport(self.version, reason, at_step), self.who(role))
        return self


def flow_at(step: int, ctx: WorkflowContext | None = None, now: datetime = T0) -> Flow:
    """A flow whose cycle waits at ``step`` (2..7); 8 means signed and filed."""
    flow = Flow(ctx=ctx or make_ctx(), now=now).start()
    drivers = {
        3: Flow.forward,
        4: Flow.divide,
        5: Flow.collect,
        6: lambda f: f.draft().submit(),
        7: Flow.paraf,
        8: Flow.sign,
    }
    for target in range(3, step + 1):
        drivers[target](flow)
    return flow


def cycle_at(step: int, ctx: WorkflowContext | None = None, now: datetime = T0) -> Cycle:
    cycle = flow_at(step, ctx, now).cycle
    assert cycle is not None
    return cycle


def full_cycle(year: int = 2026, triwulan: int = 4, unit: Unit = UNIT) -> Cycle:
    """A filed cycle with everything a cycle can hold: files, dispositions, assignments,
    reports, paraf/return/sign decisions and a long history."""
    flow = Flow(ctx=make_ctx(unit=unit)).start(year, triwulan).forward().divide().collect()
    flow.draft().submit().give_back(6).draft().submit().paraf().sign()
    assert flow.cycle is not None
    return flow.cycle
