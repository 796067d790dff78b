"""The offline engine: deterministic reading of team answers from the rubric's signals."""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.engine.grounding import SCOPE_BAND, extractive_answer
from bot.knowledge import Dimension, Question, Rubric
from bot.models import Evidence, GroundedAnswer, Judgement, Statement, Status
from bot.text import (
    ACTOR_ACT,
    AUTONOMY,
    CONCRETE,
    CONTENTLESS,
    DEFECT,
    DEFERRAL,
    HUMAN_GATE,
    MANUAL,
    NEGATED_PROBLEM,
    NEGATION,
    PARTIAL,
    PRESCRIPTION,
    REJECTED_ALTERNATIVE,
    SHORT_NEGATIVE,
    SHORT_POSITIVE,
    UNCERTAIN,
    UNSURE_PHRASES,
    clauses,
    quote,
    words,
)

if TYPE_CHECKING:
    from bot.index import Passage

Embed = Callable[[list[str]], np.ndarray]
_VECTOR_CACHE: dict[str, np.ndarray] = {}  # text vectors, shared by engines in a process
VECTOR_CACHE_SIZE = 50_000  # ~75 MB of 384-d float32: bounded, so a long-running server can't grow forever


def _remember(key: str, vector: np.ndarray) -> None:
    """Cache a vector; past the bound, forget the oldest entries (exemplars are kept in arrays)."""
    _VECTOR_CACHE[key] = vector
    while len(_VECTOR_CACHE) > VECTOR_CACHE_SIZE:
        _VECTOR_CACHE.pop(next(iter(_VECTOR_CACHE)), None)


@dataclass
class _Signals:
    gap: np.ndarray
    ready: np.ndarray
    keywords: tuple[str, ...]


@dataclass
class _Clause:
    text: str
    author: str | None
    direct: bool
    floor: float
    relevance: float
    score: float  # > 0 reads as a gap, < 0 as readiness
    vague: bool
    partial: bool


_PARTS = re.compile(r",\s+(?:and|but|so|while)\s+|;\s*")


def _topk_mean(sims: np.ndarray, k: int = 3) -> np.ndarray:
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)


class OfflineEngine:
    """Reads free text with local embeddings and cue words; same input, same output."""

    name = "offline"
    gap_threshold = 0.2
    ready_threshold = 0.1
    keyword_bonus = 0.1  # a clause naming a dimension's own terms is about that dimension
    confidence_scale = 0.4  # |gap mass - ready mass| at which confidence reaches ~0.63
    relevance_floor = 0.5  # asides in an interview answer about another area
    document_floor = 0.37  # one-shot documents: every clause is routed to its best area
    scope_threshold = 0.28  # below this a question is out of scope whatever else it resembles
    scope_band = SCOPE_BAND
    polarity_weight = 1.5
    direct_margin = 0.08
    agentic_floor = 0.35  # similarity to the agentic signals an acting clause needs

    def __init__(
        self, rubric: Rubric, embed: Embed, extra: dict[str, tuple[list[str], list[str]]] | None = None
    ) -> None:
        self.rubric = rubric
        self._embed = embed
        self._extra = extra or {}
        self._signals: dict[str, _Signals] = {}
        self._agentic: tuple[np.ndarray, np.ndarray] | None = None
        self._outside: np.ndarray | None = None
        self._warm = False
        self._warm_lock = threading.Lock()

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

    def _dimension_signals(self, dim: Dimension) -> _Signals:
        if dim.id not in self._signals:
            kws = tuple(k.lower() for k in dim.signals.keywords)
            gap, ready = self._extra.get(dim.id, ([], []))
            self._signals[dim.id] = _Signals(
                self._vectors([*dim.signals.gap, *gap]), self._vectors([*dim.signals.ready, *ready]), kws
            )
        return self._signals[dim.id]

    def warm_up(self) -> None:
        """Embed every exemplar once; concurrent first requests wait instead of all embedding."""
        if self._warm:
            return
        with self._warm_lock:
            if not self._warm:
                for dim in self.rubric.dimensions:
                    self._dimension_signals(dim)
                self._agentic_vectors()
                self._outside_vectors()
                self._warm = True

    # -- reading answers -----------------------------------------------------
    def _relevance(self, texts: list[str]) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Per clause and dimension: relevance, plus the gap/ready similarities."""
        self.warm_up()
        vecs = self._vectors(texts)
        sims: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        rel = np.zeros((len(texts), len(self.rubric.dimensions)))
        for j, dim in enumerate(self.rubric.dimensions):
            sig = self._dimension_signals(dim)
            gap, ready = _topk_mean(vecs @ sig.gap.T), _topk_mean(vecs @ sig.ready.T)
            sims[dim.id] = (gap, ready)
            bonus = np.array([self.keyword_bonus * any(k in t.lower() for k in sig.keywords) for t in texts])
            rel[:, j] = np.maximum(gap, ready) + bonus
        return rel, sims

    def _read(self, dim: Dimension, statements: list[Statement]) -> list[_Clause]:
        items = [
            (c, s.author, s.topic == dim.id, self.document_floor if s.topic == "document" else self.relevance_floor)
            for s in statements
            for c in clauses(s.text)
            if c
        ]
        if not items:
            return []
        rel, sims = self._relevance([item[0] for item in items])
        col = [d.id for d in self.rubric.dimensions].index(dim.id)
        gap, ready = sims[dim.id]
        out = []
        for i, (text, author, direct, floor) in enumerate(items):
            mine = float(rel[i, col])
            best = float(rel[i].max())
            # A clause belongs to the dimension it is most about: an aside on
            # governance inside a data answer is governance evidence, not data evidence.
            if best - mine > (self.direct_margin if direct else 0.0):
                mine = 0.0
            out.append(self._clause(text, author, direct, floor, mine, float(gap[i] - ready[i])))
        return out

    def _clause(self, text: str, author: str | None, direct: bool, floor: float, rel: float, pol: float) -> _Clause:
        core = REJECTED_ALTERNATIVE.sub("", text)  # drop "..., not bolted on" / "instead of ..."
        reassured = bool(NEGATED_PROBLEM.search(text))
        negated = bool(NEGATION.search(UNSURE_PHRASES.sub("", core))) and not reassured
        deferred = bool(DEFERRAL.search(core))
        manual = bool(MANUAL.search(core)) and not reassured
        concrete = 0 if negated else min(len(CONCRETE.findall(text)), 2)
        defect = bool(DEFECT.search(core)) and not (negated or reassured)
        score = self.polarity_weight * pol + 0.35 * (negated or defect) + 0.45 * deferred + 0.25 * manual
        score -= 0.12 * concrete + 0.4 * reassured
        if PRESCRIPTION.search(text):  # "we should require an equity review" is not evidence of one
            score = max(score, 0.0)
        n_words = len(words(text))
        if direct and SHORT_NEGATIVE.match(text):
            score = max(score, 0.6)
        unsure = bool(UNCERTAIN.search(text) or UNSURE_PHRASES.search(text))
        unsure = unsure and not (negated or deferred or manual)
        terse_blank = n_words < 4 and not (concrete or negated or deferred or manual or reassured)
        vague = (unsure and concrete == 0) or terse_blank
        vague = vague or bool(SHORT_POSITIVE.match(text) or CONTENTLESS.match(text))
        partial = bool(PARTIAL.search(text))
        return _Clause(text, author, direct, floor, rel, score, vague, partial)

    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        """Gap, ready or unknown for one dimension, with the clauses that decided it."""
        read = self._read(dimension, statements)
        relevant = [c for c in read if c.relevance > 0 and (c.direct or c.relevance >= c.floor)]
        votes = [
            c for c in relevant if not c.vague and (c.score >= self.gap_threshold or c.score <= -self.ready_threshold)
        ]
        gaps = [c for c in votes if c.score > 0]
        readys = [c for c in votes if c.score < 0]
        gap_mass = sum(c.score * max(c.relevance, 0.5 if c.direct else 0) for c in gaps)
        ready_mass = sum(-c.score * max(c.relevance, 0.5 if c.direct else 0) for c in readys)
        if not votes:
            why = "no clear statement about this area yet" if not relevant else "answers were vague"
            return Judgement(dimension=dimension.id, status="unknown", rationale=why)
        status: Status = "gap" if gap_mass >= ready_mass else "ready"
        chosen = sorted(gaps if status == "gap" else readys, key=lambda c: -abs(c.score))
        confidence = 1.0 - math.exp(-abs(gap_mass - ready_mass) / self.confidence_scale)
        severity = None
        if status == "gap":
            mixed = ready_mass > 0.9 * gap_mass or any(c.partial for c in chosen[:2])
            severity = "medium" if mixed else dimension.base_severity
        evidence = [Evidence(quote=quote(c.text), author=c.author) for c in chosen[:3]]
        rationale = f"{len(gaps)} statement(s) read as a gap, {len(readys)} as in place"
        return Judgement(
            dimension=dimension.id,
            status=status,
            severity=severity,
            evidence=evidence,
            confidence=round(min(confidence, 1.0), 3),
            rationale=rationale,
        )

    # -- agentic -------------------------------------------------------------
    def _agentic_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        if self._agentic is None:
            ag = self.rubric.agentic
            neg = ag.negative_signals or ["a person reviews every output before it is used"]
            self._agentic = (self._vectors(ag.signals), self._vectors(neg))
        return self._agentic

    def detect_agentic(self, statements: list[Statement]) -> tuple[bool, list[Evidence]]:
        """True when the team describes a system that acts without a person in between."""
        items = [(c, s.author) for s in statements for c in clauses(s.text)]
        if not items:
            return False, []
        self.warm_up()
        act_vecs, gate_vecs = self._agentic_vectors()
        vecs = self._vectors([c for c, _ in items])
        a = _topk_mean(vecs @ act_vecs.T, 2)
        n = _topk_mean(vecs @ gate_vecs.T, 2)
        hits = []
        for i, (text, author) in enumerate(items):
            # judge each part of "X, and Y": a negation in Y doesn't gate the action in X
            acting = [p for p in _PARTS.split(text) if AUTONOMY.search(p) or ACTOR_ACT.search(p)]
            acts = bool(acting)
            rests = [AUTONOMY.sub("", p) for p in acting]  # "no human in the loop" is autonomy, not a gate
            gated = all(HUMAN_GATE.search(r) or NEGATION.search(r) for r in rests)
            score = float(a[i] - n[i])
            if acts and not gated and a[i] >= self.agentic_floor and score > -0.05:
                hits.append((score, Evidence(quote=quote(text), author=author)))
        hits.sort(key=lambda h: -h[0])
        return bool(hits), [e for _, e in hits[:2]]

    # -- answers and phrasing -------------------------------------------------
    def _outside_vectors(self) -> np.ndarray | None:
        """Vectors of the rubric's out-of-scope topics (None when it lists none)."""
        if self._outside is None and self.rubric.scope.outside:
            self._outside = self._vectors(self.rubric.scope.outside)
        return self._outside

    def answer(self, question: str, passages: list[Passage]) -> GroundedAnswer:
        """An extractive answer: the passage sentences closest to the question, cited."""
        return extractive_answer(
            question,
            passages,
            self._vectors,
            self.scope_threshold,
            outside=self._outside_vectors(),
            band=self.scope_band,
        )

    def answer_stream(self, question: str, passages: list[Passage]) -> Iterator[str | GroundedAnswer]:
        """Stream the extractive answer word by word, then the answer itself."""
        result = self.answer(question, passages)
        yield from re.findall(r"\S+\s*", result.answer)
        yield result

    def follow_up(self, dimension: Dimension, question: Question, statements: list[Statement], default: str) -> str:
        """Quote the team's vague words back, then ask the rubric's follow-up."""
        direct = [s for s in statements if s.topic == dimension.id]
        if direct:
            said = direct[-1].text.strip()
            if 1 <= len(words(said)) <= 12:  # quote vague words back, not whole paragraphs
                return f'You said "{quote(said, 120)}". {default}'
        return default

    def summarise(self, facts: str, default: str) -> str:
        """The deterministic summary as written by the assessment."""
        return default
