"""With the LLM engine the report's actions are composed by the model and checked against the team's
words: an action naming anything the team didn't say is dropped (local OpenAI-compatible server)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.factory import build_coach
from bot.redact import scrub
from bot.service import Coach
from tests.conftest import make_settings
from tests.openai.fake_openai import FakeOpenAI, JSONReply, Reply

WRITE_UP = "Data: the pilot ran on a hand-cleaned extract from SAP that Maria, our head of claims, prepared."
GROUNDED = "Ask Maria (head of claims) to list every SAP table the extract came from, with its refresh cadence."
INVENTED = "Book the Salesforce team and Dr Novak to sign a data contract by 3 April."


def _llm(body: dict[str, Any]) -> Reply:
    text = " ".join(str(m.get("content", "")) for m in body["messages"])
    if "Write the actions as JSON" in text:
        if "No production data pipeline" in text:
            return JSONReply({"actions": [GROUNDED, INVENTED]})
        return JSONReply({"actions": [INVENTED]})
    if "Is this system agentic" in text:
        return JSONReply({"agentic": False, "evidence": []})
    return JSONReply({"status": "gap", "severity": None, "evidence": [], "confidence": 0.9})


@pytest.fixture
def coach(indexed_settings: Settings) -> Iterator[Coach]:
    with FakeOpenAI() as server:
        server.default = _llm  # type: ignore[assignment]
        settings = make_settings(
            indexed_settings.data_dir,
            engine="openai",
            openai_api_key="sk-test-not-real",
            openai_base_url=server.url,
            llm_timeout=5.0,
            llm_max_retries=0,
            llm_turn_budget=60.0,
        )
        yield build_coach(settings)


def test_composed_actions_keep_only_names_the_team_said(coach: Coach) -> None:
    report = coach.assess_text(WRITE_UP)
    data = next(g for g in report.gaps if g.dimension == "data_pipeline")
    assert scrub(GROUNDED) in data.actions  # kept (and, like the quotes, redacted when stored)
    assert not any("Salesforce" in a or "Novak" in a for g in report.gaps for a in g.actions)


def test_a_gap_whose_composed_actions_all_fail_gets_the_rubric_actions(coach: Coach) -> None:
    report = coach.assess_text(WRITE_UP)
    roi = next(g for g in report.gaps if g.dimension == "roi_ownership")
    rubric = coach.rubric.dimension("roi_ownership")
    assert len(roi.actions) == len(rubric.actions)
    assert roi.actions[0].startswith("Re-identify the business owner")
