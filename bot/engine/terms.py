"""Terms the retrieved passages define, and whether a question names nothing but such a term.

"what's a RACI?", "define golden set", "steerco?": a question made only of a term the knowledge
defines is in scope by construction, whatever a question head trained on longer questions makes of
three words. Nothing here is a hand list of wording:
- the words a question wraps around a term ("what", "define", "mean") are derived from the question
  heads' labelled questions at build time (training/train_wrappers.py, `make train-scope`) and
  shipped as bot/assets/scope/wrappers.json;
- a sentence defines something when the trained unit-kind head reads it as a definition, and the
  term it defines opens it: its opening run of words up to the first wrapper word, and as many
  content words of its opening clause as the question asks about ("A service level objective (SLO)
  is ..." -> service, level, objective, slo);
- the heading of a passage the head reads as a definition names a term too ("RACI and accountability").
The terms come from the passages retrieved for the question, so a team's own documents define terms
too. Near misses that use a term in another setting ("a RACI for our bake sale") name more than the
term and are left to the scope head.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.engine.compose import leans_back, units
from bot.reading.heads import load_head
from bot.reading.scope import HEADS

if TYPE_CHECKING:
    from bot.index import Passage
    from bot.reading.unitkind import UnitKinds

WRAPPERS_PATH = HEADS / "wrappers.json"
_WORD = re.compile(r"[a-z0-9]+")
_BREAK = re.compile(r"[,:;!?.\u2013\u2014]|\s-\s")  # where a sentence's opening clause ends (format)
MAX_TERM_WORDS = 5  # a longer question says more than a term
Vectors = Callable[[Sequence[str]], np.ndarray]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def stemmed_words(text: str) -> list[str]:
    """Lower-case words, plural s dropped, so "guardrails" names the term "guardrail"."""
    return [_stem(w) for w in _WORD.findall(text.lower().replace("\u2019", "'").replace("'", " "))]


words = stemmed_words  # the name callers use


@dataclass(frozen=True)
class Wrappers:
    """The words a question wraps around a term, derived from labelled questions, with their version."""

    version: str
    words: frozenset[str]

    def content_words(self, text: str) -> list[str]:
        """The text's words beyond the grammar around a term."""
        return [w for w in stemmed_words(text) if w not in self.words]

    def leading_term(self, sentence: str, size: int) -> list[str]:
        """The term a defining sentence opens on: its opening run of words up to the first wrapper
        word ("A data protection impact assessment (DPIA) is ..." -> data ... dpia), and its first
        `size` content words, for terms with a wrapper word inside ("Human-in-the-loop design ...")."""
        clause = stemmed_words(_BREAK.split(sentence, maxsplit=1)[0])
        start = next((i for i, w in enumerate(clause) if w not in self.words), len(clause))
        end = next((i for i in range(start, len(clause)) if clause[i] in self.words), len(clause))
        run = clause[start:end][:MAX_TERM_WORDS]
        return list(dict.fromkeys(run + self.content_words(" ".join(clause))[:size]))


def _wrappers(meta: dict[str, Any]) -> Wrappers:
    return Wrappers(version=str(meta["version"]), words=frozenset(str(w) for w in meta["words"]))


def load_wrappers(path: Path = WRAPPERS_PATH) -> Wrappers:
    """Load the derived wrapper words; a missing or broken file is one actionable ConfigError."""
    return load_head(
        path, _wrappers, what="question wrapper words", rebuild="make train-scope", valid=lambda m, _: bool(m.words)
    )


@cache
def get_wrappers() -> Wrappers:
    """The shipped wrapper words, loaded on first use (never at import) and kept."""
    return load_wrappers()


def _sentences(text: str) -> list[str]:
    """The quotable sentences of a passage that could open on a term: not list items."""
    return [s for u in units(text, 0) for s in u.sentences if not s.startswith("- ")]


@dataclass(frozen=True)
class TermReader:
    """Which term a sentence defines, read by the trained unit-kind head, and which words a question
    asks about beyond its wrapper words: what an answer needs to open on the asked definition."""

    kinds: UnitKinds
    wrappers: Wrappers

    def asked(self, question: str) -> list[str]:
        """The question's content words, in order."""
        return self.wrappers.content_words(question)

    def terms(
        self, sentences: Sequence[str], vectors: np.ndarray, size: int = 0, within: np.ndarray | None = None
    ) -> list[list[str]]:
        """Per sentence (with its vectors, in order), the words of the term it defines: its leading
        term when the head reads it, or the passage it sits in (`within`: that passage's vector per
        sentence), as a definition and it doesn't lean on the sentence before ("This target is ..."
        names no term); empty otherwise. A glossary section reads as definitions as a whole even
        where one terse sentence of it reads like advice ("A rollback path is a tested way ...")."""
        if not len(sentences):
            return []
        define = self._defines(vectors)
        if within is not None:
            define |= self._defines(within)
        return [
            self.wrappers.leading_term(s, size) if ok and not leans_back(s) else []
            for s, ok in zip(sentences, define, strict=True)
        ]

    def _defines(self, vectors: np.ndarray) -> np.ndarray:
        return np.asarray(self.kinds.probabilities(vectors).argmax(axis=1) == self.kinds.kinds.index("define"))


def defined_terms(
    passages: Sequence[Passage],
    whole: np.ndarray,
    kinds: UnitKinds,
    vectors: Vectors,
    wrappers: Wrappers,
    asked: Iterable[str],
) -> set[str]:
    """The words of every term the passages define that shares a word with `asked`: the opening
    words of the sentences the unit-kind head reads as definitions (as many as `asked` has), and
    the headings of the passages it reads as definitions (`whole`: their vectors, in order)."""
    wanted = set(asked)
    found = [stemmed_words(p.section_title) for p, v in zip(passages, whole, strict=True) if kinds.kind(v) == "define"]
    candidates = [s for p in passages for s in _sentences(p.text) if wanted & set(stemmed_words(s))]
    if candidates:
        found += TermReader(kinds, wrappers).terms(candidates, vectors(candidates), len(wanted))
    return {w for term in found for w in term} - wrappers.words


def names_only_defined_terms(asked: Sequence[str], terms: Iterable[str]) -> bool:
    """True when a short question's content words (`asked`) all belong to terms the passages define."""
    return 0 < len(asked) <= MAX_TERM_WORDS and set(asked) <= set(terms)
