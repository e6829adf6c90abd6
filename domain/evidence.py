"""Managing evidence (bukti dukung) before the draft is submitted.

A member may remove or replace their own files; the holder of the step that makes the report
from the collected data (the Kasubbag in the shipped SOP table) may remove anyone's, with a
reason. Every removal is kept on the cycle (``removed_evidence``) and in its history, so the
report lists the current evidence and the history says what was removed and by whom. Once
the draft is submitted the evidence is what was submitted: a return for revision reopens it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.errors import InputError, RoleError, WorkflowError
from domain.models import Cycle, EvidenceRemoval, FileRef, Item
from domain.roster import Person
from domain.sop import ASSEMBLE, COLLECT, Step
from domain.standard_time import StandardTime
from domain.workflow import (
    MAX_NOTE,
    Outcome,
    WorkflowContext,
    advance,
    check_actor,
    log_action,
    tw_label,
)

EV_EVIDENCE_REMOVED = "evidence_removed"
EV_EVIDENCE_REPLACED = "evidence_replaced"
EV_REOPENED = "collection_reopened"


@dataclass(frozen=True)
class RemoveEvidence:
    """Take ``sha256`` out of item ``item_index`` of ``member_id``'s task; with
    ``replacement`` the new file takes its place in the same step."""

    member_id: int
    item_index: int
    sha256: str
    reason: str = ""
    replacement: FileRef | None = None

    @property
    def name(self) -> str:
        return "ganti_bukti" if self.replacement else "hapus_bukti"


def collecting_step(ctx: WorkflowContext) -> Step:
    return ctx.sop.by_key(COLLECT)


def reviewer_step(ctx: WorkflowContext) -> Step:
    """The step that makes the report from the collected data (its holder reviews it)."""
    return ctx.sop.by_key(ASSEMBLE)


def evidence_open(ctx: WorkflowContext, cycle: Cycle) -> bool:
    """Evidence can change while data is collected and until the draft is submitted."""
    steps = (collecting_step(ctx).number, reviewer_step(ctx).number)
    return not cycle.filed and cycle.step in steps and bool(cycle.assignments)


def may_manage_all(ctx: WorkflowContext, actor: Person) -> bool:
    return actor.unit == ctx.unit.code and actor.acts_as(reviewer_step(ctx).role)


def item_key(item: Item) -> str:
    return item.code or item.title


def remove_evidence(
    cycle: Cycle, action: RemoveEvidence, actor: Person, now: datetime, ctx: WorkflowContext
) -> Outcome:
    if cycle.unit != ctx.unit.code or actor.unit != ctx.unit.code:
        raise RoleError("Anda tidak terdaftar pada satuan kerja ini.")
    if not evidence_open(ctx, cycle):
        raise WorkflowError(
            f"Bukti dukung {tw_label(cycle.triwulan, cycle.year)} tidak dapat diubah lagi: "
            "draf laporan sudah diajukan atau laporan sudah diarsipkan. Bila ada yang perlu "
            "diperbaiki, laporan dapat dikembalikan oleh pemeriksanya."
        )
    assignment = cycle.assignment_of(action.member_id)
    own = actor.user_id == action.member_id
    if not own:
        check_actor(ctx, reviewer_step(ctx).number, actor)
        if action.replacement is not None:
            raise RoleError("Bukti dukung hanya dapat diganti oleh anggota yang mengunggahnya.")
    if assignment is None or not 0 <= action.item_index < len(assignment.items):
        raise InputError("Butir data yang dipilih tidak dikenal.")
    item = assignment.items[action.item_index]
    removed = next((f for f in item.files if f.sha256 == action.sha256), None)
    if removed is None:
        raise WorkflowError(
            "Berkas ini sudah tidak tercatat sebagai bukti dukung (sudah diproses)."
        )
    reason = action.reason.strip()
    if not own and not reason:
        raise InputError("Alasan penghapusan tidak boleh kosong.")
    if len(reason) > MAX_NOTE:
        raise InputError(f"Alasan terlalu panjang; batasnya {MAX_NOTE} karakter.")
    files = tuple(f for f in item.files if f.sha256 != action.sha256)
    if action.replacement is not None:
        if any(f.sha256 == action.replacement.sha256 for f in item.files):
            raise InputError(f"Berkas yang sama sudah tercatat untuk butir “{item.title}”.")
        files += (action.replacement,)
    items = list(assignment.items)
    items[action.item_index] = replace(item, files=files)
    updated = replace(assignment, items=tuple(items))
    record = EvidenceRemoval(
        member_id=action.member_id,
        item=item_key(item),
        file=removed,
        by=actor.user_id,
        at=now,
        reason=reason,
        replaced_by=action.replacement,
    )
    changes: dict[str, Any] = {
        "assignments": tuple(updated if a is assignment else a for a in cycle.assignments),
        "removed_evidence": cycle.removed_evidence + (record,),
    }
    events = [EV_EVIDENCE_REPLACED if action.replacement else EV_EVIDENCE_REMOVED]
    collecting = collecting_step(ctx)
    if cycle.step != collecting.number and not updated.complete:
        # The report was being made from data that is no longer complete: back to collection,
        # one working day to hand in the missing evidence (or the original deadline if later).
        moved = advance(ctx, cycle, collecting.number, actor, now, **changes)
        redo = max(ctx.calendar.deadline(now, StandardTime(working_days=1)), updated.deadline)
        last = moved.steps[-1]
        moved = replace(moved, steps=moved.steps[:-1] + (replace(last, deadline=redo),))
        events.append(EV_REOPENED)
    else:  # a removal never completes a task, and a replacement keeps it as it was
        moved = replace(cycle, rev=cycle.rev + 1, **changes)
    detail = f"{record.item}: {removed.name}"
    if action.replacement:
        detail += f" diganti {action.replacement.name}"
    if reason:
        detail += f" ({reason})"
    return Outcome(
        log_action(moved, actor, action.name, cycle.step, now, detail=detail, ctx=ctx),
        tuple(events),
    )
