"""/verifikasi: is this report what lkj-bot recorded? By its code, or by the PDF itself.

``/verifikasi KODE`` answers, for anyone registered in the same unit, who initialled and signed
which report version and when, with the chain behind it (disposition, division, uploads,
returns, paraf, signature) and the SHA-256 of that PDF. ``/verifikasi`` alone asks for the PDF:
its SHA-256 is compared with every report version recorded for the unit (identical), else the
code embedded in its metadata names the report it claims to be (altered), else it is unknown.

Only the asking person's unit is searched, so a code of another unit is "unknown" and nothing
about that unit leaks. Every unknown code is written to the audit log as a refusal, so someone
trying codes leaves a trace.

The key of the codes is ``<LKJ_DATA_DIR>/state/verify.key``: 32 random bytes (hex), created on
first use with mode 0600 and never replaced. It travels with the data directory (``lkj-bot
backup`` includes it). Losing it makes the codes of existing PDFs unrecognisable (the SHA-256
check of a PDF still works); leaking it lets someone mint codes, but a minted code only
matches a report the bot recorded, so it forges nothing.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import Services
from domain.errors import InputError
from domain.roster import Person
from domain.verification import (
    CodeCheckError,
    CodeFormatError,
    chain_of,
    embedded_codes,
    find_annual,
    find_code,
    find_sha256,
    normalise_code,
    sha256_hex,
)
from handlers import texts
from handlers.common import audit_refusal, send_text, svc, unit_of
from handlers.forms import DOCUMENT_VALIDATORS, begin_form, document_field, finisher

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
        raise VerifyKeyError(f"Berkas kunci verifikasi rusak: {path}") from exc
    if len(key) < 16:
        raise VerifyKeyError(f"Berkas kunci verifikasi terlalu pendek: {path}")
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


# ----------------------------------------------------------------------------- by code


async def cmd_verifikasi(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    services = svc(context)
    typed = " ".join(context.args or []).strip()
    if not typed:
        field = document_field("pdf", texts.VERIFY_FIELD, texts.VERIFY_ASK_PDF, "verifikasi")
        field["validate"] = "verify_pdf"
        await begin_form(context, person, "verify_pdf", [field], texts.VERIFY_FORM_TITLE)
        return
    try:
        code = normalise_code(typed)
    except CodeFormatError:
        text = texts.VERIFY_BAD_FORMAT.format(text=texts.esc(typed))
        await send_text(context, person.user_id, text)
        return
    except CodeCheckError:
        text = texts.VERIFY_TYPO.format(text=texts.esc(typed))
        await send_text(context, person.user_id, text)
        return
    key = verify_key(services)
    found = find_code(key, services.cycles.list_unit(person.unit), code)
    yearly = None if found else find_annual(key, services.annual.list_unit(person.unit), code)
    if yearly is not None:
        text = texts.verify_annual(yearly, unit_of(services, person), texts.verify_known(code))
        await send_text(context, person.user_id, text)
        return
    if found is None:
        audit_refusal(context, update, person, "verifikasi", f"kode tidak dikenal: {code}")
        await send_text(context, person.user_id, texts.VERIFY_UNKNOWN.format(code=code))
        return
    unit = unit_of(services, person)
    text = texts.verification_chain(chain_of(key, found), unit, texts.verify_known(code))
    await send_text(context, person.user_id, text)


# ----------------------------------------------------------------------------- by PDF


def _validate_pdf(services: Services, person: Person, session: dict[str, Any], ref):
    if ref.mime != "application/pdf":
        raise InputError(texts.VERIFY_NOT_PDF.format(name=ref.name))  # escaped when shown
    return ref.to_dict(), f"{ref.name} (SHA-256 {ref.sha256[:12]}…)"


DOCUMENT_VALIDATORS["verify_pdf"] = _validate_pdf


@finisher("verify_pdf")
async def finish_verify_pdf(update, context, person: Person, session: dict[str, Any]) -> None:
    services = svc(context)
    sent = session["values"]["pdf"]
    data = services.db.blobs.get(sent["sha256"])
    sha = sha256_hex(data)
    key = verify_key(services)
    cycles = services.cycles.list_unit(person.unit)
    unit = unit_of(services, person)
    name = texts.esc(sent["name"])
    found = find_sha256(key, cycles, sha)
    if found is not None:
        headline = texts.verify_pdf_identical(name, found.report.status)
        text = texts.verification_chain(chain_of(key, found), unit, headline)
        await send_text(context, person.user_id, text)
        return
    yearly_reports = services.annual.list_unit(person.unit)
    yearly = find_annual(key, yearly_reports, sha256=sha)
    if yearly is not None:
        headline = texts.verify_pdf_identical(name, yearly.version.status)
        await send_text(context, person.user_id, texts.verify_annual(yearly, unit, headline))
        return
    for claimed in embedded_codes(data):
        yearly = find_annual(key, yearly_reports, code=claimed)
        if yearly is not None:
            audit_refusal(context, update, person, "verifikasi", f"PDF diubah: {claimed} {sha}")
            text = texts.verify_annual_altered(name, sha, yearly)
            await send_text(context, person.user_id, text)
            return
        found = find_code(key, cycles, claimed)
        if found is not None:
            audit_refusal(context, update, person, "verifikasi", f"PDF diubah: {claimed} {sha}")
            text = texts.verify_pdf_altered(name, sha, found, unit)
            await send_text(context, person.user_id, text)
            return
    audit_refusal(context, update, person, "verifikasi", f"PDF tidak dikenal: {sha}")
    await send_text(context, person.user_id, texts.VERIFY_PDF_UNKNOWN.format(name=name, sha=sha))
