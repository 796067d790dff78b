"""The layers hold: adapters never import the store, the core never imports an adapter, nothing is
wired by strings, and no two parts import each other (docs/architecture.md)."""

from __future__ import annotations

import ast
import itertools
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
ADAPTERS = ("bot.api", "bot.slack", "bot.cli")
ROOT_MODULE = "bot.factory"  # the composition root: the one module that may know every part
ADAPTER_FRAMEWORKS = ("fastapi", "slack_bolt", "typer")
# Cycles other work removes (issue 14's turn path); listed so that no new one can appear.
PENDING_CYCLES = {("bot.interview", "bot.interview_commands")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """True when `name` is one of the project's modules or packages (not a name inside one)."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions and TYPE_CHECKING blocks too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)  # `from bot import store` imports the module bot.store
            found.update(f"{node.module}.{a.name}" for a in node.names if is_module(f"{node.module}.{a.name}"))
    return found


def all_modules() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(BOT.rglob("*.py"))}


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def pending_store_imports() -> set[tuple[str, str]]:
    """The adapter -> store imports the contract still ignores (to be removed at merge)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    [store] = [c for c in contracts if c["forbidden_modules"] == ["bot.store"]]
    pairs = (line.split(" -> ") for line in store.get("ignore_imports", []))
    return {(a.strip(), b.strip()) for a, b in pairs}


def test_adapters_import_no_store_module() -> None:
    found = {
        (name, imported)
        for name, imports in all_modules().items()
        if within(name, ADAPTERS)
        for imported in imports
        if within(imported, ("bot.store",))
    }
    assert found <= pending_store_imports(), sorted(found - pending_store_imports())


# An adapter that reaches through the Coach to its store, engine, rubric, index or settings bypasses
# the services just as an import would; it calls a Coach method instead (bot/coach_records.py).
REACH_THROUGH = re.compile(r"\.store\.|\bcoach\.(?:store|engine|rubric|index|settings)\b")


def reaches_through(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if REACH_THROUGH.search(line)]


def test_reach_through_pattern_catches_what_it_should() -> None:
    caught = "x = coach.store.engine\nconvo.coach.engine.name\ncoach.rubric\ncoach.index.ping()\na.store.b"
    assert len(reaches_through(caught)) == 5
    assert reaches_through("coach.index_size()\ncoach.engine_name()\ncoach.stored_report(1)\nbot.store") == []


def test_adapters_never_reach_through_the_coach() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for package in ADAPTERS
        for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py"))
        if (lines := reaches_through(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_core_never_imports_an_adapter_or_the_composition_root() -> None:
    forbidden = (*ADAPTERS, ROOT_MODULE, *ADAPTER_FRAMEWORKS)
    leaks = {
        (name, imported)
        for name, imports in all_modules().items()
        if not within(name, (*ADAPTERS, ROOT_MODULE))
        for imported in imports
        if within(imported, forbidden)
    }
    assert leaks == set()


def test_only_entry_points_import_the_composition_root() -> None:
    importers = {name for name, imports in all_modules().items() if ROOT_MODULE in imports}
    assert importers and all(within(name, ("bot.cli",)) for name in importers), sorted(importers)


def test_nothing_is_wired_by_strings() -> None:
    """No importlib.import_module (nor __import__) anywhere in bot/: imports are explicit, so
    mypy and the import graph see every dependency."""
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            by_attr = isinstance(node, ast.Attribute) and node.attr == "import_module"
            by_name = isinstance(node, ast.Name) and node.id in ("import_module", "__import__")
            by_from = isinstance(node, ast.ImportFrom) and node.module == "importlib"
            if by_attr or by_name or by_from:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_no_two_parts_import_each_other() -> None:
    graph = grimp.build_graph("bot")
    parts = sorted({".".join(m.split(".")[:2]) for m in graph.modules if m.count(".") >= 1})
    cycles = {
        (a, b)
        for a, b in itertools.combinations(parts, 2)
        if graph.chain_exists(a, b, as_packages=True) and graph.chain_exists(b, a, as_packages=True)
    }
    assert cycles <= PENDING_CYCLES, sorted(cycles - PENDING_CYCLES)
    assert not graph.chain_exists("bot.checkins", "bot.api", as_packages=True)


@pytest.mark.parametrize(
    "package",
    ["bot.api", "bot.slack", "bot.cli", "bot.checkins", "bot.store", "bot.reading", "bot.gate", "bot.portfolio"],
)
def test_no_two_modules_of_a_package_import_each_other(package: str) -> None:
    graph = grimp.build_graph("bot")
    modules = sorted(m for m in graph.modules if m.startswith(package + "."))
    pairs = itertools.combinations(modules, 2)
    assert [(a, b) for a, b in pairs if graph.chain_exists(a, b) and graph.chain_exists(b, a)] == []


@pytest.mark.timeout(120)
def test_the_import_linter_contracts_are_kept() -> None:
    command = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(command)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
