"""Without a PostgreSQL server the PostgreSQL tests are skipped with the reason locally, and
fail in CI (``CI=true``) or with ``LKJ_REQUIRE_POSTGRES=1``: CI never passes without them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ONE_PG_TEST = "tests/test_pg_store.py::test_an_audit_key_is_written_once"


def _run_without_server(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "LKJ_REQUIRE_POSTGRES")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", ONE_PG_TEST],
        cwd=REPO,
        env={**clean, "LKJ_TEST_PG_BINDIR": str(tmp_path / "tidak-ada"), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_a_server_a_local_run_skips_with_the_reason(tmp_path):
    result = _run_without_server(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "PostgreSQL is not available" in result.stdout
    assert "bash scripts/setup.sh --test" in result.stdout


@pytest.mark.parametrize("env", [{"CI": "true"}, {"LKJ_REQUIRE_POSTGRES": "1"}])
def test_without_a_server_ci_fails(tmp_path, env):
    result = _run_without_server(tmp_path, **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and "skipped" not in result.stdout
    assert "required: CI or LKJ_REQUIRE_POSTGRES" in result.stdout
