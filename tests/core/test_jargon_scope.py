"""Short jargon questions: a question made only of a term the retrieved passages define is in scope
by construction; a near miss that uses the term in another setting is still the scope head's call
(those near misses are declined in test_answer_composition.py)."""

from __future__ import annotations

import pytest

from bot.engine.offline import OfflineEngine
from bot.engine.terms import content_words, definition_subjects, names_only_defined_terms
from bot.index import Passage
from bot.service import Coach

GLOSSARY_LIKE = (
    "## Service levels\n\n"
    "A service level objective (SLO) is an agreed target for how well the system must run. "
    "This target is set with the business. A runbook is a short guide for the person on call."
)


def test_the_subjects_of_defining_sentences_are_terms_with_their_brackets() -> None:
    assert definition_subjects(GLOSSARY_LIKE) == ["A service level objective (SLO)", "A runbook"]


def test_a_question_is_only_a_term_when_nothing_but_grammar_surrounds_it() -> None:
    terms = {"raci", "accountability", "golden", "set"}
    assert content_words("what's a RACI?") == ["raci"]
    assert names_only_defined_terms("what's a RACI?", terms)
    assert names_only_defined_terms("define golden sets", terms)  # a plural names the same term
    assert not names_only_defined_terms("who is accountable in a RACI for our bake sale?", terms)
    assert not names_only_defined_terms("what is it?", terms)  # no term at all


@pytest.mark.parametrize(
    "question", ["what's a RACI?", "define golden set", "what is a DPIA", "what does HITL mean", "whats an SLO"]
)
def test_short_jargon_questions_are_answered_from_a_definition(coach: Coach, question: str) -> None:
    answer = coach.ask(question)
    assert answer.in_scope, answer.answer
    assert any(c.source in {"glossary.md", "definitions.md"} for c in answer.citations), answer.citations


def _passage(text: str) -> Passage:
    return Passage(text, "team-policy.md", "terms", "Terms", "Team policy", "governance", 1.0, "c1")


def test_a_term_the_teams_own_document_defines_is_in_scope(coach: Coach) -> None:
    engine = coach.engine
    assert isinstance(engine, OfflineEngine)
    policy = [_passage("A frobnicator review is the monthly check our model risk team runs on every release.")]
    assert engine.in_scope("what's a frobnicator review?", policy)
    assert not engine.in_scope("frobnicator review for my garden shed plans?", policy)
