"""The cycle state machine: who may do what at which SOP step, and what each action records.

Deadlines below are computed by hand from the office hours (07.30-16.00, Mon-Fri) and the
holidays shipped by ``holidays`` 0.109: 2026-12-24 Cuti Bersama Natal, 2026-12-25 Natal,
2027-01-01 Tahun Baru. October and November 2026 have no national holiday.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import cache

import pytest

from domain.errors import InputError, RoleError, WorkflowError
from domain.models import FILED, RUNNING, Decision, StepRecord
from domain.roles import Role
from domain.sop import load_sop
from domain.workflow import (
    EV_COLLECTION_COMPLETE,
    EV_DIVIDED,
    EV_FILED,
    EV_FORWARDED,
    EV_MEMBER_COMPLETE,
    EV_PARAF,
    EV_RETURNED,
    EV_SIGNED,
    EV_STARTED,
    EV_SUBMITTED,
    EV_UPLOADED,
    MAX_NOTE,
    Divide,
    Forward,
    MemberTask,
    Paraf,
    ReturnReport,
    Sign,
    SubmitReport,
    UploadData,
    apply,
    authorize,
    missing_by_member,
    record_report,
    start_cycle,
)
from tests.domain_factories import (
    CALENDAR,
    KASAT,
    KASUBBAG,
    MEMBER_A,
    MEMBER_B,
    MEMBER_IDLE,
    OTHER_UNIT_CODE,
    SEKRETARIS,
    SOP,
    SOP_PATH,
    T0,
    TASKS,
    UNIT,
    Flow,
    actor,
    cycle_at,
    file_ref,
    flow_at,
    make_ctx,
    person,
    start_action,
    wib,
)

CTX = make_ctx()
ALL_ROLES = tuple(Role)
RIGHT_ROLE = {
    2: Role.SEKRETARIS,
    3: Role.KASUBBAG,
    4: Role.TIM_KERJA,
    5: Role.KASUBBAG,
    6: Role.SEKRETARIS,
    7: Role.KASAT,
}


@cache
def ready(step: int):
    """A cycle waiting at ``step`` with what that step needs (a draft at step 5).

    Cached: cycles are frozen, so sharing one between tests is safe, and any test that
    managed to mutate it would break the equality checks of the others."""
    flow = flow_at(step)
    if step == 5:
        flow.draft()
    return flow.cycle


def version_of(cycle) -> int:
    return cycle.latest_report.number if cycle.latest_report else 1


# One action per kind, built for a given cycle; the number is the step it performs.
ACTIONS = {
    "forward": (2, lambda c: Forward("Mohon disiapkan.")),
    "divide": (3, lambda c: Divide("Pembagian tugas.", TASKS)),
    "upload": (4, lambda c: UploadData(0, file_ref(b"bukti baru"))),
    "submit": (5, lambda c: SubmitReport(version_of(c))),
    "paraf": (6, lambda c: Paraf(version_of(c))),
    "return6": (6, lambda c: ReturnReport(version_of(c), "Perbaiki angka.", 6)),
    "sign": (7, lambda c: Sign(version_of(c))),
    "return7": (7, lambda c: ReturnReport(version_of(c), "Perbaiki angka.", 7)),
}


def refuse(cycle, action, who, exc, *words: str):
    """Apply ``action`` expecting ``exc``; the input cycle must be left exactly as it was."""
    before = cycle.to_dict()
    copy = dataclasses.replace(cycle)
    with pytest.raises(exc) as info:
        apply(cycle, action, who, T0, CTX)
    assert cycle.to_dict() == before
    assert cycle == copy
    message = str(info.value)
    for word in words:
        assert word in message
    return message


# --- happy path ---------------------------------------------------------------------------


def test_happy_path_runs_step_1_to_8_and_files_the_report() -> None:
    flow = Flow()
    flow.at(wib(2026, 10, 5, 8, 0)).start()
    flow.at(wib(2026, 10, 5, 8, 10)).forward()
    flow.at(wib(2026, 10, 5, 8, 20)).divide()
    flow.at(wib(2026, 10, 6, 9, 0)).collect()
    flow.at(wib(2026, 10, 6, 11, 0)).draft().submit()
    flow.at(wib(2026, 10, 6, 15, 30)).paraf()
    flow.at(wib(2026, 10, 7, 9, 0)).sign()
    cycle = flow.cycle

    assert [o.events for o in flow.outcomes] == [
        (EV_STARTED,),
        (EV_FORWARDED,),
        (EV_DIVIDED,),
        (EV_UPLOADED,),
        (EV_UPLOADED, EV_MEMBER_COMPLETE),
        (EV_UPLOADED, EV_MEMBER_COMPLETE, EV_COLLECTION_COMPLETE),
        (EV_SUBMITTED,),
        (EV_PARAF,),
        (EV_SIGNED, EV_FILED),
    ]
    assert [o.cycle.step for o in flow.outcomes] == [2, 3, 4, 4, 4, 5, 6, 7, 8]
    assert [o.cycle.rev for o in flow.outcomes] == list(range(1, 10))
    assert cycle.status == FILED and cycle.filed and cycle.step == 8
    assert cycle.current_step_record is None
    assert [s.step for s in cycle.steps] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [(s.finished_at, s.finished_by) for s in cycle.steps] == [
        (wib(2026, 10, 5, 8, 0), KASAT),
        (wib(2026, 10, 5, 8, 10), SEKRETARIS),
        (wib(2026, 10, 5, 8, 20), KASUBBAG),
        (wib(2026, 10, 6, 9, 0), MEMBER_B),
        (wib(2026, 10, 6, 11, 0), KASUBBAG),
        (wib(2026, 10, 6, 15, 30), SEKRETARIS),
        (wib(2026, 10, 7, 9, 0), KASAT),
        (wib(2026, 10, 7, 9, 0), 0),  # filed by the bot itself at signing
    ]
    assert [(d.kind, d.step, d.by, d.report_version) for d in cycle.decisions] == [
        ("paraf", 6, SEKRETARIS, 1),
        ("sign", 7, KASAT, 1),
    ]
    assert [(r.number, r.status) for r in cycle.reports] == [
        (1, "draft"),
        (1, "paraf"),
        (1, "signed"),
    ]
    assert [(d.step, d.from_user, d.to_role, d.agenda_number) for d in cycle.dispositions] == [
        (1, KASAT, "sekretaris", "001/DISP/TW-IV/2026"),
        (2, SEKRETARIS, "kasubbag", "002/DISP/TW-IV/2026"),
    ]
    assert cycle.division_note == "Pembagian tugas pengumpulan data."
    assert [(a.member_id, a.complete) for a in cycle.assignments] == [
        (MEMBER_A, True),
        (MEMBER_B, True),
    ]
    assert missing_by_member(cycle) == {}


def test_history_records_actor_role_and_steps_of_every_action() -> None:
    cycle = flow_at(8).cycle
    assert [(h.actor, h.role, h.action, h.from_step, h.to_step) for h in cycle.history] == [
        (KASAT, "kasat", "mulai_siklus", 1, 2),
        (SEKRETARIS, "sekretaris", "teruskan_disposisi", 2, 3),
        (KASUBBAG, "kasubbag", "bagi_tugas", 3, 4),
        (MEMBER_A, "tim_kerja", "unggah_data", 4, 4),
        (MEMBER_A, "tim_kerja", "unggah_data", 4, 4),
        (MEMBER_B, "tim_kerja", "unggah_data", 4, 5),
        (KASUBBAG, "kasubbag", "ajukan_laporan", 5, 6),
        (SEKRETARIS, "sekretaris", "paraf", 6, 7),
        (KASAT, "kasat", "tandatangan", 7, 8),
    ]
    assert all(h.at == T0 for h in cycle.history)


def test_each_action_appends_exactly_one_history_entry_and_bumps_rev_by_one() -> None:
    flow = flow_at(8)
    previous = None
    for outcome in flow.outcomes:
        if previous is not None:
            assert outcome.cycle.rev == previous.rev + 1
            assert outcome.cycle.history[:-1] == previous.history
        previous = outcome.cycle


def test_start_cycle_opens_step_2_with_the_kasat_disposition() -> None:
    outcome = start_cycle(CTX, start_action(), actor(Role.KASAT), T0, None)
    cycle = outcome.cycle
    assert outcome.events == (EV_STARTED,)
    assert (cycle.unit, cycle.year, cycle.triwulan, cycle.step) == (UNIT.code, 2026, 4, 2)
    assert (cycle.rev, cycle.status, cycle.started_by, cycle.started_at) == (1, RUNNING, KASAT, T0)
    assert cycle.id == "satpolpp-bdg:2026:4"
    assert {d.kind for d in cycle.documents} == {"perjanjian_kinerja", "rencana_aksi"}
    assert cycle.steps == (
        StepRecord(step=1, started_at=T0, deadline=T0, finished_at=T0, finished_by=KASAT),
        StepRecord(step=2, started_at=T0, deadline=wib(2026, 10, 5, 8, 15)),
    )
    (disposition,) = cycle.dispositions
    assert disposition.note == "Mohon disusun laporan data kinerja triwulan ini."
    assert disposition.deadline == wib(2026, 10, 5, 8, 15)
    assert disposition.agenda_number == "001/DISP/TW-IV/2026"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"triwulan": 0}, ("Triwulan",)),
        ({"triwulan": 5}, ("Triwulan",)),
        ({"year": 1999}, ("Tahun tidak valid",)),
        ({"year": 2101}, ("Tahun tidak valid",)),
        ({"documents": ()}, ("Dokumen wajib", "Perjanjian Kinerja", "Rencana Aksi")),
        ({"documents": (file_ref(b"PK", kind="perjanjian_kinerja"),)}, ("Rencana Aksi",)),
        ({"documents": (file_ref(b"RA", kind="rencana_aksi"),)}, ("Perjanjian Kinerja",)),
        ({"note": ""}, ("Catatan disposisi", "tidak boleh kosong")),
        ({"note": "x" * (MAX_NOTE + 1)}, ("terlalu panjang",)),
    ],
)
def test_start_cycle_refuses_bad_input(overrides: dict, words: tuple[str, ...]) -> None:
    with pytest.raises(InputError) as info:
        start_cycle(CTX, start_action(**overrides), actor(Role.KASAT), T0, None)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("role", [Role.SEKRETARIS, Role.KASUBBAG, Role.TIM_KERJA])
def test_start_cycle_by_another_role_is_refused(role: Role) -> None:
    with pytest.raises(RoleError, match="hanya dapat dilakukan oleh Kasat"):
        start_cycle(CTX, start_action(), actor(role), T0, None)


def test_start_cycle_twice_for_the_same_quarter_is_refused() -> None:
    existing = cycle_at(3)
    with pytest.raises(WorkflowError, match="sudah dimulai pada tahap 3"):
        start_cycle(CTX, start_action(), actor(Role.KASAT), T0, existing)


def test_start_cycle_refuses_the_kasat_of_another_unit() -> None:
    foreign = person(Role.KASAT, unit=OTHER_UNIT_CODE)
    with pytest.raises(RoleError, match="tidak terdaftar"):
        start_cycle(CTX, start_action(), foreign, T0, None)


def test_start_cycle_action_through_apply_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        apply(cycle_at(2), start_action(), actor(Role.KASAT), T0, CTX)


# --- wrong role ---------------------------------------------------------------------------

WRONG_ROLE_CASES = [
    (name, role)
    for name, (step, _) in ACTIONS.items()
    for role in ALL_ROLES
    if role is not RIGHT_ROLE[step]
]


@pytest.mark.parametrize(("name", "role"), WRONG_ROLE_CASES)
def test_action_by_the_wrong_role_raises_role_error_and_changes_nothing(
    name: str, role: Role
) -> None:
    step, build = ACTIONS[name]
    cycle = ready(step)
    right = RIGHT_ROLE[step]
    refuse(
        cycle,
        build(cycle),
        actor(role),
        RoleError,
        f"hanya dapat dilakukan oleh {right.label}",
        f"tahap {step}",
        f"Peran Anda: {role.label}",
    )


@pytest.mark.parametrize("name", list(ACTIONS))
def test_action_by_the_right_role_of_another_unit_is_refused(name: str) -> None:
    step, build = ACTIONS[name]
    cycle = ready(step)
    foreign = person(RIGHT_ROLE[step], unit=OTHER_UNIT_CODE)
    refuse(cycle, build(cycle), foreign, RoleError, "tidak terdaftar pada satuan kerja ini")


def test_cycles_are_frozen() -> None:
    cycle = ready(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cycle.step = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cycle.steps[-1].deadline = T0  # type: ignore[misc]


# --- wrong step ---------------------------------------------------------------------------

WRONG_STEP_CASES = [
    (state, name) for state in range(2, 8) for name, (step, _) in ACTIONS.items() if step != state
]


@pytest.mark.parametrize(("state", "name"), WRONG_STEP_CASES)
def test_action_at_the_wrong_step_raises_workflow_error_and_changes_nothing(
    state: int, name: str
) -> None:
    step, build = ACTIONS[name]
    cycle = ready(state)
    refuse(
        cycle,
        build(cycle),
        actor(RIGHT_ROLE[step]),
        WorkflowError,
        "sudah diproses atau tidak berlaku lagi",
        f"pada tahap {state}:",
    )


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_action_on_a_filed_cycle_is_refused(name: str) -> None:
    step, build = ACTIONS[name]
    cycle = ready(8)
    assert cycle.filed
    refuse(cycle, build(cycle), actor(RIGHT_ROLE[step]), WorkflowError, "diarsipkan")


@pytest.mark.parametrize(
    ("step", "name"),
    [
        (2, "forward"),
        (3, "divide"),
        (5, "submit"),
        (6, "paraf"),
        (6, "return6"),
        (7, "sign"),
        (7, "return7"),
    ],
)
def test_repeating_an_action_is_refused_as_stale(step: int, name: str) -> None:
    _, build = ACTIONS[name]
    cycle = ready(step)
    action = build(cycle)
    who = actor(RIGHT_ROLE[step])
    done = apply(cycle, action, who, T0, CTX).cycle
    before = done.to_dict()
    with pytest.raises(WorkflowError):
        apply(done, action, who, T0, CTX)
    assert done.to_dict() == before


# --- notes ----------------------------------------------------------------------------------

NOTE_ACTIONS = {
    "forward": (2, lambda note: Forward(note)),
    "divide": (3, lambda note: Divide(note, TASKS)),
    "return6": (6, lambda note: ReturnReport(1, note, 6)),
    "return7": (7, lambda note: ReturnReport(1, note, 7)),
}


@pytest.mark.parametrize("name", list(NOTE_ACTIONS))
@pytest.mark.parametrize(
    ("note", "words"),
    [
        ("", ("tidak boleh kosong",)),
        ("   \n\t ", ("tidak boleh kosong",)),
        ("x" * (MAX_NOTE + 1), ("terlalu panjang", f"{MAX_NOTE + 1} karakter", str(MAX_NOTE))),
    ],
)
def test_empty_or_too_long_notes_are_refused(name: str, note: str, words: tuple[str, ...]):
    step, build = NOTE_ACTIONS[name]
    refuse(ready(step), build(note), actor(RIGHT_ROLE[step]), InputError, *words)


@pytest.mark.parametrize("name", list(NOTE_ACTIONS))
@pytest.mark.parametrize(
    ("note", "stored"),
    [
        ("x" * MAX_NOTE, "x" * MAX_NOTE),
        ("  " + "y" * MAX_NOTE + "  \n", "y" * MAX_NOTE),  # measured after trimming
        ("  Mohon diperbaiki.  ", "Mohon diperbaiki."),
    ],
)
def test_notes_up_to_the_limit_are_accepted_trimmed(name: str, note: str, stored: str) -> None:
    step, build = NOTE_ACTIONS[name]
    cycle = apply(ready(step), build(note), actor(RIGHT_ROLE[step]), T0, CTX).cycle
    recorded = {
        "forward": lambda: cycle.dispositions[-1].note,
        "divide": lambda: cycle.division_note,
        "return6": lambda: cycle.decisions[-1].reason,
        "return7": lambda: cycle.decisions[-1].reason,
    }[name]()
    assert recorded == stored


# --- division and collection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tasks", "words"),
    [
        ((), ("paling sedikit satu anggota",)),
        ((MemberTask(MEMBER_A, "kosong", ()),), ("paling sedikit satu anggota",)),
        ((MemberTask(KASUBBAG, "x", ("Capaian",)),), ("bukan anggota Tim Kerja",)),
        ((MemberTask(4242, "x", ("Capaian",)),), ("bukan anggota Tim Kerja",)),
        (
            (MemberTask(MEMBER_A, "x", ("Capaian",)), MemberTask(MEMBER_A, "y", ("Anggaran",))),
            ("hanya menerima satu catatan",),
        ),
        ((MemberTask(MEMBER_A, "x", ("Capaian", "  ")),), ("Butir data tidak boleh kosong",)),
    ],
)
def test_divide_refuses_bad_task_lists(tasks: tuple, words: tuple[str, ...]) -> None:
    refuse(ready(3), Divide("Pembagian.", tasks), actor(Role.KASUBBAG), InputError, *words)


def test_divide_records_assignments_with_the_step_4_deadline() -> None:
    cycle = ready(4)
    deadline = cycle.steps[-1].deadline
    assert [(a.member_id, [i.title for i in a.items]) for a in cycle.assignments] == [
        (MEMBER_A, ["Capaian IKU", "Realisasi anggaran"]),
        (MEMBER_B, ["Dokumentasi kegiatan"]),
    ]
    assert all(a.deadline == deadline for a in cycle.assignments)
    assert missing_by_member(cycle) == {
        MEMBER_A: ["Capaian IKU", "Realisasi anggaran"],
        MEMBER_B: ["Dokumentasi kegiatan"],
    }


def test_upload_by_a_member_without_assignment_is_refused() -> None:
    idle = UNIT.person(MEMBER_IDLE)
    refuse(ready(4), UploadData(0, file_ref(b"x")), idle, RoleError, "tidak mendapat tugas")


def test_upload_by_a_member_of_another_unit_is_refused() -> None:
    foreign = person(Role.TIM_KERJA, MEMBER_A, unit=OTHER_UNIT_CODE)
    refuse(ready(4), UploadData(0, file_ref(b"x")), foreign, RoleError, "tidak terdaftar")


@pytest.mark.parametrize("index", [-1, 2, 99])
def test_upload_to_an_unknown_item_is_refused(index: int) -> None:
    member = actor(Role.TIM_KERJA)
    refuse(ready(4), UploadData(index, file_ref(b"x")), member, InputError, "tidak dikenal")


def test_the_same_file_twice_in_one_item_is_refused_but_allowed_in_another() -> None:
    member = actor(Role.TIM_KERJA)
    ref = file_ref(b"capaian.xlsx")
    once = apply(ready(4), UploadData(0, ref), member, T0, CTX).cycle
    renamed = dataclasses.replace(ref, name="salinan.pdf")
    refuse(once, UploadData(0, renamed), member, InputError, "sudah tercatat", "Capaian IKU")
    other = apply(once, UploadData(1, ref), member, T0, CTX).cycle
    assert [len(i.files) for i in other.assignment_of(MEMBER_A).items] == [1, 1]


A_ALL = ["Capaian IKU", "Realisasi anggaran"]
B_ALL = ["Dokumentasi kegiatan"]


@pytest.mark.parametrize(
    ("uploads", "events", "step", "missing"),
    [
        ([(MEMBER_A, 0)], (EV_UPLOADED,), 4, {MEMBER_A: ["Realisasi anggaran"], MEMBER_B: B_ALL}),
        ([(MEMBER_B, 0)], (EV_UPLOADED, EV_MEMBER_COMPLETE), 4, {MEMBER_A: A_ALL}),
        ([(MEMBER_A, 0), (MEMBER_A, 1)], (EV_UPLOADED, EV_MEMBER_COMPLETE), 4, {MEMBER_B: B_ALL}),
        # a second file on an already complete item: no second member_complete
        ([(MEMBER_B, 0), (MEMBER_B, 0)], (EV_UPLOADED,), 4, {MEMBER_A: A_ALL}),
        (
            [(MEMBER_A, 0), (MEMBER_B, 0), (MEMBER_A, 1)],
            (EV_UPLOADED, EV_MEMBER_COMPLETE, EV_COLLECTION_COMPLETE),
            5,
            {},
        ),
    ],
)
def test_upload_events_and_collection_completion(uploads, events, step, missing) -> None:
    flow = Flow(cycle=ready(4))
    for n, (member, index) in enumerate(uploads):
        flow.upload(member, index, f"berkas {n}")
    cycle = flow.cycle
    assert flow.outcomes[-1].events == events
    assert cycle.step == step
    assert cycle.rev == ready(4).rev + len(uploads)
    assert missing_by_member(cycle) == missing
    assert [s.step for s in cycle.steps if s.finished_at is None] == [step]


def test_upload_keeps_the_file_on_the_right_item() -> None:
    ref = file_ref(b"realisasi", name="realisasi.xlsx", by=MEMBER_A)
    cycle = apply(ready(4), UploadData(1, ref), actor(Role.TIM_KERJA), T0, CTX).cycle
    items = cycle.assignment_of(MEMBER_A).items
    assert items[0].files == () and items[1].files == (ref,)
    assert cycle.assignment_of(MEMBER_B) == ready(4).assignment_of(MEMBER_B)


# --- report versions, paraf, signature, return --------------------------------------------------


@pytest.mark.parametrize("at_step", [6, 7])
def test_return_goes_back_to_step_5_with_the_reason_and_needs_a_new_draft(at_step: int) -> None:
    flow = flow_at(at_step).at(wib(2026, 10, 5, 10, 0))
    flow.give_back(at_step, "  Angka realisasi triwulan belum sesuai.  ")
    cycle = flow.cycle
    assert flow.outcomes[-1].events == (EV_RETURNED,)
    assert cycle.step == 5
    assert cycle.decisions[-1] == Decision(
        kind="return",
        step=at_step,
        by=SEKRETARIS if at_step == 6 else KASAT,
        at=wib(2026, 10, 5, 10, 0),
        report_version=1,
        reason="Angka realisasi triwulan belum sesuai.",
    )
    assert cycle.history[-1].action == "kembalikan"
    assert (cycle.history[-1].from_step, cycle.history[-1].to_step) == (at_step, 5)
    assert cycle.steps[-1] == StepRecord(
        step=5, started_at=wib(2026, 10, 5, 10, 0), deadline=wib(2026, 10, 5, 15, 0)
    )
    # a new draft version is made, submitted; a paraf on the old version is refused
    flow.draft()
    assert flow.version == 2
    flow.submit()
    sekretaris = actor(Role.SEKRETARIS)
    refuse(flow.cycle, Paraf(1), sekretaris, WorkflowError, "bukan versi terakhir")
    flow.paraf()
    refuse(flow.cycle, Sign(1), actor(Role.KASAT), WorkflowError, "bukan versi terakhir")
    flow.sign()
    assert flow.cycle.filed
    assert [(d.kind, d.report_version) for d in flow.cycle.decisions][-2:] == [
        ("paraf", 2),
        ("sign", 2),
    ]


def test_after_a_return_at_step_7_the_initialled_version_cannot_be_resubmitted() -> None:
    cycle = flow_at(7).give_back(7).cycle
    refuse(cycle, SubmitReport(1), actor(Role.KASUBBAG), WorkflowError, "bukan versi terakhir")


def test_after_a_return_at_step_6_the_returned_draft_cannot_be_resubmitted() -> None:
    cycle = flow_at(6).give_back(6).cycle
    assert cycle.latest_decision("return").report_version == 1
    # the returned draft is still the latest "draft" report: only the return decision tells
    refuse(cycle, SubmitReport(1), actor(Role.KASUBBAG), WorkflowError, "telah dikembalikan")


def test_return_of_a_version_that_is_not_the_latest_is_refused() -> None:
    refuse(ready(6), ReturnReport(2, "x", 6), actor(Role.SEKRETARIS), WorkflowError, "versi")
    # at step 7 the initialled version must be returned, not a draft
    flow = flow_at(6)
    flow.apply(Paraf(1), actor(Role.SEKRETARIS))  # no paraf PDF recorded yet
    refuse(flow.cycle, ReturnReport(1, "x", 7), actor(Role.KASAT), WorkflowError, "versi")


def test_return_at_a_step_without_return_to_is_refused() -> None:
    refuse(ready(5), ReturnReport(1, "x", 5), actor(Role.KASUBBAG), WorkflowError, "tidak dapat")


@pytest.mark.parametrize(
    ("recorded", "version", "ok"),
    [
        ("paraf", 1, True),  # the initialled version
        ("paraf", 2, False),  # a version that does not exist
        (None, 1, False),  # the paraf PDF was never recorded: the latest is still the draft
        ("draft", 2, False),  # a newer draft after the paraf
    ],
)
def test_sign_requires_the_initialled_version(recorded, version: int, ok: bool) -> None:
    flow = flow_at(6)
    flow.apply(Paraf(1), actor(Role.SEKRETARIS))
    cycle = flow.cycle
    if recorded:
        cycle = record_report(cycle, recorded, "a" * 64, SEKRETARIS, T0)
    if ok:
        outcome = apply(cycle, Sign(version), actor(Role.KASAT), T0, CTX)
        assert outcome.events == (EV_SIGNED, EV_FILED)
        assert outcome.cycle.decisions[-1].kind == "sign"
    else:
        refuse(cycle, Sign(version), actor(Role.KASAT), WorkflowError, "bukan versi terakhir")


@pytest.mark.parametrize(("version", "ok"), [(1, True), (0, False), (2, False)])
def test_submit_and_paraf_require_the_latest_draft(version: int, ok: bool) -> None:
    for step, action, who in [
        (5, SubmitReport(version), Role.KASUBBAG),
        (6, Paraf(version), Role.SEKRETARIS),
    ]:
        if ok:
            assert apply(ready(step), action, actor(who), T0, CTX).cycle.step == step + 1
        else:
            refuse(ready(step), action, actor(who), WorkflowError, "bukan versi terakhir")


def test_submit_without_any_draft_is_refused() -> None:
    cycle = cycle_at(5)
    assert cycle.reports == ()
    refuse(cycle, SubmitReport(1), actor(Role.KASUBBAG), WorkflowError, "bukan versi terakhir")


@pytest.mark.parametrize(
    ("statuses", "numbers"),
    [
        (["draft"], [1]),
        (["draft", "paraf", "signed"], [1, 1, 1]),
        (["draft", "draft", "paraf"], [1, 2, 2]),
        (["draft", "paraf", "draft"], [1, 1, 2]),
    ],
)
def test_record_report_numbers_versions(statuses: list[str], numbers: list[int]) -> None:
    cycle = cycle_at(5)
    for status in statuses:
        cycle = record_report(cycle, status, "b" * 64, KASUBBAG, T0)
    assert [(r.number, r.status) for r in cycle.reports] == list(
        zip(numbers, statuses, strict=True)
    )
    assert cycle.rev == cycle_at(5).rev  # rendering a PDF is not a workflow action


@pytest.mark.parametrize("status", ["paraf", "signed"])
def test_record_report_without_a_draft_is_refused(status: str) -> None:
    with pytest.raises(WorkflowError, match="Belum ada draf"):
        record_report(cycle_at(5), status, "c" * 64, KASUBBAG, T0)


# --- authorize ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "step", "role", "error"),
    [
        (5, 5, Role.KASUBBAG, None),
        (5, 5, Role.SEKRETARIS, RoleError),
        (4, 5, Role.KASUBBAG, WorkflowError),
        (6, 5, Role.KASUBBAG, WorkflowError),
        (8, 8, Role.KASUBBAG, WorkflowError),
    ],
)
def test_authorize_applies_the_same_step_and_role_rules(state, step, role, error) -> None:
    if error is None:
        authorize(CTX, ready(state), step, actor(role))
    else:
        with pytest.raises(error):
            authorize(CTX, ready(state), step, actor(role))


# --- deadlines from the SOP table ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "now", "deadline"),
    [
        # step 2, 15 menit
        (2, wib(2026, 10, 5, 8, 0), wib(2026, 10, 5, 8, 15)),
        (2, wib(2026, 10, 3, 10, 0), wib(2026, 10, 5, 7, 45)),  # Saturday: counts from Monday
        # step 3, 15 menit, across the weekend
        (3, wib(2026, 10, 9, 15, 50), wib(2026, 10, 12, 7, 35)),
        # step 4, 3 hari kerja
        (4, wib(2026, 10, 5, 8, 20), wib(2026, 10, 8, 8, 20)),
        (4, wib(2026, 10, 9, 16, 0), wib(2026, 10, 14, 16, 0)),
        # Wed 23 Dec: Thu 24 cuti bersama, Fri 25 Natal, weekend; Mon 28, Tue 29, Wed 30
        (4, wib(2026, 12, 23, 10, 0), wib(2026, 12, 30, 10, 0)),
        # step 5, 5 jam
        (5, wib(2026, 10, 6, 9, 0), wib(2026, 10, 6, 14, 0)),
        (5, wib(2026, 10, 6, 14, 0), wib(2026, 10, 7, 10, 30)),
        # step 6, 1 jam
        (6, wib(2026, 10, 5, 13, 0), wib(2026, 10, 5, 14, 0)),
        # step 7, 1 jam, past closing time
        (7, wib(2026, 10, 5, 15, 30), wib(2026, 10, 6, 8, 0)),
        # step 8, 5 jam; signed on the cuti bersama day: counted from Mon 28 Dec 07.30
        (8, wib(2026, 10, 7, 9, 0), wib(2026, 10, 7, 14, 0)),
        (8, wib(2026, 12, 24, 9, 0), wib(2026, 12, 28, 12, 30)),
    ],
)
def test_step_deadline_comes_from_the_sop_allowed_time(step, now: datetime, deadline) -> None:
    cycle = cycle_at(step, now=now)
    record = [s for s in cycle.steps if s.step == step][-1]
    assert record.started_at == now
    assert record.deadline == deadline
    assert record.deadline == CALENDAR.deadline(now, SOP.step(step).allowed_time)


def test_step_4_deadline_reaches_assignments_and_step_2_3_deadlines_the_dispositions() -> None:
    cycle = cycle_at(4, now=wib(2026, 12, 23, 10, 0))
    assert {a.deadline for a in cycle.assignments} == {wib(2026, 12, 30, 10, 0)}
    by_step = {s.step: s.deadline for s in cycle.steps}
    assert [d.deadline for d in cycle.dispositions] == [by_step[2], by_step[3]]


# --- the SOP table drives roles and deadlines --------------------------------------------------


def _edited_sop(tmp_path, step: int, old: str, new: str):
    chunks = SOP_PATH.read_text(encoding="utf-8").split("[[step]]")
    assert f"number = {step}\n" in chunks[step]
    assert old in chunks[step]
    chunks[step] = chunks[step].replace(old, new)
    if new == 'role = "sekretaris"' and step == 5:
        # the Sekretaris makes and initials: that office separates only paraf and signature
        chunks[0] = chunks[0].replace('"penyusunan_laporan", "koreksi_paraf"', '"koreksi_paraf"')
    path = tmp_path / "sop.toml"
    path.write_text("[[step]]".join(chunks), encoding="utf-8")
    return load_sop(path)


def test_changing_the_role_of_step_5_in_the_table_moves_submit_to_the_sekretaris(tmp_path):
    sop = _edited_sop(tmp_path, 5, 'role = "kasubbag"', 'role = "sekretaris"')
    assert sop.step(5).role is Role.SEKRETARIS
    ctx = make_ctx(sop=sop)
    flow = flow_at(5, ctx=ctx).draft()
    cycle = flow.cycle
    with pytest.raises(RoleError, match="hanya dapat dilakukan oleh Sekretaris"):
        apply(cycle, SubmitReport(1), actor(Role.KASUBBAG), T0, ctx)
    outcome = apply(cycle, SubmitReport(1), actor(Role.SEKRETARIS), T0, ctx)
    assert outcome.cycle.step == 6
    assert (outcome.cycle.history[-1].actor, outcome.cycle.history[-1].role) == (
        SEKRETARIS,
        "sekretaris",
    )
    authorize(ctx, cycle, 5, actor(Role.SEKRETARIS))
    with pytest.raises(RoleError):
        authorize(ctx, cycle, 5, actor(Role.KASUBBAG))


def test_changing_allowed_time_in_the_table_changes_the_deadline(tmp_path) -> None:
    sop = _edited_sop(tmp_path, 4, 'allowed_time = "3 hari kerja"', 'allowed_time = "5 hari kerja"')
    # Wed 23 Dec + 5 working days: 28, 29, 30, 31 Dec, (1 Jan Tahun Baru), Mon 4 Jan 2027
    cycle = cycle_at(4, ctx=make_ctx(sop=sop), now=wib(2026, 12, 23, 10, 0))
    assert cycle.steps[-1].deadline == wib(2027, 1, 4, 10, 0)


def test_step_1_record_is_closed_at_once_by_the_kasat() -> None:
    # Step 1 is performed by starting the cycle: its record opens and closes at the same
    # moment, with the start as its deadline (not a deadline from allowed_time).
    first = cycle_at(2).steps[0]
    assert first == StepRecord(1, T0, T0, T0, KASAT)


def test_a_cycle_of_another_unit_cannot_be_acted_on_even_with_a_matching_context():
    """The unit check does not rely on the caller: the cycle's own unit must be the context's."""
    flow = Flow(ctx=make_ctx(), now=T0).start(2026, 3)
    foreign = dataclasses.replace(flow.cycle, unit="satuan-lain")
    with pytest.raises(RoleError, match="tidak terdaftar pada satuan kerja ini"):
        apply(foreign, Forward("catatan"), flow.who(Role.SEKRETARIS), T0, flow.ctx)
