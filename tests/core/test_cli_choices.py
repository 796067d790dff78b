"""`coach chat` shows numbered quick replies; a number (and any details after it) answers."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.cli.coach_cmds import picked
from bot.config import Settings
from bot.interview import InterviewState
from bot.models import Choice
from bot.service import Coach

CHOICES = [Choice(label="Automated feed", value="It flows automatically."), Choice(label="Not sure", value="Not sure.")]


@pytest.fixture
def cli_env(indexed_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COACH_DATA_DIR", str(indexed_settings.data_dir))
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    _register_all()
    return CliRunner()


def test_a_number_picks_an_option_and_words_after_it_are_details() -> None:
    assert picked(CHOICES, "1") == "It flows automatically."
    assert picked(CHOICES, "2 the owner is on leave") == "Not sure: the owner is on leave"
    assert picked(CHOICES, "3") == "3"  # no such option: sent as typed
    assert picked(CHOICES, "40 stores use it") == "40 stores use it"
    assert picked([], "1") == "1"


def test_chat_lists_numbered_options_and_takes_a_number(cli_env: CliRunner, coach: Coach) -> None:
    intro = [
        "It drafts replies for our support agents.",
        "The VP of Support sponsors it.",
        "1",  # stage: "Prototype or demo"
        "A person reviews every draft.",
        "2 Priya refreshes a CSV by hand",  # data: "One-off or hand-made extract", with details
    ]
    result = cli_env.invoke(app, ["chat", "--pilot", "Numbers"], input="\n".join(intro) + "\n")
    assert result.exit_code == 0, result.output
    assert "[1] Prototype or demo" in result.output and "[2] One-off or hand-made extract" in result.output
    sid = result.output.split("--resume ")[1].split()[0].rstrip(")")
    state = InterviewState.model_validate(coach.store.get_session(sid).state)
    assert state.statements[2].text == "It's a prototype or demo."
    data = next(s for s in state.statements if s.question_id == "data_source" and s.status)
    assert (
        data.status == "gap" and data.text == "It's a one-off or hand-refreshed extract: Priya refreshes a CSV by hand"
    )
