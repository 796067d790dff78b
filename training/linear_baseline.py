"""Ablation: frozen MiniLM sentence embeddings plus a linear head per label, on the same data.

Runs in the product's venv (numpy and the coach's own embedder, no torch):
    .venv/bin/python -m training.linear_baseline
Prints per-head accuracy on the frozen clauses and paraphrase agreement, for evals/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.embeddings import get_embedder  # noqa: E402
from training.corpus import DATA, HEADS, load_jsonl, split  # noqa: E402


def fit_softmax(x: np.ndarray, y: np.ndarray, classes: int, steps: int = 400, l2: float = 1e-3) -> np.ndarray:
    """Multinomial logistic regression by full-batch gradient descent with Adam; returns weights."""
    xb = np.hstack([x, np.ones((len(x), 1), dtype=x.dtype)])
    w = np.zeros((xb.shape[1], classes))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    onehot = np.eye(classes)[y]
    for t in range(1, steps + 1):
        z = xb @ w
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        grad = xb.T @ (p - onehot) / len(x) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Arg-max class per row."""
    return (np.hstack([x, np.ones((len(x), 1), dtype=x.dtype)]) @ w).argmax(1)


def main() -> None:
    frozen_rows = load_jsonl([DATA / "frozen" / "clauses.jsonl"])
    frozen = {" ".join(r["text"].lower().split()) for r in frozen_rows}
    train_rows, _dev = split(load_jsonl(sorted((DATA / "train").glob("*.jsonl"))), frozen)
    pairs = [json.loads(x) for x in (DATA / "frozen" / "paraphrases.jsonl").read_text().splitlines() if x.strip()]
    embed = get_embedder().embed
    xt = embed([r["text"] for r in train_rows])
    xf = embed([r["text"] for r in frozen_rows])
    xa, xb = embed([p["a"] for p in pairs]), embed([p["b"] for p in pairs])
    out: dict[str, float] = {}
    same = np.ones(len(pairs), dtype=bool)
    for head, labels in HEADS.items():
        w = fit_softmax(xt, np.array([labels.index(r[head]) for r in train_rows]), len(labels))
        gold = np.array([labels.index(r[head]) for r in frozen_rows])
        out[f"{head}_accuracy"] = round(float((predict(w, xf) == gold).mean()), 3)
        same &= predict(w, xa) == predict(w, xb)
    out["paraphrase_same_label"] = round(float(same.mean()), 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
