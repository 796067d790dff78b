"""Answer quality: does an answer answer the question, read as one piece, cite the right area,
and are off-topic and near-miss questions declined? Cases in `cases/answer_quality/`: `dev.yaml`
(tuned on) and `frozen.yaml` (written before the change, never tuned on)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from typing import Any

from bot.models import GroundedAnswer
from evals.metrics import Tally
from evals.qa import cites, load_cases
from evals.readability import points_back_to_nothing, readability_problems

__all__ = ["readability_problems"]  # re-exported: callers judge answers the way this suite does

SPLITS = ("dev", "frozen")
# a key's last word shorter than this must be a whole word ("no" is not "not", "now" or "know");
# longer keys may be stems ("approv" matches "approval")
STEM_MIN = 4
Ask = Callable[[str], GroundedAnswer]
CHECKS = ("answered", "key_idea", "right_area", "readable")
_MARKERS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
OPENING_MIN_WORDS = 3  # a shorter first sentence ("Yes.") is a verdict: the opening is the sentence after it


def key_pattern(key: str) -> re.Pattern[str]:
    """A key idea as a pattern: it starts at a word start, its words may be split by any spacing,
    and a short last word must end there (a plural s allowed)."""
    words = key.lower().split()
    body = r"\s+".join(re.escape(w) for w in words)
    left = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    tail = re.search(r"\w+$", words[-1])
    right = r"s?(?!\w)" if tail and len(tail.group()) < STEM_MIN else ""
    return re.compile(left + body + right, re.I)


def key_found(text: str, keys: list[str]) -> bool:
    """Any one of the key ideas occurs in the text, matched on word boundaries."""
    return any(key_pattern(k).search(text) for k in keys)


def opening(text: str) -> str:
    """The answer's opening sentence, citation markers removed, past a one- or two-word verdict."""
    sentences = [s for s in _SENTENCE_END.split(_MARKERS.sub("", text).strip()) if s.strip()]
    return next((s for s in sentences if len(s.split()) >= OPENING_MIN_WORDS), "")


def answer_words(text: str) -> int:
    """Words in an answer, citation markers not counted."""
    return len(_MARKERS.sub("", text).split())


def _area_hit(answer: GroundedAnswer, areas: list[str]) -> bool:
    for item in areas:
        source, _, section = item.partition("#")
        if any(c.source == source and (not section or c.section == section) for c in answer.citations):
            return True
    return False


def question_row(ask: Ask, case: dict[str, Any]) -> dict[str, Any]:
    """Ask one in-scope question and judge the answer."""
    ans = ask(case["question"])
    answered = ans.in_scope
    problems = readability_problems(ans.answer) if answered else []
    return {
        "case": case["id"],
        "question": case["question"],
        "answered": answered,
        "key_idea": answered and key_found(ans.answer, case["key"]),
        "key_early": answered and key_found(opening(ans.answer), case["key"]),  # the direct answer comes first
        "right_area": answered and _area_hit(ans, case["areas"]),
        "cited": answered and cites(ans),
        "readable": answered and not problems,
        "problems": problems,
        "points_back": points_back_to_nothing(ans.answer) if answered else None,
        "answer": ans.answer,
        "citations": [f"{c.source}#{c.section}" for c in ans.citations],
    }


def declines(ask: Ask, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ask each off-topic case; whether it was declined, and the reply."""
    out = []
    for case in cases:
        ans = ask(case["question"])
        out.append({**case, "declined": not ans.in_scope, "answer": ans.answer})
    return out


def split_tallies(rows: list[dict[str, Any]], offtopic: list[dict[str, Any]]) -> dict[str, Tally]:
    """Hits and totals per measure (readable counts answered questions only), misses by case."""
    t = {
        k: Tally() for k in (*CHECKS, "key_early", "on_target", "cited", "declined", "near_miss_declined", "no_pointer")
    }
    for r in rows:
        for k in ("answered", "key_idea", "key_early", "right_area", "cited"):
            t[k].add(r[k], r["case"])
        # "answered" only means "not declined"; on target also carries the key idea from the right area
        t["on_target"].add(r["key_idea"] and r["right_area"], r["case"])
        if r["answered"]:
            t["readable"].add(r["readable"], f"{r['case']}: {'; '.join(r['problems'])}")
            t["no_pointer"].add(r["points_back"] is None, f"{r['case']}: points back to nothing: {r['points_back']!r}")
    for d in offtopic:
        t["declined"].add(d["declined"], f"{d['id']}: answered ({d['kind']})")
        if d["kind"] == "near-miss":
            t["near_miss_declined"].add(d["declined"], d["id"])
    return t


def split_metrics(rows: list[dict[str, Any]], offtopic: list[dict[str, Any]]) -> dict[str, Any]:
    """Rates over one split's questions and off-topic cases."""
    t = split_tallies(rows, offtopic)
    return {
        "questions": len(rows),
        "answered_rate": t["answered"].rate(),
        "key_idea_rate": t["key_idea"].rate(),
        "right_area_rate": t["right_area"].rate(),
        "citation_rate": t["cited"].rate(),
        "readable_rate": t["readable"].rate(),
        "no_pointer_rate": t["no_pointer"].rate(),  # reported, not gated (evals/README.md)
        "key_early_rate": t["key_early"].rate(),  # reported, not gated: a key idea in the opening sentence
        "median_words": _median([answer_words(r["answer"]) for r in rows if r["answered"]]),  # reported
        "offtopic": len(offtopic),
        "decline_rate": t["declined"].rate(),
        "near_miss_decline_rate": t["near_miss_declined"].rate(),
    }


def _median(values: list[int]) -> float:
    return float(statistics.median(values)) if values else 0.0


def case_misses(rows: list[dict[str, Any]], offtopic: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per question that missed a check and per off-topic question answered."""
    out = []
    for r in rows:
        wrong = [k for k in CHECKS if not r[k]]
        if wrong:
            out.append({**r, "problem": "missing: " + ", ".join(wrong)})
    out += [
        {"case": d["id"], "question": d["question"], "problem": f"answered ({d['kind']})"}
        for d in offtopic
        if not d["declined"]
    ]
    return out


def run(ask: Ask) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Metrics per split, and the misses of the splits that may be tuned on (never the frozen one)."""
    metrics: dict[str, Any] = {}
    misses: list[dict[str, Any]] = []
    for split in SPLITS:
        cases = load_cases(f"answer_quality/{split}.yaml")
        rows = [question_row(ask, c) for c in cases["questions"]]
        offtopic = declines(ask, cases["offtopic"])
        metrics[split] = split_metrics(rows, offtopic)
        if split == "frozen":  # held out: its figures are reported, its misses are not shown to tune on
            continue
        misses += [{"split": split, **m} for m in case_misses(rows, offtopic)]
    return metrics, misses
