"""The layers of DESIGN (docs: the architecture), checked on the code's imports.

    bot/ -> handlers/, webapp/ -> app/ -> domain/, storage/;  documents/ imports domain;
    demo/, emulator/, bench/, tests/ sit on top.

An AST walk over every package reads each module's imports, those inside functions too: an
import deferred into a function is still a dependency (and one deferred to dodge a cycle is
still a cycle). ``from pkg import name`` counts as importing ``pkg`` and ``pkg.name``.

TODAY lists the violations allowed while a rule is being brought in (each entry names who
removes it); issue 20 emptied it. Anything not listed fails: a new violation, or a new module
in an old cycle.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "app",
    "bench",
    "bot",
    "demo",
    "documents",
    "domain",
    "emulator",
    "handlers",
    "storage",
    "templates",
    "tests",
    "webapp",
)
RUNNING_BOT = ("bot", "handlers", "app", "webapp", "domain", "storage", "documents")
#: The one door from the operator's CLI to the demo: ``lkj-bot demo``, ``render-samples`` and
#: ``guides`` load demo/ inside their command functions, so the running bot never imports it.
DEMO_DOOR = "bot.cli.demo"
#: Libraries the domain may not use: frameworks and I/O (it may use the standard library).
FRAMEWORKS_AND_IO = {
    "aiohttp",
    "asyncio",
    "http",
    "jinja2",
    "openpyxl",
    "psycopg",
    "pyhanko",
    "socket",
    "sqlite3",
    "subprocess",
    "telegram",
    "tinydb",
    "weasyprint",
}

# Violations of today, by rule: (module, the package or library it may not import) for the
# layer rules; a set of modules for a cycle (a cycle passes if all its modules are in one listed
# set, so a module joining it fails). Issue 20 removes them.
TODAY: dict[str, set] = {
    "domain: no framework or I/O library": set(),
    "domain: no app, storage, handlers, bot, webapp, documents": set(),
    "app: no telegram, handlers, webapp, bot": set(),
    "handlers and webapp: no storage": set(),
    "storage: no app, handlers, bot, webapp": set(),
    "the running bot: no emulator, no demo": set(),
    "cycles": set(),
}


def module_files(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    mods = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            mods[name.removesuffix(".__init__")] = path
    return mods


def imports_of(name: str, path: Path) -> set[str]:
    """Every name ``name`` imports (module level and inside functions), made absolute."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports; and the outside names, kept as they are."""
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        targets = set()
        for target in imports_of(name, path):
            inside = target
            while inside and inside not in mods:
                inside = inside.rpartition(".")[0]
            if inside and inside != name:
                targets.add(inside)
            elif not inside and target.split(".")[0] not in PACKAGES:
                targets.add(target)  # a library: checked by its top-level name
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[frozenset[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def top(name: str) -> str:
    return name.split(".")[0]


def violations(edges: dict[str, set[str]]) -> dict[str, set]:
    """Every import that breaks a rule, by rule."""
    found: dict[str, set] = {rule: set() for rule in TODAY}
    for importer, targets in edges.items():
        layer = top(importer)
        for target in targets:
            kind = top(target)
            pair = (importer, kind)  # the module, and the package or library it may not use
            if layer == "domain" and kind in FRAMEWORKS_AND_IO:
                found["domain: no framework or I/O library"].add(pair)
            if layer == "domain" and kind in {
                "app",
                "storage",
                "handlers",
                "bot",
                "webapp",
                "documents",
            }:
                found["domain: no app, storage, handlers, bot, webapp, documents"].add(pair)
            if layer == "app" and kind in {"telegram", "handlers", "webapp", "bot"}:
                found["app: no telegram, handlers, webapp, bot"].add(pair)
            if layer in {"handlers", "webapp"} and kind == "storage":
                found["handlers and webapp: no storage"].add(pair)
            if layer == "storage" and kind in {"app", "handlers", "bot", "webapp"}:
                found["storage: no app, handlers, bot, webapp"].add(pair)
            if layer in RUNNING_BOT and kind in {"emulator", "demo"} and importer != DEMO_DOOR:
                found["the running bot: no emulator, no demo"].add(pair)
    found["cycles"] = set(cycles(edges))
    return found


def new_violations(found: dict[str, set], allowed: dict[str, set] = TODAY) -> dict[str, list]:
    new: dict[str, list] = {}
    for rule, items in found.items():
        if rule == "cycles":
            extra = [sorted(c) for c in items if not any(c <= a for a in allowed[rule])]
        else:
            extra = sorted(items - allowed[rule])
        if extra:
            new[rule] = extra
    return new


EDGES = graph(module_files())


@pytest.mark.parametrize("rule", sorted(TODAY))
def test_no_import_breaks_a_layer_rule(rule):
    new = new_violations(violations(EDGES)).get(rule)
    assert not new, f"{rule}: {new} (DESIGN.md; docs/architecture)"


def test_the_allowances_of_today_are_still_needed():
    """An entry the code no longer needs is taken off, so it cannot hide a new violation."""
    found = violations(EDGES)
    stale = {
        rule: sorted(map(str, items - found[rule]))
        for rule, items in TODAY.items()
        if rule != "cycles" and items - found[rule]
    }
    stale_cycles = [c for c in TODAY["cycles"] if not any(f <= c for f in found["cycles"])]
    assert not stale and not stale_cycles, (stale, stale_cycles)


def test_the_walk_sees_a_planted_violation_of_each_rule(tmp_path):
    """A new bad import fails the test: planted in a copy of the layers, one of each kind."""
    plant = {
        "domain/__init__.py": "",
        "domain/pure.py": "import telegram\nfrom storage import repo\n",
        "domain/loop_a.py": "def f():\n    from domain.loop_b import g  # deferred: a cycle\n",
        "domain/loop_b.py": "from domain import loop_a\n",
        "storage/__init__.py": "",
        "storage/repo.py": "from handlers.view import show\n",
        "handlers/__init__.py": "",
        "handlers/view.py": "from storage.repo import X\n",
        "app/__init__.py": "",
        "app/case.py": "from telegram.ext import ContextTypes\n",
        "bot/__init__.py": "",
        "bot/run.py": "def demo():\n    from emulator import BotAPIEmulator\n",
        "emulator/__init__.py": "",
    }
    for rel, text in plant.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    edges = graph(module_files(tmp_path))
    new = new_violations(violations(edges))
    assert set(new) == set(TODAY), new
    assert ["domain.loop_a", "domain.loop_b"] in new["cycles"]
    assert ("domain.pure", "telegram") in new["domain: no framework or I/O library"]
    assert ("bot.run", "emulator") in new["the running bot: no emulator, no demo"]
