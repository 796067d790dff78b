"""The benchmarks' synthetic corpus: chunks of pool sentences with composed vectors, made a slice at
a time, and the exact nearest neighbours of query vectors kept up to date slice by slice."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from bot.chunking import Chunk, chunk_id
from bot.knowledge import DIMENSION_IDS, Document, FrontMatter

SUBJECTS = "the pilot team|our sponsor|the data platform|compliance|the model|support staff|the \
vendor|finance|the on-call engineer|the business owner|security|the product manager".split("|")
VERBS = "reviews|blocks|funds|monitors|ignores|owns|delays|migrates|audits|retrains|escalates|\
approves|integrates|measures".split("|")
OBJECTS = "the production pipeline|the ERP connector|drift alerts|the rollback plan|the audit \
trail|recurring costs|user training|the schema mapping|the evaluation harness|latency budgets|\
refund approvals|the core banking feed|the data contract|hallucination reports".split("|")
PLACES = "before launch|every week|after the demo|in month nine|during the rollout|at the \
review|in the notebook|across regions|for the EHR|in the warehouse".split("|")


def _rare_words(rng: random.Random, n: int = 5000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "tor", "vis", "pla", "dun", "sek", "ori", "bex", "qua"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(n)]


def _sentence(rng: random.Random, rare: list[str]) -> str:
    words = [rare[min(int(rng.paretovariate(1.2)) - 1, len(rare) - 1)] for _ in range(3)]
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(PLACES)]
    return f"{' '.join(parts)} with {' '.join(words)}.".capitalize()


def corpus(size: int, pool: list[str], seed: int = 7) -> Iterator[tuple[Chunk, list[int]]]:
    """Chunks of three pool sentences each (~250 chars), ten per document, with their pool indices,
    made one at a time (the benchmark holds a slice of them, not the corpus)."""
    rng = random.Random(seed + size)
    for n in range(size):
        picks = rng.sample(range(len(pool)), 3)
        text = " ".join(pool[i] for i in picks)
        source, section = f"doc{n // 10:05d}.md", f"section-{n % 10}"
        chunk = Chunk(
            id=chunk_id(source, section, n, text),
            text=text,
            embed_text=f"Synthetic {n // 10} > Section {n % 10}\n\n{text}",
            source=source,
            section=section,
            section_title=f"Section {n % 10}",
            title=f"Synthetic {n // 10}",
            dimension=DIMENSION_IDS[(n // 10) % len(DIMENSION_IDS)],
            doc_sha256="bench",
            ordinal=n % 10,
        )
        yield chunk, picks


def composed_vectors(
    members: Sequence[list[int]], pool_vectors: np.ndarray, rng: np.random.Generator, step: int = 8192
) -> np.ndarray:
    """Chunk vector = normalised sum of its sentences' real vectors plus a little noise.

    Composed a slice at a time in float32 (the whole-array version held the gathered (n, 3, 384)
    sentence vectors and float64 noise at once). The noise comes from `rng` in order, so composing
    the corpus slice by slice gives the same vectors as composing it whole."""
    picks = np.asarray(members, dtype=np.int32)
    out = np.empty((len(picks), pool_vectors.shape[1]), dtype=np.float32)
    for i in range(0, len(picks), step):
        part = pool_vectors[picks[i : i + step]].sum(axis=1, dtype=np.float32)
        part += rng.normal(0, 0.02, part.shape).astype(np.float32)
        out[i : i + step] = part / np.linalg.norm(part, axis=1, keepdims=True)
    return out


class Nearest:
    """The exact k nearest chunks of each query vector, kept up to date as slices of chunks arrive."""

    def __init__(self, queries: np.ndarray, k: int = 20) -> None:
        self.queries, self.k = queries, k
        self.scores = np.zeros((len(queries), 0), dtype=np.float32)
        self.ids = np.zeros((len(queries), 0), dtype=object)

    def add(self, vectors: np.ndarray, ids: list[str]) -> None:
        """Merge a slice's chunks into each query's k best (brute force over the slice)."""
        scores = np.concatenate([self.scores, self.queries @ vectors.T], axis=1)
        names = np.concatenate([self.ids, np.tile(np.array(ids, dtype=object), (len(self.queries), 1))], axis=1)
        best = np.argsort(-scores, axis=1, kind="stable")[:, : self.k]
        self.scores, self.ids = np.take_along_axis(scores, best, 1), np.take_along_axis(names, best, 1)


@dataclass
class Synthetic:
    """A corpus of `size` chunks: its sentence pool, the pool's real vectors and the noise generator."""

    size: int
    pool: list[str]
    pool_vectors: np.ndarray
    rng: np.random.Generator

    def slices(self, step: int) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        """The corpus `step` chunks at a time, with their composed vectors (the same as made whole)."""
        chunks = corpus(self.size, self.pool)
        while part := list(islice(chunks, step)):
            yield [c for c, _ in part], composed_vectors([m for _, m in part], self.pool_vectors, self.rng)


def documents(size: int, pool: list[str]) -> Iterator[Document]:
    """The corpus as markdown documents of ten sections (one chunk each once chunked)."""
    chunks = (c for c, _ in corpus(size, pool))
    while part := list(islice(chunks, 10)):
        body = "\n\n".join(f"## {c.section_title}\n\n{c.text}" for c in part)
        meta = FrontMatter(id=part[0].source[:-3], title=part[0].title, dimension=part[0].dimension)
        sha = hashlib.sha256(body.encode()).hexdigest()
        yield Document(path=Path(part[0].source), source=part[0].source, meta=meta, body=body, sha256=sha)


def synthetic(size: int, pool_size: int) -> tuple[random.Random, list[str]]:
    """The seeded random source and the sentence pool of a corpus of this size."""
    rng = random.Random(size)
    rare = _rare_words(rng)
    return rng, [_sentence(rng, rare) for _ in range(pool_size)]
