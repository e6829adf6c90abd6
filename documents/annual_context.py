"""The annual Laporan Kinerja (LKj) context: four signed quarters arranged for the template.

The report follows the chapters of PermenPAN-RB Nomor 53 Tahun 2014: Ikhtisar Eksekutif,
Bab I Pendahuluan, Bab II Perencanaan Kinerja, Bab III Akuntabilitas Kinerja, Bab IV Penutup
and Lampiran. Pure presentation, like ``documents.report_context``: the arithmetic is
``domain.performance`` (``capaian`` per quarter, ``annual_realisation`` and
``capaian_tahunan`` for the year); this module arranges the figures and words them in formal
Indonesian.

Which figures are used:

* the indicator set is the TW IV cycle's (the year's Perjanjian Kinerja as it stood at year
  end); Bab II's targets and the annual target come from it;
* a quarter's target, realisation and capaian are those of that quarter's own cycle (the
  figures of the signed quarterly report): its indicator and the current realisation of the
  item that carries the indicator's code. An indicator the quarter did not have shows "-";
* the annual realisation is ``annual_realisation`` over the quarters' realisations (the TW IV
  year-to-date value for a cumulative indicator, the sum or the mean otherwise) and the annual
  capaian is ``capaian_tahunan`` of it against the annual target.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from documents.annual_analysis import annual_analysis
from documents.appendix import AppendedPdf, pdf_pages
from documents.approval_context import approval_context, revisions
from documents.charts import NOT_COMPUTABLE_COLOUR, band_colour, chart_svg, quarters_chart_svg
from documents.report_context import (
    VERIFICATION_NOTE,
    _band_range,
    _ordered_bands,
    _unit_dict,
    period_label,
    report_title,
    verification_context,
)
from documents.wording_id import DASH
from documents.wording_id import exact_number as _exact_number
from documents.wording_id import join_id as _join
from documents.wording_id import with_unit as _with_unit
from domain import records
from domain.annual import AnnualAnswer, AnnualReport
from domain.budget import BudgetSet
from domain.calendar import WorkCalendar
from domain.dates_id import format_date_id, format_datetime_id, roman_triwulan
from domain.identity import government_line
from domain.models import Cycle
from domain.performance import (
    AKHIR,
    ANNUAL_RULE_LABELS,
    ANNUAL_RULES,
    DEFAULT_POLICY,
    JUMLAH,
    NOT_COMPUTABLE,
    RASIO,
    RATA_RATA,
    Achievement,
    CapaianPolicy,
    Indicator,
    Ratio,
    Realisation,
    TargetSet,
    UnitProfile,
    annual_value,
    average_percent,
    capaian,
    capaian_tahunan,
    current_realisations,
    format_number_id,
    format_percent_id,
    rating,
    round_half_up,
    triwulan_label,
)
from domain.roles import Role
from domain.roster import Unit
from domain.sop import Sop, load_sop
from domain.workflow import REQUIRED_DOCUMENTS

__all__ = [
    "LEGAL_BASIS",
    "annual_document_number",
    "annual_report_context",
    "annual_title",
]

STATUSES = ("draft", "paraf", "signed")

#: The national legal basis of the annual report (SAKIP and its reporting rules).
NATIONAL_BASIS: tuple[str, ...] = (
    "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi "
    "Pemerintah (SAKIP);",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun "
    "2014 tentang Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu "
    "atas Laporan Kinerja Instansi Pemerintah;",
)
#: The legal basis of the SOP (its region is the unit's government's).
SOP_PERDA = "Peraturan Daerah {region} Nomor 3 Tahun 2013 tentang Pelayanan Publik;"
#: Kept for callers that list the basis without a unit (the SOP's, the region unnamed).
LEGAL_BASIS: tuple[str, ...] = (
    "Peraturan Daerah Nomor 3 Tahun 2013 tentang Pelayanan Publik;",
    *NATIONAL_BASIS,
)


def _region(unit: Unit) -> str:
    """ "Kota Bandung" from the unit's government ("Pemerintah Kota Bandung")."""
    return government_line(unit).removeprefix("Pemerintah ").strip()


def legal_basis(unit: Unit, profile: UnitProfile) -> dict[str, Any]:
    """Bab I.3: the national rules, the SOP's Perda with its region and the unit's own acts
    (the Perda that formed it, the Renstra's act) as the profile names them; ``notes`` say in
    a sentence which of the unit's acts it has not given."""
    own = [line if line.endswith((";", ".")) else f"{line};" for line in profile.dasar_hukum]
    items = [*NATIONAL_BASIS, SOP_PERDA.format(region=_region(unit)), *own]
    items[-1] = items[-1].rstrip(";") + "."
    words = " ".join(profile.dasar_hukum).casefold()
    notes = []
    where = "cantumkan pada lembar \u201cProfil Renstra\u201d Target Kinerja, bagian Dasar Hukum"
    if "pembentukan" not in words and "susunan" not in words:
        notes.append(
            f"Peraturan pembentukan dan susunan organisasi {unit.name} belum dicantumkan oleh "
            f"satuan kerja ({where})."
        )
    if "rencana strategis" not in words and "renstra" not in words:
        notes.append(
            f"Peraturan penetapan Rencana Strategis (Renstra) {unit.name} belum dicantumkan "
            f"oleh satuan kerja ({where})."
        )
    return {"items": items, "notes": notes}


def _missing_part(part: str) -> str:
    return (
        f"{part} belum dicantumkan oleh satuan kerja; data ini diisi pada lembar "
        "\u201cProfil Renstra\u201d Target Kinerja (bagian " + part + ")."
    )


def _staff_per_post(unit: Unit) -> list[dict[str, Any]]:
    """Bab I.2: the people of the roster per post (the reporting chain and the Tim Kerja)."""
    rows: dict[tuple[str, str], int] = {}
    for role in (Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG, Role.TIM_KERJA):
        for person in unit.with_role(role):
            key = (unit.role_label(role), person.position or unit.role_label(role))
            rows[key] = rows.get(key, 0) + 1
    return [{"role": r, "position": p, "count": n} for (r, p), n in rows.items()]


def organisation(unit: Unit, profile: UnitProfile) -> dict[str, Any]:
    """Bab I's organisation, strategic issues and resources: the profile's lines, the
    roster's staff per post, and a placeholder sentence for every part not given."""
    return {
        "isu_strategis": list(profile.isu_strategis),
        "isu_missing": "" if profile.isu_strategis else _missing_part("Isu strategis"),
        "permasalahan": list(profile.permasalahan),
        "permasalahan_missing": (
            "" if profile.permasalahan else _missing_part("Permasalahan utama")
        ),
        "struktur": list(profile.struktur),
        "struktur_missing": "" if profile.struktur else _missing_part("Struktur organisasi"),
        "sdm": list(profile.sdm),
        "sdm_missing": (
            ""
            if profile.sdm
            else _missing_part("Sumber daya manusia")
            + " Tabel berikut hanya memuat pegawai yang terdaftar dalam pelaporan kinerja."
        ),
        "sarana": list(profile.sarana),
        "sarana_missing": "" if profile.sarana else _missing_part("Sarana dan prasarana"),
        "staff": _staff_per_post(unit),
    }


#: Generic wording of a Satpol PP's task and functions (the unit's name is filled in).
TUGAS = (
    "{name} mempunyai tugas menegakkan Peraturan Daerah dan Peraturan Kepala Daerah, "
    "menyelenggarakan ketertiban umum dan ketenteraman, serta menyelenggarakan pelindungan "
    "masyarakat."
)
FUNGSI: tuple[str, ...] = (
    "penyusunan program penegakan Peraturan Daerah dan Peraturan Kepala Daerah, "
    "penyelenggaraan ketertiban umum dan ketenteraman, serta penyelenggaraan pelindungan "
    "masyarakat;",
    "pelaksanaan kebijakan penegakan Peraturan Daerah dan Peraturan Kepala Daerah;",
    "pelaksanaan kebijakan penyelenggaraan ketertiban umum dan ketenteraman;",
    "pelaksanaan kebijakan pelindungan masyarakat;",
    "pelaksanaan koordinasi penegakan Peraturan Daerah dan Peraturan Kepala Daerah serta "
    "penyelenggaraan ketertiban umum dan ketenteraman dengan instansi terkait;",
    "pengawasan terhadap masyarakat, aparatur, atau badan hukum atas pelaksanaan Peraturan "
    "Daerah dan Peraturan Kepala Daerah;",
    "pelaksanaan fungsi lain yang diberikan oleh kepala daerah.",
)

#: The chapters, for Bab I's "Sistematika Penyajian" and the table of contents.
CHAPTERS: tuple[tuple[str, str, str], ...] = (
    # (anchor, title, what it holds)
    (
        "ikhtisar",
        "IKHTISAR EKSEKUTIF",
        "ringkasan capaian kinerja, indikator yang belum mencapai target dan langkah perbaikannya",
    ),
    (
        "bab-1",
        "BAB I PENDAHULUAN",
        "latar belakang, gambaran umum organisasi (struktur, sumber daya manusia, sarana dan "
        "prasarana), dasar hukum, isu strategis dan permasalahan utama, serta sistematika "
        "penyajian",
    ),
    (
        "bab-2",
        "BAB II PERENCANAAN KINERJA",
        "sasaran strategis, indikator kinerja dan target dalam Perjanjian Kinerja serta "
        "Rencana Aksi",
    ),
    (
        "bab-3",
        "BAB III AKUNTABILITAS KINERJA",
        "capaian kinerja per indikator per triwulan dan terhadap target tahunan, analisis "
        "per sasaran, kendala dan tindak lanjut, perbandingan dengan tahun-tahun sebelumnya, "
        "target Renstra dan standar nasional, efisiensi penggunaan sumber daya, serta "
        "realisasi anggaran per program dan kegiatan",
    ),
    ("bab-4", "BAB IV PENUTUP", "simpulan atas capaian kinerja dan langkah ke depan"),
    (
        "lampiran",
        "LAMPIRAN",
        "daftar laporan triwulan yang menjadi dasar penyusunan beserta sidik digitalnya, "
        "serta Perjanjian Kinerja dan Rencana Aksi",
    ),
)

# ----------------------------------------------------------------------------- wording


def annual_title(year: int) -> str:
    return f"LAPORAN KINERJA INSTANSI PEMERINTAH TAHUN {year}"


def annual_document_number(unit: Unit, year: int) -> str:
    return f"LKJ/{year}/TAHUNAN/{unit.code.upper()}"


def _tw_span(tws: Sequence[int]) -> str:
    """``"TW I–IV"`` for all four, else the labels joined: ``"TW I, TW III"``."""
    tws = sorted(tws)
    if tws == [1, 2, 3, 4]:
        return "TW I\u2013IV"
    return ", ".join(triwulan_label(t) for t in tws)


def _percent_label(a: Achievement) -> str:
    return a.label if a.computable else NOT_COMPUTABLE


# ----------------------------------------------------------------------------- inputs


def _check_quarters(quarters: Sequence[Cycle], year: int, unit: Unit) -> dict[int, Cycle]:
    by_tw: dict[int, Cycle] = {}
    for cycle in quarters:
        if cycle.year != year:
            raise ValueError(f"Siklus {cycle.id} bukan siklus tahun {year}.")
        if cycle.unit != unit.code:
            raise ValueError(f"Siklus {cycle.id} bukan siklus satuan kerja {unit.code}.")
        if cycle.triwulan in by_tw:
            raise ValueError(f"Triwulan {cycle.triwulan} diberikan lebih dari sekali.")
        by_tw[cycle.triwulan] = cycle
    if sorted(by_tw) != [1, 2, 3, 4]:
        raise ValueError("Laporan tahunan memerlukan tepat empat siklus: TW I, II, III dan IV.")
    if not by_tw[4].indicators:
        raise ValueError("Siklus TW IV tidak memuat indikator kinerja (Perjanjian Kinerja).")
    return by_tw


def cycle_realisations(cycle: Cycle) -> dict[str, Realisation]:
    """Code -> the realisation in force: the item's (the task division), else the history's."""
    found = current_realisations(cycle.realisations, cycle.triwulan)
    for assignment in cycle.assignments:
        for item in assignment.items:
            if item.code and item.realisation is not None:
                found[item.code] = item.realisation
    return found


# ----------------------------------------------------------------------------- rows


def _realisation_basis(
    indicator: Indicator, reported: Sequence[int], used: str | None = None
) -> str:
    """How ``annual_realisation`` derived the annual value (mirrors its three cases).

    The quarter labels are held together (a no-break space after "TW", a word joiner after
    the dash: "TW\u00a0I–\u2060IV") so that a narrow table cell breaks after "rata-rata", not
    inside the label.
    """
    words = _basis_words(indicator, reported, used)
    return words.replace("TW ", "TW\u00a0").replace("\u2013", "\u2013\u2060")


def _basis_words(indicator: Indicator, reported: Sequence[int], used: str | None = None) -> str:
    """The counting rule as applied, for the cell under the annual realisation."""
    used = used or indicator.rule
    if used == RASIO:
        return "rasio tahunan (pembilang/penyebut)"
    if not reported:
        return "belum ada realisasi triwulan"
    if indicator.cumulative:
        return f"kumulatif s.d. {triwulan_label(max(reported))}"
    if used == JUMLAH:
        return f"jumlah {_tw_span(reported)}"
    if used == AKHIR:
        return f"triwulan terakhir ({triwulan_label(max(reported))})"
    return f"rata-rata {_tw_span(reported)}"


#: How each counting rule is explained in the footnote of the annual table.
RULE_EXPLAINED: dict[str, str] = {
    JUMLAH: "jumlah realisasi keempat triwulan",
    AKHIR: "realisasi triwulan terakhir (untuk indikator kumulatif: nilai kumulatif s.d. "
    "Triwulan IV)",
    RATA_RATA: "rata-rata realisasi triwulan yang dilaporkan (rata-rata nilai realisasi, "
    "bukan rata-rata persentase capaian)",
    RASIO: "pembilang dibagi penyebut selama satu tahun × 100%",
}


def _rule_notes(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per counting rule used, the indicators counted by it (the annual table's footnote)."""
    out = []
    for rule in ANNUAL_RULES:
        codes = [r["code"] for r in rows if r["rule"] == rule]
        if codes:
            fallback = [r["code"] for r in rows if r["rule"] == rule and r["rule_fallback"]]
            text = RULE_EXPLAINED[rule]
            if fallback:
                text += (
                    f"; pembilang dan penyebut tahunan {_join(fallback)} belum tersedia, "
                    "sehingga dipakai rata-rata realisasi triwulan"
                )
            out.append({"label": ANNUAL_RULE_LABELS[rule], "codes": ", ".join(codes), "text": text})
    return out


def _collect_notes(entries: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
    """Distinct texts in order of first appearance, each with the quarters that reported it."""
    seen: dict[str, dict[str, Any]] = {}
    for tw, text in entries:
        clean = " ".join(text.split())
        if not clean:
            continue
        key = clean.casefold().rstrip(".")
        if key not in seen:
            seen[key] = {"text": clean, "tws": []}
        if tw not in seen[key]["tws"]:
            seen[key]["tws"].append(tw)
    return [
        {"text": e["text"], "quarters": ", ".join(triwulan_label(t) for t in e["tws"])}
        for e in seen.values()
    ]


def _quarter_cell(
    tw: int, cycle: Cycle, code: str, reals: dict[str, Realisation], policy: CapaianPolicy
) -> tuple[dict[str, Any], Achievement | None, Realisation | None]:
    indicator = next((i for i in cycle.indicators if i.code == code), None)
    if indicator is None:
        cell = {
            "tw": tw,
            "label": triwulan_label(tw),
            "present": False,
            "target": DASH,
            "realisasi": DASH,
            "capaian": DASH,
            "capaian_short": DASH,
            "percent": None,
            "computable": False,
            "at_risk": False,
            "rating": DASH,
            "note": f"Indikator tidak termuat dalam siklus {triwulan_label(tw)}.",
        }
        return cell, None, None
    real = reals.get(code)
    ach = capaian(indicator, tw, real.value if real else None, policy)
    target = indicator.target_for(tw)
    cell = {
        "tw": tw,
        "label": triwulan_label(tw),
        "present": True,
        "target": format_number_id(target) if target is not None else DASH,
        "realisasi": format_number_id(real.value) if real else DASH,
        "capaian": _percent_label(ach),
        "capaian_short": ach.label if ach.computable else DASH,
        "percent": ach.percent,
        "computable": ach.computable,
        "at_risk": ach.at_risk,
        "rating": ach.rating or DASH,
        "note": "" if ach.computable else ach.note,
    }
    return cell, ach, real


def _indicator_analysis(row: dict[str, Any], policy: CapaianPolicy) -> str:
    """One paragraph on one indicator, from its figures."""
    ind: Indicator = row["_indicator"]
    ach: Achievement = row["_achievement"]
    satuan = ind.satuan
    target = _with_unit(row["target_tahunan"], satuan)
    parts = [f"Indikator {ind.code} ({ind.indikator}) memiliki target tahunan {target}"]
    if ind.lower_is_better:
        parts[0] += " (semakin rendah semakin baik)"
    if row["realisasi_value"] is None:
        parts.append("dan belum memiliki realisasi yang dilaporkan pada tahun ini.")
        return " ".join(parts)
    real = _with_unit(row["realisasi"], satuan)
    parts[0] += f" dengan realisasi {real} ({row['basis']})"
    if not ach.computable:
        return f"{parts[0]}; capaian tahunan {NOT_COMPUTABLE} ({ach.note.rstrip('.')})."
    sentence = f"{parts[0]}, sehingga capaian tahunan {ach.label} dengan kategori {ach.rating}."
    out = [sentence]
    raw = ach.raw_percent or 0.0
    if raw > 100:
        out.append("Target tahunan terlampaui.")
    elif raw == 100:
        out.append("Target tahunan tercapai.")
    else:
        out.append("Target tahunan belum tercapai.")
    computed = [q for q in row["quarters"] if q["computable"]]
    if len(computed) >= 2:
        low = min(computed, key=lambda q: q["percent"])
        high = max(computed, key=lambda q: q["percent"])
        out.append(
            f"Capaian triwulanan berkisar antara {low['capaian']} ({low['label']}) dan "
            f"{high['capaian']} ({high['label']})."
        )
    skipped = [q["label"] for q in row["quarters"] if q["present"] and not q["computable"]]
    if skipped:
        out.append(f"Capaian {_join(skipped)} {NOT_COMPUTABLE}.")
    if ach.at_risk:
        out.append(
            f"Capaian ini berada di bawah batas risiko {format_number_id(policy.risk_below)}% "
            "sehingga memerlukan perhatian khusus."
        )
    return " ".join(out)


def _indicator_row(
    number: int,
    indicator: Indicator,
    by_tw: dict[int, Cycle],
    reals: dict[int, dict[str, Realisation]],
    policy: CapaianPolicy,
    band_index: dict[str, int],
    ratio: Ratio | None = None,
) -> dict[str, Any]:
    quarters = []
    values: dict[int, float | None] = {}
    kendala: list[tuple[int, str]] = []
    tindak: list[tuple[int, str]] = []
    quarter_achievements: list[Achievement | None] = []
    for tw in (1, 2, 3, 4):
        cell, quarter_ach, real = _quarter_cell(tw, by_tw[tw], indicator.code, reals[tw], policy)
        quarters.append(cell)
        quarter_achievements.append(quarter_ach)
        if real is not None:
            values[tw] = real.value
            kendala.append((tw, real.kendala))
            tindak.append((tw, real.tindak_lanjut))
    counted = annual_value(indicator, values, ratio)
    value = counted.value
    ach = capaian_tahunan(indicator, value, policy)
    index = band_index.get(ach.rating or "", -1)
    return {
        "no": number,
        "code": indicator.code,
        "indikator": indicator.indikator,
        "sasaran": indicator.sasaran,
        "satuan": indicator.satuan,
        "direction": indicator.direction,
        "direction_note": "semakin rendah semakin baik" if indicator.lower_is_better else "",
        "cumulative": indicator.cumulative,
        "counting_label": indicator.counting_label,
        "direction_label": indicator.direction_label,
        "targets": [format_number_id(t) if t is not None else DASH for t in indicator.targets],
        "target_tahunan": format_number_id(indicator.target_tahunan),
        "quarters": quarters,
        "realisasi": _exact_number(value),
        "realisasi_value": value,
        "basis": _realisation_basis(indicator, counted.quarters, counted.used),
        "rule": counted.rule,
        "rule_label": indicator.rule_label,
        "rule_fallback": counted.fallback,
        "capaian": _percent_label(ach),
        "capaian_short": ach.label if ach.computable else DASH,
        "percent": ach.percent,
        "raw_percent": ach.raw_percent,
        "computable": ach.computable,
        "met": ach.raw_percent is not None and ach.raw_percent >= 100,
        "rating": ach.rating or DASH,
        "rating_index": index,
        "colour": band_colour(index) if index >= 0 else NOT_COMPUTABLE_COLOUR,
        "at_risk": ach.at_risk,
        "note": ach.note,
        "kendala": _collect_notes(kendala),
        "tindak_lanjut": _collect_notes(tindak),
        "_indicator": indicator,
        "_achievement": ach,
        "_quarter_achievements": quarter_achievements,
    }


def _no_problem(text: str) -> bool:
    """A kendala line that names none ("Tidak ada kendala berarti.", "Nihil")."""
    t = text.casefold().strip(" .")
    return t.startswith(("tidak ada", "nihil", "tidak terdapat")) or t in ("-", "")


def _causes(row: dict[str, Any], answers: Sequence[AnnualAnswer]) -> dict[str, Any]:
    """Bab III's causes of one indicator's result, from what people said, never from the
    figures: the answers given at the year's close (members, Kasubbag), else the quarters'
    kendala (a missed target) or tindak lanjut (a target met), else a sentence saying that no
    one has explained it yet."""
    met = row["met"]
    said = [a for a in answers if a.code == row["code"] and a.reason.strip()]
    if said:
        items = [
            {
                "text": " ".join(a.reason.split()),
                "action": " ".join(a.action.split()),
                "by": ", ".join(x for x in (a.name, a.post) if x),
            }
            for a in sorted(said, key=lambda a: a.at)
        ]
        head = (
            "Faktor pendukung tercapainya target menurut penanggung jawab indikator:"
            if met
            else "Penyebab belum tercapainya target menurut penanggung jawab indikator:"
        )
        return {"head": head, "items": items, "source": "answers"}
    if not row["computable"]:
        return {"head": "", "items": [], "source": ""}
    if not met:
        kendala = [k for k in row["kendala"] if not _no_problem(k["text"])]
        if kendala:
            items = [{"text": k["text"], "action": "", "by": k["quarters"]} for k in kendala]
            return {
                "head": "Penyebab belum tercapainya target, sebagaimana kendala yang dilaporkan "
                "Tim Kerja pada laporan triwulan:",
                "items": items,
                "source": "kendala",
            }
        return {
            "head": "Penyebab belum tercapainya target belum diuraikan: Tim Kerja tidak "
            "melaporkan kendala pada laporan triwulan dan belum memberikan penjelasan pada "
            "penutupan tahun.",
            "items": [],
            "source": "missing",
        }
    steps = [t for t in row["tindak_lanjut"] if not _no_problem(t["text"])]
    if steps:
        items = [{"text": t["text"], "action": "", "by": t["quarters"]} for t in steps]
        return {
            "head": "Upaya yang mendukung tercapainya target, sebagaimana dilaporkan Tim Kerja "
            "pada laporan triwulan:",
            "items": items,
            "source": "tindak_lanjut",
        }
    return {
        "head": "Faktor pendukung tercapainya target belum diuraikan oleh Tim Kerja.",
        "items": [],
        "source": "missing",
    }


def _programmes(indicator: Indicator, budget: BudgetSet | None) -> list[dict[str, str]]:
    """The programmes and activities behind an indicator: the targets workbook's columns,
    else the budget's activities linked to its code."""
    if indicator.program or indicator.kegiatan:
        kegiatan = [k.strip() for k in indicator.kegiatan.split(";") if k.strip()]
        return [{"program": indicator.program, "kegiatan": ", ".join(kegiatan)}]
    if budget is None:
        return []
    by_program: dict[str, list[str]] = {}
    for line in budget.supporting([indicator.code]):
        by_program.setdefault(line.program, []).append(line.kegiatan)
    return [{"program": p, "kegiatan": ", ".join(k)} for p, k in by_program.items()]


def _programme_words(found: Sequence[dict[str, str]]) -> str:
    parts = []
    for f in found:
        text = f["program"] or "Program belum disebutkan"
        if f["kegiatan"]:
            text += f" (kegiatan {f['kegiatan']})"
        parts.append(text)
    return "; ".join(parts)


NO_PROGRAMME = (
    "Program dan kegiatan pendukung belum dicantumkan pada Target Kinerja (kolom Program dan "
    "Kegiatan) maupun pada data Realisasi Anggaran."
)


def _add_causes_and_programmes(
    perf: dict[str, Any],
    indicators: Sequence[Indicator],
    answers: Sequence[AnnualAnswer],
    budget: BudgetSet | None,
) -> None:
    """Fill each row's causes and programmes, and each sasaran's programmes (in place)."""
    by_code = {i.code: i for i in indicators}
    for row in perf["rows"]:
        row["causes"] = _causes(row, answers)
        found = _programmes(by_code[row["code"]], budget)
        row["programmes"] = _programme_words(found) if found else ""
        row["programme_text"] = (
            f"Program dan kegiatan pendukung: {row['programmes']}." if found else NO_PROGRAMME
        )
    for group in perf["groups"]:
        seen: dict[str, list[str]] = {}
        for row in group["rows"]:
            for f in _programmes(by_code[row["code"]], budget):
                acts = seen.setdefault(f["program"], [])
                for k in f["kegiatan"].split(", "):
                    if k and k not in acts:
                        acts.append(k)
        if seen:
            named = _programme_words(
                [{"program": p, "kegiatan": ", ".join(k)} for p, k in seen.items()]
            )
            missed = [r["code"] for r in group["rows"] if r["computable"] and not r["met"]]
            group["programmes"] = f"Hasil sasaran ini didukung oleh {named}" + (
                f"; indikator yang belum mencapai target ({_join(missed)}) menjadi "
                "perhatian dalam pelaksanaan program tersebut pada tahun berikutnya."
                if missed
                else "."
            )
        else:
            group["programmes"] = NO_PROGRAMME


def _group_analysis(group: dict[str, Any], policy: CapaianPolicy) -> str:
    rows = group["rows"]
    met = [r["code"] for r in rows if r["met"]]
    below = [r["code"] for r in rows if r["computable"] and not r["met"]]
    count = len(rows)
    text = (
        f"Sasaran Strategis {group['no']} \u201c{group['sasaran']}\u201d diukur dengan "
        f"{count} indikator kinerja"
    )
    if group["average"] is None:
        return text + "; capaiannya belum dapat dihitung."
    text += f" dengan rata-rata capaian {group['average_label']} (kategori {group['rating']})."
    if met and not below:
        text += (
            " Seluruh indikator yang dapat dihitung mencapai atau melampaui target."
            if len(met) > 1
            else " Indikator tersebut mencapai atau melampaui target."
        )
    elif met:
        text += (
            f" Sebanyak {len(met)} indikator ({_join(met)}) mencapai atau melampaui target, "
            f"sedangkan {len(below)} indikator ({_join(below)}) belum mencapai target."
        )
    else:
        text += f" Indikator {_join(below)} belum mencapai target."
    risky = [r["code"] for r in rows if r["at_risk"]]
    if risky:
        text += (
            f" Indikator {_join(risky)} berada di bawah batas risiko "
            f"{format_number_id(policy.risk_below)}%."
        )
    return text


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _ratios(answers: Sequence[AnnualAnswer]) -> dict[str, Ratio]:
    """Per code, the year's numerator and denominator last given (``RASIO`` indicators)."""
    out: dict[str, Ratio] = {}
    for a in sorted(answers, key=lambda a: a.at):
        if a.numerator is not None and a.denominator is not None and a.denominator > 0:
            out[a.code] = Ratio(a.numerator, a.denominator)
    return out


def annual_performance(
    by_tw: dict[int, Cycle],
    policy: CapaianPolicy = DEFAULT_POLICY,
    answers: Sequence[AnnualAnswer] = (),
) -> dict[str, Any]:
    """Bab III's figures: rows per indicator, groups per sasaran, averages and counts.

    Shaped like ``report_context.performance_context`` where they overlap, so that
    ``chart_svg`` draws the annual capaian unchanged.
    """
    indicators = by_tw[4].indicators
    reals = {tw: cycle_realisations(c) for tw, c in by_tw.items()}
    bands = _ordered_bands(policy)
    band_index = {b.label: i for i, b in enumerate(bands)}
    ratios = _ratios(answers)
    full_rows = [
        _indicator_row(n, ind, by_tw, reals, policy, band_index, ratios.get(ind.code))
        for n, ind in enumerate(indicators, start=1)
    ]
    for row in full_rows:
        row["analysis"] = _indicator_analysis(row, policy)
    achievements = [r["_achievement"] for r in full_rows]

    groups: list[dict[str, Any]] = []
    order = list(dict.fromkeys(i.sasaran for i in indicators))
    for group_no, sasaran in enumerate(order, start=1):
        members = [r for r in full_rows if r["sasaran"] == sasaran]
        average = average_percent(r["_achievement"] for r in members)
        quarter_avgs = []
        for tw in (1, 2, 3, 4):
            avg = _quarter_average(members, tw)
            quarter_avgs.append(format_percent_id(avg) if avg is not None else DASH)
        group: dict[str, Any] = {
            "no": group_no,
            "sasaran": sasaran,
            "rows": members,
            "average": average,
            "average_label": format_percent_id(average) if average is not None else DASH,
            "rating": rating(average, policy.bands) if average is not None else DASH,
            "quarter_averages": quarter_avgs,
        }
        group["analysis"] = _group_analysis(group, policy)
        groups.append(group)

    average = average_percent(achievements)
    ratings = Counter(a.rating for a in achievements if a.rating)
    band_counts = [
        {
            "label": b.label,
            "range": _band_range(bands, i),
            "colour": band_colour(i),
            "count": ratings.get(b.label, 0),
        }
        for i, b in enumerate(bands)
    ]
    quarter_averages = []
    for tw in (1, 2, 3, 4):
        avg = _quarter_average(full_rows, tw)
        quarter_averages.append(
            {
                "tw": tw,
                "label": triwulan_label(tw),
                "average": avg,
                "average_label": format_percent_id(avg) if avg is not None else DASH,
            }
        )
    quarter_notes = [
        {"code": r["code"], "tw": q["label"], "note": q["note"]}
        for r in full_rows
        for q in r["quarters"]
        if not q["computable"]
    ]
    rows = [_public(r) for r in full_rows]
    by_code = {r["code"]: r for r in rows}
    for group in groups:
        group["rows"] = [by_code[r["code"]] for r in group["rows"]]
    return {
        "groups": groups,
        "rows": rows,
        "sasaran_count": len(groups),
        "indicator_count": len(rows),
        "reported_count": sum(1 for r in rows if r["realisasi_value"] is not None),
        "computable_count": sum(1 for r in rows if r["computable"]),
        "not_computable_count": sum(1 for r in rows if not r["computable"]),
        "met_count": sum(1 for r in rows if r["met"]),
        "met_codes": [r["code"] for r in rows if r["met"]],
        "exceeded_count": sum(1 for r in rows if (r["raw_percent"] or 0) > 100),
        "below_count": sum(1 for r in rows if r["computable"] and not r["met"]),
        "below_codes": [r["code"] for r in rows if r["computable"] and not r["met"]],
        "not_computable_codes": [r["code"] for r in rows if not r["computable"]],
        "average": average,
        "average_label": format_percent_id(average) if average is not None else DASH,
        "average_rating": rating(average, policy.bands) if average is not None else None,
        "bands": band_counts,
        "at_risk_count": sum(1 for r in rows if r["at_risk"]),
        "at_risk_codes": [r["code"] for r in rows if r["at_risk"]],
        "risk_below": policy.risk_below,
        "risk_label": f"{format_number_id(policy.risk_below)}%",
        "cap_label": f"{format_number_id(policy.cap)}%" if policy.cap is not None else "",
        "quarter_averages": quarter_averages,
        "quarter_notes": quarter_notes,
        "rule_notes": _rule_notes(rows),
    }


def _with_predicate(perf: dict[str, Any], policy: CapaianPolicy, unit_name: str) -> dict[str, Any]:
    return {**perf, "predicate": _predicate(perf, policy, unit_name)}


#: Where the default rating scale comes from (said in Bab III.1 beside the scale).
DEFAULT_SCALE_SOURCE = (
    "Skala kategori capaian mengacu pada skala nilai peringkat kinerja dalam Lampiran "
    "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017 (91–100% sangat tinggi, 76–90% "
    "tinggi, 66–75% sedang, 51–65% rendah, sampai dengan 50% sangat rendah), dengan sebutan "
    "Sangat Baik sampai dengan Sangat Kurang; capaian di antara dua batas (misalnya 90,5%) "
    "dibaca pada kategori yang lebih tinggi, dan capaian di atas 100% termasuk Sangat Baik. "
    "Peraturan Menteri PAN-RB Nomor 53 Tahun 2014 tidak menetapkan skala tersendiri."
)
OWN_SCALE_SOURCE = (
    "Skala kategori capaian adalah tabel predikat yang ditetapkan {name} dalam pengaturan "
    "pelaporan kinerjanya."
)


def _predicate(perf: dict[str, Any], policy: CapaianPolicy, unit_name: str) -> dict[str, Any]:
    """How the overall predicate is derived, in words a reviewer can check: the scale and its
    source, the cap and why, the mean it is read from, and what the mean hides.

    The rule stays the mean of the indicators' (capped) capaian read on the scale, as e-SAKIP
    evaluations compute it; where most indicators missed their target while the mean is high,
    the text says so in the same place as the predicate, with the spread of the indicators
    over the scale, so that "Sangat Baik" is never read as "every target met".
    """
    rows = perf["rows"]
    computed = [r for r in rows if r["computable"]]
    scale = (
        DEFAULT_SCALE_SOURCE
        if tuple(policy.bands) == tuple(DEFAULT_POLICY.bands)
        else OWN_SCALE_SOURCE.format(name=unit_name)
    )
    cap_text = ""
    capped = [
        r for r in computed if policy.cap is not None and (r["raw_percent"] or 0) > policy.cap
    ]
    if policy.cap is not None:
        cap_text = (
            f"Capaian setiap indikator dicatat paling tinggi {perf['cap_label']} sebelum "
            "dirata-ratakan, agar satu indikator yang jauh melampaui target tidak menutupi "
            "indikator lain yang belum tercapai; batas ini adalah kebijakan pengukuran satuan "
            "kerja, bukan ketentuan peraturan."
        )
    out: dict[str, Any] = {"scale_source": scale, "cap_text": cap_text, "paragraphs": []}
    if perf["average"] is None:
        return out
    n = len(computed)
    derivation = (
        f"Predikat keseluruhan {perf['average_rating']} ditetapkan dari rata-rata capaian "
        f"{n} indikator yang dapat dihitung, {perf['average_label']}, yang dibaca pada skala "
        "kategori capaian di atas; setiap sasaran strategis dinilai dengan cara yang sama."
    )
    if capped:
        uncapped = round_half_up(sum(r["raw_percent"] for r in computed) / n)
        names = _join([f"{r['code']} ({format_percent_id(r['raw_percent'])})" for r in capped])
        derivation += (
            f" Capaian {names} dicatat {perf['cap_label']}; tanpa batas itu rata-ratanya "
            f"{format_percent_id(uncapped)}."
        )
    out["paragraphs"].append(derivation)
    spread = "; ".join(f"{b['label']} {b['count']} indikator" for b in perf["bands"] if b["count"])
    below = perf["below_count"]
    consistency = (
        f"Sebaran indikator pada skala: {spread}. Sebanyak {perf['met_count']} dari {n} "
        "indikator mencapai atau melampaui target tahunan"
    )
    if below:
        consistency += (
            f" dan {below} indikator ({_join(perf['below_codes'])}) belum mencapai target"
        )
    consistency += "."
    if below * 2 > n:
        missed = sorted((r for r in computed if not r["met"]), key=lambda r: r["percent"] or 0.0)
        low, high = missed[0], missed[-1]
        consistency += (
            f" Predikat {perf['average_rating']} karenanya tidak berarti seluruh target "
            "tercapai: sebagian besar indikator belum mencapai target, dengan capaian antara "
            f"{low['capaian']} ({low['code']}) dan {high['capaian']} ({high['code']}), dan "
            "rata-rata seluruh indikator tetap berada pada rentang kategori ini. Indikator yang "
            "belum mencapai target dianalisis satu per satu pada subbab 3.4 beserta penyebab "
            "dan tindak lanjutnya."
        )
    out["paragraphs"].append(consistency)
    return out


def _quarter_average(rows: Sequence[dict[str, Any]], tw: int) -> float | None:
    """The mean quarter capaian, as the quarter's own report computes it."""
    found = (r["_quarter_achievements"][tw - 1] for r in rows)
    return average_percent(a for a in found if a is not None)


# ----------------------------------------------------------------------------- narrative


def _ikhtisar(unit: Unit, year: int, perf: dict[str, Any]) -> list[str]:
    n = perf["indicator_count"]
    paragraphs = [
        f"Laporan Kinerja Instansi Pemerintah {unit.name} Tahun {year} disusun sebagai wujud "
        "pertanggungjawaban atas pelaksanaan tugas dan fungsi serta pencapaian sasaran "
        f"strategis yang ditetapkan dalam Perjanjian Kinerja Tahun {year}, sesuai dengan "
        "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi "
        "Pemerintah dan Peraturan Menteri PAN-RB Nomor 53 Tahun 2014. Laporan ini dihimpun "
        "dari empat laporan data kinerja triwulan (Triwulan I sampai dengan Triwulan IV) yang "
        "telah diparaf dan ditandatangani.",
        f"Pada Tahun {year} ditetapkan {perf['sasaran_count']} sasaran strategis yang diukur "
        f"dengan {n} indikator kinerja.",
    ]
    if perf["average"] is None:
        paragraphs.append("Capaian kinerja tahunan belum dapat dihitung.")
        return paragraphs
    figures = (
        f"Dari {n} indikator tersebut, {perf['met_count']} indikator mencapai atau melampaui "
        f"target tahunan"
    )
    if perf["below_count"]:
        figures += (
            f" dan {perf['below_count']} indikator belum mencapai target "
            f"({_join(perf['below_codes'])})"
        )
    figures += "."
    if perf["not_computable_count"]:
        figures += (
            f" Capaian {perf['not_computable_count']} indikator "
            f"({_join(perf['not_computable_codes'])}) tidak dapat dihitung."
        )
    figures += (
        f" Rata-rata capaian seluruh indikator adalah {perf['average_label']} dengan kategori "
        f"{perf['average_rating']}."
    )
    paragraphs.append(figures)
    per_group = "; ".join(
        f"Sasaran Strategis {g['no']} {g['average_label']} ({g['rating']})" for g in perf["groups"]
    )
    paragraphs.append(f"Rata-rata capaian per sasaran strategis: {per_group}.")
    risky = [r for r in perf["rows"] if r["at_risk"]]
    if risky:
        named = _join([f"{r['code']} ({r['indikator']}, capaian {r['capaian']})" for r in risky])
        steps = _join(
            [_last_text(r["tindak_lanjut"]).rstrip(".") for r in risky if r["tindak_lanjut"]]
        )
        text = (
            f"Indikator yang capaiannya berada di bawah batas risiko {perf['risk_label']} dan "
            f"memerlukan perhatian adalah {named}."
        )
        if steps:
            text += f" Langkah tindak lanjut yang ditempuh: {_lower_first(steps)}."
        paragraphs.append(text)
    else:
        paragraphs.append(
            f"Tidak terdapat indikator dengan capaian tahunan di bawah batas risiko "
            f"{perf['risk_label']}."
        )
    return paragraphs


def _last_text(notes: Sequence[dict[str, Any]]) -> str:
    return notes[-1]["text"] if notes else ""


def _lower_first(text: str) -> str:
    """``"Menambah pos"`` -> ``"menambah pos"``; an acronym (``"SP4N-LAPOR!"``) is kept."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _penutup(unit: Unit, year: int, perf: dict[str, Any]) -> list[str]:
    n = perf["indicator_count"]
    out = [
        f"Laporan Kinerja Instansi Pemerintah {unit.name} Tahun {year} menyajikan capaian "
        f"{n} indikator kinerja dari {perf['sasaran_count']} sasaran strategis yang ditetapkan "
        f"dalam Perjanjian Kinerja Tahun {year}, dihimpun dari empat laporan data kinerja "
        "triwulan yang telah ditandatangani."
    ]
    if perf["average"] is not None:
        text = (
            f"Secara umum kinerja {unit.name} Tahun {year} berkategori "
            f"{perf['average_rating']} dengan rata-rata capaian {perf['average_label']}. "
            f"Sebanyak {perf['met_count']} dari {n} indikator mencapai atau melampaui target"
        )
        if perf["below_count"]:
            text += (
                f", sedangkan {perf['below_count']} indikator belum mencapai target "
                f"({_join(perf['below_codes'])})"
            )
        text += "."
        if perf["below_count"] * 2 > perf["computable_count"]:
            text += (
                f" Predikat {perf['average_rating']} dibaca dari rata-rata capaian dan tidak "
                "berarti seluruh target tercapai (lihat penetapan predikat pada subbab 3.2)."
            )
        out.append(text)
    risky = [r for r in perf["rows"] if r["at_risk"]]
    if risky:
        out.append(
            f"Indikator {_join([r['code'] for r in risky])} dengan capaian di bawah "
            f"{perf['risk_label']} menjadi prioritas perbaikan pada tahun {year + 1}, dengan "
            "menindaklanjuti kendala yang diuraikan pada Bab III."
        )
    out.append(
        f"Hasil pengukuran kinerja ini menjadi bahan evaluasi dan perbaikan perencanaan, "
        f"penganggaran, serta pelaksanaan program dan kegiatan Tahun {year + 1}, sehingga "
        f"akuntabilitas kinerja {unit.name} terus meningkat."
    )
    return out


# ----------------------------------------------------------------------------- people & docs


def _person_dict(unit: Unit, role: Role) -> dict[str, Any] | None:
    holders = unit.with_role(role)
    if not holders:
        return None
    p = holders[0]
    return {"role": unit.role_label(role), "name": p.name, "nip": p.nip, "position": p.position}


def _name(unit: Unit, user_id: int | None) -> str:
    if user_id is None:
        return ""
    person = unit.person(user_id)
    return person.name if person else str(user_id)


def _decided_by(unit: Unit, cycle: Cycle, decision) -> str:
    """Who took a quarter's paraf or signature, as recorded with it ("…, Plh. …")."""
    facts = records.decision_by(cycle.history, decision)
    return records.label(facts) if facts else _name(unit, decision.by)


def _quarter_documents(by_tw: dict[int, Cycle], unit: Unit, calendar: WorkCalendar) -> list:
    """Lampiran: the signed quarterly reports this annual report was compiled from."""
    tz = calendar.tz
    out = []
    for tw, cycle in sorted(by_tw.items()):
        latest = cycle.latest_report
        signed = latest is not None and latest.status == "signed"
        sign = cycle.latest_decision("sign")
        paraf = cycle.latest_decision("paraf")
        sign_date = format_date_id(calendar.to_local(sign.at).date()) if sign else ""
        out.append(
            {
                "triwulan": roman_triwulan(tw),
                "label": triwulan_label(tw),
                "title": report_title(cycle),
                "period_label": period_label(cycle.year, tw),
                "document_number": f"LKJ/{cycle.year}/TW-{roman_triwulan(tw)}/{unit.code.upper()}",
                "filed": cycle.filed,
                "signed": signed,
                "version": latest.number if latest else None,
                "sha256": latest.sha256 if signed and latest else "",
                "signed_date": sign_date if signed else "",
                "signed_at": format_datetime_id(sign.at, tz) if signed and sign else "",
                "signed_by": _decided_by(unit, cycle, sign) if signed and sign else "",
                "paraf_by": _decided_by(unit, cycle, paraf) if paraf else "",
                "paraf_at": format_datetime_id(paraf.at, tz) if paraf else "",
            }
        )
    return out


def _reference_documents(
    by_tw: dict[int, Cycle],
    calendar: WorkCalendar,
    files: Mapping[str, bytes],
    unit_name: str,
) -> tuple[list[dict[str, Any]], list[AppendedPdf]]:
    """The Perjanjian Kinerja / Rencana Aksi files attached to the quarters, each once, and
    the PDFs among them to append as pages (Lampiran III.n). ``files``: sha256 -> the
    uploaded bytes, as the caller read them from the store; a file not given, not a PDF or
    not readable is listed with a note saying why it is not attached as pages."""
    seen: dict[str, dict[str, Any]] = {}
    for tw, cycle in sorted(by_tw.items()):
        for doc in cycle.documents:
            entry = seen.setdefault(
                doc.sha256,
                {
                    "kind": REQUIRED_DOCUMENTS.get(doc.kind, doc.kind or "Dokumen"),
                    "name": doc.name,
                    "sha256": doc.sha256,
                    "uploaded_at": format_datetime_id(doc.uploaded_at, calendar.tz),
                    "tws": [],
                },
            )
            entry["tws"].append(tw)
    out: list[dict[str, Any]] = []
    appended: list[AppendedPdf] = []
    for e in seen.values():
        data = files.get(e["sha256"])
        pages: int | None = None
        if data is None:
            reason = "isi berkas tidak tersedia saat laporan ini disusun"
        else:
            pages, reason = pdf_pages(data)
        row = {k: v for k, v in e.items() if k != "tws"}
        row["quarters"] = _tw_span(e["tws"])
        if pages is not None and data is not None:
            number = len(appended) + 1
            appended.append(
                AppendedPdf(e["name"], data, f"Lampiran III.{number}", e["kind"], e["sha256"])
            )
            row.update(
                attached=True,
                label=f"Lampiran III.{number}",
                pages=pages,
                note=f"Dilampirkan utuh sebagai Lampiran III.{number} ({pages} halaman) "
                "pada halaman-halaman terakhir laporan ini, dan berkas aslinya disematkan "
                "pada berkas PDF arsip laporan yang ditandatangani",
            )
        else:
            row.update(
                attached=False,
                label="",
                pages=None,
                note=f"Tidak dilampirkan sebagai halaman karena {reason}; berkas aslinya "
                f"tersimpan pada arsip {unit_name} dan dapat dicocokkan dengan sidik digital "
                "ini",
            )
        out.append(row)
    return out, appended


# ----------------------------------------------------------------------------- comparisons


def _filed_values(
    unit: Unit, years: Mapping[int, Sequence[Cycle]], policy: CapaianPolicy
) -> dict[int, dict[str, float | None]]:
    """Per earlier year whose four quarters are filed, the annual realisation per code."""
    out: dict[int, dict[str, float | None]] = {}
    for y, cycles in years.items():
        filed = [c for c in cycles if c.filed and c.year == y]
        if sorted(c.triwulan for c in filed) != [1, 2, 3, 4]:
            continue
        rows = annual_performance(_check_quarters(filed, y, unit), policy)["rows"]
        out[y] = {r["code"]: r["realisasi_value"] for r in rows}
    return out


def _ikhtisar_analysis(year: int, analysis: dict[str, Any]) -> list[str]:
    """The Ikhtisar's paragraphs on the comparisons and the budget (or why they are missing)."""
    history, renstra = analysis["history"], analysis["renstra"]
    efficiency, budget = analysis["efficiency"], analysis["budget"]
    out = [history["summary"] if history["available"] else history["not_available"]]
    if renstra["available"] and renstra["summary"]:
        out.append(renstra["summary"])
    elif not renstra["available"]:
        out.append(renstra["not_available"])
    if budget["available"]:
        text = (
            f"Realisasi anggaran Tahun {year} sebesar Rp{budget['realisasi']} dari pagu "
            f"Rp{budget['pagu']} ({budget['percent']})."
        )
        less = [
            f"Sasaran Strategis {r['no']}"
            for r in efficiency["rows"]
            if r["verdict"] == "kurang efisien"
        ]
        if less:
            text += (
                f" Capaian kinerja {_join(less)} lebih rendah daripada penyerapan anggaran "
                "kegiatan pendukungnya, sehingga penggunaan sumber dayanya perlu dievaluasi."
            )
        elif efficiency["rows"]:
            text += (
                " Capaian kinerja setiap sasaran sama dengan atau lebih tinggi daripada "
                "penyerapan anggaran kegiatan pendukungnya."
            )
        out.append(text)
    else:
        out.append(budget["not_available"])
    return out


# ----------------------------------------------------------------------------- the report


def annual_report_context(
    unit: Unit,
    year: int,
    quarters: list[Cycle],
    calendar: WorkCalendar,
    status: str,
    generated_at: datetime,
    report: AnnualReport | None = None,
    policy: CapaianPolicy | None = None,
    *,
    verification_code: str | None = None,
    previous_years: Mapping[int, Sequence[Cycle]] | None = None,
    budget: BudgetSet | None = None,
    sop: Sop | None = None,
    bot_username: str = "",
    targets: TargetSet | None = None,
    reference_files: Mapping[str, bytes] | None = None,
) -> dict[str, Any]:
    """Context for ``annual_report.html``.

    ``reference_files``: sha256 -> bytes of the Perjanjian Kinerja and Rencana Aksi files
    attached to the quarters (``Cycle.documents``), read from the store by the caller; each
    PDF among them is appended as pages after the Lampiran (``appendix_pdfs``, appended by
    ``documents.render.render_pdf``), any other is listed with the reason it is not.

    ``targets``: the year's target set as uploaded; its ``profile`` (the workbook's sheet
    "Profil Renstra") fills Bab I's strategic issues, structure, resources and the unit's
    legal basis. Without it Bab I says, part by part, what the unit has not given.

    ``previous_years``: per earlier year, its filed cycles (the bot's own record; a year
    counts when all four quarters are filed), for Bab III's comparison with previous years.
    ``budget``: the year's budget realisation (Bab III.B and the efficiency analysis). Both
    optional: without them the report says which comparisons could not be made and why.

    ``quarters``: the four filed cycles of ``year`` (``domain.annual.quarters_ready``), any
    order. ``status``: ``"draft"``, ``"paraf"`` or ``"signed"``; the paraf and signature
    blocks are filled from ``report.latest_decision("paraf"/"sign")``, so ``report`` must
    carry those decisions when the status says so. ``verification_code`` (optional) prints
    the verification block with its QR code, as on the quarterly report. The approval
    block is the quarterly report's too (``documents.approval_context``); ``sop`` (default
    the shipped table) says who initials and signs.
    """
    if status not in STATUSES:
        raise ValueError(f"status harus salah satu dari {', '.join(STATUSES)}, bukan {status!r}")
    policy = policy if policy is not None else DEFAULT_POLICY
    tz = calendar.tz
    by_tw = _check_quarters(quarters, year, unit)

    sop = sop if sop is not None else load_sop()
    approval = approval_context(report, unit, sop, calendar, status)
    if status in ("paraf", "signed") and approval["paraf"] is None:
        raise ValueError(f"status {status!r} memerlukan paraf yang tercatat pada laporan")
    if status == "signed" and approval["signature"] is None:
        raise ValueError("status 'signed' memerlukan tanda tangan yang tercatat pada laporan")

    answers = report.answers if report is not None else ()
    performance = _with_predicate(annual_performance(by_tw, policy, answers), policy, unit.name)
    _add_causes_and_programmes(performance, by_tw[4].indicators, answers, budget)
    analysis = annual_analysis(
        year,
        by_tw[4].indicators,
        {r["code"]: r["realisasi_value"] for r in performance["rows"]},
        performance["groups"],
        _filed_values(unit, previous_years or {}, policy),
        budget,
    )
    quarter_docs = _quarter_documents(by_tw, unit, calendar)
    profile = targets.profile if targets is not None else UnitProfile()
    reference_docs, appendix_pdfs = _reference_documents(
        by_tw, calendar, reference_files or {}, unit.name
    )
    basis = legal_basis(unit, profile)
    officials = [
        p
        for p in (_person_dict(unit, r) for r in (Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG))
        if p
    ]
    return {
        "unit": _unit_dict(unit),
        "title": annual_title(year),
        "year": year,
        "period_label": (
            f"{format_date_id(date(year, 1, 1))} \u2013 {format_date_id(date(year, 12, 31))}"
        ),
        "status": status,
        "document_number": annual_document_number(unit, year),
        "report_version": report.latest_report.number if report and report.latest_report else None,
        "chapters": [{"anchor": a, "title": t, "about": about} for a, t, about in CHAPTERS],
        "profile": {
            "name": unit.name,
            "address": unit.address,
            "city": unit.city,
            "tugas": TUGAS.format(name=unit.name),
            "fungsi": list(FUNGSI),
            "officials": officials,
            "team_count": len(unit.with_role(Role.TIM_KERJA)),
        },
        "legal_basis": basis["items"],
        "legal_basis_notes": basis["notes"],
        "organisation": organisation(unit, profile),
        "ikhtisar": _ikhtisar(unit, year, performance) + _ikhtisar_analysis(year, analysis),
        "analysis": analysis,
        "penutup": _penutup(unit, year, performance),
        "performance": performance,
        "chart_svg": chart_svg(performance),
        "quarters_chart_svg": quarters_chart_svg(performance),
        "quarters": quarter_docs,
        "reference_documents": reference_docs,
        "appendix_pdfs": appendix_pdfs,
        "revisions": revisions(report, unit, calendar),
        **approval,
        "generated_at": format_datetime_id(generated_at, tz),
        "issued_place": unit.city,
        "issued_year": calendar.to_local(generated_at).year,
        # The Kata Pengantar is dated as letters are: day, month and year (the signing day
        # once signed).
        "issued_date": (approval.get("signature") or {}).get("date")
        or format_date_id(calendar.to_local(generated_at).date()),
        "verification_note": VERIFICATION_NOTE,
        "verification": verification_context(verification_code, bot_username),
    }
