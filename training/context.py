"""Questions as context for training the reader: most labelled clauses come without one.

An interview answer is read with the question it answers (bot/reading/reader.py reads the pair
"[CLS] question [SEP] clause [SEP]"); a write-up's clause is read alone. So each epoch a share of
the clauses is paired with a rubric question: mostly one of the clause's own area, sometimes
another area's (an aside keeps its own area), and a line not about the pilot with any question;
their labels do not change. Context-only lines (a bare "None." or "Not yet.") mean nothing alone:
they are only ever trained with a question, and take that question's area, with the status
`round7/questions.jsonl` gives a bare negative answer to it (gap, or skipped where "No." would
not be a gap), or `unsure` when the line hedges.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge import load_rubric
from training.corpus import DATA, ROOT

RUBRIC = ROOT / "knowledge" / "rubric.yaml"
BARE = DATA / "candidates" / "round7" / "questions.jsonl"
OTHER_AREA = 0.15  # share of paired clauses given another area's question (labels unchanged)
OTHER_MIN_WORDS = 6  # shorter clauses lean on the question, so they only get their own area's
BARE_DRAWS = 3  # questions drawn per context-only line per epoch


@dataclass
class Questions:
    """The rubric's questions (asks and follow-ups) by the area they feed, and which a bare "no" makes a gap."""

    by_area: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)  # intro questions that feed no area
    bare_gap: list[tuple[str, str]] = field(default_factory=list)  # (area, question)

    @property
    def every(self) -> list[str]:
        return [q for qs in self.by_area.values() for q in qs] + self.general


def load_questions(rubric: Path = RUBRIC, bare: Path = BARE) -> Questions:
    """Every question of the rubric, grouped by area; the intro `autonomy` question feeds `agentic`."""
    labels = {(r["id"], r["n"]): r["bare"] for r in map(json.loads, bare.read_text().splitlines()) if r}
    out = Questions()
    spec = load_rubric(rubric)
    asks = [(q.id, q.feeds or ("agentic" if q.id == "autonomy" else ""), [q.ask, *q.follow_ups]) for q in spec.intro]
    asks += [(q.id, d.id, [q.ask, *q.follow_ups]) for d in spec.dimensions for q in d.questions]
    for qid, area, texts in asks:
        if qid == "name":
            continue
        (out.by_area.setdefault(area, []) if area else out.general).extend(texts)
        out.bare_gap += [(area, t) for n, t in enumerate(texts) if labels.get((qid, n)) == "gap"]
    return out


@dataclass(frozen=True)
class Mix:
    """How paired clauses draw their question: `other` of those with `min_words` or more get another
    area's question (their labels unchanged), so the clause, not the question, decides its area."""

    other: float = OTHER_AREA
    min_words: int = OTHER_MIN_WORDS


def question_for(row: dict, qs: Questions, rng: random.Random, mix: Mix = Mix()) -> str:
    """A question to read the clause with, its labels unchanged."""
    area = row["area"]
    if area not in qs.by_area or (area == "agentic" and rng.random() < 0.5):
        return rng.choice(qs.every)
    if len(row["text"].split()) >= mix.min_words and rng.random() < mix.other:
        return rng.choice([q for a, q2 in qs.by_area.items() if a != area for q in q2])
    return rng.choice(qs.by_area[area])


def bare_rows(row: dict, qs: Questions, rng: random.Random) -> list[dict]:
    """A context-only line answering drawn questions: the question's area, a gap or `unsure`."""
    out = []
    for _ in range(BARE_DRAWS):
        if row["status"] == "unsure":
            area = rng.choice([a for a in qs.by_area if a != "agentic"])
            question = rng.choice(qs.by_area[area])
        else:
            area, question = rng.choice(qs.bare_gap)
        out.append({**row, "area": area, "question": question, "pair": None})
    return out


def with_questions(
    rows: list[dict], bare: list[dict], qs: Questions, p: float, rng: random.Random, mix: Mix = Mix()
) -> list[dict]:
    """One epoch's rows: a share `p` paired with a question, plus the context-only lines with theirs."""
    out = [{**r, "question": question_for(r, qs, rng, mix)} if rng.random() < p else r for r in rows]
    return out + [x for r in bare for x in bare_rows(r, qs, rng)]
