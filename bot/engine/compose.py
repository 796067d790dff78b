"""Offline answers composed from whole units of the playbook: a definition, a paragraph window, a list.

A unit is read in order, so every sentence keeps what it refers to: a window that starts on a
referring sentence ("Those ...") reaches back to what it refers to, an enumeration ("First ...
Fourth ...") is kept whole with its lead-in, a list is kept with the sentence that promises it,
and sentences that quote phrase lists or ask questions are never quoted as answers. The sentence
closest to the question opens the answer when it leans on nothing before it; the sentences that led
up to it follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.text import unwrap

if TYPE_CHECKING:
    from bot.engine.terms import TermReader
    from bot.index import Passage
    from bot.reading.unitkind import UnitKinds

Vectors = Callable[[Sequence[str]], np.ndarray]
Relevance = Callable[[Sequence[str]], np.ndarray]  # unit texts -> the trained reranker's logits for the question
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
RERANK_WEIGHT = 0.5  # how much the reranker's share of the units (softmax over them) counts for each unit's sentences
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_MD = re.compile(r"\*\*|__|`")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTED = re.compile(r"[\"“][^\"”]{3,}[\"”]")
# Grammar, not topic: words that make a sentence lean on the one before it, and enumeration openers.
_REFERS = re.compile(
    r"^(?:this|that|these|those|they|them|it|its|their|such|both|here)\b"
    r"|^(?:as a result|as such|in turn|meanwhile|otherwise|instead|even so|by contrast|in that case)\b"  # connectives
    r"|^each\s+(?!of\b)[a-z]+\b"  # "Each move takes days": each of the moves just listed
    r"|^(?:\S+\s+){0,4}(?:all|each|any|none|some) of (?:these|those|them|this)\b",
    re.I,
)
# "Ask for their commitment", "Bring them the number", "For agentic systems they are ...": a plural
# pronoun among the first five words, after a verb or a fronted phrase, before any noun it could refer to
_EARLY_PRONOUN = re.compile(r"^(?:\S+\s+){1,4}(?:they|them|their)\b", re.I)
# a pronoun or demonstrative early in a sentence ("Regression testing means running it", "teams that do
# this exercise") likely names something said before it: such a sentence is never moved ahead of those
_EARLY_ANAPHOR = re.compile(r"^(?:\S+\s+){0,7}(?:it|its|they|them|their|this|these|those)\b", re.I)
# "Both are ...", "None of these can ...": a plural reference early in a sentence may name several sentences
_PLURAL_BACK = re.compile(r"^(?:\S+\s+){0,4}(?:both|these|those|they|them|their)\b", re.I)
# "these controls", "into that number": a demonstrative past the first word pointing back ("that"
# only after a preposition, where it can't be the conjunction or the relative pronoun)
_POINTER = re.compile(
    r"\b(?:(?:in|into|on|onto|to|for|of|from|with|by|at|about|after|before|under|over|through|against|without|within)"
    r"\s+that|these|those)\s+([a-z]{3,})\b",
    re.I,
)
POINTER_STEM = 5  # letters of the noun compared with the words before it ("numbers" names "number")
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


def points_back(sentence: str) -> str | None:
    """The first 'these X' / 'those X' / 'into that X' after the sentence's first word whose X the
    sentence has not named before it (the thing is in an earlier sentence); None without one."""
    for match in _POINTER.finditer(sentence, 1):
        noun = match.group(1).lower()[:POINTER_STEM]
        if not re.search(rf"\b{re.escape(noun)}", sentence[: match.start()].lower()):
            return match.group(0)
    return None


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


def window(unit: Unit, best: int, max_words: int = MAX_WORDS, lead: Container[int] = ()) -> Unit:
    """The sentences of a paragraph around its best one, each resolvable without what was cut. For an
    answer's main part, a window still shorter than four sentences also takes the sentences that lead
    up to its best one while they are in `lead` (indices), so a paragraph's closing line comes with
    its context; the best sentence still opens when it needs nothing before it."""
    sents = unit.sentences
    if unit.is_list:
        return unit
    start, end = best, best
    start = _resolved(sents, start)
    run = _enumeration(sents)
    if run and (run[0] <= end and start <= run[1] or _promises(sents[end])):
        start, end = min(start, run[0]), max(end, run[1])
    while end + 1 < len(sents) and _words(sents[start : end + 2]) <= max_words:
        end += 1
        if end - start >= 3 and not _REFERS.match(sents[min(end + 1, len(sents) - 1)]):
            break
    if run and start <= run[0] <= end < run[1]:
        end = run[1]  # never stop an enumeration half way
    own = start
    while start - 1 in lead and end - start < 3 and _words(sents[start - 1 : end + 1]) <= max_words:
        start = _resolved(sents, start - 1)  # a paragraph's closing sentence comes with what leads to it
    # the best sentence opens when it stands on its own; what led up to it follows, in its own order
    after = sents[best + 1 : end + 1]  # "Both are hard to detect": may name the sentences before the best one too
    alone = own == best and not _EARLY_ANAPHOR.match(sents[best]) and not any(map(_PLURAL_BACK.match, after))
    blocks = [sents[own : end + 1], sents[start:own]] if alone else [sents[start : end + 1]]
    return Unit(unit.passage, [s for b in blocks if b for s in (_drop_connective(b[0]), *b[1:])])


def _resolved(sents: list[str], start: int) -> int:
    """The earliest sentence a window starting at `start` needs: back past every sentence that
    leans on the one before it ("Those count as ...", "... without these controls", "Ask for their
    commitment")."""
    while start > 0 and (leans_back(sents[start]) or _EARLY_PRONOUN.match(sents[start]) or points_back(sents[start])):
        start -= 1
    return start


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
@dataclass(frozen=True)
class Intent:
    """What the trained question heads say the question asks for (bot/reading/scope.py), the trained
    unit-kind head that says how well each passage answers that (bot/reading/unitkind.py), and the
    reader of which term a sentence defines (bot/engine/terms.py, the same head)."""

    meaning: bool = False  # what a term means: a definition opens the answer
    asks: str = "other"  # define, howto, yesno or other
    kinds: UnitKinds | None = None  # None: no preference by kind
    terms: TermReader | None = None  # None: no sentence is read as defining a term
    relevance: Relevance | None = None  # the trained reranker (bot/engine/rerank.py); None: closeness alone


@dataclass
class Composed:
    """The parts of an answer in order, each from one passage (index into the passages given)."""

    parts: list[Unit]


def names_term(term: Sequence[str], asked: Sequence[str]) -> int | None:
    """Where the question (its content words in order) names the term, None when it doesn't: the
    term's words all in the question as one run ("golden set" in "golden set for our evals"; not
    "evaluation set", whose words are apart), or the question's words all within the term ("SLO"
    for "service level objective (SLO)")."""
    if not term or not asked:
        return None
    if set(asked) <= set(term):
        return 0
    at = sorted({i for i, w in enumerate(asked) if w in term})
    if set(term) <= set(asked) and at[-1] - at[0] + 1 == len(at):
        return at[0]
    return None


def definition(
    pool: list[tuple[Unit, int]], terms: list[list[str]], asked: list[str], ranked: np.ndarray
) -> Unit | None:
    """For 'what is X': the unit window opening on a sentence that defines X, if a passage has one.
    The term naming most of what is asked wins, then the one named first (the question's object
    comes before what qualifies it), then the closer passage."""
    named = {k: at for k, term in enumerate(terms) if (at := names_term(term, asked)) is not None}
    if not named:
        return None
    best = max(named, key=lambda k: (len(set(terms[k]) & set(asked)), -named[k], float(ranked[k])))
    unit, j = pool[best]
    return window(Unit(unit.passage, unit.sentences[j:]), 0, max_words=70)


def compose(
    question: str,
    passages: Sequence[Passage],
    vectors: Vectors,
    intent: Intent = Intent(),
    top: int = TOP,
    ranks: Sequence[int] | None = None,
) -> Composed | None:
    """Whole units that answer the question: a definition first when one is asked for, then the
    window around the sentence (or list) closest to the question, passages whose kind fits the
    question type favoured (`intent`, from the trained heads); None when nothing is quotable.
    `ranks`: each passage's place in the retrieval ranking (default: its position)."""
    candidates = [u for i, p in enumerate(passages[:top]) for u in units(p.text, i)]
    pool = [(u, j) for u in candidates for j in range(len(u.sentences)) if not u.sentences[j].startswith("- ")]
    pool += [(u, -1) for u in candidates if u.is_list]
    if not pool:
        return None
    q = vectors([question])[0]
    texts = [u.text if j < 0 else u.sentences[j] for u, j in pool]
    whole = vectors([p.text for p in passages[:top]])
    at = [u.passage for u, _ in pool]
    said = vectors(texts)
    ranked = (1 - TOPIC_WEIGHT) * (said @ q) + TOPIC_WEIGHT * (whole @ q)[at]  # the passage counts too
    place = np.asarray(ranks if ranks is not None else range(len(passages)))
    ranked -= RANK_PRIOR * place[at]
    if intent.kinds is not None:  # a how-to wants advice, a "what is" a definition, nobody a story
        ranked += FIT_WEIGHT * intent.kinds.answer_fit(intent.asks, whole)[at]
    if intent.relevance is not None:  # the reranker read each unit with the question: which one answers it
        ranked += RERANK_WEIGHT * _shares(intent.relevance, candidates)[[candidates.index(u) for u, _ in pool]]
    terms = _terms(pool, said, whole[at], intent.terms)
    asked = intent.terms.asked(question) if intent.terms is not None else []
    if not intent.meaning:  # a term used without asking what it means: its definition is no answer
        opens = {id(u): terms[k] for k, (u, j) in enumerate(pool) if j == 0}
        ranked -= DEFINED_PENALTY * np.array([names_term(opens.get(id(u), []), asked) is not None for u, _ in pool])
    order = [int(k) for k in np.argsort(-ranked)]
    parts: list[Unit] = []
    defined = definition(pool, terms, asked, ranked) if intent.meaning else None
    if defined is not None:
        parts.append(defined)
    unit, j = pool[order[0]]
    main, lent = window(unit, max(j, 0), lead=_close(pool, ranked, unit)), 0
    if not parts or main.passage != parts[0].passage:
        parts.append(main)
        lent = _words(main.sentences) - _words(window(unit, max(j, 0)).sentences)
    # the sentences lent to lead up to the main part's best one don't crowd out a supporting unit
    if _words([s for p in parts for s in p.sentences]) - lent < SUPPORT_BELOW:
        support = _support(pool, ranked, order, {p.passage for p in parts}, place)
        if support is not None:
            parts.append(support)
    return Composed(parts)


def _shares(relevance: Relevance, candidates: list[Unit]) -> np.ndarray:
    """Each unit's share of the reranker's belief that it is the one answering (softmax of its logits)."""
    logits = relevance([u.text for u in candidates])
    e = np.exp(logits - logits.max())
    return e / e.sum()


def _close(pool: list[tuple[Unit, int]], ranked: np.ndarray, unit: Unit) -> set[int]:
    """The sentences of `unit` at least as close to the question as the pool's median: the only ones
    a main window may borrow to lead up to its best sentence (the rest would be padding)."""
    median = float(np.median(ranked))
    return {j for k, (u, j) in enumerate(pool) if u is unit and j >= 0 and ranked[k] >= median}


def _terms(
    pool: list[tuple[Unit, int]], said: np.ndarray, within: np.ndarray, reader: TermReader | None
) -> list[list[str]]:
    """Per pool entry, the term its sentence defines, read in its passage (`within`: the passage's
    vector per entry); a whole list defines none."""
    if reader is None:
        return [[] for _ in pool]
    one = np.array([j >= 0 for _, j in pool])
    read = reader.terms([u.sentences[j] for u, j in pool if j >= 0], said[one], within=within[one])
    found = iter(read)
    return [next(found) if j >= 0 else [] for _, j in pool]


def _support(
    pool: list[tuple[Unit, int]], ranked: np.ndarray, order: list[int], seen: set[int], place: np.ndarray
) -> Unit | None:
    """A short window from another of the best passages (by `place` in the retrieval ranking), when it
    is nearly as close as the main one."""
    for k in order[1:]:
        unit, j = pool[k]
        if unit.passage in seen or place[unit.passage] >= SUPPORT_TOP:
            continue
        if float(ranked[order[0]] - ranked[k]) <= SUPPORT_MARGIN:
            return window(unit, max(j, 0), max_words=50)
        return None
    return None
