"""Bab III's comparisons in the annual LKj, as PermenPAN-RB 53/2014 asks for them.

Beside this year's target and realisation (``annual_context``), Bab III.A compares:

* this year's realisation with the two previous years: from the bot's own filed years where
  all four quarters were signed, otherwise from the targets workbook's columns "Realisasi
  Tahun N-1 / N-2";
* the realisation with the Renstra's end-of-period target (the share of the medium-term
  target reached, with the achievement formula of the indicator's direction) and with a
  national standard where the workbook gives one;
* per sasaran, the capaian beside the share of budget spent by the activities supporting its
  indicators (efficiency), with those programmes and activities named.

Bab III.B is the budget realisation per programme and activity. Every part that lacks its data
says which comparison could not be made and why, never an empty table. Pure presentation: the
figures come from ``domain.performance`` and ``domain.budget``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from documents.wording_id import DASH, exact_number, join_id, with_unit
from domain.budget import BudgetLine, BudgetSet, format_rupiah, share_percent
from domain.performance import (
    NAIK,
    Indicator,
    format_number_id,
    format_percent_id,
    raw_percent,
    round_half_up,
)

# Formal sources, as a reviewer reads them: the documents themselves.
SOURCE_BOT = "Laporan Triwulan I\u2013IV"
SOURCE_WORKBOOK = "Target Kinerja"


def _rp(value: float) -> str:
    return f"Rp{format_rupiah(value)}"


def _better(direction: str, new: float, old: float) -> str:
    if new == old:
        return "tetap"
    improved = new > old if direction == NAIK else new < old
    return "membaik" if improved else "menurun"


# ----------------------------------------------------------------------------- previous years


def history_context(
    year: int,
    indicators: Sequence[Indicator],
    values: Mapping[str, float | None],
    filed: Mapping[int, Mapping[str, float | None]],
) -> dict[str, Any]:
    """Realisation of ``year`` beside the two previous years.

    ``values``: this year's annual realisation per code. ``filed``: per previous year whose
    four quarters the bot filed, the annual realisation per code.
    """
    years = (year - 2, year - 1)
    rows: list[dict[str, Any]] = []
    used: dict[int, set[str]] = {y: set() for y in years}
    for ind in indicators:
        cells: list[tuple[float | None, str]] = []
        for y, from_workbook in ((years[0], ind.previous[1]), (years[1], ind.previous[0])):
            bot_value = filed.get(y, {}).get(ind.code)
            if bot_value is not None:
                cells.append((bot_value, SOURCE_BOT))
                used[y].add(SOURCE_BOT)
            elif from_workbook is not None:
                cells.append((from_workbook, SOURCE_WORKBOOK))
                used[y].add(SOURCE_WORKBOOK)
            else:
                cells.append((None, ""))
        now = values.get(ind.code)
        base_year, base = next(
            (
                (y, v)
                for y, (v, _) in zip(reversed(years), reversed(cells), strict=True)
                if v is not None
            ),
            (None, None),
        )
        verdict = DASH
        change = DASH
        if now is not None and base is not None:
            verdict = _better(ind.direction, now, base)
            diff = now - base
            sign = "+" if diff > 0 else ""
            change = f"{sign}{exact_number(round_half_up(diff, 4))}"
        rows.append(
            {
                "code": ind.code,
                "satuan": ind.satuan,
                "direction_note": "semakin rendah semakin baik" if ind.direction != NAIK else "",
                "values": [exact_number(v) for v, _ in cells] + [exact_number(now)],
                "sources": [s for _, s in cells],
                "base_year": base_year,
                "change": change,
                "verdict": verdict,
                "has_previous": base is not None,
            }
        )
    available = any(r["has_previous"] for r in rows)
    reasons = []
    for y, n in ((years[1], 1), (years[0], 2)):
        if not used[y]:
            in_bot = y in filed
            reasons.append(
                f"Tahun {y}: "
                + (
                    "Laporan Data Kinerja Triwulan tahun itu tidak memuat indikator yang sama"
                    if in_bot
                    else "tidak terdapat empat Laporan Data Kinerja Triwulan tahun itu yang "
                    "telah ditandatangani"
                )
                + f" dan kolom \u201cRealisasi Tahun N-{n}\u201d pada Target Kinerja "
                f"Tahun {year} tidak diisi."
            )
    sources = []
    for y in reversed(years):
        if SOURCE_BOT in used[y]:
            sources.append(
                f"realisasi Tahun {y} dihitung dari empat Laporan Data Kinerja Triwulan "
                f"Tahun {y} yang telah ditandatangani"
            )
        if SOURCE_WORKBOOK in used[y]:
            n = year - y
            sources.append(
                f"realisasi Tahun {y} diambil dari kolom \u201cRealisasi Tahun N-{n}\u201d "
                f"Target Kinerja Tahun {year}"
            )
    missing = [r["code"] for r in rows if not r["has_previous"]]
    improved = [r["code"] for r in rows if r["verdict"] == "membaik"]
    worse = [r["code"] for r in rows if r["verdict"] == "menurun"]
    same = [r["code"] for r in rows if r["verdict"] == "tetap"]
    summary = ""
    if available:
        summary = (
            f"Dibandingkan tahun sebelumnya, realisasi {len(improved)} indikator membaik"
            + (f" ({join_id(improved)})" if improved else "")
            + f" dan {len(worse)} indikator menurun"
            + (f" ({join_id(worse)})" if worse else "")
            + (f"; {len(same)} indikator tetap" if same else "")
            + "."
        )
        if missing:
            summary += (
                f" Indikator {join_id(missing)} tidak dapat dibandingkan karena realisasi "
                "tahun-tahun sebelumnya tidak tersedia."
            )
    return {
        "available": available,
        "years": [*years, year],
        "rows": rows,
        "sources": sources,
        "reasons": reasons,
        "missing_codes": missing,
        "improved_codes": improved,
        "worse_codes": worse,
        "summary": summary,
        "not_available": (
            f"Perbandingan realisasi Tahun {year} dengan tahun-tahun sebelumnya tidak dapat "
            "disajikan karena tidak ada data realisasi tahun sebelumnya: " + " ".join(reasons)
        ),
    }


# ----------------------------------------------------------------------------- Renstra, standard


def renstra_context(
    year: int, indicators: Sequence[Indicator], values: Mapping[str, float | None]
) -> dict[str, Any]:
    """Realisation against the Renstra's end-of-period target: the share already reached."""
    rows: list[dict[str, Any]] = []
    missing = []
    for ind in indicators:
        if ind.renstra_target is None or ind.renstra_year is None:
            missing.append(ind.code)
            continue
        now = values.get(ind.code)
        pct = None if now is None else raw_percent(ind.direction, ind.renstra_target, now)
        rows.append(
            {
                "code": ind.code,
                "satuan": ind.satuan,
                "target": format_number_id(ind.renstra_target),
                "renstra_year": ind.renstra_year,
                "realisasi": exact_number(now),
                "percent": pct,
                "percent_label": format_percent_id(pct) if pct is not None else DASH,
                "years_left": ind.renstra_year - year,
                "reached": pct is not None and pct >= 100,
                "direction_note": "semakin rendah semakin baik" if ind.direction != NAIK else "",
            }
        )
    computed = [r["percent"] for r in rows if r["percent"] is not None]
    reached = [r["code"] for r in rows if r["reached"]]
    summary = ""
    if computed:
        average = round_half_up(sum(computed) / len(computed))
        final_years = sorted({r["renstra_year"] for r in rows})
        final = join_id([str(y) for y in final_years])
        summary = (
            f"Terhadap target akhir periode Renstra (Tahun {final}), {len(rows)} indikator "
            "yang memiliki target Renstra telah mencapai rata-rata "
            f"{format_percent_id(average)} dari target jangka menengahnya"
        )
        if reached:
            summary += f"; {join_id(reached)} telah mencapai atau melampaui target akhir Renstra"
        summary += "."
    reason = (
        f"kolom \u201cTarget Akhir Renstra\u201d dan \u201cTahun Akhir Renstra\u201d pada Target "
        f"Kinerja Tahun {year} tidak diisi"
    )
    return {
        "available": bool(rows),
        "rows": rows,
        "missing_codes": missing,
        "summary": summary,
        "reason": reason,
        "not_available": (
            "Perbandingan realisasi dengan target jangka menengah (Renstra) tidak dapat "
            f"disajikan karena {reason} untuk seluruh indikator."
        ),
    }


def standard_context(
    year: int, indicators: Sequence[Indicator], values: Mapping[str, float | None]
) -> dict[str, Any]:
    """Realisation against a national standard, for the indicators that have one."""
    rows: list[dict[str, Any]] = []
    for ind in indicators:
        if ind.national_standard is None:
            continue
        now = values.get(ind.code)
        if now is None:
            verdict = "realisasi belum ada"
        elif (
            (now >= ind.national_standard)
            if ind.direction == NAIK
            else (now <= ind.national_standard)
        ):
            verdict = "memenuhi standar nasional"
        else:
            verdict = "di bawah standar nasional"
        rows.append(
            {
                "code": ind.code,
                "satuan": ind.satuan,
                "standard": format_number_id(ind.national_standard),
                "realisasi": exact_number(now),
                "verdict": verdict,
                "text": f"{ind.code}: realisasi {with_unit(exact_number(now), ind.satuan)} "
                "terhadap standar nasional "
                f"{with_unit(format_number_id(ind.national_standard), ind.satuan)} ({verdict})",
            }
        )
    return {
        "available": bool(rows),
        "rows": rows,
        "missing_codes": [i.code for i in indicators if i.national_standard is None],
        "not_available": (
            "Perbandingan dengan standar nasional tidak dapat disajikan karena kolom "
            f"\u201cStandar Nasional\u201d pada Target Kinerja Tahun {year} tidak diisi untuk "
            "indikator mana pun."
        ),
    }


# ----------------------------------------------------------------------------- budget


def _spend(lines: Sequence[BudgetLine]) -> tuple[float, float]:
    pagu = float(sum(line.pagu for line in lines))
    spent = float(sum(line.realisasi for line in lines))
    return pagu, spent


def budget_missing_reason(year: int) -> str:
    return (
        f"data realisasi anggaran Tahun {year} belum diunggah ke bot (perintah /anggaran, "
        "berkas Realisasi Anggaran per program dan kegiatan)"
    )


def efficiency_context(
    year: int, groups: Sequence[dict[str, Any]], budget: BudgetSet | None
) -> dict[str, Any]:
    """Per sasaran: its programmes and activities, capaian beside the share of budget spent."""
    if budget is None:
        reason = budget_missing_reason(year)
        return {
            "available": False,
            "rows": [],
            "not_available": (
                "Analisis efisiensi penggunaan sumber daya (capaian kinerja dibandingkan dengan "
                "persentase penyerapan anggaran per sasaran) serta daftar program dan kegiatan "
                f"pendukung tidak dapat disajikan karena {reason}."
            ),
        }
    rows: list[dict[str, Any]] = []
    shared = set()
    owners: dict[str, set[int]] = {}
    for group in groups:
        for line in budget.supporting([r["code"] for r in group["rows"]]):
            owners.setdefault(f"{line.program}\x00{line.kegiatan}", set()).add(group["no"])
    for key, nos in owners.items():
        if len(nos) > 1:
            shared.add(key)
    for group in groups:
        lines = budget.supporting([r["code"] for r in group["rows"]])
        activities = [
            {
                "program": line.program,
                "kegiatan": line.kegiatan,
                "codes": ", ".join(line.codes),
                "shared": f"{line.program}\x00{line.kegiatan}" in shared,
            }
            for line in lines
        ]
        capaian = group["average"]
        row: dict[str, Any] = {
            "no": group["no"],
            "sasaran": group["sasaran"],
            "activities": activities,
            "capaian": capaian,
            "capaian_label": group["average_label"],
        }
        if not lines:
            row.update(
                serapan=None,
                serapan_label=DASH,
                pagu=DASH,
                realisasi=DASH,
                ratio=DASH,
                verdict="tidak dapat dinilai",
                note="tidak ada kegiatan pada data anggaran yang dikaitkan dengan indikator "
                "sasaran ini",
            )
        else:
            pagu, spent = _spend(lines)
            serapan = share_percent(spent, pagu)
            row.update(
                serapan=serapan,
                serapan_label=format_percent_id(serapan),
                pagu=_rp(pagu),
                realisasi=_rp(spent),
            )
            if capaian is None or serapan == 0:
                row.update(
                    ratio=DASH, verdict="tidak dapat dinilai", note="capaian tidak dapat dihitung"
                )
            else:
                ratio = round_half_up(capaian / serapan)
                row.update(
                    ratio=format_number_id(ratio, 2),
                    verdict="efisien" if capaian >= serapan else "kurang efisien",
                    note="",
                )
        rows.append(row)
    efficient = [f"Sasaran Strategis {r['no']}" for r in rows if r["verdict"] == "efisien"]
    less = [f"Sasaran Strategis {r['no']}" for r in rows if r["verdict"] == "kurang efisien"]
    summary = (
        "Sumber daya dinilai efisien bila capaian kinerja sasaran sama dengan atau lebih tinggi "
        "daripada persentase anggaran kegiatan pendukungnya yang terserap (rasio capaian "
        "terhadap serapan \u2265 1)."
    )
    if efficient:
        summary += f" {join_id(efficient)} efisien."
    if less:
        summary += (
            f" {join_id(less)} kurang efisien: capaian kinerjanya lebih rendah daripada "
            "penyerapan anggarannya."
        )
    return {
        "available": True,
        "rows": rows,
        "summary": summary,
        "shared_note": (
            "Kegiatan bertanda * mendukung indikator lebih dari satu sasaran sehingga "
            "anggarannya diperhitungkan pada setiap sasaran tersebut."
            if shared
            else ""
        ),
        "efficient_count": len(efficient),
        "less_count": len(less),
    }


def budget_context(year: int, budget: BudgetSet | None) -> dict[str, Any]:
    """Bab III.B: per programme and activity, pagu, realisation, share spent, with totals."""
    if budget is None:
        return {
            "available": False,
            "not_available": (
                f"Realisasi anggaran Tahun {year} tidak dapat disajikan karena "
                f"{budget_missing_reason(year)}."
            ),
        }
    programs = []
    for name in budget.programs():
        lines = [line for line in budget.lines if line.program == name]
        pagu, spent = _spend(lines)
        programs.append(
            {
                "name": name,
                "lines": [
                    {
                        "kegiatan": line.kegiatan,
                        "codes": ", ".join(line.codes),
                        "pagu": format_rupiah(line.pagu),
                        "realisasi": format_rupiah(line.realisasi),
                        "percent": format_percent_id(line.percent),
                        "sisa": format_rupiah(line.pagu - line.realisasi),
                    }
                    for line in lines
                ],
                "pagu": format_rupiah(pagu),
                "realisasi": format_rupiah(spent),
                "percent": format_percent_id(share_percent(spent, pagu)),
                "sisa": format_rupiah(pagu - spent),
            }
        )
    lowest = min(budget.lines, key=lambda line: line.percent)
    summary = (
        f"Pada Tahun {year} pagu anggaran {len(budget.lines)} kegiatan dalam "
        f"{len(programs)} program adalah {_rp(budget.pagu)} dengan realisasi "
        f"{_rp(budget.realisasi)} ({format_percent_id(budget.percent)}); sisa anggaran "
        f"{_rp(budget.pagu - budget.realisasi)}. Penyerapan terendah terdapat pada kegiatan "
        f"{lowest.kegiatan} ({format_percent_id(lowest.percent)})."
    )
    return {
        "available": True,
        "programs": programs,
        "pagu": format_rupiah(budget.pagu),
        "realisasi": format_rupiah(budget.realisasi),
        "percent": format_percent_id(budget.percent),
        "percent_value": budget.percent,
        "sisa": format_rupiah(budget.pagu - budget.realisasi),
        "summary": summary,
        "source": budget.source_name,
    }


def annual_analysis(
    year: int,
    indicators: Sequence[Indicator],
    values: Mapping[str, float | None],
    groups: Sequence[dict[str, Any]],
    filed: Mapping[int, Mapping[str, float | None]],
    budget: BudgetSet | None,
) -> dict[str, Any]:
    """Every comparison of Bab III, for the template (context key ``analysis``)."""
    return {
        "history": history_context(year, indicators, values, filed),
        "renstra": renstra_context(year, indicators, values),
        "standard": standard_context(year, indicators, values),
        "efficiency": efficiency_context(year, groups, budget),
        "budget": budget_context(year, budget),
    }
