"""The conversation adapters go through the Coach only: no store imports, no reaching past it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

ADAPTERS = [
    "bot/api/sessions.py",
    "bot/api/misc.py",
    "bot/slack/conversation.py",
    "bot/slack/replies.py",
    "bot/cli/coach_cmds.py",
]
INTERNALS = {"store", "engine", "rubric", "index", "settings"}


def tree(path: str) -> ast.Module:
    return ast.parse((PROJECT_ROOT / path).read_text(encoding="utf-8"))


def imported(module: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("path", ADAPTERS)
def test_adapter_imports_no_store_module(path: str) -> None:
    assert not [m for m in imported(tree(path)) if m == "bot.store" or m.startswith("bot.store.")]


@pytest.mark.parametrize("path", ADAPTERS)
def test_adapter_never_reaches_past_the_coach(path: str) -> None:
    reached = [
        f"{ast.unparse(node)} (line {node.lineno})"
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Attribute)
        and node.attr in INTERNALS
        and ast.unparse(node.value).split(".")[-1] == "coach"
    ]
    assert reached == []


def test_interview_commands_do_not_import_the_interview() -> None:
    """The command handlers use the interview's public moves (a Protocol), so there is no cycle."""
    assert "bot.interview" not in imported(tree("bot/interview_commands.py"))
    source = Path(PROJECT_ROOT / "bot/interview_commands.py").read_text(encoding="utf-8")
    assert "iv._" not in source  # no private members of the interview
