"""`lkj-bot run` serves the Mini App beside long polling when LKJ_WEBAPP_URL is set, stops it
with the bot, and refuses an address Telegram would not open (not HTTPS)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import aiohttp

from demo.screenshots import free_port
from tests.conftest import TOKEN
from webapp.server import CSP


async def run_process(emu, tmp_path, roster_path, **extra: str):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emu.url,
        "LKJ_DATA_DIR": str(tmp_path / "data"),
        "LKJ_ROSTER": str(roster_path),
        **extra,
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


async def test_run_serves_the_pages_with_their_policy_and_stops_them(
    emu, tmp_path, roster_path, people
):
    port = free_port()
    proc = await run_process(
        emu,
        tmp_path,
        roster_path,
        LKJ_WEBAPP_URL="https://lkj.example.go.id/app",
        LKJ_WEBAPP_PORT=str(port),
    )
    base = f"http://127.0.0.1:{port}/app"
    try:
        people.kasat.say("/start")
        await people.kasat.expect("Selamat datang", timeout=30)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/isi.html") as page:
                assert page.status == 200
                assert page.headers["Content-Security-Policy"] == CSP
                assert "Formulir Data Kinerja" in await page.text()
            async with session.get(f"{base}/../pyproject.toml") as other:
                assert other.status == 404
            async with session.post(f"{base}/api/isi", json={"siklus": "x:2026:3"}) as call:
                assert call.status == 401  # no initData
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    async with aiohttp.ClientSession() as session:
        try:
            async with session.get(f"{base}/isi.html"):
                raise AssertionError("the Mini App server outlived the bot")
        except aiohttp.ClientConnectionError:
            pass


async def test_run_refuses_a_plain_http_mini_app_address(emu, tmp_path, roster_path):
    proc = await run_process(
        emu, tmp_path, roster_path, LKJ_WEBAPP_URL="http://lkj.example.go.id/app"
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "LKJ_WEBAPP_URL harus berupa alamat HTTPS" in stderr.decode()
