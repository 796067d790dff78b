"""Derive the question wrapper words (`make train-scope`): the words a question wraps around a term.

"what's a RACI?", "define golden set", "what does HITL mean": the words around the term are grammar,
not topic, and which words those are is read off the question heads' labelled questions, not
listed by hand. From the train and dev splits only (the frozen test splits are never read):
- across topics: a word in at least `MIN_SHARE` of the in-scope questions and of the off-topic ones
  (training/data/scope/) whose shares differ by less than `LIFT` either way, so it says nothing
  about what a question is about ("how", "do", "the", "should"). The near misses share topic words
  on purpose ("pipeline", "governance"), but each only in a few questions, below `MIN_SHARE`;
- definition kind, regardless of topic: a word in at least `MIN_DEFINE` of the questions labelled
  `define` (training/data/qtype/) and `LIFT` times likelier in them than in the other kinds of
  question ("define", "mean"; not "pilot" or "agent", which every kind of question is about).
Writes bot/assets/scope/wrappers.json (the words, the thresholds and the counts behind them).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from datetime import date

from bot.engine.terms import stemmed_words
from training.train_scope import DATA, OUT

MIN_SHARE = 0.03  # of each side's questions
LIFT = 2.5  # a word this much likelier on one side is a topic word
MIN_DEFINE = 3  # define-kind questions a wrapper word occurs in (three terms at least)
SPLITS = ("train", "dev")


def labelled(folder: str) -> list[tuple[str, str]]:
    """(label, question) rows of the train and dev splits of one head's data."""
    rows = []
    for split in SPLITS:
        for line in (DATA / folder / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                label, text = line.split("\t", 1)
                rows.append((label.strip(), text.strip()))
    return rows


def shares(questions: Iterable[str]) -> tuple[Counter[str], int]:
    """In how many questions each word occurs, and how many questions there are."""
    counts: Counter[str] = Counter()
    total = 0
    for q in questions:
        counts.update(set(stemmed_words(q)))
        total += 1
    return counts, total


def derive(scope: list[tuple[str, str]], qtype: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The wrapper words by the rule in the module docstring, by the reason each was kept."""
    inside, n_in = shares(q for label, q in scope if label == "in")
    outside, n_out = shares(q for label, q in scope if label == "out")
    define, n_define = shares(q for label, q in qtype if label == "define")
    other, n_other = shares(q for label, q in qtype if label != "define")

    def lean(word: str, a: Counter[str], n_a: int, b: Counter[str], n_b: int) -> float:
        """Share among questions `a` over share among `b`, each smoothed by one question."""
        return ((a[word] + 1) / (n_a + 1)) / ((b[word] + 1) / (n_b + 1))

    neutral = {
        w
        for w in inside
        if inside[w] >= MIN_SHARE * n_in
        and outside[w] >= MIN_SHARE * n_out
        and 1 / LIFT < lean(w, inside, n_in, outside, n_out) < LIFT
    }
    defining = {
        w for w, c in define.items() if c >= MIN_DEFINE and lean(w, define, n_define, other, n_other) >= LIFT
    } - neutral
    return {"across_topics": sorted(neutral), "definition_kind": sorted(defining)}


def main() -> None:
    """Write bot/assets/scope/wrappers.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version", default=f"{date.today():%Y.%m}.1")
    args = parser.parse_args()
    scope, qtype = labelled("scope"), labelled("qtype")
    found = derive(scope, qtype)
    meta = {
        "version": f"wrappers-{args.version}",
        "rule": {"min_share": MIN_SHARE, "lift": LIFT, "min_define": MIN_DEFINE, "splits": list(SPLITS)},
        "questions": {"scope": len(scope), "qtype": len(qtype)},
        **found,
        "words": sorted({w for ws in found.values() for w in ws}),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "wrappers.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"{meta['version']}: {len(meta['words'])} words: {' '.join(meta['words'])}")


if __name__ == "__main__":
    main()
