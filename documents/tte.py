"""Certified electronic signatures (TTE): PAdES signatures over the signed reports.

A ``Signer`` adds one PAdES signature (pyHanko, PAdES B-B, or B-T when a TSA is configured)
to a finished PDF as an *incremental update*: the bytes the renderer made (PDF/A-3, with its
XMP, fonts and attachments) stay as they are, and the signature follows them. Two signers:

- ``LocalSigner``: a PKCS#12 file per official (``<NIP>.p12``, NIP digits only) or the unit's
  seal (segel elektronik, ``segel-<UNIT>.p12``) in a directory, for an office without BSrE;
- ``documents.bsre.BsreSigner``: the BSrE esign API (v2), which signs on its side.

``validate`` checks every signature of a PDF (integrity, signer, chain to the configured
roots, signing time, whether it covers the whole file). Refusals are ``TteError`` with a
``kind`` the chat turns into an Indonesian sentence (handlers/tte.py); nothing here speaks to
users.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from asn1crypto import pem, x509

if TYPE_CHECKING:  # pyHanko takes a second or two to import: only when a PDF is signed
    from pyhanko.sign import signers

#: Why a signature could not be made (handlers/tte.py words each for the signer).
PASSPHRASE = "passphrase"  # wrong or missing passphrase / TOTP
EXPIRED = "expired"  # the certificate is not (or no longer) valid
REVOKED = "revoked"  # the certificate was revoked
NO_CERTIFICATE = "no_certificate"  # no certificate for this official (or unknown NIK)
UNREACHABLE = "unreachable"  # the signing service or the TSA did not answer
FAILED = "failed"  # anything else the service refused
KINDS = (PASSPHRASE, EXPIRED, REVOKED, NO_CERTIFICATE, UNREACHABLE, FAILED)

FIELD_NAME = "TTE_Penandatangan"


class TteError(Exception):
    """A signature was not made; ``kind`` is one of ``KINDS``, ``detail`` for the log."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs: the official (or, for a seal, the unit), as the signing service knows them."""

    name: str
    nip: str = ""
    unit: str = ""
    nik: str = ""
    email: str = ""

    @property
    def nip_digits(self) -> str:
        return re.sub(r"\D", "", self.nip)


@dataclass(frozen=True)
class Appearance:
    """Where the signature shows: ``box`` (x1, y1, x2, y2 in points) on page ``page`` (0 the
    first, -1 the last), or nowhere (``box`` None: an invisible signature; the report's own
    signature block carries the TTE mark)."""

    page: int = -1
    box: tuple[int, int, int, int] | None = None


INVISIBLE = Appearance()


class Signer(Protocol):
    """Signs a PDF for someone; raises ``TteError`` when it cannot."""

    @property
    def needs_passphrase(self) -> bool:
        """Whether the signer must type a passphrase (or TOTP) for each signature."""
        ...

    async def sign(
        self,
        pdf: bytes,
        who: SignerIdentity,
        *,
        reason: str,
        location: str,
        appearance: Appearance = INVISIBLE,
        passphrase: str | None = None,
    ) -> bytes: ...


def load_roots(paths: Sequence[Path]) -> list[x509.Certificate]:
    """Certificates from PEM or DER files (a PEM file may hold several)."""
    roots: list[x509.Certificate] = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            roots.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True))
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def _page(pdf, page: int) -> int:
    if page >= 0:
        return page
    count = int(pdf.root["/Pages"]["/Count"])
    return max(0, count + page)


async def pades_sign(
    pdf: bytes,
    signer: signers.Signer,
    *,
    name: str,
    reason: str,
    location: str,
    appearance: Appearance = INVISIBLE,
    tsa_url: str = "",
) -> bytes:
    """One PAdES signature by ``signer`` appended to ``pdf`` (incremental, so an archival
    PDF/A-3 stays what it was); B-T with a timestamp when ``tsa_url`` is given."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    spec = fields.SigFieldSpec(
        FIELD_NAME, on_page=_page(writer, appearance.page), box=appearance.box
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        name=name,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    timestamper = HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None
    out = io.BytesIO()
    try:
        await signers.async_sign_pdf(
            writer, meta, signer, timestamper=timestamper, new_field_spec=spec, output=out
        )
    except (TimeoutError, OSError) as exc:
        raise TteError(UNREACHABLE, f"TSA {tsa_url}: {exc}") from exc
    except Exception as exc:
        if tsa_url and "timestamp" in type(exc).__name__.lower():
            raise TteError(UNREACHABLE, f"TSA {tsa_url}: {exc}") from exc
        raise
    return out.getvalue()


@dataclass
class LocalSigner:
    """PKCS#12 certificates kept by the office: ``<NIP>.p12`` for an official, or the unit's
    seal ``segel-<UNIT>.p12`` when ``seal`` is set. The passphrase is the configured one, or
    the one the signer types (``needs_passphrase`` when none is configured)."""

    directory: Path
    passphrase: str = ""
    seal: bool = False
    tsa_url: str = ""
    chain: list[x509.Certificate] = field(default_factory=list)
    clock: object = None  # a callable returning an aware datetime (tests); None: now

    @property
    def needs_passphrase(self) -> bool:
        return not self.passphrase

    def path_for(self, who: SignerIdentity) -> Path:
        name = f"segel-{who.unit}.p12" if self.seal else f"{who.nip_digits}.p12"
        return Path(self.directory) / name

    def _now(self) -> datetime:
        return self.clock() if callable(self.clock) else datetime.now(UTC)

    def load(self, who: SignerIdentity, passphrase: str | None = None) -> signers.SimpleSigner:
        from pyhanko.sign import signers

        path = self.path_for(who)
        if (not self.seal and not who.nip_digits) or not path.is_file():
            raise TteError(NO_CERTIFICATE, str(path))
        secret = passphrase if passphrase is not None else self.passphrase
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(
                path.read_bytes(), self.chain, passphrase=secret.encode() if secret else None
            )
        except ValueError as exc:
            raise TteError(PASSPHRASE, str(path)) from exc
        validity = signer.signing_cert["tbs_certificate"]["validity"]
        now = self._now()
        if not (validity["not_before"].native <= now <= validity["not_after"].native):
            raise TteError(EXPIRED, f"{path}: {validity['not_after'].native:%Y-%m-%d}")
        return signer

    async def sign(
        self,
        pdf: bytes,
        who: SignerIdentity,
        *,
        reason: str,
        location: str,
        appearance: Appearance = INVISIBLE,
        passphrase: str | None = None,
    ) -> bytes:
        signer = self.load(who, passphrase)
        return await pades_sign(
            pdf,
            signer,
            name=who.name,
            reason=reason,
            location=location,
            appearance=appearance,
            tsa_url=self.tsa_url,
        )


# ----------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF, as validated."""

    field: str
    signer: str  # the certificate's subject common name
    issuer: str
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature value matches the signer's key
    trusted: bool  # a chain to the configured roots
    whole_file: bool  # nothing was added after the signature
    signed_at: datetime | None  # the signer's claimed time
    timestamp: datetime | None  # a TSA's time, when there is one
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.whole_file


def _cn(name: x509.Name) -> str:
    return str(name.native.get("common_name", "") or name.human_friendly)


async def validate(pdf: bytes, roots: Sequence[x509.Certificate]) -> list[SignatureCheck] | None:
    """Every signature of ``pdf`` checked against ``roots``; [] when it has none; None when
    the bytes cannot even be read as a PDF (a damaged file)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return None
    checks = []
    for sig in embedded:
        context = ValidationContext(
            trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail"
        )
        try:
            status = await async_validate_pdf_signature(sig, signer_validation_context=context)
        except Exception as exc:  # a damaged signature dictionary or CMS blob
            checks.append(
                SignatureCheck(
                    str(sig.field_name), "", "", False, False, False, False, None, None, str(exc)
                )
            )
            continue
        cert = status.signing_cert
        ts = status.timestamp_validity
        checks.append(
            SignatureCheck(
                field=str(sig.field_name),
                signer=_cn(cert.subject),
                issuer=_cn(cert.issuer),
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                whole_file=status.coverage == status.coverage.ENTIRE_FILE
                if status.coverage is not None
                else False,
                signed_at=status.signer_reported_dt,
                timestamp=ts.timestamp if ts is not None else None,
            )
        )
    return checks
