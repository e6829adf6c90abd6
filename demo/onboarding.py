"""Offline demo of setting up an office (``lkj-bot demo --onboarding``): from an empty
deployment, the operator creates the unit, its Kasubbag joins by the link and invites the
others, sets the kop, and the Kasat starts the first quarter. No token, no network."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.app import build_application
from bot.settings import Settings
from demo import playbook
from demo.playbook import Cast
from demo.quarter import TOKEN, DemoClock, _printer, previous_quarter
from emulator import BotAPIEmulator
from emulator.users import SimUser, Transcript

OPERATOR = 900
UNIT = "satpolpp-kbb"
UNIT_NAME = "Satuan Polisi Pamong Praja Kabupaten Bandung Barat"
PEOPLE = {  # telegram id: (name, NIP, jabatan)
    3003: ("Asep Sunandar, S.E.", "198203152008011002", "Kepala Subbagian Perencanaan"),
    3001: ("Drs. Dadang Suherman, M.Si.", "196905121994031005", "Kepala Satuan"),
    3002: ("Euis Rohayati, S.H.", "197506062000032003", "Sekretaris Satuan"),
    3004: ("Yayan Sopyan, A.Md.", "199001012015031004", "Pengolah Data"),
    3005: ("Neng Siti Aisyah, S.Sos.", "199205202019032006", "Analis Perencanaan"),
}

REVIEWER = 3006
REVIEWER_DETAILS = (
    "Dra. Lilis Suryani, M.Ak.",
    "197506172000032004",
    "Auditor Madya Inspektorat",
)


async def run_onboarding_demo(
    output: Path,
    quiet: bool = False,
    *,
    emulator: BotAPIEmulator | None = None,
    transcript: Transcript | None = None,
) -> Path:
    """Play the set-up; returns the first Lembar Disposisi (with the unit's own kop).
    ``emulator`` and ``transcript``: as for ``demo.quarter.run_demo``."""
    output.mkdir(parents=True, exist_ok=True)
    data_dir = output / "data-onboarding"
    shutil.rmtree(data_dir, ignore_errors=True)
    emu = emulator or BotAPIEmulator(token=TOKEN, bot_username="lkj_demo_bot")
    await emu.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=data_dir,
        lkj_roster=output / "tidak-ada-roster.toml",  # an empty deployment
        lkj_admin_ids=str(OPERATOR),
    )
    app = build_application(settings, clock=DemoClock())
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    transcript = transcript or (None if quiet else _printer())
    # Nobody has opened a chat with the bot yet: each one's invitation link (/start) does.
    users = {
        uid: SimUser(emu, uid, name, transcript, started=False)
        for uid, (name, _, _) in PEOPLE.items()
    }
    try:
        print(f"== Demo lkj-bot: menyiapkan {UNIT_NAME} melalui undangan ==\n")
        operator = SimUser(emu, OPERATOR, "Operator", transcript)
        operator.say(f"/unit_baru {UNIT} | {UNIT_NAME} | Ngamprah")
        code = playbook.invitation_code((await operator.expect("Undangan sebagai")).text)
        kasubbag = users[3003]
        await playbook.join(kasubbag, code, PEOPLE[3003])
        await operator.expect("telah bergabung")
        await playbook.join(users[3001], await playbook.invite(kasubbag, "Kasat", PEOPLE[3001]))
        for uid, role in ((3002, "Sekretaris"), (3004, "Tim Kerja"), (3005, "Tim Kerja")):
            await playbook.join(users[uid], await playbook.invite(kasubbag, role), PEOPLE[uid])
        kasubbag.say("/undangan")
        await kasubbag.expect("Undangan Satuan")
        kasubbag.say("/identitas")
        await kasubbag.tap("Pemerintah daerah", await kasubbag.expect("Identitas unit"))
        await kasubbag.expect("tingkat dan nama")
        kasubbag.say("Kabupaten Bandung Barat")
        await kasubbag.tap("Kirim", await kasubbag.expect("Mohon periksa kembali"))
        await kasubbag.expect("telah diperbarui")
        services = app.bot_data["services"]
        unit = services.roster.unit(UNIT)
        cast = Cast(emu, unit, transcript)
        triwulan, year = previous_quarter(services.calendar(unit).to_local(services.now()))
        await playbook.start_cycle(cast, triwulan, year)
        sheet = await cast.sekretaris.expect("Lembar Disposisi", document=True)
        assert sheet.document is not None
        target = output / f"Onboarding_{sheet.document.filename}"
        target.write_bytes(sheet.document.content)
        # The Inspektorat's reviewer joins read-only and looks at the quarter.
        reviewer = SimUser(emu, REVIEWER, REVIEWER_DETAILS[0], transcript, started=False)
        await playbook.join(
            reviewer, await playbook.invite(kasubbag, "Pereviu APIP", REVIEWER_DETAILS)
        )
        reviewer.say("/status")
        await reviewer.expect("Triwulan")
        await emu.settle()
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await emu.stop()
    print(f"\nLembar disposisi pertama unit baru: {target}")
    return target
