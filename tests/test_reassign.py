"""Alihkan tugas in the domain: who may move a member's task, to whom, and what is kept."""

from __future__ import annotations

import pytest

from domain.errors import InputError, RoleError, WorkflowError
from domain.roles import Role
from domain.staff import check_removal
from domain.workflow import EV_COLLECTION_COMPLETE, EV_REASSIGNED, Reassign, reassign
from tests.domain_factories import (
    KASUBBAG,
    MEMBER_A,
    MEMBER_B,
    MEMBER_IDLE,
    UNIT,
    actor,
    flow_at,
    make_ctx,
)


def test_a_task_moves_whole_with_what_was_reported_and_the_history_keeps_it():
    flow = flow_at(4).upload(MEMBER_A, 0, "capaian")
    before = flow.cycle
    assert before is not None
    outcome = reassign(
        before, Reassign(MEMBER_A, MEMBER_IDLE), actor(Role.KASUBBAG), flow.now, flow.ctx
    )
    after = outcome.cycle
    assert outcome.events == (EV_REASSIGNED,)
    assert after.assignment_of(MEMBER_A) is None
    moved = after.assignment_of(MEMBER_IDLE)
    assert moved is not None and moved.items == before.assignment_of(MEMBER_A).items
    assert moved.items[0].files  # the file already sent is kept
    assert after.step == before.step == 4 and after.rev == before.rev + 1
    entry = after.history[-1]
    assert (entry.action, entry.actor, entry.at) == ("alihkan_tugas", KASUBBAG, flow.now)
    assert entry.detail == (
        "Capaian IKU, Realisasi anggaran: dari Tim Kerja 1004 kepada Tim Kerja 1006"
    )
    # A fact of its moment, like every act: who moved it in which post, and who received it.
    assert entry.by is not None and (entry.by.user_id, entry.by.role) == (KASUBBAG, "kasubbag")
    assert [o.user_id for o in entry.to] == [MEMBER_IDLE] and entry.to[0].role == "tim_kerja"
    # The old holder may now leave; the new one completes the collection.
    check_removal(UNIT, UNIT.person(MEMBER_A), [after])
    flow.cycle = after
    flow.upload(MEMBER_IDLE, 1, "anggaran").upload(MEMBER_B, 0, "dokumentasi")
    assert EV_COLLECTION_COMPLETE in flow.outcomes[-1].events


def test_a_task_moved_to_a_member_with_one_of_their_own_is_merged():
    cycle = flow_at(4).cycle
    after = reassign(
        cycle,
        Reassign(MEMBER_A, MEMBER_B),
        actor(Role.KASUBBAG),
        cycle.steps[-1].started_at,
        make_ctx(),
    ).cycle
    assert [a.member_id for a in after.assignments] == [MEMBER_B]
    titles = [i.title for i in after.assignments[0].items]
    assert titles == ["Dokumentasi kegiatan", "Capaian IKU", "Realisasi anggaran"]


@pytest.mark.parametrize(
    ("by", "action", "error"),
    [
        (Role.TIM_KERJA, Reassign(MEMBER_A, MEMBER_B), RoleError),  # only the division holder
        (Role.SEKRETARIS, Reassign(MEMBER_A, MEMBER_B), RoleError),
        (Role.KASUBBAG, Reassign(MEMBER_A, MEMBER_A), InputError),  # to themselves
        (Role.KASUBBAG, Reassign(MEMBER_IDLE, MEMBER_B), InputError),  # holds nothing
        (Role.KASUBBAG, Reassign(MEMBER_A, 1002), InputError),  # not of the collecting role
        (Role.KASUBBAG, Reassign(MEMBER_A, 9999), InputError),  # not of the unit
    ],
)
def test_a_move_is_refused_with_nothing_changed(by, action, error):
    flow = flow_at(4)
    cycle = flow.cycle
    with pytest.raises(error):
        reassign(cycle, action, actor(by), flow.now, flow.ctx)
    assert flow.cycle is cycle


def test_a_filed_quarter_is_not_moved():
    flow = flow_at(8)
    with pytest.raises(WorkflowError, match="diarsipkan"):
        reassign(flow.cycle, Reassign(MEMBER_A, MEMBER_B), actor(Role.KASUBBAG), flow.now, flow.ctx)


def test_the_removal_refusal_names_the_quarter_in_roman_and_the_way_forward():
    cycle = flow_at(4).cycle
    with pytest.raises(InputError) as refused:
        check_removal(UNIT, UNIT.person(MEMBER_A), [cycle])
    assert "Triwulan IV Tahun 2026" in str(refused.value)
    assert "Alihkan tugas" in str(refused.value)
