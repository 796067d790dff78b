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
from typing import TYPE_CHECKING, NamedTuple

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


class Pick(NamedTuple):
    """The passages for the composer, how many of them it reads, and each one's place in the
    retrieval ranking (what the composer's rank prior reads)."""

    passages: list[Passage]
    top: int
    ranks: list[int]


def deeper(first: list[Passage], search: Search) -> list[Passage]:
    """The passages retrieved first, then those of a deeper search that were not among them."""
    seen = {p.chunk_id for p in first}
    return first + [p for p in search(DEEP_PASSAGES) if p.chunk_id not in seen]


def advice_first(
    passages: Sequence[Passage], asks: str, kinds: UnitKinds, vectors: Callable[[Sequence[str]], np.ndarray]
) -> Pick:
    """The passages for the composer, how many of them it reads and their places: as given (`TOP`),
    unless the question wants advice and none of the first `TOP` passages is advice. Then up to
    `ADDED` advice passages of the same documents from further down are read too, each right after
    its document's best-ranked passage, whose place in the ranking it takes; the passages after it
    keep their own places (an added passage does not push them down)."""
    passages = list(passages)
    as_given = Pick(passages, TOP, list(range(len(passages))))
    if asks not in WANTS_ADVICE or len(passages) <= TOP:
        return as_given
    labels = [kinds.kinds[int(i)] for i in np.argmax(kinds.probabilities(vectors([p.text for p in passages])), axis=1)]
    read, rest = passages[:TOP], list(zip(passages[TOP:], labels[TOP:], strict=True))
    if ADVICE in labels[:TOP]:
        return as_given
    sources = {p.source for p in read}
    added = [p for p, label in rest if label == ADVICE and p.source in sources][:ADDED]
    pick = list(read)
    for p in added:
        at = next(i for i, q in enumerate(pick) if q.source == p.source)  # its document's best passage...
        while at + 1 < len(pick) and pick[at + 1] in added:
            at += 1  # ...and the advice already placed after it
        pick.insert(at + 1, p)
    best = {p.source: i for i, p in reversed(list(enumerate(read)))}
    ranks = [best[p.source] if p in added else read.index(p) for p in pick]
    later = [p for p, _ in rest if p not in added]
    return Pick(pick + later, TOP + len(added), ranks + [passages.index(p) for p in later])
