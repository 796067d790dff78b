"""The unit-kind head: is a passage a definition, advice, a problem or a story? And how well does
each kind answer the question type asked (the fit policy shipped with it)?

Trained by training/train_unitkind.py (`make train-scope`) on labelled sentences; the product loads
the plain weights in bot/assets/scope/unitkind.json with numpy, on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.reading.heads import load_head
from bot.reading.scope import HEADS

UNITKIND_PATH = HEADS / "unitkind.json"


@dataclass(frozen=True)
class UnitKinds:
    """One-vs-rest weights per kind, and the policy: question type -> weight per kind."""

    version: str
    kinds: tuple[str, ...]
    weights: np.ndarray  # kinds x dims
    biases: np.ndarray
    fit: dict[str, dict[str, float]]

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(kind) per row of L2-normalised text vectors (the binary heads' scores, normalised)."""
        p = 1.0 / (1.0 + np.exp(-(np.atleast_2d(vectors) @ self.weights.T + self.biases)))
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def kind(self, vector: np.ndarray) -> str:
        """The most likely kind of one text."""
        return self.kinds[int(np.argmax(self.probabilities(vector)[0]))]

    def answer_fit(self, asks: str, vectors: np.ndarray) -> np.ndarray:
        """How well each text answers a question of type `asks`: its kind probabilities weighed by
        the policy (0 for a question type the policy doesn't name)."""
        table = self.fit.get(asks, {})
        policy = np.array([table.get(k, 0.0) for k in self.kinds])
        return np.asarray(self.probabilities(vectors) @ policy)


def _unitkinds(meta: dict[str, Any]) -> UnitKinds:
    return UnitKinds(
        version=str(meta["version"]),
        kinds=tuple(str(k) for k in meta["kinds"]),
        weights=np.asarray(meta["weights"], dtype=np.float32),
        biases=np.asarray(meta["biases"], dtype=np.float32),
        fit={str(q): {str(k): float(w) for k, w in row.items()} for q, row in meta["fit"].items()},
    )


def _one_row_per_kind(model: UnitKinds, _meta: dict[str, Any]) -> bool:
    return model.weights.ndim == 2 and model.weights.shape[0] == len(model.kinds) == model.biases.shape[0]


def load_unitkinds(path: Path = UNITKIND_PATH) -> UnitKinds:
    """Load the trained head; a missing or broken file is one actionable ConfigError."""
    return load_head(path, _unitkinds, what="passage-kind model", rebuild="make train-scope", valid=_one_row_per_kind)


@cache
def get_unitkinds() -> UnitKinds:
    """The shipped unit-kind head, loaded on first use (never at import) and kept."""
    return load_unitkinds()
