"""/verifikasi: is this report what lkj-bot recorded? By its code, or by the PDF itself.

``/verifikasi KODE`` answers, for anyone registered in the same unit, who initialled and signed
which report version and when, with the chain behind it (disposition, division, uploads,
returns, paraf, signature) and the SHA-256 of that PDF. ``/verifikasi`` alone asks for the PDF:
its SHA-256 is compared with every report version recorded (identical), else the code embedded
in its metadata names the report it claims to be (altered), else it is unknown.

Verification is for anyone (an Inspektorat auditor, a Bappeda analyst): a person outside the
report's unit, registered or not, sees only whether it is valid, altered or unknown, with the
document's title, unit, period and who initialled and signed it when; nothing of the chain.
Scanning the QR code (``https://t.me/<bot>?start=<code>``), ``/start <code>``, or pasting a
code opens the same answer. Every unknown code is written to the audit log as a refusal, so
someone trying codes leaves a trace; a person outside every unit is also rate-limited.

The key of the codes is ``<LKJ_DATA_DIR>/state/verify.key``: 32 random bytes (hex), created on
first use with mode 0600 and never replaced. It travels with the data directory (``lkj-bot
backup`` includes it). Losing it makes the codes of existing PDFs unrecognisable (the SHA-256
check of a PDF still works); leaking it lets someone mint codes, but a minted code only
matches a report the bot recorded, so it forges nothing.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.services import Services
from domain import records
from domain.dates_id import format_date_id, format_datetime_id, triwulan_period
from domain.errors import InputError
from domain.identity import government_line
from domain.models import Decision
from domain.roster import Person, Unit
from domain.sop import Sop
from domain.standins import capacity, official_title
from domain.verification import (
    CodeCheckError,
    CodeFormatError,
    Found,
    FoundAnnual,
    approvals,
    chain_of,
    embedded_codes,
    find_annual,
    find_code,
    find_sha256,
    normalise_code,
    sha256_hex,
)
from handlers import texts, tte
from handlers.common import (
    GUEST_LIMIT,  # noqa: F401  (re-exported: the tests and docs name it here)
    GUEST_WINDOW_S,  # noqa: F401
    audit_refusal,
    guest_gate,
    send_text,
    svc,
)
from handlers.files import download_checked
from handlers.forms import begin_form, document_field

KEY_PARTS = ("state", "verify.key")
_KEY_BYTES = 32


class VerifyKeyError(Exception):
    """The key file exists but is unusable; it is never silently replaced."""


def key_path(data_dir: Path) -> Path:
    return Path(data_dir).joinpath(*KEY_PARTS)


def _parse_key(path: Path, raw: bytes) -> bytes:
    try:
        key = bytes.fromhex(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError) as exc:
        raise VerifyKeyError(texts.verify_key_damaged(path)) from exc
    if len(key) < 16:
        raise VerifyKeyError(texts.verify_key_short(path))
    return key


def load_or_create_key(data_dir: Path) -> bytes:
    """The data directory's verification key, created (exclusively, 0600) on first use.

    Created through a temporary file and ``os.link``, which fails rather than replacing a key
    written in between, so two first uses can never end up with two different keys.
    """
    path = key_path(data_dir)
    try:
        return _parse_key(path, path.read_bytes())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(_KEY_BYTES).encode("ascii") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return _parse_key(path, path.read_bytes())


def verify_key(services: Services) -> bytes:
    return load_or_create_key(services.db.data_dir)


# ----------------------------------------------------------------------------- lookups

#: A message that is only a verification code (typed, pasted, or the QR code's link).
CODE_MESSAGE = re.compile(
    r"^\s*(?:(?:https?://)?(?:www\.)?t\.me/\w{3,64}/?\?start=)?(?:LKJ-VERIFY:)?\s*"
    r"LKJ[\s-]*[0-9A-Za-z]{4}[\s-]*[0-9A-Za-z]{4}[\s-]*[0-9A-Za-z]{4}\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Match:
    """A recorded report (quarterly or annual) and the unit it belongs to."""

    unit: Unit
    quarterly: Found | None = None
    annual: FoundAnnual | None = None

    @property
    def code(self) -> str | None:
        return self.quarterly.code if self.quarterly else self.annual.code if self.annual else None


def _units(services: Services, person: Person | None) -> list[Unit]:
    """Every unit, the asking person's own first."""
    units = list(services.roster.units)
    return sorted(units, key=lambda u: person is None or u.code != person.unit)


def _by_code(services: Services, key: bytes, code: str, person: Person | None) -> Match | None:
    for unit in _units(services, person):
        found = find_code(key, services.cycles.list_unit(unit.code), code)
        if found is not None:
            return Match(unit, quarterly=found)
        yearly = find_annual(key, services.annual.list_unit(unit.code), code)
        if yearly is not None:
            return Match(unit, annual=yearly)
    return None


def _by_sha(services: Services, key: bytes, sha: str, person: Person | None) -> Match | None:
    for unit in _units(services, person):
        found = find_sha256(key, services.cycles.list_unit(unit.code), sha)
        if found is not None:
            return Match(unit, quarterly=found)
        yearly = find_annual(key, services.annual.list_unit(unit.code), sha256=sha)
        if yearly is not None:
            return Match(unit, annual=yearly)
    return None


def _insider(person: Person | None, match: Match) -> bool:
    return person is not None and person.unit == match.unit.code


def _acting(unit: Unit, sop: Sop) -> Callable[[int, int, datetime], str | None]:
    """The capacity ("Plh. Kasat") in which someone acted on a step, if as a stand-in."""

    def acting(user_id: int, step: int, at: datetime) -> str | None:
        role = sop.step(step).role
        period = capacity(unit, user_id, role, at)
        return f"{period.kind} {unit.role_label(role)}" if period else None

    return acting


def _approval(
    unit: Unit, decision: Decision | None, sop: Sop, history=()
) -> tuple[str, str, str] | None:
    """Who took a decision, in the capacity they took it in ("Plh. Kepala Satuan …" for a
    stand-in), and when: as recorded with the act, else from the appointments on record."""
    if decision is None:
        return None
    facts = records.decision_by(history, decision)
    if facts is not None:
        return facts.name, facts.title, format_datetime_id(decision.at, unit.timezone)
    who = unit.person(decision.by)
    name, position = (who.name, who.position) if who else (f"pengguna {decision.by}", "")
    role = sop.step(decision.step).role
    period = capacity(unit, decision.by, role, decision.at)
    if period is not None:
        position = official_title(period)
    return name, position, format_datetime_id(decision.at, unit.timezone)


def public_answer(match: Match, headline: str, sop: Sop) -> str:
    """What anyone may see: valid or not, title, unit, period, who initialled and signed;
    ``sop`` is the unit's table (``Services.sop_for``), which says whose step each act was."""
    unit = match.unit
    if match.quarterly is not None:
        cycle, version = match.quarterly.cycle, match.quarterly.report
        first, last = triwulan_period(cycle.year, cycle.triwulan)
        title = texts.quarter_document_title(texts.tw(cycle.triwulan, cycle.year))
        decisions, history = cycle.decisions, cycle.history
    else:
        assert match.annual is not None
        report, version = match.annual.report, match.annual.version
        first, last = triwulan_period(report.year, 1)[0], triwulan_period(report.year, 4)[1]
        title = texts.annual_document_title(report.year)
        decisions, history = report.decisions, report.history
    paraf, sign = approvals(decisions, version)
    superseded = any(d.kind == "return" and d.report_version == version.number for d in decisions)
    return texts.verify_public(
        headline,
        title=title,
        unit=f"{unit.name}, {government_line(unit)}",
        period=f"{format_date_id(first)} – {format_date_id(last)}",
        status=version.status,
        superseded=superseded,
        paraf=_approval(unit, paraf, sop, history),
        sign=_approval(unit, sign, sop, history),
    )


def _answer(key: bytes, match: Match, person: Person | None, headline: str, sop: Sop) -> str:
    if not _insider(person, match):
        return public_answer(match, headline, sop)
    if match.quarterly is not None:
        chain = chain_of(key, match.quarterly)
        return texts.verification_chain(chain, match.unit, headline, _acting(match.unit, sop))
    return texts.verify_annual(match.annual, match.unit, headline)


async def _signatures(services: Services, match: Match, text: str, pdf: bytes | None = None):
    """``text`` and what pyHanko says of the PDF's PAdES signatures (handlers/tte.py): of
    the PDF sent, or, for a code, of the recorded version's stored file."""
    version = match.quarterly.report if match.quarterly else match.annual.version  # type: ignore[union-attr]
    if pdf is None:
        try:
            pdf = services.db.blobs.get(version.sha256)
        except (FileNotFoundError, KeyError):
            return text
    said = await tte.check(services, pdf, version.status, match.unit.timezone)
    return f"{text}\n\n{said}" if said else text


# ----------------------------------------------------------------------------- by code


async def check_code(update: Update, context, person: Person | None, typed: str) -> None:
    """Answer a typed, pasted or scanned code, for anyone."""
    services = svc(context)
    chat = update.effective_chat.id
    try:
        code = normalise_code(typed)
    except CodeFormatError:
        await send_text(context, chat, texts.VERIFY_BAD_FORMAT.format(text=texts.esc(typed)))
        return
    except CodeCheckError:
        await send_text(context, chat, texts.VERIFY_TYPO.format(text=texts.esc(typed)))
        return
    key = verify_key(services)
    match = _by_code(services, key, code, person)
    if match is None:
        audit_refusal(context, update, person, "verifikasi", texts.audit_unknown_code(code))
        await send_text(context, chat, texts.VERIFY_UNKNOWN.format(code=code))
        return
    sop = services.sop_for(match.unit)
    text = _answer(key, match, person, texts.verify_known(code), sop)
    await send_text(context, chat, await _signatures(services, match, text))


async def cmd_verifikasi(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    typed = " ".join(context.args or []).strip()
    if not typed:
        field = document_field("pdf", texts.VERIFY_FIELD, texts.VERIFY_ASK_PDF, "verifikasi")
        field["validate"] = "verify_pdf"
        await begin_form(context, person, "verify_pdf", [field], texts.VERIFY_FORM_TITLE)
        return
    await check_code(update, context, person, typed)


# ----------------------------------------------------------------------------- by PDF


def check_pdf_upload(services: Services, person: Person, session: dict[str, Any], ref):
    if ref.mime != "application/pdf":
        raise InputError(texts.VERIFY_NOT_PDF.format(name=ref.name))  # escaped when shown
    return ref.to_dict(), f"{ref.name} (SHA-256 {ref.sha256[:12]}…)"


async def check_pdf(update: Update, context, person: Person | None, name: str, data: bytes):
    """Identical, altered or unknown: a PDF sent back, for anyone."""
    services = svc(context)
    chat = update.effective_chat.id
    sha = sha256_hex(data)
    key = verify_key(services)
    shown = texts.esc(name)
    match = _by_sha(services, key, sha, person)
    if match is not None:
        version = match.quarterly.report if match.quarterly else match.annual.version  # type: ignore[union-attr]
        headline = texts.verify_pdf_identical(shown, version.status)
        sop = services.sop_for(match.unit)
        text = _answer(key, match, person, headline, sop)
        await send_text(context, chat, await _signatures(services, match, text, data))
        return
    for claimed in embedded_codes(data):
        match = _by_code(services, key, claimed, person)
        if match is None:
            continue
        audit_refusal(context, update, person, "verifikasi", texts.audit_pdf_altered(claimed, sha))
        if not _insider(person, match):
            altered = texts.verify_public_altered(shown, claimed)
            text = public_answer(match, altered, services.sop_for(match.unit))
        elif match.quarterly is not None:
            text = texts.verify_pdf_altered(shown, sha, match.quarterly, match.unit)
        else:
            text = texts.verify_annual_altered(shown, sha, match.annual)
        await send_text(context, chat, await _signatures(services, match, text, data))
        return
    audit_refusal(context, update, person, "verifikasi", texts.audit_pdf_unknown(sha))
    await send_text(context, chat, texts.VERIFY_PDF_UNKNOWN.format(name=shown, sha=sha))


async def finish_verify_pdf(update, context, person: Person, session: dict[str, Any]) -> None:
    sent = session["values"]["pdf"]
    data = svc(context).db.blobs.get(sent["sha256"])
    await check_pdf(update, context, person, sent["name"], data)


# ----------------------------------------------------------------------------- for anyone


async def _guest_gate(update: Update, context) -> bool:
    return await guest_gate(update, context, "verifikasi")


async def guest_code(update: Update, context, typed: str) -> None:
    if await _guest_gate(update, context):
        await check_code(update, context, None, typed)


GUEST_FORM = "guest_verify_pdf"


async def guest_verifikasi(update: Update, context) -> None:
    """A code is checked at once; without one the next PDF sent is checked (kept in the
    sessions store like a member's form, so a restart in between loses nothing)."""
    typed = " ".join(context.args or []).strip()
    if typed:
        await guest_code(update, context, typed)
        return
    user_id = update.effective_user.id
    svc(context).sessions.put(user_id, {"form": GUEST_FORM, "form_id": secrets.token_hex(4)})
    await send_text(context, update.effective_chat.id, texts.VERIFY_GUEST_ASK_PDF)


async def guest_document(update: Update, context) -> bool:
    """The PDF a person outside every unit sends after /verifikasi is checked; False when no
    check was asked for (the caller tells them whom to ask)."""
    services = svc(context)
    user_id = update.effective_user.id
    session = services.sessions.get(user_id)
    if session is None or session.get("form") != GUEST_FORM:
        return False
    if not await _guest_gate(update, context):
        return True
    try:
        name, data, mime = await download_checked(update, context, "verifikasi")
        if mime != "application/pdf":
            raise InputError(texts.VERIFY_NOT_PDF.format(name=name))
    except InputError as exc:
        await send_text(context, update.effective_chat.id, texts.esc(exc))
        return True
    services.sessions.clear(user_id)
    await check_pdf(update, context, None, name, data)
    return True
