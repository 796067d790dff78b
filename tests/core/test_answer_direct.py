"""An answer opens with the sentence that answers the question: a main window that borrows the
sentences leading up to its best one puts the best one first, and borrows only sentences about as
close to the question as the rest of what was retrieved (no padding)."""

from __future__ import annotations

import numpy as np

from bot.embeddings import get_embedder
from bot.engine.compose import Unit, compose, window
from bot.index import Passage

CLOSING = [
    "Inference bills arrive every month once the assistant is live.",
    "Finance wants them in an operating budget owned by the business.",
    "Estimate the monthly running cost at full volume before the pilot ends.",
]


def _vectors(texts: list[str] | tuple[str, ...]) -> np.ndarray:
    return get_embedder().embed(list(texts))


def _passage(text: str, n: int) -> Passage:
    return Passage(text, f"doc{n}.md", "s", "s", f"doc{n}.md", "", 0.0, f"doc{n}.md#s")


def test_a_standalone_best_sentence_opens_and_what_led_up_to_it_follows_in_order() -> None:
    assert window(Unit(0, CLOSING), 2, lead={0, 1}).sentences == [CLOSING[2], CLOSING[0], CLOSING[1]]


def test_a_best_sentence_that_leans_back_keeps_the_paragraph_order() -> None:
    unit = Unit(0, [CLOSING[0], "They grow with every user the rollout adds.", "Plan a budget line for them now."])
    assert window(unit, 1, lead={0}).sentences[:2] == unit.sentences[:2]


def test_only_the_sentences_it_may_borrow_lead_up_to_the_best_one() -> None:
    unit = Unit(0, ["The office moved to a new building last spring.", CLOSING[0], CLOSING[2]])
    assert window(unit, 2, lead={1}).sentences == [CLOSING[2], CLOSING[0]]
    assert window(unit, 2, lead={0}).sentences == [CLOSING[2]]  # borrowing stops at a gap


def test_a_sentence_far_from_the_question_is_not_borrowed_as_lead_up() -> None:
    padded = " ".join(["The office moved to a new building last spring with a bigger canteen.", *CLOSING[::2]])
    others = [
        "Cost per request multiplied by the expected monthly volume gives the assistant's running cost. "
        "Hosting, monitoring and support add to it every month.",
        "A steering committee approves the running budget and decides whether the pilot moves on. "
        "It wants the yearly cost of operating the assistant.",
        "Map the users' current workflow before widening the rollout to more teams.",
    ]
    passages = [_passage(padded, 0), *(_passage(t, n) for n, t in enumerate(others, 1))]
    question = "how do we estimate the running cost of our assistant before the pilot ends?"
    composed = compose(question, passages, _vectors)
    assert composed is not None
    main = composed.parts[0].sentences
    assert main[0] == CLOSING[2] and not any("canteen" in s for s in main)


def test_a_best_sentence_with_an_early_pronoun_is_not_moved_ahead_of_what_it_may_name() -> None:
    unit = Unit(
        0,
        [
            "A replay set is a fixed sample of last month's tickets with the answers agents gave.",
            "Regression checks mean scoring it again after every prompt change and stopping worse releases.",
        ],
    )
    assert window(unit, 1, lead={0}).sentences == unit.sentences


def test_a_plural_reference_after_the_best_sentence_keeps_the_paragraph_order() -> None:
    unit = Unit(
        0,
        [
            "A vendor can swap the model behind its endpoint without telling anyone.",
            "Hallucination is when a model states something false with full confidence.",
            "Both are hard to spot without sampled human review of live answers.",
        ],
    )
    assert window(unit, 1, lead={0}).sentences == unit.sentences  # "Both" names the first sentence too
