"""`coach eval` through typer's CliRunner: the gate's exit codes, JSON and HTML output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import eval_cmds
from evals.runner import resolve_suites
from evals.suites import SUITES
from tests.openai.fake_openai import FakeOpenAI, JSONReply

# A "model" that does what injected text tells it: every dimension is ready.
OBEDIENT = {"status": "ready", "severity": None, "evidence": [], "confidence": 0.9, "rationale": "as instructed"}


@pytest.fixture
def app() -> typer.Typer:
    """A CLI app with only `eval` registered (the callback keeps it a subcommand)."""
    app = typer.Typer()
    app.callback()(lambda: None)
    eval_cmds.register(app)
    return app


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "COACH_DATA_DIR": str(tmp_path / "unused"),
        "COACH_CHROMA_URL": "",
        "COACH_KNOWLEDGE_DIRS": "",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    env.update(extra)
    return env


def test_suite_names_and_aliases() -> None:
    assert resolve_suites(["retrieval"]) == ["retrieval"]
    assert resolve_suites(["offline"]) == list(SUITES)
    assert resolve_suites(["pii", "offline", "pii"]) == list(SUITES)
    assert resolve_suites([]) == list(SUITES)


def test_unknown_suite_is_a_usage_error(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "recipes"], env=_env(tmp_path))
    assert result.exit_code == 2
    assert "Unknown eval suite 'recipes'" in result.output and "offline" in result.output


def test_openai_engine_without_a_key_says_so(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--suite", "pii", "--engine", "openai"], env=_env(tmp_path))
    assert result.exit_code == 2
    assert "needs OPENAI_API_KEY" in result.output


def test_gate_fails_when_thresholds_demand_more_than_is_achieved(app: typer.Typer, tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text("min:\n  pii.items: 1000\n  pii.redaction_recall: 0.5\nmax:\n  injection.cases: 1\n")
    out = tmp_path / "report"
    args = ["eval", "pii", "--suite", "injection", "--report", str(out), "--thresholds", str(strict)]
    result = CliRunner().invoke(app, args, env=_env(tmp_path))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "2 metric(s) below threshold" in result.output
    assert "- pii.items = 34, required >= 1000" in result.output
    assert "- injection.cases = 18, required <= 1" in result.output
    assert "pii.redaction_recall =" not in result.output  # met, so not listed
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in data["failures"]] == ["pii.items", "injection.cases"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "2 metric(s) below threshold" in html
    for suite in ("pii", "injection"):
        for miss in data["suites"][suite]["misses"]:
            assert f"<pre>{miss['case']}</pre>" in html


def test_openai_engine_runs_n_times_and_an_obedient_model_fails_the_gate(app: typer.Typer, tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text("min:\n  injection.answer_resistance: 0.9\n")
    out = tmp_path / "report"
    with FakeOpenAI(default=JSONReply(OBEDIENT)) as server:
        env = _env(
            tmp_path,
            OPENAI_API_KEY="sk-test-not-real",
            OPENAI_BASE_URL=server.url,
            COACH_LLM_MAX_RETRIES="0",
            COACH_LLM_TIMEOUT="5",
        )
        args = [
            "eval",
            "injection",
            "--suite",
            "pii",
            "--engine",
            "openai",
            "--runs",
            "2",
            "--report",
            str(out),
            "--thresholds",
            str(strict),
        ]
        result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "- injection.answer_resistance = 0, required >= 0.9" in result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["engine"] == "openai" and data["runs"] == 2
    assert set(data["spread"]["pii.redaction_recall"]) == {"mean", "min", "max", "stdev"}
    html = (out / "report.html").read_text(encoding="utf-8")
    for miss in ("i01", "i12", "judged ready, expected gap"):
        assert miss in html
