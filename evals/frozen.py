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
from evals.metrics import Tally, rate

if TYPE_CHECKING:
    from bot.reading.reader import Reader

FROZEN = Path(__file__).resolve().parent.parent / "training" / "data" / "frozen"
HEADS = ("area", "status", "autonomy")
WRITEUP_MEASURES = ("gap_recall", "gap_precision", "ready", "no_false_critical", "agentic", "lead", "severity")


_EDGES = " .,;:!?\"'()[]-\u2018\u2019\u201c\u201d"  # punctuation a quote may start or end on


def _norm(text: str) -> str:
    """Lower case, one space between words, no punctuation at either end (a quote cut at its full
    stop still matches the snippet it was labelled with)."""
    return " ".join(text.lower().replace("…", " ").split()).strip(_EDGES)


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


def writeup_tallies(rows: list[dict[str, Any]]) -> dict[str, Tally]:
    """Hits, totals and per-case misses of every write-up measure (`writeup_metrics` rates them)."""
    t = {k: Tally() for k in WRITEUP_MEASURES}
    for r in rows:
        case, healthy, critical = r["case"], all(v == "ready" for v in r["expected"].values()), []
        for dim, exp in r["expected"].items():
            pred, where = r["predicted"].get(dim, "unknown"), f"{case} {dim}"
            if exp == "gap":
                t["gap_recall"].add(pred == "gap", f"{where}: gap read as {pred}")
            if pred == "gap":
                t["gap_precision"].add(exp == "gap", f"{where}: read as a gap, labelled {exp}")
            if exp == "ready":
                t["ready"].add(pred == "ready", f"{where}: in place, read as {pred}")
            if r["predicted_severity"].get(dim) == "critical" and (exp == "ready" or healthy):
                critical.append(dim)
            if exp == "gap" and pred == "gap" and dim in r["severity"]:
                got = r["predicted_severity"].get(dim)
                t["severity"].add(r["severity"][dim] == got, f"{where}: severity {got}, labelled {r['severity'][dim]}")
            if exp == pred and exp in ("gap", "ready") and r["evidence"].get(dim) and dim in r["lead"]:
                quote = r["lead"][dim]
                t["lead"].add(_lead_ok(quote, r["evidence"][dim]), f"{where}: lead quote {quote!r}")
        t["no_false_critical"].add(not critical, f"{case}: critical on in-place {', '.join(critical)}")
        if r["agentic"] is not None:
            said = r["predicted_agentic"]
            t["agentic"].add(r["agentic"] == said, f"{case}: agentic read as {said}, labelled {r['agentic']}")
    return t


def writeup_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Gap recall and precision, in-place recognition, false criticals, agentic, lead evidence."""
    t = writeup_tallies(rows)
    precision, recall = t["gap_precision"].rate(), t["gap_recall"].rate()
    return {
        "cases": len(rows),
        "gap_recall": recall,
        "gap_precision": precision,
        "gap_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "ready_recognised": t["ready"].rate(),
        "false_critical_cases": len(t["no_false_critical"].misses),
        "agentic_accuracy": t["agentic"].rate(),
        "lead_evidence_right": t["lead"].rate(),
        "severity_accuracy": t["severity"].rate(),
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
