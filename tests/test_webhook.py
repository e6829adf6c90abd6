"""Webhook mode: only requests carrying Telegram's secret token header are accepted."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys

import httpx

from tests.conftest import TOKEN

SECRET = "s3cret-token-for-tests_0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def update(update_id: int, user_id: int, text: str) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Uji"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1795500000,
            "text": text,
            "chat": {"id": user_id, "type": "private", "first_name": "Uji"},
            "from": user,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_refuses_requests_without_the_secret(emu, tmp_path, roster_path, people):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emu.url,
        "LKJ_DATA_DIR": str(tmp_path / "data"),
        "LKJ_ROSTER": str(roster_path),
        "LKJ_WEBHOOK_URL": url,
        "LKJ_WEBHOOK_SECRET": SECRET,
        "LKJ_WEBHOOK_PORT": str(port),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--webhook",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            for _ in range(200):
                try:
                    await client.get(f"http://127.0.0.1:{port}/")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            assert emu.calls_to("setWebhook")[-1]["secret_token"] == SECRET
            body = json.dumps(update(1, people.kasat.user_id, "/start"))
            headers = {"Content-Type": "application/json"}
            missing = await client.post(url, content=body, headers=headers)
            wrong = await client.post(
                url,
                content=body,
                headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "salah"},
            )
            assert (missing.status_code, wrong.status_code) == (403, 403)
            await emu.settle(quiet=0.3)
            assert people.kasat.received() == []
            right = await client.post(
                url,
                content=body,
                headers={**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert right.status_code == 200
            assert "Selamat datang" in (await people.kasat.expect("Selamat datang")).text
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()[-2000:]


async def test_webhook_mode_needs_a_strong_secret(tmp_path, roster_path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "LKJ_ROSTER": str(roster_path),
        "LKJ_DATA_DIR": str(tmp_path / "data"),
        "LKJ_WEBHOOK_URL": "https://contoh.go.id/hook",
        "LKJ_WEBHOOK_SECRET": "pendek",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--webhook",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2 and "LKJ_WEBHOOK_SECRET" in stderr.decode()
