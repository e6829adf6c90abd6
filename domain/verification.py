"""Verification codes of initialled and signed reports, and what a code or a PDF proves.

The scheme (version 1)
----------------------
A code looks like ``LKJ-7K4Q-9MZD-2XWM``: the prefix ``LKJ`` and twelve characters of
Crockford's base32 alphabet (digits and capitals without I, L, O and U), in three groups:

* the first eleven characters are the first 55 bits of
  ``HMAC-SHA256(key, "lkj-verify/v1|<cycle id>|<report number>|<status>")``,
* the twelfth is a Luhn mod 32 check character over the eleven, so a mistyped character or
  two swapped neighbours are recognised as a typing error rather than as an unknown code.

The code only depends on the cycle id (``unit:year:triwulan``), the report version number and
its status (``paraf`` or ``signed``), so it is known *before* the PDF is rendered and can be
printed inside it; the PDF's SHA-256 is recorded after rendering, on the cycle's
``ReportVersion``. Without the key nobody can make a code that the bot recognises: 55 bits,
and a lookup only ever searches the asking person's own unit.

The key is a random secret kept per data directory (``state/verify.key``, see
``handlers.verification``); this module receives it as bytes and stays pure.

Lookup recomputes the codes of the unit's recorded report versions and compares (a handful per
quarter, microseconds each) instead of keeping an index that could drift from the cycles.

Typing tolerance: case, spaces, dashes, the ``LKJ`` prefix, the metadata prefix
``LKJ-VERIFY:`` and the QR code's deep link ``https://t.me/<bot>?start=`` are ignored; ``O`` is
read as ``0``, ``I`` and ``L`` as ``1``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.annual import AnnualReport
from domain.models import Cycle, Decision, Disposition, HistoryEntry, ReportVersion

SCHEME = "lkj-verify/v1"
PREFIX = "LKJ"
#: What the QR code and the PDF metadata (``Keywords``) hold: the payload prefix and the code.
QR_PREFIX = "LKJ-VERIFY:"
#: Crockford's base32: no I, L, O, U, so nothing is confused with 1, 0 or V.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 11  # HMAC characters; one check character follows
#: Report statuses that carry a verification code (a draft carries none).
VERIFIED_STATUSES: tuple[str, ...] = ("paraf", "signed")

#: The deep link a QR code holds: scanning it opens the bot on that verification.
DEEP_LINK = "https://t.me/{bot}?start={code}"
_DEEP_LINK_PREFIX = re.compile(r"^(?:HTTPS?://)?(?:WWW\.)?T\.ME/[A-Z0-9_]{3,64}/?\?START=")

_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_SHAPE = re.compile(r"^[0-9A-Z]{12}$")


class CodeFormatError(ValueError):
    """The text is not shaped like a verification code (length or characters)."""


class CodeCheckError(ValueError):
    """Shaped like a code, but the check character does not match: most likely a typo."""


# ----------------------------------------------------------------------------- the code


def _luhn_check(body: str) -> str:
    """Luhn mod 32 check character of ``body`` (characters of ``ALPHABET``)."""
    n = len(ALPHABET)
    total = 0
    factor = 2
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def _luhn_ok(chars: str) -> bool:
    return _luhn_check(chars[:-1]) == chars[-1]


def _group(chars: str) -> str:
    return f"{PREFIX}-{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


def _message(cycle_id: str, number: int, status: str) -> bytes:
    return f"{SCHEME}|{cycle_id}|{number}|{status}".encode()


def verification_code(key: bytes, cycle_id: str, number: int, status: str) -> str:
    """The verification code of report version ``number`` in ``status`` of a cycle."""
    if status not in VERIFIED_STATUSES:
        raise ValueError(f"no verification code for a {status!r} report")
    if not key:
        raise ValueError("empty verification key")
    digest = hmac.new(key, _message(cycle_id, number, status), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:8], "big") >> (64 - 5 * BODY_LENGTH)
    body = "".join(ALPHABET[(bits >> (5 * (BODY_LENGTH - 1 - i))) & 31] for i in range(BODY_LENGTH))
    return _group(body + _luhn_check(body))


def normalise_code(text: str) -> str:
    """The canonical ``LKJ-XXXX-XXXX-XXXX`` form of a code as a person typed or scanned it.

    Raises ``CodeFormatError`` when it is not shaped like a code and ``CodeCheckError`` when
    the check character does not match (a typo).
    """
    raw = _DEEP_LINK_PREFIX.sub("", text.strip().upper())
    if raw.startswith(QR_PREFIX):
        raw = raw[len(QR_PREFIX) :]
    chars = "".join(c for c in raw if c.isascii() and c.isalnum())
    if len(chars) == 12 + len(PREFIX) and chars.startswith(PREFIX):
        chars = chars[len(PREFIX) :]
    chars = chars.translate(_TYPO)
    if not _CODE_SHAPE.fullmatch(chars) or any(c not in ALPHABET for c in chars):
        raise CodeFormatError(text)
    if not _luhn_ok(chars):
        raise CodeCheckError(text)
    return _group(chars)


def qr_payload(code: str) -> str:
    """What the PDF's ``Keywords`` metadata holds (and a QR code when no bot is known)."""
    return f"{QR_PREFIX}{code}"


def deep_link(bot_username: str, code: str) -> str:
    """What the QR code holds: ``https://t.me/<bot>?start=<code>`` (a valid start parameter:
    letters, digits and dashes, under 64 characters)."""
    return DEEP_LINK.format(bot=bot_username, code=code)


def approvals(decisions: Iterable[Decision], version: ReportVersion) -> tuple[Decision | None, ...]:
    """The paraf and the signature given to this very report version (None when not given)."""
    chosen = [d for d in decisions if d.report_version == version.number]
    paraf = next((d for d in chosen if d.kind == "paraf"), None)
    sign = next((d for d in chosen if d.kind == "sign"), None)
    return (
        paraf if version.status in VERIFIED_STATUSES else None,
        sign if version.status == "signed" else None,
    )


def upcoming_report_number(cycle: Cycle, status: str) -> int:
    """The number ``workflow.record_report`` will give the report about to be rendered.

    A draft opens a new number; the paraf and signed versions keep the latest draft's number.
    """
    latest = cycle.latest_report
    if status == "draft":
        return latest.number + 1 if latest else 1
    return latest.number if latest else 1


def code_of(key: bytes, cycle: Cycle, report: ReportVersion) -> str | None:
    """The code printed on a recorded report version, or None for a draft."""
    if report.status not in VERIFIED_STATUSES:
        return None
    return verification_code(key, cycle.id, report.number, report.status)


# ----------------------------------------------------------------------------- lookups


@dataclass(frozen=True)
class Found:
    """A recorded report version of a cycle (and its code, None for a draft)."""

    cycle: Cycle
    report: ReportVersion
    code: str | None


def find_code(key: bytes, cycles: Iterable[Cycle], code: str) -> Found | None:
    """The report version whose code is ``code`` (canonical form), the latest rendering first.

    Only the cycles given are searched: the caller passes the asking person's own unit, so a
    code of another unit is simply unknown.
    """
    for cycle in cycles:
        for report in reversed(cycle.reports):
            mine = code_of(key, cycle, report)
            if mine is not None and hmac.compare_digest(mine, code):
                return Found(cycle, report, mine)
    return None


def find_sha256(key: bytes, cycles: Iterable[Cycle], sha256: str) -> Found | None:
    """The recorded report version (draft, paraf or signed) whose PDF has this SHA-256."""
    for cycle in cycles:
        for report in reversed(cycle.reports):
            if report.sha256 == sha256:
                return Found(cycle, report, code_of(key, cycle, report))
    return None


# ----------------------------------------------------------------------------- a PDF sent back

_EMBEDDED = re.compile(rb"LKJ-VERIFY:\s*(LKJ-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")
_STREAM = re.compile(rb"stream\r?\n")
MAX_STREAMS = 5000
MAX_INFLATED = 64 * 1024 * 1024  # all streams together; a zip bomb stops here
MAX_INFLATED_STREAM = 8 * 1024 * 1024


def embedded_codes(pdf: bytes) -> list[str]:
    """Verification codes found in a PDF's metadata (``Keywords: LKJ-VERIFY:<code>``).

    The bot writes the code into the document information; WeasyPrint compresses that into an
    object stream, so besides the raw bytes every Flate stream is inflated (bounded) and
    searched. Nothing is trusted: a code found here is only a claim, checked by the caller.
    """
    found: list[str] = [m.group(1).decode() for m in _EMBEDDED.finditer(pdf)]
    view = memoryview(pdf)
    budget = MAX_INFLATED
    for count, match in enumerate(_STREAM.finditer(pdf)):
        if count >= MAX_STREAMS or budget <= 0:
            break
        start = match.end()
        end = pdf.find(b"endstream", start)
        if end < 0:
            end = len(pdf)
        try:
            data = zlib.decompressobj().decompress(
                view[start:end], min(budget, MAX_INFLATED_STREAM)
            )
        except zlib.error:
            continue  # not Flate, or damaged: nothing to read there
        budget -= len(data)
        found.extend(m.group(1).decode() for m in _EMBEDDED.finditer(data))
    return list(dict.fromkeys(found))


# ----------------------------------------------------------------------------- the chain


@dataclass(frozen=True)
class MemberUploads:
    """What one Tim Kerja member handed in before the report was rendered."""

    member_id: int
    items: int
    files: int
    realisations: int
    last_at: datetime | None


@dataclass(frozen=True)
class Chain:
    """Who did what, from the disposition to the signature, behind one report version."""

    found: Found
    dispositions: tuple[Disposition, ...]
    division: HistoryEntry | None
    uploads: tuple[MemberUploads, ...]
    returns: tuple[Decision, ...]
    paraf: Decision | None
    sign: Decision | None
    #: A return of this very version after it was rendered: the document was superseded.
    returned_after: Decision | None
    #: For an initialled version later signed: the signed version (and its code).
    signed_version: Found | None


def _uploads(cycle: Cycle, until: datetime) -> tuple[MemberUploads, ...]:
    out = []
    for a in cycle.assignments:
        files = [f for item in a.items for f in item.files if f.uploaded_at <= until]
        reals = [
            r
            for r in cycle.realisations
            if r.triwulan == cycle.triwulan
            and r.reported_by == a.member_id
            and r.reported_at <= until
        ]
        moments = [f.uploaded_at for f in files] + [r.reported_at for r in reals]
        out.append(
            MemberUploads(
                member_id=a.member_id,
                items=len(a.items),
                files=len(files),
                realisations=len(reals),
                last_at=max(moments) if moments else None,
            )
        )
    return tuple(out)


def chain_of(key: bytes, found: Found) -> Chain:
    """The chain behind ``found``: every step up to its rendering, and what came after it."""
    cycle, report = found.cycle, found.report
    until = report.at
    divisions = [h for h in cycle.history if h.action == "bagi_tugas" and h.at <= until]
    number = report.number
    paraf = next(
        (d for d in cycle.decisions if d.kind == "paraf" and d.report_version == number), None
    )
    sign = next(
        (d for d in cycle.decisions if d.kind == "sign" and d.report_version == number), None
    )
    returns = tuple(d for d in cycle.decisions if d.kind == "return" and d.report_version < number)
    returned_after = next(
        (d for d in cycle.decisions if d.kind == "return" and d.report_version == number), None
    )
    signed_version = None
    if report.status == "paraf" and sign is not None:
        signed = next(
            (r for r in reversed(cycle.reports) if r.number == number and r.status == "signed"),
            None,
        )
        if signed is not None:
            signed_version = Found(cycle, signed, code_of(key, cycle, signed))
    return Chain(
        found=found,
        dispositions=tuple(d for d in cycle.dispositions if d.at <= until),
        division=divisions[-1] if divisions else None,
        uploads=_uploads(cycle, until),
        returns=returns,
        paraf=paraf if report.status in VERIFIED_STATUSES else None,
        sign=sign if report.status == "signed" else None,
        returned_after=returned_after,
        signed_version=signed_version,
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------- annual reports


@dataclass(frozen=True)
class FoundAnnual:
    """A recorded rendering of an annual LKj (and its code, None for a draft)."""

    report: AnnualReport
    version: ReportVersion
    code: str | None


def annual_code_of(key: bytes, report: AnnualReport, version: ReportVersion) -> str | None:
    if version.status not in VERIFIED_STATUSES:
        return None
    return verification_code(key, report.id, version.number, version.status)


def find_annual(
    key: bytes, reports: Iterable[AnnualReport], code: str | None = None, sha256: str = ""
) -> FoundAnnual | None:
    """The annual LKj rendering with this code, or whose PDF has this SHA-256."""
    for report in reports:
        for version in reversed(report.reports):
            mine = annual_code_of(key, report, version)
            by_code = code is not None and mine is not None and hmac.compare_digest(mine, code)
            if by_code or (sha256 and version.sha256 == sha256):
                return FoundAnnual(report, version, mine)
    return None
