"""Issue 24 item 4: unauthenticated calls cost nothing lasting. 500 refused Mini App calls
(junk, missing, forged, expired ``initData``) and 500 webhook posts without the secret grow
the audit trail by one summary line per window (counts, first and last time, reasons), never
one line each; past the per-address limit the answer is 429; a legitimate client (same
address or another) is unaffected."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
import httpx
import pytest

from bot.settings import Settings
from demo.playbook import MiniApp
from demo.screenshots import free_port
from handlers import texts
from storage.audit import AuditLog
from tests.conftest import TOKEN
from tests.test_webhook import SECRET, update
from webapp.server import start_webapp, stop_webapp

LIMIT = 30  # RefusalLimiter's default per address and window


def audit_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in (data_dir / "audit").rglob("*.jsonl"))


def summaries(data_dir: Path, action: str) -> list[dict]:
    found = []
    for path in sorted((data_dir / "audit").rglob("*.jsonl")):
        found += [e for e in AuditLog(path).entries() if e["action"] == action]
    return found


@pytest.fixture
def settings(emu, tmp_path, roster_path) -> Settings:
    port = free_port()
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_webapp_url=f"http://127.0.0.1:{port}/app",
        lkj_webapp_port=port,
        lkj_webapp_max_age_s=3600,
    )


async def call(session, url: str, authorization: str | None) -> int:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with session.post(url, json={"siklus": "x"}, headers=headers) as response:
        await response.read()
        return response.status


async def test_refused_mini_app_calls_leave_one_summary_line(bot, people, settings, clock):
    server = await start_webapp(bot)
    assert server is not None
    data_dir = settings.lkj_data_dir
    api = settings.lkj_webapp_url + "/api/isi"
    mini = MiniApp(TOKEN, clock)
    member = people.team[0]
    junk = [
        "tma junk",
        "Bearer x" * 50,
        None,
        "tma " + mini.init_data(member).replace("hash=", "hash=0"),
        "tma " + mini.init_data(member, clock() - timedelta(hours=2)),
    ]
    try:
        before = audit_bytes(data_dir)
        async with aiohttp.ClientSession() as session:
            statuses = [await call(session, api, junk[i % len(junk)]) for i in range(500)]
            assert statuses[:LIMIT] == [401] * LIMIT
            assert statuses[LIMIT:] == [429] * (500 - LIMIT)  # the limiter
        # Another address has its own count.
        other = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
        async with aiohttp.ClientSession(connector=other) as session:
            assert await call(session, api, "tma junk") == 401
        assert audit_bytes(data_dir) == before  # nothing written per call
        # A legitimate caller from the limited address is heard as usual (here: the cycle
        # it names is not its own, refused by the domain's check and audited as such).
        async with aiohttp.ClientSession() as session:
            headers = {"Authorization": "tma " + mini.init_data(member)}
            async with session.post(api, json={"siklus": "x"}, headers=headers) as response:
                assert response.status == 403
                assert (await response.json())["error"] == texts.WEBAPP_NOT_YOURS
    finally:
        await stop_webapp(bot)  # closes the window: its one summary line
    lines = summaries(data_dir, "miniapp:unauthenticated")
    assert len(lines) == 1
    (line,) = lines
    detail = line["detail"]
    assert (detail["count"], detail["limited"], detail["clients"]) == (501, 500 - LIMIT, 2)
    assert detail["busiest"] == {"127.0.0.1": 500, "127.0.0.2": 1}
    assert detail["reasons"] == {
        texts.WEBAPP_AUTH_UNREADABLE: 101,  # "tma junk": not key=value pairs
        texts.WEBAPP_AUTH_MISSING: 200,  # "Bearer …" and no header at all
        texts.WEBAPP_AUTH_INVALID: 100,  # forged
        texts.WEBAPP_SESSION_EXPIRED: 100,
    }
    assert detail["first"] <= detail["last"] and line["outcome"] == "refused"
    assert line["actor"] == 0 and line["reason"] == texts.AUDIT_UNAUTHENTICATED_SUMMARY
    assert len(json.dumps(line).encode()) < 2048  # one short line, not 219 KB


async def test_each_window_is_one_line(bot, settings, clock):
    server = await start_webapp(bot)
    assert server is not None
    server.refusals.window_s = 0.5
    api = settings.lkj_webapp_url + "/api/isi"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(3):  # three windows
                for _ in range(20):
                    assert await call(session, api, "tma junk") == 401
                await asyncio.sleep(0.6)
    finally:
        await stop_webapp(bot)
    lines = summaries(settings.lkj_data_dir, "miniapp:unauthenticated")
    assert [line["detail"]["count"] for line in lines] == [20, 20, 20]


async def test_refused_webhook_posts_leave_one_summary_line(emu, tmp_path, roster_path, people):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emu.url,
        "LKJ_DATA_DIR": str(data_dir),
        "LKJ_ROSTER": str(roster_path),
        "LKJ_WEBHOOK_URL": url,
        "LKJ_WEBHOOK_SECRET": SECRET,
        "LKJ_WEBHOOK_PORT": str(port),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot.cli", "run", "--webhook"),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    body = json.dumps(update(1, people.kasat.user_id, "/start"))
    headers = {"Content-Type": "application/json"}
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(400):
                try:
                    await client.get(f"http://127.0.0.1:{port}/")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            before = audit_bytes(data_dir) if (data_dir / "audit").exists() else 0
            statuses = []
            for i in range(500):
                wrong = {**headers, "X-Telegram-Bot-Api-Secret-Token": f"salah-{i}"}
                given = wrong if i % 2 else headers  # half without the header at all
                statuses.append((await client.post(url, content=body, headers=given)).status_code)
            assert statuses == [403] * LIMIT + [429] * (500 - LIMIT)
            good = {**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET}
            assert (await client.post(url, content=body, headers=good)).status_code == 200
            await people.kasat.expect("Selamat datang")  # Telegram itself is unaffected
            now = audit_bytes(data_dir) if (data_dir / "audit").exists() else 0
            assert now == before
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    assert len(stderr.decode().splitlines()) < 20  # no log line per refused post
    lines = summaries(data_dir, "webhook:unauthenticated")
    assert len(lines) == 1
    detail = lines[0]["detail"]
    assert (detail["count"], detail["limited"], detail["clients"]) == (500, 500 - LIMIT, 1)
    assert detail["reasons"] == {texts.AUDIT_WEBHOOK_SECRET: 500}
