"""The offline engine: the trained reader judges answers; local embeddings answer questions."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from bot.engine.base import ANSWER_PASSAGES, EngineDefaults, Search
from bot.engine.compose import Intent
from bot.engine.depth import WANTS_ADVICE, advice_first, deeper
from bot.engine.grounding import OUT_OF_SCOPE, composed_answer
from bot.engine.rerank import Reranker, by_relevance
from bot.engine.terms import TermReader, defined_terms, get_wrappers, names_only_defined_terms
from bot.engine.terms import words as term_words
from bot.knowledge import Dimension, Question, Rubric
from bot.memo import Memo
from bot.models import Evidence, GroundedAnswer, Judgement, Statement, on_topic
from bot.reading import judge as reading
from bot.reading.reader import Reader
from bot.reading.scope import ScopeModel, get_howto, get_meaning, get_polarity, get_scope, get_yesno
from bot.reading.unitkind import get_unitkinds
from bot.text import pieces, quote, words

if TYPE_CHECKING:
    from bot.index import Passage

Embed = Callable[[list[str]], np.ndarray]
_VECTOR_CACHE: dict[str, np.ndarray] = {}  # text vectors, shared by engines in a process
JUDGEMENTS_KEPT = 4096  # (area, statements) judgements kept per engine
RERANK_PASSAGES = 12  # retrieved passages whose units the reranker reads (the deeper search gives about this many)
VECTOR_CACHE_SIZE = 50_000  # ~75 MB of 384-d float32: bounded, so a long-running server can't grow forever


def _remember(key: str, vector: np.ndarray) -> None:
    """Cache a vector; past the bound, forget the oldest entries (exemplars are kept in arrays)."""
    _VECTOR_CACHE[key] = vector
    while len(_VECTOR_CACHE) > VECTOR_CACHE_SIZE:
        _VECTOR_CACHE.pop(next(iter(_VECTOR_CACHE)), None)


def _with_aliases(terms: set[str], spelled: dict[tuple[str, ...], list[str]]) -> set[str]:
    """Words of the terms the passages define, and the rubric's aliases of them ("HITL")."""
    return terms | {w for key, full in spelled.items() if full and set(full) <= terms for w in key}


class OfflineEngine(EngineDefaults):
    """Reads answers with the trained reader and answers questions from passages; deterministic."""

    name = "offline"

    def __init__(
        self,
        rubric: Rubric,
        embed: Embed,
        reader: Reader,
        scope: ScopeModel | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.rubric = rubric
        self._embed = embed
        self.reader = reader
        self._scope = scope
        self.reranker = reranker  # None: units are ranked by closeness to the question alone
        self._warm_lock = threading.Lock()
        self._judged: Memo[Judgement] = Memo(JUDGEMENTS_KEPT)
        self._asked = reading.questions_asked(rubric)  # an answer is read with the question it answered

    @property
    def scope_version(self) -> str:
        """The version of the trained scope classifier that decides what is declined."""
        return self.scope.version

    @property
    def scope(self) -> ScopeModel:
        """The trained scope classifier (the shipped one unless another was passed in)."""
        if self._scope is None:
            self._scope = get_scope()
        return self._scope

    @property
    def reader_version(self) -> str:
        """The version of the trained reader behind every judgement."""
        return self.reader.version

    # -- vectors -------------------------------------------------------------
    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        found: dict[str, np.ndarray | None] = {k: _VECTOR_CACHE.get(k) for k in keys}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if found[k] is None))
        if missing:
            for t, v in zip(missing, self._embed(missing), strict=True):
                key = hashlib.sha1(t.encode()).hexdigest()
                found[key] = v
                _remember(key, v)
        return np.stack([v for v in (found[k] for k in keys) if v is not None])

    def warm_up(self) -> None:
        """Load the reader and the scope classifier once, before the first request."""
        with self._warm_lock:
            self.reader.read(["warm up"])
            self.scope.in_scope(self._vectors(["warm up"])[0])
            get_meaning(), get_yesno(), get_howto(), get_polarity(), get_unitkinds(), get_wrappers()

    # -- reading answers -----------------------------------------------------
    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        """Gap, ready or unknown for one dimension, with the clauses that decided it.

        Kept per dimension and the statements that feed it: a turn asks again about areas whose
        answers have not changed, and the report turn re-judges every area."""
        key = (dimension.id, tuple(reading.statement_key(s) for s in statements))
        if (kept := self._judged.get(key)) is None:
            read = reading.read_statements(self.reader, statements, self._asked)
            kept = self._judged.put(key, reading.judge(dimension, read, self.rubric.reading))
        return kept.model_copy(deep=True)

    def detect_agentic(self, statements: list[Statement]) -> tuple[bool, list[Evidence]]:
        """True when the team describes a system that acts without a person in between."""
        read = reading.read_statements(self.reader, statements, self._asked)
        return reading.detect_agentic(read, self.rubric.reading)

    # -- answers and phrasing -------------------------------------------------
    def in_scope(self, question: str, passages: list[Passage]) -> bool:
        """The trained scope head's decision, with the best retrieved passage's match as its second
        opinion; both engines decline by it (the model is never asked an off-topic question)."""
        if not passages:
            return False
        vector = self._vectors([question])[0]
        whole = self._vectors([p.text for p in passages])
        if self._only_defined_terms(question, passages, whole):
            return True  # "what's a RACI?": nothing but a term the retrieved passages define
        return self.scope.in_scope(vector, float((whole @ vector).max()))

    def _only_defined_terms(self, question: str, passages: list[Passage], whole: np.ndarray) -> bool:
        """A short question whose content words all belong to terms the passages define."""
        wrappers = get_wrappers()
        asked = wrappers.content_words(question)
        if not names_only_defined_terms(asked, asked):
            return False  # no content word, or too many for a term: the head decides
        spelled = {tuple(term_words(key)): wrappers.content_words(full) for key, full in self.rubric.aliases.items()}
        wanted = set(asked) | {w for key, full in spelled.items() if set(key) & set(asked) for w in full}
        terms = defined_terms(passages, whole, get_unitkinds(), self._vectors, wrappers, wanted)
        return names_only_defined_terms(asked, _with_aliases(terms, spelled))

    def retrieve(self, question: str, search: Search) -> list[Passage]:
        """The best `ANSWER_PASSAGES` passages, then, for a question the heads read as asking what to
        do or whether to, a deeper search's further passages (the composer may take advice from them)."""
        first = search(ANSWER_PASSAGES)
        if not first:
            return first
        if self.reranker is None and self.intent(question, self._vectors([question])[0]).asks not in WANTS_ADVICE:
            return first
        return deeper(first, search)  # the reranker, or the advice pick, may take a unit from further down

    def answer(self, question: str, passages: list[Passage]) -> GroundedAnswer:
        """Declined unless the scope classifier says the question is about getting AI into
        production (read on the first `ANSWER_PASSAGES` passages); otherwise composed from whole
        units of the passages, cited."""
        if not self.in_scope(question, passages[:ANSWER_PASSAGES]):
            return GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
        vector = self._vectors([question])[0]
        yesno = get_yesno().says(question, vector)
        opener = get_polarity().verdict(vector) if yesno else ""
        intent = self.intent(question, vector)
        if self.reranker is not None:  # the passages whose units answer the question best come first
            relevance = partial(self.reranker.scores, question)
            passages = by_relevance(passages[:RERANK_PASSAGES], relevance)
            intent = replace(intent, relevance=relevance)
        pick = advice_first(passages, intent.asks, get_unitkinds(), self._vectors)
        return composed_answer(
            question, pick.passages, self._vectors, opener=opener, intent=intent, top=pick.top, ranks=pick.ranks
        )

    def intent(self, question: str, vector: np.ndarray) -> Intent:
        """What the trained question heads say the question asks for, with the unit-kind head."""
        meaning = get_meaning().says(question, vector)
        asks = "define" if meaning else next((k for k, h in self._askers() if h.says(question, vector)), "other")
        kinds = get_unitkinds()
        return Intent(meaning=meaning, asks=asks, kinds=kinds, terms=TermReader(kinds, get_wrappers()))

    @staticmethod
    def _askers() -> list[tuple[str, ScopeModel]]:
        return [("howto", get_howto()), ("yesno", get_yesno())]

    def answer_stream(self, question: str, passages: list[Passage]) -> Iterator[str | GroundedAnswer]:
        """Stream the extractive answer word by word, then the answer itself."""
        result = self.answer(question, passages)
        yield from pieces(result.answer)
        yield result

    def follow_up(self, dimension: Dimension, question: Question, statements: list[Statement], default: str) -> str:
        """Quote the team's vague words back, then ask the rubric's follow-up."""
        direct = on_topic(dimension.id, statements)
        if direct:
            said = direct[-1].text.strip()
            if 1 <= len(words(said)) <= 12:  # quote vague words back, not whole paragraphs
                return f'You said "{quote(said, 120)}". {default}'
        return default
