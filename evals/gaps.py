"""Gap-detection evals: labelled answers, scripted interview personas, one-shot assessments."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge import DIMENSION_IDS
from bot.models import Report, Statement
from bot.service import Coach

CASES = Path(__file__).resolve().parent / "cases"
MAX_TURNS = 60
NOTHING_MORE = "I've nothing more to add on that."


@dataclass
class Outcome:
    """Expected vs predicted statuses and severities for one case."""

    case_id: str
    kind: str
    expected: dict[str, str]
    predicted: dict[str, str]
    expected_severity: dict[str, str] = field(default_factory=dict)
    predicted_severity: dict[str, str] = field(default_factory=dict)
    expected_agentic: bool | None = None
    predicted_agentic: bool | None = None
    healthy: bool = False
    turns: int = 0
    complete: bool = True
    transcript: list[tuple[str, str]] = field(default_factory=list)


def load_yaml_dir(folder: Path) -> list[dict[str, Any]]:
    """Every YAML case file in a folder, sorted by name."""
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]


def _from_report(report: Report) -> tuple[dict[str, str], dict[str, str]]:
    status = {d.id: d.status for d in report.dimensions}
    severity = {d.id: d.severity for d in report.dimensions if d.severity}
    return status, severity  # type: ignore[return-value]


def run_answers(coach: Coach, path: Path | None = None) -> list[Outcome]:
    """Judge each labelled answer alone, as the direct answer to its dimension's question (the first
    the interview asks: a reader trained on pairs reads the answer with it, as in an interview)."""
    cases = yaml.safe_load((path or CASES / "answers.yaml").read_text(encoding="utf-8"))
    out = []
    for case in cases:
        dim = coach.rubric.dimension(case["dimension"])
        j = coach.engine.judge(dim, [Statement(text=case["text"], topic=dim.id, question_id=dim.questions[0].id)])
        sev = {dim.id: case["severity"]} if case.get("severity") else {}
        out.append(
            Outcome(
                case["id"],
                "answer",
                {dim.id: case["status"]},
                {dim.id: j.status},
                sev,
                {dim.id: j.severity} if j.severity else {},
            )
        )
    return out


def _persona_reply(persona: dict[str, Any], topic: str, qid: str, used: Counter[str]) -> str:
    if topic == "intro":
        key = f"intro:{qid}"
        used[key] += 1
        text = (persona.get("intro") or {}).get(qid)
        return text if text and used[key] == 1 else NOTHING_MORE
    answers = (persona.get("answers") or {}).get(topic) or []
    i = used[topic]
    used[topic] += 1
    return answers[i] if i < len(answers) else NOTHING_MORE


def run_persona(coach: Coach, persona: dict[str, Any]) -> Outcome:
    """Play one scripted persona through a whole interview and read the final report."""
    turn = coach.start_session(owner="eval", channel="cli", pilot_name=persona.get("pilot_name"))
    used: Counter[str] = Counter()
    transcript = [("coach", turn.reply)]
    turns = 0
    while not turn.done and turns < MAX_TURNS:
        text = _persona_reply(persona, turn.topic, turn.question_id, used)
        transcript.append(("team", text))
        turn = coach.send_message(turn.session_id, text, author=persona["id"])
        transcript.append(("coach", turn.reply))
        turns += 1
    report = coach.report(turn.session_id)
    status, severity = _from_report(report)
    exp = persona["expected"]
    return Outcome(
        persona["id"],
        "persona",
        exp["status"],
        status,
        exp.get("severity") or {},
        severity,
        exp.get("agentic"),
        report.agentic,
        healthy=persona.get("style") == "healthy-control",
        turns=turns,
        complete=turn.done,
        transcript=transcript,
    )


def run_personas(coach: Coach, folder: Path | None = None) -> list[Outcome]:
    """Every persona in the folder."""
    return [run_persona(coach, p) for p in load_yaml_dir(folder or CASES / "personas")]


def run_assessments(coach: Coach, folder: Path | None = None) -> list[Outcome]:
    """One-shot assessments of free-text pilot descriptions."""
    out = []
    for case in load_yaml_dir(folder or CASES / "assessments"):
        report = coach.assess_text(case["text"], pilot_name=case.get("title"))
        status, severity = _from_report(report)
        exp = case["expected"]
        healthy = all(v == "ready" for v in exp["status"].values())
        out.append(
            Outcome(
                case["id"],
                "assessment",
                exp["status"],
                status,
                exp.get("severity") or {},
                severity,
                exp.get("agentic"),
                report.agentic,
                healthy=healthy,
            )
        )
    return out


def gap_metrics(outcomes: list[Outcome]) -> dict[str, Any]:
    """Gap precision, recall and F1 (overall and per dimension), accuracy, severity accuracy."""
    per: dict[str, Counter[str]] = {d: Counter() for d in DIMENSION_IDS}
    sev_ok = sev_n = status_ok = status_n = false_crit = 0
    for o in outcomes:
        for dim, exp in o.expected.items():
            pred = o.predicted.get(dim, "unknown")
            c = per[dim]
            c["tp"] += exp == "gap" and pred == "gap"
            c["fp"] += exp != "gap" and pred == "gap"
            c["fn"] += exp == "gap" and pred != "gap"
            status_ok += exp == pred
            status_n += 1
            if exp == "gap" and pred == "gap" and dim in o.expected_severity:
                sev_n += 1
                sev_ok += o.expected_severity[dim] == o.predicted_severity.get(dim)
            if o.healthy and o.predicted_severity.get(dim) == "critical":
                false_crit += 1
    total = sum((c for c in per.values()), Counter())
    result = {"overall": _prf(total), "per_dimension": {d: _prf(c) for d, c in per.items()}}
    result["status_accuracy"] = round(status_ok / status_n, 3) if status_n else 0.0
    result["severity_accuracy"] = round(sev_ok / sev_n, 3) if sev_n else 1.0
    result["false_critical_on_healthy"] = false_crit
    agentic = [o for o in outcomes if o.expected_agentic is not None]
    if agentic:
        hits = sum(o.expected_agentic == o.predicted_agentic for o in agentic)
        result["agentic_accuracy"] = round(hits / len(agentic), 3)
    done = [o for o in outcomes if o.kind == "persona"]
    if done:
        result["completion_rate"] = round(sum(o.complete for o in done) / len(done), 3)
        result["mean_turns"] = round(sum(o.turns for o in done) / len(done), 1)
    return result


def _prf(c: Counter[str]) -> dict[str, float]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": tp + fn}


def misses(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Every dimension where prediction and label disagree, for the report."""
    rows = []
    for o in outcomes:
        for dim, exp in o.expected.items():
            pred = o.predicted.get(dim, "unknown")
            if exp != pred:
                rows.append(
                    {
                        "case": o.case_id,
                        "kind": o.kind,
                        "dimension": dim,
                        "expected": exp,
                        "predicted": pred,
                    }
                )
    return rows
