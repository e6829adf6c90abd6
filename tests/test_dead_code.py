"""No dead code: vulture over every package of the repository finds nothing unused.

Every top-level package (a folder with an ``__init__.py``: the bot, its layers, the emulator,
the demo, the bench and the tests, which are users too) is read at once, with
``vulture_whitelist.py`` for the names only a framework or a file format uses. Functions
registered by a decorator (button actions, form finishers, pytest fixtures) count as used.
A new function, method, class, variable or attribute nobody uses fails this test: remove it,
or, when something outside our calls reads it, add it to the whitelist with the reason.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHITELIST = ROOT / "vulture_whitelist.py"
PACKAGES = sorted(
    p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and not p.name.startswith(".")
)
CONFIDENCE = "60"  # unused functions, classes, methods, variables and attributes
REGISTERED_BY = "@button_action,@finisher,@pytest.fixture"


def vulture(*paths: str | Path) -> subprocess.CompletedProcess[str]:
    try:
        import vulture as _vulture  # noqa: F401  (a test extra: say so when it is missing)
    except ImportError:
        pytest.fail("vulture is not installed: pip install -e '.[test]' (pyproject test extra)")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "vulture",
            *map(str, paths),
            "--min-confidence",
            CONFIDENCE,
            "--ignore-decorators",
            REGISTERED_BY,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_no_dead_code_in_any_package():
    assert {"bot", "handlers", "domain", "storage", "demo", "tests"} <= set(PACKAGES)
    run = vulture(*PACKAGES, WHITELIST)
    assert run.returncode == 0 and not run.stdout.strip(), (
        "dead code (remove it, or list it in vulture_whitelist.py with who uses it):\n"
        + run.stdout
        + run.stderr
    )


def test_the_check_reports_a_dead_definition(tmp_path):
    """The same command reports what nobody uses, and not what is used or registered."""
    package = tmp_path / "planted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "module.py").write_text(
        "def used() -> int:\n"
        "    return 1\n\n\n"
        "def never_called() -> int:\n"
        "    return used()\n\n\n"
        "@button_action('x')\n"
        "def registered() -> None:\n"
        "    pass\n",
        encoding="utf-8",
    )
    run = vulture(package, WHITELIST)
    assert run.returncode != 0
    assert "unused function 'never_called'" in run.stdout
    assert "'used'" not in run.stdout and "registered" not in run.stdout


def test_every_whitelisted_name_is_still_defined():
    """A whitelist entry whose definition is gone would silently excuse a new dead name."""
    tree = ast.parse(WHITELIST.read_text(encoding="utf-8"))
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert len(names) > 10
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    )
    missing = sorted(n for n in names if not re.search(rf"\b{re.escape(n)}\b", sources))
    assert not missing, f"no longer in the code, remove from vulture_whitelist.py: {missing}"
