"""Measure a folder of labelled questions (a held-out probe): `python -m evals.probe_answers DIR [--json OUT]`.

DIR holds `questions.yaml` in the answer-quality format (`questions` with id, question, key and
areas; `offtopic` with id, kind and question). Each question is asked of the offline coach and
judged as the answer_quality suite judges it (`evals.answer_quality`); printed: answered (not
declined), key idea, right area, on target (both), cited, readable, off-topic and near misses
declined, with counts, then every miss by case. The probe folders under training/data/probes/ are never tuned on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from evals import answer_quality
from evals.context import EvalContext
from evals.probe_cli import arguments, eval_context, figure_lines, miss_lines, write_json

CASES = "questions.yaml"
LABELS = {
    "answered": "answered",
    "key_idea": "key idea",
    "key_early": "key idea in the opening sentence",
    "right_area": "right area",
    "on_target": "on target (key idea and right area)",
    "cited": "cited",
    "readable": "readable (of answered)",
    "declined": "off-topic declined",
    "near_miss_declined": "near misses declined",
}


def measure(ctx: EvalContext, folder: Path) -> dict[str, Any]:
    """Ask every question and off-topic case in the folder; rows, declines and tallies."""
    cases = yaml.safe_load((folder / CASES).read_text(encoding="utf-8"))
    rows = [answer_quality.question_row(ctx.ask, c) for c in cases["questions"]]
    offtopic = answer_quality.declines(ctx.ask, cases.get("offtopic") or [])
    tallies = answer_quality.split_tallies(rows, offtopic)
    return {"folder": str(folder), "rows": rows, "offtopic": offtopic, "tallies": tallies}


def render(result: dict[str, Any]) -> str:
    """The figures, then each case that missed and what it missed."""
    figures = {label: result["tallies"][k] for k, label in LABELS.items()}
    head = f"answer probe {result['folder']}: {len(result['rows'])} questions, {len(result['offtopic'])} off-topic"
    cases = [f"  {m['case']}: {m['problem']}" for m in answer_quality.case_misses(result["rows"], result["offtopic"])]
    misses = ["", f"cases that missed ({len(cases)}):", *cases] if cases else []
    unreadable = miss_lines({"readable": result["tallies"]["readable"]})
    return "\n".join([head, *figure_lines(figures), *misses, *unreadable])


def main(argv: Sequence[str] | None = None) -> None:
    """Run the probe folder given on the command line; print its figures and misses."""
    args = arguments("evals.probe_answers", __doc__ or "", argv)
    if not (args.folder / CASES).is_file():
        raise SystemExit(f"error: {args.folder} has no {CASES}")
    with eval_context() as ctx:
        result = measure(ctx, args.folder)
    print(render(result))
    rows, offtopic = result["rows"], result["offtopic"]
    write_json(
        args.json,
        {
            "folder": result["folder"],
            "metrics": answer_quality.split_metrics(rows, offtopic),
            "misses": answer_quality.case_misses(rows, offtopic),
            "rows": rows,
            "offtopic": offtopic,
        },
    )


if __name__ == "__main__":
    main()
