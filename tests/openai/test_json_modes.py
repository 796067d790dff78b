"""Structured output on servers with and without json_schema (llama.cpp answers 500 to it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.engine.openai_engine import OpenAIEngine
from bot.knowledge import Rubric
from bot.models import Statement
from bot.prompts import PromptSet
from tests.openai.conftest import openai_settings
from tests.openai.fake_openai import FakeOpenAI, JSONReply, Reply, Status
from tests.openai.recorders import InMemoryUsageRecorder

STATEMENTS = [Statement(text="IT is sponsoring it for now; no business owner yet.", author="ana")]
# what llama-cpp-python's server says (HTTP 500) when response_format has type json_schema
LLAMA_CPP_500 = (
    "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n"
    "  Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema']"
)
GAP = {"status": "gap", "severity": "high", "evidence": [], "confidence": 0.9, "rationale": "No owner."}


def no_json_schema(body: dict[str, Any]) -> Reply | Status:
    """Answer like llama.cpp's server: 500 to json_schema, the JSON asked for otherwise."""
    if body.get("response_format", {}).get("type") == "json_schema":
        return Status(500, message=LLAMA_CPP_500)
    return JSONReply(GAP)


def kinds(server: FakeOpenAI) -> list[str]:
    return [r.get("response_format", {}).get("type", "text") for r in server.requests]


def engine(tmp_path: Path, server: FakeOpenAI, prompts: PromptSet, mode: str) -> OpenAIEngine:
    settings = openai_settings(tmp_path, server.url, llm_json_mode=mode, llm_max_retries=0)
    return OpenAIEngine(settings, prompts, recorder=InMemoryUsageRecorder())


def test_auto_moves_to_json_object_with_the_schema_when_json_schema_is_rejected(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, rubric: Rubric
) -> None:
    fake_openai.default = no_json_schema  # type: ignore[assignment]
    eng = engine(tmp_path, fake_openai, prompts, "auto")
    dim = rubric.dimension("roi_ownership")
    assert eng.judge(dim, STATEMENTS).rationale == "No owner."
    assert eng.judge(dim, STATEMENTS).rationale == "No owner."  # straight to json_object now
    assert kinds(fake_openai) == ["json_schema", "json_object", "json_object"]
    schema = fake_openai.requests[1]["response_format"]["schema"]
    assert schema["required"] == ["status"] and "evidence" in schema["properties"]


def test_json_object_mode_sends_the_schema_with_json_object(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet
) -> None:
    fake_openai.queue(JSONReply({"agentic": True, "evidence": ["it issues refunds"]}))
    eng = engine(tmp_path, fake_openai, prompts, "json_object")
    agentic, evidence = eng.detect_agentic([Statement(text="Then it issues refunds by itself.", author="li")])
    assert agentic is True and [e.quote for e in evidence] == ["it issues refunds"]
    (body,) = fake_openai.requests
    assert body["response_format"]["type"] == "json_object"
    assert body["response_format"]["schema"]["required"] == ["agentic"]


def test_an_outage_does_not_switch_a_server_off_json_schema(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, rubric: Rubric
) -> None:
    fake_openai.queue(Status(500, message="The server had an error"), JSONReply(GAP))
    eng = engine(tmp_path, fake_openai, prompts, "auto")
    dim = rubric.dimension("roi_ownership")
    try:
        eng.judge(dim, STATEMENTS)
    except Exception as exc:  # an outage, not a server lacking json_schema
        assert "500" in str(exc)
    else:
        raise AssertionError("a server answering 500 to everything gave a judgement")
    assert eng.judge(dim, STATEMENTS).rationale == "No owner."
    assert kinds(fake_openai) == ["json_schema", "json_schema"]  # no extra call during an outage


def test_openai_itself_is_never_asked_for_json_object(tmp_path: Path, prompts: PromptSet) -> None:
    settings = openai_settings(tmp_path, "https://api.openai.com/v1", llm_json_mode="auto")
    assert OpenAIEngine(settings, prompts).json_mode == "json_schema"
    assert OpenAIEngine(settings, prompts)._may_downgrade is False
