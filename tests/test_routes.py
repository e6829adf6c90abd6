"""The routing table (handlers/routes.py) names every button action a handler issues and every
form a session can hold, and nothing registers itself by being imported.

The code is read, not run: every dict literal that is a button's payload (an "action" key and
no "actor", which only audit entries carry) and every form a session is begun with. An action
written as an expression (``f"{self.name}_upload"``, ``flow.actions.paraf``) is evaluated for
every object it can stand for (the yearly workbooks, the report flows), so a new kind is
checked too.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.identity import FIELDS
from handlers import texts
from handlers.approval import Actions, ReportFlow
from handlers.common import SignButtons
from handlers.invitations import DETAILS
from handlers.routes import ROUTES
from handlers.yearly_workbooks import YearlyWorkbook

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = sorted((ROOT / "handlers").glob("*.py"))


def _module(path: Path) -> Any:
    return importlib.import_module(f"handlers.{path.stem}")


def _instances(cls: type) -> list[Any]:
    found: dict[int, Any] = {}
    for path in HANDLERS:
        for value in vars(_module(path)).values():
            if isinstance(value, cls):
                found[id(value)] = value
    return list(found.values())


def _bindings(name: str, enclosing_class: str | None, fn: str | None) -> list[Any]:
    """What a free name in an action's (or a check's) expression can stand for."""
    if (fn, name) == ("on_edit", "name"):  # handlers/identity.py: the field edited
        return list(FIELDS)
    if (fn, name) == ("on_mode", "field"):  # handlers/invitations.py: each detail asked
        return [{"name": detail} for detail in DETAILS]
    if name == "flow":
        return _instances(ReportFlow)
    if name == "self" and enclosing_class == YearlyWorkbook.__name__:
        return _instances(YearlyWorkbook)
    if name == "self" and enclosing_class == SignButtons.__name__:
        return [a.sign_buttons for a in _instances(Actions)]
    raise AssertionError(
        f"a button, form or check named through {name!r} (in {enclosing_class or fn}): teach "
        "tests/test_routes.py what it stands for"
    )


def _walk(tree: ast.AST) -> Iterator[tuple[ast.AST, str | None, str | None]]:
    """Every node with the class and the function it sits in."""

    def visit(node: ast.AST, cls: str | None, fn: str | None):
        for child in ast.iter_child_nodes(node):
            yield child, cls, fn
            if isinstance(child, ast.ClassDef):
                yield from visit(child, child.name, fn)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, cls, child.name)
            else:
                yield from visit(child, cls, fn)

    yield from visit(tree, None, None)


def _values(path: Path, expr: ast.expr, cls: str | None, fn: str | None = None) -> set[str]:
    """The strings ``expr`` can be, evaluated in its module for each binding of its names."""
    if isinstance(expr, ast.Constant):
        return {expr.value}
    module = vars(_module(path))
    free = sorted({n.id for n in ast.walk(expr) if isinstance(n, ast.Name) and n.id not in module})
    code = compile(ast.Expression(expr), str(path), "eval")
    if not free:
        return {eval(code, dict(module))}
    assert len(free) == 1, f"{path.name}:{expr.lineno}: {ast.unparse(expr)}"
    return {eval(code, dict(module), {free[0]: b}) for b in _bindings(free[0], cls, fn)}


def _dict_value(node: ast.Dict, key: str) -> ast.expr | None:
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == key:
            return v
    return None


def _keys(node: ast.Dict) -> set[str]:
    return {k.value for k in node.keys if isinstance(k, ast.Constant)}


def issued_actions() -> dict[str, str]:
    """Every action a button payload in handlers/ can carry -> where it is written."""
    found: dict[str, str] = {}
    for path in HANDLERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, cls, _ in _walk(tree):
            if not isinstance(node, ast.Dict) or "actor" in _keys(node):
                continue  # an audit entry carries its actor; a button's payload does not
            value = _dict_value(node, "action")
            if value is not None:
                for action in _values(path, value, cls):
                    found.setdefault(action, f"{path.name}:{node.lineno}")
    return found


def session_forms() -> dict[str, str]:
    """Every form a session can be begun with -> where."""
    found: dict[str, str] = {}
    for path in HANDLERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, cls, fn in _walk(tree):
            form: ast.expr | None = None
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "begin_form":
                form = node.args[2] if len(node.args) > 2 else None
                form = form or next((k.value for k in node.keywords if k.arg == "form"), None)
                assert form is not None, f"{path.name}:{node.lineno}: begin_form without a form"
            elif isinstance(node, ast.Dict) and {"form", "form_id"} <= _keys(node):
                if path.stem == "forms" and fn == "begin_form":
                    continue  # the form machinery itself: its callers are read above
                form = _dict_value(node, "form")
            if form is not None:
                for name in _values(path, form, cls):
                    found.setdefault(name, f"{path.name}:{node.lineno}")
    return found


def test_every_button_a_handler_issues_has_its_action_in_the_table():
    issued = issued_actions()
    assert len(issued) > 40  # the scan finds the buttons (it would pass vacuously otherwise)
    routed = set(ROUTES.buttons) | set(ROUTES.guest_buttons)
    missing = {a: where for a, where in issued.items() if a not in routed}
    assert not missing, f"buttons whose action handlers/routes.py does not name: {missing}"
    # ... and the table names nothing no button carries (a leftover after a rename).
    assert routed <= set(issued), sorted(routed - set(issued))


def test_every_form_a_session_can_hold_has_its_finisher_or_handler():
    forms = session_forms()
    assert len(forms) > 15
    routed = set(ROUTES.finishers) | set(ROUTES.other_sessions)
    missing = {f: where for f, where in forms.items() if f not in routed}
    assert not missing, f"forms handlers/routes.py does not finish: {missing}"
    assert routed <= set(forms), sorted(routed - set(forms))
    assert not set(ROUTES.finishers) & set(ROUTES.other_sessions)


def test_every_check_a_field_names_is_in_the_table():
    """A field's ``validate`` and a toggle's ``implied`` name an entry of the table."""
    named: set[str] = set()
    for path in HANDLERS:
        for node, cls, fn in _walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                for key in ("implied", "validate"):
                    value = _dict_value(node, key)
                    if value is not None:
                        named |= _values(path, value, cls, fn)
            if (
                isinstance(node, ast.Assign)
                and isinstance(target := node.targets[0], ast.Subscript)
                and isinstance(target.slice, ast.Constant)
                and target.slice.value == "validate"
            ):
                named |= _values(path, node.value, cls, fn)
    checks = (
        set(ROUTES.text_checks)
        | set(ROUTES.form_text_checks)
        | set(ROUTES.document_checks)
        | set(ROUTES.implied_toggles)
    )
    assert named and named <= checks, sorted(named - checks)


def test_every_command_a_menu_offers_is_routed():
    routed = {name for command in ROUTES.commands for name in command.names}
    assert set(texts.COMMANDS) <= routed, sorted(set(texts.COMMANDS) - routed)
    assert len(routed) == sum(len(c.names) for c in ROUTES.commands)  # no name twice


def test_signing_flows_are_the_flows_confirm_buttons():
    flows = _instances(ReportFlow)
    assert {f.actions.sign_confirm: f for f in flows} == dict(ROUTES.signing_flows)


# Module-level statements that do no more than define: nothing runs to register.
DEFINING = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
PURE_DECORATORS = {"dataclass", "contextlib.asynccontextmanager", "contextlib.contextmanager"}


def _side_effects(path: Path) -> list[str]:
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        where = f"{path.name}:{node.lineno}: {ast.unparse(node).splitlines()[0]}"
        if isinstance(node, DEFINING):
            decorators = getattr(node, "decorator_list", [])
            for d in decorators:
                name = ast.unparse(d.func if isinstance(d, ast.Call) else d)
                if name not in PURE_DECORATORS:
                    found.append(where)
        elif isinstance(node, ast.Expr):
            if not isinstance(node.value, ast.Constant):  # a docstring is fine
                found.append(where)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not all(isinstance(t, ast.Name | ast.Tuple) for t in targets):
                found.append(where)  # X["name"] = f, module.X = …
        elif not isinstance(node, ast.If):  # ``if TYPE_CHECKING:`` imports
            found.append(where)  # a loop, a with, a try running at import
    return found


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.name)
def test_no_handler_module_registers_anything_when_imported(path):
    assert _side_effects(path) == []


def test_the_side_effect_check_sees_a_registration(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from handlers.forms import begin_form\n"
        "TABLE = {}\n"
        "TABLE['x'] = begin_form\n"
        "register(TABLE)\n"
        "@button_action('x')\n"
        "async def on_x(): ...\n"
        "for n in ('a', 'b'):\n"
        "    TABLE[n] = begin_form\n",
        encoding="utf-8",
    )
    assert len(_side_effects(planted)) == 4
