"""The BSrE adapter (documents/bsre.py) against the project's fake BSrE server
(emulator/bsre.py) over real HTTP, and a PAdES B-T timestamp from the fake's TSA."""

from __future__ import annotations

import pytest

from documents import tte
from documents.bsre import BsreSigner
from documents.embedded import EmbeddedFile
from documents.render import html_to_pdf
from emulator.bsre import FakeBsre
from tests.test_annual_e2e import archival_parts, pdf_text
from tests.test_verification import _flip_byte_in_page_text

NIK = "3273010101800001"
PASSPHRASE = "Rahasia#2026"
KASAT = tte.SignerIdentity("Kasat Uji", "196805121990031004", nik=NIK)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    body = "<html><body><h1>Laporan uji</h1><p>Untuk BSrE.</p></body></html>"
    return html_to_pdf(body, archival=[EmbeddedFile("data.xlsx", b"PK uji", "Lembar kerja")])


@pytest.fixture
async def bsre(tmp_path):
    server = FakeBsre(tmp_path / "bsre-ca")
    server.add_user("Kasat Uji", NIK, PASSPHRASE, email="kasat@bandung.go.id", totp="123456")
    server.add_user("Pejabat Kedaluwarsa", "3273010101800002", PASSPHRASE, status="EXPIRED")
    server.add_user("Pejabat Dicabut", "3273010101800003", PASSPHRASE, status="REVOKE")
    await server.start()
    yield server
    await server.stop()


def client(server: FakeBsre, **kw) -> BsreSigner:
    return BsreSigner(server.url, server.client_id, server.client_secret, **kw)


async def test_bsre_signs_with_nik_and_passphrase_keeping_pdfa(bsre, pdf):
    signer = client(bsre)
    assert await signer.user_status(KASAT) == "ISSUE"
    signed = await signer.sign(
        pdf, KASAT, reason="Pengesahan", location="Bandung", passphrase=PASSPHRASE
    )
    assert signed.startswith(pdf) and archival_parts(signed)[:2] == ("3", "A")
    assert pdf_text(signed) == pdf_text(pdf)
    [check] = await tte.validate(signed, tte.load_roots([bsre.ca.root_pem]))
    assert check.ok and check.signer == "Kasat Uji"
    assert bsre.signed[-1]["props"] == {
        "tampilan": "INVISIBLE",
        "reason": "Pengesahan",
        "location": "Bandung",
    }
    # BSrE's own verifier agrees; a changed byte makes it INVALID.
    verdict = await signer.verify(signed)
    assert verdict.conclusion == "VALID" and verdict.signatures[0]["signerName"] == "Kasat Uji"
    broken = await signer.verify(_flip_byte_in_page_text(signed))
    assert broken.conclusion == "INVALID" and not broken.signatures[0]["integrityValid"]
    assert (await signer.verify(pdf)).conclusion == "NO_SIGNATURE"


async def test_bsre_by_email_with_a_totp_and_a_visible_appearance(bsre, pdf):
    signer = client(bsre, auth="totp")
    by_mail = tte.SignerIdentity("Kasat Uji", email="kasat@bandung.go.id")
    box = tte.Appearance(page=-1, box=(300, 60, 520, 140))
    signed = await signer.sign(
        pdf, by_mail, reason="Pengesahan", location="Bandung", appearance=box, passphrase="123456"
    )
    [check] = await tte.validate(signed, tte.load_roots([bsre.ca.root_pem]))
    assert check.ok
    props = bsre.signed[-1]["props"]
    assert props["tampilan"] == "VISIBLE" and props["page"] == 1
    assert (props["originX"], props["originY"], props["width"], props["height"]) == (
        300,
        60,
        220,
        80,
    )


@pytest.mark.parametrize(
    ("who", "secret", "kind"),
    [
        (KASAT, "Keliru#999", tte.PASSPHRASE),
        (KASAT, "", tte.PASSPHRASE),
        (tte.SignerIdentity("Tak Dikenal", nik="3273019999999999"), PASSPHRASE, tte.NO_CERTIFICATE),
        (tte.SignerIdentity("Tanpa NIK"), PASSPHRASE, tte.NO_CERTIFICATE),
        (tte.SignerIdentity("Lama", nik="3273010101800002"), PASSPHRASE, tte.EXPIRED),
        (tte.SignerIdentity("Dicabut", nik="3273010101800003"), PASSPHRASE, tte.REVOKED),
    ],
)
async def test_bsre_refusals_are_named(bsre, pdf, who, secret, kind):
    with pytest.raises(tte.TteError) as refused:
        await client(bsre).sign(pdf, who, reason="r", location="Bandung", passphrase=secret)
    assert refused.value.kind == kind
    assert not secret or secret not in str(refused.value)
    assert bsre.signed == []


async def test_bsre_out_of_reach_or_refusing_the_client(bsre, pdf):
    bsre.down = True
    with pytest.raises(tte.TteError) as down:
        await client(bsre).sign(pdf, KASAT, reason="r", location="x", passphrase=PASSPHRASE)
    assert down.value.kind == tte.UNREACHABLE
    bsre.down = False
    wrong = BsreSigner(bsre.url, bsre.client_id, "bukan-rahasianya")
    with pytest.raises(tte.TteError) as refused:
        await wrong.sign(pdf, KASAT, reason="r", location="x", passphrase=PASSPHRASE)
    assert refused.value.kind == tte.FAILED
    url = bsre.url
    await bsre.stop()
    gone = BsreSigner(url, bsre.client_id, bsre.client_secret, timeout_s=5)
    with pytest.raises(tte.TteError) as unreachable:
        await gone.sign(pdf, KASAT, reason="r", location="x", passphrase=PASSPHRASE)
    assert unreachable.value.kind == tte.UNREACHABLE


async def test_a_local_signature_with_the_fakes_tsa_is_pades_b_t(bsre, pdf, tmp_path):
    bsre.ca.issue(tmp_path / "p12" / "196805121990031004.p12", "Kasat Uji", PASSPHRASE)
    signer = tte.LocalSigner(tmp_path / "p12", PASSPHRASE, tsa_url=bsre.tsa_url)
    signed = await signer.sign(pdf, KASAT, reason="r", location="Bandung")
    [check] = await tte.validate(signed, tte.load_roots([bsre.ca.root_pem]))
    assert check.ok and check.timestamp is not None
    assert abs((check.timestamp - check.signed_at).total_seconds()) < 60
