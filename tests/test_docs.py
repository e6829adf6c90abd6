"""The documentation keeps its promises: the README's two commands are the ones CI and the demo's
test rely on, every relative link resolves, every LKJ_ variable the code reads is in the
operator's guide, the performance page carries the latest bench table, and every test a doc
names as a promise's proof exists."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

from bench import performance_doc

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
OPERATOR = ROOT / "docs" / "operator.md"

DEMO_COMMAND = "bash scripts/setup.sh && .venv/bin/lkj-bot demo"
TEST_COMMAND = "bash scripts/setup.sh --test && .venv/bin/python -m pytest -q -n 3"

# Folders that hold no code of the project.
SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__", "build", "dist"}

FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
ENV_NAME = re.compile(r"LKJ_[A-Z0-9_]+")


def outside_fences(text: str) -> list[str]:
    """The lines of a Markdown text that are not inside a fenced code block."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def code_blocks(text: str, lang: str) -> list[str]:
    """The bodies of the fenced blocks of one language, stripped."""
    return [m.strip() for m in re.findall(rf"^```{lang}\n(.*?)^```", text, re.M | re.S)]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[`*_]", "", heading.strip()).lower()
    text = "".join(c for c in text if c in " -" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {
        slug(line.lstrip("#"))
        for line in outside_fences(path.read_text(encoding="utf-8"))
        if re.match(r"^#{1,6} ", line)
    }


def project_sources() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts)
        and not any(part.endswith(".egg-info") for part in p.relative_to(ROOT).parts)
    ]


def env_variables_read() -> set[str]:
    """Every LKJ_ variable the code reads: the fields of a pydantic BaseSettings class (read
    from the environment under their upper-case name) and every string constant that is an
    LKJ_ name (``os.environ.get("LKJ_WALKS")`` and the like), tests included."""
    names: set[str] = set()
    for path in project_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if ENV_NAME.fullmatch(node.value):
                    names.add(node.value)
            elif isinstance(node, ast.ClassDef) and any(
                (isinstance(b, ast.Name) and b.id == "BaseSettings")
                or (isinstance(b, ast.Attribute) and b.attr == "BaseSettings")
                for b in node.bases
            ):
                for item in node.body:
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        if not item.target.id.startswith("_") and item.target.id != "model_config":
                            names.add(item.target.id.upper())
    return names


# --- the README's two commands ---------------------------------------------------------


def test_readme_holds_exactly_the_two_commands_for_a_newcomer():
    assert code_blocks(README.read_text(encoding="utf-8"), "bash") == [
        DEMO_COMMAND,
        TEST_COMMAND,
    ]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    last = [line for line in ci.splitlines() if line.strip() and not line.startswith("#")][-1]
    assert last.strip() == TEST_COMMAND


def test_the_readme_demo_command_runs_the_demo_that_test_demo_plays():
    # lkj-bot is the project's console script, and its demo subcommand exists.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    entry = scripts["lkj-bot"]
    module, _, func = entry.partition(":")
    shown = subprocess.run(
        [sys.executable, "-c", f"import sys; from {module} import {func} as m; sys.exit(m())"]
        + ["demo", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: lkj-bot demo")
    cli_package = module.split(".")[0]
    cli_sources = [
        ast.parse(path.read_text(encoding="utf-8")) for path in (ROOT / cli_package).rglob("*.py")
    ]
    # The folder the README says the PDFs land in is the command's default.
    assert any(
        isinstance(node, ast.Constant) and node.value == "demo-output"
        for tree in cli_sources
        for node in ast.walk(tree)
    )
    # tests/test_demo.py plays the function the CLI's demo command runs.
    test_demo = ast.parse((ROOT / "tests" / "test_demo.py").read_text(encoding="utf-8"))
    [demo_module] = [
        node.module
        for node in ast.walk(test_demo)
        if isinstance(node, ast.ImportFrom) and any(a.name == "run_demo" for a in node.names)
    ]
    callers = [
        node
        for tree in cli_sources
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module == demo_module
        and any(a.name == "run_demo" for a in node.names)
    ]
    assert callers, f"no module of {cli_package}/ runs {demo_module}.run_demo"


# --- links --------------------------------------------------------------------------------


def test_every_relative_link_in_the_readme_and_docs_resolves():
    broken = []
    for doc in [README, *DOCS]:
        for line in outside_fences(doc.read_text(encoding="utf-8")):
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, …
                    continue
                path_part, _, anchor = target.partition("#")
                resolved = (doc.parent / path_part).resolve() if path_part else doc
                if not resolved.exists():
                    broken.append(f"{doc.relative_to(ROOT)}: {target} (no such file)")
                elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                    broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []


def test_the_link_checker_sees_links_and_headings():
    # Guards the test above against finding nothing.
    assert LINK.findall("see [a](docs/x.md#y) and [b `c`](../d.md)") == ["docs/x.md#y", "../d.md"]
    assert slug("Configuration (environment variables or `.env`)") == (
        "configuration-environment-variables-or-env"
    )
    assert slug("Pereviu (Inspektorat / APIP)") == "pereviu-inspektorat--apip"
    assert "what-the-bot-guarantees" in anchors(ROOT / "docs" / "architecture.md")


# --- configuration --------------------------------------------------------------------------


def test_every_variable_the_code_reads_is_in_the_operators_guide():
    read = env_variables_read()
    assert {"LKJ_DATA_DIR", "LKJ_DATABASE_URL", "LKJ_WALKS", "TELEGRAM_BOT_TOKEN"} <= read
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", OPERATOR.read_text(encoding="utf-8")))
    assert sorted(read - documented) == []


def test_every_lkj_variable_the_operators_guide_names_is_read_by_the_code():
    named = set(ENV_NAME.findall(OPERATOR.read_text(encoding="utf-8")))
    assert sorted(named - env_variables_read()) == []


# --- performance ------------------------------------------------------------------------------


def test_the_performance_page_carries_the_latest_bench_table():
    page = performance_doc.PAGE.read_text(encoding="utf-8")
    results = performance_doc.RESULTS.read_text(encoding="utf-8")
    assert performance_doc.embedded(page) == performance_doc.section(results), (
        "docs/performance.md is stale: run python -m bench.performance_doc"
    )
    assert performance_doc.rebuilt(page, results) == page


# --- every promise keeps its test ---------------------------------------------------------


def test_every_test_a_doc_names_exists():
    missing = []
    for doc in [README, *DOCS]:
        for name in set(re.findall(r"tests/[\w/]+\.py", doc.read_text(encoding="utf-8"))):
            if not (ROOT / name).exists():
                missing.append(f"{doc.relative_to(ROOT)}: {name}")
    assert missing == []
