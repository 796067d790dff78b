"""The unit-kind head (definition, advice, problem, story) and how it steers which passage answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.embeddings import get_embedder
from bot.engine.compose import Intent, compose, names_term
from bot.engine.terms import TermReader, get_wrappers
from bot.errors import ConfigError
from bot.index import Passage
from bot.reading.unitkind import get_unitkinds, load_unitkinds
from bot.service import Coach

STORY = (
    "A parcel carrier gave its depot supervisors a new scheduling assistant. After a month most supervisors "
    "had stopped opening it, because it lived in a separate portal and nobody had shown them how it fitted "
    "their shift planning."
)
ADVICE = (
    "Put the assistant inside the planning screen supervisors already use, train each shift on the steps it "
    "changes, and have their managers check after two weeks whether its plans are being used."
)
DEFINITION = "A shift planner is the person who decides which staff work which hours at a depot or site."


def _vectors(texts: list[str] | tuple[str, ...]) -> np.ndarray:
    return get_embedder().embed(list(texts))


def _passage(text: str, section: str) -> Passage:
    return Passage(text, "team.md", section, section, "Team notes", "", 0.0, section)


def test_the_shipped_head_tells_a_story_from_advice_and_a_definition() -> None:
    kinds = get_unitkinds()
    assert kinds.version.startswith("unitkind-") and set(kinds.kinds) == {"define", "advice", "problem", "story"}
    story, advice, definition = _vectors([STORY, ADVICE, DEFINITION])
    assert [kinds.kind(v) for v in (story, advice, definition)] == ["story", "advice", "define"]
    fit = kinds.answer_fit("howto", np.stack([story, advice]))
    assert fit[1] > fit[0]  # a how-to is answered by advice, not by a story


@pytest.mark.parametrize("content", ["", "{}", json.dumps({"version": "x", "kinds": ["a"], "weights": [1.0]})])
def test_a_missing_or_broken_kind_model_is_one_actionable_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "unitkind.json"
    if content:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="make train-scope"):
        load_unitkinds(path)


def test_a_how_to_is_answered_from_advice_even_when_a_story_ranks_first() -> None:
    question = "how do we get supervisors to keep using the scheduling assistant?"
    passages = [_passage(STORY, "example"), _passage(ADVICE, "advice")]
    plain = compose(question, passages, _vectors, Intent())
    fitted = compose(question, passages, _vectors, Intent(asks="howto", kinds=get_unitkinds()))
    assert plain is not None and fitted is not None
    assert plain.parts[0].passage == 0  # without the kind head the closest story wins
    assert fitted.parts[0].passage == 1 and "train each shift" in fitted.parts[0].text


@pytest.mark.parametrize(
    ("question", "subject"),
    [("what is shadow mode", "shadow mode"), ("what is a golden set for our evals?", "golden set")],
)
def test_the_glossary_defines_the_jargon_teams_use(coach: Coach, question: str, subject: str) -> None:
    answer = coach.ask(question)
    assert answer.in_scope and answer.citations[0].source == "glossary.md", answer.answer
    first = answer.answer.split(". ")[0].lower()
    assert subject in first and " is " in first, answer.answer


def test_a_term_is_named_when_its_words_run_together_in_the_question() -> None:
    # "what is a golden set for our evals (evaluations)?": the alias spelled out puts a second
    # term's words in the question, apart; the term asked about is the one named as one run
    asked = ["golden", "set", "our", "eval", "evaluation"]
    assert names_term(["golden", "set"], asked) == 0
    assert names_term(["evaluation", "set"], asked) is None
    assert names_term(["service", "level", "objective", "slo"], ["slo"]) == 0  # an acronym of the term
    assert names_term([], asked) is None


GOLDEN = (
    "A golden set is a small, signed-off part of the test cases whose answers stay fixed between releases. "
    "Scores on it are compared from one release to the next."
)
EVAL_SET = (
    "An evaluation set, or eval set, is a collection of representative examples with the expected result for "
    "each, used to test an AI system before every change."
)


def test_a_what_is_answer_opens_on_the_definition_of_the_term_asked_not_of_the_qualifier() -> None:
    kinds = get_unitkinds()
    intent = Intent(meaning=True, asks="define", kinds=kinds, terms=TermReader(kinds, get_wrappers()))
    question = "so what's a golden set, for our evals (evaluations)?"
    passages = [_passage(EVAL_SET, "eval-set"), _passage(GOLDEN, "golden-set")]  # the eval set ranks first
    composed = compose(question, passages, _vectors, intent)
    assert composed is not None
    assert composed.parts[0].passage == 1 and composed.parts[0].text.startswith("A golden set is"), composed.parts


def test_a_glossary_definition_opens_the_answer_even_when_one_terse_sentence_reads_like_advice(coach: Coach) -> None:
    answer = coach.ask("rollback path - what do people mean by that?")
    assert answer.in_scope, answer.answer
    assert answer.answer.lower().startswith("a rollback path is"), answer.answer
