"""`coach index` and `coach search` through typer's CliRunner, with settings from the env."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import index_cmds


@pytest.fixture
def app() -> typer.Typer:
    """A CLI app with only the index commands registered."""
    app = typer.Typer()
    index_cmds.register(app)
    return app


def _env(tmp_path: Path, knowledge: Path) -> dict[str, str]:
    return {
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_KNOWLEDGE_DIR": str(knowledge),
        "COACH_KNOWLEDGE_DIRS": "",
        "COACH_CHROMA_URL": "",
    }


def test_index_then_search_json(app: typer.Typer, tmp_path: Path, playbook_dir: Path) -> None:
    runner, env = CliRunner(), _env(tmp_path, playbook_dir)
    indexed = runner.invoke(app, ["index"], env=env)
    assert indexed.exit_code == 0, indexed.output
    assert "documents" in indexed.output and "unchanged" in indexed.output
    args = ["search", "who owns the P&L budget", "-k", "2", "--json"]
    found = runner.invoke(app, args, env=env)
    assert found.exit_code == 0, found.output
    rows = json.loads(found.stdout)
    assert len(rows) == 2
    assert rows[0]["source"] == "owner.md" and rows[0]["section"] == "who-pays"
    assert {"text", "source", "section", "dimension", "score"} <= rows[0].keys()


def test_search_filters_and_modes(app: typer.Typer, tmp_path: Path, playbook_dir: Path) -> None:
    runner, env = CliRunner(), _env(tmp_path, playbook_dir)
    runner.invoke(app, ["index"], env=env)
    args = ["search", "what goes wrong", "--dimension", "governance", "--mode", "lexical", "--json"]
    rows = json.loads(runner.invoke(app, args, env=env).stdout)
    assert rows and {r["dimension"] for r in rows} == {"governance"}
    table = runner.invoke(app, ["search", "audit trail", "-k", "1"], env=env)
    assert table.exit_code == 0 and "governance.md" in table.output
    bad = runner.invoke(app, ["search", "x", "--mode", "fuzzy"], env=env)
    assert bad.exit_code == 2


def test_search_on_an_empty_index(app: typer.Typer, tmp_path: Path, playbook_dir: Path) -> None:
    result = CliRunner().invoke(app, ["search", "anything"], env=_env(tmp_path, playbook_dir))
    assert result.exit_code == 1
    assert "The playbook index is empty: run `coach index` first." in result.output


def test_malformed_rubric_exits_1_naming_the_file(app: typer.Typer, tmp_path: Path, playbook_dir: Path) -> None:
    rubric = playbook_dir / "rubric.yaml"
    rubric.write_text("version: 1\nlevels: [unclosed\n")
    result = CliRunner().invoke(app, ["index"], env=_env(tmp_path, playbook_dir))
    assert result.exit_code == 1
    assert "rubric.yaml" in result.output and "Traceback" not in result.output


def test_malformed_front_matter_exits_1_naming_file_and_field(
    app: typer.Typer, tmp_path: Path, playbook_dir: Path
) -> None:
    (playbook_dir / "broken.md").write_text("---\nid: broken\n---\nNo title here.\n")
    result = CliRunner().invoke(app, ["index"], env=_env(tmp_path, playbook_dir))
    assert result.exit_code == 1
    output = " ".join(result.output.split())  # rich wraps long lines
    assert "broken.md" in output and "title" in output
