"""Answer quality: does an answer answer the question, read as one piece, cite the right area,
and are off-topic and near-miss questions declined? Cases in `cases/answer_quality/`: `dev.yaml`
(tuned on) and `frozen.yaml` (written before the change, never tuned on)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.models import GroundedAnswer
from evals.metrics import rate
from evals.qa import cites, load_cases

SPLITS = ("dev", "frozen")
MIN_WORDS = 15
_MARK = re.compile(r"\[\d+\]")
_SENT = re.compile(r"(?<=[.!?:])\s+|\n+")
# an opener that leans on text the answer does not contain
_DANGLING = re.compile(
    r"^(?:this|that|these|those|they|it|its|such|second|third|fourth|fifth|finally|lastly|next|also|but|and|however)\b",
    re.I,
)
_QUOTED = re.compile(r"[\"“][^\"”]{3,}[\"”]")
Ask = Callable[[str], GroundedAnswer]


def readability_problems(text: str) -> list[str]:
    """What makes an answer unreadable on its own: too short, a dangling opener, a quoted
    phrase list, a promised list that never follows, 'Second,' without a 'First,'."""
    plain = _MARK.sub("", text)
    sentences = [s.strip(" -") for s in _SENT.split(plain) if s.strip(" -")]
    out = []
    if len(plain.split()) < MIN_WORDS:
        out.append(f"fewer than {MIN_WORDS} words")
    if sentences and _DANGLING.match(sentences[0]):
        out.append(f"dangling opener: {sentences[0][:40]!r}")
    if any(len(_QUOTED.findall(s)) >= 2 for s in sentences):
        out.append("quotes a phrase list")
    lines = [ln.strip() for ln in plain.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if line.endswith(":") and not (i + 1 < len(lines) and re.match(r"^(?:[-*]|\d+[.)])\s", lines[i + 1])):
            out.append("a promised list does not follow")
    if re.search(r"(?:^|[.!?]\s+)Second,", plain) and not re.search(r"\bFirst,", plain):
        out.append("'Second,' with no 'First,'")
    return out


def _area_hit(answer: GroundedAnswer, areas: list[str]) -> bool:
    for item in areas:
        source, _, section = item.partition("#")
        if any(c.source == source and (not section or c.section == section) for c in answer.citations):
            return True
    return False


def question_row(ask: Ask, case: dict[str, Any]) -> dict[str, Any]:
    """Ask one in-scope question and judge the answer."""
    ans = ask(case["question"])
    lower = ans.answer.lower()
    answered = ans.in_scope
    problems = readability_problems(ans.answer) if answered else []
    return {
        "case": case["id"],
        "question": case["question"],
        "answered": answered,
        "key_idea": answered and any(k.lower() in lower for k in case["key"]),
        "right_area": answered and _area_hit(ans, case["areas"]),
        "cited": answered and cites(ans),
        "readable": answered and not problems,
        "problems": problems,
        "answer": ans.answer,
        "citations": [f"{c.source}#{c.section}" for c in ans.citations],
    }


def split_metrics(rows: list[dict[str, Any]], declines: list[dict[str, Any]]) -> dict[str, Any]:
    """Rates over one split's questions and off-topic cases."""
    near = [d for d in declines if d["kind"] == "near-miss"]
    answered = [r for r in rows if r["answered"]]
    return {
        "questions": len(rows),
        "answered_rate": rate(len(answered), len(rows)),
        "key_idea_rate": rate(sum(r["key_idea"] for r in rows), len(rows)),
        "right_area_rate": rate(sum(r["right_area"] for r in rows), len(rows)),
        "citation_rate": rate(sum(r["cited"] for r in rows), len(rows)),
        "readable_rate": rate(sum(r["readable"] for r in answered), len(answered)),
        "offtopic": len(declines),
        "decline_rate": rate(sum(d["declined"] for d in declines), len(declines)),
        "near_miss_decline_rate": rate(sum(d["declined"] for d in near), len(near)),
    }


def run(ask: Ask) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Metrics per split, and the misses of the splits that may be tuned on (never the frozen one)."""
    metrics: dict[str, Any] = {}
    misses: list[dict[str, Any]] = []
    for split in SPLITS:
        cases = load_cases(f"answer_quality/{split}.yaml")
        rows = [question_row(ask, c) for c in cases["questions"]]
        declines = [{**c, "declined": not ask(c["question"]).in_scope} for c in cases["offtopic"]]
        metrics[split] = split_metrics(rows, declines)
        if split == "frozen":  # held out: its figures are reported, its misses are not shown to tune on
            continue
        for r in rows:
            wrong = [k for k in ("answered", "key_idea", "right_area", "readable") if not r[k]]
            if wrong:
                misses.append({"split": split, **r, "problem": "missing: " + ", ".join(wrong)})
        misses += [
            {"split": split, "case": d["id"], "question": d["question"], "problem": f"answered ({d['kind']})"}
            for d in declines
            if not d["declined"]
        ]
    return metrics, misses
