"""OpenAIEngine against the fake OpenAI server: parsing, evidence, citations, figures, the request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI

from bot.engine.chat_model import build_chat_model
from bot.engine.grounding import OUT_OF_SCOPE
from bot.engine.model_output import InvalidModelOutput
from bot.engine.openai_engine import OpenAIEngine
from bot.knowledge import Rubric
from bot.models import GroundedAnswer, Statement
from bot.prompts import PromptSet
from tests.openai.conftest import PASSAGES, openai_settings
from tests.openai.fake_openai import FakeOpenAI, Reply
from tests.openai.recorders import InMemoryUsageRecorder

ROI_STATEMENTS = [
    Statement(text="IT is sponsoring it for now and the CFO has not seen it.", author="ana"),
    Statement(text="We think the business will pick it up later.", author="raj"),
]


def engine(server: FakeOpenAI, tmp_path: Path, prompts: PromptSet, *replies: str, **kw: object) -> OpenAIEngine:
    """The engine on the fake server, which answers with these replies in order (40 and 12 tokens each)."""
    server.queue(*[Reply(r, prompt_tokens=40, completion_tokens=12) for r in replies])
    settings = openai_settings(tmp_path, server.url, llm_max_retries=0)
    return OpenAIEngine(settings, prompts, **kw)  # type: ignore[arg-type]


def judgement_json(**over: object) -> str:
    data: dict[str, object] = {
        "status": "gap",
        "severity": None,
        "evidence": [
            {"quote": "IT is sponsoring it for now", "author": "someone"},
            {"quote": "the CEO signed off on the budget", "author": None},
        ],
        "confidence": 0.8,
        "rationale": "Only IT sponsors the pilot.",
    }
    data.update(over)
    return json.dumps(data)


def test_judge_returns_a_validated_judgement_with_only_verbatim_evidence(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet, rubric: Rubric
) -> None:
    recorder = InMemoryUsageRecorder()
    eng = engine(fake_openai, tmp_path, prompts, judgement_json(), recorder=recorder)
    result = eng.judge(rubric.dimension("roi_ownership"), ROI_STATEMENTS)
    assert result.dimension == "roi_ownership" and result.status == "gap"
    assert result.severity == "critical"  # the rubric's base severity when the model gives none
    assert [e.quote for e in result.evidence] == ["IT is sponsoring it for now"]
    assert result.evidence[0].author == "ana"  # from the statement, not from the model
    assert result.confidence == 0.8
    (rec,) = recorder.records
    assert (rec.purpose, rec.outcome, rec.prompt_tokens, rec.completion_tokens) == (
        "judge",
        "ok",
        40,
        12,
    )
    assert rec.cost_usd == pytest.approx((40 * 0.15 + 12 * 0.60) / 1e6)


def test_ready_judgement_has_no_severity(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet, rubric: Rubric
) -> None:
    eng = engine(fake_openai, tmp_path, prompts, judgement_json(status="ready", severity="high"))
    assert eng.judge(rubric.dimension("roi_ownership"), ROI_STATEMENTS).severity is None


def test_json_in_a_code_fence_is_accepted(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet, rubric: Rubric
) -> None:
    eng = engine(fake_openai, tmp_path, prompts, "```json\n" + judgement_json(status="unknown") + "\n```")
    assert eng.judge(rubric.dimension("governance"), ROI_STATEMENTS).status == "unknown"


@pytest.mark.parametrize(
    "reply",
    [
        '{"status": "gap", "evidence": [',
        json.dumps({"verdict": "fine"}),
        judgement_json(status="maybe"),
        judgement_json(confidence=7),
        "[1, 2]",
    ],
    ids=["invalid-json", "missing-status", "bad-status", "confidence-out-of-range", "not-object"],
)
def test_bad_model_output_is_an_invalid_model_output_error(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet, rubric: Rubric, reply: str
) -> None:
    eng = engine(fake_openai, tmp_path, prompts, reply)
    with pytest.raises(InvalidModelOutput):
        eng.judge(rubric.dimension("roi_ownership"), ROI_STATEMENTS)


def test_detect_agentic_keeps_verbatim_evidence(fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet) -> None:
    reply = json.dumps({"agentic": True, "evidence": ["it issues refunds under $50", "it books flights"]})
    statements = [Statement(text="After triage it issues refunds under $50 itself.", author="li")]
    agentic, evidence = engine(fake_openai, tmp_path, prompts, reply).detect_agentic(statements)
    assert agentic is True
    assert [(e.quote, e.author) for e in evidence] == [("it issues refunds under $50", "li")]


def test_answer_maps_markers_to_renumbered_citations(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet
) -> None:
    reply = "Involve risk early [2]. Roughly 80% of initiatives stall [1]."
    result = engine(fake_openai, tmp_path, prompts, reply).answer("When do we involve risk?", PASSAGES)
    assert result.in_scope
    assert [c.source for c in result.citations] == ["this_week.md", "overview.md"]
    assert result.answer == "Involve risk early [1]. Roughly 80% of initiatives stall [2]."


def test_sentence_with_an_invented_figure_is_struck(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet
) -> None:
    reply = "A 90-minute conversation beats remediation [2]. It saves 37% of the budget [2]."
    result = engine(fake_openai, tmp_path, prompts, reply).answer("Why involve risk early?", PASSAGES)
    assert result.answer == "A 90-minute conversation beats remediation [1]."
    assert "37" not in result.answer


def test_answer_with_only_invented_figures_or_no_citation_is_invalid(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet
) -> None:
    with pytest.raises(InvalidModelOutput):
        engine(fake_openai, tmp_path, prompts, "It saves 37% [1].").answer("How much?", PASSAGES)
    with pytest.raises(InvalidModelOutput):
        engine(fake_openai, tmp_path, prompts, "Involve risk early.").answer("When?", PASSAGES)


@pytest.mark.parametrize("reply", ["[1][2][3]", "[1] [2].", "Yes [1].", "Involve risk early [2]. Most stall [9]."])
def test_marker_only_or_missing_passage_answers_are_not_grounded(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet, reply: str
) -> None:
    with pytest.raises(InvalidModelOutput):
        engine(fake_openai, tmp_path, prompts, reply).answer("When do we involve risk?", PASSAGES)


def test_out_of_scope_marker_gives_in_scope_false(fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet) -> None:
    eng = engine(fake_openai, tmp_path, prompts, "OUT_OF_SCOPE")
    items = list(eng.answer_stream("What's the weather in Paris?", PASSAGES))
    assert items == [GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)]  # marker not streamed


def test_no_passages_is_out_of_scope_without_a_call(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet
) -> None:
    recorder = InMemoryUsageRecorder()
    result = engine(fake_openai, tmp_path, prompts, recorder=recorder).answer("Anything?", [])
    assert result.in_scope is False and recorder.records == []


def test_answer_stream_yields_the_checked_answer_then_the_grounded_answer(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet
) -> None:
    reply = "Put drift monitoring and a rollback path in place before the first user [3]."
    items = list(engine(fake_openai, tmp_path, prompts, reply).answer_stream("What before go-live?", PASSAGES))
    deltas, final = items[:-1], items[-1]
    assert len(deltas) > 3 and all(isinstance(d, str) for d in deltas)
    assert isinstance(final, GroundedAnswer)
    assert "".join(deltas) == final.answer == reply.replace("[3]", "[1]")  # type: ignore[arg-type]
    assert [c.source for c in final.citations] == ["mlops_observability.md"]


def test_answer_stream_sends_nothing_of_an_answer_that_fails_its_checks(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet
) -> None:
    stream = engine(fake_openai, tmp_path, prompts, "Drift monitoring cut incidents by 64% [3].").answer_stream(
        "Why?", PASSAGES
    )
    with pytest.raises(InvalidModelOutput):
        next(stream)  # the first item already fails: no piece of the reply came out


def test_follow_up_returns_one_question(
    fake_openai: FakeOpenAI, tmp_path: Path, prompts: PromptSet, rubric: Rubric
) -> None:
    dim = rubric.dimension("roi_ownership")
    reply = "You said 'IT is sponsoring it for now': who in the business owns the outcome?\n"
    text = engine(fake_openai, tmp_path, prompts, reply).follow_up(
        dim, dim.questions[0], ROI_STATEMENTS, dim.questions[0].follow_ups[0]
    )
    assert text == reply.strip()
    with pytest.raises(InvalidModelOutput):
        engine(fake_openai, tmp_path, prompts, "Sure! Here is a question.").follow_up(
            dim, dim.questions[0], ROI_STATEMENTS, "default?"
        )


def test_missing_prompt_file_is_a_clear_error(tmp_path: Path, prompts: PromptSet) -> None:
    partial = PromptSet({"judge_dimension": prompts.get("judge_dimension")})
    settings = openai_settings(tmp_path, "http://127.0.0.1:9/v1")
    with pytest.raises(Exception, match="missing prompt file"):
        OpenAIEngine(settings, partial)


@pytest.mark.parametrize(
    ("base_url", "completion_limit", "extra_body"),
    [
        (None, 300, None),
        ("https://api.openai.com/v1", 300, None),
        ("https://acme.openai.azure.com/openai/v1", 300, None),
        ("http://localhost:11434/v1", None, {"max_tokens": 300}),
    ],
)
def test_token_limit_parameter_suits_the_server(
    tmp_path: Path, base_url: str | None, completion_limit: int | None, extra_body: object
) -> None:
    settings = openai_settings(tmp_path, "", openai_base_url=base_url)
    model = build_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.max_tokens == completion_limit  # sent as max_completion_tokens
    assert model.extra_body == extra_body
    assert model.max_retries == 2 and model.request_timeout == 0.5  # the SDK retries
    assert (model.temperature, model.seed) == (0.0, 7)  # so runs repeat


def test_a_server_that_rejects_seed_gets_none(tmp_path: Path) -> None:
    settings = openai_settings(tmp_path, "http://localhost:8080/v1", llm_seed="")
    assert settings.llm_seed is None and build_chat_model(settings).seed is None
