"""The evaluators' page (issue 22 item 2) in a real browser (Debian's chromium driven by
Playwright), over a small pemda seeded through the use cases (demo/pemda.py): on a phone at
320 px in Telegram's dark theme (initData) and at 1280 px in a desktop browser at the signed
link, the table lists the pemda's units worst first (the late one on top, another pemda's
unit absent), the chart draws one bar per unit, capaian per unit and per sasaran (each
indicator by its own direction) and the steps finished on time are shown, the filters by
status and by step narrow both, and the page fits the phone; on the files and on
PostgreSQL. Over HTTP: a unit member, a stranger, forged initData, a tampered, expired or
foreign link are refused, the page at a bad link with an Indonesian page, 403; a link made
by another worker with the same settings opens the page (nothing is kept in a process)."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import aiohttp
import pytest
from playwright.async_api import expect

from app.pemda import ON_TRACK, OVERDUE
from app.pemda_page import desktop_link, sign_link
from bot.settings import Settings
from demo.guides import TEMPLATES
from demo.pemda import (
    BAPPEDA,
    INSPEKTORAT,
    REPORTED,
    launch_url,
    seed,
    write_guide,
    write_roster,
)
from demo.screenshots import CHROMIUM, DARK_THEME, free_port
from domain.performance import achievement
from domain.samples import sample_targets
from emulator.users import SimUser
from handlers import texts
from webapp.auth import sign_init_data

from . import test_miniapp as base
from .conftest import TOKEN
from .test_miniapp_looks import looks_fine

browser, webapp = base.browser, base.webapp

BANDUNG = ["satpolpp-bdg", "dinkes-bdg", "dishub-bdg", "disdik-bdg"]


@pytest.fixture
def roster_path(tmp_path):
    return write_roster(tmp_path / "roster.toml")


@pytest.fixture
def store_url(database_url: str | None) -> str | None:
    return database_url  # every test here on the files and on PostgreSQL


@pytest.fixture
def settings(emu, tmp_path, roster_path, store_url) -> Settings:
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
        lkj_database_url=store_url or "",
    )


@pytest.fixture
async def seeded(bot, webapp, clock):
    services = bot.bot_data["services"]
    await seed(services, clock.advance)
    return services


async def _units_in_table(page) -> list[str]:
    return await page.locator("#units tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.unit)"
    )


async def _units_in_chart(page) -> list[str]:
    return await page.locator("#chart svg .unit-bar").evaluate_all(
        "marks => marks.map(m => m.dataset.unit)"
    )


async def test_phone_in_telegram_dark_units_worst_first_chart_and_filters(
    seeded, settings, clock, browser
):
    page = await browser.new_page(viewport={"width": 320, "height": 740}, color_scheme="dark")
    url = settings.evaluator_page()
    assert url == settings.lkj_webapp_url + "/pantau.html"
    await page.goto(launch_url(TOKEN, url, INSPEKTORAT, "Sri", clock(), DARK_THEME))
    rows = page.locator("#units tbody tr")
    await expect(rows).to_have_count(4)
    # Worst first: the Satpol PP has waited a week at its step; the unit not started is last.
    order = await _units_in_table(page)
    assert order[0] == "satpolpp-bdg" and order[-1] == "disdik-bdg"
    assert sorted(order) == sorted(BANDUNG)  # the Kendal unit is another pemda's
    first = rows.first
    assert await first.get_attribute("data-state") == OVERDUE
    await expect(first).to_contain_text("Terlambat")
    await expect(first).to_contain_text("hari kerja")
    await expect(page.locator("#title")).to_have_text("Pemantauan LKj Pemerintah Kota Bandung")
    # Capaian per unit: the Dinas Kesehatan reported three indicators.
    dinkes = page.locator('#units tr[data-unit="dinkes-bdg"]')
    await expect(dinkes.locator("td.num .capaian")).to_have_text(re.compile(r"^\d+(,\d+)?%$"))
    await expect(dinkes).to_contain_text("3/")
    # Capaian per sasaran and the SOP's timing so far (numbers: test below, over HTTP).
    await expect(dinkes.locator("ul.sasaran li")).to_have_count(3)
    units = await _data(page)
    done = next(u for u in units if u["unit"] == "dinkes-bdg")
    on_time = f"{done['steps_done'] - done['steps_late']}/{done['steps_done']} tahap tepat waktu"
    await expect(dinkes).to_contain_text(on_time)
    # The chart: one bar per unit, in the table's order; the state counts add up.
    assert await _units_in_chart(page) == order
    marks = page.locator("#chart svg .unit-bar")
    late_width = float((await marks.first.get_attribute("width")).rstrip("%"))
    not_started = page.locator('#chart svg .unit-bar[data-unit="disdik-bdg"]')
    assert 0 < late_width < 100 and await not_started.get_attribute("width") == "0.00%"
    counts = page.locator("#counts button strong")
    assert sum(int(t) for t in await counts.all_inner_texts()) == 4
    # The page is dark (Telegram's theme) and fits the phone: no sideways scrolling,
    # 44 px targets, 16 px selects, readable contrast.
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"
    await looks_fine(page)

    # Filter by status: the late ones only, in the table and the chart (in the same order).
    units = await _data(page)
    late = [u["unit"] for u in units if u["state"] == OVERDUE]
    assert late[0] == "satpolpp-bdg" and "dishub-bdg" not in late  # started minutes ago
    await page.select_option("#filter-state", OVERDUE)
    await expect(rows).to_have_count(len(late))
    assert await _units_in_table(page) == late == await _units_in_chart(page)
    # And by step: the late unit at the Dinas Kesehatan's step (collecting data) only.
    dinkes_step = next(u["step"] for u in units if u["unit"] == "dinkes-bdg")
    await page.select_option("#filter-step", str(dinkes_step))
    await expect(rows).to_have_count(1)
    assert await _units_in_table(page) == ["dinkes-bdg"] == await _units_in_chart(page)
    await page.select_option("#filter-state", ON_TRACK)  # nobody on track at that step
    await expect(rows).to_have_count(0)
    await expect(page.locator("#empty")).to_be_visible()
    assert await _units_in_chart(page) == []
    # A state's count is a filter too.
    await page.select_option("#filter-step", "")
    await page.locator('#counts button[data-state="belum_dimulai"]').click()
    assert await _units_in_table(page) == ["disdik-bdg"]
    await page.close()


async def _data(page) -> list[dict]:
    return await page.evaluate("data.units")


async def test_desktop_browser_at_the_signed_link(seeded, settings, clock, browser):
    evaluator = seeded.roster.evaluator(BAPPEDA)
    made = desktop_link(seeded, evaluator)
    assert made is not None
    link, expires = made
    assert link.startswith(settings.lkj_webapp_url + "/pantau.html?tautan=")
    assert expires == clock() + timedelta(days=settings.lkj_link_days)
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(link)
    rows = page.locator("#units tbody tr")
    await expect(rows).to_have_count(4)
    assert (await _units_in_table(page))[0] == "satpolpp-bdg"
    await expect(page.locator("#subtitle")).to_contain_text("Hendra Gunawan, S.T. (Bappeda)")
    # The wide table shows the quarter, the holder and the deadline in their own columns.
    head = page.locator("#units thead")
    await expect(head).to_contain_text("Pemegang tahap")
    await expect(head.locator("th.wide").first).to_be_visible()
    await expect(rows.first.locator("td.wide").nth(1)).to_contain_text("Sekretaris")
    assert len(await _units_in_chart(page)) == 4
    await looks_fine(page)
    # Last year (January reports its fourth quarter): nothing of it was started here.
    await page.select_option("#filter-year", str(clock().year - 1))
    await expect(page.locator("#subtitle")).to_contain_text(f"Tahun {clock().year - 1}")
    states = await rows.evaluate_all("rows => rows.map(r => r.dataset.state)")
    assert states == ["belum_dimulai"] * 4
    await expect(page.locator('#counts button[data-state="belum_dimulai"] strong')).to_have_text(
        "4"
    )
    await page.close()


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def _post(url: str, authorization: str | None, body: dict | None = None) -> tuple[int, dict]:
    headers = {"Authorization": authorization} if authorization else {}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body or {}, headers=headers) as response:
            return response.status, await response.json()


async def test_strangers_members_and_bad_links_are_refused(seeded, settings, clock):
    api = settings.lkj_webapp_url + "/api/pantau"
    page = settings.evaluator_page()
    assert page is not None

    def tma(user_id: int, token: str = TOKEN) -> str:
        return "tma " + sign_init_data(token, {"id": user_id, "first_name": "X"}, clock())

    status, body = await _post(api, tma(INSPEKTORAT))
    assert status == 200 and [u["unit"] for u in body["units"]][0] == "satpolpp-bdg"
    _capaian_per_sasaran_and_sop_compliance(body)
    assert body["years"] == [2026, 2025, 2024]
    # A year the page does not offer is this year's view.
    status, other = await _post(api, tma(INSPEKTORAT), {"tahun": 1999})
    assert (status, other["year"], other["units"]) == (200, 2026, body["units"])
    # A unit's Kasat is no evaluator; nor is a stranger.
    for user_id in (1001, 9999):
        status, body = await _post(api, tma(user_id))
        assert status == 403 and "evaluator" in body["error"]
    status, body = await _post(api, tma(INSPEKTORAT, token="654321:OTHER"))
    assert (status, body["error"]) == (401, texts.WEBAPP_AUTH_INVALID)
    status, _ = await _post(api, None)
    assert status == 401

    link = desktop_link(seeded, seeded.roster.evaluator(INSPEKTORAT))
    assert link is not None
    token = link[0].split("tautan=")[1]
    # Another worker, with the same settings, made this link: it opens here (stateless).
    other = Settings(_env_file=None, telegram_bot_token=TOKEN)
    elsewhere = sign_link(other.link_key, BAPPEDA, clock() + timedelta(days=1))
    status, body = await _post(api, "tautan " + elsewhere)
    assert status == 200 and body["evaluator"]["body"] == "Bappeda"
    status, html = await _get(settings.evaluator_page(elsewhere) or "")
    assert status == 200 and 'src="pantau.js"' in html

    user, stamp, mac = token.split(".")
    tampered = [
        f"{BAPPEDA}.{stamp}.{mac}",  # another evaluator's id under this MAC
        f"{user}.{int(stamp) + 86400}.{mac}",  # a later expiry
        f"{user}.{stamp}.{mac[:-2]}AA",
        "rusak",
    ]
    for bad in tampered:
        status, html = await _get(settings.evaluator_page(bad) or "")
        assert status == 403, bad
        assert texts.PANTAU_LINK_TAMPERED.split(".")[0] in html and 'lang="id"' in html
        assert "pantau.js" not in html
        status, body = await _post(api, "tautan " + bad)
        assert (status, body["error"]) == (403, texts.PANTAU_LINK_TAMPERED)
    # A link whose evaluator is a unit member's id, signed with another key: refused too.
    foreign = sign_link(b"x" * 32, INSPEKTORAT, clock() + timedelta(days=1))
    assert (await _get(settings.evaluator_page(foreign) or ""))[0] == 403
    # Valid yesterday, expired today.
    clock.advance(days=settings.lkj_link_days, seconds=1)
    status, html = await _get(link[0])
    assert status == 403 and texts.PANTAU_LINK_EXPIRED.split(".")[0] in html
    status, body = await _post(api, "tautan " + token)
    assert (status, body["error"]) == (403, texts.PANTAU_LINK_EXPIRED)


async def test_an_evaluator_asks_for_the_link_in_chat(seeded, emu, settings):
    evaluator = SimUser(emu, BAPPEDA, "Hendra")
    # /pantau opens the page in Telegram with a web_app button above the units
    evaluator.say("/pantau")
    listing = await evaluator.expect("Pemantauan laporan kinerja")
    assert listing.reply_markup[0] == [(texts.BTN_PEMDA_PAGE, settings.evaluator_page())]
    assert listing.buttons[1].startswith("1. ")
    evaluator.say("/tautan_pantau")
    reply = await evaluator.expect("Tautan halaman pemantauan")
    url = next(w for w in reply.text.split() if w.startswith(settings.lkj_webapp_url))
    assert "Berlaku sampai" in reply.text
    status, body = await _post(
        settings.lkj_webapp_url + "/api/pantau", "tautan " + url.split("tautan=")[1]
    )
    assert status == 200 and body["evaluator"]["name"] == "Hendra Gunawan, S.T."
    kasat = SimUser(emu, 1001, "Kasat")
    kasat.say("/tautan_pantau")
    refused = await kasat.expect("hanya diberikan kepada evaluator")
    assert settings.lkj_webapp_url not in refused.text


async def test_the_evaluators_guide_shows_the_page(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium belum terpasang: jalankan bash scripts/setup.sh --test")
    page = await write_guide(tmp_path, TEMPLATES)
    html = page.read_text(encoding="utf-8")
    for shot in ("miniapp_pantau_gelap.png", "pantau_desktop.png"):
        assert f'src="{shot}"' in html
        assert (tmp_path / shot).read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "pemantauan.pdf").read_bytes()[:4] == b"%PDF"
    assert "/tautan_pantau" in html
    assert not (tmp_path / "pantau_desktop_penuh.png").exists()


def _capaian_per_sasaran_and_sop_compliance(body: dict) -> None:
    """The Dinas Kesehatan's capaian per sasaran (each indicator by its own direction) and
    the steps its quarter finished on time, as the page's JSON gives them."""
    dinkes = next(u for u in body["units"] if u["unit"] == "dinkes-bdg")
    indicators = sample_targets("dinkes-bdg").indicators
    expected = {}
    for indicator in indicators:
        expected.setdefault(indicator.sasaran, [])
        if indicator.code in REPORTED:
            value = achievement(
                indicator.code,
                4,
                indicator.direction,
                indicator.targets[3],
                REPORTED[indicator.code],
            )
            expected[indicator.sasaran].append(value.percent)
    assert [s["sasaran"] for s in dinkes["sasaran"]] == list(expected)
    for cell in dinkes["sasaran"]:
        values = expected[cell["sasaran"]]
        assert cell["reported"] == len(values)
        mean = round(sum(values) / len(values), 2) if values else None
        assert cell["capaian"] == mean, cell
    assert any(i.direction == "turun" and i.code in REPORTED for i in indicators)
    # Started, forwarded an hour later (past its quarter of an hour), divided; the collection
    # still open past its deadline is judged too (as the SOP appendix counts it).
    assert dinkes["steps_done"] == 4 and 2 <= dinkes["steps_late"] <= 3
    satpol = next(u for u in body["units"] if u["unit"] == "satpolpp-bdg")
    assert (satpol["steps_done"], satpol["steps_late"]) == (2, 1)
