"""Performance data: the year's targets, the team's realisation and the achievement (capaian).

The targets come from the Perjanjian Kinerja and its Rencana Aksi: per indicator a target for
the year (``target_tahunan``) and one per quarter (TW I–IV). The team reports a realisation per
indicator and quarter; this module computes the achievement against the target.

Two properties of an indicator decide the arithmetic:

``direction``
    ``"naik"``: higher is better (a percentage of regulations enforced, a number of patrols).
    ``"turun"``: lower is better (a number of public-order disturbances, of violations).
``counting``
    ``"kumulatif"``: the quarter targets are year-to-date totals (TW II = January–June) and so
    is the realisation reported for a quarter; the quarter's achievement compares the two
    year-to-date figures, and the TW IV target normally equals the annual target.
    ``"per_triwulan"``: each quarter stands alone (a percentage measured within the quarter).

The formulas (see :func:`capaian`) follow the practice of LKj prepared under PermenPAN-RB
Nomor 53 Tahun 2014 (Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu
atas Laporan Kinerja Instansi Pemerintah), which asks for the realisation to be compared with the
target but leaves the formula for lower-is-better indicators to the agency.

All user-facing wording (reasons, rating labels) is formal Indonesian.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

NAIK = "naik"
TURUN = "turun"
DIRECTIONS: tuple[str, ...] = (NAIK, TURUN)
DIRECTION_LABELS: dict[str, str] = {NAIK: "Naik", TURUN: "Turun"}

KUMULATIF = "kumulatif"
PER_TRIWULAN = "per_triwulan"
COUNTINGS: tuple[str, ...] = (KUMULATIF, PER_TRIWULAN)
COUNTING_LABELS: dict[str, str] = {KUMULATIF: "Kumulatif", PER_TRIWULAN: "Per Triwulan"}

# How the year's realisation is derived from the quarters (the targets workbook's column
# "Penghitungan Tahunan"; empty: the default of the indicator's type, :func:`default_annual_rule`).
JUMLAH = "jumlah"  # the sum of the quarters (counts per quarter)
AKHIR = "triwulan_terakhir"  # the last quarter reported (a year-to-date value, a stock)
RATA_RATA = "rata_rata"  # the mean of the quarters reported
RASIO = "rasio"  # the year's own numerator / denominator × 100 (a percentage)
ANNUAL_RULES: tuple[str, ...] = (JUMLAH, AKHIR, RATA_RATA, RASIO)
ANNUAL_RULE_LABELS: dict[str, str] = {
    JUMLAH: "Jumlah",
    AKHIR: "Triwulan Terakhir",
    RATA_RATA: "Rata-rata",
    RASIO: "Rasio Tahunan",
}

TRIWULAN_LABELS: tuple[str, ...] = ("TW I", "TW II", "TW III", "TW IV")

NOT_COMPUTABLE = "tidak dapat dihitung"
EXCEEDED = "melampaui target"


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _check_triwulan(triwulan: int) -> None:
    if triwulan not in (1, 2, 3, 4):
        raise ValueError(f"Triwulan harus 1 sampai 4, bukan {triwulan}.")


def triwulan_label(triwulan: int) -> str:
    """``"TW I"`` … ``"TW IV"``."""
    _check_triwulan(triwulan)
    return TRIWULAN_LABELS[triwulan - 1]


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Indicator:
    """One indicator of the Perjanjian Kinerja, with its targets.

    ``targets`` holds the four quarter targets TW I–IV; ``None`` means the Rencana Aksi sets no
    target for that quarter (then that quarter's achievement cannot be computed).
    """

    code: str
    sasaran: str
    indikator: str
    satuan: str
    target_tahunan: float
    targets: tuple[float | None, float | None, float | None, float | None]
    direction: str = NAIK
    counting: str = PER_TRIWULAN
    # Optional comparison data from the targets workbook (Bab III of the annual LKj):
    # realisation of the two previous years (year - 1, year - 2), the Renstra's end-of-period
    # target and its final year, and a national standard.
    previous: tuple[float | None, float | None] = (None, None)
    renstra_target: float | None = None
    renstra_year: int | None = None
    national_standard: float | None = None
    # The counting rule of the annual value (one of ANNUAL_RULES); "" = the type's default.
    annual_rule: str = ""
    # The programmes and activities (kegiatan) behind the indicator, from the targets workbook.
    program: str = ""
    kegiatan: str = ""

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"Arah indikator tidak dikenal: {self.direction!r}")
        if self.counting not in COUNTINGS:
            raise ValueError(f"Cara perhitungan tidak dikenal: {self.counting!r}")
        if self.annual_rule and self.annual_rule not in ANNUAL_RULES:
            raise ValueError(f"Cara penghitungan tahunan tidak dikenal: {self.annual_rule!r}")
        if len(self.targets) != 4:
            raise ValueError("Target triwulan harus tepat empat (TW I–IV).")

    def target_for(self, triwulan: int) -> float | None:
        """The quarter's target (year-to-date for a cumulative indicator)."""
        _check_triwulan(triwulan)
        return self.targets[triwulan - 1]

    @property
    def cumulative(self) -> bool:
        return self.counting == KUMULATIF

    @property
    def lower_is_better(self) -> bool:
        return self.direction == TURUN

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def counting_label(self) -> str:
        return COUNTING_LABELS[self.counting]

    @property
    def rule(self) -> str:
        """The annual counting rule in force: the workbook's, else the type's default."""
        return self.annual_rule or default_annual_rule(self)

    @property
    def rule_label(self) -> str:
        return ANNUAL_RULE_LABELS[self.rule]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sasaran": self.sasaran,
            "indikator": self.indikator,
            "satuan": self.satuan,
            "target_tahunan": self.target_tahunan,
            "targets": list(self.targets),
            "direction": self.direction,
            "counting": self.counting,
            "previous": list(self.previous),
            "renstra_target": self.renstra_target,
            "renstra_year": self.renstra_year,
            "national_standard": self.national_standard,
            "annual_rule": self.annual_rule,
            "program": self.program,
            "kegiatan": self.kegiatan,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Indicator:
        t = [None if v is None else float(v) for v in d["targets"]]
        prev = [None if v is None else float(v) for v in d.get("previous", (None, None))]
        renstra_year = d.get("renstra_year")
        return cls(
            code=d["code"],
            sasaran=d["sasaran"],
            indikator=d["indikator"],
            satuan=d["satuan"],
            target_tahunan=float(d["target_tahunan"]),
            targets=(t[0], t[1], t[2], t[3]),
            direction=d["direction"],
            counting=d["counting"],
            previous=(prev[0], prev[1]),
            renstra_target=_float_or_none(d.get("renstra_target")),
            renstra_year=None if renstra_year is None else int(renstra_year),
            national_standard=_float_or_none(d.get("national_standard")),
            annual_rule=d.get("annual_rule", ""),
            program=d.get("program", ""),
            kegiatan=d.get("kegiatan", ""),
        )


def _sums_to_annual(indicator: Indicator) -> bool:
    quarter_targets = [t for t in indicator.targets if t is not None]
    return len(quarter_targets) == 4 and math.isclose(
        sum(quarter_targets), indicator.target_tahunan, rel_tol=0.005
    )


def default_annual_rule(indicator: Indicator) -> str:
    """The counting rule of an indicator whose workbook row names none.

    * cumulative: the last quarter (the TW IV year-to-date value is the year's);
    * per quarter, when the four quarter targets add up to the annual target (within 0,5%):
      the sum (counts, e.g. violations per quarter);
    * per quarter otherwise (percentages, indices): the mean of the quarters reported, said
      so in the annual table; a unit that has the year's numerator and denominator chooses
      "Rasio Tahunan" instead.
    """
    if indicator.cumulative:
        return AKHIR
    return JUMLAH if _sums_to_annual(indicator) else RATA_RATA


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class UnitProfile:
    """What the unit says about itself for Bab I of the annual LKj, from the targets
    workbook's sheet "Profil Renstra" (``domain.targets_import.profile_from_sheet``): the
    Renstra's strategic issues and main problems, the legal basis it names (the Perda that
    formed it, the Renstra's act), its structure, staff and facilities. Each is a list of
    lines as the unit wrote them; an empty list means the unit gave nothing."""

    isu_strategis: tuple[str, ...] = ()
    permasalahan: tuple[str, ...] = ()
    dasar_hukum: tuple[str, ...] = ()
    struktur: tuple[str, ...] = ()
    sdm: tuple[str, ...] = ()
    sarana: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in PROFILE_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return {f: list(getattr(self, f)) for f in PROFILE_FIELDS}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> UnitProfile:
        d = d or {}
        return cls(**{f: tuple(d.get(f, ())) for f in PROFILE_FIELDS})


PROFILE_FIELDS: tuple[str, ...] = (
    "isu_strategis",
    "permasalahan",
    "dasar_hukum",
    "struktur",
    "sdm",
    "sarana",
)


@dataclass(frozen=True)
class TargetSet:
    """A unit's targets for one year, as imported from one workbook or CSV file."""

    unit: str
    year: int
    indicators: tuple[Indicator, ...]
    imported_by: int
    imported_at: datetime
    source_sha256: str
    source_name: str = ""
    profile: UnitProfile = field(default_factory=UnitProfile)

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def sasaran(self) -> list[str]:
        """The sasaran strategis in the order of the file, each once."""
        return list(dict.fromkeys(i.sasaran for i in self.indicators))

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "indicators": [i.to_dict() for i in self.indicators],
            "imported_by": self.imported_by,
            "imported_at": self.imported_at.isoformat(),
            "source_sha256": self.source_sha256,
            "source_name": self.source_name,
            "profile": self.profile.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TargetSet:
        return cls(
            unit=d["unit"],
            year=d["year"],
            indicators=tuple(Indicator.from_dict(i) for i in d["indicators"]),
            imported_by=d["imported_by"],
            imported_at=_dt(d["imported_at"]),  # type: ignore[arg-type]
            source_sha256=d["source_sha256"],
            source_name=d.get("source_name", ""),
            profile=UnitProfile.from_dict(d.get("profile")),
        )


@dataclass(frozen=True)
class Realisation:
    """One report of a realisation by a Tim Kerja member for one indicator and quarter.

    For a cumulative indicator ``value`` is the year-to-date figure. A later report for the same
    indicator and quarter supersedes this one (``superseded``); both stay on record, numbered by
    ``version``. ``evidence`` lists the sha256 of the evidence files (bukti dukung).
    """

    code: str
    triwulan: int
    value: float
    kendala: str
    tindak_lanjut: str
    evidence: tuple[str, ...]
    reported_by: int
    reported_at: datetime
    version: int = 1
    superseded: bool = False
    source: str = ""  # "chat" (typed) | "workbook" (uploaded data workbook)

    @property
    def missing(self) -> list[str]:
        """What a complete report still lacks, in Indonesian (for the checklist)."""
        out = []
        if not self.kendala.strip():
            out.append("kendala")
        if not self.tindak_lanjut.strip():
            out.append("tindak lanjut")
        if not self.evidence:
            out.append("bukti dukung")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "triwulan": self.triwulan,
            "value": self.value,
            "kendala": self.kendala,
            "tindak_lanjut": self.tindak_lanjut,
            "evidence": list(self.evidence),
            "reported_by": self.reported_by,
            "reported_at": self.reported_at.isoformat(),
            "version": self.version,
            "superseded": self.superseded,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Realisation:
        return cls(
            code=d["code"],
            triwulan=d["triwulan"],
            value=float(d["value"]),
            kendala=d["kendala"],
            tindak_lanjut=d["tindak_lanjut"],
            evidence=tuple(d["evidence"]),
            reported_by=d["reported_by"],
            reported_at=_dt(d["reported_at"]),  # type: ignore[arg-type]
            version=d.get("version", 1),
            superseded=d.get("superseded", False),
            source=d.get("source", ""),
        )


def record_realisation(history: Sequence[Realisation], new: Realisation) -> tuple[Realisation, ...]:
    """The history with ``new`` added: the current report for the same indicator and quarter is
    marked superseded (it stays on record) and ``new`` gets the next version number."""
    same = [r for r in history if r.code == new.code and r.triwulan == new.triwulan]
    version = max((r.version for r in same), default=0) + 1
    kept = tuple(
        replace(r, superseded=True)
        if r.code == new.code and r.triwulan == new.triwulan and not r.superseded
        else r
        for r in history
    )
    return (*kept, replace(new, version=version, superseded=False))


def current_realisations(history: Iterable[Realisation], triwulan: int) -> dict[str, Realisation]:
    """The report in force per indicator code for the quarter (the latest not superseded)."""
    out: dict[str, Realisation] = {}
    for r in history:
        if r.triwulan == triwulan and not r.superseded:
            if r.code not in out or r.version > out[r.code].version:
                out[r.code] = r
    return out


# ----------------------------------------------------------------------------- rating policy


@dataclass(frozen=True)
class RatingBand:
    """A rating label for every percentage strictly above ``above``.

    ``above=None`` marks the catch-all lowest band. With whole-number band tables such as
    "76–90 Baik" the band starts *above* the previous upper bound (75), so 75,5% is Baik.
    """

    label: str
    above: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "above": self.above}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RatingBand:
        above = d.get("above")
        return cls(label=d["label"], above=None if above is None else float(above))


# 91–100 (and above 100) Sangat Baik, 76–90 Baik, 66–75 Cukup, 51–65 Kurang, ≤ 50 Sangat Kurang.
DEFAULT_BANDS: tuple[RatingBand, ...] = (
    RatingBand("Sangat Baik", 90.0),
    RatingBand("Baik", 75.0),
    RatingBand("Cukup", 65.0),
    RatingBand("Kurang", 50.0),
    RatingBand("Sangat Kurang", None),
)


def validate_bands(bands: Sequence[RatingBand]) -> None:
    """A configuration check: exactly one catch-all band and no two bands with the same floor."""
    floors = [b.above for b in bands]
    if floors.count(None) != 1:
        raise ValueError("Tabel predikat harus memiliki tepat satu predikat terendah (above=None).")
    numbers = [f for f in floors if f is not None]
    if len(set(numbers)) != len(numbers):
        raise ValueError("Dua predikat memiliki batas bawah yang sama.")
    if any(not b.label.strip() for b in bands):
        raise ValueError("Setiap predikat harus memiliki nama.")


@functools.lru_cache(maxsize=64)
def _ordered_bands(bands: tuple[RatingBand, ...]) -> tuple[RatingBand, ...]:
    """The bands checked and ordered once (a view rates thousands of figures)."""
    validate_bands(bands)
    return tuple(
        sorted(bands, key=lambda b: -math.inf if b.above is None else b.above, reverse=True)
    )


def rating(percent: float, bands: Sequence[RatingBand] = DEFAULT_BANDS) -> str:
    """The rating label (predikat) of an achievement percentage.

    Worked edges with the default bands: 50 → Sangat Kurang, 51 → Kurang, 65 → Kurang,
    66 → Cukup, 75 → Cukup, 76 → Baik, 90 → Baik, 91 → Sangat Baik, 100 and 120 → Sangat Baik.
    """
    for band in _ordered_bands(tuple(bands)):
        if band.above is None or percent > band.above:
            return band.label
    raise AssertionError("unreachable: validate_bands guarantees a catch-all band")


@dataclass(frozen=True)
class CapaianPolicy:
    """The configurable parts of the achievement computation, as data.

    ``cap``: the highest percentage reported (``None`` = no cap). ``risk_below``: an achievement
    strictly below this is flagged at risk. ``bands``: the rating table.
    """

    cap: float | None = 120.0
    risk_below: float = 75.0
    bands: tuple[RatingBand, ...] = field(default=DEFAULT_BANDS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cap": self.cap,
            "risk_below": self.risk_below,
            "bands": [b.to_dict() for b in self.bands],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CapaianPolicy:
        bands = tuple(RatingBand.from_dict(b) for b in d.get("bands", []))
        if bands:
            validate_bands(bands)
        cap = d.get("cap", 120.0)
        return cls(
            cap=None if cap is None else float(cap),
            risk_below=float(d.get("risk_below", 75.0)),
            bands=bands or DEFAULT_BANDS,
        )


DEFAULT_POLICY = CapaianPolicy()


# ----------------------------------------------------------------------------- achievement


@dataclass(frozen=True)
class Achievement:
    """The achievement of one indicator for one quarter (``triwulan``) or the year (``None``).

    ``percent`` is what the report shows: rounded to two decimals and capped by the policy;
    ``raw_percent`` is the uncapped figure. When the achievement cannot be computed both are
    ``None``, ``rating`` is ``None`` and ``note`` says why (in Indonesian).
    """

    code: str
    triwulan: int | None
    target: float | None
    realisation: float | None
    percent: float | None
    raw_percent: float | None
    rating: str | None
    at_risk: bool
    note: str = ""

    @property
    def computable(self) -> bool:
        return self.percent is not None

    @property
    def label(self) -> str:
        """``"98,13%"``, or ``"tidak dapat dihitung"``."""
        return format_percent_id(self.percent) if self.percent is not None else NOT_COMPUTABLE

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "triwulan": self.triwulan,
            "target": self.target,
            "realisation": self.realisation,
            "percent": self.percent,
            "raw_percent": self.raw_percent,
            "rating": self.rating,
            "at_risk": self.at_risk,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Achievement:
        return cls(**d)


def _decimal(value: float) -> Decimal:
    # Through repr so that 78.5 is the decimal 78.5, not its binary approximation.
    return Decimal(repr(float(value)))


def round_half_up(value: float | Decimal, places: int = 2) -> float:
    """Commercial rounding as in a report table: 98,125 → 98,13 (Python's round gives 98,12)."""
    d = value if isinstance(value, Decimal) else _decimal(value)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def raw_percent(direction: str, target: float, realisation: float) -> float:
    """The uncapped achievement percentage, rounded half-up to two decimals; ``target`` > 0.

    Higher is better: ``realisasi / target × 100``.
    Lower is better: ``(2 − realisasi / target) × 100``, floored at 0; equivalently
    ``(target − (realisasi − target)) / target × 100``.
    Computed in decimal arithmetic so the worked figures come out exactly.
    """
    if target <= 0:
        raise ValueError("target must be positive")
    ratio = _decimal(realisation) / _decimal(target)
    pct = ratio * 100 if direction == NAIK else (2 - ratio) * 100
    return max(0.0, round_half_up(pct))


def achievement(
    code: str,
    triwulan: int,
    direction: str,
    target: float | None,
    realisation: float | None,
    policy: CapaianPolicy = DEFAULT_POLICY,
) -> Achievement:
    """A quarter's achievement from plain facts (a summary row across units carries no
    :class:`Indicator`): the same computation as :func:`capaian`."""
    return _achievement(
        code, triwulan, direction, target, f"Target {triwulan_label(triwulan)}", realisation, policy
    )


def _achievement(
    code: str,
    triwulan: int | None,
    direction: str,
    target: float | None,
    target_name: str,
    realisation: float | None,
    policy: CapaianPolicy,
) -> Achievement:
    def not_computable(reason: str) -> Achievement:
        return Achievement(code, triwulan, target, realisation, None, None, None, False, reason)

    if realisation is None:
        return not_computable("Realisasi belum dilaporkan.")
    if target is None:
        return not_computable(f"{target_name} tidak ditetapkan; capaian {NOT_COMPUTABLE}.")
    if target == 0:
        return not_computable(f"{target_name} bernilai 0; capaian {NOT_COMPUTABLE}.")
    if target < 0 or realisation < 0:
        return not_computable(f"Target atau realisasi bernilai negatif; capaian {NOT_COMPUTABLE}.")
    raw = raw_percent(direction, target, realisation)
    shown = raw if policy.cap is None else min(raw, policy.cap)
    return Achievement(
        code=code,
        triwulan=triwulan,
        target=target,
        realisation=realisation,
        percent=shown,
        raw_percent=raw,
        rating=rating(shown, policy.bands),
        at_risk=shown < policy.risk_below,
        note=EXCEEDED if raw > 100 else "",
    )


def capaian(
    indicator: Indicator,
    triwulan: int,
    realisation_value: float | None,
    policy: CapaianPolicy = DEFAULT_POLICY,
) -> Achievement:
    """The achievement of ``indicator`` in quarter ``triwulan`` (1–4).

    Formulas (the percentage is rounded to two decimals before it is rated and flagged, so
    the figure shown and its flag always agree):

    * higher is better (``naik``): ``realisasi / target × 100``. 78,5 against 80 → 98,13%.
    * lower is better (``turun``): ``(2 − realisasi / target) × 100``, floored at 0. 58 incidents
      against a ceiling of 65 → 110,77%; 84 against 60 → 60%; twice the ceiling or more → 0%.
      Chosen over the also-common ``target / realisasi × 100`` because it is linear (each
      incident above or below the ceiling moves the figure by the same amount), it stays
      defined for a realisation of 0, and it mirrors the higher-is-better formula around 100%.
    * a realisation of 0 on a lower-is-better indicator (no complaints against a ceiling of 5)
      gives 200% raw, reported as the policy's cap (default 120%) with the note "melampaui
      target". Every figure above 100% carries that note; ``raw_percent`` keeps the uncapped
      value. The cap (as used in SAKIP evaluations) keeps one outlier from dominating an
      average per sasaran; ``CapaianPolicy(cap=None)`` disables it.
    * cumulative (``kumulatif``): the realisation given is the year-to-date figure and is
      compared with the quarter's year-to-date target: 588 patrols by June against 600 → 98%.
    * per quarter (``per_triwulan``): the quarter's realisation against the quarter's target.
    * no target for the quarter, a target of 0, or no realisation: no percentage, no rating,
      not at risk, and ``note`` says why ("tidak dapat dihitung").

    Rating bands and the risk threshold (default: below 75%) come from ``policy``.
    """
    _check_triwulan(triwulan)
    return _achievement(
        indicator.code,
        triwulan,
        indicator.direction,
        indicator.target_for(triwulan),
        f"Target {triwulan_label(triwulan)}",
        realisation_value,
        policy,
    )


@dataclass(frozen=True)
class Ratio:
    """The year's own numerator and denominator of a percentage indicator (``RASIO``), as
    given at the year's close (``domain.annual.AnnualAnswer``)."""

    numerator: float
    denominator: float

    @property
    def percent(self) -> float | None:
        if self.denominator <= 0:
            return None
        return self.numerator / self.denominator * 100


@dataclass(frozen=True)
class AnnualValue:
    """The year's realisation of one indicator and how it was derived.

    ``rule``: the rule in force (``Indicator.rule``); ``used``: the rule actually applied (a
    ``RASIO`` indicator without the year's numerator and denominator falls back to
    ``RATA_RATA``, and ``fallback`` says so); ``quarters``: the quarters reported.
    """

    value: float | None
    rule: str
    used: str
    quarters: tuple[int, ...]
    ratio: Ratio | None = None

    @property
    def fallback(self) -> bool:
        return self.rule != self.used


def annual_value(
    indicator: Indicator,
    quarter_values: Mapping[int, float | None],
    ratio: Ratio | None = None,
) -> AnnualValue:
    """The year's realisation by the indicator's counting rule (keys 1–4 of the quarters).

    * ``JUMLAH``: the sum of the quarters reported;
    * ``AKHIR``: the latest quarter reported (TW IV at year end; a cumulative indicator's
      year-to-date value);
    * ``RATA_RATA``: the mean of the quarters reported;
    * ``RASIO``: ``numerator / denominator × 100`` of the year (``ratio``), rounded to two
      decimals; without a usable ``ratio`` the mean of the quarters, marked ``fallback``.

    The value keeps its precision (the capaian is computed from it); a report prints it
    rounded to two decimals. ``value`` is ``None`` when no quarter has a value (and no
    ratio is given).
    """
    reported = [(tw, v) for tw, v in sorted(quarter_values.items()) if v is not None]
    quarters = tuple(tw for tw, _ in reported)
    rule = indicator.rule
    if rule == RASIO and ratio is not None and ratio.percent is not None:
        return AnnualValue(ratio.percent, rule, RASIO, quarters, ratio)
    used = RATA_RATA if rule == RASIO else rule
    if not reported:
        return AnnualValue(None, rule, used, quarters)
    values = [v for _, v in reported]
    if used == AKHIR:
        value = values[-1]
    elif used == JUMLAH:
        value = sum(values)
    else:
        value = sum(values) / len(values)
    return AnnualValue(value, rule, used, quarters)


def annual_realisation(
    indicator: Indicator, quarter_values: Mapping[int, float | None]
) -> float | None:
    """The year's realisation derived from the quarters' realisations (keys 1–4), by the
    indicator's counting rule (:func:`annual_value`); ``None`` when no quarter has a value."""
    return annual_value(indicator, quarter_values).value


def capaian_tahunan(
    indicator: Indicator,
    realisation_value: float | None,
    policy: CapaianPolicy = DEFAULT_POLICY,
) -> Achievement:
    """The year's achievement: the annual realisation against ``target_tahunan``, with the
    same formulas as :func:`capaian` (``triwulan`` is ``None`` in the result). Use
    :func:`annual_realisation` to derive the annual value from the quarters."""
    return _achievement(
        indicator.code,
        None,
        indicator.direction,
        indicator.target_tahunan,
        "Target tahunan",
        realisation_value,
        policy,
    )


@dataclass(frozen=True)
class PerformanceRow:
    """One line of the report's performance table."""

    indicator: Indicator
    realisation: Realisation | None
    achievement: Achievement


def performance_table(
    targets: TargetSet,
    triwulan: int,
    realisations: Iterable[Realisation],
    policy: CapaianPolicy = DEFAULT_POLICY,
) -> list[tuple[str, list[PerformanceRow]]]:
    """The quarter's table, grouped by sasaran strategis in the order of the target file.

    ``realisations`` may be the whole history; only the current report per indicator counts.
    """
    current = current_realisations(realisations, triwulan)
    groups: dict[str, list[PerformanceRow]] = {s: [] for s in targets.sasaran()}
    for ind in targets.indicators:
        real = current.get(ind.code)
        ach = capaian(ind, triwulan, real.value if real else None, policy)
        groups[ind.sasaran].append(PerformanceRow(ind, real, ach))
    return list(groups.items())


def average_percent(achievements: Iterable[Achievement]) -> float | None:
    """The mean of the computable (capped) percentages, rounded to two decimals."""
    values = [a.percent for a in achievements if a.percent is not None]
    return round_half_up(sum(map(_decimal, values)) / len(values)) if values else None


# ----------------------------------------------------------------------------- wording


def format_number_id(value: float | None, decimals: int | None = None) -> str:
    """A number Indonesian-style: ``1250`` → ``"1.250"``, ``97.5`` → ``"97,5"``.

    Without ``decimals`` whole numbers show none and others up to two (trailing zeros dropped).
    ``None`` → ``"-"``.
    """
    if value is None:
        return "-"
    if decimals is None:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if text in ("-0", "-0.00"):
        text = text[1:]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


_DASHES = ("-", "\u2013", "\u2014")
_NUMBER_FORMS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # (pattern, thousands separator to drop, decimal separator)
    (re.compile(r"^\d+$"), "", "."),
    (re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$"), ".", ","),  # 1.250 / 1.250,5
    (re.compile(r"^\d*,\d+$"), "", ","),  # 97,5
    (re.compile(r"^\d*\.\d+$"), "", "."),  # 97.5 (a dot not followed by exactly 3 digits)
    (re.compile(r"^\d{1,3}(,\d{3})+\.\d+$"), ",", "."),  # 1,250.5
)


def parse_number_id(text: str) -> float | None:
    """A number as an Indonesian user writes it; ``None`` for an empty text or a dash.

    ``"97,5"`` → 97.5, ``"1.250"`` → 1250, ``"1.250,5"`` → 1250.5, ``"85%"`` → 85,
    ``"97.5"`` → 97.5, ``"-12"`` → -12. A dot followed by exactly three digits groups
    thousands; a comma alone is always the decimal separator. Raises ``ValueError`` otherwise.
    """
    s = "".join(text.replace("\u00a0", " ").split())
    if s in ("", *_DASHES):
        return None
    s = s.removesuffix("%")
    sign = -1.0 if s[:1] in _DASHES and len(s) > 1 else 1.0
    if s[:1] in ("+", *_DASHES):
        s = s[1:]
    for pattern, thousands, decimal in _NUMBER_FORMS:
        if pattern.match(s):
            if thousands:
                s = s.replace(thousands, "")
            return sign * float(s.replace(decimal, "."))
    raise ValueError(f"not a number: {text!r}")


def format_percent_id(value: float) -> str:
    """``98.125`` → ``"98,13%"`` (two decimals, as in LKj tables)."""
    return format_number_id(round_half_up(value), 2) + "%"
