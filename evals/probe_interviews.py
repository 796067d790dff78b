"""Measure whole scripted interviews in a folder (a held-out probe): `python -m evals.probe_interviews DIR`.

Prints one JSON object: gap recall and precision, in-place areas recognised, false critical gaps,
"not sure" areas reported as open questions, agentic accuracy, and answers to a full report
(median and max). The probe folders under training/data/probes/ are never tuned on.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from bot.config import get_settings
from evals.context import EvalContext
from evals.gaps import Outcome, run_personas


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


def main() -> None:
    """Run the probe folder given on the command line and print its figures."""
    folder = Path(sys.argv[1])
    coach = EvalContext(get_settings()).coach()
    print(json.dumps(probe_metrics(run_personas(coach, folder)), indent=2))


if __name__ == "__main__":
    main()
