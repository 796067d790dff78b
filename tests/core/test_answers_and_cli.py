"""Grounded answers, the report schema and the coach CLI."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import Settings
from bot.render import to_markdown
from bot.service import Coach


def test_playbook_question_is_answered_with_citations(coach: Coach) -> None:
    answer = coach.ask("How do we get risk and compliance involved early enough?")
    assert answer.in_scope
    assert answer.citations
    assert any(c.source.startswith("governance") or c.source == "this_week.md" for c in answer.citations)


@pytest.mark.parametrize("question", ["How do I bake sourdough bread?", "Who won the 1998 World Cup?"])
def test_off_topic_question_is_declined(coach: Coach, question: str) -> None:
    answer = coach.ask(question)
    assert not answer.in_scope
    assert "doesn't cover" in answer.answer
    assert not answer.citations


@pytest.mark.parametrize(
    "question",
    [
        # each shares words with playbook passages ("commit", "cost", "prompt") but is not about them
        "How do I undo a commit I already pushed to the shared branch?",
        "What does an hour of A100 time cost on the cheapest cloud?",
    ],
)
def test_near_miss_sharing_words_with_the_playbook_is_declined(coach: Coach, question: str) -> None:
    answer = coach.ask(question)
    assert not answer.in_scope, answer.answer


def test_jargon_is_spelled_out_before_searching(coach: Coach) -> None:
    from bot.text import expand_aliases

    assert expand_aliases("PoC stuck, prod next", {"PoC": "proof-of-concept pilot", "prod": "production"}) == (
        "PoC (proof-of-concept pilot) stuck, prod (production) next"
    )
    assert expand_aliases("productive", {"prod": "production"}) == "productive"  # whole words only
    answer = coach.ask("PoC stuck, need next steps pls")  # the embedding model doesn't know "PoC"
    assert answer.in_scope and answer.citations


def test_numbers_in_answers_come_from_cited_passages(coach: Coach) -> None:
    answer = coach.ask("How much of the data work do teams usually find was never done?")
    cited = " ".join(c.text for c in answer.citations)
    for token in [t.strip(".,%") for t in answer.answer.split() if any(ch.isdigit() for ch in t)]:
        if token.startswith("[") or not token:
            continue
        assert token in cited or token in " ".join(c.source for c in answer.citations)


def test_report_markdown_has_gaps_and_actions(coach: Coach) -> None:
    report = coach.assess_text("We have no monitoring and no rollback. Compliance has not reviewed it.")
    md = to_markdown(report)
    assert "## Gaps" in md and "**This week:**" in md
    assert report.rubric_version and report.prompt_version and report.engine == "offline"


@pytest.fixture
def cli_env(indexed_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COACH_DATA_DIR", str(indexed_settings.data_dir))
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    _register_all()
    return CliRunner()


def test_cli_assess_json_prints_the_schema(cli_env: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "pilot.md"
    doc.write_text("The pilot ran on a hand-cleaned spreadsheet. Nobody owns the budget.", encoding="utf-8")
    result = cli_env.invoke(app, ["assess", str(doc), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("verdict", "dimensions", "gaps", "open_questions", "engine", "rubric_version", "prompt_version"):
        assert key in data
    assert {"id", "status", "severity", "level", "evidence"} <= set(data["dimensions"][0])


def test_cli_assess_missing_file_is_one_clear_line(cli_env: CliRunner) -> None:
    result = cli_env.invoke(app, ["assess", "/nonexistent/file.md"])
    assert result.exit_code == 1
    assert "no such file" in result.output
    assert "Traceback" not in result.output


def test_cli_ask_json(cli_env: CliRunner) -> None:
    result = cli_env.invoke(app, ["ask", "What does good observability look like?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["in_scope"] and data["citations"]


def test_stored_reports_carry_their_assessment_id(coach: Coach) -> None:
    report = coach.assess_text("We have no monitoring and no rollback.")
    assert report.assessment_id is not None
    stored = coach.store.get_assessment(report.assessment_id).report
    assert stored.assessment_id == report.assessment_id
    assert stored.gaps == report.gaps


def test_a_short_question_keeps_its_area_even_when_jargon_is_spelled_out(coach: Coach) -> None:
    # 7 words as typed, 11 once PoC, prod and ops are spelled out: still a short, in-context question
    answer = coach.ask("why does the PoC need prod ops?", dimension="governance")
    assert answer.citations and all(c.source.startswith("governance") for c in answer.citations)


def test_cli_chat_runs_an_interview_to_its_report(cli_env: CliRunner) -> None:
    from tests.api.script import ANSWERS

    result = cli_env.invoke(app, ["chat", "--pilot", "Triage"], input="\n".join([*ANSWERS, *["skip"] * 12]) + "\n")
    assert result.exit_code == 0, result.output
    assert "Verdict" in result.output and "Saved. Resume with: coach chat --resume" in result.output
    assert result.output.count("Verdict") == 1  # the report once, not the brief and then the report


def test_cli_chat_resumed_lists_the_last_answers_sources(cli_env: CliRunner) -> None:
    first = cli_env.invoke(app, ["chat", "--pilot", "Triage"], input="When should compliance first see our pilot?\n")
    assert first.exit_code == 0, first.output
    assert "Sources:" in first.output
    session_id = re.search(r"--resume (\S+)", first.output).group(1)  # type: ignore[union-attr]
    resumed = cli_env.invoke(app, ["chat", "--resume", session_id], input="")
    assert resumed.exit_code == 0, resumed.output
    assert "[1]" in resumed.output and "Sources:" in resumed.output and "  [1] " in resumed.output


def test_cli_ask_on_an_empty_index_says_to_run_coach_index(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # before `coach index`, every question would otherwise come back "the playbook doesn't cover that"
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    _register_all()
    result = CliRunner().invoke(app, ["ask", "What does good observability look like?"])
    assert result.exit_code == 1
    assert "run `coach index`" in result.output
    assert "doesn't cover" not in result.output
