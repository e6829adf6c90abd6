"""Issue 24 item 7: a webhook body that is not a Telegram update gets 400 (never 500, never
stored): an update_id that is not an integer, nesting too deep, too many values, a body the
library cannot read as an update. Over real HTTP against ``lkj-bot run --webhook``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

import httpx
import pytest

from tests.conftest import TOKEN
from tests.test_webhook import SECRET, free_port, update


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _in_update(extra: bytes) -> bytes:
    """A real update with ``extra`` as the value of one more message field."""
    body = json.dumps(update(11, 1001, "/status")).encode()
    return body.replace(b'"message": {', b'"message": {"x": ' + extra + b", ", 1)


BAD_BODIES = {
    "update_id text": b'{"update_id": "abc"}',
    "update_id float": b'{"update_id": 1.5}',
    "update_id true": b'{"update_id": true}',
    "update_id negative": b'{"update_id": -4}',
    "update_id huge": b'{"update_id": 9223372036854775808}',
    "update_id null": b'{"update_id": null, "message": {}}',
    "update_id missing": b'{"message": {}}',
    "nested 100000 deep": _deep(100_000),
    "nested 100000 deep object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep inside an update": _in_update(_deep(200)),
    "too many values": b'{"update_id": 12, "x": [' + b"0," * 150_000 + b"0]}",
    "message a string": b'{"update_id": 13, "message": "abc"}',
    "message without date": b'{"update_id": 14, "message": {"chat": 1}}',
    "callback_query a list": b'{"update_id": 15, "callback_query": [1]}',
    "from a string": json.dumps(
        {
            "update_id": 16,
            "message": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": 1, "type": "private"},
                "from": "x",
            },
        }
    ).encode(),
    "not utf-8": b'{"update_id": 17, "x": "\xff\xfe"}',
    "NaN id": b'{"update_id": NaN}',
}


@pytest.fixture
async def webhook_bot(emu, tmp_path, roster_path):
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
        *("-m", "bot.cli", "run", "--webhook"),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(400):
            try:
                await client.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    yield url
    proc.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    text = stderr.decode(errors="replace")
    assert proc.returncode == 0, text[-2000:]
    assert "Error handling request" not in text, text[-3000:]  # aiohttp's 500s


async def test_malformed_bodies_get_400_and_are_not_stored(webhook_bot, people, tmp_path):
    url = webhook_bot
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    statuses = {}
    async with httpx.AsyncClient(timeout=30) as client:
        for name, body in BAD_BODIES.items():
            assert len(body) < 1024 * 1024, name  # under the size cap: the shape is refused
            statuses[name] = (await client.post(url, content=body, headers=headers)).status_code
        assert statuses == dict.fromkeys(BAD_BODIES, 400)
        # The server is well and a real update still goes through.
        good = json.dumps(update(20, people.kasat.user_id, "/start"))
        assert (await client.post(url, content=good, headers=headers)).status_code == 200
        await people.kasat.expect("Selamat datang")
    inbox = (tmp_path / "data" / "state" / "inbox.jsonl").read_text()
    kept = [json.loads(line) for line in inbox.splitlines()]
    assert {entry.get("r") for entry in kept if "r" in entry} == {20}  # nothing bad stored
    assert '"abc"' not in inbox
