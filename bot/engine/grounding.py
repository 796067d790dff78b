"""Grounded answers built only from retrieved playbook passages, with citations, and the check
every answer (offline or from a model) must pass before it counts as grounded."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from bot.engine.compose import TOP, Intent, compose
from bot.models import Citation, GroundedAnswer

if TYPE_CHECKING:
    from bot.index import Passage

OUT_OF_SCOPE = (
    "The playbook doesn't cover that. I can help with getting an AI pilot into production: "
    "data pipelines, business ownership and ROI, governance, workflow adoption, legacy "
    "integration, MLOps and observability, and agentic systems."
)
MIN_OWN_WORDS = 4  # an answer needs at least one sentence of its own this long, beyond [n] markers
_MARKS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def citation(p: Passage, quoted: str = "") -> Citation:
    """A citation for a retrieved passage; its text is what the answer quotes, when given."""
    text = quoted[:1000] if quoted else p.text[:400]
    title = p.section_title or p.title
    return Citation(source=p.source, section=p.section, title=title, text=text, location=p.location)


def grounding_problem(text: str, passages: int, decline_marker: str = "") -> str | None:
    """Why an answer is not grounded (None when it is): no sentence of its own beyond citation
    markers, no citation at all, or a citation of a passage that does not exist."""
    if decline_marker and decline_marker in text:
        return None
    cited = [int(n) for m in _MARKS.findall(text) for n in re.findall(r"\d+", m)]
    own = _MARKS.sub(" ", text)
    if not any(len(_WORD.findall(s)) >= MIN_OWN_WORDS for s in re.split(r"(?<=[.!?])\s+|\n+", own)):
        return "the answer has no sentence of its own beyond citation markers"
    if not cited:
        return "the answer cites no passage"
    missing = sorted({n for n in cited if not 1 <= n <= passages})
    if missing:
        return f"the answer cites passages that do not exist: {', '.join(map(str, missing))}"
    return None


def composed_answer(
    question: str,
    passages: list[Passage],
    vectors: Callable[[Sequence[str]], np.ndarray],
    opener: str = "",
    intent: Intent = Intent(),
    top: int = TOP,
    ranks: Sequence[int] | None = None,
) -> GroundedAnswer:
    """An answer composed from whole units of the passages, one citation per unit, after a direct
    `opener` ("Yes.", "No.") when given, from the first `top` passages; declined when nothing
    quotable was retrieved or the result fails the grounding check. `ranks`: each passage's place in
    the retrieval ranking (default: its position)."""
    composed = compose(question, passages, vectors, intent, top, ranks)
    if composed is None:
        return GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
    used: list[int] = []
    parts = []
    quoted: dict[int, list[str]] = {}
    for unit in composed.parts:
        quoted.setdefault(unit.passage, []).append(unit.text)
        if unit.passage not in used:
            used.append(unit.passage)
        mark = f"[{used.index(unit.passage) + 1}]"
        lines = unit.text.split("\n")
        at = 0 if unit.is_list and not lines[0].startswith("- ") else len(lines) - 1
        lines[at] = f"{lines[at]} {mark}"  # a list is cited on its lead-in
        parts.append("\n".join(lines))
    answer = "\n\n".join(parts)
    if opener:
        answer = f"{opener} {answer}"
    if grounding_problem(answer, len(used)):
        return GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
    cites = [citation(passages[i], " ".join(quoted[i])) for i in used]
    return GroundedAnswer(answer=answer, citations=cites, in_scope=True)
