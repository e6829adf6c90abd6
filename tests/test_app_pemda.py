"""The pemda's view across units (``app.pemda.overview``) without Telegram: units grouped by
the government their kop names, each unit's latest quarter from the summary rows (files and
PostgreSQL), who holds the step now, overdue in the unit's working days, worst first."""

from __future__ import annotations

import pytest

from app import pemda, quarter
from app.pemda import NOT_STARTED, ON_TRACK, OVERDUE
from app.standins import appoint_standin
from bot.services import build_services
from bot.settings import Settings
from domain.errors import RoleError
from domain.models import FileRef
from domain.pemda import government_of, pemda_key
from domain.roles import Role
from domain.roster import RosterError, parse_roster
from handlers.notices import notices
from handlers.reports import build_disposition_sheet
from tests.factories import DEMO_ROSTER, pdf_bytes

KOTA_BANDUNG = "kota-bandung"

EXTRA = """
[[unit]]
code = "dinkes-bdg"
name = "Dinas Kesehatan Kota Bandung"
city = "Bandung"
[[unit.people]]
role = "kasat"
telegram_id = 2001
name = "dr. Anhar Hadian"
[[unit.people]]
role = "sekretaris"
telegram_id = 2002
name = "Siti Aminah"
[[unit.people]]
role = "kasubbag"
telegram_id = 2003
name = "Budi Santoso"
[[unit.people]]
role = "tim_kerja"
telegram_id = 2004
name = "Wulan Sari"

[[unit]]
code = "satpolpp-kendal"
name = "Satuan Polisi Pamong Praja Kabupaten Kendal"
city = "Kendal"
[[unit.people]]
role = "kasat"
telegram_id = 3001
name = "Kasat Kendal"
[[unit.people]]
role = "sekretaris"
telegram_id = 3002
name = "Sekretaris Kendal"
[[unit.people]]
role = "kasubbag"
telegram_id = 3003
name = "Kasubbag Kendal"
[[unit.people]]
role = "tim_kerja"
telegram_id = 3004
name = "Tim Kendal"

[[evaluator]]
telegram_id = 9001
name = "Dra. Sri Lestari"
position = "Inspektur Pembantu Wilayah I"
body = "inspektorat"
pemda = "Kota Bandung"
admin = true
"""


@pytest.fixture
def store_url(database_url: str | None) -> str | None:
    return database_url


@pytest.fixture
def services(tmp_path, store_url, clock):
    roster = tmp_path / "roster.toml"
    roster.write_text(DEMO_ROSTER.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    settings = Settings(
        _env_file=None,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster,
        lkj_database_url=store_url or "",
    )
    built = build_services(settings, clock=clock)
    yield built
    built.db.close()


async def _start(services, unit_code: str):
    unit = services.roster.unit(unit_code)
    kasat = unit.with_role(Role.KASAT)[0]
    data = pdf_bytes()
    documents = tuple(
        FileRef(
            sha256=services.db.blobs.put(data),
            name=f"{kind}.pdf",
            size=len(data),
            mime="application/pdf",
            uploaded_by=kasat.user_id,
            uploaded_at=services.now(),
            kind=kind,
        )
        for kind in ("perjanjian_kinerja", "rencana_aksi")
    )
    change = await quarter.start_quarter(
        services, notices, build_disposition_sheet, kasat, 2026, 4, documents, "Mohon.", None
    )
    return change.after


async def test_units_grouped_by_pemda_and_worst_first(services, clock):
    assert sorted(services.roster.pemdas()) == ["kabupaten-kendal", KOTA_BANDUNG]
    assert [u.code for u in services.roster.units_of_pemda(KOTA_BANDUNG)] == [
        "dinkes-bdg",
        "satpolpp-bdg",
    ]
    before = pemda.overview(services, KOTA_BANDUNG, 2026)
    assert before.government.line == "Pemerintah Kota Bandung"
    assert [(r.unit, r.state) for r in before.rows] == [
        ("dinkes-bdg", NOT_STARTED),
        ("satpolpp-bdg", NOT_STARTED),
    ]

    cycle = await _start(services, "satpolpp-bdg")
    now = pemda.overview(services, KOTA_BANDUNG, 2026)
    row = next(r for r in now.rows if r.unit == "satpolpp-bdg")
    step = services.sop_for(services.roster.unit("satpolpp-bdg")).step(cycle.step)
    assert (row.state, row.triwulan, row.step, row.activity) == (
        ON_TRACK,
        4,
        cycle.step,
        step.activity,
    )
    assert row.holders == tuple(
        p.name for p in services.roster.unit("satpolpp-bdg").acting(step.role)
    )
    assert row.deadline is not None and row.overdue_days == 0
    assert now.rows[0].unit == "satpolpp-bdg"  # started before not started

    # A Plh appointed while the step is open holds it in the view at once (who acts now).
    unit = services.roster.unit("satpolpp-bdg")
    holder, member = unit.with_role(step.role)[0], unit.with_role(Role.TIM_KERJA)[0]
    today = services.now().date()
    appoint_standin(services, holder, step.role, member.user_id, today, today, None)
    row = next(r for r in pemda.overview(services, KOTA_BANDUNG, 2026).rows if r.unit == unit.code)
    assert row.holders == (member.name,) and row.role_label == unit.role_label(step.role)

    clock.advance(days=14)  # two weeks: past any step's standard time
    late = pemda.overview(services, KOTA_BANDUNG, 2026)
    first = late.rows[0]
    assert (first.unit, first.state) == ("satpolpp-bdg", OVERDUE)
    assert 5 <= first.overdue_days <= 10  # working days: weekends do not count
    assert [r.unit for r in late.attention] == ["satpolpp-bdg"]
    # the Kendal unit is another pemda's, and is not shown
    assert all(r.unit != "satpolpp-kendal" for r in late.rows)


def test_evaluators_are_read_from_the_roster(services):
    evaluator = pemda.evaluator_of(services, 9001)
    assert (evaluator.pemda, evaluator.body_label, evaluator.admin) == (
        KOTA_BANDUNG,
        "Inspektorat",
        True,
    )
    assert [e.user_id for e in services.roster.evaluators_of(KOTA_BANDUNG)] == [9001]
    assert services.roster.evaluators_of("kabupaten-kendal") == []
    with pytest.raises(RoleError):
        pemda.evaluator_of(services, 1001)  # a unit's Kasat is no evaluator
    assert services.roster.person(9001) is None  # and an evaluator is no unit member


def test_an_evaluator_who_is_a_member_or_a_bad_body_is_refused():
    unit = {"code": "u", "name": "Dinas X Kota Bogor", "city": "Bogor", "people": [
        {"role": r, "telegram_id": n, "name": r} for n, r in
        enumerate(("kasat", "sekretaris", "kasubbag", "tim_kerja"), 1)
    ]}  # fmt: skip
    twice = {"telegram_id": 1, "name": "E", "pemda": "Kota Bogor"}
    with pytest.raises(RosterError, match="twice"):
        parse_roster({"unit": [unit], "evaluator": [twice]})
    bad = {"telegram_id": 9, "name": "E", "pemda": "Kota Bogor", "body": "dprd"}
    with pytest.raises(RosterError, match="body"):
        parse_roster({"unit": [unit], "evaluator": [bad]})
    nowhere = {"telegram_id": 9, "name": "E", "pemda": "Bogor"}
    with pytest.raises(RosterError):
        parse_roster({"unit": [unit], "evaluator": [nowhere]})
    ok = parse_roster({"unit": [unit], "evaluator": [{**bad, "body": "bappeda"}]})
    assert ok.evaluators[0].pemda == pemda_key(government_of(ok.units[0])) == "kota-bogor"


def test_a_filed_quarter_reads_as_the_unit_s_own_report(services, clock):
    """Capaian (lower-is-better indicators included), capaian per sasaran and the SOP
    compliance counts of the view are those the domain computes from the whole cycle."""
    from demo.sample_year import filed_quarter
    from domain.office_time import compliance_summary, sop_compliance
    from domain.performance import capaian, current_realisations, round_half_up

    unit = services.roster.unit("satpolpp-bdg")
    cycle = filed_quarter(services.context(unit), 2026, 3, render=False)
    assert any(i.direction == "turun" for i in cycle.indicators)
    services.cycles.save(cycle)
    row = next(r for r in pemda.overview(services, KOTA_BANDUNG, 2026).rows if r.unit == unit.code)

    reported = current_realisations(cycle.realisations, 3)
    got = {
        i.code: capaian(i, 3, reported[i.code].value).percent
        for i in cycle.indicators
        if i.code in reported
    }
    values = [v for v in got.values() if v is not None]
    assert row.capaian == round_half_up(sum(values) / len(values))
    assert (row.reported, row.indicators) == (len(reported), len(cycle.indicators))
    for cell in row.sasaran:
        mine = [
            got[i.code] for i in cycle.indicators if i.sasaran == cell.sasaran and got.get(i.code)
        ]
        assert cell.capaian == (round_half_up(sum(mine) / len(mine)) if mine else None)
    assert {cell.sasaran for cell in row.sasaran} == {i.sasaran for i in cycle.indicators}

    now = services.now()
    calendar = services.calendar(unit)
    summary = compliance_summary(
        sop_compliance(cycle, services.sop_for(unit), calendar, now), cycle, calendar, now
    )
    assert (row.on_time, row.over_time, row.open_passes) == (
        summary.on_time,
        summary.over_time,
        summary.open,
    )
    assert row.state == "ditandatangani" and row.signed
