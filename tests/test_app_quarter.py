"""The application layer without Telegram: a whole quarter played through ``app/`` calls
against a real store (TinyDB files, and PostgreSQL), with the real PDFs rendered, and the
use cases' refusals, which change nothing. No bot, no emulator, no update: the use cases take
the services and plain arguments, and what a change owes waits in its outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import approval, quarter
from app.realisation import attach_evidence, remove_evidence_file
from app.staff import reassign_task
from bot.services import build_services
from bot.settings import Settings
from domain.errors import DomainError, RoleError
from domain.evidence import RemoveEvidence
from domain.models import FILED, Cycle, FileRef
from domain.reminders import holders_of
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import COLLECT
from domain.standins import StandIn
from domain.workflow import MemberTask
from handlers.notices import notices
from handlers.quarterly import QUARTER
from handlers.reports import build_disposition_sheet
from tests.factories import pdf_bytes

UNIT = "satpolpp-bdg"


@pytest.fixture
def store_url(database_url: str | None) -> str | None:
    return database_url


@pytest.fixture
def services(tmp_path, roster_path, store_url, clock):
    settings = Settings(
        _env_file=None,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_database_url=store_url or "",
    )
    built = build_services(settings, clock=clock)
    yield built
    built.db.close()


def _unit(services) -> Unit:
    return services.roster.unit(UNIT)


def _one(services, role: Role) -> Person:
    return _unit(services).with_role(role)[0]


def _holder(services, cycle: Cycle) -> Person:
    """Who holds the cycle's open step, by the SOP table."""
    unit = _unit(services)
    step = services.sop_for(unit).step(cycle.step)
    person = unit.person(holders_of(cycle, step, unit)[0])
    assert person is not None
    return person


def _file(services, by: Person, name: str, kind: str) -> FileRef:
    data = pdf_bytes()
    return FileRef(
        sha256=services.db.blobs.put(data),
        name=name,
        size=len(data),
        mime="application/pdf",
        uploaded_by=by.user_id,
        uploaded_at=services.now(),
        kind=kind,
    )


def _stored(services, cycle: Cycle) -> Cycle:
    found = services.cycles.get(cycle.unit, cycle.year, cycle.triwulan)
    assert found is not None
    return found


def _owed_to(services, cycle: Cycle, person: Person) -> list[dict]:
    return [
        e
        for e in services.cycles.outbox(cycle.unit, cycle.year, cycle.triwulan)
        if e.get("chat_id") == person.user_id and e["kind"] in ("text", "file")
    ]


async def _started(services, clock) -> Cycle:
    kasat = _one(services, Role.KASAT)
    documents = (
        _file(services, kasat, "Perjanjian_Kinerja_2026.pdf", "perjanjian_kinerja"),
        _file(services, kasat, "Rencana_Aksi_2026.pdf", "rencana_aksi"),
    )
    change = await quarter.start_quarter(
        services, notices, build_disposition_sheet, kasat, 2026, 3, documents, "Mohon.", None
    )
    return change.after


async def _divided(services, clock, started: Cycle | None = None) -> Cycle:
    cycle = started or await _started(services, clock)
    clock.advance(minutes=10)
    forwarded = await quarter.forward(
        services, notices, build_disposition_sheet, _holder(services, cycle), cycle, "Lanjut.", None
    )
    cycle = forwarded.after
    clock.advance(minutes=10)
    team = _unit(services).with_role(Role.TIM_KERJA)
    tasks = tuple(MemberTask(m.user_id, "", (f"Data {m.name}",)) for m in team)
    return quarter.divide(
        services, notices, _holder(services, cycle), cycle, "Bagi.", tasks, None
    ).after


async def test_a_whole_quarter_through_the_use_cases(services, clock):
    # Step 1: the head starts the quarter; the disposition sheet is a real PDF, and the
    # next holder's notice waits in the cycle's outbox, saved with the cycle.
    cycle = await _started(services, clock)
    stored = _stored(services, cycle)
    assert stored.rev == cycle.rev and len(stored.dispositions) == 1
    sekretaris = _holder(services, cycle)
    assert sekretaris.role == Role.SEKRETARIS
    sheet = [e for e in _owed_to(services, cycle, sekretaris) if e["kind"] == "file"][0]
    assert services.db.blobs.get(sheet["sha256"]).startswith(b"%PDF")

    # Steps 2-3: forwarded, then divided among the team.
    cycle = await _divided(services, clock, cycle)
    team = _unit(services).with_role(Role.TIM_KERJA)
    assert {a.member_id for a in cycle.assignments} == {m.user_id for m in team}

    # Step 4: each member attaches evidence for their item; the last one completes the
    # collection, and the maker of the report is told (the notice table's events).
    for member in team:
        clock.advance(minutes=5)
        ref = _file(services, member, f"bukti_{member.user_id}.pdf", "data")
        cycle = attach_evidence(services, notices, member, cycle, 0, ref, None).after
    kasubbag = _holder(services, cycle)
    assert kasubbag.role == Role.KASUBBAG
    assert _owed_to(services, cycle, kasubbag)

    # Step 5: the draft, a real PDF, submitted; step 6: the paraf; step 7: the signature.
    clock.advance(minutes=5)
    cycle = (await quarter.make_draft(services, notices, QUARTER, kasubbag, cycle, None)).after
    draft = cycle.latest_report
    assert draft is not None and draft.status == "draft"
    assert services.db.blobs.get(draft.sha256).startswith(b"%PDF")
    cycle = approval.submit(
        services, notices, QUARTER, kasubbag, QUARTER.args(cycle, "submit"), None
    ).after
    clock.advance(minutes=5)
    paraf = await approval.paraf(
        services, notices, QUARTER, _holder(services, cycle), QUARTER.args(cycle, "decide"), None
    )
    cycle = paraf.after
    assert cycle.latest_report is not None and cycle.latest_report.status == "paraf"
    clock.advance(minutes=5)
    signer = _holder(services, cycle)
    assert signer.role == Role.KASAT
    signed = await approval.sign(
        services, notices, QUARTER, signer, QUARTER.args(cycle, "decide"), None
    )
    filed = _stored(services, signed.after)
    assert filed.status == FILED
    assert filed.latest_report is not None and filed.latest_report.status == "signed"
    assert services.db.blobs.get(filed.latest_report.sha256).startswith(b"%PDF")
    # Everyone in the unit is owed the signed PDF, saved in the signature's write.
    for person in _unit(services).people:
        owed = [e for e in _owed_to(services, filed, person) if e["kind"] == "file"]
        assert any(e["sha256"] == filed.latest_report.sha256 for e in owed)


async def test_the_wrong_person_is_refused_and_nothing_changes(services, clock):
    cycle = await _started(services, clock)
    member = _one(services, Role.TIM_KERJA)
    with pytest.raises(DomainError):
        await quarter.forward(
            services, notices, build_disposition_sheet, member, cycle, "Lanjut.", None
        )
    assert _stored(services, cycle).rev == cycle.rev
    assert _owed_to(services, cycle, member) == []


async def test_a_stale_version_is_refused_and_nothing_changes(services, clock):
    cycle = await _divided(services, clock)
    for member in _unit(services).with_role(Role.TIM_KERJA):
        ref = _file(services, member, f"bukti_{member.user_id}.pdf", "data")
        cycle = attach_evidence(services, notices, member, cycle, 0, ref, None).after
    kasubbag = _holder(services, cycle)
    cycle = (await quarter.make_draft(services, notices, QUARTER, kasubbag, cycle, None)).after
    cycle = (await quarter.make_draft(services, notices, QUARTER, kasubbag, cycle, None)).after
    stale = {**QUARTER.args(cycle, "submit"), "version": cycle.latest_report.number - 1}
    with pytest.raises(DomainError):
        approval.submit(services, notices, QUARTER, kasubbag, stale, None)
    assert _stored(services, cycle).rev == cycle.rev


async def test_segregation_refuses_the_maker_initialling_as_a_plh(services, clock):
    """The Kasubbag who made and submitted a version, appointed Plh. Sekretaris afterwards,
    holds the paraf step by the roster but may not initial that version (the SOP table's
    segregation of duties), and nothing is saved."""
    cycle = await _divided(services, clock)
    for member in _unit(services).with_role(Role.TIM_KERJA):
        ref = _file(services, member, f"bukti_{member.user_id}.pdf", "data")
        cycle = attach_evidence(services, notices, member, cycle, 0, ref, None).after
    kasubbag = _holder(services, cycle)
    cycle = (await quarter.make_draft(services, notices, QUARTER, kasubbag, cycle, None)).after
    cycle = approval.submit(
        services, notices, QUARTER, kasubbag, QUARTER.args(cycle, "submit"), None
    ).after
    sekretaris = _one(services, Role.SEKRETARIS)
    now = services.now()
    services.save_standin(
        StandIn(
            id="plh-1",
            unit=UNIT,
            role=Role.SEKRETARIS,
            acting=kasubbag.user_id,
            holder=sekretaris.user_id,
            post="Sekretaris",
            start=now - timedelta(hours=1),
            end=now + timedelta(days=3),
            by=_one(services, Role.KASAT).user_id,
            at=now,
        )
    )
    acting = services.roster.person(kasubbag.user_id)
    assert acting is not None and acting.acts_as(Role.SEKRETARIS)
    with pytest.raises(RoleError, match="Pemisahan tugas"):
        await approval.paraf(
            services, notices, QUARTER, acting, QUARTER.args(cycle, "decide"), None
        )
    assert _stored(services, cycle).rev == cycle.rev


async def test_removing_evidence_reopens_the_collection_in_one_write(services, clock):
    """The report's maker removes a member's only file: the collection is open again, and the
    member's notice and the maker's are saved with the change (the notice table's event)."""
    cycle = await _divided(services, clock)
    team = _unit(services).with_role(Role.TIM_KERJA)
    refs = {}
    for member in team:
        refs[member.user_id] = _file(services, member, f"bukti_{member.user_id}.pdf", "data")
        cycle = attach_evidence(
            services, notices, member, cycle, 0, refs[member.user_id], None
        ).after
    kasubbag = _holder(services, cycle)
    collecting = services.sop_for(_unit(services)).by_key(COLLECT).number
    assert cycle.step != collecting
    member = team[0]
    before_member = len(_owed_to(services, cycle, member))
    before_maker = len(_owed_to(services, cycle, kasubbag))
    action = RemoveEvidence(member.user_id, 0, refs[member.user_id].sha256, "Berkas salah.")
    after = remove_evidence_file(services, notices, kasubbag, cycle, action, None).after
    stored = _stored(services, after)
    assert stored.step == collecting and stored.rev == after.rev
    assert len(_owed_to(services, stored, member)) == before_member + 1
    assert len(_owed_to(services, stored, kasubbag)) >= before_maker + 2  # done + reopened


async def test_a_task_moves_to_another_member(services, clock):
    """The divider moves a member's task: the new holder holds it, and both members'
    notices are saved with the move."""
    cycle = await _divided(services, clock)
    old, new = _unit(services).with_role(Role.TIM_KERJA)[:2]
    divider = _one(services, Role.KASUBBAG)
    after = reassign_task(services, notices, divider, cycle, old.user_id, new.user_id, None).after
    stored = _stored(services, after)
    assert stored.assignment_of(old.user_id) is None
    assert stored.assignment_of(new.user_id) is not None
    assert _owed_to(services, stored, old) and _owed_to(services, stored, new)
