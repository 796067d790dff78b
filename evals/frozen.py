"""The frozen split: whole write-ups and single clauses that no choice is ever tuned on.

Write-ups (training/data/frozen/writeups/) are assessed one-shot and scored on the reader
issue's measures; clauses and paraphrase pairs (training/data/frozen/*.jsonl) score the reader
itself. Its figures are the ones to quote; nothing is ever folded into it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.service import Coach
from evals import gaps
from evals.metrics import rate

if TYPE_CHECKING:
    from bot.reading.reader import Reader

FROZEN = Path(__file__).resolve().parent.parent / "training" / "data" / "frozen"
HEADS = ("area", "status", "autonomy")


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("…", " ").split())


def _lead_ok(quote: str, expected: list[str]) -> bool:
    """The lead quote is the clause the label points at: it contains, or sits inside, an expected snippet."""
    q = _norm(quote)
    return any(_norm(e) in q or (len(q) >= 20 and q in _norm(e)) for e in expected)


def writeup_rows(coach: Coach, folder: Path | None = None) -> list[dict[str, Any]]:
    """Assess every frozen write-up; one row per case with expected and predicted per area."""
    rows = []
    for case in gaps.load_yaml_dir(folder or FROZEN / "writeups"):
        report = coach.assess_text(case["text"], pilot_name=case.get("title"))
        exp = case["expected"]
        rows.append(
            {
                "case": case["id"],
                "expected": exp["status"],
                "severity": exp.get("severity") or {},
                "evidence": exp.get("evidence") or {},
                "agentic": exp.get("agentic"),
                "predicted": {d.id: d.status for d in report.dimensions},
                "predicted_severity": {d.id: d.severity for d in report.dimensions if d.severity},
                "lead": {d.id: d.evidence[0].quote for d in report.dimensions if d.evidence},
                "predicted_agentic": report.agentic,
            }
        )
    return rows


def writeup_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Gap recall and precision, in-place recognition, false criticals, agentic, lead evidence."""
    tp = fp = fn = ready_n = ready_ok = lead_n = lead_ok = sev_n = sev_ok = 0
    false_critical_cases = 0
    for r in rows:
        healthy = all(v == "ready" for v in r["expected"].values())
        bad = False
        for dim, exp in r["expected"].items():
            pred = r["predicted"].get(dim, "unknown")
            tp += exp == "gap" and pred == "gap"
            fp += exp != "gap" and pred == "gap"
            fn += exp == "gap" and pred != "gap"
            if exp == "ready":
                ready_n += 1
                ready_ok += pred == "ready"
            critical = r["predicted_severity"].get(dim) == "critical"
            bad = bad or (critical and (exp == "ready" or healthy))
            if exp == "gap" and pred == "gap" and dim in r["severity"]:
                sev_n += 1
                sev_ok += r["severity"][dim] == r["predicted_severity"].get(dim)
            if exp == pred and exp in ("gap", "ready") and r["evidence"].get(dim) and dim in r["lead"]:
                lead_n += 1
                lead_ok += _lead_ok(r["lead"][dim], r["evidence"][dim])
        false_critical_cases += bad
    precision, recall = rate(tp, tp + fp, empty=1.0), rate(tp, tp + fn, empty=1.0)
    agentic = [r for r in rows if r["agentic"] is not None]
    return {
        "cases": len(rows),
        "gap_recall": recall,
        "gap_precision": precision,
        "gap_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "ready_recognised": rate(ready_ok, ready_n, empty=1.0),
        "false_critical_cases": false_critical_cases,
        "agentic_accuracy": rate(sum(r["agentic"] == r["predicted_agentic"] for r in agentic), len(agentic)),
        "lead_evidence_right": rate(lead_ok, lead_n, empty=1.0),
        "severity_accuracy": rate(sev_ok, sev_n, empty=1.0),
    }


def writeup_misses(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every area where prediction and label disagree."""
    return [
        {"case": r["case"], "dimension": d, "expected": e, "predicted": r["predicted"].get(d, "unknown")}
        for r in rows
        for d, e in r["expected"].items()
        if r["predicted"].get(d, "unknown") != e
    ]


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """JSON Lines, blank lines skipped."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def clause_metrics(reader: Reader, folder: Path | None = None) -> dict[str, Any]:
    """Per-head accuracy on the frozen clauses, and label agreement on the paraphrase pairs."""
    folder = folder or FROZEN
    rows = load_jsonl(folder / "clauses.jsonl")
    readings = reader.read([r["text"] for r in rows])
    out: dict[str, Any] = {"clauses": len(rows)}
    for head in HEADS:
        out[f"{head}_accuracy"] = rate(
            sum(x.best(head) == r[head] for x, r in zip(readings, rows, strict=True)), len(rows)
        )
    real = [(x, r) for x, r in zip(readings, rows, strict=True) if r["area"] != "none"]
    out["status_accuracy_in_area"] = rate(sum(x.best("status") == r["status"] for x, r in real), len(real))
    pairs = load_jsonl(folder / "paraphrases.jsonl")
    a = reader.read([p["a"] for p in pairs])
    b = reader.read([p["b"] for p in pairs])
    same = [all(x.best(h) == y.best(h) for h in HEADS) for x, y in zip(a, b, strict=True)]
    out["paraphrase_pairs"] = len(pairs)
    out["paraphrase_same_label"] = rate(sum(same), len(pairs))
    out["paraphrase_same_status"] = rate(
        sum(x.best("status") == y.best("status") for x, y in zip(a, b, strict=True)), len(pairs)
    )
    return out
