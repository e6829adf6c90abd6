"""The quarter's, the collection's and the approval's use cases (``app.quarter``,
``app.realisation``, ``app.approval``) run with plain small objects: an office holding only
what the narrow protocols of ``app/services.py`` name (a real file store in a tmp dir, the
roster, the SOP table, a clock), a notice table and a renderer of the test's own. No
``Services``, no bot, no emulator, no update: a use case that reached for anything else of
the services would fail here with an AttributeError (mypy proves the chat's ``Services``
satisfies the same protocols)."""

from __future__ import annotations

import secrets
from datetime import date

import pytest

from app import approval, quarter
from app.button_codec import ButtonCodec
from app.callback_data import CallbackData
from app.changes import Change, Decision
from app.realisation import attach_evidence
from app.unit_of_work import Owed
from domain.calendar import WorkCalendar
from domain.errors import DomainError
from domain.models import Cycle, FileRef
from domain.reminders import holders_of
from domain.roles import Role
from domain.roster import Person, Roster, Unit, load_roster
from domain.sop import Sop, load_sop
from domain.workflow import MemberTask, WorkflowContext, record_report
from handlers.quarterly import QUARTER
from storage.database import Database
from storage.deliveries import DeliveryLog
from storage.repositories import (
    ButtonRepository,
    CycleRepository,
    DraftRepository,
    TargetRepository,
)
from storage.revocations import Revocations
from tests.factories import FakeClock, pdf_bytes

UNIT = "satpolpp-bdg"


class Office:
    """Only the members of ``app.services.Quarters``, ``Collection`` and ``Deciding`` (with
    the unit of work's ``Committing``): a store, the roster as it acts, one SOP table."""

    def __init__(self, db: Database, roster: Roster, sop: Sop, clock: FakeClock):
        self.db, self.roster, self.sop, self.clock = db, roster, sop, clock
        self.cycles = CycleRepository(db)
        self.targets = TargetRepository(db)
        self.drafts = DraftRepository(db)
        self.deliveries = DeliveryLog(db.data_dir)
        codec = ButtonCodec(
            secrets.token_bytes(32), units=lambda: [u.code for u in roster.units], actions=list
        )
        self.callbacks = CallbackData(
            codec, Revocations(db.data_dir), ButtonRepository(db), self._today
        )

    def _today(self) -> date:
        return self.now().date()

    @property
    def base_roster(self) -> Roster:
        return self.roster

    def now(self):
        return self.clock()

    def sop_for(self, unit: Unit | str) -> Sop:
        return self.sop

    def context(self, unit: Unit) -> WorkflowContext:
        return WorkflowContext(sop=self.sop, calendar=WorkCalendar(tz=unit.timezone), unit=unit)


def notices(services: Office, change: Change | Decision) -> Owed:
    """The test's notice table: one note to the actor per change, saved with it."""
    out = Owed(services)
    verb = change.action if isinstance(change, Change) else change.verb
    out.entries.append(
        {"id": secrets.token_hex(8), "kind": "note", "chat_id": change.person.user_id, "act": verb}
    )
    return out


async def sheets(services: Office, cycle: Cycle, unit: Unit) -> str:
    """The renderer port of the Lembar Disposisi: a real PDF, stored by hash."""
    return services.db.blobs.put(pdf_bytes())


class Drafts:
    """The renderer port of the quarterly report: a real PDF stored and recorded on the
    cycle (what the chat's port does after rendering it in its workers)."""

    async def render(self, services: Office, unit: Unit, report: Cycle, status: str, by: int):
        sha = services.db.blobs.put(pdf_bytes(2))
        return record_report(report, status, sha, by, services.now())


@pytest.fixture
def office(tmp_path, roster_path, clock):
    db = Database(tmp_path / "data")
    yield Office(db, load_roster(roster_path), load_sop(), clock)
    db.close()


def _unit(office: Office) -> Unit:
    return office.roster.unit(UNIT)


def _holder(office: Office, cycle: Cycle) -> Person:
    unit = _unit(office)
    person = unit.person(holders_of(cycle, office.sop.step(cycle.step), unit)[0])
    assert person is not None
    return person


def _stored(office: Office, cycle: Cycle) -> Cycle:
    found = office.cycles.get(cycle.unit, cycle.year, cycle.triwulan)
    assert found is not None
    return found


def _outbox(office: Office, cycle: Cycle, kind: str) -> list[dict]:
    return [
        e for e in office.cycles.outbox(cycle.unit, cycle.year, cycle.triwulan) if e["kind"] == kind
    ]


def _file(office: Office, by: Person, name: str, kind: str) -> FileRef:
    data = pdf_bytes()
    return FileRef(
        sha256=office.db.blobs.put(data),
        name=name,
        size=len(data),
        mime="application/pdf",
        uploaded_by=by.user_id,
        uploaded_at=office.now(),
        kind=kind,
    )


async def test_quarter_collection_and_submission_with_small_objects(office, clock):
    unit = _unit(office)
    kasat = unit.with_role(Role.KASAT)[0]
    documents = (
        _file(office, kasat, "Perjanjian_Kinerja_2026.pdf", "perjanjian_kinerja"),
        _file(office, kasat, "Rencana_Aksi_2026.pdf", "rencana_aksi"),
    )
    # app.quarter: started, forwarded, divided; each saved with its notes and audit lines.
    started = await quarter.start_quarter(
        office, notices, sheets, kasat, 2026, 3, documents, "Mohon.", None
    )
    cycle = started.after
    assert _stored(office, cycle).rev == cycle.rev
    assert office.db.blobs.get(started.detail["sheet"]).startswith(b"%PDF")
    clock.advance(minutes=10)
    cycle = (
        await quarter.forward(office, notices, sheets, _holder(office, cycle), cycle, "Lanjut.", 1)
    ).after
    clock.advance(minutes=10)
    team = unit.with_role(Role.TIM_KERJA)
    tasks = tuple(MemberTask(m.user_id, "", (f"Data {m.name}",)) for m in team)
    cycle = quarter.divide(office, notices, _holder(office, cycle), cycle, "Bagi.", tasks, 2).after
    assert {a.member_id for a in _stored(office, cycle).assignments} == {m.user_id for m in team}
    acts = [e["act"] for e in _outbox(office, cycle, "note")]
    assert acts == [quarter.STARTED, quarter.FORWARDED, quarter.DIVIDED]
    assert {e["entry"]["update_id"] for e in _outbox(office, cycle, "audit")} >= {None, 1, 2}

    # app.realisation: each member's evidence; the last completes the collection.
    for member in team:
        clock.advance(minutes=5)
        ref = _file(office, member, f"bukti_{member.user_id}.pdf", "data")
        cycle = attach_evidence(office, notices, member, cycle, 0, ref, None).after
    maker = _holder(office, cycle)
    assert maker.role == Role.KASUBBAG

    # The draft through the renderer port, then app.approval's submission with the chat's
    # flow (loaded, decided and committed through the same small office).
    cycle = (await quarter.make_draft(office, notices, Drafts(), maker, cycle, None)).after
    assert cycle.latest_report is not None and cycle.latest_report.status == "draft"
    ref = QUARTER.args(cycle, "submit")
    submitted = approval.submit(office, notices, QUARTER, maker, ref, 3)
    stored = _stored(office, submitted.after)
    assert stored.rev == submitted.after.rev and stored.rev > cycle.rev
    assert _outbox(office, stored, "note")[-1]["act"] == approval.SUBMIT
    # The offer's buttons are spent in the same write (the revocation owed with it).
    assert _outbox(office, stored, office.callbacks.OWED)


async def test_a_refusal_through_small_objects_changes_nothing(office, clock):
    unit = _unit(office)
    kasat = unit.with_role(Role.KASAT)[0]
    documents = (_file(office, kasat, "Perjanjian_Kinerja_2026.pdf", "perjanjian_kinerja"),)
    documents += (_file(office, kasat, "Rencana_Aksi_2026.pdf", "rencana_aksi"),)
    cycle = (
        await quarter.start_quarter(
            office, notices, sheets, kasat, 2026, 3, documents, "Mohon.", None
        )
    ).after
    member = unit.with_role(Role.TIM_KERJA)[0]
    with pytest.raises(DomainError):
        await quarter.forward(office, notices, sheets, member, cycle, "Lanjut.", None)
    with pytest.raises(DomainError):
        attach_evidence(
            office, notices, member, cycle, 0, _file(office, member, "x.pdf", "data"), None
        )
    stored = _stored(office, cycle)
    assert stored.rev == cycle.rev
    assert [e["act"] for e in _outbox(office, stored, "note")] == [quarter.STARTED]
