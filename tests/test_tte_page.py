"""The Kasat signs through BSrE (the project's fake, over HTTP) in the Mini App's signing page
(Debian's chromium driven by Playwright, 320 px, dark theme): the chat's confirming button
opens the page, a wrong passphrase is refused there with the Indonesian reason and nothing is
filed, the right one signs (the chat's own use case) and the signed PDF arrives in the chat,
validated by pyHanko against the fake's CA. Forged initData and the wrong person are refused;
a second signature is refused politely. Neither passphrase is anywhere afterwards: not in the
data directory (inbox, sessions, audit and refusal logs, stores), not in the captured logs,
not in the chat."""

from __future__ import annotations

import logging

import pytest
from playwright.async_api import expect

from bot.settings import Settings
from demo import playbook
from demo.playbook import MiniApp
from demo.screenshots import DARK_THEME, free_port
from documents import tte
from domain.roster import Role, load_roster
from emulator.bsre import FakeBsre
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository
from tests.conftest import TOKEN
from tests.test_annual_e2e import archival_parts
from tests.test_annual_report import filed_quarter
from tests.test_miniapp import browser, post
from tests.test_miniapp_looks import LOOK
from tests.test_standins_e2e import appoint
from tests.test_verification import check_pdf
from webapp.server import start_webapp, stop_webapp

__all__ = ["browser"]  # the fixture, shared with tests/test_miniapp.py

expect.set_options(timeout=60_000)  # a signature renders a PDF first

KASAT_NIP = "196805121990031004"
KASAT_NIK = "3273011205680004"
PASSPHRASE = "Pass-Kasat#2026"
WRONG = "Tebakan-Keliru#1"
CYCLE = "satpolpp-bdg:2026:3"


SEKRETARIS_NIK = "3273014407750002"
SEKRETARIS_PASSPHRASE = "Paraf-Sekretaris#2026"


@pytest.fixture
async def bsre(tmp_path, roster_path):
    server = FakeBsre(tmp_path / "bsre-ca")
    server.add_user("Drs. Rasdian Setiadi, M.Si.", KASAT_NIK, PASSPHRASE)
    server.add_user(sekretaris_of(roster_path).name, SEKRETARIS_NIK, SEKRETARIS_PASSPHRASE)
    await server.start()
    yield server
    await server.stop()


def sekretaris_of(roster_path):
    return load_roster(roster_path).units[0].one(Role.SEKRETARIS)


@pytest.fixture
def tte_paraf() -> bool:
    """LKJ_TTE_PARAF (a test parametrises it to sign the paraf too)."""
    return False


@pytest.fixture
def settings(tte_paraf, emu, tmp_path, roster_path, bsre) -> Settings:
    """BSrE with the Mini App."""
    signers = tmp_path / "bsre-signers.toml"
    nip = "".join(c for c in sekretaris_of(roster_path).nip if c.isdigit())
    signers.write_text(
        f'[signer."{KASAT_NIP}"]\nnik = "{KASAT_NIK}"\n'
        f'[signer."{nip}"]\nnik = "{SEKRETARIS_NIK}"\n',
        encoding="utf-8",
    )
    port = free_port()
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
        lkj_webapp_url=f"http://127.0.0.1:{port}/app",
        lkj_webapp_port=port,
        lkj_webapp_max_age_s=3600,
        lkj_tte_paraf=tte_paraf,
    )


@pytest.fixture
async def webapp(bot):
    server = await start_webapp(bot)
    assert server is not None
    yield server
    await stop_webapp(bot)


def stored_files(root) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def quarter(settings: Settings):
    db = Database(settings.lkj_data_dir)
    try:
        return CycleRepository(db).get("satpolpp-bdg", 2026, 3)
    finally:
        db.close()


async def test_the_kasat_signs_in_the_signing_page_never_in_the_chat(
    bot, webapp, emu, people, settings, bsre, clock, browser, caplog
):
    caplog.set_level(logging.DEBUG)
    kasat, kasubbag, sekretaris = people.kasat, people.kasubbag, people.sekretaris
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    initialled = await kasat.expect("diparaf oleh", document=True)

    # "Tandatangani": the confirming button opens the signing page; no chat passphrase.
    answer = await kasat.tap("Tandatangani", initialled)
    assert answer["text"] == texts.TTE_SIGN_ON_PAGE_HINT
    mini = MiniApp(TOKEN, clock)
    url = mini.page_url(initialled, texts.BTN_SIGN_ON_PAGE)
    assert url == f"{settings.lkj_webapp_url}/ttd.html?siklus=satpolpp-bdg%3A2026%3A3"
    assert texts.BTN_SIGN_CONFIRM not in initialled.buttons
    # The review page's "Tandatangani" leads there too (its API refuses to sign blind).
    status, body = await post(
        f"{settings.lkj_webapp_url}/api/tinjau/aksi",
        mini.init_data(kasat),
        {"siklus": CYCLE, "aksi": "sign", "versi": 2},
    )
    assert status == 400 and body["error"] == texts.TTE_SIGN_ON_PAGE
    status, body = await post(
        f"{settings.lkj_webapp_url}/api/tinjau", mini.init_data(kasat), {"siklus": CYCLE}
    )
    assert body["sign_page"] == "ttd.html?siklus=satpolpp-bdg%3A2026%3A3"

    # Refused at the HTTP level: forged initData, and whoever may not sign now.
    api = f"{settings.lkj_webapp_url}/api/ttd/tandatangani"
    version = quarter(settings).latest_report.number
    right = {"siklus": CYCLE, "versi": version, "passphrase": PASSPHRASE}
    forged = mini.init_data(kasat).replace("hash=", "hash=00")
    assert (await post(api, forged, right))[0] == 401
    for someone in (sekretaris, kasubbag, people.team[0]):
        status, body = await post(api, mini.init_data(someone), right)
        assert status in (403, 409), (someone.name, status, body)
        assert PASSPHRASE not in body["error"]
    assert (await post(f"{settings.lkj_webapp_url}/api/ttd", mini.init_data(sekretaris), right))[
        0
    ] in (403, 409)
    assert bsre.signed == [] and quarter(settings).latest_report.status == "paraf"

    # The page, as a 320 px phone in the dark theme: what is signed, by whom; a password field.
    page = await browser.new_page(viewport={"width": 320, "height": 640})
    await page.goto(mini.launch_url(url, kasat, DARK_THEME))
    await expect(page.locator("#document")).to_contain_text("Drs. Rasdian Setiadi")
    await expect(page.locator("#document")).to_contain_text("Triwulan III")
    field = page.locator("#passphrase")
    assert await field.get_attribute("type") == "password"
    assert await field.get_attribute("autocomplete") == "off"
    assert await page.evaluate(LOOK) == []

    # A wrong passphrase: the reason on the page, nothing filed, the step still open.
    await field.fill(WRONG)
    await page.locator("#sign").click()
    await expect(page.locator("#notice")).to_have_text(texts.TTE_REFUSED_PASSPHRASE)
    await expect(field).to_have_value("")
    await expect(page.locator("#sign")).to_be_enabled()
    cycle = quarter(settings)
    assert cycle.latest_report.status == "paraf" and not cycle.filed
    assert bsre.signed == []
    assert await page.evaluate(LOOK) == []

    # The right one: signed by BSrE with the Kasat's certificate, delivered in the chat.
    await field.fill(PASSPHRASE)
    await page.locator("#sign").click()
    await expect(page.locator("#notice")).to_have_text(texts.TTE_PAGE_SIGNED)
    await expect(page.locator("#sign-form")).to_be_hidden()
    signed = (await kasat.expect("telah ditandatangani", document=True)).document.content
    assert bsre.signed[-1]["user"] == KASAT_NIK
    [check] = await tte.validate(signed, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == "Drs. Rasdian Setiadi, M.Si."
    assert archival_parts(signed)[:2] == ("3", "A")
    assert quarter(settings).filed
    assert initialled.reply_markup == []  # the chat's offer is spent
    answer = await check_pdf(kasubbag, "LKj.pdf", signed, "identik")
    assert "Tanda tangan elektronik (PAdES) sah" in answer

    # A second signature: refused politely, nothing changes; the page says it is signed.
    status, body = await post(api, mini.init_data(kasat), right)
    assert status == 409 and body["error"] == texts.TTE_PAGE_ALREADY_SIGNED
    assert len(bsre.signed) == 1
    again = await browser.new_page(viewport={"width": 320, "height": 640})
    await again.goto(mini.launch_url(url, kasat))
    await expect(again.locator("#notice")).to_have_text(texts.TTE_PAGE_ALREADY_SIGNED)
    await expect(again.locator("#sign-form")).to_be_hidden()

    # Neither passphrase anywhere: data directory, captured logs, the chat.
    everything = stored_files(settings.lkj_data_dir)
    for secret in (PASSPHRASE, WRONG):
        assert secret.encode() not in everything
        assert secret not in caplog.text
        assert all(secret not in (m.text or "") for m in emu.sent_to(kasat.user_id))


async def test_the_annual_lkj_is_signed_in_the_signing_page(
    bot, webapp, emu, people, settings, bsre, clock
):
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
    mini = MiniApp(TOKEN, clock)
    url = mini.page_url(initialled, texts.BTN_SIGN_ON_PAGE)
    assert url == f"{settings.lkj_webapp_url}/ttd.html?tahunan=2026"
    base = settings.lkj_webapp_url + "/api/ttd"
    status, view = await post(base, mini.init_data(kasat), {"tahunan": "2026"})
    assert status == 200 and view["title"] == texts.annual_title(2026)
    body = {"tahunan": "2026", "versi": view["version"], "passphrase": WRONG}
    status, refused = await post(base + "/tandatangani", mini.init_data(kasat), body)
    assert status == 409 and refused["error"] == texts.TTE_REFUSED_PASSPHRASE
    body["passphrase"] = PASSPHRASE
    status, done = await post(base + "/tandatangani", mini.init_data(kasat), body)
    assert status == 200 and done["message"] == texts.TTE_PAGE_SIGNED
    message = await kasat.expect("Laporan Kinerja tahun 2026 telah ditandatangani", document=True)
    [check] = await tte.validate(message.document.content, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == "Drs. Rasdian Setiadi, M.Si."
    assert bsre.signed[-1]["user"] == KASAT_NIK


@pytest.mark.parametrize("tte_paraf", [True])
async def test_a_paraf_signed_with_bsre_takes_its_passphrase_in_the_page(
    bot, webapp, emu, people, settings, bsre, clock
):
    kasat, kasubbag, sekretaris = people.kasat, people.kasubbag, people.sekretaris
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    submitted = await sekretaris.expect("diajukan", document=True)
    answer = await sekretaris.tap("Paraf", submitted)
    assert answer["text"] == texts.TTE_PARAF_ON_PAGE_HINT
    mini = MiniApp(TOKEN, clock)
    url = mini.page_url(submitted, texts.BTN_PARAF_ON_PAGE)
    assert url == f"{settings.lkj_webapp_url}/ttd.html?siklus=satpolpp-bdg%3A2026%3A3"
    api = f"{settings.lkj_webapp_url}/api/ttd"
    status, view = await post(api, mini.init_data(sekretaris), {"siklus": CYCLE})
    assert status == 200 and view["act"] == "paraf"
    # Not the Kasat's turn yet.
    assert (await post(api, mini.init_data(kasat), {"siklus": CYCLE}))[0] in (403, 409)
    body = {"siklus": CYCLE, "versi": view["version"], "passphrase": WRONG}
    status, refused = await post(api + "/tandatangani", mini.init_data(sekretaris), body)
    assert status == 409 and refused["error"] == texts.TTE_REFUSED_PASSPHRASE
    assert quarter(settings).latest_decision("paraf") is None and bsre.signed == []
    body["passphrase"] = SEKRETARIS_PASSPHRASE
    status, done = await post(api + "/tandatangani", mini.init_data(sekretaris), body)
    assert status == 200 and done["message"] == texts.TTE_PAGE_PARAF_DONE
    initialled = (await kasat.expect("diparaf oleh", document=True)).document.content
    [check] = await tte.validate(initialled, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == sekretaris.name
    assert bsre.signed[-1]["user"] == SEKRETARIS_NIK
    everything = stored_files(settings.lkj_data_dir)
    assert SEKRETARIS_PASSPHRASE.encode() not in everything and WRONG.encode() not in everything


RINA_NIK = "3273015507900003"
RINA_PASSPHRASE = "Plh-Kasat#2026"


async def test_the_plh_signs_in_the_page_and_the_kasat_stood_in_for_may_not(
    bot, webapp, emu, people, settings, bsre, clock
):
    kasat, kasubbag, rina = people.kasat, people.kasubbag, people.team[0]
    bsre.add_user(rina.name, RINA_NIK, RINA_PASSPHRASE)
    nip = "".join(c for c in people.unit.person(rina.user_id).nip if c.isdigit())
    with open(settings.lkj_bsre_signers, "a", encoding="utf-8") as signers:
        signers.write(f'[signer."{nip}"]\nnik = "{RINA_NIK}"\n')
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    await kasat.expect("diparaf oleh", document=True)

    # The Kasat, away today, appoints Rina as Plh. Kasat: she signs, in the page.
    await appoint(
        kasat,
        f"Tunjuk Plh. Kasat ({kasat.name})",
        f"{rina.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "05-10-2026",
    )
    await kasat.tap("Kirim")
    await kasat.expect("ditunjuk sebagai")
    mini = MiniApp(TOKEN, clock)
    api = f"{settings.lkj_webapp_url}/api/ttd"
    status, refused = await post(api, mini.init_data(kasat), {"siklus": CYCLE})
    assert status in (403, 409) and refused["error"]
    status, view = await post(api, mini.init_data(rina), {"siklus": CYCLE})
    assert status == 200 and view["signer"] == rina.name
    body = {"siklus": CYCLE, "versi": view["version"], "passphrase": PASSPHRASE}
    assert (await post(api + "/tandatangani", mini.init_data(kasat), body))[0] in (403, 409)
    body["passphrase"] = RINA_PASSPHRASE
    status, done = await post(api + "/tandatangani", mini.init_data(rina), body)
    assert status == 200 and done["message"] == texts.TTE_PAGE_SIGNED
    assert [s["user"] for s in bsre.signed] == [RINA_NIK]
    signed = (await rina.expect("telah ditandatangani", document=True)).document.content
    [check] = await tte.validate(signed, tte.load_roots(settings.tte_roots))
    assert check.ok and check.signer == rina.name
