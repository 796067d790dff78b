"""The trained question heads (what a question asks for) and how composition uses them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.embeddings import get_embedder
from bot.engine.compose import Intent, compose
from bot.errors import ConfigError
from bot.index import Passage
from bot.reading.scope import get_howto, get_meaning, get_yesno, load_scope, opening_features
from bot.reading.unitkind import get_unitkinds


def test_opening_features_are_hashed_one_hots_of_the_first_words() -> None:
    a = opening_features("Do we need a kill switch?", 64)
    b = opening_features("do we NEED it", 64)
    assert a.shape == (128,) and np.count_nonzero(a) == 2
    assert np.array_equal(a, b)  # case and everything after the second word don't matter
    assert not np.array_equal(a, opening_features("how do we need", 64))
    assert not opening_features("", 64).any() and opening_features("what", 0).shape == (0,)


@pytest.mark.parametrize(
    ("head", "question", "expected"),
    [
        (get_meaning, "whats a golden dataset", True),
        (get_meaning, "what's the quickest way to get a sponsor", False),
        (get_yesno, "any point keeping the pilot alive without an owner?", True),
        (get_yesno, "which team should carry the pager", False),
        (get_howto, "how would we set up alerting for the bot", True),
        (get_howto, "why do agents need an audit trail", False),
        (get_howto, "security blocked the launch at the last review, what now", True),
        (get_yesno, "the bot's answers aren't logged anywhere, so what", False),
    ],
)
def test_the_shipped_heads_read_what_a_question_asks(head, question: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    model = head()
    assert model.opening_buckets > 0 and model.weights.shape == (384 + 2 * model.opening_buckets,)
    vector = get_embedder().embed([question])[0]
    assert model.says(question, vector) is expected


def test_a_head_whose_weights_do_not_fit_its_openings_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "meaning.json"
    meta = {"version": "meaning-x", "weights": [0.1] * 10, "bias": 0.0, "threshold": 0.5, "embedding": "m"}
    path.write_text(json.dumps({**meta, "opening_buckets": 64}), encoding="utf-8")
    with pytest.raises(ConfigError, match="make train-scope"):
        load_scope(path)


def _passage(source: str, section: str, text: str, rank: int) -> Passage:
    return Passage(text, source, section, section, source, "workflow_adoption", 1.0 - rank / 10, f"c{rank}")


def test_a_how_to_intent_favours_the_passage_the_kind_head_reads_as_advice() -> None:
    passages = [
        _passage("w.md", "what-goes-wrong", "Users drift back to the old tool within weeks of launch.", 0),
        _passage("w.md", "what-good-looks-like", "Users drift back to the old tool, so build the new one into it.", 1),
    ]
    embed = get_embedder().embed
    question = "users drift back to the old tool, what should we do"
    plain = compose(question, passages, embed)
    advised = compose(question, passages, embed, Intent(asks="howto", kinds=get_unitkinds()))
    assert plain is not None and advised is not None
    assert plain.parts[0].passage == 0  # as close by meaning, and ranked first: the failure leads
    assert advised.parts[0].passage == 1  # asked what to do: the advice leads


def test_the_shipped_scope_head_is_stacked_with_the_best_passage_match() -> None:
    from bot.reading.scope import get_scope

    stack = get_scope().stack
    assert stack is not None and stack.w_match > 0 and stack.w_logit > 0
    # the same unsure head: a close playbook passage tips it in, a distant one keeps it out
    assert stack.in_scope(0.4, 0.9) and not stack.in_scope(0.4, 0.1)
    # a near-certain head is not overruled by a middling match either way
    assert stack.in_scope(0.99, 0.3) and not stack.in_scope(0.01, 0.5)


def test_a_scope_head_without_a_stack_keeps_its_own_threshold(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "scope.json"
    meta = {"version": "scope-x", "weights": [1.0, 0.0], "bias": 0.0, "threshold": 0.5, "embedding": "m"}
    path.write_text(json.dumps(meta), encoding="utf-8")
    model = load_scope(path)
    assert model.stack is None
    assert model.in_scope(np.array([1.0, 0.0]), match=0.0) and not model.in_scope(np.array([-1.0, 0.0]), match=1.0)


def test_a_lead_in_whose_list_was_cut_off_is_never_quoted_and_a_list_keeps_its_whole_lead() -> None:
    from bot.engine.compose import units

    cut = units("Six failures account for most stalled pilots. Ranked by how often they end a project:", 0)
    assert [u.sentences for u in cut] == [["Six failures account for most stalled pilots."]]
    whole = units(
        "Six failures account for most stalled pilots. Ranked by how often they end one:\n\n- data\n- owner", 0
    )
    assert len(whole) == 1 and whole[0].is_list
    assert whole[0].text.splitlines() == [
        "Six failures account for most stalled pilots. Ranked by how often they end one:",
        "- data",
        "- owner",
    ]
