"""Short jargon questions: a question made only of a term the retrieved passages define is in scope
by construction; a near miss that uses the term in another setting is still the scope head's call
(those near misses are declined in test_answer_composition.py)."""

from __future__ import annotations

import pytest

from bot.embeddings import get_embedder
from bot.engine.offline import OfflineEngine
from bot.engine.terms import defined_terms, get_wrappers, names_only_defined_terms
from bot.index import Passage
from bot.reading.unitkind import get_unitkinds
from bot.service import Coach
from training.train_wrappers import derive

GLOSSARY_LIKE = (
    "## Service levels\n\n"
    "A service level objective (SLO) is an agreed target for how well the system must run. "
    "This target is set with the business. A runbook is a short guide for the person on call."
)


def test_wrapper_words_are_derived_from_labelled_questions_not_topics() -> None:
    scope = [("in", f"what should we do about the {t} of our pilot") for t in ("owner", "budget", "data", "review")]
    scope += [("out", f"what should we do about the {t} in my garden") for t in ("roses", "fence", "shed", "pond")]
    qtype = [("define", f"what does {t} mean") for t in ("raci", "mlops", "steerco")]
    qtype += [("howto", f"how do we fix the {t}") for t in ("pilot", "owner", "budget", "data")]
    qtype += [("define", "what is a pilot"), ("yesno", "is the pilot late"), ("why", "why did the pilot stall")]
    found = derive(scope, qtype)
    assert {"what", "should", "the", "about"} <= set(found["across_topics"])  # in both sides alike
    assert {"pilot", "our", "my", "garden"}.isdisjoint(found["across_topics"])  # one side's topic
    assert {"mean", "doe"} <= set(found["definition_kind"])  # define questions, whatever the term
    assert "pilot" not in found["definition_kind"]  # every kind of question is about pilots


def test_the_shipped_wrappers_leave_the_term() -> None:
    wrappers = get_wrappers()
    assert wrappers.version.startswith("wrappers-")
    assert wrappers.content_words("what's a RACI?") == ["raci"]
    assert wrappers.content_words("What does HITL mean") == ["hitl"]
    assert wrappers.content_words("define golden sets") == ["golden", "set"]  # a plural names the same term
    # trailing and leading wrappers learned from define-kind questions (wrappers-2026.12.5)
    assert wrappers.content_words("what's an SLO exactly, pls (please)") == ["slo"]
    assert wrappers.content_words("eli5 data lineage") == ["data", "lineage"]


def test_a_defining_sentence_opens_on_its_term() -> None:
    wrappers = get_wrappers()
    slo = "A service level objective (SLO) is an agreed target."
    assert wrappers.leading_term(slo, 1) == ["service", "level", "objective", "slo"]
    owner = "The business owner, sometimes called the sponsor, is the executive."
    assert wrappers.leading_term(owner, 5) == ["business", "owner"]
    hitl = "Human-in-the-loop design decides where people stay involved."  # "in the" inside the term
    assert wrappers.leading_term(hitl, 3) == ["human", "loop", "design"]


def test_terms_come_from_sentences_the_unit_kind_head_reads_as_definitions() -> None:
    passage = _passage(GLOSSARY_LIKE)
    embed = get_embedder().embed
    whole = embed([passage.text])
    terms = defined_terms([passage], whole, get_unitkinds(), embed, get_wrappers(), ["runbook"])
    assert "runbook" in terms
    # "This target is set with the business." leans on the sentence before: it names no term
    assert "target" not in defined_terms([passage], whole, get_unitkinds(), embed, get_wrappers(), ["target"])


def test_a_question_is_only_a_term_when_nothing_but_grammar_surrounds_it() -> None:
    terms = {"raci", "accountability", "golden", "set"}
    words = get_wrappers().content_words
    assert names_only_defined_terms(words("what's a RACI?"), terms)
    assert names_only_defined_terms(words("define golden sets"), terms)
    assert not names_only_defined_terms(words("who is accountable in a RACI for our bake sale?"), terms)
    assert not names_only_defined_terms(words("what is a?"), terms)  # no term at all


@pytest.mark.parametrize(
    "question",
    [
        "what's a RACI?",
        "define golden set",
        "what is a DPIA",
        "what does HITL mean",
        "whats an SLO",
        "whats golden set exactly",
        "eli5 shadow mode pls",
    ],
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
    assert not engine.in_scope("what is it?", policy)  # no term: the scope head declines
