"""Grounded answers built only from retrieved playbook passages, with citations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from bot.models import Citation, GroundedAnswer
from bot.text import unwrap

if TYPE_CHECKING:
    from bot.index import Passage

OUT_OF_SCOPE = (
    "The playbook doesn't cover that. I can help with getting an AI pilot into production: "
    "data pipelines, business ownership and ROI, governance, workflow adoption, legacy "
    "integration, MLOps and observability, and agentic systems."
)
RANK_PRIOR = 0.04  # per place down the retrieval ranking
SCOPE_BAND = (0.40, 0.14)  # below 0.40, a match must also beat the closest outside topic by 0.14
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_MD = re.compile(r"^[#>*\-\s]+|\*\*|__|`")


def citation(p: Passage) -> Citation:
    """A citation for a retrieved passage."""
    title = p.section_title or p.title
    return Citation(source=p.source, section=p.section, title=title, text=p.text[:400], location=p.location)


def sentences(text: str) -> list[str]:
    """Sentences of a passage, markdown markers removed, headings dropped."""
    out = []
    for line in unwrap(text).splitlines():
        if line.lstrip().startswith("#"):
            continue
        for s in _SENT.split(_MD.sub("", line.strip())):
            if len(s.split()) >= 5:
                out.append(s.strip())
    return out


def extractive_answer(
    question: str,
    passages: list[Passage],
    vectors: Callable[[Sequence[str]], np.ndarray],
    threshold: float,
    max_sentences: int = 3,
    outside: np.ndarray | None = None,
    band: tuple[float, float] = SCOPE_BAND,
) -> GroundedAnswer:
    """Pick the passage sentences closest to the question; decline when none is close.

    Questions in the playbook (what a coach asks) are not answers, so they are left out, and
    sentences from better-ranked passages win ties. `outside` holds vectors of topics the
    playbook is not about: a question at least as close to one of them as to the best passage
    is declined, and so is a weak match (below `band[0]`) that beats the closest outside topic
    by less than `band[1]`.
    """
    top = passages[:4]
    pool = [(i, s) for i, p in enumerate(top) for s in sentences(p.text) if not s.endswith("?")]
    if not pool:
        return GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
    q = vectors([question])[0]
    sims = vectors([s for _, s in pool]) @ q
    passage_sims = vectors([p.text for p in top]) @ q
    best = float(max(sims.max(), passage_sims.max()))
    out = float((outside @ q).max()) if outside is not None and len(outside) else 0.0
    if best < threshold or out >= best or (best < band[0] and best - out < band[1]):
        return GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
    ranked = sims - RANK_PRIOR * np.array([i for i, _ in pool])
    order = [int(j) for j in np.argsort(-ranked)[: max_sentences * 2]]
    keep = [j for j in order if ranked[j] >= float(ranked.max()) - 0.25][:max_sentences]
    if len(keep) < 2:
        keep = order[:2]
    keep.sort(key=lambda j: (pool[j][0], j))  # passage rank, then reading order
    used: list[int] = []
    parts = []
    for j in keep:
        idx = pool[j][0]
        if idx not in used:
            used.append(idx)
        parts.append(f"{pool[j][1]} [{used.index(idx) + 1}]")
    cites = [citation(top[i]) for i in used]
    return GroundedAnswer(answer=" ".join(parts), citations=cites, in_scope=True)
