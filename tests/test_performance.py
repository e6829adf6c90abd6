"""Worked figures for the achievement (capaian), its rating, the risk flag and the records.

Each row states the arithmetic it checks, so a reviewer can redo it on paper.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.performance import (
    DEFAULT_BANDS,
    DEFAULT_POLICY,
    EXCEEDED,
    KUMULATIF,
    NAIK,
    PER_TRIWULAN,
    TURUN,
    Achievement,
    CapaianPolicy,
    Indicator,
    RatingBand,
    Realisation,
    TargetSet,
    annual_realisation,
    average_percent,
    capaian,
    capaian_tahunan,
    current_realisations,
    format_number_id,
    format_percent_id,
    parse_number_id,
    performance_table,
    rating,
    record_realisation,
    round_half_up,
)

WIB = ZoneInfo("Asia/Jakarta")
AT = datetime(2026, 7, 6, 9, 0, tzinfo=WIB)

Targets = tuple[float | None, float | None, float | None, float | None]


def ind(
    direction: str = NAIK,
    counting: str = PER_TRIWULAN,
    targets: Targets = (80, 82, 84, 85),
    annual: float = 85,
    code: str = "IKU-1",
    sasaran: str = "Sasaran A",
) -> Indicator:
    return Indicator(
        code=code,
        sasaran=sasaran,
        indikator=f"Indikator {code}",
        satuan="%",
        target_tahunan=annual,
        targets=targets,
        direction=direction,
        counting=counting,
    )


# ------------------------------------------------------------------------------ capaian


PCT = ind()  # %, naik, per triwulan: 80 / 82 / 84 / 85
VIOLATIONS = ind(TURUN, targets=(65, 60, 60, 55), annual=240)  # kasus, turun, per triwulan
COMPLAINTS = ind(TURUN, targets=(5, 5, 5, 5), annual=20)  # pengaduan, turun, per triwulan
PATROLS = ind(NAIK, KUMULATIF, (300, 600, 900, 1200), 1200)  # kali, naik, kumulatif
INCIDENTS = ind(TURUN, KUMULATIF, (30, 60, 90, 120), 120)  # kejadian, turun, kumulatif
HANDLED = ind(targets=(90, 90, 92, 95), annual=95)  # %, naik, per triwulan
SB, C, K, SK = "Sangat Baik", "Cukup", "Kurang", "Sangat Kurang"


# fmt: off
@pytest.mark.parametrize(
    ("case", "indicator", "tw", "real", "percent", "raw", "band", "risk", "note"),
    [
        # higher is better: realisasi / target × 100
        ("78,5 / 80", PCT, 1, 78.5, 98.13, 98.13, SB, False, ""),
        ("61,2 / 84", PCT, 3, 61.2, 72.86, 72.86, C, True, ""),
        ("82 / 82", PCT, 2, 82, 100.0, 100.0, SB, False, ""),
        ("96 / 80 = 120", PCT, 1, 96, 120.0, 120.0, SB, False, EXCEEDED),
        ("120 / 80 = 150, capped", PCT, 1, 120, 120.0, 150.0, SB, False, EXCEEDED),
        ("0 / 80", PCT, 1, 0, 0.0, 0.0, SK, True, ""),
        # lower is better: (2 − realisasi / target) × 100, floored at 0
        ("2 − 58/65", VIOLATIONS, 1, 58, 110.77, 110.77, SB, False, EXCEEDED),
        ("2 − 84/60", VIOLATIONS, 2, 84, 60.0, 60.0, K, True, ""),
        ("2 − 55/55", VIOLATIONS, 4, 55, 100.0, 100.0, SB, False, ""),
        ("2 − 130/60 < 0", VIOLATIONS, 2, 130, 0.0, 0.0, SK, True, ""),
        ("2 − 0/5 = 200, capped", COMPLAINTS, 1, 0, 120.0, 200.0, SB, False, EXCEEDED),
        # cumulative: the year-to-date realisation against the year-to-date target
        ("588 by June / 600", PATROLS, 2, 588, 98.0, 98.0, SB, False, ""),
        ("1.214 / 1.200", PATROLS, 4, 1214, 101.17, 101.17, SB, False, EXCEEDED),
        ("2 − 152/120", INCIDENTS, 4, 152, 73.33, 73.33, C, True, ""),
        ("2 − 51/60", INCIDENTS, 2, 51, 115.0, 115.0, SB, False, EXCEEDED),
        # per quarter: the quarter's own target, not the annual one
        ("88,6 / 90 (not / 95)", HANDLED, 2, 88.6, 98.44, 98.44, SB, False, ""),
    ],
)
# fmt: on
def test_capaian_worked_figures(
    case: str,
    indicator: Indicator,
    tw: int,
    real: float,
    percent: float,
    raw: float,
    band: str,
    risk: bool,
    note: str,
) -> None:
    a = capaian(indicator, tw, real)
    assert (a.percent, a.raw_percent, a.rating, a.at_risk, a.note) == (
        percent,
        raw,
        band,
        risk,
        note,
    ), case
    assert a.target == indicator.target_for(tw)
    assert a.realisation == real
    assert a.triwulan == tw
    assert a.computable


# fmt: off
@pytest.mark.parametrize(
    ("case", "indicator", "tw", "real", "note"),
    [
        ("no target this quarter", ind(NAIK, KUMULATIF, (None, 40, 60, 80), 80), 1, 0,
         "Target TW I tidak ditetapkan; capaian tidak dapat dihitung."),
        ("zero target, higher is better", ind(targets=(80, 0, 84, 85)), 2, 10,
         "Target TW II bernilai 0; capaian tidak dapat dihitung."),
        ("zero target, lower is better", ind(TURUN, targets=(5, 5, 0, 5), annual=15), 3, 0,
         "Target TW III bernilai 0; capaian tidak dapat dihitung."),
        ("no realisation", PCT, 4, None, "Realisasi belum dilaporkan."),
        ("negative realisation", PCT, 1, -3,
         "Target atau realisasi bernilai negatif; capaian tidak dapat dihitung."),
    ],
)
# fmt: on
def test_capaian_not_computable(
    case: str, indicator: Indicator, tw: int, real: float | None, note: str
) -> None:
    a = capaian(indicator, tw, real)
    assert not a.computable, case
    assert (a.percent, a.raw_percent, a.rating, a.at_risk) == (None, None, None, False)
    assert a.note == note
    assert a.label == "tidak dapat dihitung"


def test_cap_is_configurable_and_can_be_disabled() -> None:
    no_cap = CapaianPolicy(cap=None)
    assert capaian(ind(), 1, 120, no_cap).percent == 150.0
    lower = capaian(COMPLAINTS, 1, 0, no_cap)
    assert lower.percent == 200.0
    assert capaian(ind(), 1, 120, CapaianPolicy(cap=110)).percent == 110.0


def test_capaian_rejects_a_quarter_outside_1_to_4() -> None:
    with pytest.raises(ValueError):
        capaian(ind(), 5, 10)


# ------------------------------------------------------------------------------ rating, risk


@pytest.mark.parametrize(
    ("percent", "label"),
    [
        (0, "Sangat Kurang"),
        (50, "Sangat Kurang"),
        (50.01, "Kurang"),
        (51, "Kurang"),
        (65, "Kurang"),
        (66, "Cukup"),
        (75, "Cukup"),
        (75.5, "Baik"),
        (76, "Baik"),
        (90, "Baik"),
        (90.01, "Sangat Baik"),
        (91, "Sangat Baik"),
        (100, "Sangat Baik"),
        (120, "Sangat Baik"),
    ],
)
def test_rating_band_edges(percent: float, label: str) -> None:
    assert rating(percent) == label


@pytest.mark.parametrize(
    ("real", "percent", "at_risk"),
    [
        (74.99, 74.99, True),  # 74,99 / 100
        (75, 75.0, False),
        (74.994, 74.99, True),  # rounds to 74,99: still at risk
        (74.995, 75.0, False),  # rounds half-up to 75,00: the flag follows what is shown
    ],
)
def test_risk_flag_below_75(real: float, percent: float, at_risk: bool) -> None:
    a = capaian(ind(targets=(100, 100, 100, 100), annual=100), 1, real)
    assert (a.percent, a.at_risk) == (percent, at_risk)


def test_rating_bands_and_risk_threshold_are_data() -> None:
    policy = CapaianPolicy.from_dict(
        {
            "cap": 150,
            "risk_below": 80,
            "bands": [
                {"label": "Memuaskan", "above": 85},
                {"label": "Tidak Memuaskan", "above": None},
            ],
        }
    )
    a = capaian(ind(), 1, 68)  # 68 / 80 = 85% under the default policy: Baik, not at risk
    assert (a.rating, a.at_risk) == ("Baik", False)
    b = capaian(ind(), 1, 68, policy)
    assert (b.percent, b.rating, b.at_risk) == (85.0, "Tidak Memuaskan", False)
    c = capaian(ind(), 1, 63.2, policy)  # 79%
    assert (c.rating, c.at_risk) == ("Tidak Memuaskan", True)
    assert CapaianPolicy.from_dict(policy.to_dict()) == policy
    assert CapaianPolicy.from_dict({}) == DEFAULT_POLICY


@pytest.mark.parametrize(
    "bands",
    [
        (RatingBand("A", 90), RatingBand("B", 50)),  # no catch-all band
        (RatingBand("A", None), RatingBand("B", None)),  # two catch-all bands
        (RatingBand("A", 50), RatingBand("B", 50), RatingBand("C", None)),  # same floor
    ],
)
def test_malformed_band_tables_are_refused(bands: tuple[RatingBand, ...]) -> None:
    with pytest.raises(ValueError):
        rating(80, bands)


def test_bands_need_not_be_sorted() -> None:
    assert rating(80, tuple(reversed(DEFAULT_BANDS))) == "Baik"


# ------------------------------------------------------------------------------ the year


# fmt: off
@pytest.mark.parametrize(
    ("case", "indicator", "quarters", "expected"),
    [
        ("kumulatif: the latest year-to-date", PATROLS, {1: 276, 2: 588, 3: 905, 4: 1214}, 1214),
        ("kumulatif: up to TW III", PATROLS, {1: 276, 2: 588, 3: 905, 4: None}, 905),
        ("counts: 65+60+60+55 = 240, summed", VIOLATIONS, {1: 58, 2: 84, 3: 55, 4: 49}, 246),
        ("percentages: averaged", PCT, {1: 78.5, 2: 81, 3: 61.2, 4: 86.4}, 76.775),
        ("nothing reported", PCT, {1: None}, None),
    ],
)
# fmt: on
def test_annual_realisation(
    case: str, indicator: Indicator, quarters: dict[int, float | None], expected: float | None
) -> None:
    got = annual_realisation(indicator, quarters)
    assert got == pytest.approx(expected) if expected is not None else got is None, case


def test_annual_capaian_against_target_tahunan() -> None:
    patrols = ind(NAIK, KUMULATIF, (300, 600, 900, 1200), 1200)
    a = capaian_tahunan(patrols, 1214)
    assert (a.triwulan, a.target, a.percent, a.rating) == (None, 1200, 101.17, "Sangat Baik")
    violations = ind(TURUN, targets=(65, 60, 60, 55), annual=240)
    b = capaian_tahunan(violations, 246)  # 2 − 246/240 = 0,975
    assert (b.percent, b.at_risk) == (97.5, False)
    assert capaian_tahunan(violations, None).note == "Realisasi belum dilaporkan."


# ------------------------------------------------------------------------------ records


def real(code: str, tw: int, value: float, by: int = 1004) -> Realisation:
    return Realisation(
        code=code,
        triwulan=tw,
        value=value,
        kendala="Tidak ada kendala berarti.",
        tindak_lanjut="Melanjutkan kegiatan rutin.",
        evidence=("ab" * 32,),
        reported_by=by,
        reported_at=AT,
        source="chat",
    )


def test_a_new_report_supersedes_the_old_which_stays_on_record() -> None:
    history = record_realisation((), real("IKU-1", 2, 70))
    history = record_realisation(history, real("IKU-2", 2, 50))
    history = record_realisation(history, real("IKU-1", 2, 81))
    history = record_realisation(history, real("IKU-1", 1, 78.5))
    assert [(r.code, r.triwulan, r.value, r.version, r.superseded) for r in history] == [
        ("IKU-1", 2, 70, 1, True),
        ("IKU-2", 2, 50, 1, False),
        ("IKU-1", 2, 81, 2, False),
        ("IKU-1", 1, 78.5, 1, False),
    ]
    current = current_realisations(history, 2)
    assert {c: r.value for c, r in current.items()} == {"IKU-1": 81, "IKU-2": 50}


def test_realisation_lists_what_is_missing() -> None:
    r = real("IKU-1", 1, 80)
    assert r.missing == []
    bare = Realisation("IKU-1", 1, 80, "", " ", (), 1004, AT)
    assert bare.missing == ["kendala", "tindak lanjut", "bukti dukung"]


def test_records_round_trip_through_dicts() -> None:
    i = ind(NAIK, KUMULATIF, (None, 40, 60, 80), 80)
    assert Indicator.from_dict(i.to_dict()) == i
    ts = TargetSet("satpolpp-bdg", 2026, (i, ind(code="IKU-2")), 1003, AT, "cd" * 32, "pk.xlsx")
    assert TargetSet.from_dict(ts.to_dict()) == ts
    r = record_realisation(record_realisation((), real("IKU-1", 1, 1)), real("IKU-1", 1, 2))
    assert [Realisation.from_dict(x.to_dict()) for x in r] == list(r)
    a = capaian(i, 2, 28)
    assert Achievement.from_dict(a.to_dict()) == a
    assert TargetSet.from_dict(ts.to_dict()).sasaran() == ["Sasaran A"]


@pytest.mark.parametrize(
    "kwargs",
    [{"direction": "atas"}, {"counting": "bulanan"}, {"targets": (1, 2, 3)}],
)
def test_indicator_refuses_unknown_kinds(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = dict(
        code="X", sasaran="S", indikator="I", satuan="%", target_tahunan=1, targets=(1, 1, 1, 1)
    )
    with pytest.raises(ValueError):
        Indicator(**{**base, **kwargs})  # type: ignore[arg-type]


def test_performance_table_groups_by_sasaran_in_file_order() -> None:
    a1 = ind(code="IKU-1", sasaran="Sasaran A")
    b1 = ind(TURUN, KUMULATIF, (30, 60, 90, 120), 120, code="IKU-6", sasaran="Sasaran B")
    a2 = ind(code="IKU-3", sasaran="Sasaran A")
    ts = TargetSet("u", 2026, (a1, b1, a2), 1003, AT, "00" * 32)
    history = record_realisation((), real("IKU-1", 2, 70))
    history = record_realisation(history, real("IKU-1", 2, 82))
    history = record_realisation(history, real("IKU-6", 2, 51))
    table = performance_table(ts, 2, history)
    assert [(s, [r.indicator.code for r in rows]) for s, rows in table] == [
        ("Sasaran A", ["IKU-1", "IKU-3"]),
        ("Sasaran B", ["IKU-6"]),
    ]
    rows = {r.indicator.code: r for _, group in table for r in group}
    assert rows["IKU-1"].realisation is not None and rows["IKU-1"].realisation.value == 82
    assert rows["IKU-1"].achievement.percent == 100.0
    assert rows["IKU-6"].achievement.percent == 115.0
    assert rows["IKU-3"].realisation is None
    assert rows["IKU-3"].achievement.note == "Realisasi belum dilaporkan."
    # mean of the computable percentages only: (100 + 115) / 2
    assert average_percent(r.achievement for r in rows.values()) == 107.5
    assert average_percent([]) is None


# ------------------------------------------------------------------------------ wording


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("97,5", 97.5),
        ("1.250", 1250),
        ("12.500.000", 12_500_000),
        ("1.250,5", 1250.5),
        ("85%", 85),
        ("85 %", 85),
        ("97.5", 97.5),
        ("0,75", 0.75),
        ("1,250.5", 1250.5),
        ("-12", -12),
        ("\u00a0 42 ", 42),
        ("", None),
        ("-", None),
        ("–", None),
    ],
)
def test_parse_number_id(text: str, value: float | None) -> None:
    assert parse_number_id(text) == value


@pytest.mark.parametrize("text", ["delapan", "1.2.3", "12a", "1,2,3", "%", "1.25.000"])
def test_parse_number_id_refuses_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number_id(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1250, "1.250"), (97.5, "97,5"), (82.5, "82,5"), (0, "0"), (1214, "1.214"), (None, "-")],
)
def test_format_number_id(value: float | None, text: str) -> None:
    assert format_number_id(value) == text


def test_percent_wording_rounds_half_up() -> None:
    assert format_percent_id(98.125) == "98,13%"
    assert round_half_up(98.125) == 98.13  # Python's round() would give 98.12
    assert capaian(ind(), 1, 78.5).label == "98,13%"
