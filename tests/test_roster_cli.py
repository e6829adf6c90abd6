"""The operator on the server: ``lkj-bot invite`` from an empty deployment, and
``lkj-bot roster import|export`` applied by the running bot without a restart."""

from __future__ import annotations

import asyncio
import re
import tomllib

import pytest

from bot.cli import main
from emulator.users import SimUser
from tests.conftest import TOKEN
from tests.factories import DEMO_ROSTER


@pytest.fixture
def roster_path(tmp_path):
    return tmp_path / "roster.toml"  # no file yet


@pytest.fixture
def cli_env(monkeypatch, emu, settings):
    for name, value in (
        ("TELEGRAM_BOT_TOKEN", TOKEN),
        ("TELEGRAM_API_BASE_URL", emu.url),
        ("LKJ_DATA_DIR", str(settings.lkj_data_dir)),
        ("LKJ_ROSTER", str(settings.lkj_roster)),
    ):
        monkeypatch.setenv(name, value)


async def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_invite_import_and_export_on_the_server(runner, emu, cli_env, capsys, tmp_path):
    # Empty deployment: the operator creates the unit and its administrator's invitation.
    code, out, err = await cli(capsys, "invite", "--unit", "satpolpp-kbb")
    assert code == 2 and "--name" in err
    code, out, _ = await cli(
        capsys,
        "invite",
        "--unit",
        "satpolpp-kbb",
        "--name",
        "Satpol PP KBB",
        "--city",
        "Ngamprah",
        "--government",
        "Kabupaten Bandung Barat",
    )
    assert code == 0
    link = re.search(r"https://t\.me/lkj_test_bot\?start=(inv-\w+)", out)  # username from getMe
    assert link, out

    await runner.start()
    admin = SimUser(emu, 3003, "Asep")
    admin.say(f"/start {link.group(1)}")
    await admin.tap("Terima undangan", await admin.expect("Satpol PP KBB"))
    for value in ("Asep Sunandar, S.E.", "198203152008011002", "Kepala Subbagian Program"):
        await admin.next()
        admin.say(value)
    await admin.tap("Terima undangan", await admin.expect("Mohon periksa kembali"))
    await admin.expect("Selamat datang")

    # Export while the bot runs: the person who joined in chat is in the file.
    exported = tmp_path / "ekspor.toml"
    code, out, _ = await cli(capsys, "roster", "export", str(exported))
    assert code == 0
    data = tomllib.loads(exported.read_text(encoding="utf-8"))
    [unit] = data["unit"]
    assert unit["code"] == "satpolpp-kbb"
    assert unit["people"] == [
        {
            "role": "kasubbag",
            "telegram_id": 3003,
            "name": "Asep Sunandar, S.E.",
            "nip": "198203152008011002",
            "position": "Kepala Subbagian Program",
            "admin": True,
        }
    ]

    # A bad file changes nothing; a good one is applied by the running bot at its next update.
    bad = tmp_path / "rusak.toml"
    bad.write_text(DEMO_ROSTER.read_text(encoding="utf-8").replace('role = "kasat"', 'role = "x"'))
    code, _, err = await cli(capsys, "roster", "import", str(bad))
    assert code == 2 and "tidak diimpor" in err
    code, out, _ = await cli(capsys, "roster", "import", str(DEMO_ROSTER))
    assert code == 0 and "Diimpor: 1 unit, 5 orang." in out
    kasat = SimUser(emu, 1001, "Kasat")
    kasat.say("/start")
    assert "sebagai <b>Kasat</b>" in (await kasat.expect("Selamat datang")).html
    admin.say("/status")
    await admin.expect("belum terdaftar")  # the import replaced the whole roster
    # The menus followed: the imported people have theirs, the one who left has none.
    await emu.settle(quiet=0.3)
    assert [c["command"] for c in emu.commands({"type": "chat", "chat_id": 1001})][:2] == [
        "start",
        "mulai",
    ]
    assert emu.commands({"type": "chat", "chat_id": 3003}) == []
