"""LKJ_TTE_PARAF: the paraf may be signed too. On, the Sekretaris's paraf puts a PAdES signature
made with the Sekretaris's own certificate (the local signer, a throw-away CA) on the paraf'd
draft, the PDF archived and sent as that version, and /verifikasi of that PDF validates it;
the Kasat's signature then signs the final report as before. Off (the default), the paraf'd
draft carries no signature: the paraf is a recorded act only."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from demo import playbook
from documents import tte
from documents.tte_ca import provision_local
from domain.roster import load_roster
from tests.conftest import TOKEN
from tests.test_verification import check_pdf

PASSPHRASE = "kata-sandi-uji"


@pytest.fixture(params=[True, False], ids=["paraf-signed", "paraf-recorded"])
def settings(request, emu, tmp_path, roster_path, store_url) -> Settings:
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
        lkj_tte_p12_passphrase=PASSPHRASE,
        lkj_tte_roots=str(ca.root_pem),
        lkj_tte_paraf=request.param,
    )


async def test_the_paraf_is_signed_with_the_paraf_givers_certificate_only_when_set(
    bot, emu, people, settings
):
    kasat, kasubbag, sekretaris = people.kasat, people.kasubbag, people.sekretaris
    roots = tte.load_roots(settings.tte_roots)
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    initialled = (await kasat.expect("diparaf oleh", document=True)).document.content
    checks = await tte.validate(initialled, roots)
    if settings.lkj_tte_paraf:
        [check] = checks
        assert check.ok and check.signer == sekretaris.name
        answer = await check_pdf(kasubbag, "LKj_PARAF.pdf", initialled, "identik")
        assert "Tanda tangan elektronik (PAdES) sah" in answer
        assert f"Penanda tangan: {check.signer}" in answer
    else:
        assert checks == []
    # The Kasat signs as before: the final report carries the Kasat's signature alone.
    await kasat.tap("Tandatangani")
    await playbook.tap_through(kasat, "Ya, tandatangani")
    signed = (await kasat.expect("telah ditandatangani", document=True)).document.content
    [final] = await tte.validate(signed, roots)
    assert final.ok and final.signer == kasat.name
