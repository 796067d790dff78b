"""The coach on the OpenAI engine, against a local OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.factory import build_coach
from bot.models import Turn
from bot.service import Coach
from tests.conftest import make_settings
from tests.openai.fake_openai import FakeOpenAI, JSONReply, Reply, Status


def _llm(body: dict[str, Any]) -> Reply:
    """Answer like a model would, deciding from which prompt was sent."""
    text = " ".join(str(m.get("content", "")) for m in body["messages"])
    if "<passages>" in text:
        return Reply("Bring risk and compliance in before the next milestone [1].")
    if "agentic" in text.lower() and "Is this system agentic" in text:
        return JSONReply({"agentic": False, "evidence": []})
    if "Write the actions as JSON" in text:
        return JSONReply({"actions": ["Agree the next step with the team this week."]})
    if "follow-up" in text.lower() or "follow up" in text.lower():
        return Reply("Could you say more about that?")
    return JSONReply({"status": "gap", "severity": "critical", "evidence": [], "confidence": 0.9})


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        server.default = _llm  # type: ignore[assignment]
        yield server


def _coach(indexed_settings: Settings, llm: FakeOpenAI) -> Coach:
    settings = make_settings(
        indexed_settings.data_dir,
        engine="openai",
        openai_api_key="sk-test-not-real",
        openai_base_url=llm.url,
        llm_timeout=2.0,
        llm_max_retries=1,
    )
    return build_coach(settings)


def test_question_streams_model_tokens_then_the_turn(indexed_settings: Settings, llm: FakeOpenAI) -> None:
    coach = _coach(indexed_settings, llm)
    turn = coach.start_session()
    pieces = list(coach.stream_message(turn.session_id, "How should we involve compliance?"))
    final = pieces[-1]
    assert isinstance(final, Turn)
    assert final.citations
    assert len([p for p in pieces if isinstance(p, str)]) > 1
    assert any(r.get("stream") for r in llm.requests)
    usage = coach.store.llm_usage_totals()
    assert usage["calls"] >= 1 and usage["prompt_tokens"] > 0  # tokens and latency per call


def test_model_failure_falls_back_and_the_answer_is_kept(indexed_settings: Settings, llm: FakeOpenAI) -> None:
    coach = _coach(indexed_settings, llm)
    turn = coach.start_session()
    for _ in range(4):
        turn = coach.send_message(turn.session_id, "It routes support emails to the right team.")
    llm.queue(Status(500), Status(500), Status(500), Status(500), Status(500), Status(500))
    reply = coach.send_message(turn.session_id, "We copy a CSV export by hand every week, alice@example.com.")
    assert reply.reply  # the offline engine answered the turn
    users = [m for m in coach.session_view(turn.session_id).messages if m["role"] == "user"]
    assert users[-1]["text"].startswith("We copy a CSV export by hand")
    assert "alice@example.com" not in llm.sent_text()  # redacted before it reached the model


def test_personal_data_never_reaches_the_model(indexed_settings: Settings, llm: FakeOpenAI) -> None:
    coach = _coach(indexed_settings, llm)
    coach.assess_text("Call Jane on +44 20 7946 0958 or jane.doe@example.com. We have no monitoring.")
    sent = llm.sent_text()
    assert sent  # the model was asked
    assert "jane.doe@example.com" not in sent and "7946 0958" not in sent
