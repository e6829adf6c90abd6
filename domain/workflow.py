"""The cycle as a state machine: ``apply(cycle, action, actor, now, ctx)``.

Every action names the SOP step it performs; the role allowed to perform it is read from the
SOP table, never written here. An action that does not fit the current step raises
``WorkflowError`` (stale, repeated or out of order), a wrong role raises ``RoleError``; in both
cases nothing changes, because cycles are immutable and only a returned cycle is saved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain import approval, records, segregation
from domain.approval import parse_marks as parse_marks  # re-exported: the handlers use it
from domain.calendar import WorkCalendar
from domain.dates_id import roman_triwulan
from domain.errors import InputError, RoleError, WorkflowError
from domain.models import (
    DEFAULT_INSTRUCTIONS,
    DEFAULT_URGENCY,
    FILED,
    INSTRUCTIONS,
    URGENCIES,
    Assignment,
    Cycle,
    Disposition,
    FileRef,
    FixRequest,
    HistoryEntry,
    Item,
    Official,
    ReportVersion,
    StepRecord,
)
from domain.performance import Indicator, Realisation, record_realisation
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import ASSEMBLE, COLLECT, DISPOSE, DIVIDE, FORWARD, PARAF, SIGN, Sop, Step
from domain.standard_time import StandardTime

MAX_NOTE = 2000
MAX_ITEM = 200
REQUIRED_DOCUMENTS = {
    "perjanjian_kinerja": "Perjanjian Kinerja",
    "rencana_aksi": "Rencana Aksi",
}


@dataclass(frozen=True)
class WorkflowContext:
    sop: Sop
    calendar: WorkCalendar
    unit: Unit


# --- actions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartCycle:
    year: int
    triwulan: int
    documents: tuple[FileRef, ...]
    note: str
    urgency: str = DEFAULT_URGENCY
    instructions: tuple[str, ...] = DEFAULT_INSTRUCTIONS
    key = DISPOSE
    name = "mulai_siklus"


@dataclass(frozen=True)
class Forward:
    note: str
    urgency: str = DEFAULT_URGENCY
    instructions: tuple[str, ...] = DEFAULT_INSTRUCTIONS
    key = FORWARD
    name = "teruskan_disposisi"


@dataclass(frozen=True)
class MemberTask:
    member_id: int
    note: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Divide:
    """The task division. With ``indicators`` (the year's targets) each task's items are
    indicator codes and every indicator goes to exactly one member; without, items are free
    text."""

    note: str
    tasks: tuple[MemberTask, ...]
    indicators: tuple[Indicator, ...] = ()
    key = DIVIDE
    name = "bagi_tugas"


@dataclass(frozen=True)
class UploadData:
    item_index: int
    file: FileRef
    key = COLLECT
    name = "unggah_data"


@dataclass(frozen=True)
class RealisationInput:
    code: str
    value: float
    kendala: str
    tindak_lanjut: str


@dataclass(frozen=True)
class ReportRealisation:
    """A member reports the realisation of one or more of their indicators."""

    rows: tuple[RealisationInput, ...]
    source: str = "chat"  # "chat" (typed) | "workbook"
    key = COLLECT
    name = "lapor_realisasi"


@dataclass(frozen=True)
class MarkNeedsFix:
    """The reviewer marks an indicator "Perlu Perbaikan", sending it back to its member."""

    code: str
    reason: str
    name = "perlu_perbaikan"


@dataclass(frozen=True)
class SubmitReport:
    report_version: int
    key = ASSEMBLE
    name = "ajukan_laporan"


@dataclass(frozen=True)
class Paraf:
    report_version: int
    key = PARAF
    name = "paraf"


@dataclass(frozen=True)
class Sign:
    report_version: int
    key = SIGN
    name = "tandatangan"


@dataclass(frozen=True)
class ReturnReport:
    """A return for revision, by the holder of a step that has ``return_to`` in the SOP."""

    report_version: int
    reason: str
    at_step: int
    marks: tuple[tuple[str, str], ...] = ()  # indicators that need work: (code, reason)

    name = "kembalikan"


Action = (
    StartCycle
    | Forward
    | Divide
    | UploadData
    | ReportRealisation
    | MarkNeedsFix
    | SubmitReport
    | Paraf
    | Sign
    | ReturnReport
)

# Events the caller turns into notifications.
EV_STARTED = "started"
EV_FORWARDED = "forwarded"
EV_DIVIDED = "divided"
EV_UPLOADED = "uploaded"
EV_REALISATION = "realisation"
EV_NEEDS_FIX = "needs_fix"
EV_REASSIGNED = "reassigned"
EV_MEMBER_COMPLETE = "member_complete"
EV_COLLECTION_COMPLETE = "collection_complete"
EV_SUBMITTED = "submitted"
EV_PARAF = "paraf"
EV_RETURNED = "returned"
EV_SIGNED = "signed"
EV_FILED = "filed"


@dataclass(frozen=True)
class Outcome:
    cycle: Cycle
    events: tuple[str, ...]


# --- guards -------------------------------------------------------------------------------


def tw_label(triwulan: int, year: int) -> str:
    return f"Triwulan {roman_triwulan(triwulan)} Tahun {year}"


def check_actor(ctx: WorkflowContext, step_number: int, actor: Person) -> None:
    step = ctx.sop.step(step_number)
    approval.check_role(step, actor, ctx.unit.code, ctx.unit.role_label(step.role))


def check_holds(ctx: WorkflowContext, cycle: Cycle, step_number: int, actor: Person) -> None:
    """``check_actor`` for an act on ``cycle``: the collection is done by whoever holds a task
    in it, the collecting role's members or the division holder who took a member's
    indicators (Alihkan tugas)."""
    holds_task = actor.unit == ctx.unit.code and cycle.assignment_of(actor.user_id)
    if ctx.sop.step(step_number).key == COLLECT and holds_task:
        return
    check_actor(ctx, step_number, actor)


def check_step(ctx: WorkflowContext, cycle: Cycle, step_number: int) -> None:
    if cycle.unit != ctx.unit.code:
        raise RoleError("Anda tidak terdaftar pada satuan kerja ini.")
    if cycle.filed:
        raise WorkflowError(
            f"Laporan {tw_label(cycle.triwulan, cycle.year)} sudah ditandatangani dan "
            "diarsipkan; tindakan ini tidak berlaku lagi."
        )
    if cycle.step != step_number:
        current = ctx.sop.step(cycle.step)
        raise WorkflowError(
            "Tindakan ini sudah diproses atau tidak berlaku lagi. Laporan "
            f"{tw_label(cycle.triwulan, cycle.year)} saat ini pada tahap {current.number}: "
            f"{current.activity} ({ctx.unit.role_label(current.role)})."
        )


def clean_note(note: str, what: str = "Catatan") -> str:
    note = note.strip()
    if not note:
        raise InputError(f"{what} tidak boleh kosong.")
    if len(note) > MAX_NOTE:
        raise InputError(
            f"{what} terlalu panjang ({len(note)} karakter); batasnya {MAX_NOTE} karakter."
        )
    return note


def disposition_marks(urgency: str, instructions: tuple[str, ...]) -> dict[str, Any]:
    """The sifat and the ticked instructions of a Lembar Disposisi, checked against the form."""
    if urgency not in URGENCIES:
        raise InputError(f"Sifat disposisi “{urgency}” tidak dikenal.")
    unknown = [i for i in instructions if i not in INSTRUCTIONS]
    if unknown:
        raise InputError("Instruksi disposisi tidak dikenal: " + ", ".join(unknown) + ".")
    if not instructions:
        raise InputError("Pilih paling sedikit satu instruksi disposisi.")
    return {"urgency": urgency, "instructions": tuple(instructions)}


# --- transitions --------------------------------------------------------------------------


def step_of(ctx: WorkflowContext, action: Action) -> int:
    """The number of the step an action serves, looked up in the unit's SOP table."""
    if isinstance(action, ReturnReport):
        return action.at_step
    if isinstance(action, MarkNeedsFix):
        return ctx.sop.by_key(ASSEMBLE).number
    return ctx.sop.by_key(action.key).number


def _next(ctx: WorkflowContext, action: Action) -> int:
    nxt = ctx.sop.step(step_of(ctx, action)).next
    assert nxt is not None, "only the last step ends the procedure"
    return nxt


def advance(
    ctx: WorkflowContext, cycle: Cycle, to_step: int, actor: Person, now: datetime, **changes
) -> Cycle:
    """Close the open step record, open the next with its deadline, bump the revision (also
    for the domain's other action modules, e.g. evidence sending a quarter back)."""
    steps = [
        replace(s, finished_at=now, finished_by=actor.user_id) if s.finished_at is None else s
        for s in cycle.steps
    ]
    deadline = ctx.calendar.deadline(now, ctx.sop.step(to_step).allowed_time)
    steps.append(StepRecord(step=to_step, started_at=now, deadline=deadline))
    return replace(cycle, step=to_step, rev=cycle.rev + 1, steps=tuple(steps), **changes)


def log_action(
    cycle: Cycle,
    actor: Person,
    action: str,
    from_step: int,
    now: datetime,
    detail="",
    ctx: WorkflowContext | None = None,
    to: tuple[Official, ...] = (),
    role: Role | None = None,
):
    """The cycle with the accepted action added to its own history, with the facts of the
    moment (``domain.records``): who acted, in which capacity for the post of ``role`` (by
    default the role of ``from_step``), and ``to``, who received a forward or a task."""
    by = None
    if ctx is not None:
        if role is None:
            role = next((s.role for s in ctx.sop.steps if s.number == from_step), None)
        by = records.of_person(actor, ctx.unit, now, role)
    entry = HistoryEntry(
        at=now,
        actor=actor.user_id,
        role=actor.role.value,
        action=action,
        from_step=from_step,
        to_step=cycle.step,
        detail=detail,
        by=by,
        to=to,
    )
    return replace(cycle, history=cycle.history + (entry,))


def receivers_of(ctx: WorkflowContext, action: Action, after: Cycle, now: datetime):
    """Who received a forward (whoever acts for the next step then) or a task (the members)."""
    if isinstance(action, Forward):
        return records.receivers(ctx.unit, ctx.sop.step(after.step).role, now)
    if isinstance(action, Divide):
        return tuple(records.official(ctx.unit, a.member_id, now) for a in after.assignments)
    return ()


def start_cycle(
    ctx: WorkflowContext, action: StartCycle, actor: Person, now: datetime, existing: Cycle | None
) -> Outcome:
    check_actor(ctx, ctx.sop.by_key(StartCycle.key).number, actor)
    if action.triwulan not in (1, 2, 3, 4):
        raise InputError("Triwulan harus I, II, III atau IV.")
    if not 2000 <= action.year <= 2100:
        raise InputError("Tahun tidak valid.")
    if existing is not None:
        raise WorkflowError(
            f"Siklus {tw_label(action.triwulan, action.year)} sudah dimulai pada "
            f"tahap {existing.step}; satu triwulan hanya memiliki satu siklus."
        )
    kinds = {d.kind for d in action.documents}
    missing = [label for kind, label in REQUIRED_DOCUMENTS.items() if kind not in kinds]
    if missing:
        raise InputError("Dokumen wajib belum dilampirkan: " + ", ".join(missing) + ".")
    note = clean_note(action.note, "Catatan disposisi")
    first = ctx.sop.first
    started = StepRecord(step=first.number, started_at=now, deadline=now)
    cycle = Cycle(
        unit=ctx.unit.code,
        year=action.year,
        triwulan=action.triwulan,
        step=first.number,
        documents=action.documents,
        steps=(started,),
        started_by=actor.user_id,
        started_at=now,
    )
    nxt = first.next or first.number
    cycle = advance(ctx, cycle, nxt, actor, now)
    disposition = Disposition(
        step=first.number,
        from_user=actor.user_id,
        to_role=ctx.sop.step(nxt).role.value,
        note=note,
        at=now,
        deadline=cycle.steps[-1].deadline,
        agenda_number=f"{1:03d}/DISP/TW-{roman_triwulan(action.triwulan)}/{action.year}",
        **disposition_marks(action.urgency, action.instructions),
    )
    cycle = replace(cycle, dispositions=(disposition,))
    to = records.receivers(ctx.unit, ctx.sop.step(nxt).role, now)
    logged = log_action(cycle, actor, action.name, first.number, now, ctx=ctx, to=to)
    return Outcome(logged, (EV_STARTED,))


def _forward(ctx, cycle: Cycle, action: Forward, actor: Person, now: datetime) -> Outcome:
    note = clean_note(action.note, "Catatan disposisi")
    step = ctx.sop.by_key(action.key)
    nxt = step.next
    moved = advance(ctx, cycle, nxt, actor, now)
    number = len(cycle.dispositions) + 1
    disposition = Disposition(
        step=step.number,
        from_user=actor.user_id,
        to_role=ctx.sop.step(nxt).role.value,
        note=note,
        at=now,
        deadline=moved.steps[-1].deadline,
        agenda_number=f"{number:03d}/DISP/TW-{roman_triwulan(cycle.triwulan)}/{cycle.year}",
        **disposition_marks(action.urgency, action.instructions),
    )
    moved = replace(moved, dispositions=cycle.dispositions + (disposition,))
    return Outcome(moved, (EV_FORWARDED,))


def _divide(ctx, cycle: Cycle, action: Divide, actor: Person, now: datetime) -> Outcome:
    note = clean_note(action.note, "Catatan pembagian tugas")
    members = {p.user_id for p in ctx.unit.with_role(ctx.sop.role_of(COLLECT))}
    tasks = [t for t in action.tasks if t.items]
    if not tasks:
        raise InputError("Pembagian tugas harus memuat paling sedikit satu anggota Tim Kerja.")
    seen: set[int] = set()
    for task in tasks:
        if task.member_id not in members:
            raise InputError("Penerima tugas bukan anggota Tim Kerja satuan ini.")
        if task.member_id in seen:
            raise InputError("Satu anggota Tim Kerja hanya menerima satu catatan tugas.")
        seen.add(task.member_id)
        for title in task.items:
            if not title.strip():
                raise InputError("Butir data tidak boleh kosong.")
            if len(title) > MAX_ITEM:
                raise InputError(
                    f"Judul butir data terlalu panjang ({len(title)} karakter); "
                    f"batasnya {MAX_ITEM} karakter."
                )
    by_code = {i.code: i for i in action.indicators}
    if by_code:
        assigned = [code for t in tasks for code in t.items]
        unknown = sorted(set(assigned) - set(by_code))
        twice = sorted({c for c in assigned if assigned.count(c) > 1})
        left = [c for c in by_code if c not in assigned]
        if unknown:
            raise InputError("Indikator tidak dikenal: " + ", ".join(unknown) + ".")
        if twice:
            raise InputError(
                "Satu indikator hanya untuk satu anggota Tim Kerja: " + ", ".join(twice) + "."
            )
        if left:
            raise InputError("Indikator belum dibagikan: " + ", ".join(left) + ".")
    moved = advance(ctx, cycle, _next(ctx, action), actor, now)
    deadline = moved.steps[-1].deadline

    def item(entry: str) -> Item:
        if by_code:
            return Item(title=f"{entry} {by_code[entry].indikator}", code=entry)
        return Item(title=entry.strip())

    assignments = tuple(
        Assignment(
            member_id=t.member_id,
            note=t.note.strip(),
            items=tuple(item(i) for i in t.items),
            deadline=deadline,
        )
        for t in tasks
    )
    moved = replace(
        moved, division_note=note, assignments=assignments, indicators=action.indicators
    )
    return Outcome(moved, (EV_DIVIDED,))


def _upload(ctx, cycle: Cycle, action: UploadData, actor: Person, now: datetime) -> Outcome:
    assignment = cycle.assignment_of(actor.user_id)
    if assignment is None:
        raise RoleError("Anda tidak mendapat tugas pengumpulan data pada triwulan ini.")
    if not 0 <= action.item_index < len(assignment.items):
        raise InputError("Butir data yang dipilih tidak dikenal.")
    item = assignment.items[action.item_index]
    if any(f.sha256 == action.file.sha256 for f in item.files):
        raise InputError(f"Berkas yang sama sudah tercatat untuk butir “{item.title}”.")
    items = list(assignment.items)
    items[action.item_index] = replace(item, files=item.files + (action.file,), fix="")
    return _collected(ctx, cycle, assignment, tuple(items), actor, now, EV_UPLOADED)


def _collected(
    ctx: WorkflowContext,
    cycle: Cycle,
    before: Assignment,
    items: tuple[Item, ...],
    actor: Person,
    now: datetime,
    event: str,
    **changes: Any,
) -> Outcome:
    """A member's items changed: note who completed, and close the collection when all did."""
    updated = replace(before, items=items)
    assignments = tuple(
        updated if a.member_id == before.member_id else a for a in cycle.assignments
    )
    events = [event]
    if updated.complete and not before.complete:
        events.append(EV_MEMBER_COMPLETE)
    collecting = ctx.sop.by_key(COLLECT)
    assert collecting.next is not None
    if all(a.complete for a in assignments):
        moved = advance(ctx, cycle, collecting.next, actor, now, assignments=assignments, **changes)
        events.append(EV_COLLECTION_COMPLETE)
    else:
        moved = replace(cycle, rev=cycle.rev + 1, assignments=assignments, **changes)
    return Outcome(moved, tuple(events))


MAX_EXPLANATION = 1000


def _report_realisation(
    ctx, cycle: Cycle, action: ReportRealisation, actor: Person, now: datetime
) -> Outcome:
    assignment = cycle.assignment_of(actor.user_id)
    if assignment is None:
        raise RoleError("Anda tidak mendapat tugas pengumpulan data pada triwulan ini.")
    if not action.rows:
        raise InputError("Tidak ada nilai realisasi yang dilaporkan.")
    items = list(assignment.items)
    by_code = {it.code: i for i, it in enumerate(items) if it.code}
    history = cycle.realisations
    for row in action.rows:
        if row.code not in by_code:
            raise InputError(f"Indikator {row.code} tidak ditugaskan kepada Anda.")
        if not math.isfinite(row.value) or row.value < 0:
            raise InputError(f"Nilai realisasi {row.code} harus berupa angka tidak negatif.")
        for label, text in (("Kendala", row.kendala), ("Tindak lanjut", row.tindak_lanjut)):
            if len(text) > MAX_EXPLANATION:
                raise InputError(
                    f"{label} {row.code} terlalu panjang ({len(text)} karakter); batasnya "
                    f"{MAX_EXPLANATION} karakter."
                )
        index = by_code[row.code]
        item = items[index]
        report = Realisation(
            code=row.code,
            triwulan=cycle.triwulan,
            value=row.value,
            kendala=row.kendala.strip(),
            tindak_lanjut=row.tindak_lanjut.strip(),
            evidence=tuple(f.sha256 for f in item.files),
            reported_by=actor.user_id,
            reported_at=now,
            source=action.source,
        )
        history = record_realisation(history, report)
        items[index] = replace(item, realisation=history[-1], fix="")
    return _collected(
        ctx, cycle, assignment, tuple(items), actor, now, EV_REALISATION, realisations=history
    )


def pending_marks(cycle: Cycle) -> tuple[tuple[str, str], ...]:
    """The indicators the latest return marked, while its draft has not been rebuilt and the
    marks have not been sent back yet."""
    returned = cycle.latest_decision("return")
    report = cycle.latest_report
    if returned is None or not returned.marks or report is None:
        return ()
    if report.number != returned.report_version:
        return ()
    asked = {f.code for f in cycle.fixes if f.at >= returned.at}
    return tuple(m for m in returned.marks if m[0] not in asked)


def find_indicator(cycle: Cycle, code: str) -> tuple[Assignment, int] | None:
    """The assignment holding indicator ``code`` and the item's index in it."""
    for assignment in cycle.assignments:
        for index, item in enumerate(assignment.items):
            if item.code and item.code == code:
                return assignment, index
    return None


def _reviewer_step(ctx: WorkflowContext) -> Step:
    """Checking the collected data belongs to the step that makes the report from it."""
    return ctx.sop.by_key(ASSEMBLE)


def mark_needs_fix(
    cycle: Cycle, action: MarkNeedsFix, actor: Person, now: datetime, ctx: WorkflowContext
) -> Outcome:
    """Send one indicator back to its member; a cycle already assembling returns to step 4."""
    collecting = ctx.sop.by_key(COLLECT)
    reviewer = _reviewer_step(ctx)
    if cycle.filed or cycle.step not in (collecting.number, reviewer.number):
        check_step(ctx, cycle, collecting.number)
    check_actor(ctx, reviewer.number, actor)
    reason = clean_note(action.reason, "Alasan perbaikan")
    found = find_indicator(cycle, action.code)
    if found is None:
        raise InputError(f"Indikator {action.code} tidak ada dalam pembagian tugas.")
    assignment, index = found
    item = assignment.items[index]
    items = list(assignment.items)
    items[index] = replace(item, fix=reason)
    updated = replace(assignment, items=tuple(items))
    assignments = tuple(updated if a is assignment else a for a in cycle.assignments)
    request = FixRequest(action.code, assignment.member_id, reason, actor.user_id, now)
    changes: dict[str, Any] = {"assignments": assignments, "fixes": cycle.fixes + (request,)}
    if cycle.step == reviewer.number:
        moved = advance(ctx, cycle, collecting.number, actor, now, **changes)
        # Back in collection: one working day to correct, or the original deadline if later.
        redo = ctx.calendar.deadline(now, StandardTime(working_days=1))
        last = moved.steps[-1]
        moved = replace(
            moved, steps=moved.steps[:-1] + (replace(last, deadline=max(redo, updated.deadline)),)
        )
    else:
        moved = replace(cycle, rev=cycle.rev + 1, **changes)
    moved = log_action(
        moved,
        actor,
        action.name,
        cycle.step,
        now,
        detail=f"{action.code}: {reason}",
        ctx=ctx,
        role=reviewer.role,
    )
    return Outcome(moved, (EV_NEEDS_FIX,))


@dataclass(frozen=True)
class Reassign:
    """The holder of the task division moves a member's task to another member of the
    collecting role, or takes it themselves (when the SOP table's segregation allows it):
    every item, with the files and the realisations already reported (a member transferred
    mid-quarter, so that they can leave)."""

    from_member: int
    to_member: int
    name = "alihkan_tugas"


def item_label(item: Item) -> str:
    """How an item is named in a record: its indicator code, else its title."""
    return item.code or item.title


def reassign(
    cycle: Cycle, action: Reassign, actor: Person, now: datetime, ctx: WorkflowContext
) -> Outcome:
    """Move ``from_member``'s assignment to ``to_member`` (merged into theirs if they have
    one). Allowed to whoever holds the division step by the unit's SOP table, at any step
    after the division and before the quarter is filed; nothing reported is lost (the items
    keep their files and realisations, which keep naming who reported them), and the move is
    in the cycle's history: who moved what, from whom, to whom, when."""
    if cycle.unit != ctx.unit.code:
        raise RoleError("Anda tidak terdaftar pada satuan kerja ini.")
    label = tw_label(cycle.triwulan, cycle.year)
    if cycle.filed:
        raise WorkflowError(
            f"Laporan {label} sudah ditandatangani dan diarsipkan; tugasnya tidak dapat "
            "dialihkan lagi."
        )
    check_actor(ctx, ctx.sop.by_key(DIVIDE).number, actor)
    source = cycle.assignment_of(action.from_member)
    old = ctx.unit.person(action.from_member)
    old_name = old.name if old else str(action.from_member)
    if source is None:
        raise InputError(f"{old_name} tidak memegang tugas pengumpulan data pada {label}.")
    if action.to_member == action.from_member:
        raise InputError("Tugas hanya dapat dialihkan kepada anggota lain.")
    collecting = ctx.sop.role_of(COLLECT)
    new = ctx.unit.member(action.to_member)
    takes = new is not None and new.user_id == actor.user_id  # the division holder takes it
    if new is None or (new.role is not collecting and not takes):
        raise InputError(f"Penerima tugas bukan anggota {collecting.label} satuan ini.")
    if takes:
        conflict = segregation.take_conflict(ctx.sop, actor)
        if conflict is not None:
            raise RoleError(conflict)
    target = cycle.assignment_of(action.to_member)
    if target is None:
        moved = replace(source, member_id=new.user_id)
        assignments = tuple(moved if a is source else a for a in cycle.assignments)
    else:
        merged = replace(
            target,
            items=target.items + source.items,
            deadline=max(target.deadline, source.deadline),
        )
        assignments = tuple(
            merged if a is target else a for a in cycle.assignments if a is not source
        )
    what = ", ".join(item_label(i) for i in source.items)
    detail = f"{what}: dari {old_name} kepada {new.name}"
    moved_cycle = replace(cycle, rev=cycle.rev + 1, assignments=assignments)
    # A fact of the moment, like every act: who moved it, in which capacity (the division's
    # post: a Plh. of it acts as Plh.), and who received the task.
    logged = log_action(
        moved_cycle,
        actor,
        action.name,
        cycle.step,
        now,
        detail=detail,
        ctx=ctx,
        to=(records.official(ctx.unit, new.user_id, now),),
        role=ctx.sop.role_of(DIVIDE),
    )
    return Outcome(logged, (EV_REASSIGNED,))


def _submit(ctx, cycle: Cycle, action: SubmitReport, actor: Person, now: datetime) -> Outcome:
    approval.check_submit(cycle, action.report_version)
    moved = advance(ctx, cycle, _next(ctx, action), actor, now)
    return Outcome(moved, (EV_SUBMITTED,))


def _decide(ctx, cycle: Cycle, action: Paraf | Sign, actor: Person, now: datetime) -> Cycle:
    decision = approval.decide(ctx.sop, action.key, cycle, action.report_version, actor, now)
    moved = advance(ctx, cycle, _next(ctx, action), actor, now)
    return replace(moved, decisions=cycle.decisions + (decision,))


def _paraf(ctx, cycle: Cycle, action: Paraf, actor: Person, now: datetime) -> Outcome:
    return Outcome(_decide(ctx, cycle, action, actor, now), (EV_PARAF,))


def _sign(ctx, cycle: Cycle, action: Sign, actor: Person, now: datetime) -> Outcome:
    moved = _decide(ctx, cycle, action, actor, now)
    events = [EV_SIGNED]
    if ctx.sop.step(moved.step).next is None:
        # Filing (documentation) is done by the bot itself the moment the report is signed.
        steps = tuple(
            replace(s, finished_at=now, finished_by=0) if s.finished_at is None else s
            for s in moved.steps
        )
        moved = replace(moved, steps=steps, status=FILED)
        events.append(EV_FILED)
    return Outcome(moved, tuple(events))


def _return(ctx, cycle: Cycle, action: ReturnReport, actor: Person, now: datetime) -> Outcome:
    step = ctx.sop.step(action.at_step)
    decision = approval.give_back(
        ctx.sop,
        step.key,
        cycle,
        action.report_version,
        action.reason,
        actor,
        now,
        action.marks,
        tuple(i.code for i in cycle.indicators),
    )
    assert step.return_to is not None
    moved = advance(ctx, cycle, step.return_to, actor, now)
    return Outcome(replace(moved, decisions=cycle.decisions + (decision,)), (EV_RETURNED,))


_TRANSITIONS: dict[type, Callable[..., Outcome]] = {
    Forward: _forward,
    Divide: _divide,
    UploadData: _upload,
    ReportRealisation: _report_realisation,
    SubmitReport: _submit,
    Paraf: _paraf,
    Sign: _sign,
    ReturnReport: _return,
}


def apply(
    cycle: Cycle, action: Action, actor: Person, now: datetime, ctx: WorkflowContext
) -> Outcome:
    """Perform ``action`` on ``cycle`` as ``actor`` at ``now``; raises a DomainError if refused."""
    if isinstance(action, StartCycle):
        raise TypeError("use start_cycle() to create a cycle")
    if isinstance(action, MarkNeedsFix):
        return mark_needs_fix(cycle, action, actor, now, ctx)
    number = step_of(ctx, action)
    check_step(ctx, cycle, number)
    check_holds(ctx, cycle, number, actor)
    segregation.check_act(ctx.sop, cycle, step_key(ctx, action), actor)
    outcome = _TRANSITIONS[type(action)](ctx, cycle, action, actor, now)
    to = receivers_of(ctx, action, outcome.cycle, now)
    logged = log_action(outcome.cycle, actor, action.name, cycle.step, now, ctx=ctx, to=to)
    return Outcome(logged, outcome.events)


def step_key(ctx: WorkflowContext, action: Action) -> str | None:
    """The activity an action performs (None for a return: it performs none)."""
    if isinstance(action, ReturnReport):
        return None
    return ctx.sop.step(step_of(ctx, action)).key


def record_report(cycle: Cycle, status: str, sha256: str, by: int, now: datetime) -> Cycle:
    """Remember a rendered report PDF; a new draft after a return gets the next number."""
    latest = cycle.latest_report
    if status == "draft":
        number = latest.number + 1 if latest else 1
    elif latest is None:
        raise WorkflowError("Belum ada draf laporan.")
    else:
        number = latest.number
    version = ReportVersion(
        number=number, status=status, sha256=sha256, at=now, by=by, data_rev=cycle.rev
    )
    return replace(cycle, reports=cycle.reports + (version,))


def authorize(ctx: WorkflowContext, cycle: Cycle, step: int | str, actor: Person) -> None:
    """Check that ``actor`` holds ``step`` (a number, or an activity key of the SOP table) now,
    for actions that are not transitions (building a draft, asking for a form) but must obey
    the same rules."""
    number = ctx.sop.by_key(step).number if isinstance(step, str) else step
    check_step(ctx, cycle, number)
    check_holds(ctx, cycle, number, actor)


def authorize_review(ctx: WorkflowContext, cycle: Cycle, actor: Person) -> None:
    """Check that ``actor`` may send an indicator back as "Perlu Perbaikan" now: the cycle
    is collecting or being assembled (else refused as at the collection), and the actor is
    the report's maker (or holds the step whose rules would refuse them, as at ASSEMBLE)."""
    reviewer, collecting = ctx.sop.by_key(ASSEMBLE), ctx.sop.by_key(COLLECT)
    if cycle.step not in (collecting.number, reviewer.number):
        authorize(ctx, cycle, collecting.number, actor)
    if not actor.acts_as(reviewer.role):
        authorize(ctx, cycle, reviewer.number, actor)


def missing_by_member(cycle: Cycle) -> dict[int, list[str]]:
    return {a.member_id: a.missing for a in cycle.assignments if a.missing}
