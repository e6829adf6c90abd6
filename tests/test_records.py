"""Records are facts of their moment (``domain.records``): every act keeps who did it, in which
capacity, and who received a forward or a task; readers use those facts, never a later roster,
and old records without them still render."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from documents.report_context import _disposition as disposition_row
from documents.report_context import disposition_sheet_context, sop_compliance
from domain import records
from domain.models import Cycle, HistoryEntry, Official
from domain.roles import Role
from domain.roster import Person
from domain.standins import appoint, resolve
from domain.verification import Found, chain_of
from domain.workflow import Paraf, Sign, SubmitReport, record_report
from handlers import texts
from tests.domain_factories import (
    CALENDAR,
    KASAT,
    KASUBBAG,
    MEMBER_A,
    MEMBER_B,
    SEKRETARIS,
    SOP,
    T0,
    UNIT,
    Flow,
    actor,
    make_ctx,
    sha_of,
)

SUCCESSOR = Person(
    user_id=2003,
    name="Yusuf Maulana",
    nip="198611112010011007",
    position="Kepala Subbagian Perencanaan",
    role=Role.KASUBBAG,
    unit=UNIT.code,
)


def _mutasi(unit):
    """The Kasubbag leaves (kept on record as former) and Yusuf takes the post."""
    first = unit.member(KASUBBAG)
    people = tuple(SUCCESSOR if p.user_id == KASUBBAG else p for p in unit.people)
    return replace(unit, people=people, former=(*unit.former, first))


def _stripped(cycle: Cycle) -> Cycle:
    """The cycle as an older version stored it: history entries without the facts."""
    return replace(cycle, history=tuple(replace(h, by=None, to=()) for h in cycle.history))


# --- what is recorded ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "by", "to"),
    [
        ("mulai_siklus", KASAT, (SEKRETARIS,)),
        ("teruskan_disposisi", SEKRETARIS, (KASUBBAG,)),
        ("bagi_tugas", KASUBBAG, (MEMBER_A, MEMBER_B)),
        ("unggah_data", MEMBER_A, ()),
        ("ajukan_laporan", KASUBBAG, ()),
        ("paraf", SEKRETARIS, ()),
        ("tandatangan", KASAT, ()),
    ],
)
def test_every_act_records_who_did_it_and_who_received_it(action, by, to):
    cycle = Flow().start().forward().divide().collect().draft().submit().paraf().sign().cycle
    entry = next(h for h in cycle.history if h.action == action)
    person = UNIT.member(by)
    assert entry.by == Official(
        by,
        person.name,
        person.position,
        person.role.value,
        person.nip,
        role_label=UNIT.role_label(person.role),
    )
    assert [o.user_id for o in entry.to] == list(to)
    assert all(o.name == UNIT.member(o.user_id).name for o in entry.to)


def test_a_stand_ins_act_records_the_capacity_and_the_post():
    period = appoint(
        UNIT, Role.KASAT, MEMBER_A, date(2026, 10, 5), date(2026, 10, 9), actor(Role.KASUBBAG), T0
    )
    flow = Flow().start().forward().divide().collect().draft().submit().paraf()
    flow.ctx = make_ctx(unit=resolve(replace(UNIT, standins=(period,)), T0))
    flow.apply(Sign(flow.version), flow.ctx.unit.member(MEMBER_A))
    signed = flow.cycle.history[-1]
    assert (signed.by.capacity, signed.by.post, signed.by.post_role) == ("Plh.", "Kasat", "kasat")
    assert signed.by.title == "Plh. Kasat"
    decision = flow.cycle.latest_decision("sign")
    assert records.decision_by(flow.cycle.history, decision) == signed.by


def test_the_facts_survive_the_store_and_old_entries_load():
    cycle = Flow().start().forward().cycle
    again = Cycle.from_dict(cycle.to_dict())
    assert again.history == cycle.history and again.history[-1].to[0].user_id == KASUBBAG
    old = cycle.history[-1].to_dict()
    del old["by"], old["to"]
    loaded = HistoryEntry.from_dict(old)
    assert (loaded.by, loaded.to) == (None, ())


# --- what is read after a mutasi -----------------------------------------------------------


def _signed_after_mutasi():
    """Forwarded to the first Kasubbag, who is then replaced; the successor finishes."""
    flow = Flow().start().forward()
    flow.ctx = make_ctx(unit=_mutasi(UNIT))
    flow.at(T0.replace(hour=9)).divide().collect()
    flow.cycle = record_report(flow.cycle, "draft", sha_of(b"d"), SUCCESSOR.user_id, flow.now)
    flow.apply(SubmitReport(flow.version), SUCCESSOR)
    flow.apply(Paraf(flow.version), flow.ctx.unit.member(SEKRETARIS))
    flow.cycle = record_report(flow.cycle, "paraf", sha_of(b"p"), SEKRETARIS, flow.now)
    flow.apply(Sign(flow.version), flow.ctx.unit.member(KASAT))
    flow.cycle = record_report(flow.cycle, "signed", sha_of(b"s"), KASAT, flow.now)
    return flow.cycle, flow.ctx.unit


@pytest.mark.parametrize("old_store", [False, True], ids=["recorded", "old-record"])
def test_the_forward_names_the_kasubbag_of_its_moment_after_a_mutasi(old_store):
    cycle, unit = _signed_after_mutasi()
    first = UNIT.member(KASUBBAG)
    if old_store:
        cycle = _stripped(cycle)
    forward = cycle.dispositions[1]

    row = disposition_row(unit, forward, "Asia/Jakarta", SOP, cycle)
    sheet = disposition_sheet_context(cycle, unit, CALENDAR, 1, SOP)
    chain = texts.verification_chain(
        chain_of(b"k" * 32, Found(cycle, cycle.reports[-1], "LKJ-0000-0000-0000")), unit, "x"
    )
    line = next(
        x
        for x in chain.splitlines()
        if x.startswith("• Disposisi") and "→ " in x and "(Sekretaris) →" in x
    )
    if old_store:
        # an old record has no receiver: the holder by the roster, as before
        assert row["to_names"] == "" and sheet["to_names"] == ""
        assert SUCCESSOR.name in line
        return
    assert row["to_names"] == first.name and sheet["to_names"] == first.name
    assert f"→ {first.name} (Kasubbag)" in line and SUCCESSOR.name not in line
    division = next(x for x in chain.splitlines() if x.startswith("• Pembagian tugas"))
    assert SUCCESSOR.name in division
    # the SOP appendix: step 3 done by the successor, received by the first Kasubbag
    rows = sop_compliance(cycle, unit, CALENDAR, SOP, T0.replace(hour=12))
    step3 = rows[2]["passes"][0]
    assert step3["holder_name"] == SUCCESSOR.name
    assert step3["received_by"] == first.name


def test_a_later_roster_never_renames_a_recorded_act():
    """Someone whose record changes later (a corrected name) keeps the name of the moment in
    what they did then; an old record falls back to the record of today."""
    cycle = Flow().start().forward().cycle
    renamed = replace(
        UNIT,
        people=tuple(
            replace(p, name="Nama Baru") if p.user_id == SEKRETARIS else p for p in UNIT.people
        ),
    )
    row = disposition_row(renamed, cycle.dispositions[1], "Asia/Jakarta", SOP, cycle)
    assert row["from_name"] == UNIT.member(SEKRETARIS).name
    old = disposition_row(renamed, cycle.dispositions[1], "Asia/Jakarta", SOP, _stripped(cycle))
    assert old["from_name"] == "Nama Baru"


def test_chat_names_a_stand_in_with_the_post():
    plh = Official(MEMBER_A, "Siti", "Analis", "tim_kerja", "", "Plh.", "Kepala Dinas X", "kasat")
    own = Official(SEKRETARIS, "Nina", "Sekretaris Dinas X", "sekretaris")
    assert "oleh Siti (Plh. Kepala Dinas X) pada" in texts.signed("Laporan", plh, "kemarin")
    assert "oleh Nina (Sekretaris Dinas X) pada" in texts.signed("Laporan", own, "kemarin")
    assert "diparaf oleh Siti (Plh. Kepala Dinas X) dan" in texts.initialled_for_maker(
        "laporan", plh, "Kasat"
    )
    assert "diparaf oleh Nina dan" in texts.initialled_for_maker("laporan", own, "Kasat")
    assert records.label(plh) == "Siti, Plh. Kepala Dinas X"
    assert records.label(own) == "Nina"
