"""The OpenAI-compatible engine: prompt files through ChatPromptTemplate, structured JSON judgements,
grounded streamed answers. The SDK retries transport errors; a reply that fails its checks is asked again."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
from langchain_core.utils.json import parse_json_markdown
from pydantic import BaseModel

from bot.config import Settings
from bot.engine.base import EngineDefaults
from bot.engine.chat_model import BudgetHooks, UsageCallback, build_chat_model, is_openai
from bot.engine.grounding import OUT_OF_SCOPE, grounding_problem
from bot.engine.guard import BudgetSpent, TurnBudget
from bot.engine.model_output import (
    OUT_OF_SCOPE_MARKER,
    ActionsOut,
    AgenticOut,
    InvalidModelOutput,
    JudgementOut,
    bullets,
    clean,
    cleaned,
    fence,
    ground,
    statement_block,
    validate,
    verbatim_evidence,
)
from bot.engine.usage import NullUsageRecorder, Prices, UsageRecord, UsageRecorder, load_prices
from bot.knowledge import Dimension, Question
from bot.models import Evidence, GroundedAnswer, Judgement, Statement
from bot.prompts import PromptSet
from bot.text import pieces

if TYPE_CHECKING:
    from bot.index import Passage

log = logging.getLogger(__name__)
T = TypeVar("T")
S = TypeVar("S", bound=BaseModel)
PROMPTS_USED = ("judge_dimension", "detect_agentic", "grounded_answer", "follow_up")
# How a server without the json_schema response format turns it down: an error about the
# request's response_format (llama.cpp: HTTP 500 with its validation error), not an outage.
SCHEMA_REJECTED = ("response_format", "json_schema")


def _content(message: BaseMessage | None) -> str:
    content = message.content if message is not None else ""
    if isinstance(content, str):
        return content
    return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)


def _checked(schema: type[S], out: dict[str, Any]) -> S:
    """The reply parsed strictly (a truncated object is not mended) and validated against the schema."""
    try:
        data = parse_json_markdown(_content(out["raw"]), parser=json.loads)  # code fences tolerated
    except json.JSONDecodeError as exc:
        raise InvalidModelOutput(f"the model did not return valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise InvalidModelOutput("the model returned JSON that is not an object")
    return validate(schema, data)  # type: ignore[no-any-return]


class OpenAIEngine(EngineDefaults):
    """An Engine backed by any OpenAI-compatible chat model, through LangChain."""

    name = "openai"

    def __init__(
        self,
        settings: Settings,
        prompts: PromptSet,
        chat_model: BaseChatModel | None = None,
        recorder: UsageRecorder | None = None,
        budget: TurnBudget | None = None,
        prices: Prices | None = None,
    ) -> None:
        prompts.require(*PROMPTS_USED)
        self.prompts = prompts
        # the turn's budget (shared with the FallbackEngine) cuts each attempt's timeout and stops retries
        self.budget = budget or TurnBudget(settings.llm_turn_budget)
        self.model = chat_model or build_chat_model(settings, BudgetHooks(self.budget, self._count_retry))
        self.model_name = settings.model
        usage = prices if prices is not None else load_prices(settings.llm_prices_file)
        self.usage = UsageCallback(recorder or NullUsageRecorder(), self.model_name, usage)
        self.reasks = settings.llm_max_retries  # a reply that fails its checks is asked again this often
        mode = settings.llm_json_mode
        self.json_mode = "json_schema" if mode == "auto" else mode
        self._may_downgrade = mode == "auto" and not is_openai(settings.openai_base_url)
        self.retried = 0
        self._lock = threading.Lock()

    def _count_retry(self) -> None:
        with self._lock:
            self.retried += 1

    def counters(self) -> dict[str, int]:
        """Retries of model calls: the SDK's, and replies asked again after failing their checks."""
        with self._lock:
            return {"retries": self.retried}

    def run_config(self, purpose: str) -> RunnableConfig:
        """Callbacks (usage) and metadata (purpose) for one model call."""
        return {"callbacks": [self.usage], "metadata": {"purpose": purpose}, "run_name": purpose}

    def _reasking(
        self, purpose: str, ask: Callable[[list[BaseMessage]], T], reasks: int | None = None
    ) -> Runnable[list[BaseMessage], T]:
        """`ask`, asked again (no wait) while its reply fails its checks, `reasks` times at most."""
        attempts = 0

        def attempt(messages: list[BaseMessage]) -> T:
            nonlocal attempts
            attempts += 1
            try:
                return ask(messages)
            except InvalidModelOutput as exc:
                if attempts <= limit:  # it will be asked again: say why
                    self._count_retry()
                    retry = UsageRecord(purpose, self.model_name, 0, 0, 0.0, 0.0, "retry", str(exc)[:500])
                    self.usage.recorder.record(retry)
                raise

        limit = self.reasks if reasks is None else reasks
        return RunnableLambda(attempt).with_retry(
            retry_if_exception_type=(InvalidModelOutput,), stop_after_attempt=1 + limit, wait_exponential_jitter=False
        )

    # -- structured output ------------------------------------------------------
    def _structured(self, schema: type[S], mode: str) -> Runnable[Any, Any]:
        """The model bound to answer in the schema: json_schema, or json_object carrying the schema."""
        spec = schema.model_json_schema()
        if mode == "json_schema":
            return self.model.with_structured_output(spec, method="json_schema", include_raw=True)
        fmt = {"type": "json_object", "schema": spec}  # llama.cpp enforces the schema with a grammar
        return self.model.with_structured_output(spec, method="json_mode", include_raw=True, response_format=fmt)

    def _json(self, purpose: str, schema: type[S], prompt: str, **variables: object) -> S:
        """Render a prompt, ask for JSON in the schema, validate; re-ask a reply that fails."""
        messages = self.prompts.messages(prompt, **variables)
        config = self.run_config(purpose)

        def ask(mode: str, reasks: int | None = None) -> S:
            structured = self._structured(schema, mode)
            return self._reasking(purpose, lambda m: _checked(schema, structured.invoke(m, config)), reasks).invoke(
                messages
            )

        try:
            result = ask(self.json_mode)
        except openai.APIStatusError as exc:
            if not (self._may_downgrade and any(word in str(exc.message) for word in SCHEMA_REJECTED)):
                raise
            # the server may have no json_schema (llama.cpp answers 500): one try with json_object
            result = ask("json_object", reasks=0)
            log.warning("the model server rejects json_schema (HTTP %s); using json_object", exc.status_code)
            self.json_mode = "json_object"
        self._may_downgrade = False  # this mode works on this server: keep it
        return result

    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        """Read the statements about one dimension with the judge_dimension prompt."""
        safe = cleaned(statements)
        out = self._json(
            "judge",
            JudgementOut,
            "judge_dimension",
            dimension_id=dimension.id,
            dimension_title=dimension.title,
            dimension_summary=dimension.summary,
            base_severity=dimension.base_severity,
            gap_signals=bullets(dimension.signals.gap),
            ready_signals=bullets(dimension.signals.ready),
            statements=statement_block(safe),
        )
        severity = (out.severity or dimension.base_severity) if out.status == "gap" else None
        return Judgement(
            dimension=dimension.id,
            status=out.status,
            severity=severity,
            evidence=verbatim_evidence(out.evidence, safe),
            confidence=out.confidence,
            rationale=out.rationale.strip(),
        )

    def detect_agentic(self, statements: list[Statement]) -> tuple[bool, list[Evidence]]:
        """Ask whether the system acts on its own; evidence must be the team's own words."""
        safe = cleaned(statements)
        out = self._json("detect_agentic", AgenticOut, "detect_agentic", statements=statement_block(safe))
        return out.agentic, verbatim_evidence(out.evidence, safe)

    # -- answers ----------------------------------------------------------------
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
        passed on: a reply that fails the check is asked again, and raises InvalidModelOutput
        with nothing sent when no reply passes.
        """
        if not passages:
            yield GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
            return
        numbered = "\n\n".join(_passage(i, p) for i, p in enumerate(passages, start=1))
        messages = self.prompts.messages(
            "grounded_answer",
            question=fence("question", clean(question)),
            passages=numbered,
            out_of_scope=OUT_OF_SCOPE_MARKER,
        )
        result = self._reasking("answer", lambda m: _grounded(self._stream_text(m), passages)).invoke(messages)
        if result.in_scope:
            yield from pieces(result.answer)
        yield result

    def _stream_text(self, messages: list[BaseMessage]) -> str:
        """Stream one reply within the turn's budget; return its text."""
        whole = None
        for chunk in self.model.stream(messages, config=self.run_config("answer")):
            whole = chunk if whole is None else whole + chunk
            if self.budget.remaining() <= 0:  # a server that trickles tokens never hits the read timeout
                raise BudgetSpent(self.budget.seconds)
        return _content(whole)

    def follow_up(self, dimension: Dimension, question: Question, statements: list[Statement], default: str) -> str:
        """One short follow-up question that quotes the team's vague words."""
        messages = self.prompts.messages(
            "follow_up",
            dimension_title=dimension.title,
            question=question.ask,
            default=default,
            statements=statement_block(cleaned(statements)),
        )
        return self._reasking(
            "follow_up", lambda m: _one_question(_content(self.model.invoke(m, self.run_config("follow_up"))))
        ).invoke(messages)

    def compose_actions(self, dimension: Dimension, said: list[str], names: list[str]) -> list[str] | None:
        """This week's actions for a gap in the team's terms (checked against their words by the report)."""
        if "compose_actions" not in self.prompts:  # an older prompt set: the rubric's actions
            return None
        out = self._json(
            "compose_actions",
            ActionsOut,
            "compose_actions",
            dimension_title=dimension.title,
            stakes=dimension.stakes or dimension.summary,
            actions=bullets([a.text for a in dimension.actions]),
            names=bullets([clean(n) for n in names]) or "(none)",
            statements=statement_block(cleaned([Statement(text=t) for t in said])),
        )
        return [" ".join(a.split()) for a in out.actions if a.strip()]


def _one_question(text: str) -> str:
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "").strip('"').strip()
    if not line.endswith("?") or len(line) > 400:
        raise InvalidModelOutput("the follow-up is not one short question")
    return line


def _passage(number: int, p: Passage) -> str:
    where = f"{p.source}#{p.section}" if p.section else p.source
    return f"[{number}] ({where}: {p.section_title or p.title})\n{fence('passages', p.text)}"


def _grounded(text: str, passages: list[Passage]) -> GroundedAnswer:
    """The model's answer tied to its passages; marker-only text or a made-up citation is re-asked."""
    if problem := grounding_problem(text, len(passages), decline_marker=OUT_OF_SCOPE_MARKER):
        raise InvalidModelOutput(problem)  # e.g. "[1][2][3]" alone
    return ground(text, passages)
