"""`lkj-bot run` as a real process, long polling the emulator through TELEGRAM_API_BASE_URL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from tests.conftest import TOKEN


async def start_bot_process(emu, tmp_path, roster_path, token=TOKEN, data_dir=None):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": emu.url,
        "LKJ_DATA_DIR": str(data_dir or tmp_path / "data"),
        "LKJ_ROSTER": str(roster_path),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_run_answers_over_long_polling_and_stops_cleanly(emu, tmp_path, roster_path, people):
    proc = await start_bot_process(emu, tmp_path, roster_path)
    try:
        people.kasat.say("/start")
        reply = await people.kasat.expect("Selamat datang", timeout=30)
        assert "sebagai <b>Kasat</b>" in reply.html
        # The default menu (anyone) and the Kasat's own menu (per-chat scope).
        assert [c["command"] for c in emu.commands()] == ["start", "verifikasi"]
        kasat_menu = emu.commands({"type": "chat", "chat_id": people.kasat.user_id})
        assert [c["command"] for c in kasat_menu][:3] == ["start", "mulai", "status"]
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()[-2000:]


async def test_run_without_token_explains_and_exits(tmp_path, roster_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env={**env, "LKJ_ROSTER": str(roster_path)},
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN belum diisi" in stderr.decode()


async def test_run_with_a_broken_roster_refuses_to_start(emu, tmp_path):
    roster = tmp_path / "roster.toml"
    roster.write_text('[[unit]]\ncode = "x"\nname = "X"\n', encoding="utf-8")
    proc = await start_bot_process(emu, tmp_path, roster)
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "tidak dapat dijalankan" in stderr.decode() and "kasat" in stderr.decode()
