"""The OpenAI-compatible engine: prompts from files, JSON judgements, grounded streamed answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bot.config import Settings
from bot.engine.grounding import OUT_OF_SCOPE, grounding_problem
from bot.engine.guard import BudgetSpent, TurnBudget
from bot.engine.model_output import (
    OUT_OF_SCOPE_MARKER,
    AgenticOut,
    InvalidModelOutput,
    JudgementOut,
    bullets,
    clean,
    cleaned,
    fence,
    ground,
    numbers,
    parse_json,
    statement_block,
    validate,
    verbatim_evidence,
)
from bot.engine.usage import NullUsageRecorder, UsageRecorder, cost_usd, token_counts
from bot.knowledge import Dimension, Question
from bot.models import Evidence, GroundedAnswer, Judgement, Statement
from bot.prompts import PromptSet
from bot.text import pieces

if TYPE_CHECKING:
    from bot.index import Passage

PROMPTS_USED = (
    "judge_dimension",
    "detect_agentic",
    "grounded_answer",
    "follow_up",
    "summarise_report",
)


def _is_openai(base_url: str | None) -> bool:
    """True for OpenAI's own API and Azure OpenAI (no base URL means OpenAI)."""
    host = (urlsplit(base_url).hostname or "") if base_url else "api.openai.com"
    return host == "api.openai.com" or host.endswith(".openai.azure.com")


def build_chat_model(settings: Settings) -> BaseChatModel:
    """ChatOpenAI for the configured server; retries are the FallbackEngine's job."""
    from langchain_openai import ChatOpenAI  # imported here: only the openai engine needs it

    # OpenAI rejects max_tokens and max_completion_tokens together (400); other compatible
    # servers (vLLM, Ollama, llama.cpp) often ignore max_completion_tokens: send max_tokens.
    limit: dict[str, Any] = (
        {"max_completion_tokens": settings.llm_max_tokens}
        if _is_openai(settings.openai_base_url)
        else {"extra_body": {"max_tokens": settings.llm_max_tokens}}
    )
    return ChatOpenAI(
        model=settings.model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=0,
        stream_usage=True,
        **limit,
    )


def _content(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)


class OpenAIEngine:
    """An Engine backed by any OpenAI-compatible chat model, through LangChain."""

    name = "openai"

    def __init__(
        self,
        settings: Settings,
        prompts: PromptSet,
        chat_model: BaseChatModel | None = None,
        recorder: UsageRecorder | None = None,
        budget: TurnBudget | None = None,
    ) -> None:
        prompts.require(*PROMPTS_USED)
        self.prompts = prompts
        self.model = chat_model if chat_model is not None else build_chat_model(settings)
        self.model_name = str(getattr(self.model, "model_name", None) or settings.model)
        self.recorder: UsageRecorder = recorder or NullUsageRecorder()
        # the turn's budget (shared with the FallbackEngine) cuts each call's timeout
        self.budget = budget or TurnBudget(settings.llm_turn_budget)
        self.timeout = settings.llm_timeout

    def _messages(self, prompt: str, **variables: object) -> list[BaseMessage]:
        system, user = self.prompts.render(prompt, **variables)
        return [SystemMessage(system), HumanMessage(user)]

    def _record(self, purpose: str, start: float, message: Any, error: Exception | None) -> None:
        prompt_tokens, completion_tokens = token_counts(message)
        self.recorder.record(
            purpose=purpose,
            model=self.model_name,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=(time.perf_counter() - start) * 1000,
            cost_usd=cost_usd(self.model_name, prompt_tokens, completion_tokens),
            outcome="ok" if error is None else "error",
            error=None if error is None else f"{type(error).__name__}: {error}"[:500],
        )

    def _call(self, purpose: str, prompt: str, json_mode: bool = False, **variables: object) -> str:
        """Render a prompt, call the model once, record usage, return the reply text."""
        messages = self._messages(prompt, **variables)
        model = self.model.bind(response_format={"type": "json_object"}) if json_mode else self.model
        start = time.perf_counter()
        try:
            reply = model.invoke(messages, timeout=self.budget.timeout(self.timeout))
        except Exception as exc:
            self._record(purpose, start, None, exc)
            raise
        self._record(purpose, start, reply, None)
        return _content(reply)

    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        """Read the statements about one dimension with the judge_dimension prompt."""
        safe = cleaned(statements)
        text = self._call(
            "judge",
            "judge_dimension",
            json_mode=True,
            dimension_id=dimension.id,
            dimension_title=dimension.title,
            dimension_summary=dimension.summary,
            base_severity=dimension.base_severity,
            gap_signals=bullets(dimension.signals.gap),
            ready_signals=bullets(dimension.signals.ready),
            statements=statement_block(safe),
        )
        out = validate(JudgementOut, parse_json(text))
        severity = (out.severity or dimension.base_severity) if out.status == "gap" else None
        evidence = verbatim_evidence(out.evidence, safe)
        return Judgement(
            dimension=dimension.id,
            status=out.status,
            severity=severity,
            evidence=evidence,
            confidence=out.confidence,
            rationale=out.rationale.strip(),
        )

    def detect_agentic(self, statements: list[Statement]) -> tuple[bool, list[Evidence]]:
        """Ask whether the system acts on its own; evidence must be the team's own words."""
        safe = cleaned(statements)
        text = self._call("detect_agentic", "detect_agentic", json_mode=True, statements=statement_block(safe))
        out = validate(AgenticOut, parse_json(text))
        return out.agentic, verbatim_evidence(out.evidence, safe)

    def _answer_messages(self, question: str, passages: list[Passage]) -> list[BaseMessage]:
        numbered = "\n\n".join(_passage(i, p) for i, p in enumerate(passages, start=1))
        return self._messages(
            "grounded_answer",
            question=fence("question", clean(question)),
            passages=numbered,
            out_of_scope=OUT_OF_SCOPE_MARKER,
        )

    def answer(self, question: str, passages: list[Passage]) -> GroundedAnswer:
        """Answer from the numbered passages only, with citations."""
        final: GroundedAnswer | None = None
        for item in self.answer_stream(question, passages):
            if isinstance(item, GroundedAnswer):
                final = item
        assert final is not None  # answer_stream always ends with a GroundedAnswer
        return final

    def answer_stream(self, question: str, passages: list[Passage]) -> Iterator[str | GroundedAnswer]:
        """The checked answer's text in pieces, then the GroundedAnswer.

        The model's stream is read whole and checked (citations, figures) before any of it is
        passed on: a reply that fails the check raises InvalidModelOutput with nothing sent.
        """
        if not passages:
            yield GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
            return
        text = self._stream_text(self._answer_messages(question, passages))
        if problem := grounding_problem(text, len(passages), decline_marker=OUT_OF_SCOPE_MARKER):
            raise InvalidModelOutput(problem)  # e.g. "[1][2][3]" alone: the offline engine answers instead
        result = ground(text, passages)
        if result.in_scope:
            yield from pieces(result.answer)
        yield result

    def _stream_text(self, messages: list[BaseMessage]) -> str:
        """Stream one reply within the turn's budget; record usage; return its text."""
        start, whole = time.perf_counter(), None
        try:
            for chunk in self.model.stream(messages, timeout=self.budget.timeout(self.timeout)):
                whole = chunk if whole is None else whole + chunk
                if self.budget.remaining() <= 0:  # a server that trickles tokens never hits the read timeout
                    raise BudgetSpent(self.budget.seconds)
        except Exception as exc:
            self._record("answer", start, whole, exc)
            raise
        self._record("answer", start, whole, None)
        return _content(whole) if whole is not None else ""

    def follow_up(self, dimension: Dimension, question: Question, statements: list[Statement], default: str) -> str:
        """One short follow-up question that quotes the team's vague words."""
        text = self._call(
            "follow_up",
            "follow_up",
            dimension_title=dimension.title,
            question=question.ask,
            default=default,
            statements=statement_block(cleaned(statements)),
        )
        line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
        line = line.strip('"').strip()
        if not line.endswith("?") or len(line) > 400:
            raise InvalidModelOutput("the follow-up is not one short question")
        return line

    def summarise(self, facts: str, default: str) -> str:
        """One-paragraph summary of a report; no figure that is not in the facts."""
        text = self._call(
            "summarise",
            "summarise_report",
            facts=fence("report_facts", clean(facts)),
            default=clean(default),
        ).strip()
        invented = numbers(text) - numbers(facts) - numbers(default)
        if not text or invented:
            raise InvalidModelOutput(f"the summary is empty or invents figures {sorted(invented)}")
        return " ".join(text.split())


def _passage(number: int, p: Passage) -> str:
    where = f"{p.source}#{p.section}" if p.section else p.source
    return f"[{number}] ({where}: {p.section_title or p.title})\n{fence('passages', p.text)}"
