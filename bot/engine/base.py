"""The interface both engines implement (offline and OpenAI)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from bot.knowledge import Dimension, Question
from bot.models import Evidence, GroundedAnswer, Judgement, Statement

if TYPE_CHECKING:
    from bot.index import Passage


class Engine(Protocol):
    """What the interview and assessment need from an engine."""

    name: str

    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        """Read the statements about one dimension: gap, ready or unknown, with evidence."""
        ...

    def detect_agentic(self, statements: list[Statement]) -> tuple[bool, list[Evidence]]:
        """Does the system act on its own (refunds, record updates, workflows)?"""
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

    def summarise(self, facts: str, default: str) -> str:
        """One-paragraph summary of a report; `default` is the deterministic one."""
        ...
