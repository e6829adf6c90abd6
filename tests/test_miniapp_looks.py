"""The Mini App looked at as a phone shows it (Debian's chromium driven by Playwright), at 320,
390 and 430 px, in the light and the dark theme: every control is a 44 × 44 px tap target,
every input 16 px or larger (no zoom on iOS), nothing scrolls sideways, every text reads
(contrast ≥ 4.5 : 1 computed from the computed colours), a 500-character kendala is not
clipped, a card says what happened to it after each autosave, and the page speaks of
"Kategori" and "84%". Inside Telegram (a recording ``Telegram.WebApp`` object) the page uses
Telegram's own controls: MainButton with its progress, BackButton, the confirmation popup,
haptic feedback, theme and safe-area changes, and the closing confirmation while unsaved."""

from __future__ import annotations

import asyncio
import json

from playwright.async_api import expect

from demo import playbook
from demo.playbook import SAMPLES, MiniApp
from demo.screenshots import DARK_THEME
from handlers import texts

from . import test_miniapp as base
from .conftest import TOKEN
from .test_miniapp import collecting, finish_collection, store

# The browser, the bot's settings and the running Mini App server of tests/test_miniapp.py.
browser, settings, webapp = base.browser, base.settings, base.webapp

WIDTHS = (320, 390, 430)
KENDALA = ("Data dari kecamatan belum lengkap karena format rekap berbeda-beda; " * 8)[:500]

# ruff: noqa: E501 (the page scripts below read better unwrapped)
# Every problem a phone user would meet, as a list of sentences (empty: the page is fine).
LOOK = """
() => {
  const problems = [];
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const background = (node) => {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0) layers.push(c);
      if (c && c.a === 1) break;
    }
    let colour = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const visible = (n) => n.getClientRects().length > 0 && getComputedStyle(n).visibility !== "hidden";
  const name = (n) => n.tagName.toLowerCase() + (n.id ? "#" + n.id : "") +
    (n.className && typeof n.className === "string" ? "." + n.className.split(" ").join(".") : "") +
    (n.closest("[data-code]") ? " in " + n.closest("[data-code]").dataset.code : "");

  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push("scrolls sideways: " + root.scrollWidth + " > " + root.clientWidth);
  }
  for (const n of document.body.querySelectorAll("*")) {
    if (!visible(n)) continue;
    const r = n.getBoundingClientRect();
    if (r.right > root.clientWidth + 0.5 && getComputedStyle(n).position !== "fixed") {
      problems.push("sticks out: " + name(n) + " to " + r.right);
    }
  }
  const controls = document.querySelectorAll(
    "button, input:not([type=checkbox]):not([type=file]), textarea, select, label.check, label.upload-pick");
  for (const n of controls) {
    if (!visible(n)) continue;
    const r = n.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) {
      problems.push("small tap target: " + name(n) + " " + Math.round(r.width) + "×" + Math.round(r.height));
    }
  }
  for (const n of document.querySelectorAll("input[type=text], textarea, select")) {
    if (!visible(n)) continue;
    const size = parseFloat(getComputedStyle(n).fontSize);
    if (size < 16) problems.push("small input font: " + name(n) + " " + size + "px");
  }
  for (const n of document.querySelectorAll("textarea")) {
    if (!visible(n)) continue;
    if (n.scrollHeight > n.clientHeight) {
      problems.push("clipped text area: " + name(n) + " " + n.scrollHeight + " > " + n.clientHeight);
    }
  }
  for (const n of document.body.querySelectorAll("*")) {
    if (!visible(n) || n.closest(":disabled")) continue;
    const own = [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    const field = n.matches("input[type=text], textarea") && n.value;
    if (!own && !field) continue;
    const fg = parse(getComputedStyle(n).color);
    const bg = background(n);
    const value = ratio(fg.a < 1 ? over(fg, bg) : fg, bg);
    if (value < 4.5) problems.push("low contrast " + value.toFixed(2) + ": " + name(n));
  }
  const text = document.body.innerText;
  if (/\\d %/.test(text)) problems.push("a number and its % apart: " + text.match(/.{0,20}\\d %/)[0]);
  if (/Predikat/i.test(text)) problems.push("says Predikat, not Kategori");
  return problems;
}
"""

# A Telegram.WebApp that records what the page asks of it; the test presses its buttons,
# answers its popups and fires its events.
MOCK = """
(() => {
  window.__calls = [];
  window.__answers = [];
  const clicks = { main: [], back: [] };
  const events = {};
  const record = (name, ...args) => window.__calls.push([name, ...args]);
  const button = (prefix, key) => {
    const b = {
      isVisible: false, text: "", isProgressVisible: false, isActive: true,
      setText(text) { record(prefix + ".setText", text); b.text = text; return b; },
      setParams(p) {
        record(prefix + ".setParams", p);
        if ("text" in p) b.text = p.text;
        if ("is_visible" in p) b.isVisible = p.is_visible;
        return b;
      },
      show() { record(prefix + ".show"); b.isVisible = true; return b; },
      hide() { record(prefix + ".hide"); b.isVisible = false; return b; },
      enable() { record(prefix + ".enable"); return b; },
      disable() { record(prefix + ".disable"); return b; },
      showProgress() { record(prefix + ".showProgress"); b.isProgressVisible = true; return b; },
      hideProgress() { record(prefix + ".hideProgress"); b.isProgressVisible = false; return b; },
      onClick(fn) { clicks[key].push(fn); return b; },
      offClick() { return b; },
    };
    return b;
  };
  window.Telegram = { WebApp: {
    themeParams: {},
    safeAreaInset: { top: 0, bottom: 34, left: 0, right: 0 },
    contentSafeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    viewportStableHeight: 700,
    ready() { record("ready"); },
    expand() { record("expand"); },
    onEvent(name, fn) { (events[name] = events[name] || []).push(fn); },
    enableClosingConfirmation() { record("enableClosingConfirmation"); },
    disableClosingConfirmation() { record("disableClosingConfirmation"); },
    showConfirm(message, callback) {
      record("showConfirm", message);
      const answer = window.__answers.shift();
      setTimeout(() => callback(answer), 0);
    },
    showPopup(params, callback) { record("showPopup", params); setTimeout(() => callback(null), 0); },
    HapticFeedback: { notificationOccurred(kind) { record("haptic", kind); } },
    MainButton: button("MainButton", "main"),
    BackButton: button("BackButton", "back"),
  } };
  window.__press = (key) => clicks[key].forEach((fn) => fn());
  window.__emit = (name) => (events[name] || []).forEach((fn) => fn());
})();
"""


async def calls(page, name: str | None = None) -> list:
    recorded = await page.evaluate("window.__calls")
    return [c for c in recorded if name is None or c[0] == name]


async def open_page(browser, mini, url, user, width: int, dark: bool, telegram: bool = False):
    page = await browser.new_page(
        viewport={"width": width, "height": 740}, color_scheme="dark" if dark else "light"
    )
    if telegram:
        await page.add_init_script(MOCK)
    await page.goto(mini.launch_url(url, user, DARK_THEME if dark else None))
    return page


async def looks_fine(page) -> None:
    await page.evaluate("document.fonts.ready")
    problems = await page.evaluate(LOOK)
    assert problems == [], problems


async def test_the_form_fits_a_phone_in_both_themes(
    bot, webapp, emu, people, settings, clock, browser
):
    member = people.team[0]
    await collecting(people)
    task = await member.wait_button(texts.BTN_WEBAPP_FORM)
    mini = MiniApp(TOKEN, clock)
    url = mini.page_url(task, texts.BTN_WEBAPP_FORM)

    # Typed and kept: the card says so at once (not "Belum Ada"), with the Indonesian comma.
    page = await open_page(browser, mini, url, member, 390, dark=False)
    card = page.locator('[data-code="IKU-1"]')
    await expect(card.locator(".state")).to_have_text("Belum Ada")
    assert await card.locator("[name=value]").get_attribute("inputmode") == "decimal"
    await card.locator("[name=value]").fill("78,5")
    await card.locator("[name=kendala]").fill(KENDALA)
    await card.locator("[name=tindak_lanjut]").fill("Rekap diseragamkan.")
    await expect(page.locator("#status")).to_have_text("Draf tersimpan.")
    await expect(card.locator(".state")).to_have_text("Draf tersimpan")
    await expect(card.locator(".capaian")).to_contain_text("%")
    await expect(card.locator(".capaian")).not_to_contain_text(texts.WEBAPP_NOT_A_NUMBER)
    await looks_fine(page)
    await page.close()

    for width in WIDTHS:
        for dark in (False, True):
            page = await open_page(browser, mini, url, member, width, dark)
            await expect(page.locator("[data-code]")).to_have_count(3)
            kendala = page.locator('[data-code="IKU-1"] [name=kendala]')
            await expect(kendala).to_have_value(KENDALA)
            await expect(page.locator('[data-code="IKU-1"] .state')).to_have_text("Draf tersimpan")
            assert await page.evaluate(
                "getComputedStyle(document.querySelector('button#kirim')).minHeight"
            ) in ("44px",)
            await looks_fine(page)
            await page.close()

    # Sent: the card says "Terkirim" (evidence still to come).
    page = await open_page(browser, mini, url, member, 390, dark=False)
    await page.locator("#kirim").click()
    await expect(page.locator("#notice")).to_contain_text("telah dikirim dan dicatat")
    await expect(page.locator('[data-code="IKU-1"] .state')).to_have_text(
        "Terkirim · Belum Lengkap"
    )
    await expect(page.locator('[data-code="IKU-2"] .state')).to_have_text("Belum Ada")
    await looks_fine(page)


async def test_the_form_uses_telegrams_own_controls(
    bot, webapp, emu, people, settings, clock, browser
):
    member = people.team[0]
    await collecting(people)
    task = await member.wait_button(texts.BTN_WEBAPP_FORM)
    mini = MiniApp(TOKEN, clock)
    url = mini.page_url(task, texts.BTN_WEBAPP_FORM)
    page = await open_page(browser, mini, url, member, 320, dark=False, telegram=True)
    await expect(page.locator("[data-code]")).to_have_count(3)
    assert await calls(page, "ready") and await calls(page, "expand")
    # Kirim is Telegram's MainButton; the page's own button stays hidden.
    main = await page.evaluate("Telegram.WebApp.MainButton")
    assert main["text"] == "Kirim" and main["isVisible"]
    await expect(page.locator("#kirim")).to_be_hidden()
    # Telegram's safe area (34 px at the bottom) keeps the page's end clear of the home bar.
    padding = await page.evaluate("getComputedStyle(document.body).paddingBottom")
    assert padding == "130px"  # 96 px for the footer and 34 px of safe area
    # A theme changed while the page is open is followed.
    await page.evaluate(f"Telegram.WebApp.themeParams = {json.dumps(DARK_THEME)}")
    await page.evaluate("__emit('themeChanged')")
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"
    await looks_fine(page)

    card = page.locator('[data-code="IKU-1"]')
    await card.locator("[name=value]").fill("80")
    assert await calls(page, "enableClosingConfirmation")  # typed, not yet on the server
    await expect(page.locator("#status")).to_have_text("Draf tersimpan.")
    assert await calls(page, "disableClosingConfirmation")

    # An incomplete row: Kirim is refused, felt as an error.
    await page.evaluate("__press('main')")
    await expect(page.locator("#notice")).to_contain_text(texts.LABEL_KENDALA)
    assert ["haptic", "error"] in await calls(page, "haptic")
    await card.locator("[name=kendala]").fill("Kendala.")
    await card.locator("[name=tindak_lanjut]").fill("Tindak lanjut.")
    await expect(page.locator("#status")).to_have_text("Draf tersimpan.")
    await page.evaluate("__press('main')")
    await expect(page.locator("#notice")).to_contain_text("telah dikirim dan dicatat")
    assert ["haptic", "success"] in await calls(page, "haptic")
    assert await calls(page, "MainButton.showProgress")
    assert await calls(page, "MainButton.hideProgress")
    await member.expect("Realisasi IKU-1 dicatat")
    assert {r.code for r in store(settings).realisations} == {"IKU-1"}


async def test_the_review_uses_telegrams_own_controls(
    bot, webapp, emu, people, settings, clock, browser
):
    plan = await collecting(people, first_share=4)
    await finish_collection(people, plan)
    await playbook.build_and_submit(people)
    mini = MiniApp(TOKEN, clock)
    sekretaris, kasat = people.sekretaris, people.kasat
    draft = await sekretaris.expect("diajukan oleh", document=True)
    url = mini.page_url(draft, texts.BTN_WEBAPP_REVIEW)

    # Outside Telegram, at each width and theme, the review page fits and reads too.
    for width in WIDTHS:
        for dark in (False, True):
            page = await open_page(browser, mini, url, sekretaris, width, dark)
            await expect(page.locator("#subtitle")).to_contain_text("Draf versi 1")
            await expect(page.locator("#report")).to_contain_text("Kategori")
            await page.locator("#give-back").click()
            await page.locator("[data-code=IKU-2] input[name=mark]").check()
            await looks_fine(page)
            await page.close()

    page = await open_page(browser, mini, url, sekretaris, 390, dark=True, telegram=True)
    await expect(page.locator("#subtitle")).to_contain_text("Draf versi 1")
    main = await page.evaluate("Telegram.WebApp.MainButton")
    assert main["text"] == "Paraf" and main["isVisible"]
    await expect(page.locator("#decide")).to_be_hidden()
    # The return form has depth: Telegram's BackButton closes it, the MainButton sends it.
    await page.locator("#give-back").click()
    await expect(page.locator("#return-box")).to_be_visible()
    assert (await page.evaluate("Telegram.WebApp.BackButton"))["isVisible"]
    assert (await page.evaluate("Telegram.WebApp.MainButton"))["text"] == "Kirim pengembalian"
    await page.locator("#alasan").fill("Belum yakin.")
    assert await calls(page, "enableClosingConfirmation")
    await page.evaluate("__press('back')")
    await expect(page.locator("#return-box")).to_be_hidden()
    assert not (await page.evaluate("Telegram.WebApp.BackButton"))["isVisible"]
    assert (await page.evaluate("Telegram.WebApp.MainButton"))["text"] == "Paraf"

    # Paraf: one press of the MainButton, as the chat's one tap.
    await page.evaluate("__press('main')")
    await expect(page.locator("#notice")).to_contain_text("Paraf Anda telah dicatat")
    assert await calls(page, "showConfirm") == []
    assert ["haptic", "success"] in await calls(page, "haptic")
    assert store(settings).latest_decision("paraf") is not None
    assert not (await page.evaluate("Telegram.WebApp.MainButton"))["isVisible"]
    # One decision, one state: the chat's Paraf/Kembalikan under the draft are edited away.
    assert emu.message(sekretaris.user_id, draft.message_id).reply_markup == []

    # The signature asks through Telegram's own popup: "no" records nothing, "yes" signs.
    initialled = await kasat.expect("diparaf oleh", document=True)
    kasat_url = mini.page_url(initialled, texts.BTN_WEBAPP_REVIEW)
    page = await open_page(browser, mini, kasat_url, kasat, 390, dark=False, telegram=True)
    await expect(page.locator("#subtitle")).to_contain_text("versi")
    assert (await page.evaluate("Telegram.WebApp.MainButton"))["text"] == "Tandatangani"
    await page.evaluate("__answers.push(false, true)")
    await page.evaluate("__press('main')")
    while not await calls(page, "showConfirm"):
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # the "no" answer has had its turn
    assert not store(settings).filed
    await page.evaluate("__press('main')")
    await expect(page.locator("#notice")).to_contain_text("telah ditandatangani")
    assert len(await calls(page, "showConfirm")) == 2
    assert store(settings).filed
    assert emu.message(kasat.user_id, initialled.message_id).reply_markup == []


async def test_a_decision_in_chat_shows_in_the_open_page(
    bot, webapp, emu, people, settings, clock, browser
):
    plan = await collecting(people, first_share=4)
    await finish_collection(people, plan)
    await playbook.build_and_submit(people)
    mini = MiniApp(TOKEN, clock)
    sekretaris = people.sekretaris
    draft = await sekretaris.expect("diajukan oleh", document=True)
    page = await open_page(
        browser, mini, mini.page_url(draft, texts.BTN_WEBAPP_REVIEW), sekretaris, 390, False
    )
    await expect(page.locator("#decide")).to_have_text("Paraf")
    await playbook.tap_through(sekretaris, texts.BTN_PARAF, draft)  # one tap in chat too
    assert store(settings).latest_decision("paraf") is not None
    # The page, still open, is pressed: refused, and it shows the report as it now stands.
    await page.locator("#decide").click()
    await expect(page.locator("#notice")).to_have_class("notice error")
    await expect(page.locator("#actions")).to_be_hidden()
    await expect(page.locator("#subtitle")).to_contain_text("Sudah diparaf")


async def test_evidence_goes_in_from_the_page(bot, webapp, emu, people, settings, clock, browser):
    member = people.team[0]
    await collecting(people)
    task = await member.wait_button(texts.BTN_WEBAPP_FORM)
    mini = MiniApp(TOKEN, clock)
    url = mini.page_url(task, texts.BTN_WEBAPP_FORM)
    page = await open_page(browser, mini, url, member, 320, dark=True, telegram=True)
    card = page.locator('[data-code="IKU-2"]')
    await expect(card.locator("input[name=bukti]")).to_have_count(1)
    await looks_fine(page)

    # Checked like a file sent in chat: a "PDF" that is not one is refused and nothing kept.
    fake = {"name": "palsu.pdf", "mimeType": "application/pdf", "buffer": b"bukan pdf"}
    await card.locator("input[name=bukti]").set_input_files(files=[fake])
    await expect(page.locator("#notice")).to_contain_text("bukan berkas PDF yang sah")
    assert ["haptic", "error"] in await calls(page, "haptic")
    assert all(not i.files for a in store(settings).assignments for i in a.items)

    real = {
        "name": "bukti_IKU-2.pdf",
        "mimeType": "application/pdf",
        "buffer": SAMPLES.rencana_aksi,
    }
    await card.locator("input[name=bukti]").set_input_files(files=[real])
    await expect(page.locator("#notice")).to_contain_text("telah diterima dan dicatat")
    await expect(card.locator(".files")).to_contain_text("bukti_IKU-2.pdf")
    # Announced in the chat as the chat's own upload, stored by its SHA-256.
    await member.expect("bukti_IKU-2.pdf")
    item = next(i for a in store(settings).assignments for i in a.items if i.code == "IKU-2")
    (ref,) = item.files
    blobs = bot.bot_data["services"].db.blobs
    assert ref.name == "bukti_IKU-2.pdf" and blobs.get(ref.sha256) == SAMPLES.rencana_aksi
    await looks_fine(page)

    # Ganti and Hapus as /bukti allows: the replacement takes the file's place, and a removal
    # asks through Telegram's own popup ("no" keeps it); each is told in the chat too.
    other = {
        "name": "bukti_IKU-2_baru.pdf",
        "mimeType": "application/pdf",
        "buffer": SAMPLES.perjanjian_kinerja,
    }
    async with page.expect_file_chooser() as chooser:
        await card.locator("button.file-act", has_text="Ganti").click()
    await (await chooser.value).set_files(files=[other])
    await expect(page.locator("#notice")).to_contain_text("telah diganti dengan")
    await expect(card.locator(".files")).to_contain_text("bukti_IKU-2_baru.pdf")
    await expect(card.locator(".files")).not_to_contain_text("bukti_IKU-2.pdf")
    await member.expect("bukti_IKU-2_baru.pdf")
    item = next(i for a in store(settings).assignments for i in a.items if i.code == "IKU-2")
    assert [f.name for f in item.files] == ["bukti_IKU-2_baru.pdf"]
    assert blobs.get(item.files[0].sha256) == SAMPLES.perjanjian_kinerja
    await looks_fine(page)

    asked = len(await calls(page, "showConfirm"))
    await page.evaluate("__answers.push(false, true)")
    await card.locator("button.file-act", has_text="Hapus").click()
    while len(await calls(page, "showConfirm")) == asked:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # the "no" answer has had its turn
    item = next(i for a in store(settings).assignments for i in a.items if i.code == "IKU-2")
    assert len(item.files) == 1
    await card.locator("button.file-act", has_text="Hapus").click()
    await expect(page.locator("#notice")).to_contain_text("telah dihapus")
    await expect(card.locator(".files")).to_have_count(0)
    await member.expect("dihapus")
    item = next(i for a in store(settings).assignments for i in a.items if i.code == "IKU-2")
    assert item.files == ()
