"""The Mini App in a real browser (Debian's chromium driven by Playwright): a member fills the
whole quarter in one page and sends it; the Sekretaris marks an indicator and returns the
draft, then initials it in one tap (as in chat); the Kasat signs with a second, confirming
tap. The chat and the store say the same as after the chat's own buttons. Forged, expired,
foreign and out-of-step calls are refused and change nothing."""

from __future__ import annotations

import os
from datetime import timedelta

import aiohttp
import pytest
from playwright.async_api import async_playwright, expect

from bot.settings import Settings
from demo import playbook
from demo.playbook import SAMPLES, MiniApp
from demo.screenshots import CHROMIUM, CHROMIUM_FLAGS, DARK_THEME, PHONE, free_port
from documents.sample_workbooks import sample_targets_workbook
from domain.performance import capaian
from domain.samples import sample_indicators
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository
from webapp.server import CSP, start_webapp, stop_webapp

from .conftest import TOKEN

# A paraf or a signature renders a PDF before the page shows its notice: on a loaded machine
# that takes longer than Playwright's default 5 s.
expect.set_options(timeout=60_000)


@pytest.fixture
def settings(emu, tmp_path, roster_path) -> Settings:
    port = free_port()
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_webapp_url=f"http://127.0.0.1:{port}/app",
        lkj_webapp_port=port,
        lkj_webapp_max_age_s=3600,
    )


@pytest.fixture
async def webapp(bot):
    server = await start_webapp(bot)
    assert server is not None
    yield server
    await stop_webapp(bot)


@pytest.fixture
async def browser():
    if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip("Chromium belum terpasang: jalankan bash scripts/setup.sh --test")
    async with async_playwright() as p:
        # Playwright starts every browser with a fresh, empty profile of its own.
        chromium = await p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        await chromium.close()


def store(settings: Settings):
    return CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)


async def collecting(people, first_share: int = 3):
    """Targets, start, forward, and a division that gives the first member three indicators."""
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    codes = [i.code for i in sample_indicators()]
    plan = [codes[:first_share], codes[first_share:]]
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)
    return plan


VALUES = {"IKU-1": ("78,5", 78.5), "IKU-2": ("58", 58.0), "IKU-3": ("40", 40.0)}


async def test_member_fills_the_quarter_in_one_page_and_the_chat_follows(
    bot, webapp, emu, people, settings, clock, browser
):
    member, other = people.team
    plan = await collecting(people)
    assert plan[0] == list(VALUES)
    task = await member.wait_button(texts.BTN_WEBAPP_FORM)
    mini = MiniApp(TOKEN, clock)
    page_url = mini.page_url(task, texts.BTN_WEBAPP_FORM)
    assert page_url.startswith(settings.lkj_webapp_url + "/isi.html?siklus=")
    actions = 1  # the tap on the web_app button

    page = await browser.new_page(viewport=PHONE)
    response = await page.goto(mini.launch_url(page_url, member))
    assert response.headers["content-security-policy"] == CSP
    cards = page.locator("[data-code]")
    await expect(cards).to_have_count(3)
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)"  # no theme parameters: the light palette
    first = page.locator('[data-code="IKU-1"]')
    await expect(first).to_contain_text("Target")
    indicators = {i.code: i for i in sample_indicators()}
    for code, (typed, value) in VALUES.items():
        card = page.locator(f'[data-code="{code}"]')
        await card.locator("[name=value]").fill(typed)
        await card.locator("[name=kendala]").fill(f"<b>Kendala</b> {code}")
        await card.locator("[name=tindak_lanjut]").fill(f"Tindak lanjut {code}")
        # Capaian and band as typed, by the report's own rules.
        expected = capaian(indicators[code], 3, value)
        await expect(card.locator(".capaian")).to_contain_text(expected.label)
        await expect(card.locator(".capaian")).to_contain_text(expected.rating)
    await expect(page.locator("#status")).to_have_text("Draf tersimpan.")

    # A closed page loses nothing: the draft is on the server.
    page2 = await browser.new_page(viewport=PHONE)
    await page2.goto(mini.launch_url(page_url, member))
    await expect(page2.locator('[data-code="IKU-2"] [name=value]')).to_have_value("58")
    await page2.close()
    assert store(settings).realisations == ()

    await page.locator("#kirim").click()
    actions += 1
    await expect(page.locator("#notice")).to_contain_text("telah dikirim dan dicatat")
    # User input is text, never markup.
    assert await page.locator(".card b").count() == 0
    await expect(first.locator("[name=kendala]")).to_have_value("<b>Kendala</b> IKU-1")

    recorded = await member.expect("Realisasi IKU-1, IKU-2, IKU-3 dicatat")
    assert "Belum Lengkap" in recorded.text  # evidence still goes through the chat
    cycle = store(settings)
    assert {r.code: r.value for r in cycle.realisations} == {c: v for c, (_, v) in VALUES.items()}
    assert {r.source for r in cycle.realisations} == {"miniapp"}
    assert actions <= 5
    log = bot.bot_data["services"].audit.log("satpolpp-bdg", 2026)
    assert ("lapor_realisasi", member.user_id) in {
        (e["action"], e["actor"]) for e in log.entries() if e["outcome"] == "accepted"
    }
    # Evidence sent in chat appears in the form, and a tap sends it back into the chat.
    await playbook.evidence(member, "IKU-1", "bukti_IKU-1.pdf", SAMPLES.rencana_aksi)
    await page.reload()
    await first.get_by_text("bukti_IKU-1.pdf").click()
    await expect(page.locator("#notice")).to_contain_text("dikirim ke percakapan")
    sent = await member.expect("Bukti dukung: bukti_IKU-1.pdf", document=True)
    assert sent.document.content == SAMPLES.rencana_aksi

    # A value typed in the page but then reported in chat: the page shows the chat's value.
    await first.locator("[name=value]").fill("99")
    await expect(page.locator("#status")).to_have_text("Draf tersimpan.")
    await playbook.report_typed(member, "IKU-1", "80", "Lewat obrolan.", "Tetap.")
    await page.reload()
    await expect(first.locator("[name=value]")).to_have_value("80")
    await expect(first.locator("[name=kendala]")).to_have_value("Lewat obrolan.")

    # The other member cannot open this member's data.
    stranger_page = await browser.new_page(viewport=PHONE)
    await stranger_page.goto(mini.launch_url(page_url, people.sekretaris))
    await expect(stranger_page.locator("#notice")).to_contain_text("tidak dapat dibuka oleh Anda")
    assert await stranger_page.locator("[data-code]").count() == 0


async def finish_collection(people, plan):
    for member, codes in zip(people.team, plan, strict=True):
        for code in codes:
            await playbook.report_typed(member, code, "70", "Kendala.", "Tindak lanjut.")
            await playbook.evidence(member, code, f"bukti_{code}.pdf", SAMPLES.rencana_aksi)
    await people.kasubbag.expect("telah terkumpul")


async def test_review_marks_returns_initials_and_signs_from_the_page(
    bot, webapp, emu, people, settings, clock, browser
):
    plan = await collecting(people, first_share=4)
    await finish_collection(people, plan)
    await playbook.build_and_submit(people)
    mini = MiniApp(TOKEN, clock)
    sekretaris, kasat = people.sekretaris, people.kasat
    draft = await sekretaris.expect("diajukan oleh", document=True)
    url = mini.page_url(draft, texts.BTN_WEBAPP_REVIEW)

    page = await browser.new_page(viewport=PHONE)
    await page.goto(mini.launch_url(url, sekretaris, DARK_THEME))
    await expect(page.locator("#subtitle")).to_contain_text("Draf versi 1")
    await expect(page.locator(".summary")).to_contain_text("Rata-rata capaian")
    # 70 against the targets puts every indicator under 75%: flagged at risk.
    await expect(page.locator(".badge.risk").first).to_be_visible()
    await expect(page.locator("[data-code=IKU-2]")).to_contain_text("Kendala.")
    await expect(page.locator("text=Waktu pelaksanaan SOP")).to_be_visible()
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"  # Telegram's dark theme parameters

    # Mark IKU-2 with its own reason and return the draft.
    await page.locator("#give-back").click()
    await page.locator("[data-code=IKU-2] input[name=mark]").check()
    await page.locator("[data-code=IKU-2] input[name=why]").fill("angka tidak sesuai rekap")
    await page.locator("#alasan").fill("Mohon dicek ulang.")
    await page.locator("#return-send").click()
    await expect(page.locator("#notice")).to_contain_text("dikembalikan untuk perbaikan")
    returned = await people.kasubbag.expect("dikembalikan untuk perbaikan")
    assert "IKU-2: angka tidak sesuai rekap" in returned.text
    assert "Kirim ke pelaksana (1 indikator)" in returned.buttons
    decision = store(settings).latest_decision("return")
    assert decision.marks == (("IKU-2", "angka tidak sesuai rekap"),)
    assert decision.reason == "Mohon dicek ulang."
    # The maker of the report reads it too (the button rides on the return), with no decision.
    maker_page = await browser.new_page(viewport=PHONE)
    maker_url = mini.page_url(returned, texts.BTN_WEBAPP_REVIEW)
    await maker_page.goto(mini.launch_url(maker_url, people.kasubbag))
    await expect(maker_page.locator("#report")).to_contain_text("Mohon dicek ulang.")
    await expect(maker_page.locator("#actions")).to_be_hidden()
    assert await maker_page.locator("input[name=mark]").count() == 0
    # One decision, one state: the chat's buttons of that draft are edited away.
    assert emu.message(sekretaris.user_id, draft.message_id).reply_markup == []
    assert store(settings).latest_decision("paraf") is None

    # The correction, a new draft, and the Paraf with its confirming second tap.
    member = people.team[0]
    clock.advance(minutes=20)
    await people.kasubbag.tap("Kirim ke pelaksana (1 indikator)", returned)
    await people.kasubbag.tap("Kirim", await people.kasubbag.expect("Mohon periksa kembali"))
    await member.expect("Perlu Perbaikan —")
    await playbook.report_typed(member, "IKU-2", "60", "Dicek ulang.", "Rekap diperbaiki.")
    await people.kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people, "Susun ulang draf laporan")
    draft2 = await sekretaris.expect("diajukan oleh", document=True)
    page = await browser.new_page(viewport=PHONE)
    await page.goto(mini.launch_url(mini.page_url(draft2, texts.BTN_WEBAPP_REVIEW), sekretaris))
    await expect(page.locator("#subtitle")).to_contain_text("Draf versi 2")
    await expect(page.locator("#report")).to_contain_text("IKU-2: realisasi 70 → 60")
    await expect(page.locator("#decide")).to_have_text("Paraf")
    await page.locator("#decide").click()  # one tap, as the chat's Paraf button
    await expect(page.locator("#notice")).to_contain_text("Paraf Anda telah dicatat")
    await expect(page.locator("#actions")).to_be_hidden()

    # A draft typed but never sent does not outlive the quarter.
    form_url = settings.webapp_page("isi.html", store(settings).id)
    row = {"value": "61", "kendala": "x", "tindak_lanjut": "y"}
    await mini.call(form_url, member, "api/isi/draf", {"rows": {"IKU-1": row}})
    drafts = bot.bot_data["services"].drafts
    assert drafts.get(member.user_id, store(settings).id) == {"IKU-1": row}

    initialled = await kasat.expect("diparaf oleh", document=True)
    kasat_page = await browser.new_page(viewport=PHONE)
    await kasat_page.goto(
        mini.launch_url(mini.page_url(initialled, texts.BTN_WEBAPP_REVIEW), kasat)
    )
    await kasat_page.locator("#decide").click()
    await kasat_page.locator("#cancel").click()
    await expect(kasat_page.locator("#decide")).to_have_text("Tandatangani")
    await kasat_page.locator("#decide").click()
    await kasat_page.locator("#decide").click()
    await expect(kasat_page.locator("#notice")).to_contain_text("telah ditandatangani")
    await people.kasubbag.expect("telah ditandatangani", document=True)
    assert store(settings).filed
    assert drafts.get(member.user_id, store(settings).id) == {}


async def post(url: str, init_data: str, body: dict) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            url, json=body, headers={"Authorization": f"tma {init_data}"}
        ) as response:
            return response.status, await response.json()


async def test_forged_expired_foreign_and_out_of_step_calls_are_refused(
    bot, webapp, emu, people, settings, clock
):
    plan = await collecting(people)
    mini = MiniApp(TOKEN, clock)
    member, other = people.team
    task = await member.wait_button(texts.BTN_WEBAPP_FORM)
    page_url = mini.page_url(task, texts.BTN_WEBAPP_FORM)
    api = settings.lkj_webapp_url + "/api"
    cycle_id = store(settings).id
    row = {"IKU-1": {"value": "80", "kendala": "a", "tindak_lanjut": "b"}}
    before = store(settings)

    forged = mini.init_data(member).replace("hash=", "hash=0")
    status, body = await post(f"{api}/isi/kirim", forged, {"siklus": cycle_id, "rows": row})
    assert status == 401 and "tidak sah" in body["error"]
    # The same data claimed by another user: the signature no longer matches.
    swapped = mini.init_data(member).replace(f"%22id%22%3A{member.user_id}", "%22id%22%3A1002")
    status, _ = await post(f"{api}/isi", swapped, {"siklus": cycle_id})
    assert status == 401
    old = mini.init_data(member, clock() - timedelta(seconds=3601))
    status, body = await post(f"{api}/isi/kirim", old, {"siklus": cycle_id, "rows": row})
    assert status == 401 and "kedaluwarsa" in body["error"]
    other_token = MiniApp("999:OTHER-BOT", clock).init_data(member)
    status, _ = await post(f"{api}/isi", other_token, {"siklus": cycle_id})
    assert status == 401

    # Another person's indicators, another person's form, a cycle of another unit.
    status, body = await post(
        f"{api}/isi/kirim", mini.init_data(other), {"siklus": cycle_id, "rows": row}
    )
    assert status == 400 and "tidak ditugaskan kepada Anda" in body["error"]
    status, _ = await post(f"{api}/isi", mini.init_data(people.kasat), {"siklus": cycle_id})
    assert status == 403
    status, _ = await post(f"{api}/isi", mini.init_data(member), {"siklus": "lain:2026:3"})
    assert status == 403

    # Wrong step: no report to review yet, no paraf before a submitted draft.
    for who in (people.sekretaris, people.kasat, member):
        status, _ = await post(f"{api}/tinjau", mini.init_data(who), {"siklus": cycle_id})
        assert status == 403
    assert store(settings) == before

    # Through the page too: the form answers the refusal in Indonesian.
    assert page_url  # (opened in the browser tests above)
    await finish_collection(people, plan)
    await playbook.build_and_submit(people)
    await people.sekretaris.expect("diajukan oleh", document=True)
    submitted = store(settings)
    status, body = await post(
        f"{api}/tinjau/aksi",
        mini.init_data(people.kasat),
        {"siklus": cycle_id, "aksi": "sign", "versi": 1},
    )
    assert status in (403, 409)
    status, body = await post(
        f"{api}/tinjau/aksi",
        mini.init_data(people.kasubbag),
        {"siklus": cycle_id, "aksi": "paraf", "versi": 1},
    )
    assert status == 403 and "Sekretaris" in body["error"]
    status, _ = await post(
        f"{api}/isi/kirim", mini.init_data(member), {"siklus": cycle_id, "rows": row}
    )
    assert status == 409  # the collection is closed
    assert store(settings) == submitted

    # Every refusal of a signed-in caller is audited like a refused chat action; calls that
    # prove no identity are counted into one summary line of the stranger log per window.
    log = bot.bot_data["services"].audit.log("satpolpp-bdg", 2026)
    refused = [e for e in log.entries() if e["action"].startswith("miniapp:")]
    assert {e["outcome"] for e in refused} == {"refused"}
    assert {e["actor"] for e in refused} >= {
        other.user_id,
        people.kasat.user_id,
        people.kasubbag.user_id,
        member.user_id,
    }
    webapp.refusals.flush()
    strangers = bot.bot_data["services"].audit.log(None, 2026)
    summary = [e for e in strangers.entries() if e["action"] == "miniapp:unauthenticated"]
    assert [e["detail"]["count"] for e in summary] == [4]  # forged, swapped, old, other bot
