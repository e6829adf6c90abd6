"""The BSrE esign API (Esign Client Service, v2) as a ``documents.tte.Signer``.

What offices integrate with (BSSN's Balai Sertifikasi Elektronik; SRIKANDI signs through it):
HTTP Basic auth with the client id and secret the BSrE portal gives the institution, JSON
bodies, PDFs as base64.

- ``POST /api/v2/sign/pdf``: ``nik`` or ``email`` of the signer, ``passphrase`` or ``totp``,
  ``signatureProperties`` (one per file: ``tampilan`` INVISIBLE or VISIBLE with ``page``,
  ``originX``, ``originY``, ``width``, ``height``, ``imageBase64``; ``reason``, ``location``)
  and ``file`` (a list of base64 PDFs); answers ``{"file": [base64, …], "id": …, "time": …}``,
  or an error ``{"status_code": 2031, "error": "Passphrase anda salah"}`` (2011: the user is
  not registered).
- ``POST /api/v2/verify/pdf``: ``{"file": base64}``; answers ``conclusion`` and
  ``signatureInformations`` (``signerName``, ``signatureDate``, ``integrityValid``,
  ``certificateTrusted``, ``modified``, …).
- ``POST /api/v2/user/check/status``: ``{"nik"}`` or ``{"email"}``; answers ``{"status":
  "ISSUE"}`` when the user may sign (else EXPIRED, REVOKE, SUSPEND, RENEW, NEW,
  WAITING_FOR_VERIFICATION, NO_CERTIFICATE, NOT_REGISTERED).

The signer's status is asked before each signature, so an expired or revoked certificate is
named as such rather than as a refused signature. ``emulator/bsre.py`` is the project's own
fake of this service (tests talk to it over HTTP).
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import Any

import aiohttp

from documents.tte import (
    EXPIRED,
    FAILED,
    INVISIBLE,
    NO_CERTIFICATE,
    PASSPHRASE,
    REVOKED,
    UNREACHABLE,
    Appearance,
    SignerIdentity,
    TteError,
)

SIGN_PATH = "/api/v2/sign/pdf"
VERIFY_PATH = "/api/v2/verify/pdf"
STATUS_PATH = "/api/v2/user/check/status"

#: Error codes of the sign endpoint.
WRONG_PASSPHRASE = 2031
NOT_REGISTERED = 2011

#: What each user status means for a signature (ISSUE: may sign).
STATUS_KIND = {
    "EXPIRED": EXPIRED,
    "RENEW": EXPIRED,
    "REVOKE": REVOKED,
    "SUSPEND": REVOKED,
    "NOT_REGISTERED": NO_CERTIFICATE,
    "NO_CERTIFICATE": NO_CERTIFICATE,
    "NEW": NO_CERTIFICATE,
    "WAITING_FOR_VERIFICATION": NO_CERTIFICATE,
}


def _page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])
    except Exception:
        return 1


def signature_properties(
    pdf: bytes, appearance: Appearance, reason: str, location: str, image: bytes | None = None
) -> dict[str, Any]:
    """One ``signatureProperties`` entry: invisible, or visible in ``appearance.box`` (PDF
    points, x1 y1 x2 y2) on ``appearance.page`` (0-based, -1 the last; BSrE counts from 1)."""
    props: dict[str, Any] = {"tampilan": "INVISIBLE", "reason": reason, "location": location}
    if appearance.box is not None:
        x1, y1, x2, y2 = appearance.box
        page = appearance.page if appearance.page >= 0 else _page_count(pdf) + appearance.page
        props.update(
            tampilan="VISIBLE",
            page=page + 1,
            originX=x1,
            originY=y1,
            width=x2 - x1,
            height=y2 - y1,
        )
        if image is not None:
            props["imageBase64"] = base64.b64encode(image).decode("ascii")
    return props


@dataclass(frozen=True)
class Verdict:
    """BSrE's verification of a PDF."""

    conclusion: str
    description: str
    signatures: list[dict[str, Any]]


@dataclass
class BsreSigner:
    """The BSrE esign API at ``url`` (the institution's client id ``user`` and ``password``);
    ``auth`` says whether the signer types their passphrase or a TOTP code."""

    url: str
    user: str
    password: str
    auth: str = "passphrase"
    timeout_s: float = 60.0

    @property
    def needs_passphrase(self) -> bool:
        return True

    async def _post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
        try:
            async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
                async with session.post(self.url.rstrip("/") + path, json=body) as response:
                    try:
                        answer = await response.json(content_type=None)
                    except ValueError:
                        answer = {"error": (await response.text())[:200]}
                    return response.status, answer if isinstance(answer, dict) else {}
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise TteError(UNREACHABLE, f"{path}: {exc!r}") from exc

    @staticmethod
    def _ids(who: SignerIdentity) -> dict[str, str]:
        ids = {k: v for k, v in (("nik", who.nik), ("email", who.email)) if v}
        if not ids:
            raise TteError(NO_CERTIFICATE, f"no NIK or e-mail for {who.nip or who.name}")
        return ids

    async def user_status(self, who: SignerIdentity) -> str:
        """The signer's certificate status at BSrE ("ISSUE" when they may sign)."""
        status, answer = await self._post(STATUS_PATH, self._ids(who))
        if status >= 500:
            raise TteError(UNREACHABLE, f"status {status}")
        if status in (401, 403):
            raise TteError(FAILED, f"client credentials refused ({status})")
        found = answer.get("status")
        if not isinstance(found, str):
            nested = answer.get("data")
            found = nested.get("status") if isinstance(nested, dict) else None
        return str(found or "NOT_REGISTERED").upper()

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
        if not passphrase:
            raise TteError(PASSPHRASE, "none given")
        ids = self._ids(who)
        user_status = await self.user_status(who)
        if user_status != "ISSUE":
            raise TteError(STATUS_KIND.get(user_status, FAILED), f"user status {user_status}")
        body: dict[str, Any] = {
            **ids,
            ("totp" if self.auth == "totp" else "passphrase"): passphrase,
            "signatureProperties": [signature_properties(pdf, appearance, reason, location)],
            "file": [base64.b64encode(pdf).decode("ascii")],
        }
        status, answer = await self._post(SIGN_PATH, body)
        if status >= 500:
            raise TteError(UNREACHABLE, f"sign: {status}")
        if status != 200 or "error" in answer:
            code = answer.get("status_code")
            detail = f"sign: {status} {code} {str(answer.get('error', ''))[:120]}"
            if code == WRONG_PASSPHRASE:
                raise TteError(PASSPHRASE, detail)
            if code == NOT_REGISTERED:
                raise TteError(NO_CERTIFICATE, detail)
            raise TteError(FAILED, detail)
        try:
            return base64.b64decode(answer["file"][0], validate=True)
        except (KeyError, IndexError, TypeError, binascii.Error) as exc:
            raise TteError(FAILED, "sign: no file in the answer") from exc

    async def verify(self, pdf: bytes) -> Verdict:
        """BSrE's own verification of ``pdf``."""
        status, answer = await self._post(VERIFY_PATH, {"file": base64.b64encode(pdf).decode()})
        if status >= 500:
            raise TteError(UNREACHABLE, f"verify: {status}")
        if status != 200:
            raise TteError(FAILED, f"verify: {status} {str(answer.get('error', ''))[:120]}")
        infos = answer.get("signatureInformations")
        return Verdict(
            str(answer.get("conclusion", "")),
            str(answer.get("description", "")),
            [i for i in infos if isinstance(i, dict)] if isinstance(infos, list) else [],
        )
