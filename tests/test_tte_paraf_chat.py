"""LKJ_TTE_PARAF through BSrE where the Mini App is off: the Sekretaris's Paraf asks for the
passphrase in chat, the message is deleted at once, a wrong one records no paraf, the right
one initials with a PAdES signature of the Sekretaris's own BSrE certificate; the passphrase
is nowhere in the data directory."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from demo import playbook
from documents import tte
from emulator.bsre import FakeBsre
from handlers import texts
from tests.conftest import TOKEN
from tests.test_tte_page import stored_files

SEKRETARIS_NIK = "3273014407750002"
PASSPHRASE = "Paraf-Sekretaris#2026"
WRONG = "Tebakan-Keliru#2"


@pytest.fixture
async def bsre(tmp_path):
    server = FakeBsre(tmp_path / "bsre-ca")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(emu, tmp_path, roster_path, bsre, people) -> Settings:
    sekretaris = people.unit.person(people.sekretaris.user_id)
    bsre.add_user(sekretaris.name, SEKRETARIS_NIK, PASSPHRASE)
    nip = "".join(c for c in sekretaris.nip if c.isdigit())
    signers = tmp_path / "bsre-signers.toml"
    signers.write_text(f'[signer."{nip}"]\nnik = "{SEKRETARIS_NIK}"\n', encoding="utf-8")
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
        lkj_tte_paraf=True,
    )


async def test_the_paraf_passphrase_is_typed_in_chat_and_deleted(bot, emu, people, settings, bsre):
    kasat, kasubbag, sekretaris = people.kasat, people.kasubbag, people.sekretaris
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    submitted = await sekretaris.expect("diajukan", document=True)

    answer = await sekretaris.tap("Paraf", submitted)
    assert answer["text"] == texts.TTE_PASSPHRASE_NOTICE
    assert "Untuk memaraf" in (await sekretaris.expect("ketik passphrase")).text
    sent = sekretaris.say(WRONG)
    await sekretaris.expect("passphrase telah dihapus")
    assert sent["message_id"] in emu.world.chat(sekretaris.user_id).deleted_user_messages
    assert (await sekretaris.expect("Tanda tangan elektronik gagal")).text == (
        texts.TTE_REFUSED_PASSPHRASE
    )
    assert bsre.signed == []

    await sekretaris.tap("Paraf", submitted)
    await sekretaris.expect("ketik passphrase")
    sent = sekretaris.say(PASSPHRASE)
    await sekretaris.expect("passphrase telah dihapus")
    assert sent["message_id"] in emu.world.chat(sekretaris.user_id).deleted_user_messages
    initialled = (await kasat.expect("diparaf oleh", document=True)).document.content
    [check] = await tte.validate(initialled, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == sekretaris.name
    assert bsre.signed[-1]["user"] == SEKRETARIS_NIK
    everything = stored_files(settings.lkj_data_dir)
    assert PASSPHRASE.encode() not in everything and WRONG.encode() not in everything
