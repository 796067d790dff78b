"""BM25 ranking over the indexed chunk texts (incremental, per row), and reciprocal rank fusion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have
    haven't having he her here hers herself him himself his how i if in into is isn't it it's
    its itself just let's me more most mustn't my myself no nor not of off on once only or
    other ought our ours ourselves out over own same shan't she should shouldn't so some such
    than that that's the their theirs them themselves then there there's these they this those
    through to too under until up very was wasn't we were weren't what what's when where which
    while who whom why will with won't would wouldn't you your yours yourself yourselves
    us get got also may might must shall via per""".split()
)
_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("'s", ""))


@lru_cache(maxsize=1 << 18)  # a corpus repeats its words: stem each once
def stem(word: str) -> str:
    """Light English stemming: plural and possessive endings only (stable, predictable)."""
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lowercase words and numbers, stopwords dropped, lightly stemmed."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


K1, B = 1.5, 0.75  # the Lucene BM25 constants (as bm25s uses them)


def term_counts(text: str) -> tuple[list[str], list[int], int]:
    """A text's distinct terms, how often each occurs, and its length in terms (at least 1)."""
    counts: dict[str, int] = {}
    for token in tokenize(text) or [""]:  # an empty text is one empty term, as bm25s indexed it
        counts[token] = counts.get(token, 0) + 1
    return list(counts), list(counts.values()), sum(counts.values())


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    """The parts end to end, as `dtype`, emptying the list as it goes (so each part can be freed)."""
    out: np.ndarray = np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)
    parts.clear()
    return out


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    if size <= len(array):
        return array
    grown = np.zeros(max(size, 2 * len(array), 64), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


class Bm25:
    """BM25 over rows that are added and removed one by one (no rebuild).

    Postings live in a compact term-major array plus a small tail of recent additions, which is
    folded in once it grows; removed rows are masked until then. Scores equal a fresh build's."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._df = np.zeros(0, dtype=np.int64)
        self.lengths = np.zeros(0, dtype=np.float32)
        self.alive = np.zeros(0, dtype=bool)
        self.labels = np.zeros(0, dtype=np.int32)  # a small code per row (the dimension), for filters
        self._total = 0.0
        self.count = 0  # live rows
        self.size = 0  # highest row + 1
        self._indptr = np.zeros(1, dtype=np.int64)
        self._rows = np.zeros(0, dtype=np.int32)
        self._tfs = np.zeros(0, dtype=np.float32)
        self._tail: dict[int, tuple[list[int], list[int]]] = {}
        self._tail_size = 0
        self._dead = 0
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def _reserve(self, rows: int) -> None:
        self.size = max(self.size, rows)
        self.lengths, self.alive = _grow(self.lengths, rows), _grow(self.alive, rows)
        self.labels, self._df = _grow(self.labels, rows), _grow(self._df, len(self.vocab))

    def add(self, row: int, tids: np.ndarray, tfs: np.ndarray, label: int = 0) -> None:
        """Index one row: its distinct term ids (already in the vocabulary) and their counts."""
        self._reserve(row + 1)
        self.lengths[row], self.alive[row], self.labels[row] = float(tfs.sum()), True, label
        self._df[tids] += 1
        for tid, tf in zip(tids.tolist(), tfs.tolist(), strict=True):
            rows, counts = self._tail.setdefault(tid, ([], []))
            rows.append(row)
            counts.append(tf)
        self._tail_size += len(tids)
        self._total += float(tfs.sum())
        self.count += 1
        if self._tail_size > max(4096, len(self._rows) // 16):
            self.compact()

    def add_many(
        self, rows: np.ndarray, tids: list[np.ndarray], tfs: list[np.ndarray], labels: np.ndarray, compact: bool = True
    ) -> None:
        """Index many new rows at once; with compact=False they wait (unsearchable) for the next compact()."""
        if not len(rows):
            return
        self._reserve(int(rows.max()) + 1)
        all_rows = np.repeat(rows, [len(t) for t in tids]).astype(np.int32)
        all_tids = np.concatenate(tids).astype(np.int32)  # term ids fit: half the pending postings' memory
        all_tfs = np.concatenate(tfs).astype(np.float32)
        self.lengths[rows] = np.bincount(all_rows, weights=all_tfs, minlength=len(self.lengths))[rows]
        self.alive[rows], self.labels[rows] = True, labels
        self._df += np.bincount(all_tids, minlength=len(self._df))
        self._total += float(all_tfs.sum())
        self.count += len(rows)
        self._pending.append((all_tids, all_rows, all_tfs))
        if compact:
            self.compact()

    def remove(self, row: int, tids: np.ndarray) -> None:
        """Forget one row (its term ids are needed to correct document frequencies)."""
        if row >= len(self.alive) or not self.alive[row]:
            return
        self.alive[row] = False
        self._df[tids] -= 1
        self._total -= float(self.lengths[row])
        self.count -= 1
        self._dead += 1
        if self._dead > max(1024, self.count // 4):
            self.compact()

    def compact(self) -> None:
        """Fold the tail and pending bulk postings into the term-major arrays and drop removed rows'.

        Built in int32 and without copies that are not needed (every row alive, the parts released
        as they are folded): at 100k chunks the merge is the lexical side's memory peak."""
        counts = np.diff(self._indptr)
        terms = [np.repeat(np.arange(len(counts), dtype=np.int32), counts)]
        rows, tfs = [self._rows], [self._tfs]
        for tid, (tail_rows, tail_tfs) in self._tail.items():
            terms.append(np.full(len(tail_rows), tid, dtype=np.int32))
            rows.append(np.asarray(tail_rows, dtype=np.int32))
            tfs.append(np.asarray(tail_tfs, dtype=np.float32))
        for pending in self._pending:
            terms.append(pending[0])
            rows.append(pending[1])
            tfs.append(pending[2])
        self._pending, self._tail, self._tail_size, self._dead = [], {}, 0, 0
        self._rows, self._tfs = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        merged = [_joined(terms, np.int32), _joined(rows, np.int32), _joined(tfs, np.float32)]
        del terms, rows, tfs
        keep = self.alive[merged[1]] if len(merged[1]) else np.zeros(0, dtype=bool)
        if not keep.all():
            merged = [part[keep] for part in merged]
        order = np.lexsort((merged[1], merged[0]))
        self._indptr = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(merged[0], minlength=len(self.vocab)), out=self._indptr[1:])
        del merged[0]
        self._rows, self._tfs = merged[0][order], merged[1][order]

    def _postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        rows, tfs = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        if tid + 1 < len(self._indptr):
            start, end = self._indptr[tid], self._indptr[tid + 1]
            rows, tfs = self._rows[start:end], self._tfs[start:end]
        if tid in self._tail:
            extra_rows, extra_tfs = self._tail[tid]
            rows = np.concatenate([rows, np.asarray(extra_rows, dtype=np.int32)])
            tfs = np.concatenate([tfs, np.asarray(extra_tfs, dtype=np.float32)])
        return rows, tfs

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (a repeated query word counts again)."""
        scores = np.zeros(self.size, dtype=np.float32)
        if not self.count:
            return scores
        avg = self._total / self.count
        for tid in (self.vocab[t] for t in tokenize(query) if t in self.vocab):
            rows, tfs = self._postings(tid)
            df = float(self._df[tid]) if tid < len(self._df) else 0.0
            if not df:
                continue
            idf = np.float32(np.log(1 + (self.count - df + 0.5) / (df + 0.5)))
            norm = K1 * ((1 - B) + B * self.lengths[rows] / np.float32(avg))
            scores[rows] += idf * tfs / (norm + tfs)
        scores[~self.alive[: self.size]] = 0.0
        return scores

    def top(self, query: str, n: int, labels: list[int] | None = None) -> list[tuple[int, float]]:
        """The n best (row, score) pairs with a positive score, optionally only rows with these labels."""
        scores = self.scores(query)
        if labels is not None and len(scores):
            scores[~np.isin(self.labels[: self.size], labels)] = 0.0
        positive = int(np.count_nonzero(scores > 0))
        n = min(n, positive)
        if n <= 0:
            return []
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.lexsort((best, -scores[best]))]  # ties: the earlier row first
        return [(int(i), float(scores[i])) for i in best]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score = sum of weight / (k + rank), best first."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])  # stable: ties keep first-seen order
