"""Invitations that cannot mislead, through the emulator: one open invitation per post, a
held post refused at opening, the listing true after Cabut, a stranger's guesses answered
once past the limit and then not at all, and a new unit's government read from its name."""

from __future__ import annotations

import asyncio
import io
import re

import pytest
from pypdf import PdfReader

from bot.settings import Settings
from demo import playbook
from demo.playbook import Cast
from emulator.users import SimUser
from storage.audit import AuditLog
from tests.conftest import TOKEN

OPERATOR = 777
UNIT = "satpolpp-kbb"
UNIT_NAME = "Satuan Polisi Pamong Praja Kabupaten Bandung Barat"
KASUBBAG = ("Asep Sunandar, S.E.", "198203152008011002", "Kepala Subbagian Perencanaan")
KASAT = ("Drs. Dadang Suherman, M.Si.", "196905121994031005", "Kepala Satuan")
SEKRETARIS = ("Euis Rohayati, S.H.", "197506062000032003", "Sekretaris Satuan")


@pytest.fixture
def roster_path(tmp_path):
    return tmp_path / "roster.toml"  # no file: an empty deployment


@pytest.fixture
def settings(emu, tmp_path, roster_path) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_admin_ids=str(OPERATOR),
    )


async def new_unit(emu, name: str = UNIT_NAME, code: str = UNIT) -> tuple[SimUser, SimUser]:
    """The operator creates the unit; its Kasubbag joins. (operator, kasubbag)"""
    operator = SimUser(emu, OPERATOR, "Operator Diskominfo")
    kasubbag = SimUser(emu, 3003, KASUBBAG[0])
    operator.say(f"/unit_baru {code} | {name} | Ngamprah")
    link = await operator.expect("Undangan sebagai Kasubbag")
    await playbook.join(kasubbag, playbook.invitation_code(link.text), KASUBBAG)
    return operator, kasubbag


async def test_the_operators_start_names_unit_baru(bot, emu):
    operator = SimUser(emu, OPERATOR, "Operator Diskominfo")
    operator.say("/start")
    hello = await operator.expect("operator lkj-bot")
    assert "/unit_baru" in hello.text and "belum terdaftar" not in hello.text


async def test_a_new_units_government_is_read_from_its_name_or_asked_for(bot, emu, bot_services):
    operator = SimUser(emu, OPERATOR, "Operator Diskominfo")
    operator.say("/unit_baru dinkes-kendal | Dinas Kesehatan Kabupaten Kendal | Kendal")
    created = await operator.expect("Undangan sebagai")
    assert "Pemerintah Kabupaten Kendal" in created.text and "dibaca dari nama unit" in created.text
    assert bot_services().roster.unit("dinkes-kendal").government.line == (
        "Pemerintah Kabupaten Kendal"
    )

    # A name that names no region: nothing is created, the fourth part is asked for.
    operator.say("/unit_baru rsud | RSUD Soewondo | Kendal")
    assert "bagian keempat" in (await operator.expect("tidak dapat dibaca")).text
    assert [u.code for u in bot_services().roster.units] == ["dinkes-kendal"]
    operator.say("/unit_baru rsud | RSUD Soewondo | Kendal | Kabupaten Kendal")
    created = await operator.expect("Undangan sebagai")
    assert "Pemerintah Kabupaten Kendal" in created.text and "sesuai isian Anda" in created.text


@pytest.fixture
def bot_services(bot):
    return lambda: bot.bot_data["services"]


async def test_a_second_invitation_to_a_post_replaces_the_first(bot, emu):
    _, kasubbag = await new_unit(emu)
    first = await playbook.invite(kasubbag, "Sekretaris")
    kasubbag.say("/undang")
    await kasubbag.tap("Sekretaris", await kasubbag.expect("Pilih peran"))
    await kasubbag.tap("Diisi oleh yang diundang", await kasubbag.expect("Siapa yang mengisi"))
    made = await kasubbag.expect("Undangan sebagai")
    second = playbook.invitation_code(made.text)
    assert f"…{first[-4:]}) telah dicabut" in made.text

    # The first link no longer works; the newest one does.
    stranger = SimUser(emu, 3010, "Penerima Lama")
    stranger.say(f"/start {first}")
    await stranger.expect("telah dicabut")
    kasubbag.say("/undangan")
    listing = await kasubbag.expect("Undangan Satuan")
    line = next(x for x in listing.text.splitlines() if first in x)
    assert "dicabut" in line and f"diganti undangan …{second[-4:]}" in line
    assert listing.buttons == [f"Cabut Sekretaris …{second[-4:]}"]
    # A team member may be invited many times over.
    one, two = (
        await playbook.invite(kasubbag, "Tim Kerja"),
        await playbook.invite(kasubbag, "Tim Kerja"),
    )
    kasubbag.say("/undangan")
    listing = await kasubbag.expect("Undangan Satuan")
    for code in (one, two):
        assert f"Cabut Tim Kerja …{code[-4:]}" in listing.buttons


async def test_an_invitation_to_a_held_post_is_refused_at_opening(bot, emu, bot_services):
    operator, kasubbag = await new_unit(emu)
    code = await playbook.invite(kasubbag, "Sekretaris")
    early = SimUser(emu, 3011, "Pembuka Awal")
    early.say(f"/start {code}")
    offer = await early.expect("Undangan lkj-bot")

    # Meanwhile the operator fills the post on the server (a roster import).
    services = bot_services()
    raw = services.rosters.raw()
    raw["unit"][0]["people"].append(
        {
            "role": "sekretaris",
            "telegram_id": 3002,
            "name": SEKRETARIS[0],
            "nip": SEKRETARIS[1],
            "position": SEKRETARIS[2],
        }
    )
    services.save_roster(raw)

    # Someone opening the link now is refused at once: no name, NIP or jabatan asked.
    late = SimUser(emu, 3012, "Pembuka Akhir")
    late.say(f"/start {code}")
    refusal = await late.expect("tidak dapat dipakai")
    assert f"sudah dipegang oleh {SEKRETARIS[0]}" in refusal.text and not refusal.buttons
    await emu.settle()
    assert len(late.received()) == 1

    # The administrator is told who opened it, and the listing shows it unusable, with why.
    told = await kasubbag.expect("dibuka oleh")
    assert "Pembuka Akhir" in told.text and "/undangan" in told.text
    kasubbag.say("/undangan")
    listing = await kasubbag.expect("Undangan Satuan")
    line = next(x for x in listing.text.splitlines() if code in x)
    assert "tidak dapat dipakai" in line and f"sudah dipegang oleh {SEKRETARIS[0]}" in line
    assert "aktif" not in line and not listing.buttons

    # Whoever opened it earlier and presses Terima now reads the refusal in the chat too.
    answer = await early.tap("Terima undangan", offer)
    assert "tidak dapat dipakai" in answer["text"]
    said = await early.expect("tidak dapat dipakai")
    assert "sudah dipegang oleh" in said.text
    assert not any("nama lengkap" in m.text for m in early.received())
    log = AuditLog.for_unit_year(services.settings.lkj_data_dir, None, 2026)
    assert any("tidak dapat dipakai" in e.get("reason", "") for e in log.entries())


async def test_an_expired_invitation_pressed_is_refused_in_the_chat(bot, emu, clock):
    _, kasubbag = await new_unit(emu)
    code = await playbook.invite(kasubbag, "Tim Kerja")
    member = SimUser(emu, 3004, "Yayan Sopyan")
    member.say(f"/start {code}")
    offer = await member.expect("Undangan lkj-bot")
    clock.advance(days=7, minutes=1)
    answer = await member.tap("Terima undangan", offer)
    assert "kedaluwarsa" in answer["text"]
    assert "kedaluwarsa" in (await member.expect("kedaluwarsa")).text


async def test_cabut_refreshes_the_listing_at_once(bot, emu):
    _, kasubbag = await new_unit(emu)
    keep = await playbook.invite(kasubbag, "Tim Kerja")
    revoke = await playbook.invite(kasubbag, "Tim Kerja")
    kasubbag.say("/undangan")
    listing = await kasubbag.expect("Undangan Satuan")
    assert "aktif" in next(x for x in listing.text.splitlines() if revoke in x)
    await kasubbag.tap(f"Cabut Tim Kerja …{revoke[-4:]}", listing)
    await kasubbag.expect("telah dicabut")
    shown = emu.message(kasubbag.user_id, listing.message_id)
    assert "dicabut" in next(x for x in shown.text.splitlines() if revoke in x)
    assert "aktif" in next(x for x in shown.text.splitlines() if keep in x)
    assert shown.buttons == [f"Cabut Tim Kerja …{keep[-4:]}"]


async def test_a_forwarded_prefilled_invitation_hides_name_and_nip(bot, emu):
    _, kasubbag = await new_unit(emu)
    code = await playbook.invite(kasubbag, "Kasat", KASAT)
    opener = SimUser(emu, 3020, "Orang Lain")
    opener.say(f"/start {code}")
    offer = await opener.expect("Undangan lkj-bot")
    assert KASAT[0] not in offer.text and KASAT[1] not in offer.text
    assert "NIP berakhiran 1005" in offer.text and KASAT[2] in offer.text


TOO_OFTEN = "terlalu sering (batas pemeriksaan)"


async def audited(settings, reason: str, count: int, timeout: float = 120.0) -> None:
    """Wait until ``count`` refusals with ``reason`` are in the log of no unit: every update
    of a stranger leaves one, answered or not, so the bot has handled them all."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        log = AuditLog.for_unit_year(settings.lkj_data_dir, None, 2026)
        found = sum(e.get("reason") == reason for e in log.entries())
        if found >= count:
            assert found == count
            return
        if loop.time() > deadline:
            raise TimeoutError(f"{found} of {count} refusals audited")
        await asyncio.sleep(0.05)


async def test_a_rate_limited_stranger_gets_one_notice_then_silence(bot, emu, settings):
    from handlers.verification import GUEST_LIMIT

    guesser = SimUser(emu, 4444, "Penebak")
    for n in range(GUEST_LIMIT):
        guesser.say(f"/start inv-{n:016d}")
        await guesser.expect("tidak dikenal")
    guesser.say("/start inv-abcdefghijkmnpqr")
    await guesser.expect("terlalu sering")
    # 230 more guesses and some plain messages: not one more answer.
    for n in range(230):
        guesser.say(f"/start inv-{n:016d}")
    for _ in range(5):
        guesser.say("halo")
    await audited(settings, TOO_OFTEN, 1 + 230 + 5)  # each one is on record...
    await emu.settle()
    received = guesser.received()  # ...and only the first was answered
    assert len(received) == GUEST_LIMIT + 1
    assert sum("terlalu sering" in m.text for m in received) == 1


async def test_a_stranger_writing_messages_is_answered_within_the_limit(bot, emu, settings):
    from handlers.verification import GUEST_LIMIT

    stranger = SimUser(emu, 4445, "Orang Asing")
    for _ in range(GUEST_LIMIT + 10):
        stranger.say("permisi")
    await audited(settings, TOO_OFTEN, 10)
    await emu.settle()
    received = stranger.received()
    assert len(received) == GUEST_LIMIT + 1
    assert sum("belum terdaftar" in m.text for m in received) == GUEST_LIMIT
    assert "terlalu sering" in received[-1].text


# --- a Dinas is addressed as a Dinas -----------------------------------------------------

DINAS = "Dinas Kesehatan Kabupaten Kendal"
DINAS_PEOPLE = {
    3001: ("dr. Hendra Wijaya, M.Kes.", "197001011998031001", "Kepala Dinas Kesehatan"),
    3002: ("Sri Lestari, S.K.M.", "197502022000032002", "Sekretaris Dinas Kesehatan"),
    3004: ("Yusuf Maulana, S.T.", "199001012015031004", "Pengolah Data"),
    3005: ("Rina Marlina, S.Sos.", "199205202019032006", "Analis Perencanaan"),
}
SATPOL_WORDS = re.compile(r"\bKasat\b|\bsatuan\b|Kepala Satuan", re.IGNORECASE)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_a_dinas_reads_kepala_dinas_and_never_satpol_words(bot, emu, clock, bot_services):
    operator, kasubbag = await new_unit(emu, DINAS, "dinkes-kendal")
    users = {uid: SimUser(emu, uid, name) for uid, (name, _, _) in DINAS_PEOPLE.items()}
    kasubbag.say("/undang")
    roles = (await kasubbag.expect("Pilih peran")).buttons
    assert roles[0] == "Kepala Dinas"
    await playbook.join(
        users[3001], await playbook.invite(kasubbag, "Kepala Dinas", DINAS_PEOPLE[3001])
    )
    for uid, role in ((3002, "Sekretaris"), (3004, "Tim Kerja"), (3005, "Tim Kerja")):
        await playbook.join(users[uid], await playbook.invite(kasubbag, role), DINAS_PEOPLE[uid])
    everyone = [kasubbag, *users.values()]
    for user in everyone:
        user.say("/bantuan")
        await user.expect("Petunjuk lkj-bot")
        user.say("/start")
        await user.next()
    kasubbag.say("/plh")
    assert "Tunjuk Plh. Kepala Dinas" in " ".join((await kasubbag.expect("Plh")).buttons)
    kasubbag.say("/undangan")
    await kasubbag.expect("Undangan Dinas")

    services = bot_services()
    unit = services.roster.unit("dinkes-kendal")
    cast = Cast(emu, unit)
    await playbook.start_cycle(cast, 3, 2026)
    clock.advance(minutes=10)
    await playbook.forward(cast)
    clock.advance(minutes=10)
    await playbook.divide(cast)
    clock.advance(hours=2)
    await playbook.upload_all(cast)
    await cast.kasubbag.expect("telah terkumpul")
    clock.advance(minutes=30)
    await playbook.build_and_submit(cast)
    await playbook.paraf(cast)
    clock.advance(minutes=15)
    await playbook.sign(cast)
    signed = await cast.kasat.expect("telah ditandatangani", document=True)
    await emu.settle()

    # Every message anyone of the unit received: a Kepala Dinas, never a Kasat or a "satuan".
    assert "sebagai <b>Kepala Dinas</b>" in (
        next(m for m in users[3001].received() if "Selamat datang" in m.text).html
    )
    for user in [operator, *everyone]:
        for message in user.received():
            texts_seen = [message.text, *(message.buttons or [])]
            for seen in texts_seen:
                assert not SATPOL_WORDS.search(seen), (user.name, seen)
    text = pdf_text(signed.document.content)
    assert "PEMERINTAH KABUPATEN KENDAL" in text
    assert not SATPOL_WORDS.search(text), text
    # Lampiran I (SOP compliance): the head's steps (1 and 7) are the Kepala Dinas's.
    lampiran = text[text.index("LAMPIRAN I KEPATUHAN") : text.index("LAMPIRAN II")]
    assert lampiran.count(f"Kepala Dinas {DINAS_PEOPLE[3001][0]}") == 2
