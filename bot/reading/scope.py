"""Question heads: logistic regression over the local MiniLM question vector.

Trained by `make train-scope` (training/train_scope.py) on labelled questions; the product only
loads the plain weights in bot/assets/scope/:
- scope.json: is the question about getting an AI system from pilot to production?
- polarity.json: for a yes/no question, does the playbook's advice say yes?
- meaning.json: does the question ask what a term means ("what's a steerco", "define MLOps")?
- yesno.json: is it a yes/no question ("do we need a kill switch", "worth running shadow mode first?")?
- howto.json: does it ask what to do ("how do we ...", "users went back to the old tool, what now")?

The last two also read the question's opening words as hashed one-hot features (`opening_buckets`):
their weights are learned like the rest, so which openings matter is trained, not listed.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.reading.heads import load_head

HEADS = Path(__file__).resolve().parent.parent / "assets" / "scope"
SCOPE_PATH = HEADS / "scope.json"
POLARITY_PATH = HEADS / "polarity.json"
MEANING_PATH = HEADS / "meaning.json"
YESNO_PATH = HEADS / "yesno.json"
HOWTO_PATH = HEADS / "howto.json"
OPENING_WORDS = re.compile(r"[a-z0-9']+")
OPENING_SCALE = 0.5  # the one-hot opening features' size beside a unit-length sentence vector
POLARITY_BAND = 0.2  # say yes or no only when the head is at least this far from 0.5 (precise on dev)


def opening_features(text: str, buckets: int) -> np.ndarray:
    """The question's first word and first two words, hashed into `buckets` one-hot slots each."""
    out = np.zeros(2 * buckets, dtype=np.float32)
    if buckets <= 0:
        return out
    tokens = OPENING_WORDS.findall(text.lower())[:2]
    if tokens:
        out[zlib.crc32(tokens[0].encode()) % buckets] = OPENING_SCALE
        out[buckets + zlib.crc32(" ".join(tokens).encode()) % buckets] = OPENING_SCALE
    return out


@dataclass(frozen=True)
class Stack:
    """The scope head's second opinion: its logit and the question's best playbook match, combined."""

    w_logit: float
    w_match: float
    bias: float
    threshold: float

    def in_scope(self, probability: float, match: float) -> bool:
        """True when the head's logit and the best retrieved passage's cosine together say in scope."""
        p = min(max(probability, 1e-9), 1 - 1e-9)
        z = self.w_logit * float(np.log(p / (1 - p))) + self.w_match * match + self.bias
        return bool(1.0 / (1.0 + np.exp(-z)) >= self.threshold)


@dataclass(frozen=True)
class ScopeModel:
    """Weights, bias and decision threshold of one trained head (scope or polarity), with its version."""

    version: str
    weights: np.ndarray
    bias: float
    threshold: float
    embedding: str
    opening_buckets: int = 0  # > 0: the head also reads the question's opening words
    stack: Stack | None = None  # the scope head only: combined with the best passage match

    def features(self, text: str, vector: np.ndarray) -> np.ndarray:
        """The head's input for one question: its sentence vector, plus its opening words if used."""
        if self.opening_buckets <= 0:
            return vector
        return np.concatenate([vector, opening_features(text, self.opening_buckets)])

    def says(self, text: str, vector: np.ndarray) -> bool:
        """True when the head scores the question at or above its threshold."""
        return bool(self.probability(self.features(text, vector))[0] >= self.threshold)

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        """P(in scope) for each row of L2-normalised question vectors."""
        logits = np.atleast_2d(vectors) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def in_scope(self, vector: np.ndarray, match: float | None = None) -> bool:
        """True when the question vector is about getting an AI system into production; with
        `match` (the cosine of the best retrieved passage) the stacked head decides, when trained."""
        p = float(self.probability(vector)[0])
        if match is not None and self.stack is not None:
            return self.stack.in_scope(p, match)
        return p >= self.threshold

    def verdict(self, vector: np.ndarray, band: float = POLARITY_BAND) -> str:
        """'Yes.' or 'No.' when the head is confident either way, else '' (no opener)."""
        p = float(self.probability(vector)[0])
        return "Yes." if p >= 0.5 + band else "No." if p <= 0.5 - band else ""


def _stack(meta: object) -> Stack | None:
    if not isinstance(meta, dict):
        return None
    return Stack(float(meta["w_logit"]), float(meta["w_match"]), float(meta["bias"]), float(meta["threshold"]))


def _scope_model(meta: dict[str, Any]) -> ScopeModel:
    return ScopeModel(
        version=str(meta["version"]),
        weights=np.asarray(meta["weights"], dtype=np.float32),
        bias=float(meta["bias"]),
        threshold=float(meta["threshold"]),
        embedding=str(meta["embedding"]),
        opening_buckets=int(meta.get("opening_buckets", 0)),
        stack=_stack(meta.get("stack")),
    )


def _well_shaped(model: ScopeModel, _meta: dict[str, Any]) -> bool:
    """One weight per input: a vector, longer than the opening-word block when there is one."""
    return model.weights.ndim == 1 and not (
        model.opening_buckets and model.weights.shape[0] <= 2 * model.opening_buckets
    )


def load_scope(path: Path = SCOPE_PATH) -> ScopeModel:
    """Load a trained question head; a missing or broken file is one actionable ConfigError."""
    return load_head(path, _scope_model, what="question model", rebuild="make train-scope", valid=_well_shaped)


@cache
def _shipped(path: Path) -> ScopeModel:
    """A shipped head, loaded on first use (never at import) and kept."""
    return load_scope(path)


def get_scope() -> ScopeModel:
    """The shipped scope model."""
    return _shipped(SCOPE_PATH)


def get_polarity() -> ScopeModel:
    """The shipped yes/no head."""
    return _shipped(POLARITY_PATH)


def get_meaning() -> ScopeModel:
    """The shipped "asks what a term means" head."""
    return _shipped(MEANING_PATH)


def get_yesno() -> ScopeModel:
    """The shipped "is a yes/no question" head."""
    return _shipped(YESNO_PATH)


def get_howto() -> ScopeModel:
    """The shipped "asks what to do" head."""
    return _shipped(HOWTO_PATH)
