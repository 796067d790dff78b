"""The tense head: has the event a clause reports already happened, and was it a setback?

Trained by `make train-tense` (training/train_tense.py) on labelled clauses in training/data/tense/;
the product only loads the plain weights in bot/assets/tense/tense.json. Four labels:
- happened: a setback already happened ("usage dropped after a month", "compliance blocked it");
- past: something else already happened ("we trained the agents in May", "the review passed");
- ongoing: a state or habit now ("someone exports the CSV by hand", "no incidents so far");
- may_happen: ahead, planned, feared or conditional ("if usage dropped we would notice").

Input: the local MiniLM clause vector plus hashed word, word-pair and word-ending features, so that
which words and endings mark a past event is learned from the data, not listed. Softmax weights,
a temperature and the "happened" threshold (both chosen on the dev split) are in the JSON.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.memo import Memo
from bot.reading.heads import load_head

TENSE_PATH = Path(__file__).resolve().parent.parent / "assets" / "tense" / "tense.json"
LABELS = ("happened", "past", "ongoing", "may_happen")
WORDS = re.compile(r"[a-z0-9']+")
Embed = Callable[[list[str]], np.ndarray]


def hashed_features(text: str, buckets: int) -> np.ndarray:
    """Words, word pairs and word endings (last 2 and 3 letters), hashed into `buckets` slots, unit length."""
    out = np.zeros(buckets, dtype=np.float32)
    if buckets <= 0:
        return out
    words = WORDS.findall(text.lower().replace("’", "'"))
    keys = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    keys += [f"e{n}:{w[-n:]}" for w in words for n in (2, 3) if len(w) > n + 1]
    for key in keys:
        out[zlib.crc32(key.encode()) % buckets] += 1.0
    norm = float(np.linalg.norm(out))
    return out / norm if norm else out


@dataclass(frozen=True)
class TenseModel:
    """Softmax weights over [clause vector, hashed features], with its calibration and version."""

    version: str
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)
    temperature: float
    happened_threshold: float
    buckets: int
    embedding: str

    def features(self, texts: Sequence[str], embed: Embed) -> np.ndarray:
        """The head's input rows for clauses: MiniLM vectors, then the hashed block."""
        vectors = np.asarray(embed(list(texts)), dtype=np.float32)
        hashed = np.stack([hashed_features(t, self.buckets) for t in texts])
        return np.hstack([vectors, hashed])

    def probabilities(self, texts: Sequence[str], embed: Embed) -> np.ndarray:
        """Calibrated P(label) per clause, columns in LABELS order."""
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        logits = (self.features(texts, embed) @ self.weights + self.bias) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


def _tense_model(meta: dict[str, Any]) -> TenseModel:
    return TenseModel(
        version=str(meta["version"]),
        weights=np.asarray(meta["weights"], dtype=np.float32),
        bias=np.asarray(meta["bias"], dtype=np.float32),
        temperature=float(meta["temperature"]),
        happened_threshold=float(meta["happened_threshold"]),
        buckets=int(meta["buckets"]),
        embedding=str(meta["embedding"]),
    )


def _one_column_per_label(model: TenseModel, meta: dict[str, Any]) -> bool:
    return list(meta.get("labels", [])) == list(LABELS) and model.weights.shape[1:] == (len(LABELS),)


def load_tense(path: Path = TENSE_PATH) -> TenseModel:
    """Load the trained head; a missing or broken file is one actionable ConfigError."""
    return load_head(path, _tense_model, what="tense model", rebuild="make train-tense", valid=_one_column_per_label)


@cache
def get_tense() -> TenseModel:
    """The shipped tense head, loaded on first use (never at import) and kept."""
    return load_tense()


class ClauseTense:
    """The head bound to an embedder, remembering each clause's probabilities (least recently used
    dropped past `size`): a report asks twice, and every interim report of an interview asks again
    about the same answers, so each clause is embedded once. Thread-safe."""

    def __init__(self, model: TenseModel, embed: Embed, size: int = 4096) -> None:
        self.model, self.embed = model, embed
        self._seen: Memo[np.ndarray] = Memo(size)

    @property
    def version(self) -> str:
        """The head's version, recorded with each report that used it."""
        return self.model.version

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated P(label) per clause (LABELS order), each clause computed once."""
        known = {t: row for t in dict.fromkeys(texts) if (row := self._seen.get(t)) is not None}
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            for text, row in zip(new, self.model.probabilities(new, self.embed), strict=True):
                known[text] = self._seen.put(text, row)
        return np.array([known[t] for t in texts]).reshape(len(texts), len(LABELS))

    def happened(self, texts: Sequence[str]) -> list[bool]:
        """Per clause: does it say a setback already happened, at or above the calibrated threshold?"""
        probs = self.probabilities(texts)[:, LABELS.index("happened")]
        return [bool(p >= self.model.happened_threshold) for p in probs]

    def in_the_past(self, texts: Sequence[str]) -> list[bool]:
        """Per clause: is what it reports more likely over (a setback or not) than now or ahead?"""
        probs = self.probabilities(texts)
        return [bool(p >= 0.5) for p in probs[:, 0] + probs[:, 1]]


@cache
def shipped_tense() -> ClauseTense:
    """The shipped head over the process-wide MiniLM embedder (both loaded on first use), one per
    process so its memory of clauses lasts across reports."""
    from bot.embeddings import get_embedder  # chromadb and onnxruntime load only when a report needs them

    return ClauseTense(get_tense(), get_embedder().embed)
