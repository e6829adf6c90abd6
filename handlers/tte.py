"""The certified electronic signature (TTE) of the signed reports, as the chat uses it.

``sign_report`` is called where the Kasat's (or the Plh's) "Tandatangani" renders the signed
PDF (handlers/reports.build_report, handlers/annual.render): with LKJ_TTE_MODE local or bsre
the rendered PDF/A-3 gets a PAdES signature (documents/tte.py) before it is stored, so the
SHA-256 recorded on the report version, and checked by /verifikasi, is the signed file's.
When signing fails, ``TteRefused`` (a DomainError) carries the Indonesian reason: nothing is
stored or filed, the signing step stays open and its buttons stay.

``check`` validates the signatures of a PDF for /verifikasi against LKJ_TTE_ROOTS.
"""

from __future__ import annotations

import logging
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from app.services import Services
from documents import tte
from domain.errors import DomainError
from domain.roster import Unit
from handlers import texts

log = logging.getLogger(__name__)

#: The passphrase (or TOTP) the signer typed for the signature being made now
#: (handlers/tte_chat.py sets it around that one signature; never stored).
PASSPHRASE: ContextVar[str | None] = ContextVar("tte_passphrase", default=None)


#: What the signer is told for each kind of refusal (documents.tte.KINDS).
REFUSALS = {
    tte.PASSPHRASE: texts.TTE_REFUSED_PASSPHRASE,
    tte.EXPIRED: texts.TTE_REFUSED_EXPIRED,
    tte.REVOKED: texts.TTE_REFUSED_REVOKED,
    tte.NO_CERTIFICATE: texts.TTE_REFUSED_NO_CERTIFICATE,
    tte.UNREACHABLE: texts.TTE_REFUSED_UNREACHABLE,
    tte.FAILED: texts.TTE_REFUSED_FAILED,
}


class TteRefused(DomainError):
    """A signature the signing service (or the local certificate) refused."""

    def __init__(self, kind: str) -> None:
        super().__init__(REFUSALS.get(kind, texts.TTE_REFUSED_FAILED))
        self.kind = kind


def enabled(services: Services) -> bool:
    return services.settings.lkj_tte_mode != "off"


def paraf_signed(services: Services) -> bool:
    """Whether a paraf also applies the paraf giver's PAdES signature (LKJ_TTE_PARAF)."""
    return enabled(services) and services.settings.lkj_tte_paraf


def signer(services: Services, personal: bool = False) -> tte.Signer | None:
    """The configured signer, or None when TTE is off (``personal``: the official's own
    certificate even where the unit signs with its seal, as a paraf is a person's)."""
    settings = services.settings
    roots = tte.load_roots(settings.tte_roots)
    if settings.lkj_tte_mode == "local":
        if settings.lkj_tte_p12_dir is None:
            raise RuntimeError("LKJ_TTE_MODE=local needs LKJ_TTE_P12_DIR")
        return tte.LocalSigner(
            Path(settings.lkj_tte_p12_dir),
            passphrase=settings.lkj_tte_p12_passphrase,
            seal=settings.lkj_tte_seal and not personal,
            tsa_url=settings.lkj_tte_tsa_url,
            chain=roots,
        )
    if settings.lkj_tte_mode == "bsre":
        from documents.bsre import BsreSigner

        return BsreSigner(
            settings.lkj_bsre_url,
            settings.lkj_bsre_user,
            settings.lkj_bsre_password,
            auth=settings.lkj_bsre_auth,
        )
    return None


def wants_passphrase(services: Services) -> bool:
    """Whether the signer must type a passphrase (or TOTP) to sign."""
    chosen = signer(services)
    return chosen is not None and chosen.needs_passphrase


#: The Mini App's signing page (webapp/static/ttd.html).
SIGN_PAGE = "ttd.html"


def sign_page(services: Services, args: dict[str, Any], relative: bool = False) -> str | None:
    """The address of the signing page for the report a button's ``args`` name (a quarter's
    ``cycle`` or the annual LKj's ``year``), or None: the Mini App is off, or no passphrase
    is needed (then the chat's "Ya, tandatangani" signs at once). ``relative``: from another
    page of the Mini App."""
    base = services.settings.lkj_webapp_url
    if not base or not wants_passphrase(services):
        return None
    query = {"siklus": args["cycle"]} if "cycle" in args else {"tahunan": str(args["year"])}
    page = f"{SIGN_PAGE}?{urlencode(query, quote_via=quote, safe='')}"
    return page if relative else f"{base.rstrip('/')}/{page}"


def mark(services: Services) -> dict[str, Any] | None:
    """What the signature block says of the TTE (None: TTE off, the recorded act only)."""
    settings = services.settings
    if not enabled(services):
        return None
    return {"mode": settings.lkj_tte_mode, "seal": settings.lkj_tte_seal}


def _bsre_ids(services: Services, nip: str) -> dict[str, str]:
    path = services.settings.lkj_bsre_signers
    if path is None or not Path(path).is_file():
        return {}
    table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    entry = table.get("signer", {}).get("".join(c for c in nip if c.isdigit()), {})
    return {k: str(entry[k]) for k in ("nik", "email") if k in entry}


async def sign_report(
    services: Services,
    unit: Unit,
    by: int | None,
    pdf: bytes,
    title: str,
    passphrase: str | None = None,
    paraf: bool = False,
) -> bytes:
    """``pdf`` with the TTE of the official ``by`` (unchanged when TTE is off); ``paraf``:
    the paraf giver's signature on the paraf'd draft, with their own certificate."""
    chosen = signer(services, personal=paraf)
    if chosen is None or by is None:
        return pdf
    person = unit.person(by)
    name, nip = (person.name, person.nip) if person else (str(by), "")
    who = tte.SignerIdentity(name=name, nip=nip, unit=unit.code, **_bsre_ids(services, nip))
    try:
        return await chosen.sign(
            pdf,
            who,
            reason=texts.tte_paraf_reason(title) if paraf else texts.tte_reason(title),
            location=unit.city,
            passphrase=passphrase if passphrase is not None else PASSPHRASE.get(),
        )
    except tte.TteError as exc:
        # The kind and the service's detail only: never a passphrase.
        log.warning("TTE refused for %s (%s): %s", by, exc.kind, exc.detail)
        raise TteRefused(exc.kind) from exc


async def check(services: Services, pdf: bytes, status: str | None, tz: str) -> str:
    """The /verifikasi paragraph on the PDF's signatures ("" when there is nothing to say:
    an unsigned file while TTE is off)."""
    roots = tte.load_roots(services.settings.tte_roots)
    checks = await tte.validate(pdf, roots)
    if checks is None:
        return texts.TTE_DAMAGED_PDF
    if not checks:
        return texts.TTE_NO_SIGNATURE if enabled(services) and status == "signed" else ""
    return texts.tte_checks(checks, tz, roots=bool(roots))
