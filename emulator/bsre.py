"""A fake BSrE esign server (API v2), the project's own, as ``BotAPIEmulator`` is for Telegram.

It answers the endpoints ``documents/bsre.py`` calls, over real HTTP on loopback, and signs
for real: each registered user gets a certificate from a throw-away CA
(``documents.tte_ca.TestCa``) and the PDFs are signed with pyHanko (PAdES, incremental).
It refuses as the service does: bad client credentials (401), an unknown NIK or e-mail
(``status_code`` 2011), a wrong passphrase or TOTP (2031), a certificate not in status ISSUE
(expired, revoked). ``/tsa`` is an RFC 3161 timestamp server (pyHanko's DummyTimeStamper
signing with a TSA certificate of the same CA). Nothing here is the real service's code;
the request and answer shapes follow what BSrE's integrators document.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents import tte
from documents.bsre import NOT_REGISTERED, WRONG_PASSPHRASE
from documents.tte_ca import TestCa

ISSUE = "ISSUE"


def _asn1(key, cert) -> tuple[keys.PrivateKeyInfo, asn1_x509.Certificate]:
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return keys.PrivateKeyInfo.load(der_key), asn1_x509.Certificate.load(
        cert.public_bytes(serialization.Encoding.DER)
    )


@dataclass
class FakeUser:
    name: str
    nik: str
    email: str
    passphrase: str
    totp: str
    status: str
    signer: signers.SimpleSigner


class FakeBsre:
    """``await FakeBsre(ca_dir).start()``; ``url`` afterwards. ``add_user`` registers a
    signer; ``client_id`` / ``client_secret`` are the institution's Basic-auth credentials."""

    def __init__(
        self,
        ca_dir: Path,
        client_id: str = "lkj-bot",
        client_secret: str = "rahasia-klien",
        host: str = "127.0.0.1",
    ) -> None:
        self.ca = TestCa.create(ca_dir)
        self.client_id = client_id
        self.client_secret = client_secret
        self.host = host
        self.port = 0
        self.users: list[FakeUser] = []
        self.signed: list[dict[str, Any]] = []  # what was signed: for the tests
        self.down = False  # answer 503 to everything (the service is out)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        tsa_key, tsa_cert = self.ca.issue_cert("LKJ-BOT UJI TSA", timestamping=True)
        key, cert = _asn1(tsa_key, tsa_cert)
        self._root = _asn1(self.ca.key, self.ca.cert)[1]
        self.timestamper = DummyTimeStamper(
            tsa_cert=cert,
            tsa_key=key,
            certs_to_embed=SimpleCertificateStore.from_certs([self._root]),
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/tsa"

    def add_user(
        self,
        name: str,
        nik: str,
        passphrase: str,
        *,
        email: str = "",
        totp: str = "",
        status: str = ISSUE,
    ) -> FakeUser:
        key, cert = self.ca.issue_cert(name)
        asn1_key, asn1_cert = _asn1(key, cert)
        signer = signers.SimpleSigner(
            signing_cert=asn1_cert,
            signing_key=asn1_key,
            cert_registry=SimpleCertificateStore.from_certs([self._root]),
        )
        user = FakeUser(name, nik, email, passphrase, totp, status, signer)
        self.users.append(user)
        return user

    def _find(self, body: dict[str, Any]) -> FakeUser | None:
        nik, email = body.get("nik"), body.get("email")
        for user in self.users:
            if (nik and user.nik == nik) or (email and user.email and user.email == email):
                return user
        return None

    # --- HTTP ------------------------------------------------------------------------

    async def start(self) -> FakeBsre:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/v2/sign/pdf", self._sign)
        app.router.add_post("/api/v2/verify/pdf", self._verify)
        app.router.add_post("/api/v2/user/check/status", self._status)
        app.router.add_post("/tsa", self._tsa)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _authorised(self, request: web.Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        try:
            given = base64.b64decode(token, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme == "Basic" and given == f"{self.client_id}:{self.client_secret}"

    async def _body(self, request: web.Request) -> dict[str, Any] | web.Response:
        if self.down:
            return web.json_response({"error": "Service Unavailable"}, status=503)
        if not self._authorised(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"status_code": 400, "error": "Bad Request"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"status_code": 400, "error": "Bad Request"}, status=400)
        return body

    async def _status(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        user = self._find(body)
        if user is None:
            return web.json_response(
                {"status_code": NOT_REGISTERED, "status": "NOT_REGISTERED", "message": ""}
            )
        return web.json_response({"status_code": 1111, "status": user.status, "message": ""})

    async def _sign(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        files, props = body.get("file"), body.get("signatureProperties")
        if not isinstance(files, list) or not files or not isinstance(props, list) or not props:
            return web.json_response(
                {"status_code": 400, "error": "file dan signatureProperties wajib diisi"},
                status=400,
            )
        user = self._find(body)
        if user is None:
            return web.json_response(
                {"status_code": NOT_REGISTERED, "error": "User tidak terdaftar"}, status=400
            )
        secret_ok = (body.get("passphrase") and body["passphrase"] == user.passphrase) or (
            body.get("totp") and user.totp and body["totp"] == user.totp
        )
        if not secret_ok:
            return web.json_response(
                {"status_code": WRONG_PASSPHRASE, "error": "Passphrase anda salah"}, status=400
            )
        if user.status != ISSUE:
            return web.json_response(
                {"status_code": 2021, "error": f"Sertifikat pengguna berstatus {user.status}"},
                status=400,
            )
        out = []
        for index, encoded in enumerate(files):
            try:
                pdf = base64.b64decode(encoded, validate=True)
            except (binascii.Error, TypeError):
                return web.json_response(
                    {"status_code": 400, "error": "Dokumen bukan base64"}, status=400
                )
            prop = props[min(index, len(props) - 1)]
            appearance = tte.INVISIBLE
            if str(prop.get("tampilan", "")).upper() == "VISIBLE":
                x, y = int(prop.get("originX", 0)), int(prop.get("originY", 0))
                w, h = int(prop.get("width", 0)), int(prop.get("height", 0))
                appearance = tte.Appearance(int(prop.get("page", 1)) - 1, (x, y, x + w, y + h))
            try:
                signed = await tte.pades_sign(
                    pdf,
                    user.signer,
                    name=user.name,
                    reason=str(prop.get("reason") or ""),
                    location=str(prop.get("location") or ""),
                    appearance=appearance,
                )
            except Exception as exc:  # not a PDF
                return web.json_response(
                    {"status_code": 400, "error": f"Dokumen tidak dapat diproses: {exc}"},
                    status=400,
                )
            out.append(base64.b64encode(signed).decode("ascii"))
            self.signed.append({"user": user.nik or user.email, "props": prop})
        return web.json_response(
            {"file": out, "id": f"dok-{next(self._ids)}", "time": int(time.time() * 1000)}
        )

    async def _verify(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        try:
            pdf = base64.b64decode(str(body.get("file", "")), validate=True)
        except binascii.Error:
            return web.json_response({"status_code": 400, "error": "Bad Request"}, status=400)
        checks = await tte.validate(pdf, [self._root])
        if checks is None:
            return web.json_response({"status_code": 400, "error": "Bukan dokumen PDF"}, status=400)
        infos = [
            {
                "fieldName": c.field,
                "signerName": c.signer,
                "signatureDate": c.signed_at.isoformat() if c.signed_at else None,
                "signatureFormat": "PAdES",
                "integrityValid": c.intact and c.valid,
                "certificateTrusted": c.trusted,
                "modified": not c.whole_file,
            }
            for c in checks
        ]
        conclusion = (
            "NO_SIGNATURE" if not checks else "VALID" if all(c.ok for c in checks) else "INVALID"
        )
        return web.json_response(
            {
                "conclusion": conclusion,
                "description": f"{len(checks)} tanda tangan diperiksa",
                "signatureInformations": infos,
            }
        )

    async def _tsa(self, request: web.Request) -> web.Response:
        if request.headers.get("Content-Type") != "application/timestamp-query":
            return web.Response(status=415)
        try:
            req = tsp.TimeStampReq.load(await request.read())
            answer = await self.timestamper.async_request_tsa_response(req)
        except Exception:
            return web.Response(status=400)
        return web.Response(body=answer.dump(), content_type="application/timestamp-reply")
