"""What the Mini App's pages read and do: the member's data-entry form and the review of a
report. Each call is one of the chat's own use cases (``app/``: the same domain action, the
same notices and unit of work, the same role and step checks), called with the services and
the bot, so the page is another way in, not another set of rules; the page reads only what
the person could read in chat.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from app import approval as use
from app.button_codec import group_key
from app.realisation import attach_evidence, remove_evidence_file, report_realisation
from app.services import Services
from documents.report_context import quarterly_report_context
from documents.uploads import check_content
from domain.dates_id import format_datetime_id
from domain.errors import DomainError, InputError, RoleError
from domain.evidence import RemoveEvidence, evidence_open
from domain.evidence import remove_evidence as remove_evidence_domain
from domain.models import Cycle, FileRef, Item
from domain.performance import (
    Indicator,
    capaian,
    current_realisations,
    format_number_id,
    parse_number_id,
)
from domain.roster import Person, Unit
from domain.sop import ASSEMBLE, COLLECT, PARAF, SIGN
from domain.text import display_filename
from domain.workflow import (
    MAX_EXPLANATION,
    RealisationInput,
    ReportRealisation,
    authorize,
    tw_label,
)
from handlers import texts, tte
from handlers.common import drop_markup, load_cycle, send_file_by, unit_of
from handlers.notices import notices
from handlers.outbox import deliver_to
from handlers.quarterly import QUARTER
from handlers.steps import decision_args, holds

log = logging.getLogger(__name__)

FIELDS = ("value", "kendala", "tindak_lanjut")
SOURCE = "miniapp"


def audit_refusal(services: Services, user_id: int, person: Person | None, what: str, why: str):
    """A refused page call leaves the same audit line as a refused chat action."""
    services.audit.append(
        person.unit if person else None,
        services.now().year,
        {
            "at": services.now(),
            "actor": user_id,
            "role": person.role.value if person else "stranger",
            "action": f"miniapp:{what}",
            "outcome": "refused",
            "reason": why[:500],
            "cycle": "",
            "update_id": None,
        },
    )


def _cycle(services: Services, person: Person, cycle_id: Any) -> tuple[Cycle, Unit]:
    """The cycle a page names, if it is of the person's own unit."""
    try:
        cycle = load_cycle(services, str(cycle_id))
    except ValueError:
        cycle = None
    if cycle is None or cycle.unit != person.unit:
        raise RoleError(texts.WEBAPP_NOT_YOURS)
    return cycle, unit_of(services, person)


# --- the member's form ---------------------------------------------------------------------


def capaian_view(indicator: Indicator, triwulan: int, text: str) -> dict[str, Any]:
    """The achievement of a typed value, by the report's own rules (domain.performance)."""
    try:
        value = parse_number_id(text or "")
    except ValueError:
        return {"error": texts.WEBAPP_NOT_A_NUMBER}
    if value is None:
        return {"label": "—", "rating": "", "at_risk": False, "note": ""}
    if value < 0:
        return {"error": texts.WEBAPP_NOT_A_NUMBER}
    ach = capaian(indicator, triwulan, value)
    return {
        "label": ach.label,
        "rating": ach.rating or "",
        "at_risk": ach.at_risk,
        "note": ach.note,
    }


def _member_items(cycle: Cycle, person: Person) -> list[tuple[Item, Indicator]]:
    assignment = cycle.assignment_of(person.user_id)
    if assignment is None:
        raise RoleError(texts.WEBAPP_NOT_YOURS)
    indicators = {i.code: i for i in cycle.indicators}
    return [(item, indicators[item.code]) for item in assignment.items if item.code]


def _previous_values(services: Services, cycle: Cycle) -> dict[str, float]:
    """Last quarter's realisation per indicator (nothing before TW I)."""
    if cycle.triwulan == 1:
        return {}
    before = services.cycles.get(cycle.unit, cycle.year, cycle.triwulan - 1)
    if before is None:
        return {}
    return {
        c: r.value for c, r in current_realisations(before.realisations, before.triwulan).items()
    }


def _answer(item: Item) -> dict[str, str]:
    r = item.realisation
    if r is None:
        return {"value": "", "kendala": "", "tindak_lanjut": ""}
    return {
        "value": format_number_id(r.value),
        "kendala": r.kendala,
        "tindak_lanjut": r.tindak_lanjut,
    }


def _editable(services: Services, unit: Unit, cycle: Cycle, person: Person) -> str:
    """Empty when the member may send now, else why not (in Indonesian)."""
    try:
        authorize(services.context(unit), cycle, COLLECT, person)
    except DomainError as exc:
        return str(exc)
    return ""


def form_view(services: Services, person: Person, cycle_id: Any) -> dict[str, Any]:
    cycle, unit = _cycle(services, person, cycle_id)
    items = _member_items(cycle, person)
    tz = services.calendar(unit).tz
    drafts = services.drafts.get(person.user_id, cycle.id)
    previous = _previous_values(services, cycle)
    record = cycle.current_step_record
    rows = []
    for item, ind in items:
        sent = _answer(item)
        shown = {**sent, **{k: v for k, v in drafts.get(ind.code, {}).items() if k in FIELDS}}
        target = ind.target_for(cycle.triwulan)
        rows.append(
            {
                "code": ind.code,
                "sasaran": ind.sasaran,
                "indikator": ind.indikator,
                "satuan": ind.satuan,
                "target": format_number_id(target),
                "direction": ind.direction_label,
                "lower_is_better": ind.lower_is_better,
                "cumulative": ind.cumulative,
                "counting": ind.counting_label,
                "previous": (format_number_id(previous[ind.code]) if ind.code in previous else "—"),
                "state": item.state,
                "fix": item.fix,
                "sent": sent,
                "values": shown,
                "draft": bool(drafts.get(ind.code)),
                "capaian": capaian_view(ind, cycle.triwulan, shown["value"]),
                "evidence": [
                    {
                        "name": f.name,
                        "sha256": f.sha256,
                        "at": format_datetime_id(f.uploaded_at, tz),
                    }
                    for f in item.files
                ],
            }
        )
    return {
        # Hapus/Ganti on the member's files, as /bukti allows.
        "evidence_open": evidence_open(services.context(unit), cycle),
        "cycle": cycle.id,
        "title": tw_label(cycle.triwulan, cycle.year),
        "unit": unit.name,
        "member": person.name,
        "deadline": (
            format_datetime_id(record.deadline, tz) if record and record.finished_at is None else ""
        ),
        "closed": _editable(services, unit, cycle, person),
        "rows": rows,
    }


def _clean_rows(items: list[tuple[Item, Indicator]], rows: Any) -> dict[str, dict[str, str]]:
    """The page's rows, only for the member's own indicators and only text of sane length."""
    if not isinstance(rows, dict):
        raise InputError(texts.WEBAPP_BAD_REQUEST)
    codes = {ind.code for _, ind in items}
    out: dict[str, dict[str, str]] = {}
    for code, row in rows.items():
        if code not in codes:
            raise InputError(texts.webapp_not_assigned(str(code)[:40]))
        if not isinstance(row, dict):
            raise InputError(texts.WEBAPP_BAD_REQUEST)
        clean = {k: str(row.get(k, ""))[: MAX_EXPLANATION + 1] for k in FIELDS}
        out[code] = clean
    return out


def save_draft(services: Services, person: Person, body: dict[str, Any]) -> dict[str, Any]:
    """Keep what was typed (nothing is lost when the page closes) and return its capaian."""
    cycle, _ = _cycle(services, person, body.get("siklus"))
    items = _member_items(cycle, person)
    rows = _clean_rows(items, body.get("rows"))
    services.drafts.put(person.user_id, cycle.id, rows)
    by_code = {ind.code: ind for _, ind in items}
    return {
        "capaian": {
            code: capaian_view(by_code[code], cycle.triwulan, row["value"])
            for code, row in rows.items()
        }
    }


def _inputs(items: list[tuple[Item, Indicator]], rows: dict[str, dict[str, str]]):
    """The rows to report: filled, complete and changed; every problem at once."""
    chosen: list[RealisationInput] = []
    problems: list[str] = []
    for item, ind in items:
        row = rows.get(ind.code)
        if row is None or not row["value"].strip():
            continue
        try:
            value = parse_number_id(row["value"])
        except ValueError:
            value = None
        if value is None or value < 0:
            problems.append(texts.webapp_bad_value(ind.code, row["value"]))
            continue
        kendala, tindak = row["kendala"].strip(), row["tindak_lanjut"].strip()
        for label, text in ((texts.LABEL_KENDALA, kendala), (texts.LABEL_TINDAK_LANJUT, tindak)):
            if not text:
                problems.append(texts.field_empty(f"{label} {ind.code}"))
        sent = item.realisation
        unchanged = (
            sent is not None
            and sent.value == value
            and sent.kendala == kendala
            and sent.tindak_lanjut == tindak
            and not item.fix
        )
        if not unchanged:
            chosen.append(RealisationInput(ind.code, value, kendala, tindak))
    if problems:
        raise InputError("\n".join(problems))
    if not chosen:
        raise InputError(texts.WEBAPP_NOTHING_NEW)
    return tuple(chosen)


async def send_form(
    services: Services, bot: Bot, person: Person, body: dict[str, Any]
) -> dict[str, Any]:
    """Kirim: every filled row at once, as the same ReportRealisation as chat."""
    cycle, _ = _cycle(services, person, body.get("siklus"))
    items = _member_items(cycle, person)
    rows = _clean_rows(items, body.get("rows"))
    services.drafts.put(person.user_id, cycle.id, rows)
    action = ReportRealisation(_inputs(items, rows), SOURCE)
    report_realisation(services, notices, person, cycle, action, None)
    await deliver_to(bot, services, cycle.unit, cycle.year, cycle.triwulan)
    codes = ", ".join(r.code for r in action.rows)
    return {"message": texts.webapp_sent(codes), "form": form_view(services, person, cycle.id)}


# --- the review of a report ----------------------------------------------------------------


def _may_read(services: Services, unit: Unit, cycle: Cycle, person: Person) -> bool:
    """What chat shows them: the maker every draft, the paraf holder once a draft was
    submitted, the signer once it was initialled."""
    if cycle.latest_report is None:
        return False
    sop = services.sop_for(unit)
    paraf_step = sop.by_key(PARAF).number
    if person.acts_as(sop.role_of(ASSEMBLE)):
        return True
    if person.acts_as(sop.role_of(PARAF)):
        return any(s.step == paraf_step for s in cycle.steps)
    if person.acts_as(sop.role_of(SIGN)):
        return cycle.latest_decision("paraf") is not None
    return False


def _changes(cycle: Cycle, unit: Unit, tz: str) -> dict[str, Any]:
    """What changed since the previous draft: every realisation reported after it, the old
    value beside the new (the returns that asked for it are listed with the report)."""
    latest = cycle.latest_report
    drafts = [r for r in cycle.reports if r.status == "draft"]
    if latest is None or len(drafts) < 2:
        return {"previous": None, "rows": []}
    previous = next(r for r in reversed(drafts) if r.number < latest.number)
    mine = [r for r in cycle.realisations if r.triwulan == cycle.triwulan]
    rows = []
    for code in dict.fromkeys(r.code for r in mine if r.reported_at > previous.at):
        versions = [r for r in mine if r.code == code]
        old = [r for r in versions if r.reported_at <= previous.at]
        new = max(versions, key=lambda r: r.version)
        who = unit.person(new.reported_by)
        rows.append(
            {
                "code": code,
                "old": format_number_id(old[-1].value) if old else "—",
                "new": format_number_id(new.value),
                "kendala_changed": bool(old) and old[-1].kendala != new.kendala,
                "by": who.name if who else "",
                "at": format_datetime_id(new.reported_at, tz),
            }
        )
    return {"previous": previous.number, "rows": rows}


def _review_cycle(services: Services, person: Person, cycle_id: Any) -> tuple[Cycle, Unit]:
    cycle, unit = _cycle(services, person, cycle_id)
    if not _may_read(services, unit, cycle, person):
        raise RoleError(texts.WEBAPP_NOT_YOURS)
    return cycle, unit


def _actions(services: Services, unit: Unit, cycle: Cycle, person: Person) -> list[str]:
    """The decisions the person holds now (the same offer as in chat)."""
    if not holds(services, cycle, unit, person):
        return []
    key = services.sop_for(unit).step(cycle.step).key
    if key == PARAF:
        return ["paraf", "return"]
    if key == SIGN:
        return ["sign", "return"]
    return []


def review_view(services: Services, person: Person, cycle_id: Any) -> dict[str, Any]:
    cycle, unit = _review_cycle(services, person, cycle_id)
    calendar = services.calendar(unit)
    report = cycle.latest_report
    assert report is not None
    ctx = quarterly_report_context(
        cycle, unit, calendar, report.status, services.now(), sop=services.sop_for(unit)
    )
    perf = ctx["performance"] or {}
    keep_row = [
        "code",
        "indikator",
        "satuan",
        "target",
        "target_note",
        "realisasi",
        "capaian",
        "rating",
        "at_risk",
        "note",
        "kendala",
        "tindak_lanjut",
        "member_name",
        "state",
        "fix",
    ]
    groups = [
        {
            "sasaran": g["sasaran"],
            "average": g["average_label"],
            "rows": [
                {
                    **{k: r[k] for k in keep_row},
                    "evidence": [
                        {"name": f["name"], "sha256": f["sha256"], "size": f["size"]}
                        for f in r["evidence"]
                    ],
                }
                for r in g["rows"]
            ],
        }
        for g in perf.get("groups", [])
    ]
    compliance = [
        {
            "step": s["step"],
            "activity": s["activity"],
            "holder": s["holder_name"],
            "standard_time": s["standard_time"],
            "allowed": s["allowed_time"],
            "duration": s["duration"] if s["reached"] else "—",
            "over_time": s["over_time"],
            "done": s["done"],
            "reached": s["reached"],
        }
        for s in ctx["sop_compliance"]
    ]
    summary = ctx["sop_summary"]
    return {
        "cycle": cycle.id,
        "title": ctx["title"],
        "period": ctx["period_label"],
        "unit": unit.name,
        "status": texts.WEBAPP_REPORT_STATUS.get(report.status, report.status),
        "version": report.number,
        "summary": {
            "average": perf.get("average_label", "—"),
            "rating": perf.get("average_rating") or "",
            "indicators": perf.get("indicator_count", 0),
            "reported": perf.get("reported_count", 0),
            "at_risk": perf.get("at_risk_codes", []),
            "risk_label": perf.get("risk_label", ""),
        },
        "groups": groups,
        "changes": _changes(cycle, unit, calendar.tz),
        "returns": [
            {
                "by": r["by_name"],
                "at": r["at"],
                "reason": r["reason"],
                "marks": r["marks"],
            }
            for r in ctx["revisions"]
        ],
        "sop": {
            "steps": compliance,
            "on_time": summary["on_time"],
            "over_time": summary["over_time"],
            "total": summary["total"],
        },
        "actions": _actions(services, unit, cycle, person),
        # Where the passphrase of a certified signature is typed (None: signed here at once).
        "sign_page": tte.sign_page(services, {"cycle": cycle.id}, relative=True),
        "paraf_page": (
            tte.sign_page(services, {"cycle": cycle.id}, relative=True)
            if tte.paraf_signed(services)
            else None
        ),
    }


async def review_action(
    services: Services, bot: Bot, person: Person, body: dict[str, Any]
) -> dict[str, Any]:
    """Paraf, Tandatangani or Kembalikan from the page: the chat's own use cases
    (``app.approval``), checked by the domain against the SOP table's step and role exactly
    as a button is."""
    cycle, unit = _review_cycle(services, person, body.get("siklus"))
    what = body.get("aksi")
    try:
        version = int(body.get("versi", 0))
    except (TypeError, ValueError) as exc:
        raise InputError(texts.WEBAPP_BAD_REQUEST) from exc
    report = cycle.latest_report
    group = decision_args(cycle)["group"] if report is not None else ""
    payload = {"cycle": cycle.id, "version": version, "group": group, "step": cycle.step}
    if what == "paraf":
        if tte.paraf_signed(services) and tte.wants_passphrase(services):
            raise InputError(texts.TTE_PARAF_ON_PAGE_HINT)  # LKJ_TTE_PARAF: typed in the page
        await use.paraf(services, notices, QUARTER, person, payload, None)
        message = texts.WEBAPP_PARAF_DONE
    elif what == "sign":
        if tte.wants_passphrase(services):  # typed in the signing page (handlers/tte_page.py)
            raise InputError(texts.TTE_SIGN_ON_PAGE)
        await use.sign(services, notices, QUARTER, person, payload, None)
        message = texts.WEBAPP_SIGN_DONE
    elif what == "return":
        reason = str(body.get("alasan", ""))
        marks = body.get("tanda") or []
        if not isinstance(marks, list):
            raise InputError(texts.WEBAPP_BAD_REQUEST)
        lines, ticked = [reason], []
        for mark in marks:
            code = str(mark.get("code", "")) if isinstance(mark, dict) else ""
            why = " ".join(str(mark.get("reason", "")).split()) if code else ""
            ticked.append(code)
            if why:
                lines.append(f"{code}: {why}")
        text = "\n".join(lines)
        use.return_version(services, notices, QUARTER, person, payload, text, tuple(ticked), None)
        message = texts.WEBAPP_RETURN_DONE
    else:
        raise InputError(texts.WEBAPP_BAD_REQUEST)
    await deliver_to(bot, services, *QUARTER.queue(cycle))
    # One decision, one state: the chat's buttons of this offer are edited away, as a press
    # edits its own message (the decision is stored: a failed edit changes nothing).
    for chat_id, message_id in services.offers.take(group_key(group)):
        try:
            await drop_markup(bot, chat_id, message_id)
        except TelegramError as exc:  # the buttons no longer act anyway (revoked)
            log.warning("buttons of %s/%s not edited away: %s", chat_id, message_id, exc)
    return {"message": message, "review": review_view(services, person, cycle.id)}


async def upload_evidence(
    services: Services, bot: Bot, person: Person, body: dict[str, Any]
) -> dict[str, Any]:
    """A file picked (or a photo taken) in the form for one indicator: checked exactly as a
    file sent in chat (``documents.uploads``: type, size, content, the zip-bomb guard), stored
    by its SHA-256, and recorded and announced by the chat's own use case (``app.realisation``)."""
    cycle, _ = _cycle(services, person, body.get("siklus"))
    items = _member_items(cycle, person)
    code = str(body.get("kode", ""))
    assignment = cycle.assignment_of(person.user_id)
    assert assignment is not None  # _member_items checked it
    index = next((i for i, item in enumerate(assignment.items) if item.code == code), None)
    if index is None or not any(ind.code == code for _, ind in items):
        raise InputError(texts.webapp_not_assigned(code[:40]))
    name = display_filename(str(body.get("nama", "")))
    data = body.get("data", b"")
    assert isinstance(data, bytes)
    accepted = check_content(name, data, services.settings.max_upload_bytes)
    replaced = str(body.get("ganti", ""))
    if replaced:  # Ganti: the file it replaces must be the member's, while evidence may change
        old = _own_file(assignment.items[index], replaced)
        _check_removal(services, person, cycle, index, replaced)
    ref = FileRef(
        sha256=services.db.blobs.put(data),
        name=name,
        size=len(data),
        mime=accepted.mime,
        uploaded_by=person.user_id,
        uploaded_at=services.now(),
        kind="data",
    )
    if replaced:
        action = RemoveEvidence(person.user_id, index, replaced, "", ref)
        remove_evidence_file(services, notices, person, cycle, action, None)
        message = texts.webapp_evidence_replaced(old.name, name, code)
    else:
        attach_evidence(services, notices, person, cycle, index, ref, None)
        message = texts.webapp_evidence_recorded(name, code)
    await deliver_to(bot, services, cycle.unit, cycle.year, cycle.triwulan)
    return {"message": message, "form": form_view(services, person, cycle.id)}


async def remove_evidence(
    services: Services, bot: Bot, person: Person, body: dict[str, Any]
) -> dict[str, Any]:
    """Hapus on an evidence file of the member's own indicator, as /bukti allows (while data
    is collected and until the draft is submitted): one use case for chat and page, the chat
    told as after /bukti."""
    cycle, _ = _cycle(services, person, body.get("siklus"))
    _member_items(cycle, person)  # only a member with indicators here
    assignment = cycle.assignment_of(person.user_id)
    assert assignment is not None  # _member_items checked it
    code = str(body.get("kode", ""))
    index = next((i for i, item in enumerate(assignment.items) if item.code == code), None)
    if index is None:
        raise InputError(texts.webapp_not_assigned(code[:40]))
    sha = str(body.get("sha256", ""))
    file = _own_file(assignment.items[index], sha)
    action = RemoveEvidence(person.user_id, index, sha, "")
    remove_evidence_file(services, notices, person, cycle, action, None)
    await deliver_to(bot, services, cycle.unit, cycle.year, cycle.triwulan)
    return {
        "message": texts.webapp_evidence_removed(file.name, code),
        "form": form_view(services, person, cycle.id),
    }


def _own_file(item: Item, sha: str) -> FileRef:
    found = next((f for f in item.files if f.sha256 == sha), None)
    if found is None:
        raise RoleError(texts.WEBAPP_NOT_YOURS)
    return found


def _check_removal(services: Services, person: Person, cycle: Cycle, index: int, sha: str):
    """A dry run of the removal before a replacement is stored (a refusal comes first)."""
    unit = services.roster.unit(person.unit)
    probe = RemoveEvidence(person.user_id, index, sha, "")
    remove_evidence_domain(cycle, probe, person, services.now(), services.context(unit))


async def send_evidence(
    services: Services, bot: Bot, person: Person, body: dict[str, Any]
) -> dict[str, Any]:
    """An evidence file, sent into the person's chat (files live in the chat, not the page)."""
    cycle, unit = _cycle(services, person, body.get("siklus"))
    if _may_read(services, unit, cycle, person):
        items = [i for a in cycle.assignments for i in a.items]
    else:
        items = [item for item, _ in _member_items(cycle, person)]
    sha = str(body.get("sha256", ""))
    found = next((f for i in items for f in i.files if f.sha256 == sha), None)
    if found is None:
        raise RoleError(texts.WEBAPP_NOT_YOURS)
    await send_file_by(
        bot,
        services,
        person.user_id,
        services.db.blobs.get(sha),
        found.name,
        texts.webapp_file(found),
    )
    return {"message": texts.WEBAPP_FILE_SENT}
