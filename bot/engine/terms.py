"""Terms the retrieved passages define, and whether a question names nothing but such a term.

"what's a RACI?", "define golden set", "steerco?": a question made only of a term the knowledge
defines is in scope by construction, whatever a question head trained on longer questions makes of
three words. The terms come from the passages retrieved for the question (so a team's own
documents define terms too): the subject of each sentence that defines something ("A golden set is
a ...", "A service level objective (SLO) is ..."), and the heading of each passage the trained
unit-kind head reads as a definition ("RACI and accountability"). Near misses that use a term in
another setting ("a RACI for our bake sale") name more than the term and are left to the scope head.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.index import Passage
    from bot.reading.unitkind import UnitKinds

_WORD = re.compile(r"[a-z0-9]+")
_DEFINING = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<subject>[A-Z][^,:;.!?]{1,60}?)\s+"
    r"(?:is|are|means|describes|refers to|stands for)\s+(?:a|an|the|when|what|how|one|any)\b"
)
# Grammar, not topic: the words a question wraps around the term it asks about.
FUNCTION_WORDS = frozenset(
    """a an the what whats s is are was be do does did mean means meaning meant define definition
    explain explanation stand stands for of in on to by vs versus and or with about me us we our my
    you your i can could would please pls tell quick q exactly really term word acronym called so
    this that it its eli5 again""".split()
)
_POINTS_BACK = re.compile(r"(?:this|that|these|those|it|they|the way)\b", re.I)
MAX_TERM_WORDS = 5  # a longer question says more than a term


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def words(text: str) -> list[str]:
    """Lower-case words, plural s dropped, so "guardrails" names the term "guardrail"."""
    raw = _WORD.findall(text.lower().replace("’", "'").replace("'", " "))
    return [w if w in FUNCTION_WORDS else _stem(w) for w in raw]


def definition_subjects(text: str) -> list[str]:
    """The subjects of the sentences that define something, with what their brackets say; a
    subject that points back ("This transition is ...") names no term."""
    lines = (" ".join(ln.split()) for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    found = (m.group("subject") for ln in lines for m in _DEFINING.finditer(ln))
    return [s for s in found if not _POINTS_BACK.match(s)]


def defined_terms(passages: Sequence[Passage], whole: np.ndarray, kinds: UnitKinds | None) -> set[str]:
    """The words of every term the passages define: sentence subjects, and the headings of the
    passages the unit-kind head reads as definitions (`whole`: their vectors, in order)."""
    found: list[str] = [s for p in passages for s in definition_subjects(p.text)]
    if kinds is not None and len(passages):
        found += [p.section_title for p, v in zip(passages, whole, strict=True) if kinds.kind(v) == "define"]
    return {w for term in found for w in words(term)} - FUNCTION_WORDS


def content_words(question: str) -> list[str]:
    """The question's words beyond the grammar around a term."""
    return [w for w in words(question) if w not in FUNCTION_WORDS]


def names_only_defined_terms(question: str, terms: Iterable[str]) -> bool:
    """True when every content word of a short question belongs to a term the passages define."""
    asked = content_words(question)
    return 0 < len(asked) <= MAX_TERM_WORDS and set(asked) <= set(terms)
