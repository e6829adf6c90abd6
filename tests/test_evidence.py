"""Evidence rules (domain.evidence), table by table, on cycles the real workflow produced."""

from __future__ import annotations

import pytest

from domain.errors import InputError, RoleError, WorkflowError
from domain.evidence import EV_REOPENED, RemoveEvidence, evidence_open, remove_evidence
from domain.models import Cycle
from domain.periods import FILED, NOT_BEGUN, RUNNING, start_periods
from domain.roles import Role
from domain.workflow import SubmitReport, apply
from tests.domain_factories import (
    KASUBBAG,
    MEMBER_A,
    MEMBER_B,
    T0,
    actor,
    cycle_at,
    file_ref,
    flow_at,
    make_ctx,
    wib,
)

CTX = make_ctx()


def first_file(cycle: Cycle, member: int = MEMBER_A, item: int = 0) -> str:
    assignment = cycle.assignment_of(member)
    assert assignment is not None
    return assignment.items[item].files[0].sha256


def remove(cycle: Cycle, by, member: int = MEMBER_A, reason: str = "", replacement=None):
    action = RemoveEvidence(member, 0, first_file(cycle, member), reason, replacement)
    return remove_evidence(cycle, action, by, T0, CTX)


def test_a_member_removes_their_own_file_during_collection() -> None:
    flow = flow_at(4).upload(MEMBER_A, 0, "salah")
    before = flow.cycle
    assert before is not None
    outcome = remove(before, actor(Role.TIM_KERJA))
    after = outcome.cycle
    assert after.assignment_of(MEMBER_A).items[0].files == ()
    assert after.step == 4 and after.rev == before.rev + 1
    (record,) = after.removed_evidence
    assert (record.by, record.member_id, record.item, record.replaced_by) == (
        MEMBER_A,
        MEMBER_A,
        "Capaian IKU",
        None,
    )
    assert after.history[-1].action == "hapus_bukti"
    assert "Capaian IKU: bukti_0.pdf" in after.history[-1].detail


def test_a_replacement_takes_the_place_of_the_file() -> None:
    cycle = cycle_at(5)
    new = file_ref("baru", "baru.pdf")
    after = remove(cycle, actor(Role.TIM_KERJA), replacement=new).cycle
    assert [f.name for f in after.assignment_of(MEMBER_A).items[0].files] == ["baru.pdf"]
    assert after.step == 5  # still complete: the report is still made from complete data
    assert after.removed_evidence[-1].replaced_by == new
    assert after.history[-1].action == "ganti_bukti"


def test_the_only_file_removed_at_the_report_step_reopens_the_collection() -> None:
    cycle = cycle_at(5)
    outcome = remove(cycle, actor(Role.KASUBBAG), reason="Berkas tidak terbaca.")
    assert EV_REOPENED in outcome.events
    assert outcome.cycle.step == 4
    assert outcome.cycle.removed_evidence[-1].by == KASUBBAG
    assert outcome.cycle.removed_evidence[-1].reason == "Berkas tidak terbaca."
    assert outcome.cycle.current_step_record.deadline > T0


def test_a_draft_built_before_a_change_cannot_be_submitted() -> None:
    flow = flow_at(5).draft()
    assert flow.cycle is not None
    changed = remove(flow.cycle, actor(Role.TIM_KERJA), replacement=file_ref("b", "b.pdf")).cycle
    with pytest.raises(WorkflowError, match="Data berubah"):
        apply(changed, SubmitReport(flow.version), actor(Role.KASUBBAG), T0, CTX)


@pytest.mark.parametrize(
    ("by", "member", "reason", "replacement", "error", "words"),
    [
        (Role.TIM_KERJA, MEMBER_B, "", None, RoleError, "hanya dapat dilakukan oleh Kasubbag"),
        (Role.SEKRETARIS, MEMBER_A, "x", None, RoleError, "Kasubbag"),
        (Role.KASAT, MEMBER_A, "x", None, RoleError, "Kasubbag"),
        (Role.KASUBBAG, MEMBER_A, "", None, InputError, "Alasan penghapusan"),
        (Role.KASUBBAG, MEMBER_A, "x", file_ref("c", "c.pdf"), RoleError, "diganti oleh anggota"),
    ],
)
def test_who_may_remove_what(by, member, reason, replacement, error, words) -> None:
    cycle = cycle_at(5)
    with pytest.raises(error, match=words):
        remove(cycle, actor(by), member, reason, replacement)


@pytest.mark.parametrize("step", [6, 7, 8])
def test_nothing_changes_once_the_draft_is_submitted(step: int) -> None:
    cycle = cycle_at(step)
    assert not evidence_open(CTX, cycle)
    with pytest.raises(WorkflowError, match="tidak dapat diubah lagi"):
        remove(cycle, actor(Role.TIM_KERJA))


def test_a_return_for_revision_reopens_the_evidence_to_the_kasubbag() -> None:
    flow = flow_at(6).give_back(6)
    assert flow.cycle is not None and flow.cycle.step == 5
    assert evidence_open(CTX, flow.cycle)
    assert remove(flow.cycle, actor(Role.KASUBBAG), reason="Ditolak.").cycle.step == 4


def test_a_file_already_removed_is_stale() -> None:
    cycle = cycle_at(5)
    sha = first_file(cycle)
    after = remove(cycle, actor(Role.TIM_KERJA)).cycle
    with pytest.raises(WorkflowError, match="sudah diproses"):
        remove_evidence(after, RemoveEvidence(MEMBER_A, 0, sha), actor(Role.TIM_KERJA), T0, CTX)


def test_cycle_round_trips_with_removed_evidence() -> None:
    after = remove(cycle_at(5), actor(Role.TIM_KERJA), replacement=file_ref("z", "z.pdf")).cycle
    assert Cycle.from_dict(after.to_dict()) == after


# --- /mulai: which quarters can start ------------------------------------------------------


def test_start_periods_mark_running_filed_and_not_begun() -> None:
    running = cycle_at(3)  # TW IV 2026, at step 3
    filed = cycle_at(8)
    cycles = {(2026, 4): running, (2026, 2): filed}
    periods = {(p.year, p.triwulan): p for p in start_periods(wib(2026, 10, 5).date(), cycles)}
    assert periods[(2026, 4)].blocked == RUNNING and periods[(2026, 4)].step == 3
    assert periods[(2026, 2)].blocked == FILED
    assert periods[(2026, 3)].can_start and periods[(2025, 1)].can_start
    assert len(periods) == 8
    january = start_periods(wib(2027, 1, 4).date(), {})
    assert [p.blocked for p in january if p.year == 2027] == [None, NOT_BEGUN, NOT_BEGUN, NOT_BEGUN]
