"""The year's close without Telegram: who is asked why an indicator missed or exceeded its annual
target, the answer recorded with who gave it (a fact of its moment) and its audit line in one
write, the refusals that change nothing, and the questions sent when TW IV is signed. Played
through ``app.annual_answers`` on a real file store in a tmp dir."""

from __future__ import annotations

from datetime import datetime

import pytest

from app import annual_answers as use
from app.approval import SIGN_ACT
from app.changes import Decision
from bot.services import build_services
from bot.settings import Settings
from domain import annual
from domain.errors import WorkflowError
from domain.roles import Role
from domain.roster import Person
from handlers.notices import notices
from handlers.quarterly import QUARTER
from tests.domain_factories import MEMBER_A, MEMBER_B
from tests.factories import JAKARTA, FakeClock
from tests.test_annual_report import filed_quarter

UNIT = "satpolpp-bdg"
YEAR = 2026
REASON = "Dua personel pengawas dimutasi pada Triwulan III sehingga jumlah patroli berkurang."


@pytest.fixture(scope="module")
def quarters():
    return [filed_quarter(tw) for tw in (1, 2, 3, 4)]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2027, 2, 1, 9, 0, tzinfo=JAKARTA))  # the LKj's month


def _services(tmp_path, roster_path, clock, quarters):
    settings = Settings(_env_file=None, lkj_data_dir=tmp_path / "data", lkj_roster=roster_path)
    built = build_services(settings, clock=clock)
    for cycle in quarters:
        built.cycles.save(cycle)
    return built


@pytest.fixture
def services(tmp_path, roster_path, clock, quarters):
    built = _services(tmp_path, roster_path, clock, quarters)
    yield built
    built.db.close()


def _person(services, user_id: int) -> Person:
    found = services.roster.unit(UNIT).person(user_id)
    assert found is not None
    return found


def _kasubbag(services) -> Person:
    return services.roster.unit(UNIT).one(Role.KASUBBAG)


def _owed_texts(services, user_id: int) -> list[str]:
    return [
        e["text"]
        for e in services.annual.outbox(UNIT, YEAR)
        if e.get("chat_id") == user_id and e["kind"] == "text"
    ]


def test_each_missed_or_exceeded_indicator_is_asked_of_its_member(services):
    unit = services.roster.unit(UNIT)
    found = {q.code: q for q in use.questions(services, unit, YEAR)}
    # The sample year: 6 indicators missed, 2 exceeded (IKU-4 101,17%, IKU-8 100,23%).
    assert sorted(found) == [f"IKU-{n}" for n in range(1, 9)]
    assert found["IKU-4"].exceeded and not found["IKU-1"].exceeded
    assert {q.owner for c, q in found.items() if c <= "IKU-4"} == {MEMBER_A}
    assert {q.owner for c, q in found.items() if c >= "IKU-5"} == {MEMBER_B}
    assert found["IKU-5"].ratio  # counted as RASIO: its numerator and denominator are asked
    member = _person(services, MEMBER_A)
    assert [q.code for q in use.owed_by(services, unit, member)] == [
        "IKU-1",
        "IKU-2",
        "IKU-3",
        "IKU-4",
    ]
    assert use.owed_by(services, unit, _kasubbag(services)) == []  # every indicator divided


def test_an_answer_is_recorded_with_its_author_and_audit_in_one_write(services):
    member = _person(services, MEMBER_A)
    decision = use.answer(services, notices, member, YEAR, "IKU-1", REASON, "-", update_id=7)
    report = services.annual.get(UNIT, YEAR)
    assert report is not None and report.status == annual.DRAFT and not report.reports
    [given] = report.answers
    assert (given.code, given.reason, given.by) == ("IKU-1", REASON, MEMBER_A)
    assert (given.name, given.role) == (member.name, "tim_kerja") and given.post
    assert decision.after == report
    owed = services.annual.outbox(UNIT, YEAR)
    audit = [e["entry"] for e in owed if e["kind"] == "audit"]
    assert [a["action"] for a in audit] == [use.AUDIT_ACTION]
    assert audit[0]["detail"]["alasan"] == REASON and audit[0]["update_id"] == 7
    assert any("IKU-1" in t and "dicatat" in t for t in _owed_texts(services, MEMBER_A))
    unit = services.roster.unit(UNIT)
    assert "IKU-1" not in [q.code for q in use.owed_by(services, unit, member)]


@pytest.mark.parametrize(
    ("reason", "problem"),
    [("   ", use.EMPTY), ("90,32%", use.NUMBERS), ("-", use.SHORT), ("kurang personel", use.SHORT)],
)
def test_a_reason_that_is_no_sentence_is_refused_and_nothing_changes(services, reason, problem):
    member = _person(services, MEMBER_A)
    with pytest.raises(use.BadAnswer) as refused:
        use.answer(services, notices, member, YEAR, "IKU-1", reason)
    assert refused.value.problem == problem
    assert services.annual.get(UNIT, YEAR) is None


def test_a_ratio_needs_the_years_numerator_and_denominator(services):
    member = _person(services, MEMBER_B)
    with pytest.raises(use.BadAnswer) as refused:
        use.answer(services, notices, member, YEAR, "IKU-5", REASON, numerator=10, denominator=0)
    assert refused.value.problem == use.RATIO
    assert services.annual.get(UNIT, YEAR) is None
    use.answer(services, notices, member, YEAR, "IKU-5", REASON, numerator=70, denominator=80)
    unit = services.roster.unit(UNIT)
    iku5 = next(q for q in use.questions(services, unit, YEAR) if q.code == "IKU-5")
    assert iku5.value == pytest.approx(87.5)  # the year's own ratio now counts


def test_only_its_member_or_the_kasubbag_answers_and_not_after_submission(services, quarters):
    with pytest.raises(use.NotYours):
        use.answer(services, notices, _person(services, MEMBER_B), YEAR, "IKU-1", REASON)
    kasubbag = _kasubbag(services)
    use.answer(services, notices, kasubbag, YEAR, "IKU-1", REASON)  # he may answer any
    # Once submitted, the domain refuses any answer, in its own words.
    report = services.annual.get(UNIT, YEAR)
    sop = services.sop_for(services.roster.unit(UNIT))
    now = services.now()
    report = annual.compile_draft(report, UNIT, YEAR, quarters, "0" * 64, kasubbag, now, sop)
    report = annual.submit(report, 1, kasubbag, now, sop)
    services.annual.save(report)
    before = services.annual.get(UNIT, YEAR)
    with pytest.raises(WorkflowError, match="sudah diajukan; jawaban tidak dapat diubah"):
        use.answer(services, notices, _person(services, MEMBER_A), YEAR, "IKU-2", REASON)
    assert services.annual.get(UNIT, YEAR) == before
    assert use.owed_by(services, services.roster.unit(UNIT), _person(services, MEMBER_A)) == []


def test_an_indicator_whose_member_left_is_answered_by_the_kasubbag(
    tmp_path, roster_path, clock, quarters
):
    text = roster_path.read_text(encoding="utf-8")
    start = text.index("telegram_id = 1005")
    block_start = text.rindex("[[", 0, start)
    block_end = text.find("[[", start)
    roster_path.write_text(text[:block_start] + (text[block_end:] if block_end > 0 else ""))
    services = _services(tmp_path, roster_path, clock, quarters)
    try:
        unit = services.roster.unit(UNIT)
        owed = [q.code for q in use.owed_by(services, unit, _kasubbag(services))]
        assert owed == ["IKU-5", "IKU-6", "IKU-7", "IKU-8"]
    finally:
        services.db.close()


def test_the_signed_tw_iv_asks_each_member_in_its_write(services, quarters):
    """The notices of TW IV's signature carry the year's questions (saved with the quarter)."""
    unit = services.roster.unit(UNIT)
    tw4 = quarters[3]
    kasat = unit.one(Role.KASAT)
    out = notices(services, Decision(SIGN_ACT, QUARTER, kasat, unit, tw4, tw4))
    asked = {
        (e["chat_id"], code)
        for e in out.entries
        if e["kind"] == "text" and "Penjelasan capaian LKj tahun 2026" in e["text"]
        for code in [f"IKU-{n}" for n in range(1, 9)]
        if f"<b>{code}</b>" in e["text"]
    }
    assert asked == {(MEMBER_A, f"IKU-{n}") for n in range(1, 5)} | {
        (MEMBER_B, f"IKU-{n}") for n in range(5, 9)
    }
    # TW III's signature asks nothing.
    tw3 = quarters[2]
    out = notices(services, Decision(SIGN_ACT, QUARTER, kasat, unit, tw3, tw3))
    assert not [e for e in out.entries if "Penjelasan capaian" in e.get("text", "")]
