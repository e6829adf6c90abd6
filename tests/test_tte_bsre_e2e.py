"""The Kasat signs through BSrE (the project's fake, over HTTP) from the chat, where the Mini
App is off: the passphrase typed in chat is deleted at once, never kept, and a wrong one leaves
the step open. (With the Mini App on, it is typed in the signing page: tests/test_tte_page.py.)"""

from __future__ import annotations

import pytest

from bot.settings import Settings
from demo import playbook
from documents import tte
from emulator.bsre import FakeBsre
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository
from tests.conftest import TOKEN
from tests.test_annual_e2e import archival_parts
from tests.test_annual_report import filed_quarter
from tests.test_verification import check_pdf

KASAT_NIP = "196805121990031004"
KASAT_NIK = "3273011205680004"
PASSPHRASE = "Pass-Kasat#2026"
WRONG = "Tebakan-Keliru#1"


@pytest.fixture
async def bsre(tmp_path):
    server = FakeBsre(tmp_path / "bsre-ca")
    server.add_user("Drs. Rasdian Setiadi, M.Si.", KASAT_NIK, PASSPHRASE)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(emu, tmp_path, roster_path, bsre) -> Settings:
    signers = tmp_path / "bsre-signers.toml"
    signers.write_text(f'[signer."{KASAT_NIP}"]\nnik = "{KASAT_NIK}"\n', encoding="utf-8")
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_tte_mode="bsre",
        lkj_bsre_url=bsre.url,
        lkj_bsre_user=bsre.client_id,
        lkj_bsre_password=bsre.client_secret,
        lkj_bsre_signers=signers,
        lkj_tte_roots=str(bsre.ca.root_pem),
    )


def stored_files(root) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


async def test_the_kasat_signs_through_bsre_with_a_passphrase_typed_and_deleted(
    bot, emu, people, settings, bsre, clock
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

    # The confirming tap asks for the passphrase; a wrong one is deleted and refused.
    answer = await kasat.tap("Ya, tandatangani", initialled)
    assert answer["text"] == texts.TTE_PASSPHRASE_NOTICE
    assert "akan segera dihapus" in (await kasat.expect("ketik passphrase")).text
    sent = kasat.say(WRONG)
    await kasat.expect("passphrase telah dihapus")
    assert sent["message_id"] in emu.world.chat(kasat.user_id).deleted_user_messages
    refusal = await kasat.expect("Tanda tangan elektronik gagal")
    assert refusal.text == texts.TTE_REFUSED_PASSPHRASE
    db = Database(settings.lkj_data_dir)
    try:
        cycle = CycleRepository(db).get("satpolpp-bdg", 2026, 3)
    finally:
        db.close()
    assert cycle.latest_report.status == "paraf" and not cycle.filed
    assert bsre.signed == []

    # Pressed again and cancelled: /batal ends the request, nothing is taken as a passphrase.
    await kasat.tap("Ya, tandatangani", initialled)
    await kasat.expect("ketik passphrase")
    kasat.say("/batal")
    await kasat.expect(texts.CANCELLED)
    assert bot.bot_data["services"].sessions.get(kasat.user_id) is None

    # Pressed again, the right passphrase: signed by BSrE, with the Kasat's certificate.
    assert (await kasat.tap("Ya, tandatangani", initialled))["text"] == (
        texts.TTE_PASSPHRASE_NOTICE
    )
    await kasat.expect("ketik passphrase")
    sent = kasat.say(PASSPHRASE)
    await kasat.expect("passphrase telah dihapus")
    assert sent["message_id"] in emu.world.chat(kasat.user_id).deleted_user_messages
    assert bot.bot_data["services"].sessions.get(kasat.user_id) is None
    signed = (await kasat.expect("telah ditandatangani", document=True)).document.content
    assert bsre.signed[-1]["user"] == KASAT_NIK
    [check] = await tte.validate(signed, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == "Drs. Rasdian Setiadi, M.Si."
    assert archival_parts(signed)[:2] == ("3", "A")
    answer = await check_pdf(k, "LKj.pdf", signed, "identik")
    assert "Tanda tangan elektronik (PAdES) sah" in answer

    # Neither passphrase is anywhere in the data directory (inbox, sessions, audit, logs).
    everything = stored_files(settings.lkj_data_dir)
    assert PASSPHRASE.encode() not in everything and WRONG.encode() not in everything


async def test_the_annual_lkj_is_signed_through_bsre(bot, emu, people, settings, bsre):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
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
    assert (await kasat.tap("Ya, tandatangani", initialled))["text"] == (
        texts.TTE_PASSPHRASE_NOTICE
    )
    await kasat.expect("ketik passphrase")
    kasat.say(PASSPHRASE)
    message = await kasat.expect("Laporan Kinerja tahun 2026 telah ditandatangani", document=True)
    signed = message.document.content
    [check] = await tte.validate(signed, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == "Drs. Rasdian Setiadi, M.Si."
    assert archival_parts(signed)[:2] == ("3", "A")
    assert list(archival_parts(signed)[2]) == ["Ekspor_Kinerja_Tahunan_2026.xlsx"]
    assert bsre.signed[-1]["user"] == KASAT_NIK
