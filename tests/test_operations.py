"""Operations over HTTP: /healthz, /readyz and /metrics on the health server (polling mode) and
on the webhook server, on both backends; JSON log lines carry the update id and the unit."""

from __future__ import annotations

import json
import logging
import re

import aiohttp
import pytest

from bot.health import HealthServer
from bot.logs import JsonFormatter
from bot.webhook import make_server
from demo import playbook
from storage.database import Database


@pytest.fixture
def store_url(database_url: str | None) -> str | None:
    return database_url


@pytest.fixture
async def health(bot):
    server = HealthServer(bot, "127.0.0.1", 0)
    await server.start()
    yield f"http://127.0.0.1:{server.port}"
    await server.stop()


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def _sample(exposition: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name + ("{" + wanted + "}" if labels else "")) + r" (\S+)"
    found = re.search(r"^" + pattern + "$", exposition, re.M)
    return float(found.group(1)) if found else 0.0


async def test_alive_ready_and_metrics_follow_a_quarter(bot, emu, people, health):
    assert await _get(health + "/healthz") == (200, '{"status": "ok"}')
    status, body = await _get(health + "/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"store": "ok", "telegram": "ok", "render": "ok"}

    await playbook.start_cycle(people, 3, 2026)
    await people.sekretaris.wait_button("Teruskan ke Kasubbag")
    # A reply Telegram refuses: counted by method and error.
    emu.fail_next("sendMessage", 400, "Bad Request: chat not found", count=1)
    people.kasubbag.say("/bantuan")
    await people.kasubbag.expect("terjadi kesalahan pada sistem")
    await emu.settle(quiet=0.3)
    status, text = await _get(health + "/metrics")
    assert status == 200
    assert _sample(text, "lkj_updates_total", kind="message") >= 4
    assert _sample(text, "lkj_updates_total", kind="callback_query") >= 1
    assert _sample(text, "lkj_update_handling_seconds_count", kind="message") >= 4
    refused = 'error="BadRequest: Chat not found",method="sendMessage"'
    assert _sample(text, "lkj_telegram_errors_total" + "{" + refused + "}") == 1, text
    assert _sum(text, "lkj_renders_total") >= 1  # the Lembar Disposisi
    assert _sample(text, "lkj_render_seconds_count") >= 1
    assert _sample(text, "lkj_lock_wait_seconds_count", lock="outbox") >= 1
    assert re.search(r'^lkj_messages_waiting\{reason="pending"\} \d', text, re.M)


def _sum(exposition: str, name: str) -> float:
    return sum(float(v) for v in re.findall(rf"^{name}\{{.*\}} (\S+)$", exposition, re.M))


async def test_not_ready_names_what_does_not_answer(bot, emu, settings, health):
    emu.fail_next("getMe", 502, count=4)  # every attempt (bot.request tries four times)
    data = settings.lkj_data_dir
    if settings.lkj_database_url:
        Database(data, settings.lkj_database_url).pg.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    else:  # the folder cannot be written (a directory where the probe would go)
        (data / ".ping").mkdir()
    status, body = await _get(health + "/readyz")
    checks = json.loads(body)["checks"]
    assert status == 503
    assert checks["telegram"].startswith("gagal") and checks["store"].startswith("gagal")
    assert checks["render"] == "ok"
    if not settings.lkj_database_url:  # the folder is back: ready again
        (data / ".ping").rmdir()
        status, body = await _get(health + "/readyz")
        assert status == 200, body
    assert (await _get(health + "/healthz"))[0] == 200  # alive all along


async def test_the_webhook_server_carries_health_and_metrics(bot):
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(make_server(bot, "s" * 32, "/hook"))) as client:
        assert (await client.get("/healthz")).status == 200
        metrics = await client.get("/metrics")
        assert metrics.status == 200 and "lkj_updates_total" in await metrics.text()
        assert (await client.post("/hook", data=b"{}")).status == 403  # the secret first


def test_json_log_lines_carry_the_update_and_the_unit():
    from bot import logs

    logs.UPDATE_ID.set(41)
    logs.UNIT.set("satpolpp-bdg")
    record = logging.LogRecord("lkj_bot", logging.INFO, __file__, 1, "disimpan %s", ("x",), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["update_id"], line["unit"], line["message"]) == (41, "satpolpp-bdg", "disimpan x")
