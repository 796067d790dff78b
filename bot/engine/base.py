"""The interface every engine implements (offline, OpenAI, and the fallback that joins them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Protocol

from bot.knowledge import Dimension, Question
from bot.models import Evidence, GroundedAnswer, Judgement, Statement

if TYPE_CHECKING:
    from bot.index import Passage

Search = Callable[[int], "list[Passage]"]  # the k best passages for the question being answered
ANSWER_PASSAGES = 5  # what an answer is given to read, and what the scope decision reads


class Engine(Protocol):
    """What the interview, the assessment and the service's probes need from an engine."""

    name: str

    @property
    def last_engine(self) -> str:
        """The engine that produced this thread's last result (a fallback's name after a fallback)."""
        ...

    def turn(self) -> AbstractContextManager[None]:
        """Run one turn's engine calls inside this block: they share one time budget."""
        ...

    def warm_up(self) -> None:
        """Load what the engine caches before the first request."""
        ...

    def counters(self) -> dict[str, int]:
        """Model calls, fallbacks, errors, retries and what the breaker did; empty without a model."""
        ...

    def circuit_state(self) -> str | None:
        """The model's circuit breaker: closed, open or half_open; None without a model."""
        ...

    def circuit_status(self) -> str | None:
        """The breaker's state in words, for /readyz; None without a model."""
        ...

    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        """Read the statements about one dimension: gap, ready or unknown, with evidence."""
        ...

    def detect_agentic(self, statements: list[Statement]) -> tuple[bool, list[Evidence]]:
        """Does the system act on its own (refunds, record updates, workflows)?"""
        ...

    def retrieve(self, question: str, search: Search) -> list[Passage]:
        """The passages to answer the question from, found with `search`."""
        ...

    def answer(self, question: str, passages: list[Passage]) -> GroundedAnswer:
        """Answer from the passages only, citing them; in_scope False if they don't cover it."""
        ...

    def answer_stream(self, question: str, passages: list[Passage]) -> Iterator[str | GroundedAnswer]:
        """Yield text deltas of the answer, then the final GroundedAnswer."""
        ...

    def follow_up(self, dimension: Dimension, question: Question, statements: list[Statement], default: str) -> str:
        """Phrase a follow-up to a vague answer; `default` is the rubric's wording."""
        ...

    def compose_actions(self, dimension: Dimension, said: list[str], names: list[str]) -> list[str] | None:
        """This week's actions for a gap from the team's words in the area; None: use the rubric's."""
        ...


class EngineDefaults:
    """The Engine members an engine without a model of its own leaves at their defaults."""

    name: str

    @property
    def last_engine(self) -> str:
        """This engine produced every result it returned."""
        return self.name

    def turn(self) -> AbstractContextManager[None]:
        """No time budget to share."""
        return nullcontext()

    def warm_up(self) -> None:
        """Nothing to warm up."""

    def counters(self) -> dict[str, int]:
        """No model calls to count."""
        return {}

    def circuit_state(self) -> str | None:
        """No circuit breaker."""
        return None

    def circuit_status(self) -> str | None:
        """No circuit breaker."""
        return None

    def retrieve(self, question: str, search: Search) -> list[Passage]:
        """The best `ANSWER_PASSAGES` passages."""
        return search(ANSWER_PASSAGES)

    def compose_actions(self, dimension: Dimension, said: list[str], names: list[str]) -> list[str] | None:
        """No model to compose with: the rubric's actions, filled with the team's names, are used."""
        return None
