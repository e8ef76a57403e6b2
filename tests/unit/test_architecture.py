"""The floors of docs/architecture.md: a lower floor never imports a higher one.

Read from the source (every ``import``, module level or inside a function), so the rule holds for
late imports too. No database, no app: this is a unit test of the code's shape.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "planner"

# module prefix -> floor; the longest matching prefix wins
FLOORS = {
    "planner.calc": 0, "planner.periods": 0, "planner.errors": 0,
    "planner.models": 1,
    "planner.services": 2, "planner.permissions": 2, "planner.db": 2, "planner.migrate": 2,
    "planner.config": 2, "planner.charts": 2,
    "planner.excel": 1, "planner.web": 3, "planner.cli": 3, "planner": 3,
}
# Spreadsheet builders take rows and return bytes: they may read models and calc, never a service.
LIMITS = {"planner.excel": 1}
# Pure floors import no web framework and no database library.
FORBIDDEN_IN_PURE = ("flask", "sqlalchemy", "sqlmodel", "jinja2", "werkzeug")


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _prefix(module: str) -> str | None:
    return max((p for p in FLOORS if module == p or module.startswith(p + ".")), key=len, default=None)


def _imports(source: str, module: str, is_package: bool) -> list[str]:
    package = module if is_package else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                base = ".".join(anchor[:len(anchor) - node.level + 1] + ([base] if base else []))
            # "from planner import db" names the module planner.db
            out += [f"{base}.{a.name}" if base == "planner" else base for a in node.names]
    return out


def sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield _name(path), path.name == "__init__.py", path.read_text("utf-8")


def violations(modules) -> list[str]:
    found = []
    for module, is_package, source in modules:
        own = _prefix(module)
        floor = LIMITS.get(own, FLOORS[own])
        for target in _imports(source, module, is_package):
            if FLOORS[own] == 0 and target.split(".")[0] in FORBIDDEN_IN_PURE:
                found.append(f"{module} (floor 0) imports {target}")
            other = _prefix(target) if target.startswith("planner") else None
            if other not in (None, "planner", own) and FLOORS[other] > floor:
                found.append(f"{module} (floor {floor}) imports {target} (floor {FLOORS[other]})")
    return found


def test_no_floor_imports_a_higher_one():
    assert violations(sources()) == []


@pytest.mark.parametrize("module, source", [
    ("planner.calc.bad", "from planner.services import plans\n"),
    ("planner.calc.bad", "from planner import db\n"),
    ("planner.excel.bad", "from planner.services.worksheet import load\n"),
    ("planner.models.bad", "from ..services import plans\n"),
    ("planner.services.bad", "def f():\n    from planner.web import helpers\n"),
    ("planner.calc.bad", "import flask\n"),
])
def test_the_check_catches_a_lower_floor_importing_a_higher_one(module, source):
    """The checker itself: a planted violation is reported (relative and function-level imports too)."""
    assert violations([(module, False, source)])


def test_allowed_imports_pass():
    assert violations([("planner.web.bad", False, "from planner.services import plans\nfrom planner import db\n"),
                       ("planner.excel.bad", False, "from planner.models import Plan\nfrom .cells import safe\n"),
                       ("planner.services.bad", False, "from planner.calc import tree\n")]) == []


# ---------------------------------------------------------------- page or fragment, decided once

# What only planner/web/helpers.py may read or write: the htmx request flags and the htmx answer headers.
HTMX_MARKERS = ("wants_fragment(", "htmx.", "import htmx", "render_block", "HX-Request", "HX-Retarget",
                "HX-Reswap", "HX-Redirect", "HX-Trigger", "HX-Boosted", "HX-Target", "request.headers.get(\"HX")


def htmx_branches(modules) -> list[str]:
    """Web modules (but the helper, and the app set-up that creates the extension and adds ``Vary``) that
    look at the htmx flags or write htmx headers themselves instead of answering through ``respond``."""
    found = []
    for module, _, source in modules:
        if not module.startswith("planner.web") or module in ("planner.web.helpers", "planner.web"):
            continue
        code = [ln for ln in source.splitlines() if not ln.lstrip().startswith("#")]
        for n, line in enumerate(code, 1):
            found += [f"{module}:{n}: {marker}" for marker in HTMX_MARKERS if marker in line]
    return found


def test_no_handler_branches_on_htmx_itself():
    assert htmx_branches(sources()) == []


def test_the_app_setup_reads_no_htmx_flag_either():
    """planner/web/__init__.py may create the extension and add ``Vary: HX-Request``, nothing else."""
    source = (PACKAGE / "web" / "__init__.py").read_text("utf-8")
    assert "request.headers.get(\"HX" not in source and "wants_fragment(" not in source and "HX-Redirect" not in source


@pytest.mark.parametrize("source", [
    "if wants_fragment():\n    pass\n",
    "headers = {'HX-Retarget': '#flash'}\n",
    "if request.headers.get(\"HX-Request\"):\n    pass\n",
    "from jinja2_fragments.flask import render_block\n",
])
def test_the_htmx_check_catches_a_handler_branching_itself(source):
    assert htmx_branches([("planner.web.bad", False, source)])
