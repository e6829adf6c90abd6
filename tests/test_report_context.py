"""The quarterly report's context: performance table, chart and SOP compliance (pure, no PDF).

The worked example: the sample Satpol PP unit (3 sasaran, 8 indicators) divided between two
members on Monday 5 October 2026, reported on Tuesday, drafted, initialled and signed on
Wednesday/Thursday, driven through the real ``domain.workflow``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from documents.charts import chart_svg
from documents.report_context import (
    SYSTEM_ACTOR,
    performance_context,
    quarterly_report_context,
)
from domain.calendar import WorkCalendar
from domain.models import Cycle
from domain.performance import CapaianPolicy, Indicator
from domain.roles import Role
from domain.samples import sample_indicators, sample_realisations
from domain.workflow import (
    Divide,
    MarkNeedsFix,
    MemberTask,
    RealisationInput,
    ReportRealisation,
    UploadData,
)
from tests.domain_factories import (
    MEMBER_A,
    MEMBER_B,
    SOP,
    Flow,
    file_ref,
    full_cycle,
    make_ctx,
    make_unit,
    wib,
)

CALENDAR = WorkCalendar()
UNIT = make_unit()
CODES_A = ("IKU-1", "IKU-2", "IKU-3", "IKU-4")
CODES_B = ("IKU-5", "IKU-6", "IKU-7", "IKU-8")

# The worked timeline (WIB, office hours 07.30-16.00, Monday 5 October 2026).
T_START = wib(2026, 10, 5, 8, 0)  # step 1: the Kasat disposes
T_FORWARD = wib(2026, 10, 5, 8, 10)  # step 2: 10 minutes (deadline 08.15)
T_DIVIDE = wib(2026, 10, 5, 9, 0)  # step 3: 50 minutes (deadline 08.25: 35 minutes late)
T_REPORTED = wib(2026, 10, 6, 10, 0)  # step 4: 1 working day 1 hour (deadline Thu 09.00)
T_SUBMIT = wib(2026, 10, 7, 9, 0)  # step 5: 7 h 30 min (deadline Tue 15.00)
T_PARAF = wib(2026, 10, 7, 11, 0)  # step 6: 2 hours (deadline Wed 10.00)
T_SIGN = wib(2026, 10, 8, 8, 0)  # step 7: 5 h 30 min (deadline Wed 12.00); step 8 by the bot


def collected(triwulan: int = 3) -> Flow:
    """A cycle divided by indicator and fully reported (it waits at step 5).

    Driven step by step by the tests' ``tests.domain_factories.Flow``, not by the sample-quarter
    factory (``demo.sample_year.filed_quarter``, which ``tests.test_annual_report`` uses on
    this same timeline): these tests need the quarter stopped at step 5 (a fix requested,
    the draft's context), which the factory does not give, and assert what this example
    names (the evidence ``bukti_iku-5.pdf``, where the factory names ``Bukti_IKU-5_TW3.pdf``).
    :func:`signed` goes on from here, so both are the same quarter."""
    flow = Flow(ctx=make_ctx(unit=UNIT), now=T_START).start(2026, triwulan)
    flow.at(T_FORWARD).forward()
    tasks = (
        MemberTask(MEMBER_A, "Sasaran 1 dan patroli.", CODES_A),
        MemberTask(MEMBER_B, "Sasaran 2 dan 3.", CODES_B),
    )
    flow.at(T_DIVIDE).apply(
        Divide("Kumpulkan realisasi dan bukti dukung.", tasks, sample_indicators()),
        flow.who(Role.KASUBBAG),
    )
    rows = {r.code: r for r in sample_realisations(triwulan)}
    flow.at(T_REPORTED)
    for member_id, codes in ((MEMBER_A, CODES_A), (MEMBER_B, CODES_B)):
        member = UNIT.person(member_id)
        for index, code in enumerate(codes):
            name = f"bukti_{code.lower()}.pdf"
            flow.apply(UploadData(index, file_ref(f"{code} bukti", name, by=member_id)), member)
            row = rows[code]
            report = RealisationInput(code, row.value, row.kendala, row.tindak_lanjut)
            flow.apply(ReportRealisation((report,)), member)
    assert flow.cycle is not None and flow.cycle.step == 5
    return flow


def signed(triwulan: int = 3) -> Cycle:
    flow = collected(triwulan)
    flow.at(T_SUBMIT).draft().submit()
    flow.at(T_PARAF).paraf()
    flow.at(T_SIGN).sign()
    assert flow.cycle is not None and flow.cycle.filed
    return flow.cycle


def context(cycle: Cycle, status: str = "signed", now: datetime = T_SIGN, **kwargs) -> dict:
    return quarterly_report_context(cycle, UNIT, CALENDAR, status, now, **kwargs)


@pytest.fixture(scope="module")
def tw1() -> dict:
    return context(signed(1))


@pytest.fixture(scope="module")
def tw3() -> dict:
    return context(signed(3))


def rows_by_code(ctx: dict) -> dict[str, dict]:
    return {r["code"]: r for r in ctx["performance"]["rows"]}


# ----------------------------------------------------------------------------- performance


def test_free_text_cycle_has_no_performance_section() -> None:
    ctx = context(full_cycle(), now=T_START)
    assert ctx["performance"] is None
    assert ctx["chart_svg"] is None
    assert all(not a["indicator_mode"] for a in ctx["assignments"])
    assert [s["step"] for s in ctx["sop_compliance"]] == list(range(1, 9))


def test_groups_follow_the_sasaran_of_the_targets(tw3: dict) -> None:
    perf = tw3["performance"]
    assert [len(g["rows"]) for g in perf["groups"]] == [3, 4, 1]
    assert perf["groups"][0]["sasaran"].startswith("Meningkatnya penegakan Peraturan Daerah")
    assert [r["no"] for r in perf["rows"]] == list(range(1, 9))
    assert [r["code"] for r in perf["rows"]] == [f"IKU-{n}" for n in range(1, 9)]
    assert perf["indicator_count"] == 8 and perf["reported_count"] == 8


def test_tw3_capaian_ratings_and_risk(tw3: dict) -> None:
    rows = rows_by_code(tw3)
    expected = {
        # code: (target, note, realisasi, capaian, rating, at risk)
        "IKU-1": ("84", "", "61,2", "72,86%", "Cukup", True),
        "IKU-2": ("60", "", "55", "108,33%", "Sangat Baik", False),  # lower is better
        "IKU-3": ("60", "kumulatif s.d. TW III", "55", "91,67%", "Sangat Baik", False),
        "IKU-4": ("900", "kumulatif s.d. TW III", "905", "100,56%", "Sangat Baik", False),
        "IKU-5": ("92", "", "93,1", "101,20%", "Sangat Baik", False),
        "IKU-6": ("90", "kumulatif s.d. TW III", "83", "107,78%", "Sangat Baik", False),
        "IKU-7": ("45", "kumulatif s.d. TW III", "31", "68,89%", "Cukup", True),
        "IKU-8": ("81", "", "83,1", "102,59%", "Sangat Baik", False),
    }
    for code, (target, note, real, label, rating, risk) in expected.items():
        row = rows[code]
        got = (
            row["target"],
            row["target_note"],
            row["realisasi"],
            row["capaian"],
            row["rating"],
            row["at_risk"],
        )
        assert got == (target, note, real, label, rating, risk), code
    assert rows["IKU-2"]["direction_note"] == "semakin rendah semakin baik"
    assert rows["IKU-2"]["note"] == "melampaui target"
    perf = tw3["performance"]
    # (72,86 + 108,33 + 91,67 + 100,56 + 101,20 + 107,78 + 68,89 + 102,59) / 8 = 94,235
    assert perf["average"] == 94.24 and perf["average_label"] == "94,24%"
    assert perf["average_rating"] == "Sangat Baik"
    assert [g["average_label"] for g in perf["groups"]] == ["90,95%", "94,61%", "102,59%"]
    assert perf["at_risk_count"] == 2 and perf["at_risk_codes"] == ["IKU-1", "IKU-7"]
    counts = {b["label"]: b["count"] for b in perf["bands"]}
    assert counts == {"Sangat Baik": 6, "Baik": 0, "Cukup": 2, "Kurang": 0, "Sangat Kurang": 0}
    assert [b["range"] for b in perf["bands"]] == [
        "> 90%",
        "> 75% s.d. 90%",
        "> 65% s.d. 75%",
        "> 50% s.d. 65%",
        "\u2264 50%",
    ]


def test_tw1_not_computable_cap_and_kurang(tw1: dict) -> None:
    rows = rows_by_code(tw1)
    iku3 = rows["IKU-3"]  # no TW I target in the Rencana Aksi
    assert (iku3["target"], iku3["target_note"]) == ("\u2014", "tidak ditetapkan")
    assert iku3["capaian"] == "tidak dapat dihitung" and iku3["percent"] is None
    assert iku3["rating"] == "\u2014" and not iku3["at_risk"] and not iku3["computable"]
    assert "Target TW I tidak ditetapkan" in iku3["note"]
    # 24 incidents against a ceiling of 30 is 120% raw, reported at the cap.
    assert rows["IKU-6"]["capaian"] == "120,00%"
    assert (rows["IKU-5"]["capaian"], rows["IKU-5"]["rating"]) == ("69,44%", "Cukup")
    assert (rows["IKU-7"]["capaian"], rows["IKU-7"]["rating"]) == ("60,00%", "Kurang")
    perf = tw1["performance"]
    assert perf["computable_count"] == 7 and perf["not_computable_count"] == 1
    assert perf["average_label"] == "93,13%"
    assert perf["at_risk_codes"] == ["IKU-5", "IKU-7"]
    counts = {b["label"]: b["count"] for b in perf["bands"]}
    assert counts == {"Sangat Baik": 5, "Baik": 0, "Cukup": 1, "Kurang": 1, "Sangat Kurang": 0}


def test_rows_carry_explanations_evidence_and_who_reported(tw3: dict) -> None:
    row = rows_by_code(tw3)["IKU-5"]
    assert row["kendala"] == "Tidak ada kendala berarti."
    assert row["tindak_lanjut"] == "Mempertahankan batas waktu tindak lanjut 3 x 24 jam."
    assert row["reported_by"] == UNIT.person(MEMBER_B).name
    assert row["member_name"] == UNIT.person(MEMBER_B).name
    assert row["reported_at"] == "Selasa, 6 Oktober 2026 pukul 10.00 WIB"
    assert row["state"] == "Lengkap"
    [evidence] = row["evidence"]
    assert evidence["name"] == "bukti_iku-5.pdf"
    assert len(evidence["short_hash"]) == 12 and evidence["sha256"].startswith(
        evidence["short_hash"]
    )
    perf = tw3["performance"]
    assert perf["evidence_count"] == 8
    assert {s["state"]: s["count"] for s in perf["state_counts"]}["Lengkap"] == 8


def test_assignments_list_indicators_with_their_state(tw3: dict) -> None:
    first = tw3["assignments"][0]
    assert first["indicator_mode"]
    assert [i["code"] for i in first["items"]] == list(CODES_A)
    assert first["items"][0]["indikator"].startswith("Persentase penegakan Peraturan Daerah")
    assert {i["state"] for i in first["items"]} == {"Lengkap"}


def test_fix_request_and_superseded_versions() -> None:
    flow = collected(3)
    kasubbag = flow.who(Role.KASUBBAG)
    member = UNIT.person(MEMBER_A)
    flow.at(wib(2026, 10, 6, 13, 0)).apply(
        MarkNeedsFix("IKU-2", "Lampirkan rekap pelanggaran per kecamatan."), kasubbag
    )
    pending = context(flow.cycle, "draft", now=flow.now)
    row = rows_by_code(pending)["IKU-2"]
    assert row["state"] == "Perlu Perbaikan"
    assert row["fix"] == "Lampirkan rekap pelanggaran per kecamatan."
    states = {s["state"]: s["count"] for s in pending["performance"]["state_counts"]}
    assert states == {"Lengkap": 7, "Belum Lengkap": 0, "Perlu Perbaikan": 1, "Belum Ada": 0}

    fixed = RealisationInput("IKU-2", 52, "Tidak ada kendala berarti.", "Sosialisasi lanjutan.")
    flow.at(wib(2026, 10, 6, 14, 0)).apply(ReportRealisation((fixed,)), member)
    ctx = context(flow.cycle, "draft", now=flow.now)
    row = rows_by_code(ctx)["IKU-2"]
    assert (row["realisasi"], row["capaian"], row["version"]) == ("52", "113,33%", 2)
    history = ctx["performance"]["history"]
    assert [(h["code"], h["version"], h["value"], h["current"]) for h in history] == [
        ("IKU-2", 1, "55", False),
        ("IKU-2", 2, "52", True),
    ]
    [fix] = ctx["performance"]["fixes"]
    assert fix["code"] == "IKU-2" and fix["member_name"] == member.name
    assert fix["at"] == "Selasa, 6 Oktober 2026 pukul 13.00 WIB"


def test_policy_changes_risk_threshold() -> None:
    cycle = signed(3)
    strict = CapaianPolicy(risk_below=95.0)
    perf = performance_context(cycle, UNIT, CALENDAR, strict)
    assert perf is not None
    assert perf["at_risk_codes"] == ["IKU-1", "IKU-3", "IKU-7"]
    assert perf["risk_label"] == "95%"
    ctx = context(cycle, policy=strict)
    assert "batas risiko 95%" in ctx["chart_svg"]


# ----------------------------------------------------------------------------- chart


def test_chart_svg_bars_axis_and_risk_line(tw1: dict) -> None:
    svg = str(tw1["chart_svg"])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for code in (f"IKU-{n}" for n in range(1, 9)):
        assert f">{code}</text>" in svg
    for tick in ("0%", "50%", "75%", "100%", "120%"):
        assert f">{tick}</text>" in svg
    assert "Capaian kinerja (%)" in svg
    assert "batas risiko 75%" in svg
    assert 'stroke-dasharray="4 2"' in svg  # the risk line
    assert "69,44% \u26a0" in svg and "60,00% \u26a0" in svg  # at-risk labels
    assert "tidak dapat dihitung" in svg  # IKU-3: no bar, a note
    # Bars coloured by band: Sangat Baik, Cukup, Kurang all present.
    for colour in ("#1a7d3c", "#e0a800", "#e06c00"):
        assert f'fill="{colour}"' in svg
    assert "<script" not in svg and "href" not in svg


def test_chart_escapes_what_goes_in() -> None:
    hostile = Indicator(
        code='<svg onload="x">&',
        sasaran="Sasaran uji",
        indikator="Indikator uji",
        satuan="%",
        target_tahunan=100,
        targets=(100, 100, 100, 100),
    )
    cycle = replace(signed(3), indicators=(hostile,))
    perf = performance_context(cycle, UNIT, CALENDAR)
    svg = str(chart_svg(perf))
    assert "<svg onload" not in svg
    assert "&lt;svg onload=&#34;x&#34;&gt;&amp;</text>" in svg
    assert chart_svg(None) is None


def test_chart_shortens_long_codes() -> None:
    long_code = "IKU-2.1.A-SUBKEGIATAN-PENEGAKAN-PERDA"
    cycle = signed(3)
    indicator = replace(cycle.indicators[0], code=long_code)
    perf = performance_context(replace(cycle, indicators=(indicator,)), UNIT, CALENDAR)
    svg = str(chart_svg(perf))
    assert ">IKU-2.1.A-SUBKEGIATAN-P\u2026</text>" in svg
    assert long_code not in svg


# ----------------------------------------------------------------------------- SOP compliance


def test_sop_compliance_worked_example(tw3: dict) -> None:
    steps = {s["step"]: s for s in tw3["sop_compliance"]}
    assert list(steps) == list(range(1, 9))
    got = {n: (s["duration"], s["over_time"], s["standard_time"]) for n, s in steps.items()}
    assert got == {
        1: ("0 menit", False, "15 menit"),
        2: ("10 menit", False, "15 menit"),
        3: ("50 menit", True, "15 menit"),
        4: ("1 hari kerja 1 jam", False, "15 menit"),
        5: ("7 jam 30 menit", True, "5 jam"),
        6: ("2 jam", True, "1 jam"),
        7: ("5 jam 30 menit", True, "1 jam"),
        8: ("0 menit", False, "5 jam"),
    }
    overdue = {n: s["passes"][0]["overdue"] for n, s in steps.items() if s["over_time"]}
    assert overdue == {3: "35 menit", 5: "2 jam 30 menit", 6: "1 jam", 7: "4 jam 30 menit"}
    assert steps[4]["allowed_time"] == "3 hari kerja"
    assert all(steps[n]["allowed_time"] == "" for n in (1, 2, 3, 5, 6, 7, 8))
    assert steps[1]["holder"] == "Kasat" and steps[1]["holder_name"] == UNIT.one(Role.KASAT).name
    assert steps[6]["holder_name"] == UNIT.one(Role.SEKRETARIS).name
    assert steps[4]["holder"] == "Tim Kerja"
    assert steps[4]["holder_name"] == ", ".join(UNIT.person(m).name for m in (MEMBER_A, MEMBER_B))
    assert steps[8]["holder_name"] == SYSTEM_ACTOR and steps[8]["by_system"]
    assert steps[3]["passes"][0]["started"] == {
        "date": "5 Oktober 2026",
        "short": "05-10-2026",
        "time": "08.10 WIB",
    }
    assert steps[3]["finished_at"] == "Senin, 5 Oktober 2026 pukul 09.00 WIB"
    summary = tw3["sop_summary"]
    assert summary["over_time_steps"] == [3, 5, 6, 7]
    assert (summary["on_time"], summary["over_time"], summary["open"]) == (4, 4, 0)
    assert summary["total"] == "3 hari kerja"  # Monday 08.00 to Thursday 08.00
    assert summary["office_hours"] == "07.30\u201316.00 WIB"


def test_sop_compliance_of_a_draft_with_an_open_step_past_its_deadline() -> None:
    flow = collected(3)
    late = wib(2026, 10, 6, 15, 30)  # step 5 started Tuesday 10.00, due 15.00
    steps = {s["step"]: s for s in context(flow.cycle, "draft", now=late)["sop_compliance"]}
    current = steps[5]["passes"][0]
    assert current["open"] and current["over_time"] and current["finished"] is None
    assert current["duration"] == "5 jam 30 menit" and current["overdue"] == "30 menit"
    assert current["status"] == "Melewati batas waktu"
    assert current["holder_name"] == UNIT.one(Role.KASUBBAG).name
    for n in (6, 7, 8):
        assert not steps[n]["reached"] and steps[n]["passes"] == []
    early = {s["step"]: s for s in context(flow.cycle, "draft", now=T_REPORTED)["sop_compliance"]}
    assert not early[5]["over_time"] and early[5]["passes"][0]["status"] == "Sedang berjalan"


def test_a_returned_report_lists_each_pass() -> None:
    flow = collected(3)
    flow.at(T_SUBMIT).draft().submit()
    flow.at(wib(2026, 10, 7, 9, 30)).give_back(6, "Lengkapi analisis IKU-1.")
    flow.at(wib(2026, 10, 7, 10, 30)).draft().submit()
    flow.at(wib(2026, 10, 7, 11, 0)).paraf()
    steps = {s["step"]: s for s in context(flow.cycle, "paraf", now=flow.now)["sop_compliance"]}
    assert [p["duration"] for p in steps[5]["passes"]] == ["7 jam 30 menit", "1 jam"]
    assert [p["over_time"] for p in steps[5]["passes"]] == [True, False]
    assert [p["duration"] for p in steps[6]["passes"]] == ["30 menit", "30 menit"]
    # 450 + 60 office minutes: one full office day (07.30-16.00 is 510 minutes).
    assert (steps[5]["duration_minutes"], steps[5]["duration"]) == (510, "1 hari kerja")
    assert steps[5]["over_time"]  # any pass over time marks the step
    assert steps[7]["passes"][0]["open"] and not steps[8]["reached"]


def test_custom_sop_table_is_used() -> None:
    relaxed = replace(
        SOP,
        steps=tuple(
            replace(s, standard_time=replace(s.standard_time, minutes=600)) if s.number == 3 else s
            for s in SOP.steps
        ),
    )
    steps = {s["step"]: s for s in context(signed(3), sop=relaxed)["sop_compliance"]}
    assert steps[3]["standard_time"] == "10 jam"
    # Over time is judged on the recorded deadline, not re-derived from the table.
    assert steps[3]["over_time"]
