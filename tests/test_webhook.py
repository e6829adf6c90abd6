"""Webhook mode: only requests carrying Telegram's secret token header are accepted."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import sys

import httpx
import pytest

from bot.webhook import secret_bits, secret_problem
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


# --- issue 15 item 5: webhook hardening --------------------------------------------------


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


async def test_webhook_limits_hold_and_memory_stays_flat(emu, tmp_path, roster_path, people):
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
    big = b"{" + b" " * (60 * 1024 * 1024) + b"}"  # 60 MB, valid JSON padding
    json_headers = {"Content-Type": "application/json"}
    good = {**json_headers, "X-Telegram-Bot-Api-Secret-Token": SECRET}
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(200):
                try:
                    await client.get(f"http://127.0.0.1:{port}/")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            await client.post(url, content=json.dumps(update(1, 9999, "/start")), headers=good)
            await emu.settle(quiet=0.3)
            before = _rss_kb(proc.pid)
            statuses = []
            for _ in range(5):  # unauthenticated 60 MB bodies: refused unread
                try:
                    answer = await client.post(url, content=big, headers=json_headers)
                    statuses.append(answer.status_code)
                except httpx.TransportError:  # closed before the upload ended: also refused
                    statuses.append("closed")
            try:  # with the secret but over the cap
                answer = await client.post(url, content=big, headers=good)
                oversized = answer.status_code
            except httpx.TransportError:
                oversized = "closed"
            after = _rss_kb(proc.pid)
            assert set(statuses) <= {403, "closed"} and 403 in statuses + [403]
            assert oversized in (413, "closed")
            assert after - before < 20 * 1024, (before, after)  # flat (< 20 MB over 360 MB sent)

            malformed = await client.post(url, content=b'{"update_id": 5, "mess', headers=good)
            not_an_update = await client.post(url, content=b"[1, 2]", headers=good)
            assert (malformed.status_code, not_an_update.status_code) == (400, 400)
            right = await client.post(
                url, content=json.dumps(update(7, people.kasat.user_id, "/start")), headers=good
            )
            assert right.status_code == 200
            await people.kasat.expect("Selamat datang")
            inbox = (tmp_path / "data" / "state" / "inbox.jsonl").read_text()
            assert '"r":7' in inbox  # kept durably before the 200 answer
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()[-2000:]


@pytest.mark.parametrize(
    "secret",
    ["a" * 16, "a" * 64, "abababababababababababab", "0000111100001111", "aaaaaaaaaaaaaaab" * 2],
)
def test_secrets_weak_by_entropy_are_refused(secret):
    problem = secret_problem(secret)
    assert problem is not None and "terlalu mudah ditebak" in problem


@pytest.mark.parametrize(
    "secret",
    [SECRET, secrets.token_urlsafe(32), secrets.token_hex(16)],
    ids=["fixed", "urlsafe", "hex"],  # random values: ids stable across xdist workers
)
def test_random_secrets_are_accepted(secret):
    assert secret_bits(secret) >= 64 and secret_problem(secret) is None
