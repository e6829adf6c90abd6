"""A pemda's evaluators in chat (issue 22), through the emulator: the operator invites an
Inspektorat evaluator of Kota Bandung by deep link, the evaluator registers as a unit's
invitee does, /pantau lists the two units of Kota Bandung and not Kendal's, a unit's name
opens its /status (a reviewer's text) with Kembali, every acting command is refused and
changes nothing, a used or revoked link is refused, and a unit's member cannot become one."""

from __future__ import annotations

import asyncio
import shutil
import tomllib

import pytest
import tomli_w

from app.evaluators import ACCEPTED, CREATED, REVOKED
from app.pemda import overview as pemda_overview
from bot.cli import main
from bot.settings import Settings
from demo import playbook
from emulator.users import SimUser
from handlers import texts
from handlers.views import unit_status
from storage.audit import AuditLog
from tests.conftest import TOKEN
from tests.factories import DEMO_ROSTER
from tests.test_menu_e2e import menus_settled

OPERATOR = 777
INSPEKTUR = ("Dra. Sri Lestari, M.Si.", "196805121994032004", "Inspektur Pembantu Wilayah I")
BAPPEDA = ("Ir. Bambang Wibisono", "197001011995031001", "Kepala Bidang Evaluasi")
SATPOL = "Satuan Polisi Pamong Praja Kota Bandung"
DINKES = "Dinas Kesehatan Kota Bandung"
KENDAL = "Dinas Kesehatan Kabupaten Kendal"


def _unit(code: str, name: str, city: str, first_id: int) -> str:
    roles = ("kasat", "sekretaris", "kasubbag", "tim_kerja")
    people = "".join(
        f'\n[[unit.people]]\nrole = "{role}"\ntelegram_id = {first_id + i}\n'
        f'name = "Pegawai {code} {i}"\nnip = "19800101200501100{i}"\nposition = "Jabatan {i}"\n'
        for i, role in enumerate(roles)
    )
    return f'\n[[unit]]\ncode = "{code}"\nname = "{name}"\ncity = "{city}"\n{people}'


@pytest.fixture
def roster_path(tmp_path):
    """The demo unit (Kota Bandung), a second unit of Kota Bandung, one of Kabupaten Kendal."""
    path = tmp_path / "roster.toml"
    shutil.copy(DEMO_ROSTER, path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(_unit("dinkes-bdg", DINKES, "Bandung", 2001))
        fh.write(_unit("dinkes-kendal", KENDAL, "Kendal", 3001))
    return path


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


async def invite_evaluator(operator: SimUser, pemda: str, body: str, admin: bool) -> str:
    """The operator's /undang_evaluator: pemda, body, administrator or not; the link's code."""
    operator.say("/undang_evaluator")
    await operator.tap(pemda, await operator.expect("Pilih pemerintah daerah"))
    await operator.tap(body, await operator.expect("Pilih badan evaluatornya"))
    choice = texts.BTN_EVALUATOR_ADMIN if admin else texts.BTN_EVALUATOR_PLAIN
    await operator.tap(choice, await operator.expect("sekaligus menjadi pengelola"))
    return playbook.invitation_code((await operator.expect("Undangan sebagai evaluator")).text)


async def join_evaluator(user: SimUser, code: str, details: tuple[str, str, str]) -> str:
    user.say(f"/start {code}")
    await user.tap("Terima undangan", await user.expect("Anda diundang sebagai evaluator"))
    for prompt, value in zip(("nama lengkap", "NIP", "jabatan"), details, strict=True):
        await user.expect(prompt)
        user.say(value)
    await user.tap("Terima undangan", await user.expect("Mohon periksa kembali"))
    return (await user.expect("Selamat datang")).text


async def test_an_evaluator_invited_by_the_operator_watches_the_units_of_their_pemda_only(
    bot, emu, people, settings, clock
):
    services = bot.bot_data["services"]
    operator = SimUser(emu, OPERATOR, "Operator Diskominfo")
    code = await invite_evaluator(operator, "Pemerintah Kota Bandung", "Inspektorat", False)

    # A unit's member cannot take it: refused, and nothing is used up.
    people.kasubbag.say(f"/start {code}")
    refused = await people.kasubbag.expect("tidak dapat sekaligus menjadi evaluator")
    assert not refused.buttons
    assert services.evaluator_invitations.get(code).used_by is None

    # The invitee registers as a unit's invitee does (name, NIP, jabatan checked as typed).
    inspektur = SimUser(emu, 900001, INSPEKTUR[0])
    inspektur.say(f"/start {code}")
    await inspektur.tap("Terima undangan", await inspektur.expect("Inspektorat"))
    await inspektur.expect("nama lengkap")
    inspektur.say(INSPEKTUR[0])
    await inspektur.expect("NIP")
    inspektur.say("12345")
    await inspektur.expect("bukan NIP")
    inspektur.say(INSPEKTUR[1])
    await inspektur.expect("jabatan")
    inspektur.say(INSPEKTUR[2])
    await inspektur.tap("Terima undangan", await inspektur.expect("Mohon periksa kembali"))
    welcome = (await inspektur.expect("Selamat datang")).text
    assert "evaluator Inspektorat Pemerintah Kota Bandung" in welcome and "/pantau" in welcome
    await operator.expect("telah bergabung sebagai evaluator Inspektorat")
    menus = await menus_settled(emu, [inspektur.user_id])  # their own menu: what they may do
    assert menus[inspektur.user_id] == ["start", "pantau", "ekspor", "verifikasi", "bantuan"]
    evaluator = services.roster.evaluator(inspektur.user_id)
    assert (evaluator.body, evaluator.pemda, evaluator.nip) == (
        "inspektorat",
        "kota-bandung",
        INSPEKTUR[1],
    )
    assert services.rosters.raw()["evaluator"][0]["name"] == INSPEKTUR[0]  # stored

    # The link was used once: nobody else may use it.
    other = SimUser(emu, 900009, "Penerima Lain")
    other.say(f"/start {code}")
    await other.expect("sudah dipakai")

    # A quarter under way in the demo unit: its Sekretaris holds the forwarding.
    await playbook.start_cycle(people, 4, 2026)
    clock.advance(minutes=5)  # the step's 15 minutes are not over yet

    inspektur.say("/pantau")
    listing = await inspektur.expect("Pemantauan laporan kinerja Pemerintah Kota Bandung")
    assert "2 unit kerja: 1 berjalan, 1 belum dimulai" in listing.text
    assert SATPOL in listing.text and DINKES in listing.text and KENDAL not in listing.text
    assert listing.buttons == [f"1. {SATPOL}", f"2. {DINKES}"]  # worst first
    satpol = listing.text.split("\n\n")[1]
    assert "Triwulan IV Tahun 2026, tahap 2" in satpol
    assert f"Pemegang: Sekretaris ({people.sekretaris.name}), sejak" in satpol
    assert "Belum ditandatangani" in satpol
    assert "Belum ada siklus triwulan" in listing.text.split("\n\n")[2]

    # A unit's name opens its /status, the text its reviewer reads; Kembali, the list.
    await inspektur.tap(f"1. {SATPOL}", listing)
    unit = services.roster.unit("satpolpp-bdg")
    assert unit_status(services, unit, services.now()) in listing.html
    assert listing.text.startswith(SATPOL) and listing.buttons == ["Kembali"]
    await inspektur.tap("Kembali", listing)
    assert listing.buttons == [f"1. {SATPOL}", f"2. {DINKES}"]
    await inspektur.tap(f"2. {DINKES}", listing)
    assert texts.PEMDA_NO_OPEN_CYCLE in listing.text

    # Past the step's deadline: overdue, under one office day in office time, else counted in
    # working days (a begun day is one).
    row = next(r for r in pemda_overview(services, "kota-bandung").rows if r.unit == unit.code)
    assert row.deadline is not None
    clock.advance(minutes=30)
    late_by = services.calendar(unit).office_minutes_between(row.deadline, services.now())
    assert 0 < late_by < 60
    inspektur.say("/pantau")
    late = await inspektur.expect("Pemantauan laporan kinerja")
    assert "2 unit kerja: 1 terlambat, 1 belum dimulai" in late.text
    assert f"1. 🔴 {SATPOL} — Terlambat, {late_by} menit" in late.text
    clock.advance(days=7)  # a week on: five working days and a begun one
    inspektur.say("/pantau")
    later = await inspektur.expect("Pemantauan laporan kinerja")
    assert f"1. 🔴 {SATPOL} — Terlambat, 6 hari kerja" in later.text

    # Read-only: whatever acts on a unit is refused, and nothing changes.
    cycles = [c.id for c in services.cycles.list_unit("satpolpp-bdg")]
    for command in ("/mulai", "/undang", "/target", "/tahunan", "/plh", "/undang_evaluator"):
        inspektur.say(command)
        answer = await inspektur.next()
        assert "hanya dapat melihat" in answer.text or "hanya dapat dibuat" in answer.text, command
        assert not answer.buttons, command
    # Nor a button: the Sekretaris's Teruskan, its token replayed from the evaluator's chat.
    offer = next(
        m
        for m in people.sekretaris.received()
        if any(label.startswith("Teruskan") for row in m.reply_markup or [] for label, _ in row)
    )
    forward = next(
        d for row in offer.reply_markup for label, d in row if label.startswith("Teruskan")
    )
    refused = await inspektur.tap_raw(late, forward)
    assert refused["text"] == texts.EVALUATOR_READ_ONLY_SHORT
    assert services.cycles.list_unit("satpolpp-bdg")[0].step == 2
    inspektur.say("/status")  # an evaluator's /status is the pemda's list
    assert (await inspektur.expect("Pemantauan laporan kinerja")).buttons
    assert [c.id for c in services.cycles.list_unit("satpolpp-bdg")] == cycles
    assert services.cycles.list_unit("dinkes-bdg") == []

    # The audit (the operator's log, outside any unit): invited, accepted, refusals.
    log = AuditLog.for_unit_year(settings.lkj_data_dir, None, 2026)
    actions = [(e["actor"], e["action"], e.get("outcome")) for e in log.entries()]
    assert (OPERATOR, CREATED, "accepted") in actions
    assert (inspektur.user_id, ACCEPTED, "accepted") in actions
    refused_actions = {
        e["action"]
        for e in log.entries()
        if e["actor"] == inspektur.user_id and e["outcome"] == "refused"
    }
    assert {"mulai", "undang", "target"} <= refused_actions

    # /pantau is the evaluators': a unit's member is told so, a stranger stays a stranger.
    people.kasat.say("/pantau")
    await people.kasat.expect("hanya untuk evaluator")
    stranger = SimUser(emu, 9999, "Orang Asing")
    stranger.say("/pantau")
    await stranger.expect("belum terdaftar")

    # Nor may an evaluator take a unit's invitation.
    operator.say("/unit_baru dishub-kendal | Dinas Perhubungan Kabupaten Kendal | Kendal")
    unit_code = playbook.invitation_code((await operator.expect("Undangan sebagai")).text)
    inspektur.say(f"/start {unit_code}")
    await inspektur.expect("Evaluator tidak dapat sekaligus menjadi anggota unit kerja")
    assert services.invitations.get(unit_code).used_by is None


async def test_a_revoked_evaluator_link_is_refused_and_a_pemda_administrator_invites(
    bot, emu, settings, clock
):
    services = bot.bot_data["services"]
    operator = SimUser(emu, OPERATOR, "Operator Diskominfo")
    code = await invite_evaluator(operator, "Pemerintah Kota Bandung", "Bappeda", False)
    operator.say("/undangan_evaluator")
    listing = await operator.expect("Undangan evaluator Pemerintah Kota Bandung")
    await operator.tap(f"Cabut Bappeda …{code[-4:]}", listing)
    await operator.expect("telah dicabut")
    invitee = SimUser(emu, 900002, BAPPEDA[0])
    invitee.say(f"/start {code}")
    await invitee.expect("telah dicabut")
    assert services.roster.evaluator(invitee.user_id) is None
    log = AuditLog.for_unit_year(settings.lkj_data_dir, None, 2026)
    assert REVOKED in [e["action"] for e in log.entries()]

    # An unused link expires after 7 days.
    stale = await invite_evaluator(operator, "Pemerintah Kota Bandung", "Bagian Organisasi", False)
    clock.advance(days=8)
    invitee.say(f"/start {stale}")
    await invitee.expect("sudah kedaluwarsa")

    # The operator makes a pemda administrator; the administrator invites for their pemda.
    admin_code = await invite_evaluator(operator, "Pemerintah Kabupaten Kendal", "Bappeda", True)
    admin = SimUser(emu, 900003, BAPPEDA[0])
    welcome = await join_evaluator(admin, admin_code, BAPPEDA)
    assert "/undang_evaluator" in welcome and "Pemerintah Kabupaten Kendal" in welcome
    admin.say("/undang_evaluator")
    bodies = await admin.expect("Undang evaluator Pemerintah Kabupaten Kendal")
    await admin.tap("Inspektorat", bodies)
    made = await admin.expect("Undangan sebagai evaluator")
    assert "pengelola" not in made.text.split("\n")[0]
    second = playbook.invitation_code(made.text)
    assert services.evaluator_invitations.get(second).pemda == "kabupaten-kendal"
    # A plain evaluator may not invite.
    plain = SimUser(emu, 900004, INSPEKTUR[0])
    await join_evaluator(plain, second, INSPEKTUR)
    plain.say("/undang_evaluator")
    await plain.expect("hanya dapat dibuat oleh operator")
    plain.say("/pantau")
    listing = await plain.expect("Pemerintah Kabupaten Kendal")
    assert listing.buttons == [f"1. {KENDAL}"]


@pytest.fixture
def cli_env(monkeypatch, emu, settings):
    for name, value in (
        ("TELEGRAM_BOT_TOKEN", TOKEN),
        ("TELEGRAM_API_BASE_URL", emu.url),
        ("LKJ_DATA_DIR", str(settings.lkj_data_dir)),
        ("LKJ_ROSTER", str(settings.lkj_roster)),
    ):
        monkeypatch.setenv(name, value)


async def test_the_operator_invites_and_revokes_an_evaluator_on_the_server(
    runner, emu, cli_env, capsys, tmp_path
):
    async def cli(*argv: str) -> tuple[int, str, str]:
        code = await asyncio.to_thread(main, list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = await cli("invite-evaluator", "--pemda", "Kota Bandung", "--body", "bpk")
    assert code == 2 and "Badan evaluator" in err
    code, _, err = await cli("invite-evaluator", "--pemda", "Kota Bogor", "--body", "bappeda")
    assert code == 2 and "tidak dikenal" in err
    code, out, _ = await cli(
        "invite-evaluator", "--pemda", "Kota Bandung", "--body", "bappeda", "--admin"
    )
    assert code == 0 and "pengelola evaluator Bappeda Pemerintah Kota Bandung" in out
    first = playbook.invitation_code(out)
    code, out, _ = await cli("invite-evaluator", "--pemda", "kota-bandung", "--body", "inspektorat")
    second = playbook.invitation_code(out)
    code, out, _ = await cli("invite-evaluator", "--revoke", second)
    assert code == 0 and "telah dicabut" in out

    bot = await runner.start()
    admin = SimUser(emu, 900005, BAPPEDA[0])
    welcome = await join_evaluator(admin, first, BAPPEDA)
    assert "pengelola evaluator" in welcome
    assert bot.bot_data["services"].roster.evaluator(admin.user_id).admin
    late = SimUser(emu, 900006, INSPEKTUR[0])
    late.say(f"/start {second}")
    await late.expect("telah dicabut")
    menus = await menus_settled(emu, [admin.user_id])
    assert menus[admin.user_id] == [
        "start",
        "pantau",
        "ekspor",
        "verifikasi",
        "undang_evaluator",
        "undangan_evaluator",
        "bantuan",
    ]

    # Taken out of the roster by an import: a stranger again, their menu removed.
    path = tmp_path / "exported.toml"
    await cli("roster", "export", str(path))
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    raw.pop("evaluator")
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    code, _, _ = await cli("roster", "import", str(path))
    assert code == 0
    admin.say("/pantau")
    await admin.expect("belum terdaftar")
    menus = await menus_settled(emu, [admin.user_id])
    assert menus[admin.user_id] == []
