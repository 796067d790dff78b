"""Question heads: logistic regression over the local MiniLM question vector.

Trained by `make train-scope` (training/train_scope.py) on labelled questions; the product only
loads the plain weights in bot/assets/scope/:
- scope.json: is the question about getting an AI system from pilot to production?
- polarity.json: for a yes/no question, does the playbook's advice say yes?
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.errors import ConfigError

HEADS = Path(__file__).resolve().parent.parent / "assets" / "scope"
SCOPE_PATH = HEADS / "scope.json"
POLARITY_PATH = HEADS / "polarity.json"
POLARITY_BAND = 0.2  # say yes or no only when the head is at least this far from 0.5 (precise on dev)


@dataclass(frozen=True)
class ScopeModel:
    """Weights, bias and decision threshold of one trained head (scope or polarity), with its version."""

    version: str
    weights: np.ndarray
    bias: float
    threshold: float
    embedding: str

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        """P(in scope) for each row of L2-normalised question vectors."""
        logits = np.atleast_2d(vectors) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def in_scope(self, vector: np.ndarray) -> bool:
        """True when the question vector is about getting an AI system into production."""
        return bool(self.probability(vector)[0] >= self.threshold)

    def verdict(self, vector: np.ndarray, band: float = POLARITY_BAND) -> str:
        """'Yes.' or 'No.' when the head is confident either way, else '' (no opener)."""
        p = float(self.probability(vector)[0])
        return "Yes." if p >= 0.5 + band else "No." if p <= 0.5 - band else ""


def load_scope(path: Path = SCOPE_PATH) -> ScopeModel:
    """Load the trained head; a missing or broken file is one actionable ConfigError."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        weights = np.asarray(meta["weights"], dtype=np.float32)
        model = ScopeModel(
            version=str(meta["version"]),
            weights=weights,
            bias=float(meta["bias"]),
            threshold=float(meta["threshold"]),
            embedding=str(meta["embedding"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"The question model {path} is missing or broken: run `make train-scope`.") from exc
    if weights.ndim != 1:
        raise ConfigError(f"The question model {path} is malformed: run `make train-scope`.")
    return model


@lru_cache(maxsize=1)
def get_scope() -> ScopeModel:
    """The shipped scope model, loaded on first use (never at import)."""
    return load_scope()


@lru_cache(maxsize=1)
def get_polarity() -> ScopeModel:
    """The shipped yes/no head, loaded on first use (never at import)."""
    return load_scope(POLARITY_PATH)
