"""Segregation of duties as a rule of the SOP table (``[[separate]]``, ``domain.segregation``):
flat tables of cases, with the shipped table and with edited ones read from a file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.errors import InputError, RoleError, SopError
from domain.roles import Role
from domain.segregation import appointment_conflict, check_act, take_conflict
from domain.sop import DEFAULT_SEPARATED, SIGN, load_sop
from domain.standins import appoint, day_bounds, resolve
from domain.workflow import Paraf, Sign, SubmitReport, record_report
from tests.domain_factories import (
    KASAT,
    KASUBBAG,
    MEMBER_A,
    MEMBER_B,
    SEKRETARIS,
    SOP_PATH,
    T0,
    UNIT,
    Flow,
    actor,
    make_ctx,
)

SHIPPED = SOP_PATH.read_text(encoding="utf-8")
DEFAULT_GROUP = 'activities = ["penyusunan_laporan", "koreksi_paraf", "pemeriksaan_tandatangan"]'
FIRST, LAST = date(2026, 10, 5), date(2026, 10, 9)  # Monday to Friday of T0's week


def _table(folder: Path, name: str, text: str):
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return load_sop(path)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """The shipped table and the edits an office might make, each read from its own file."""
    folder = tmp_path_factory.mktemp("sop")
    assert DEFAULT_GROUP in SHIPPED
    # An office that also keeps whoever collected the data from initialling it.
    collector = SHIPPED.replace(
        DEFAULT_GROUP,
        DEFAULT_GROUP + '\n\n[[separate]]\nactivities = ["penyerahan_bahan", "koreksi_paraf"]',
    )
    # An office where the Sekretaris makes (step 5) and initials the report: it separates
    # only the paraf from the signature.
    sekretaris = SHIPPED.replace(
        'key = "penyusunan_laporan"\nactivity = "Membuat laporan data kinerja"\nrole = "kasubbag"',
        'key = "penyusunan_laporan"\nactivity = "Membuat laporan data kinerja"\n'
        'role = "sekretaris"',
    ).replace(DEFAULT_GROUP, 'activities = ["koreksi_paraf", "pemeriksaan_tandatangan"]')
    assert sekretaris != SHIPPED
    return {
        "default": _table(folder, "default", SHIPPED),
        "collector": _table(folder, "collector", collector),
        "sekretaris": _table(folder, "sekretaris", sekretaris),
    }


# --- the table ----------------------------------------------------------------------------


def test_the_shipped_table_states_the_default_groups(tables):
    assert tables["default"].separated == DEFAULT_SEPARATED
    assert tables["collector"].separated == (
        *DEFAULT_SEPARATED,
        ("penyerahan_bahan", "koreksi_paraf"),
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # a table without [[separate]] keeps the default
        ((DEFAULT_GROUP, ""), None),
        # a key the table does not have
        (('"koreksi_paraf", "pemeriksaan', '"koreksi_parap", "pemeriksaan'), "two or more"),
        # one activity only
        ((DEFAULT_GROUP, 'activities = ["koreksi_paraf"]'), "two or more"),
        # two separated steps of one post would strand every quarter
        (
            (DEFAULT_GROUP, 'activities = ["disposisi_sekretaris", "koreksi_paraf"]'),
            "steps 2, 6 are separated",
        ),
        ((DEFAULT_GROUP, "activities = 5"), "activities"),
    ],
)
def test_the_table_is_checked_when_loaded(tmp_path, edit, message):
    text = SHIPPED.replace(*edit)
    if message is None:
        text = text.replace("[[separate]]\n\n", "").replace("[[separate]]\n", "")
        assert load_sop(_write(tmp_path, text)).separated == DEFAULT_SEPARATED
        return
    with pytest.raises(SopError, match=message):
        load_sop(_write(tmp_path, text))


def _write(folder: Path, text: str) -> Path:
    path = folder / "sop.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- appointments -------------------------------------------------------------------------

START, END = day_bounds(FIRST, LAST, UNIT.timezone)


@pytest.mark.parametrize(
    ("table", "post", "candidate", "reason"),
    [
        ("default", Role.KASAT, SEKRETARIS, "tahap 6"),  # initials, may not also sign
        ("default", Role.KASAT, KASUBBAG, "tahap 5"),  # makes the report
        ("default", Role.KASAT, MEMBER_A, None),
        ("default", Role.SEKRETARIS, KASUBBAG, "tahap 5"),  # would initial their own draft
        ("default", Role.SEKRETARIS, KASAT, "tahap 7"),
        ("default", Role.SEKRETARIS, MEMBER_A, None),
        ("default", Role.KASUBBAG, SEKRETARIS, "tahap 6"),
        ("default", Role.KASUBBAG, KASAT, "tahap 7"),
        ("default", Role.KASUBBAG, MEMBER_B, None),
        ("collector", Role.SEKRETARIS, MEMBER_A, "tahap 4"),  # collected, may not initial
        ("collector", Role.KASAT, MEMBER_A, None),
        ("collector", Role.KASUBBAG, MEMBER_A, None),
        ("sekretaris", Role.KASAT, KASUBBAG, None),  # the Kasubbag makes nothing there
        ("sekretaris", Role.KASAT, SEKRETARIS, "tahap 6"),
        ("sekretaris", Role.SEKRETARIS, KASUBBAG, None),
        ("sekretaris", Role.SEKRETARIS, KASAT, "tahap 7"),
    ],
)
def test_who_may_stand_in_for_a_post(tables, table, post, candidate, reason):
    sop = tables[table]
    person = UNIT.member(candidate)
    why = appointment_conflict(sop, UNIT, post, person, START, END)
    if reason is None:
        assert why is None
        appoint(UNIT, post, candidate, FIRST, LAST, _appointer(post, candidate), T0, sop=sop)
        return
    assert why is not None and reason in why
    with pytest.raises(InputError, match=f"tidak dapat ditunjuk.*{reason}"):
        appoint(UNIT, post, candidate, FIRST, LAST, _appointer(post, candidate), T0, sop=sop)


def _appointer(post: Role, candidate: int):
    """The administrator (the Kasubbag), or the post's holder when the Kasubbag is the
    candidate: nobody appoints themselves."""
    return actor(post) if candidate == KASUBBAG else actor(Role.KASUBBAG)


def test_nobody_appoints_themselves(tables):
    for sop in (None, tables["default"]):
        with pytest.raises(InputError, match="diri sendiri"):
            appoint(UNIT, Role.KASAT, KASUBBAG, FIRST, LAST, actor(Role.KASUBBAG), T0, sop=sop)


def _with(unit, *periods):
    return replace(unit, standins=unit.standins + tuple(periods))


@pytest.mark.parametrize(
    ("cover", "allowed"),
    [
        ((FIRST, LAST), True),  # a Plh. Sekretaris the whole range: she does not initial
        ((FIRST, LAST - timedelta(days=1)), False),  # not the last day: she would initial
        (None, False),
    ],
)
def test_the_sekretaris_stands_in_for_the_head_only_while_her_own_post_is_covered(
    tables, cover, allowed
):
    sop, unit = tables["default"], UNIT
    if cover is not None:
        plh = appoint(unit, Role.SEKRETARIS, MEMBER_A, *cover, actor(Role.SEKRETARIS), T0, sop=sop)
        unit = _with(unit, plh)
    why = appointment_conflict(sop, unit, Role.KASAT, unit.member(SEKRETARIS), START, END)
    assert (why is None) is allowed


def test_a_stand_in_may_not_hold_two_separated_posts_at_once(tables):
    sop = tables["default"]
    plh = appoint(UNIT, Role.SEKRETARIS, MEMBER_A, FIRST, LAST, actor(Role.SEKRETARIS), T0, sop=sop)
    unit = _with(UNIT, plh)
    with pytest.raises(InputError, match="sebagai Sekretaris"):
        appoint(unit, Role.KASAT, MEMBER_A, LAST, LAST, actor(Role.KASAT), T0, sop=sop)
    # the days after are fine
    appoint(
        unit,
        Role.KASAT,
        MEMBER_A,
        LAST + timedelta(days=3),
        LAST + timedelta(days=4),
        actor(Role.KASAT),
        T0,
        sop=sop,
    )


# --- acts ---------------------------------------------------------------------------------


def _flow_with(tables, table: str, post: Role, stand_in: int, step: int) -> Flow:
    """A flow at ``step`` in a unit where ``stand_in`` acts for ``post`` (appointed without
    the rule: an appointment made before the table separated, say)."""
    sop = tables[table]
    by = actor(post) if stand_in == KASUBBAG else actor(Role.KASUBBAG)
    period = appoint(UNIT, post, stand_in, FIRST, LAST, by, T0)
    flow = Flow(ctx=make_ctx(sop=sop)).start().forward().divide().collect()
    if step >= 6:
        flow.draft().submit()
    # from now on the stand-in acts for the post
    flow.ctx = make_ctx(sop=sop, unit=resolve(_with(UNIT, period), T0))
    return flow


@pytest.mark.parametrize(
    ("table", "post", "stand_in", "acts", "refused", "theirs"),
    [
        # the Sekretaris as Plh. Kasat initials, then may not sign the same version
        ("default", Role.KASAT, SEKRETARIS, ["paraf"], "sign", "tahap 6"),
        # the Kasubbag as Plh. Sekretaris made the draft, may not initial it
        ("default", Role.SEKRETARIS, KASUBBAG, [], "paraf", "tahap 5"),
        # with the office's added pair, a member who collected may not initial
        ("collector", Role.SEKRETARIS, MEMBER_A, [], "paraf", "tahap 4"),
        # a member who collected signs as Plh. Kasat: nothing separates them by default
        ("default", Role.KASAT, MEMBER_A, ["paraf"], None, ""),
    ],
)
def test_an_act_that_would_join_two_separated_activities_is_refused(
    tables, table, post, stand_in, acts, refused, theirs
):
    flow = _flow_with(tables, table, post, stand_in, 6)
    if "paraf" in acts:
        flow.apply(Paraf(flow.version), flow.ctx.unit.member(SEKRETARIS))
        flow.cycle = record_report(flow.cycle, "paraf", "b" * 64, SEKRETARIS, T0)
    before = flow.cycle
    assert before is not None
    doer = flow.ctx.unit.member(stand_in)
    action = Sign(flow.version) if "paraf" in acts else Paraf(flow.version)
    if refused is None:
        flow.apply(action, doer)
        assert flow.cycle.latest_decision("sign").by == stand_in
        return
    with pytest.raises(RoleError, match=f"Pemisahan tugas.*{theirs}"):
        flow.apply(action, doer)
    assert flow.cycle is before  # nothing changed


def test_a_new_version_is_a_new_set_of_acts(tables):
    """The rule is per report version: initialling version 1 does not bar signing version 2
    when someone else initialled it (the appointment rule keeps that from happening, but an
    act is judged on its version)."""
    flow = _flow_with(tables, "default", Role.KASAT, SEKRETARIS, 6)
    sek = flow.ctx.unit.member(SEKRETARIS)
    flow.apply(Paraf(flow.version), sek)
    with pytest.raises(RoleError):
        flow.apply(Sign(flow.version), sek)
    check_act(tables["default"], flow.cycle, SIGN, actor(Role.KASAT))  # the holder may
    # Returned and redrafted: version 2 is initialled by a Plh. Sekretaris, and the
    # Sekretaris (Plh. Kasat) may sign it, having done nothing on it.
    redrafted = record_report(flow.cycle, "draft", "c" * 64, KASUBBAG, T0)
    assert redrafted.latest_report.number == 2
    redrafted = replace(
        redrafted,
        decisions=(
            *redrafted.decisions,
            replace(redrafted.decisions[-1], by=MEMBER_A, report_version=2),
        ),
    )
    check_act(tables["default"], redrafted, SIGN, sek)


def test_who_submitted_a_draft_is_its_maker(tables):
    flow = _flow_with(tables, "default", Role.SEKRETARIS, KASUBBAG, 5)
    flow.draft()
    flow.apply(SubmitReport(flow.version), flow.ctx.unit.member(KASUBBAG))
    with pytest.raises(RoleError, match="Anda telah melakukan tahap 5"):
        flow.apply(Paraf(flow.version), flow.ctx.unit.member(KASUBBAG))


def test_the_division_holder_takes_a_members_task_only_where_the_table_allows(tables):
    """Alihkan tugas to oneself: allowed by the shipped table (nothing separates the
    collection); refused, with the reason, where the collection is separated from a step the
    division holder acts for (here: an office that also separates collecting from paraf,
    seen by a Sekretaris who divides)."""
    kasubbag = actor(Role.KASUBBAG)
    assert take_conflict(tables["default"], kasubbag) is None
    sekretaris = actor(Role.SEKRETARIS)
    reason = take_conflict(tables["collector"], sekretaris)
    assert reason is not None and "Pemisahan tugas" in reason and "tahap 6" in reason
