"""Issue 24 item 2 on PostgreSQL: the audit rows and the store rows are cross-checked the same
way as the files. The bot's role may rewrite a store row (it must, to work) but not the audit
rows: a row put back to an older version is refused at start-up and by ``audit verify``."""

from __future__ import annotations

import pytest

from bot import playbook
from bot.cli import main as cli_main
from bot.services import Services
from storage.audit import AuditAnchorError
from storage.pg import PgStore

UNIT = "satpolpp-bdg"
STORE_REL = f"units/{UNIT}/2026.json"
LOG_REL = f"audit/units/{UNIT}/2026.jsonl"
CYCLE = f"{UNIT}:2026:4"


@pytest.fixture
def store_url(pg_url) -> str:
    return pg_url


async def test_a_store_row_put_back_to_an_older_version_is_refused(
    runner, people, settings, pg_url, monkeypatch, capsys
):
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    store = PgStore(pg_url)
    old, _ = store.read(STORE_REL)
    await playbook.forward(people)
    await runner.stop()
    code_ok = _verify(settings, monkeypatch, capsys)
    assert code_ok[0] == 0, code_ok[1]
    assert "OK     penyimpanan dan log audit saling cocok." in code_ok[1]

    _, version = store.read(STORE_REL)
    assert old is not None
    store.write(STORE_REL, old, version)  # the older version, through the bot's own rights
    store.close()
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 1
    assert f"RUSAK  {STORE_REL}: {CYCLE} pada revisi 1, padahal {LOG_REL} seq" in out
    with pytest.raises(AuditAnchorError, match="Penyimpanan dan log audit tidak saling cocok"):
        Services.from_settings(settings)


def _verify(settings, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("LKJ_DATA_DIR", str(settings.lkj_data_dir))
    monkeypatch.setenv("LKJ_DATABASE_URL", settings.lkj_database_url)
    code = cli_main(["audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err
