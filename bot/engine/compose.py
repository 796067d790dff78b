"""Offline answers composed from whole units of the playbook: a definition, a paragraph window, a list.

A unit is read in order, so every sentence keeps what it refers to: a window that starts on a
referring sentence ("Those ...") reaches back to what it refers to, an enumeration ("First ...
Fourth ...") is kept whole with its lead-in, a list is kept with the sentence that promises it,
and sentences that quote phrase lists or ask questions are never quoted as answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.text import unwrap

if TYPE_CHECKING:
    from bot.index import Passage
    from bot.reading.unitkind import UnitKinds

Vectors = Callable[[Sequence[str]], np.ndarray]
RANK_PRIOR = 0.08  # per place down the retrieval ranking: the fused ranking is usually right
MAX_WORDS = 110  # a window stops growing past this
DEFINED_PENALTY = 0.1
TOP = 4  # passages read for units: the best retrieved
SUPPORT_BELOW = 120  # a shorter answer gains a supporting unit from another passage...
SUPPORT_TOP = 3  # ...among the best three retrieved...
SUPPORT_MARGIN = 0.15  # ...when it is nearly as close to the question
FIT_WEIGHT = 0.3  # how much a passage's kind (advice, story, ...) fitting the question type counts; read
# per passage, not per sentence: a story's closing lesson reads like advice but is still a story
TOPIC_WEIGHT = 0.3  # how much the whole passage's closeness to the question counts beside the sentence's
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_MD = re.compile(r"\*\*|__|`")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTED = re.compile(r"[\"“][^\"”]{3,}[\"”]")
# Grammar, not topic: words that make a sentence lean on the one before it, and enumeration openers.
_REFERS = re.compile(
    r"^(?:this|that|these|those|they|them|it|its|their|such|both|here)\b"
    r"|^(?:\S+\s+){0,4}(?:all|each|any|none|some) of (?:these|those|them|this)\b",
    re.I,
)
_ORDINAL = re.compile(r"^(?:first|second|third|fourth|fifth|sixth|finally|lastly|next|then)\b,?\s*", re.I)
_CONNECTIVE = re.compile(
    r"^(?:second|third|fourth|fifth|sixth|finally|lastly|next|then|also|however|but|and)\b,?\s+", re.I
)


@dataclass
class Unit:
    """A paragraph (as its sentences) or a list with its lead-in, from one passage."""

    passage: int
    sentences: list[str]
    is_list: bool = False

    @property
    def text(self) -> str:
        """The unit as markdown: sentences joined, or lead-in then one list item per line."""
        if not self.is_list:
            return " ".join(self.sentences)
        lead = [s for s in self.sentences if not s.startswith("- ")]
        items = [s for s in self.sentences if s.startswith("- ")]
        return "\n".join([" ".join(lead), *items]).strip()


def leans_back(sentence: str) -> bool:
    """The sentence refers to the one before it ("Those count as ...", "It replaces ...")."""
    return bool(_REFERS.match(sentence))


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, markdown emphasis removed."""
    return [s.strip() for s in _SENT.split(_MD.sub("", " ".join(paragraph.split()))) if s.strip()]


def quotable(sentence: str) -> bool:
    """A sentence an answer may quote: not a question, not a list of quoted phrases."""
    return not sentence.endswith("?") and len(_QUOTED.findall(sentence)) < 2 and len(sentence.split()) >= 4


def units(text: str, passage: int) -> list[Unit]:
    """Paragraphs and lists of a passage, headings dropped; a list keeps the line that leads into it."""
    out: list[Unit] = []
    for block in re.split(r"\n\s*\n", unwrap(text)):
        lines = [ln for ln in block.strip().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        items = [ln for ln in lines if _LIST_ITEM.match(ln)]
        if items:
            lead = [ln for ln in lines if not _LIST_ITEM.match(ln)]
            if (
                not lead
                and out
                and not out[-1].is_list
                and out[-1].sentences[-1:]
                and out[-1].sentences[-1].endswith(":")
            ):
                lead = out.pop().sentences  # the paragraph that leads into the list, whole
            body = [f"- {_MD.sub('', _LIST_ITEM.sub('', ln)).strip()}" for ln in items]
            out.append(Unit(passage, [*(s for ln in lead for s in split_sentences(ln)), *body], is_list=True))
        elif lines:
            kept = [s for s in split_sentences(" ".join(lines)) if quotable(s)]
            if kept:
                out.append(Unit(passage, kept))
    return [u for u in map(_no_dangling_lead, out) if u.sentences]


def _no_dangling_lead(unit: Unit) -> Unit:
    """A paragraph ending on a lead-in whose list isn't in this passage (cut at a chunk boundary)
    loses that lead-in: an answer must never promise a list it doesn't give."""
    if unit.is_list or not unit.sentences or not unit.sentences[-1].rstrip().endswith(":"):
        return unit
    return Unit(unit.passage, unit.sentences[:-1])


def _enumeration(sentences: list[str]) -> tuple[int, int] | None:
    """(lead-in, last) indices of a run of sentences opening First, Second, ...; None without one."""
    idx = [i for i, s in enumerate(sentences) if _ORDINAL.match(s)]
    if len(idx) < 2:
        return None
    return max(idx[0] - 1, 0), idx[-1]


def window(unit: Unit, best: int, max_words: int = MAX_WORDS) -> Unit:
    """The sentences of a paragraph around its best one, each resolvable without what was cut."""
    sents = unit.sentences
    if unit.is_list:
        return unit
    start, end = best, best
    while start > 0 and _REFERS.match(sents[start]):
        start -= 1  # "Those count as agentic ..." needs the sentence it points back to
    run = _enumeration(sents)
    if run and (run[0] <= end and start <= run[1] or _promises(sents[end])):
        start, end = min(start, run[0]), max(end, run[1])
    while end + 1 < len(sents) and _words(sents[start : end + 2]) <= max_words:
        end += 1
        if end - start >= 3 and not _REFERS.match(sents[min(end + 1, len(sents) - 1)]):
            break
    if run and start <= run[0] <= end < run[1]:
        end = run[1]  # never stop an enumeration half way
    chosen = list(sents[start : end + 1])
    chosen[0] = _drop_connective(chosen[0])
    return Unit(unit.passage, chosen)


def _promises(sentence: str) -> bool:
    return sentence.rstrip().endswith(":") or bool(re.search(r"\bin this order\b|\bas follows\b", sentence, re.I))


def _words(sentences: Sequence[str]) -> int:
    return sum(len(s.split()) for s in sentences)


def _drop_connective(sentence: str) -> str:
    """'Third, pull the review forward.' -> 'Pull the review forward.' (an answer's opening)."""
    stripped = _CONNECTIVE.sub("", sentence, count=1)
    if stripped == sentence or not stripped:
        return sentence
    return stripped[0].upper() + stripped[1:]


# -- choosing what to say --------------------------------------------------------------------------
_SUBJECT = re.compile(r"^(?:an?|the)\s+|\s*\([^)]*\)", re.I)
_DEFINES = re.compile(
    r"^(?P<subject>[^,:;]{2,60}?)\s+(?:is|are|means|describes|refers to)\s+(?:a|an|the|when|what|how)\b"
)


@dataclass(frozen=True)
class Intent:
    """What the trained question heads say the question asks for (bot/reading/scope.py), and the
    trained unit-kind head that says how well each passage answers that (bot/reading/unitkind.py)."""

    meaning: bool = False  # what a term means: a definition opens the answer
    asks: str = "other"  # define, howto, yesno or other
    kinds: UnitKinds | None = None  # None: no preference by kind


@dataclass
class Composed:
    """The parts of an answer in order, each from one passage (index into the passages given)."""

    parts: list[Unit]


def _subject(sentence: str) -> str:
    match = _DEFINES.match(sentence)
    return " ".join(_SUBJECT.sub(" ", match.group("subject")).lower().split()) if match else ""


def _asked(question: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", question.lower()).split())


def _defines_term_in(unit: Unit, question: str) -> bool:
    subject = _subject(unit.sentences[0]) if unit.sentences else ""
    return len(subject) >= 3 and re.search(rf"\b{re.escape(subject)}\b", _asked(question)) is not None


def definition(question: str, candidates: list[Unit]) -> Unit | None:
    """For 'what is X': the unit window opening on the sentence that defines X, if a passage has one."""
    asked = _asked(question)
    best: tuple[int, Unit, int] | None = None
    for unit in candidates:
        for i, sentence in enumerate(unit.sentences):
            subject = _subject(sentence)
            if len(subject) >= 3 and re.search(rf"\b{re.escape(subject)}\b", asked):
                if best is None or len(subject) > best[0]:
                    best = (len(subject), unit, i)
    if best is None:
        return None
    _, unit, i = best
    return window(Unit(unit.passage, unit.sentences[i:]), 0, max_words=70)


def compose(
    question: str, passages: Sequence[Passage], vectors: Vectors, intent: Intent = Intent(), top: int = TOP
) -> Composed | None:
    """Whole units that answer the question: a definition first when one is asked for, then the
    window around the sentence (or list) closest to the question, passages whose kind fits the
    question type favoured (`intent`, from the trained heads); None when nothing is quotable."""
    candidates = [u for i, p in enumerate(passages[:top]) for u in units(p.text, i)]
    pool = [(u, j) for u in candidates for j in range(len(u.sentences)) if not u.sentences[j].startswith("- ")]
    pool += [(u, -1) for u in candidates if u.is_list]
    if not pool:
        return None
    q = vectors([question])[0]
    texts = [u.text if j < 0 else u.sentences[j] for u, j in pool]
    whole = vectors([p.text for p in passages[:top]])
    at = [u.passage for u, _ in pool]
    ranked = (1 - TOPIC_WEIGHT) * (vectors(texts) @ q) + TOPIC_WEIGHT * (whole @ q)[at]  # the passage counts too
    ranked -= RANK_PRIOR * np.array(at)
    if intent.kinds is not None:  # a how-to wants advice, a "what is" a definition, nobody a story
        ranked += FIT_WEIGHT * intent.kinds.answer_fit(intent.asks, whole)[at]
    if not intent.meaning:  # a term used without asking what it means: its definition is no answer
        ranked -= DEFINED_PENALTY * np.array([_defines_term_in(u, question) for u, _ in pool])
    order = [int(k) for k in np.argsort(-ranked)]
    parts: list[Unit] = []
    defined = definition(question, candidates) if intent.meaning else None
    if defined is not None:
        parts.append(defined)
    unit, j = pool[order[0]]
    main = window(unit, max(j, 0))
    if not parts or main.passage != parts[0].passage:
        parts.append(main)
    if _words([s for p in parts for s in p.sentences]) < SUPPORT_BELOW:
        support = _support(pool, ranked, order, {p.passage for p in parts})
        if support is not None:
            parts.append(support)
    return Composed(parts)


def _support(pool: list[tuple[Unit, int]], ranked: np.ndarray, order: list[int], seen: set[int]) -> Unit | None:
    """A short window from another of the best passages, when it is nearly as close as the main one."""
    for k in order[1:]:
        unit, j = pool[k]
        if unit.passage in seen or unit.passage >= SUPPORT_TOP:
            continue
        if float(ranked[order[0]] - ranked[k]) <= SUPPORT_MARGIN:
            return window(unit, max(j, 0), max_words=50)
        return None
    return None
