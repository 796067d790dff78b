"""Train the unit-kind head (`make train-scope`): what kind of passage a sentence or paragraph is.

Kinds: `define` (says what a term means), `advice` (what to do, what good looks like), `problem`
(what goes wrong, why, when it surfaces) and `story` (what one organisation did). Labelled data in
training/data/unitkind/:
- sections.tsv: the playbook's recurring sections and their kind; every quotable sentence (and the
  whole paragraph) of a listed section is a training row of that kind;
- train.tsv, dev.tsv: `kind<TAB>text`, hand-written in the styles of other documents (policies,
  runbooks, wikis), so the head carries over to a team's own documents;
- test.tsv: frozen, measured once after every choice, never tuned on.
One-vs-rest logistic regression over the MiniLM vector (training/train_scope.py's `fit`); the L2
strength is chosen by k-fold accuracy over everything but test. The answer-fit policy (which kinds
answer which question type, fit.tsv) is copied into the asset. Writes bot/assets/scope/unitkind.json.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np

from bot.chunking import split_sections
from bot.embeddings import MODEL_NAME, get_embedder
from bot.engine.compose import units
from bot.knowledge import iter_documents
from training.train_scope import FOLDS, L2_GRID, OUT, PLAYBOOK, SEED, fit

DATA = Path(__file__).resolve().parent / "data" / "unitkind"
KINDS = ("define", "advice", "problem", "story")


def _rows(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, text = line.split("\t", 1)
            out.append((kind.strip(), text.strip()))
    return out


def playbook_rows(folder: Path = PLAYBOOK) -> list[tuple[str, str]]:
    """Sentences and paragraphs of the playbook sections listed in sections.tsv, with their kind."""
    labels = {where: kind for kind, where in _rows(DATA / "sections.tsv")}
    out = []
    for doc in iter_documents(folder):
        for slug, _, text in split_sections(doc.body):
            kind = labels.get(f"{doc.source}#{slug}") or labels.get(slug) or labels.get(doc.source)
            if kind is None:
                continue
            for unit in units(text, 0):
                sentences = [s for s in unit.sentences if not s.startswith("- ")]
                out += [(kind, s) for s in sentences] + [(kind, unit.text)]
    return out


def _matrix(rows: list[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
    return [t for _, t in rows], np.array([KINDS.index(k) for k, _ in rows])


def fit_all(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray]:
    """One binary head per kind: (kinds x dims) weights and one bias per kind."""
    heads = [fit(x, (y == k).astype(np.float64), l2) for k in range(len(KINDS))]
    return np.stack([w for w, _ in heads]), np.array([b for _, b in heads])


def predict(x: np.ndarray, weights: np.ndarray, biases: np.ndarray) -> np.ndarray:
    """The most likely kind per row."""
    return np.argmax(x @ weights.T + biases, axis=1)


def choose_l2(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The L2 strength with the best k-fold accuracy, and that accuracy."""
    parts = np.array_split(np.random.default_rng(SEED).permutation(len(x)), FOLDS)
    best = (-1.0, L2_GRID[0])
    for l2 in L2_GRID:
        right = 0
        for held in parts:
            keep = np.setdiff1d(np.arange(len(x)), held)
            w, b = fit_all(x[keep], y[keep], l2)
            right += int((predict(x[held], w, b) == y[held]).sum())
        best = max(best, (right / len(x), l2))
    return best[1], best[0]


def fit_policy() -> dict[str, dict[str, float]]:
    """fit.tsv: question type -> kind -> weight (policy, as data)."""
    table: dict[str, dict[str, float]] = {}
    for asks, rest in _rows(DATA / "fit.tsv"):
        kind, weight = rest.split("\t")
        table.setdefault(asks, {})[kind.strip()] = float(weight)
    return table


def train(version: str) -> dict[str, object]:
    """Choose L2 by k-fold, fit on all but test, measure test once, write the asset."""
    embed = get_embedder().embed
    rows = playbook_rows() + _rows(DATA / "train.tsv") + _rows(DATA / "dev.tsv")
    texts, y = _matrix(rows)
    x = embed(texts).astype(np.float64)
    l2, cv = choose_l2(x, y)
    weights, biases = fit_all(x, y, l2)
    test_t, test_y = _matrix(_rows(DATA / "test.tsv"))
    test_acc = float((predict(embed(test_t).astype(np.float64), weights, biases) == test_y).mean())
    meta: dict[str, object] = {
        "version": f"unitkind-{version}",
        "embedding": MODEL_NAME,
        "kinds": list(KINDS),
        "l2": l2,
        "biases": [round(float(b), 6) for b in biases],
        "weights": [[round(float(v), 6) for v in row] for row in weights],
        "fit": fit_policy(),
        "train_rows": len(texts),
        "cv_accuracy": round(cv, 3),
        "test_accuracy": round(test_acc, 3),
        "test_rows": len(test_t),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "unitkind.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")
    print(f"{meta['version']}: l2={l2} rows={len(texts)} cv={cv:.3f} frozen test={test_acc:.3f}")
    return meta


def main() -> None:
    """Train and write bot/assets/scope/unitkind.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version", default=f"{date.today():%Y.%m}.1")
    train(parser.parse_args().version)


if __name__ == "__main__":
    main()
