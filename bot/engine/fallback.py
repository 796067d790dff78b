"""Fall back to the offline engine when the model fails.

The model's client retries transient errors itself (the SDK honours Retry-After) within the turn's
time budget; a circuit breaker skips the model while it keeps failing. Past either, or after any
failure, the fallback answers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings
from bot.engine.base import ANSWER_PASSAGES, Engine, Search
from bot.engine.grounding import OUT_OF_SCOPE
from bot.engine.guard import BudgetSpent, CircuitBreaker, CircuitOpen, TurnBudget
from bot.engine.offline import OfflineEngine
from bot.engine.usage import NullUsageRecorder, UsageRecord, UsageRecorder, as_recorder
from bot.errors import ConfigError
from bot.knowledge import Dimension, Question
from bot.models import Evidence, GroundedAnswer, Judgement, Statement
from bot.prompts import PromptSet

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from bot.index import Passage

T = TypeVar("T")
NO_KEY = "COACH_ENGINE=openai needs OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI server)."


class FallbackEngine:
    """An Engine that asks `primary` and answers with `fallback` when it fails.

    `breaker` sends every call to the fallback while the primary keeps failing; `budget`
    (shared with the primary, whose client cuts its timeouts and retries to it) caps the model
    work of a turn.
    """

    def __init__(
        self,
        primary: Engine,
        fallback: Engine,
        recorder: UsageRecorder | None = None,
        breaker: CircuitBreaker | None = None,
        budget: TurnBudget | None = None,
        scope: Callable[[str, list[Passage]], bool] | None = None,
    ) -> None:
        self.primary, self.fallback = primary, fallback
        self.scope = scope  # the trained scope decision, asked before the model (None: the model decides)
        self.name = primary.name  # the configured engine; see last_engine for who answered
        self.recorder: UsageRecorder = recorder or NullUsageRecorder()
        self.breaker = breaker or CircuitBreaker()
        self.budget = budget or TurnBudget()
        self.calls = self.fallbacks = self.errors = 0
        self.short_circuits = self.budget_fallbacks = 0
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def last_engine(self) -> str:
        """Which engine produced this thread's last result: the primary's or the fallback's name."""
        return str(getattr(self._local, "engine", self.primary.name))

    def turn(self) -> AbstractContextManager[None]:
        """Run one turn's engine calls inside this block: they share one time budget."""
        return self.budget.turn()

    def counters(self) -> dict[str, int]:
        """Calls, fallbacks, primary errors, retries, and what the breaker and the budget did."""
        retries = self.primary.counters().get("retries", 0)
        with self._lock:
            return {
                "calls": self.calls,
                "fallbacks": self.fallbacks,
                "errors": self.errors,
                "retries": retries,
                "short_circuits": self.short_circuits,
                "budget_fallbacks": self.budget_fallbacks,
                "circuit_opens": self.breaker.opened,
            }

    def circuit_state(self) -> str | None:
        """The breaker's state: closed, open or half_open."""
        return self.breaker.state

    def circuit_status(self) -> str | None:
        """The breaker's state in words, for /readyz."""
        return self.breaker.describe()

    def warm_up(self) -> None:
        """Warm up both engines (the fallback loads the reader and its vectors)."""
        self.primary.warm_up()
        self.fallback.warm_up()

    def _count(self, field: str) -> None:
        with self._lock:
            setattr(self, field, getattr(self, field) + 1)

    def _fall_back(self, purpose: str, exc: Exception, call: Callable[[Engine], T]) -> T:
        self._count("fallbacks")
        self._local.engine = self.fallback.name
        start = time.perf_counter()
        result = call(self.fallback)
        error = f"{type(exc).__name__}: {exc}"[:500]
        ms = (time.perf_counter() - start) * 1000
        self.recorder.record(UsageRecord(purpose, self.fallback.name, 0, 0, ms, 0.0, "fallback", error))
        return result

    def _blocked(self) -> Exception | None:
        """Why the primary must not be called now: the turn's budget is spent, or the circuit is open."""
        if self.budget.remaining() <= 0:
            self._count("budget_fallbacks")
            return BudgetSpent(self.budget.seconds)
        if not self.breaker.allow():
            self._count("short_circuits")
            return CircuitOpen(self.breaker)
        return None

    def _run(self, purpose: str, call: Callable[[Engine], T]) -> T:
        """Call the primary; after a failure, or with the circuit open or the budget spent, the fallback."""
        self._count("calls")
        with self.budget.turn():  # a call outside any turn gets a budget of its own
            if (blocked := self._blocked()) is not None:
                return self._fall_back(purpose, blocked, call)
            try:
                result = call(self.primary)
            except Exception as exc:  # any failure: the user still gets an answer
                self._count("errors")
                self.breaker.failure()
                return self._fall_back(purpose, exc, call)
            self.breaker.success()
            self._local.engine = self.primary.name
            return result

    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        """Judge with the primary; a fallback judgement names its engine in the rationale."""
        result = self._run("judge", lambda e: e.judge(dimension, statements))
        if self.last_engine != self.primary.name:
            tag = f"[{self.last_engine} engine]"
            result = result.model_copy(update={"rationale": f"{tag} {result.rationale}".strip()})
        return result

    def detect_agentic(self, statements: list[Statement]) -> tuple[bool, list[Evidence]]:
        """Detect an agentic system with the primary, else the fallback."""
        return self._run("detect_agentic", lambda e: e.detect_agentic(statements))

    def _declines(self, question: str, passages: list[Passage]) -> bool:
        """True when the trained scope decision declines the question: no model call is made."""
        if self.scope is None or self.scope(question, passages[:ANSWER_PASSAGES]):
            return False
        self._local.engine = self.fallback.name
        return True

    def retrieve(self, question: str, search: Search) -> list[Passage]:
        """What the fallback engine would retrieve (the offline composer may look deeper); the
        primary and the scope decision read only the first `ANSWER_PASSAGES` of them."""
        return self.fallback.retrieve(question, search)

    def _read(self, engine: Engine, passages: list[Passage]) -> list[Passage]:
        """The passages `engine` answers from: all retrieved for the fallback, the best few for the model."""
        return passages if engine is self.fallback else passages[:ANSWER_PASSAGES]

    def answer(self, question: str, passages: list[Passage]) -> GroundedAnswer:
        """A grounded answer from the primary, else the fallback (the same answer the offline
        engine gives alone); declined first by the scope head."""
        if self._declines(question, passages):
            return GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
        return self._run("answer", lambda e: e.answer(question, self._read(e, passages)))

    def answer_stream(self, question: str, passages: list[Passage]) -> Iterator[str | GroundedAnswer]:
        """The pieces of a checked answer, then the answer: the primary's once whole, else the fallback's.

        Nothing is passed on before the primary's stream has ended and passed its checks, so a
        reply that fails them never reaches the user, not even in part.
        """
        if self._declines(question, passages):
            yield GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
            return
        yield from self._run("answer", lambda e: list(e.answer_stream(question, self._read(e, passages))))

    def follow_up(self, dimension: Dimension, question: Question, statements: list[Statement], default: str) -> str:
        """A follow-up phrased by the primary, else the fallback."""
        return self._run("follow_up", lambda e: e.follow_up(dimension, question, statements, default))

    def compose_actions(self, dimension: Dimension, said: list[str], names: list[str]) -> list[str] | None:
        """Actions composed by the primary; the fallback's (None: the rubric's, slot-filled) otherwise."""
        return self._run("compose_actions", lambda e: e.compose_actions(dimension, said, names))


def build_engine(
    settings: Settings,
    offline: Engine,
    prompts: PromptSet,
    recorder: object | None = None,
    chat_model: BaseChatModel | None = None,
) -> Engine:
    """The offline engine, or the OpenAI engine (its client retrying within a per-turn time
    budget) behind a circuit breaker, with an offline fallback.

    `recorder` is a UsageRecorder or any store with `record_llm_call(...)`.
    """
    if settings.engine == "offline":
        return offline
    key = settings.openai_api_key
    if chat_model is None and (key is None or not key.get_secret_value().strip()):
        raise ConfigError(NO_KEY)
    from bot.engine.openai_engine import OpenAIEngine

    usage = as_recorder(recorder)
    budget = TurnBudget(settings.llm_turn_budget)
    breaker = CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_window, settings.llm_breaker_cooldown)
    primary = OpenAIEngine(settings, prompts, chat_model=chat_model, recorder=usage, budget=budget)
    scope = offline.in_scope if isinstance(offline, OfflineEngine) else None
    return FallbackEngine(primary, offline, usage, breaker=breaker, budget=budget, scope=scope)
