"""How deep the offline composer looks: a how-to or yes/no question answered from its area's advice.

Retrieval ranks a story or a problem description first when the question is told as one ("users
keep going back to the old tool, what now"): the same document's advice sections ("actions for this
week", "what good looks like") sit a few places lower, past what the composer reads. For a question
the trained heads read as asking what to do (or whether to), and only when the passages the
composer reads hold no advice, the advice passages of those same documents are searched for deeper
and each is placed just after its document's best passage. Everything else stays as retrieved: the
scope decision reads the first `ANSWER_PASSAGES` (bot/engine/base.py) only, and other questions read
what they always did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from bot.engine.base import Search
from bot.engine.compose import TOP

if TYPE_CHECKING:
    from bot.index import Passage
    from bot.reading.unitkind import UnitKinds

DEEP_PASSAGES = 12  # searched for a how-to or yes/no question's advice
ADDED = 2  # advice passages brought forward at most
WANTS_ADVICE = ("howto", "yesno")  # question types (from the trained heads) answered by advice
ADVICE = "advice"


def deeper(first: list[Passage], search: Search) -> list[Passage]:
    """The passages retrieved first, then those of a deeper search that were not among them."""
    seen = {p.chunk_id for p in first}
    return first + [p for p in search(DEEP_PASSAGES) if p.chunk_id not in seen]


def advice_first(
    passages: Sequence[Passage], asks: str, kinds: UnitKinds, vectors: Callable[[Sequence[str]], np.ndarray]
) -> tuple[list[Passage], int]:
    """The passages for the composer and how many of them it reads: as given (`TOP`), unless the
    question wants advice and none of the first `TOP` passages is advice. Then up to `ADDED` advice
    passages of the same documents from further down are read too, each right after its
    document's best-ranked passage (it inherits that rank, not its own)."""
    passages = list(passages)
    if asks not in WANTS_ADVICE or len(passages) <= TOP:
        return passages, TOP
    labels = [kinds.kinds[int(i)] for i in np.argmax(kinds.probabilities(vectors([p.text for p in passages])), axis=1)]
    read, rest = passages[:TOP], list(zip(passages[TOP:], labels[TOP:], strict=True))
    if ADVICE in labels[:TOP]:
        return passages, TOP
    sources = {p.source for p in read}
    added = [p for p, label in rest if label == ADVICE and p.source in sources][:ADDED]
    pick = list(read)
    for p in added:
        at = next(i for i, q in enumerate(pick) if q.source == p.source)  # its document's best passage...
        while at + 1 < len(pick) and pick[at + 1] in added:
            at += 1  # ...and the advice already placed after it
        pick.insert(at + 1, p)
    return pick + [p for p, _ in rest if p not in added], TOP + len(added)
