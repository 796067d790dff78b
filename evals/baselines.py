"""A keyword baseline for gap detection, reported beside the coach.

Naive on purpose: a dimension is a gap when its answer contains any negation word, ready
otherwise, unknown when there is no answer. If the coach cannot beat this, it is not
reading the answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge import DIMENSION_IDS, Rubric
from evals.gaps import CASES, Outcome, load_yaml_dir

NEGATION_WORDS = re.compile(
    r"\b(?:no|not|none|nobody|never|nothing|without|missing|cannot|can't|won't|isn't|aren't|"
    r"wasn't|don't|doesn't|didn't|haven't|hasn't)\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def keyword_status(answer: str) -> str:
    """gap if the answer has a negation word, ready otherwise, unknown when empty."""
    if not answer.strip():
        return "unknown"
    return "gap" if NEGATION_WORDS.search(answer) else "ready"


def _outcome(case_id: str, kind: str, answers: dict[str, str], expected: dict[str, Any], rubric: Rubric) -> Outcome:
    predicted = {dim: keyword_status(answers.get(dim, "")) for dim in expected["status"]}
    severity: dict[str, str] = {dim: rubric.dimension(dim).base_severity for dim, s in predicted.items() if s == "gap"}
    healthy = all(v == "ready" for v in expected["status"].values())
    return Outcome(
        case_id,
        kind,
        expected["status"],
        predicted,
        expected.get("severity") or {},
        severity,
        healthy=healthy,
    )


def baseline_answers(rubric: Rubric, path: Path | None = None) -> list[Outcome]:
    """The baseline on the labelled answers file."""
    cases = yaml.safe_load((path or CASES / "answers.yaml").read_text(encoding="utf-8"))
    out = []
    for c in cases:
        expected = {"status": {c["dimension"]: c["status"]}}
        if c.get("severity"):
            expected["severity"] = {c["dimension"]: c["severity"]}
        out.append(_outcome(c["id"], "answer", {c["dimension"]: c["text"]}, expected, rubric))
    return out


def baseline_personas(rubric: Rubric, folder: Path | None = None) -> list[Outcome]:
    """The baseline on each persona's scripted answers, joined per dimension."""
    out = []
    for p in load_yaml_dir(folder or CASES / "personas"):
        answers = {dim: " ".join(p.get("answers", {}).get(dim) or []) for dim in DIMENSION_IDS}
        out.append(_outcome(p["id"], "persona", answers, p["expected"], rubric))
    return out


def dimension_text(text: str, keywords: list[str]) -> str:
    """The sentences of a document that mention any of a dimension's keywords."""
    kws = [k.lower() for k in keywords]
    picked = [s for s in _SENTENCE.split(text) if any(k in s.lower() for k in kws)]
    return " ".join(picked)


def baseline_assessments(rubric: Rubric, folder: Path | None = None) -> list[Outcome]:
    """The baseline on one-shot documents: each dimension reads its keyword sentences."""
    out = []
    for case in load_yaml_dir(folder or CASES / "assessments"):
        answers = {d.id: dimension_text(case["text"], d.signals.keywords) for d in rubric.dimensions}
        out.append(_outcome(case["id"], "assessment", answers, case["expected"], rubric))
    return out
