"""Reading ahead: the report-building turn finds the answers' clauses already read by the tense head."""

from __future__ import annotations

import numpy as np

from bot.config import Settings
from bot.embeddings import get_embedder
from bot.factory import build_coach
from bot.interview_state import InterviewState
from bot.knowledge import load_rubric
from bot.models import Statement
from bot.reading.tense import ClauseTense, get_tense, shipped_tense
from bot.report_text import coach_words, names_in, surfaces_for, tense_clauses

SAID = [
    "We rolled it out to ten agents in March, but usage dropped after a month.",
    "Priya wants a go/no-go decision by end of June, and the CFO signs the budget.",
    "Nobody on the team has looked at the weekly export yet.",
]


def test_tense_clauses_are_every_clause_a_gap_asks_the_head_about(indexed_settings: Settings) -> None:
    rubric = load_rubric(indexed_settings.knowledge_dir / "rubric.yaml")
    words = coach_words(rubric)
    asked: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        asked.extend(texts)
        return get_embedder().embed(texts)

    for dim in rubric.dimensions:
        asked.clear()
        tense = ClauseTense(get_tense(), embed)
        names_in(SAID, words, tense)
        surfaces_for(dim, SAID, tense)
        assert asked, dim.id  # the dated clauses at least
        assert set(asked) <= set(tense_clauses(dim, SAID, words)), dim.id


def test_an_answer_is_read_ahead_in_the_background_and_the_report_is_unchanged(indexed_settings: Settings) -> None:
    coach = build_coach(indexed_settings)
    dim = coach.rubric.dimensions[0]
    text = "The pilot went live in May (read-ahead test), but the data feed broke twice in June."
    state = InterviewState(statements=[Statement(text=text, topic=dim.id)])
    clauses = tense_clauses(dim, [text], coach_words(coach.rubric))
    memory = shipped_tense()._seen  # the head's process-wide memory of clauses
    assert clauses and all(memory.get(c) is None for c in clauses)
    future = coach.reports.read_ahead(state)
    assert future is not None
    future.result(timeout=60)
    assert all(memory.get(c) is not None for c in clauses)
    assert coach.reports.read_ahead(state) is None  # the same answer again: already read
    # nothing is read ahead for a finished interview, nor for an answer outside the areas
    assert coach.reports.read_ahead(state.model_copy(update={"done": True})) is None
    assert coach.reports.read_ahead(InterviewState(statements=[Statement(text=text, topic="")])) is None
    # what the head answers from memory is what it computes afresh
    fresh = ClauseTense(get_tense(), get_embedder().embed)
    assert np.allclose(shipped_tense().probabilities(clauses), fresh.probabilities(clauses), atol=1e-6)
