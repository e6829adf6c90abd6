"""Setting up an office from an empty deployment, by invitation, through the emulator."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from demo import playbook
from demo.playbook import Cast
from emulator.users import SimUser
from storage.audit import AuditLog
from tests.conftest import TOKEN

OPERATOR = 777
UNIT = "satpolpp-kbb"
UNIT_NAME = "Satuan Polisi Pamong Praja Kabupaten Bandung Barat"


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
        lkj_admin_ids=f"{OPERATOR}, 778",
    )


code_in = playbook.invitation_code
join = playbook.join
invite = playbook.invite


async def test_a_whole_unit_joins_by_invitation(bot, emu, settings, clock):
    operator = SimUser(emu, OPERATOR, "Operator Diskominfo")
    kasubbag = SimUser(emu, 3003, "Asep Sunandar, S.E.", started=False)
    kasat = SimUser(emu, 3001, "Drs. Dadang Suherman, M.Si.", started=False)
    sekretaris = SimUser(emu, 3002, "Euis Rohayati, S.H.", started=False)
    member = SimUser(emu, 3004, "Yayan Sopyan, A.Md.", started=False)
    other = SimUser(emu, 3009, "Orang Lain", started=False)

    # Nobody is registered yet; only an operator may create a unit.
    other.say(f"/unit_baru {UNIT} | {UNIT_NAME} | Ngamprah")
    await other.expect("hanya untuk operator")
    operator.say("/unit_baru satpolpp kbb | x")
    await operator.expect("Format:")
    operator.say(f"/unit_baru {UNIT} | {UNIT_NAME} | Ngamprah")
    code = code_in((await operator.expect("Undangan sebagai Kasubbag dan pengelola unit")).text)

    # The Kasubbag taps the link, sees unit and role, types the details (a bad NIP is asked
    # again) and is registered; the operator is told.
    kasubbag.say(f"/start {code}")
    offer = await kasubbag.expect("Undangan lkj-bot")
    assert (
        UNIT_NAME in offer.text
        and "sebagai Kasubbag, sekaligus sebagai pengelola unit" in offer.text
    )
    await kasubbag.tap("Terima undangan", offer)
    await kasubbag.expect("nama lengkap")
    kasubbag.say("Asep Sunandar, S.E.")
    await kasubbag.expect("NIP")
    kasubbag.say("12345")
    await kasubbag.expect("bukan NIP")
    kasubbag.say("198203152008011002")
    await kasubbag.expect("jabatan")
    kasubbag.say("Kepala Subbagian Perencanaan dan Pelaporan")
    await kasubbag.tap("Terima undangan", await kasubbag.expect("Mohon periksa kembali"))
    welcome = await kasubbag.expect("Selamat datang")
    assert "sebagai <b>Kasubbag</b>" in welcome.html
    assert "Asep Sunandar" in (await operator.expect("telah bergabung")).text

    # A used code is refused to anyone else.
    other.say(f"/start {code}")
    await other.expect("sudah dipakai")

    # The unit is not complete yet: a cycle cannot start (the Kasat is not there either).
    kasubbag.say("/mulai")
    await kasubbag.expect("belum lengkap")

    # The administrator invites the Kasat with the details filled in: one tap to join.
    kasat_code = await invite(
        kasubbag,
        "Kasat",
        ("Drs. Dadang Suherman, M.Si.", "196905121994031005", "Kepala Satuan Polisi Pamong Praja"),
    )
    kasat.say(f"/start {kasat_code}")
    offer = await kasat.expect("Undangan lkj-bot")
    # A forwarded link shows whoever opens it the NIP's last digits, not the name and NIP.
    assert "NIP berakhiran 1005" in offer.text
    assert "196905121994031005" not in offer.text and "Dadang" not in offer.text
    await kasat.tap("Terima undangan", offer)
    assert "sebagai <b>Kasat</b>" in (await kasat.expect("Selamat datang")).html
    assert "Dadang Suherman" in (await kasubbag.expect("telah bergabung")).text
    kasat.say("/mulai")
    assert "Sekretaris, Tim Kerja" in (await kasat.expect("belum lengkap")).text

    # A filled role is no longer offered; the Sekretaris and a member type their own details.
    kasubbag.say("/undang")
    roles = (await kasubbag.expect("Pilih peran")).buttons
    assert roles == ["Sekretaris", "Tim Kerja", "Pereviu APIP"]  # the reviewer: any number
    sekretaris_code = await invite(kasubbag, "Sekretaris")
    member_code = await invite(kasubbag, "Tim Kerja")
    await join(
        sekretaris, sekretaris_code, ("Euis Rohayati, S.H.", "197506062000032003", "Sekretaris")
    )
    await join(member, member_code, ("Yayan Sopyan, A.Md.", "199001012015031004", "Pengolah Data"))

    # A revoked code and an expired one are refused.
    revoked = await invite(kasubbag, "Tim Kerja")
    kasubbag.say("/undangan")
    listing = await kasubbag.expect("Undangan Satuan")
    assert listing.text.count("terpakai") == 4 and "aktif" in listing.text
    await kasubbag.tap(f"Cabut Tim Kerja …{revoked[-4:]}", listing)
    await kasubbag.expect("telah dicabut")
    other.say(f"/start {revoked}")
    await other.expect("telah dicabut")
    expiring = await invite(kasubbag, "Tim Kerja")
    clock.advance(days=7, minutes=1)
    other.say(f"/start {expiring}")
    await other.expect("kedaluwarsa")

    # Everyone is in without a restart: the quarter starts and the disposition arrives.
    from app.services import Services

    services: Services = bot.bot_data["services"]
    unit = services.roster.unit(UNIT)
    assert unit.missing_roles() == []
    cast = Cast(emu, unit)
    await playbook.start_cycle(cast, 3, 2026)
    await sekretaris.expect("Lembar Disposisi", document=True)

    # Every step is in the audit log.
    log = AuditLog.for_unit_year(settings.lkj_data_dir, UNIT, 2026)
    actions = [e["action"] for e in log.entries()]
    assert actions.count("undangan_diterima") == 4 and "unit_baru" in actions
    assert "undangan_dicabut" in actions


async def test_a_stranger_guessing_codes_is_refused_limited_and_audited(bot, emu, settings):
    from handlers.verification import GUEST_LIMIT

    guesser = SimUser(emu, 4444, "Penebak", started=False)
    for n in range(GUEST_LIMIT):
        guesser.say(f"/start inv-{n:016d}"[:20])
        await guesser.expect("tidak dikenal")
    guesser.say("/start inv-abcdefghijkmnpqr")
    await guesser.expect("terlalu sering")
    log = AuditLog.for_unit_year(settings.lkj_data_dir, None, 2026)
    reasons = [e["reason"] for e in log.entries() if e["action"] == "undangan"]
    assert len(reasons) == GUEST_LIMIT + 1
    assert reasons[0].startswith("kode undangan tidak dikenal")
    assert reasons[-1] == "terlalu sering (batas pemeriksaan)"
