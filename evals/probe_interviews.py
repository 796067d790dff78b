"""Measure whole scripted interviews in a folder (a held-out probe): `python -m evals.probe_interviews DIR`.

Prints one JSON object: gap recall and precision, in-place areas recognised, false critical gaps,
"not sure" areas reported as open questions, agentic accuracy, and answers to a full report
(median and max). `--json OUT` also writes it with every interview's outcome; `--transcripts DIR`
writes each interview's transcript and outcome there (`<id>.md` to read, `<id>.json` in full).
The probe folders under training/data/probes/ are never tuned on.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.gaps import Outcome, run_personas
from evals.probe_cli import arguments, eval_context, write_json


def probe_metrics(outcomes: list[Outcome]) -> dict[str, Any]:
    """The issue-11 figures over whole interviews."""
    pairs = [(o, d, e, o.predicted.get(d, "unknown")) for o in outcomes for d, e in o.expected.items()]
    gaps = [(e, p) for _, _, e, p in pairs if e == "gap"]
    said_gap = [(e, p) for _, _, e, p in pairs if p == "gap"]
    ready = [p for _, _, e, p in pairs if e == "ready"]
    unknown = [p for _, _, e, p in pairs if e == "unknown"]
    false_critical = [
        f"{o.case_id}:{d}"
        for o in outcomes
        for d, sev in o.predicted_severity.items()
        if sev == "critical" and o.expected.get(d) != "gap"
    ]
    agentic = [o.expected_agentic == o.predicted_agentic for o in outcomes if o.expected_agentic is not None]
    turns = [o.turns for o in outcomes]

    def rate(hits: int, n: int) -> float | None:
        return round(hits / n, 3) if n else None

    return {
        "interviews": len(outcomes),
        "complete": sum(o.complete for o in outcomes),
        "gap_recall": rate(sum(p == "gap" for _, p in gaps), len(gaps)),
        "gap_precision": rate(sum(e == "gap" for e, _ in said_gap), len(said_gap)),
        "ready_recognised": rate(sum(p == "ready" for p in ready), len(ready)),
        "unknown_as_open_question": rate(sum(p == "unknown" for p in unknown), len(unknown)),
        "false_critical": false_critical,
        "agentic_accuracy": rate(sum(agentic), len(agentic)),
        "answers_median": statistics.median(turns) if turns else None,
        "answers_max": max(turns, default=None),
        "misread": [f"{o.case_id}:{d} expected {e} got {p}" for o, d, e, p in pairs if e != p],
    }


def transcript_text(outcome: Outcome) -> str:
    """One interview as markdown: the outcome per area, then every turn."""
    lines = [f"# {outcome.case_id}", "", f"complete: {outcome.complete}, answers: {outcome.turns}"]
    lines.append(f"agentic: expected {outcome.expected_agentic}, got {outcome.predicted_agentic}")
    lines += ["", "| area | expected | got | severity expected | severity got |", "|---|---|---|---|---|"]
    for dim, exp in outcome.expected.items():
        sev = (outcome.expected_severity.get(dim) or "", outcome.predicted_severity.get(dim) or "")
        lines.append(f"| {dim} | {exp} | {outcome.predicted.get(dim, 'unknown')} | {sev[0]} | {sev[1]} |")
    lines.append("")
    lines += [f"**{who}:** {text}\n" for who, text in outcome.transcript]
    return "\n".join(lines)


def write_transcripts(outcomes: list[Outcome], folder: Path) -> None:
    """`<id>.md` (outcome and transcript to read) and `<id>.json` (the whole outcome) per interview."""
    folder.mkdir(parents=True, exist_ok=True)
    for o in outcomes:
        (folder / f"{o.case_id}.md").write_text(transcript_text(o), encoding="utf-8")
        (folder / f"{o.case_id}.json").write_text(json.dumps(asdict(o), indent=1) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the probe folder given on the command line and print its figures."""
    args = arguments("evals.probe_interviews", __doc__ or "", argv, transcripts=True)
    with eval_context() as ctx:
        outcomes = run_personas(ctx.coach(), args.folder)
    metrics = probe_metrics(outcomes)
    print(json.dumps(metrics, indent=2))
    if args.transcripts:
        write_transcripts(outcomes, args.transcripts)
    write_json(args.json, {"folder": str(args.folder), "metrics": metrics, "outcomes": [asdict(o) for o in outcomes]})


if __name__ == "__main__":
    main()
