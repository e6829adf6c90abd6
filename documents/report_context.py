"""Turns a cycle and its unit into the plain context the document templates expect.

Pure presentation: dates in Indonesian, names looked up in the roster, sizes made readable.
"""

from __future__ import annotations

from typing import Any

from domain.calendar import WorkCalendar
from domain.dates_id import format_date_id, format_datetime_id, roman_triwulan, triwulan_period
from domain.models import Cycle, Disposition, FileRef
from domain.roles import Role
from domain.roster import Person, Unit

VERIFICATION_NOTE = (
    "Persetujuan (paraf dan tanda tangan) pada dokumen ini dicatat oleh lkj-bot beserta "
    "identitas pejabat dan waktunya; ini bukan tanda tangan elektronik tersertifikasi (TTE BSrE)."
)


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
    return {
        "name": unit.name,
        "full_name": unit.name,
        "city": unit.city,
        "address": unit.address,
        "code": unit.code,
    }


def _person_name(unit: Unit, user_id: int) -> Person | None:
    return unit.person(user_id)


def _file(ref: FileRef, tz: str) -> dict[str, Any]:
    return {
        "name": ref.name,
        "sha256": ref.sha256,
        "size": human_size(ref.size),
        "uploaded_at": format_datetime_id(ref.uploaded_at, tz),
    }


def _disposition(unit: Unit, d: Disposition, tz: str) -> dict[str, Any]:
    sender = unit.person(d.from_user)
    return {
        "step": d.step,
        "from_name": sender.name if sender else str(d.from_user),
        "from_position": sender.position if sender else "",
        "to_label": Role(d.to_role).label,
        "note": d.note,
        "at": format_datetime_id(d.at, tz),
        "deadline": format_datetime_id(d.deadline, tz),
    }


def period_label(year: int, triwulan: int) -> str:
    first, last = triwulan_period(year, triwulan)
    return f"{format_date_id(first)} – {format_date_id(last)}"


def report_title(cycle: Cycle) -> str:
    return f"LAPORAN DATA KINERJA TRIWULAN {roman_triwulan(cycle.triwulan)} TAHUN {cycle.year}"


def quarterly_report_context(
    cycle: Cycle, unit: Unit, calendar: WorkCalendar, status: str, generated_at
) -> dict[str, Any]:
    """Context for ``quarterly_report.html``; ``status`` is draft, paraf or signed."""
    tz = calendar.tz
    assignments = []
    for a in cycle.assignments:
        member = unit.person(a.member_id)
        assignments.append(
            {
                "member_name": member.name if member else str(a.member_id),
                "member_nip": member.nip if member else "",
                "member_position": member.position if member else "",
                "note": a.note or cycle.division_note,
                "deadline": format_datetime_id(a.deadline, tz),
                "items": [
                    {"title": i.title, "files": [_file(f, tz) for f in i.files]} for i in a.items
                ],
            }
        )
    revisions = []
    for d in cycle.decisions:
        if d.kind != "return":
            continue
        who = unit.person(d.by)
        revisions.append(
            {
                "by_name": who.name if who else str(d.by),
                "by_position": who.position if who else "",
                "at": format_datetime_id(d.at, tz),
                "reason": d.reason,
            }
        )
    paraf = None
    signature = None
    sekretaris = unit.one(Role.SEKRETARIS)
    kasat = unit.one(Role.KASAT)
    paraf_decision = cycle.latest_decision("paraf") if status in ("paraf", "signed") else None
    if paraf_decision:
        who = unit.person(paraf_decision.by) or sekretaris
        paraf = {
            "name": who.name,
            "nip": who.nip,
            "position": who.position,
            "at": format_datetime_id(paraf_decision.at, tz),
        }
    sign_decision = cycle.latest_decision("sign") if status == "signed" else None
    if sign_decision:
        who = unit.person(sign_decision.by) or kasat
        local = calendar.to_local(sign_decision.at)
        signature = {
            "name": who.name,
            "nip": who.nip,
            "position": who.position,
            "place": unit.city,
            "date": format_date_id(local.date()),
            "at": format_datetime_id(sign_decision.at, tz),
        }
    tw = roman_triwulan(cycle.triwulan)
    return {
        "unit": _unit_dict(unit),
        "title": report_title(cycle),
        "triwulan": tw,
        "year": cycle.year,
        "period_label": period_label(cycle.year, cycle.triwulan),
        "status": status,
        "document_number": f"LKJ/{cycle.year}/TW-{tw}/{unit.code.upper()}",
        "dispositions": [_disposition(unit, d, tz) for d in cycle.dispositions],
        "division_note": cycle.division_note,
        "assignments": assignments,
        "revisions": revisions,
        "paraf": paraf,
        "signature": signature,
        "signer": {
            "name": kasat.name,
            "nip": kasat.nip,
            "position": kasat.position,
            "place": unit.city,
        },
        "generated_at": format_datetime_id(generated_at, tz),
        "verification_note": VERIFICATION_NOTE,
    }


def disposition_sheet_context(cycle: Cycle, unit: Unit, calendar: WorkCalendar, index: int):
    """Context for ``disposition_sheet.html`` for the ``index``-th forward of the chain."""
    tz = calendar.tz
    d = cycle.dispositions[index]
    sender = unit.person(d.from_user)
    return {
        "unit": _unit_dict(unit),
        "agenda_number": d.agenda_number,
        "received_at": format_datetime_id(d.at, tz),
        "from_label": sender.position if sender else "",
        "subject": (
            f"Penyusunan Laporan Data Kinerja Triwulan {roman_triwulan(cycle.triwulan)} "
            f"Tahun {cycle.year}"
        ),
        "urgency": "segera",
        "to_label": Role(d.to_role).label,
        "instructions": ["proses lebih lanjut", "siapkan laporan"],
        "note": d.note,
        "deadline": format_datetime_id(d.deadline, tz),
        "attachments": [doc.name for doc in cycle.documents],
        "disposer": {
            "name": sender.name if sender else "",
            "nip": sender.nip if sender else "",
            "position": sender.position if sender else "",
            "at": format_datetime_id(d.at, tz),
        },
    }
