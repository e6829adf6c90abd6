"""One approval flow, two kinds of report: every rule of ``domain.approval`` is played against
the quarterly report (``domain.workflow``) and the annual LKj (``domain.annual``) alike, so a
rule changed once is seen to hold for both; a change of the SOP table (who initials, whether a
step may return) reaches both without code."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from domain import annual, approval
from domain.errors import InputError, RoleError, WorkflowError
from domain.models import Cycle
from domain.roles import Role
from domain.sop import PARAF, SIGN, Sop, load_sop
from domain.workflow import Paraf, ReturnReport, Sign, SubmitReport, apply, record_report
from tests.domain_factories import SOP, T0, UNIT, Flow, make_ctx, sha_of
from tests.test_sop_routing import sekretaris_table

YEAR = 2026
NOW = T0 + timedelta(days=10)


def _filed(triwulan: int) -> Cycle:
    flow = Flow(ctx=make_ctx()).start(YEAR, triwulan).forward().divide().collect()
    cycle = flow.draft().submit().paraf().sign().cycle
    assert cycle is not None and cycle.filed
    return cycle


QUARTERS = [_filed(tw) for tw in (1, 2, 3, 4)]


class Quarterly:
    """The quarterly report, driven through ``domain.workflow.apply``."""

    kind = approval.QUARTERLY

    def __init__(self, sop: Sop):
        self.ctx = make_ctx(sop=sop)

    def drafted(self):
        flow = Flow(ctx=self.ctx).start(YEAR, 4).forward().divide().collect().draft()
        return flow.cycle

    def submit(self, report, version, who):
        return apply(report, SubmitReport(version), who, NOW, self.ctx).cycle

    def paraf(self, report, version, who):
        moved = apply(report, Paraf(version), who, NOW, self.ctx).cycle
        return record_report(moved, "paraf", sha_of(b"paraf"), who.user_id, NOW)

    def sign(self, report, version, who):
        return apply(report, Sign(version), who, NOW, self.ctx).cycle

    def give_back(self, report, version, reason, who):
        return apply(report, ReturnReport(version, reason, report.step), who, NOW, self.ctx).cycle

    def redraft(self, report):
        return record_report(report, "draft", sha_of(b"again"), 0, NOW)


class Annual:
    """The annual LKj, driven through ``domain.annual``."""

    kind = approval.ANNUAL

    def __init__(self, sop: Sop):
        self.sop = sop

    def drafted(self):
        maker = UNIT.one(self.sop.role_of(self.kind.maker))
        return annual.compile_draft(
            None, UNIT.code, YEAR, QUARTERS, sha_of(b"lkj"), maker, NOW, self.sop
        )

    def submit(self, report, version, who):
        return annual.submit(report, version, who, NOW, self.sop)

    def paraf(self, report, version, who):
        moved = annual.paraf(report, version, who, NOW, self.sop)
        return annual.record_version(moved, "paraf", sha_of(b"paraf"), who.user_id, NOW)

    def sign(self, report, version, who):
        return annual.sign(report, version, who, NOW, self.sop)

    def give_back(self, report, version, reason, who):
        return annual.return_report(report, version, reason, who, NOW, self.sop)

    def redraft(self, report):
        maker = UNIT.one(self.sop.role_of(self.kind.maker))
        return annual.compile_draft(
            report, UNIT.code, YEAR, QUARTERS, sha_of(b"again"), maker, NOW, self.sop
        )


KINDS = [Quarterly, Annual]


def holder(sop: Sop, key: str):
    return UNIT.one(sop.role_of(key))


def submitted(kind, sop: Sop = SOP):
    report = kind.drafted()
    return kind.submit(report, report.latest_report.number, holder(sop, kind.kind.maker))


def initialled(kind, sop: Sop = SOP):
    report = submitted(kind, sop)
    return kind.paraf(report, 1, holder(sop, PARAF))


@pytest.fixture(params=KINDS, ids=lambda k: k.kind.name)
def kind(request):
    return request.param(SOP)


# --- the rules, each against both kinds --------------------------------------------------


def test_a_decision_records_who_when_which_version_at_the_tables_step(kind) -> None:
    report = kind.sign(initialled(kind), 1, holder(SOP, SIGN))
    assert [(d.kind, d.step, d.by, d.at, d.report_version) for d in report.decisions] == [
        ("paraf", SOP.by_key(PARAF).number, holder(SOP, PARAF).user_id, NOW, 1),
        ("sign", SOP.by_key(SIGN).number, holder(SOP, SIGN).user_id, NOW, 1),
    ]


@pytest.mark.parametrize(
    ("act", "version", "error", "message"),
    [
        ("paraf", 2, WorkflowError, "bukan versi terakhir"),
        ("paraf-by-maker", 1, RoleError, "hanya dapat dilakukan oleh Sekretaris"),
        ("sign-the-draft", 1, WorkflowError, "tidak berlaku lagi|bukan versi terakhir"),
        ("return-empty", 1, InputError, "Alasan pengembalian tidak boleh kosong"),
        ("return-too-long", 1, InputError, "terlalu panjang"),
        ("return-by-signer", 1, RoleError, "hanya dapat dilakukan oleh Sekretaris"),
    ],
)
def test_a_refused_act_is_refused_the_same_way_for_both(kind, act, version, error, message) -> None:
    report = submitted(kind)
    acts = {
        "paraf": lambda: kind.paraf(report, version, holder(SOP, PARAF)),
        "paraf-by-maker": lambda: kind.paraf(report, version, holder(SOP, kind.kind.maker)),
        "sign-the-draft": lambda: kind.sign(report, version, holder(SOP, SIGN)),
        "return-empty": lambda: kind.give_back(report, version, "  ", holder(SOP, PARAF)),
        "return-too-long": lambda: kind.give_back(
            report, version, "x" * (approval.MAX_REASON + 1), holder(SOP, PARAF)
        ),
        "return-by-signer": lambda: kind.give_back(report, version, "Perbaiki.", holder(SOP, SIGN)),
    }
    with pytest.raises(error, match=message):
        acts[act]()


def test_a_returned_draft_goes_back_to_its_maker_and_cannot_be_submitted_again(kind) -> None:
    report = kind.give_back(submitted(kind), 1, "  Lengkapi analisis.  ", holder(SOP, PARAF))
    returned = report.latest_decision("return")
    assert (returned.reason, returned.step, returned.report_version) == (
        "Lengkapi analisis.",
        SOP.by_key(PARAF).number,
        1,
    )
    assert not approval.submittable(report)
    with pytest.raises(WorkflowError, match="telah dikembalikan untuk perbaikan"):
        kind.submit(report, 1, holder(SOP, kind.kind.maker))
    again = kind.redraft(report)
    assert approval.submittable(again)
    resubmitted = kind.submit(again, 2, holder(SOP, kind.kind.maker))
    assert (
        kind.paraf(resubmitted, 2, holder(SOP, PARAF)).latest_decision("paraf").report_version == 2
    )


def test_the_signer_returns_the_initialled_version(kind) -> None:
    report = kind.give_back(initialled(kind), 1, "Tambahkan analisis.", holder(SOP, SIGN))
    assert report.latest_decision("return").step == SOP.by_key(SIGN).number


# --- a change of the table reaches both kinds ---------------------------------------------


@pytest.mark.parametrize("make", KINDS, ids=lambda k: k.kind.name)
def test_a_unit_table_giving_the_report_to_the_sekretaris_holds_for_both(make, tmp_path):
    sop = load_sop(sekretaris_table(tmp_path))
    kind = make(sop)
    report = kind.drafted()
    with pytest.raises(RoleError, match="hanya dapat dilakukan oleh Sekretaris"):
        kind.submit(report, 1, UNIT.one(Role.KASUBBAG))
    report = kind.submit(report, 1, UNIT.one(Role.SEKRETARIS))
    report = kind.paraf(report, 1, UNIT.one(Role.SEKRETARIS))
    report = kind.sign(report, 1, UNIT.one(Role.KASAT))
    assert [d.by for d in report.decisions] == [
        UNIT.one(r).user_id for r in (Role.SEKRETARIS, Role.KASAT)
    ]


@pytest.mark.parametrize("make", KINDS, ids=lambda k: k.kind.name)
def test_a_table_whose_paraf_step_may_not_return_refuses_returns_for_both(make):
    shipped = load_sop()
    steps = tuple(replace(s, return_to=None) if s.key == PARAF else s for s in shipped.steps)
    sop = Sop(name=shipped.name, steps=steps)
    kind = make(sop)
    report = submitted(kind, sop)
    with pytest.raises(WorkflowError, match="tidak dapat dikembalikan"):
        kind.give_back(report, 1, "Perbaiki.", holder(sop, PARAF))
    # The signature step still may: the table says so, step by step.
    report = kind.give_back(initialled(kind, sop), 1, "Perbaiki.", holder(sop, SIGN))
    assert report.latest_decision("return") is not None


def test_marks_are_cleaned_once_for_every_kind() -> None:
    marks = approval.clean_marks(
        [("IKU-1", ""), ("IKU-2", " sendiri ")], ["IKU-1", "IKU-2"], "umum"
    )
    assert marks == (("IKU-1", "umum"), ("IKU-2", "sendiri"))
    with pytest.raises(InputError, match="IKU-9"):
        approval.clean_marks([("IKU-9", "")], ["IKU-1"], "umum")
    reason, parsed = approval.parse_marks("Umum.\nIKU-2: angka", ("IKU-1",), ("IKU-1", "IKU-2"))
    assert (reason, parsed) == ("Umum.", (("IKU-1", ""), ("IKU-2", "angka")))
    assert re.search("Alasan perbaikan", _too_long_mark())


def _too_long_mark() -> str:
    with pytest.raises(InputError) as refused:
        approval.clean_marks([("IKU-1", "x" * (approval.MAX_REASON + 1))], ["IKU-1"], "umum")
    return str(refused.value)


def test_a_holder_whose_post_a_plh_holds_is_refused_and_the_plh_acts(kind) -> None:
    """While a Plh. holds the paraf post, its own holder may not initial (for both kinds);
    the Plh. may, and the decision names the Plh."""
    report = submitted(kind)
    away = replace(holder(SOP, PARAF), stood_in_by="Budi Santoso")
    with pytest.raises(RoleError, match="dijalankan oleh Budi Santoso"):
        kind.paraf(report, 1, away)
    plh = replace(UNIT.one(Role.TIM_KERJA), acting=(SOP.role_of(PARAF),))
    initialled_by_plh = kind.paraf(report, 1, plh)
    assert initialled_by_plh.latest_decision("paraf").by == plh.user_id
