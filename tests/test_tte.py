"""Certified electronic signatures (TTE): PAdES over the signed reports, made with a
throw-away CA (documents/tte_ca.py), validated by pyHanko, and checked by /verifikasi."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import Settings
from demo import playbook
from documents import tte
from documents.embedded import EmbeddedFile
from documents.render import html_to_pdf
from documents.tte_ca import TestCa, provision_local
from domain.roster import load_roster
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository
from tests.conftest import TOKEN
from tests.test_annual_e2e import archival_parts, pdf_text
from tests.test_annual_report import filed_quarter
from tests.test_verification import _flip_byte_in_page_text, check_pdf

PASSPHRASE = "kata-sandi-uji"
KASAT_NIP = "196805121990031004"


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> TestCa:
    directory = tmp_path_factory.mktemp("tte")
    ca = TestCa.create(directory)
    ca.issue(directory / "p12" / f"{KASAT_NIP}.p12", "Kasat Uji", PASSPHRASE)
    ca.issue(directory / "p12" / "segel-satpolpp-bdg.p12", "Segel Satpol PP", PASSPHRASE)
    past = datetime.now(UTC) - timedelta(days=400)
    ca.issue(
        directory / "p12" / "199001012015032004.p12",
        "Pejabat Lama",
        PASSPHRASE,
        valid_from=past,
        valid_until=past + timedelta(days=365),
    )
    return ca


@pytest.fixture(scope="module")
def archival_pdf() -> bytes:
    body = "<html><body><h1>Laporan uji</h1><p>Isi laporan yang ditandatangani.</p></body></html>"
    attachment = EmbeddedFile("data.xlsx", b"PK\x03\x04 uji", "Lembar kerja")
    return html_to_pdf(body, archival=[attachment])


def roots(ca: TestCa):
    return tte.load_roots([ca.root_pem])


KASAT = tte.SignerIdentity("Kasat Uji", "19680512 199003 1 004", unit="satpolpp-bdg")


async def test_a_local_signature_is_an_incremental_pades_update_that_keeps_pdfa(ca, archival_pdf):
    signer = tte.LocalSigner(ca.directory / "p12", PASSPHRASE)
    signed = await signer.sign(archival_pdf, KASAT, reason="Pengesahan uji", location="Bandung")
    # Incremental: the archival bytes come first, unchanged; the XMP still says PDF/A-3a and
    # the attachment is still there.
    assert signed.startswith(archival_pdf) and len(signed) > len(archival_pdf)
    assert archival_parts(signed)[:2] == ("3", "A")
    assert list(archival_parts(signed)[2]) == ["data.xlsx"]
    assert pdf_text(signed) == pdf_text(archival_pdf)
    assert b"/ETSI.CAdES.detached" in signed  # PAdES, not adbe.pkcs7

    [check] = await tte.validate(signed, roots(ca))
    assert check.ok and check.signer == "Kasat Uji" and check.issuer.startswith("LKJ-BOT UJI")
    assert check.signed_at is not None and abs(check.signed_at - datetime.now(UTC)) < timedelta(
        minutes=5
    )

    # Another CA's roots: intact but not trusted.
    other = TestCa.create(ca.directory / "lain")
    [foreign] = await tte.validate(signed, tte.load_roots([other.root_pem]))
    assert foreign.intact and not foreign.trusted and not foreign.ok

    # One byte of a page changed: the signature no longer holds.
    [broken] = await tte.validate(_flip_byte_in_page_text(signed), roots(ca))
    assert not broken.intact and not broken.ok
    # Bytes appended after the signature: intact, but not the whole file.
    [extended] = await tte.validate(signed + b"\n% tambahan\n", roots(ca))
    assert not extended.whole_file and not extended.ok

    assert await tte.validate(archival_pdf, roots(ca)) == []
    assert await tte.validate(b"bukan pdf", roots(ca)) is None


async def test_without_configured_roots_the_answer_says_the_chain_was_not_checked(ca, archival_pdf):
    signer = tte.LocalSigner(ca.directory / "p12", PASSPHRASE)
    signed = await signer.sign(archival_pdf, KASAT, reason="r", location="Bandung")
    checks = await tte.validate(signed, [])
    unjudged = texts.tte_checks(checks, "Asia/Jakarta", roots=False)
    assert "(PAdES) utuh" in unjudged and "belum dikonfigurasi" in unjudged
    assert "TIDAK SAH" not in unjudged and "Kasat Uji" in unjudged
    assert "TIDAK SAH" in texts.tte_checks(checks, "Asia/Jakarta", roots=True)


async def test_the_unit_seal_signs_for_the_unit(ca, archival_pdf):
    signer = tte.LocalSigner(ca.directory / "p12", PASSPHRASE, seal=True)
    signed = await signer.sign(archival_pdf, KASAT, reason="Pengesahan", location="Bandung")
    [check] = await tte.validate(signed, roots(ca))
    assert check.ok and check.signer == "Segel Satpol PP"


@pytest.mark.parametrize(
    ("who", "passphrase", "kind"),
    [
        (KASAT, "salah", tte.PASSPHRASE),
        (tte.SignerIdentity("Tanpa Sertifikat", "1999"), PASSPHRASE, tte.NO_CERTIFICATE),
        (tte.SignerIdentity("Tanpa NIP", ""), PASSPHRASE, tte.NO_CERTIFICATE),
        (tte.SignerIdentity("Pejabat Lama", "199001012015032004"), PASSPHRASE, tte.EXPIRED),
    ],
)
async def test_local_refusals_say_why(ca, archival_pdf, who, passphrase, kind):
    signer = tte.LocalSigner(ca.directory / "p12", passphrase)
    with pytest.raises(tte.TteError) as refused:
        await signer.sign(archival_pdf, who, reason="r", location="Bandung")
    assert refused.value.kind == kind
    assert passphrase not in str(refused.value)  # never a passphrase in a log line


# ----------------------------------------------------------------------------- end to end


@pytest.fixture
def settings(emu, tmp_path, roster_path, store_url) -> Settings:
    """The bot with the local signer: a certificate for each official of the demo unit."""
    unit = load_roster(roster_path).units[0]
    ca = provision_local(tmp_path / "tte", [(p.name, p.nip) for p in unit.people], PASSPHRASE)
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_tte_mode="local",
        lkj_tte_p12_dir=tmp_path / "tte" / "p12",
        lkj_tte_p12_passphrase="bukan-passphrase-nya",
        lkj_tte_roots=str(ca.root_pem),
    )


async def test_the_kasats_signature_is_a_pades_signature_that_verifikasi_checks(
    bot, emu, people, settings, clock
):
    kasat, k = people.kasat, people.kasubbag
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await k.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    initialled = await kasat.expect("diparaf oleh", document=True)
    await kasat.tap("Tandatangani", initialled)

    # A wrong passphrase: a clear refusal, nothing filed, the step still open.
    outcome = await playbook.tap_through(kasat, "Ya, tandatangani", initialled)
    assert outcome == texts.TTE_REFUSED_PASSPHRASE, outcome
    db = Database(settings.lkj_data_dir)
    try:
        cycle = CycleRepository(db).get("satpolpp-bdg", 2026, 3)
    finally:
        db.close()
    assert cycle.latest_report.status == "paraf" and not cycle.filed

    # The right one: signed, and the PDF carries the Kasat's PAdES signature.
    bot.bot_data["services"].settings.lkj_tte_p12_passphrase = PASSPHRASE
    assert await playbook.tap_through(kasat, "Ya, tandatangani", initialled) == (
        texts.SIGNED_NOTICE
    )
    signed = (await kasat.expect("telah ditandatangani", document=True)).document.content
    [check] = await tte.validate(signed, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == kasat.name
    assert archival_parts(signed)[:2] == ("3", "A")
    text = pdf_text(signed)
    assert "TTE: sertifikat elektronik (PAdES)" in text
    assert "ditandatangani secara elektronik (PAdES)" in text
    assert "bukan tanda tangan elektronik tersertifikasi" not in text

    # The recorded hash is the signed file's: identical, and the signature is said valid.
    answer = await check_pdf(k, "LKj_TW-III_2026.pdf", signed, "identik")
    assert "Tanda tangan elektronik (PAdES) sah" in answer and kasat.name in answer
    assert "tidak berubah sejak ditandatangani" in answer
    assert "terhubung ke sertifikat akar tepercaya" in answer

    # One byte changed: altered, and the signature is broken.
    answer = await check_pdf(k, "ubah.pdf", _flip_byte_in_page_text(signed), "diubah")
    assert "TIDAK SAH" in answer and "TELAH BERUBAH sejak ditandatangani" in answer

    # By its code: the stored signed file's signature is checked too.
    code = next(line for line in answer.splitlines() if "LKJ-" in line)
    typed = code[code.index("LKJ-") : code.index("LKJ-") + 18]
    k.say(f"/verifikasi {typed}")
    answer = (await k.expect("dikenal")).text
    assert "Tanda tangan elektronik (PAdES) sah" in answer


async def test_the_signed_annual_lkj_carries_the_kasats_pades_signature(bot, emu, people, settings):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    bot.bot_data["services"].settings.lkj_tte_p12_passphrase = PASSPHRASE
    cycles = CycleRepository(Database(settings.lkj_data_dir))
    for triwulan in (1, 2, 3, 4):
        cycles.save(filed_quarter(triwulan))
    kasubbag.say("/tahunan")
    await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    draft = await kasubbag.expect("Draf LKj tahun 2026 (versi 1)", document=True)
    await kasubbag.tap("Ajukan ke Sekretaris", draft)
    review = await sekretaris.expect("diajukan oleh Kasubbag", document=True)
    await playbook.tap_through(sekretaris, "Paraf", review)
    initialled = await kasat.expect("telah dikoreksi dan diparaf", document=True)
    await kasat.tap("Tandatangani", initialled)
    assert await playbook.tap_through(kasat, "Ya, tandatangani", initialled) == (
        texts.SIGNED_NOTICE
    )
    message = await kasat.expect("Laporan Kinerja tahun 2026 telah ditandatangani", document=True)
    signed = message.document.content
    [check] = await tte.validate(signed, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == kasat.name
    assert archival_parts(signed)[:2] == ("3", "A")
    assert list(archival_parts(signed)[2]) == ["Ekspor_Kinerja_Tahunan_2026.xlsx"]
    assert "TTE: sertifikat elektronik (PAdES)" in pdf_text(signed)
    answer = await check_pdf(kasubbag, "LKj_2026.pdf", signed, "identik")
    assert "Tanda tangan elektronik (PAdES) sah" in answer
