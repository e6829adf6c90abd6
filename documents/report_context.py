"""Turns a cycle and its unit into the plain context the document templates expect.

Pure presentation: dates in Indonesian, names looked up in the roster, sizes made readable,
numbers formatted Indonesian-style. The achievement arithmetic itself lives in
``domain.performance``; this module only arranges its results for the report.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import segno
from markupsafe import Markup

from documents.approval_context import approval_context, revisions
from documents.charts import NOT_COMPUTABLE_COLOUR, band_colour, chart_svg
from domain import office_time, records
from domain.calendar import WorkCalendar
from domain.dates_id import (
    format_date_id,
    format_datetime_id,
    format_office_duration,
    format_time_id,
    roman_triwulan,
    triwulan_period,
    tz_abbreviation,
)
from domain.identity import contact_line, government_line
from domain.models import (
    BELUM_ADA,
    BELUM_LENGKAP,
    LENGKAP,
    PERLU_PERBAIKAN,
    Cycle,
    Disposition,
    FileRef,
    Item,
)
from domain.performance import (
    DEFAULT_POLICY,
    Achievement,
    CapaianPolicy,
    Indicator,
    PerformanceRow,
    RatingBand,
    Realisation,
    TargetSet,
    average_percent,
    format_number_id,
    format_percent_id,
    performance_table,
    rating,
    triwulan_label,
)
from domain.roles import Role
from domain.roster import Unit
from domain.sop import COLLECT, Sop, Step, load_sop
from domain.standins import capacity, official_title
from domain.text import display_filename
from domain.verification import deep_link, qr_payload

VERIFICATION_NOTE = (
    "Persetujuan (paraf dan tanda tangan) pada dokumen ini dicatat oleh lkj-bot beserta "
    "identitas pejabat dan waktunya; ini bukan tanda tangan elektronik tersertifikasi (TTE BSrE)."
)

#: Who "finished" a step the bot closed by itself (``StepRecord.finished_by == 0``).
SYSTEM_ACTOR = "sistem (otomatis)"

#: The states of a checklist item, in the order the report counts them.
ITEM_STATES: tuple[str, ...] = (LENGKAP, BELUM_LENGKAP, PERLU_PERBAIKAN, BELUM_ADA)
_STATE_KEYS = {
    LENGKAP: "lengkap",
    BELUM_LENGKAP: "belum-lengkap",
    PERLU_PERBAIKAN: "perlu-perbaikan",
    BELUM_ADA: "belum-ada",
}

_SOURCE_LABELS = {
    "chat": "diketik melalui obrolan",
    "workbook": "lembar kerja (xlsx)",
    "miniapp": "formulir Mini App",
}


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    for unit in ("KB", "MB", "GB"):
        size_f = size / 1024
        if size_f < 1024 or unit == "GB":
            return f"{size_f:,.1f} {unit}".replace(",", "_").replace(".", ",").replace("_", ".")
        size = int(size_f)
    return f"{size} B"


def _unit_dict(unit: Unit) -> dict[str, Any]:
    """The kop's data (domain/identity.py); the logo goes in as inline data, never a path."""
    logo = unit.logo
    return {
        "name": unit.name,
        "full_name": unit.name,
        "government": government_line(unit),
        "city": unit.city,
        "address": unit.address,
        "contact": contact_line(unit),
        "logo": logo.data_uri if logo else "",
        "code": unit.code,
    }


def _name_of(unit: Unit, user_id: int | None) -> str:
    if user_id is None:
        return ""
    if user_id == 0:
        return SYSTEM_ACTOR
    person = unit.person(user_id)
    return person.name if person else str(user_id)


def _file(ref: FileRef, tz: str) -> dict[str, Any]:
    return {
        "name": display_filename(ref.name),  # also for files stored before names were cleaned
        "sha256": ref.sha256,
        "short_hash": ref.sha256[:12],
        "size": human_size(ref.size),
        "uploaded_at": format_datetime_id(ref.uploaded_at, tz),
    }


def _disposition(
    unit: Unit, d: Disposition, tz: str, sop: Sop, cycle: Cycle | None = None
) -> dict[str, Any]:
    """One forward of the chain; a stand-in's is given under the post's title ("Plh. …").
    Who forwarded and who received are the facts recorded with the forward; an old record
    falls back to the person and the appointments on record."""
    by, to = records.disposition_facts(cycle.history, d) if cycle else (None, ())
    if by is not None:
        name, position = by.name, by.title
    else:
        sender = unit.person(d.from_user)
        period = capacity(unit, d.from_user, sop.step(d.step).role, d.at)
        position = official_title(period) if period else sender.position if sender else ""
        name = sender.name if sender else str(d.from_user)
    return {
        "step": d.step,
        "from_name": name,
        "from_position": position,
        "to_label": unit.role_label(Role(d.to_role)),
        "to_names": "; ".join(records.label(o) for o in to),
        "note": d.note,
        "at": format_datetime_id(d.at, tz),
        "deadline": format_datetime_id(d.deadline, tz),
    }


def period_label(year: int, triwulan: int) -> str:
    first, last = triwulan_period(year, triwulan)
    return f"{format_date_id(first)} – {format_date_id(last)}"


def report_title(cycle: Cycle) -> str:
    return f"LAPORAN DATA KINERJA TRIWULAN {roman_triwulan(cycle.triwulan)} TAHUN {cycle.year}"


# ----------------------------------------------------------------------------- task division


def _item(item: Item, tz: str) -> dict[str, Any]:
    state = item.state
    return {
        "title": item.title,
        "code": item.code,
        "state": state,
        "state_key": _STATE_KEYS.get(state, "belum-ada"),
        "missing": item.missing if item.code else [],
        "fix": item.fix,
        "files": [_file(f, tz) for f in item.files],
    }


def _assignments(cycle: Cycle, unit: Unit, tz: str, names: dict[str, str]) -> list[dict]:
    out = []
    for a in cycle.assignments:
        member = unit.person(a.member_id)
        items = [_item(i, tz) for i in a.items]
        for entry in items:
            entry["indikator"] = names.get(entry["code"], entry["title"])
        out.append(
            {
                "member_name": member.name if member else str(a.member_id),
                "member_nip": member.nip if member else "",
                "member_position": member.position if member else "",
                "note": a.note or cycle.division_note,
                "deadline": format_datetime_id(a.deadline, tz),
                "indicator_mode": any(i.code for i in a.items),
                "items": items,
            }
        )
    return out


def _state_counts(items: Sequence[Item]) -> list[dict[str, Any]]:
    counts = Counter(i.state for i in items)
    return [
        {"state": s, "state_key": _STATE_KEYS[s], "count": counts.get(s, 0)} for s in ITEM_STATES
    ]


# ----------------------------------------------------------------------------- performance


def _ordered_bands(policy: CapaianPolicy) -> list[RatingBand]:
    """The rating bands best first (the catch-all lowest band last)."""
    return sorted(
        policy.bands,
        key=lambda b: float("-inf") if b.above is None else b.above,
        reverse=True,
    )


def _band_range(bands: Sequence[RatingBand], index: int) -> str:
    """``"> 90%"``, ``"> 75% s.d. 90%"``, ``"≤ 50%"`` for the band at ``index`` (best first)."""
    band = bands[index]
    upper = bands[index - 1].above if index > 0 else None
    if band.above is None:
        return f"\u2264 {format_number_id(upper)}%" if upper is not None else "semua nilai"
    if upper is None:
        return f"> {format_number_id(band.above)}%"
    return f"> {format_number_id(band.above)}% s.d. {format_number_id(upper)}%"


def _target_text(indicator: Indicator, triwulan: int) -> tuple[str, str]:
    """The quarter's target and a short note on how it counts."""
    target = indicator.target_for(triwulan)
    if target is None:
        return "\u2014", "tidak ditetapkan"
    note = f"kumulatif s.d. {triwulan_label(triwulan)}" if indicator.cumulative else ""
    return format_number_id(target), note


def _find_items(cycle: Cycle) -> dict[str, tuple[int, Item]]:
    """Indicator code -> (member id, item) from the task division."""
    found: dict[str, tuple[int, Item]] = {}
    for a in cycle.assignments:
        for item in a.items:
            if item.code:
                found[item.code] = (a.member_id, item)
    return found


def _performance_row(
    number: int,
    row: PerformanceRow,
    cycle: Cycle,
    unit: Unit,
    tz: str,
    items: dict[str, tuple[int, Item]],
    band_index: dict[str, int],
) -> dict[str, Any]:
    ind, real, ach = row.indicator, row.realisation, row.achievement
    target, target_note = _target_text(ind, cycle.triwulan)
    member_id, item = items.get(ind.code, (None, None))
    files = [_file(f, tz) for f in item.files] if item else []
    index = band_index.get(ach.rating or "", -1)
    return {
        "no": number,
        "code": ind.code,
        "indikator": ind.indikator,
        "sasaran": ind.sasaran,
        "satuan": ind.satuan,
        "direction": ind.direction,
        "direction_note": "semakin rendah semakin baik" if ind.lower_is_better else "",
        "cumulative": ind.cumulative,
        "target": target,
        "target_note": target_note,
        "target_tahunan": format_number_id(ind.target_tahunan),
        "realisasi": format_number_id(real.value) if real else "\u2014",
        "capaian": ach.label,
        "percent": ach.percent,
        "computable": ach.computable,
        "rating": ach.rating or "\u2014",
        "rating_index": index,
        "colour": band_colour(index) if index >= 0 else NOT_COMPUTABLE_COLOUR,
        "at_risk": ach.at_risk,
        "note": ach.note,
        "kendala": real.kendala if real else "",
        "tindak_lanjut": real.tindak_lanjut if real else "",
        "reported_by": _name_of(unit, real.reported_by) if real else "",
        "reported_at": format_datetime_id(real.reported_at, tz) if real else "",
        "version": real.version if real else 0,
        "source": _SOURCE_LABELS.get(real.source, real.source) if real else "",
        "member_name": _name_of(unit, member_id) if member_id is not None else "\u2014",
        "state": item.state if item else BELUM_ADA,
        "state_key": _STATE_KEYS[item.state if item else BELUM_ADA],
        "fix": item.fix if item else "",
        "evidence": files,
    }


def _realisation_history(
    cycle: Cycle, unit: Unit, tz: str, names: dict[str, str]
) -> list[dict[str, Any]]:
    """Every version of the indicators reported more than once this quarter, oldest first."""
    mine = [r for r in cycle.realisations if r.triwulan == cycle.triwulan]
    versions = Counter(r.code for r in mine)
    order = {code: i for i, code in enumerate(names)}
    chosen: list[Realisation] = sorted(
        (r for r in mine if versions[r.code] > 1),
        key=lambda r: (order.get(r.code, len(order)), r.version),
    )
    previous: dict[str, Realisation] = {}
    out = []
    for r in chosen:
        out.append(
            {
                "code": r.code,
                "version": r.version,
                "value": format_number_id(r.value),
                "change": _version_change(previous.get(r.code), r),
                "reported_by": _name_of(unit, r.reported_by),
                "reported_at": format_datetime_id(r.reported_at, tz),
                "current": not r.superseded,
                "source": _SOURCE_LABELS.get(r.source, r.source),
            }
        )
        previous[r.code] = r
    return out


def _version_change(before: Realisation | None, after: Realisation) -> str:
    """What a version changed against the one before it: the value (old and new), the kendala,
    the tindak lanjut, the evidence; never "55 → 55" when only a note changed."""
    if before is None:
        return "laporan awal"
    changes = []
    if before.value != after.value:
        changes.append(
            f"realisasi {format_number_id(before.value)} \u2192 {format_number_id(after.value)}"
        )
    if before.kendala.strip() != after.kendala.strip():
        changes.append("kendala diubah")
    if before.tindak_lanjut.strip() != after.tindak_lanjut.strip():
        changes.append("tindak lanjut diubah")
    if set(before.evidence) != set(after.evidence):
        changes.append("bukti dukung diubah")
    return "; ".join(changes) if changes else "dilaporkan ulang tanpa perubahan isi"


def _fix_requests(cycle: Cycle, unit: Unit, tz: str) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code,
            "member_name": _name_of(unit, f.member_id),
            "reason": f.reason,
            "by_name": _name_of(unit, f.by),
            "at": format_datetime_id(f.at, tz),
        }
        for f in cycle.fixes
    ]


def _evidence_removals(cycle: Cycle, unit: Unit, tz: str) -> list[dict[str, Any]]:
    """Evidence taken out before the draft was submitted: which file, from which item, by
    whom, why, and what replaced it."""
    out = []
    for r in cycle.removed_evidence:
        by = unit.person(r.by)
        out.append(
            {
                "item": r.item,
                "member_name": _name_of(unit, r.member_id),
                "name": r.file.name,
                "short_hash": r.file.sha256[:12],
                "by_name": by.name if by else str(r.by),
                "by_role": by.label if by else "",
                "at": format_datetime_id(r.at, tz),
                "reason": r.reason,
                "replaced_by": r.replaced_by.name if r.replaced_by else "",
            }
        )
    return out


def performance_context(
    cycle: Cycle,
    unit: Unit,
    calendar: WorkCalendar,
    policy: CapaianPolicy = DEFAULT_POLICY,
) -> dict[str, Any] | None:
    """The report's "Capaian Kinerja" content, or ``None`` for a cycle without indicators."""
    if not cycle.indicators:
        return None
    tz = calendar.tz
    targets = TargetSet(
        unit=cycle.unit,
        year=cycle.year,
        indicators=cycle.indicators,
        imported_by=0,
        imported_at=cycle.started_at or _EPOCH,
        source_sha256="",
    )
    table = performance_table(targets, cycle.triwulan, cycle.realisations, policy)
    bands = _ordered_bands(policy)
    band_index = {b.label: i for i, b in enumerate(bands)}
    items = _find_items(cycle)
    achievements: list[Achievement] = []
    groups = []
    rows: list[dict[str, Any]] = []
    for group_no, (sasaran, perf_rows) in enumerate(table, start=1):
        group_rows = []
        for perf in perf_rows:
            entry = _performance_row(len(rows) + 1, perf, cycle, unit, tz, items, band_index)
            group_rows.append(entry)
            rows.append(entry)
            achievements.append(perf.achievement)
        average = average_percent(r.achievement for r in perf_rows)
        groups.append(
            {
                "no": group_no,
                "sasaran": sasaran,
                "rows": group_rows,
                "average": average,
                "average_label": format_percent_id(average) if average is not None else "\u2014",
            }
        )
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
    average_rating = rating(average, policy.bands) if average is not None else None
    all_items = [item for _, item in items.values()]
    return {
        "triwulan_label": triwulan_label(cycle.triwulan),
        "groups": groups,
        "rows": rows,
        "indicator_count": len(rows),
        "reported_count": sum(1 for a in achievements if a.realisation is not None),
        "computable_count": sum(1 for a in achievements if a.computable),
        "not_computable_count": sum(1 for a in achievements if not a.computable),
        "average": average,
        "average_label": format_percent_id(average) if average is not None else "\u2014",
        "average_rating": average_rating,
        "bands": band_counts,
        "at_risk_count": sum(1 for a in achievements if a.at_risk),
        "at_risk_codes": [r["code"] for r in rows if r["at_risk"]],
        "risk_below": policy.risk_below,
        "risk_label": f"{format_number_id(policy.risk_below)}%",
        "cap_label": f"{format_number_id(policy.cap)}%" if policy.cap is not None else "",
        "state_counts": _state_counts(all_items),
        "evidence_count": sum(len(r["evidence"]) for r in rows),
        "history": _realisation_history(cycle, unit, tz, {r["code"]: "" for r in rows}),
        "fixes": _fix_requests(cycle, unit, tz),
    }


# ----------------------------------------------------------------------------- SOP compliance


def _short_moment(dt: datetime, calendar: WorkCalendar) -> dict[str, str]:
    local = calendar.to_local(dt)
    return {
        "date": format_date_id(local.date()),
        # The SOP table's narrow Mulai/Selesai columns: one line, not three.
        "short": f"{local:%d-%m-%Y}",
        "time": f"{format_time_id(local)} {tz_abbreviation(calendar.tz, local)}",
    }


def _holder_names(step: Step, cycle: Cycle, unit: Unit) -> str:
    """Who holds ``step`` by the roster: the single official, or the assigned team members."""
    if step.key == COLLECT:
        names = [_name_of(unit, a.member_id) for a in cycle.assignments]
        return ", ".join(names) if names else "Tim Kerja"
    holders = unit.with_role(step.role)
    return holders[0].name if holders else unit.role_label(step.role)


#: The status of a pass as the SOP appendix words it (``domain.office_time``'s codes).
PASS_STATUS = {
    office_time.ON_TIME: "Tepat waktu",
    office_time.LATE: "Melebihi batas waktu",
    office_time.RUNNING: "Sedang berjalan",
    office_time.OVERDUE: "Melewati batas waktu",
}


def _pass(
    timing: office_time.PassTiming,
    round_no: int,
    step: Step,
    cycle: Cycle,
    unit: Unit,
    calendar: WorkCalendar,
) -> dict[str, Any]:
    day = calendar.office_day_minutes
    record = timing.record
    done_by = records.step_finisher(cycle.history, record.finished_at, record.finished_by)
    holder_label = unit.role_label(step.role)
    if step.key == COLLECT or record.finished_by is None:
        holder_name = _holder_names(step, cycle, unit)
    elif done_by is not None:  # the fact recorded with the act, in its capacity
        holder_name = records.label(done_by)
        if done_by.capacity:
            holder_label = f"{done_by.capacity} {unit.role_label(step.role)}"
    else:
        holder_name = _name_of(unit, record.finished_by)
    # Who received the step when it began (a forward records its receivers): named too when
    # someone else finished it (a mutasi or a stand-in in between).
    given = records.step_receivers(cycle.history, record.step, record.started_at)
    received_by = ""
    if given and record.finished_by not in {o.user_id for o in given}:
        received_by = "; ".join(records.label(o) for o in given)
    return {
        "round": round_no,
        "holder_name": holder_name,
        "holder_label": holder_label,
        "received_by": received_by,
        "finished_by": _name_of(unit, record.finished_by),
        "by_system": record.finished_by == 0,
        "started": _short_moment(record.started_at, calendar),
        "started_at": format_datetime_id(record.started_at, calendar.tz),
        "deadline": _short_moment(record.deadline, calendar),
        "deadline_at": format_datetime_id(record.deadline, calendar.tz),
        "finished": _short_moment(record.finished_at, calendar) if record.finished_at else None,
        "finished_at": (
            format_datetime_id(record.finished_at, calendar.tz) if record.finished_at else ""
        ),
        "open": timing.open,
        "duration_minutes": timing.duration_minutes,
        "duration": format_office_duration(timing.duration_minutes, day),
        "over_time": timing.over_time,
        "overdue_minutes": timing.overdue_minutes,
        "overdue": format_office_duration(timing.overdue_minutes, day) if timing.over_time else "",
        "status": PASS_STATUS[timing.status],
    }


def sop_compliance(
    cycle: Cycle, unit: Unit, calendar: WorkCalendar, sop: Sop, now: datetime
) -> list[dict[str, Any]]:
    """Every SOP step with its holder, start, finish, actual office duration, the SOP's time
    and whether it went over its deadline; a step run more than once (after a return for
    revision) lists each pass in ``passes``. ``now`` judges the step still open.

    The rule and its arithmetic are ``domain.office_time.sop_compliance``; this arranges
    its result for the appendix."""
    steps = office_time.sop_compliance(cycle, sop, calendar, now)
    return _compliance_rows(steps, cycle, unit, calendar)


def _compliance_rows(
    steps: Sequence[office_time.StepCompliance], cycle: Cycle, unit: Unit, calendar: WorkCalendar
) -> list[dict[str, Any]]:
    out = []
    for compliance in steps:
        step = compliance.step
        passes = [
            _pass(t, i, step, cycle, unit, calendar)
            for i, t in enumerate(compliance.passes, start=1)
        ]
        minutes = compliance.duration_minutes
        last = passes[-1] if passes else None
        allowed = step.allowed_time.label
        out.append(
            {
                "step": step.number,
                "activity": step.activity,
                "role": unit.role_label(step.role),
                "holder": unit.role_label(step.role),
                "holder_name": last["holder_name"] if last else _holder_names(step, cycle, unit),
                "standard_time": step.standard_time.label,
                "allowed_time": allowed if allowed != step.standard_time.label else "",
                "reached": compliance.reached,
                "done": compliance.done,
                "started_at": passes[0]["started_at"] if passes else "",
                "finished_at": last["finished_at"] if last else "",
                "duration_minutes": minutes,
                "duration": format_office_duration(minutes, calendar.office_day_minutes),
                "over_time": compliance.over_time,
                "by_system": bool(last and last["by_system"]),
                "passes": passes,
            }
        )
    return out


def sop_summary(
    steps: Sequence[office_time.StepCompliance], cycle: Cycle, calendar: WorkCalendar, now: datetime
) -> dict[str, Any]:
    """The counts under the appendix's table (``domain.office_time.compliance_summary``)."""
    summary = office_time.compliance_summary(steps, cycle, calendar, now)
    return {
        "steps": summary.steps,
        "passes": summary.passes,
        "on_time": summary.on_time,
        "over_time": summary.over_time,
        "open": summary.open,
        "not_reached": summary.not_reached,
        "over_time_steps": list(summary.over_time_steps),
        "total": format_office_duration(summary.total_minutes, calendar.office_day_minutes),
        "total_minutes": summary.total_minutes,
        "office_hours": (
            f"{format_time_id(calendar.office_start)}\u2013{format_time_id(calendar.office_end)} "
            f"{tz_abbreviation(calendar.tz, now)}"
        ),
    }


# ----------------------------------------------------------------------------- verification


def qr_svg(text: str) -> Markup:
    """A QR code of ``text`` as inline SVG markup (vector, so it prints sharp at any size).

    Inline markup, sized by print.css.
    segno builds the SVG from the QR matrix only, ``text`` never appears in it as markup.
    """
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        svgclass="qr",
        lineclass=None,
        omitsize=True,
        border=2,
    )
    return Markup(buffer.getvalue().decode("ascii"))


def verification_context(code: str | None, bot_username: str = "") -> dict[str, Any] | None:
    """The verification block of an initialled or signed report (None for a draft).

    The QR code holds the bot's deep link (scanning it opens the verification in Telegram);
    the PDF's Keywords metadata holds ``LKJ-VERIFY:<code>``, where /verifikasi reads it back.
    """
    if not code:
        return None
    payload = qr_payload(code)
    link = deep_link(bot_username, code) if bot_username else ""
    return {"code": code, "payload": payload, "link": link, "qr_svg": qr_svg(link or payload)}


# ----------------------------------------------------------------------------- the report


def quarterly_report_context(
    cycle: Cycle,
    unit: Unit,
    calendar: WorkCalendar,
    status: str,
    generated_at,
    *,
    sop: Sop | None = None,
    policy: CapaianPolicy | None = None,
    verification_code: str | None = None,
    bot_username: str = "",
) -> dict[str, Any]:
    """Context for ``quarterly_report.html``; ``status`` is draft, paraf or signed.

    ``verification_code`` (``domain.verification``) is printed with its QR code by the
    signature block of an initialled or signed report; with ``bot_username`` the QR code
    holds the bot's deep link to that verification.

    ``sop`` defaults to the shipped SOP table (``load_sop()``), ``policy`` to the default
    rating policy; pass the unit's own when it has one.
    """
    tz = calendar.tz
    sop = sop if sop is not None else load_sop()
    policy = policy if policy is not None else DEFAULT_POLICY
    names = {i.code: i.indikator for i in cycle.indicators}
    assignments = _assignments(cycle, unit, tz, names)
    performance = performance_context(cycle, unit, calendar, policy)
    steps = office_time.sop_compliance(cycle, sop, calendar, generated_at)
    tw = roman_triwulan(cycle.triwulan)
    return {
        "unit": _unit_dict(unit),
        "title": report_title(cycle),
        "triwulan": tw,
        "year": cycle.year,
        "period_label": period_label(cycle.year, cycle.triwulan),
        "status": status,
        "document_number": f"LKJ/{cycle.year}/TW-{tw}/{unit.code.upper()}",
        "dispositions": [_disposition(unit, d, tz, sop, cycle) for d in cycle.dispositions],
        "division_note": cycle.division_note,
        "assignments": assignments,
        "revisions": revisions(cycle, unit, calendar),
        "evidence_removals": _evidence_removals(cycle, unit, tz),
        "performance": performance,
        "chart_svg": chart_svg(performance),
        "sop_name": sop.name,
        "sop_compliance": _compliance_rows(steps, cycle, unit, calendar),
        "sop_summary": sop_summary(steps, cycle, calendar, generated_at),
        **approval_context(cycle, unit, sop, calendar, status),
        "generated_at": format_datetime_id(generated_at, tz),
        "verification_note": VERIFICATION_NOTE,
        "verification": verification_context(verification_code, bot_username),
    }


def disposition_sheet_context(
    cycle: Cycle, unit: Unit, calendar: WorkCalendar, index: int, sop: Sop | None = None
):
    """Context for ``disposition_sheet.html`` for the ``index``-th forward of the chain; a
    disposition by a stand-in names the post it was given for ("Plh. Kepala Satuan …")."""
    tz = calendar.tz
    d = cycle.dispositions[index]
    sender = unit.person(d.from_user)
    role = (sop if sop is not None else load_sop()).step(d.step).role
    period = capacity(unit, d.from_user, role, d.at)
    by, to = records.disposition_facts(cycle.history, d)
    name = by.name if by else sender.name if sender else ""
    kind = by.capacity if by else period.kind if period else ""
    post = (by.post if by.capacity else by.position) if by else ""
    if not by:
        post = period.post if period else sender.position if sender else ""
    return {
        "unit": _unit_dict(unit),
        "agenda_number": d.agenda_number,
        "received_at": format_datetime_id(d.at, tz),
        "from_label": f"{kind} {post}" if kind else post,
        "subject": (
            f"Penyusunan Laporan Data Kinerja Triwulan {roman_triwulan(cycle.triwulan)} "
            f"Tahun {cycle.year}"
        ),
        "urgency": d.urgency,
        "to_label": unit.role_label(Role(d.to_role)),
        "to_names": "; ".join(records.label(o) for o in to),
        "instructions": list(d.instructions),
        "note": d.note,
        "deadline": format_datetime_id(d.deadline, tz),
        "attachments": [display_filename(doc.name) for doc in cycle.documents],
        "disposer": {
            "name": name,
            "nip": sender.nip if sender else "",
            "position": post,
            "capacity": kind,
            "at": format_datetime_id(d.at, tz),
        },
    }
