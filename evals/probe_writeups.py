"""Measure a folder of labelled write-ups (a held-out probe): `python -m evals.probe_writeups DIR [--json OUT]`.

Each write-up is assessed one-shot, as the frozen suite does (`evals.frozen`), and the figures the
probe READMEs quote are printed with their counts: gap recall and precision, areas in place
recognised, pilots with a false critical, agentic, lead quote, severity; then every miss by case.
The probe folders under training/data/probes/ are never tuned on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals import frozen
from evals.context import EvalContext
from evals.probe_cli import arguments, eval_context, figure_lines, miss_lines, write_json

LABELS = {
    "gap_recall": "gap recall",
    "gap_precision": "gap precision",
    "ready": "in place recognised",
    "no_false_critical": "pilots with a false critical",
    "agentic": "agentic",
    "lead": "lead quote right",
    "severity": "severity (gaps found)",
}


def measure(ctx: EvalContext, folder: Path) -> dict[str, Any]:
    """Assess every write-up in the folder; figures, tallies, misses and rows."""
    rows = frozen.writeup_rows(ctx.coach(), folder)
    return {"folder": str(folder), "rows": rows, "tallies": frozen.writeup_tallies(rows)}


def render(result: dict[str, Any]) -> str:
    """The figures, then the misses under each figure."""
    t = result["tallies"]
    crit = t["no_false_critical"]
    shown = {LABELS[k]: f"{len(crit.misses)} of {crit.n}" if k == "no_false_critical" else t[k] for k in LABELS}
    head = f"write-up probe {result['folder']}: {len(result['rows'])} write-ups"
    misses = miss_lines({LABELS[k]: t[k] for k in LABELS})
    return "\n".join([head, *figure_lines(shown), *misses])


def main(argv: Sequence[str] | None = None) -> None:
    """Run the probe folder given on the command line; print its figures and misses."""
    args = arguments("evals.probe_writeups", __doc__ or "", argv)
    with eval_context() as ctx:
        result = measure(ctx, args.folder)
    print(render(result))
    rows = result["rows"]
    write_json(
        args.json,
        {
            "folder": result["folder"],
            "metrics": frozen.writeup_metrics(rows),
            "misses": {k: t.misses for k, t in result["tallies"].items()},
            "status_misses": frozen.writeup_misses(rows),
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
