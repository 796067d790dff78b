"""Re-fit the rubric's reading policy for the shipped reader on the in-sample eval sets only.

A build-time tool, like training/train_reader.py: it reads the model in bot/assets/reader once,
then scores a grid of `reading:` policies (rubric.yaml) on evals/cases answers and assessments
(and, with --interview, the scripted personas). The frozen split and the probes play no part in
the fit; `--probe` only reports a dev probe's figures for the chosen policy.

    PYTHONPATH=$PWD .venv/bin/python -m training.fit_reading --grid gap_min=0.4,0.5 gap_share=0.7,1.0
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.engine.offline import OfflineEngine
from bot.knowledge import ReadingPolicy
from bot.memo import Memo
from bot.service import Coach
from evals import frozen, gaps
from evals.context import EvalContext
from evals.probe_interviews import probe_metrics

THRESHOLDS = Path(__file__).resolve().parent.parent / "evals" / "thresholds.yaml"


def set_policy(coach: Coach, policy: ReadingPolicy) -> None:
    """Judge with this policy from now on (and forget judgements made under the last one).

    The coach, its interview and its offline engine share one rubric object."""
    coach.rubric.reading = policy
    engine = coach.engine
    if isinstance(engine, OfflineEngine):
        engine._judged = Memo(engine._judged.size)


def flat(prefix: str, metrics: dict[str, Any]) -> dict[str, Any]:
    """Nested metrics as the dotted paths evals/thresholds.yaml uses."""
    out: dict[str, Any] = {}
    for key, value in metrics.items():
        if isinstance(value, dict):
            out |= flat(f"{prefix}.{key}", value)
        else:
            out[f"{prefix}.{key}"] = value
    return out


def misses(row: dict[str, Any], bounds: dict[str, dict[str, float]]) -> list[str]:
    """The gate's bounds on these sets that the row does not meet (bounds on other suites are skipped)."""
    low = [k for k, v in bounds.get("min", {}).items() if k in row and row[k] < v]
    return low + [k for k, v in bounds.get("max", {}).items() if k in row and row[k] > v]


def score(coach: Coach, interview: bool) -> dict[str, Any]:
    """In-sample figures for the coach's current policy, under the gate's metric names."""
    out = flat("answers.coach", gaps.gap_metrics(gaps.run_answers(coach)))
    out |= flat("assessments.coach", gaps.gap_metrics(gaps.run_assessments(coach)))
    if interview:
        out |= flat("interview.coach", gaps.gap_metrics(gaps.run_personas(coach)))
    f1 = [v for k, v in out.items() if k.endswith(".overall.f1")]
    out["mean_f1"] = round(sum(f1) / len(f1), 4)
    return out


def grid(specs: list[str], base: ReadingPolicy) -> list[ReadingPolicy]:
    """Every combination of `field=v1,v2` values over the base policy."""
    fields = [(s.split("=")[0], [float(v) for v in s.split("=")[1].split(",")]) for s in specs]
    names = [f for f, _ in fields]
    return [
        base.model_copy(update=dict(zip(names, combo, strict=True)))
        for combo in itertools.product(*(v for _, v in fields))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", nargs="*", default=[], help="field=v1,v2 ... (fields of ReadingPolicy)")
    parser.add_argument("--interview", action="store_true", help="also run the scripted personas (slow)")
    parser.add_argument("--probe", nargs="*", default=[], help="dev probe folders to report for each policy")
    parser.add_argument("--interview-probe", nargs="*", default=[], help="dev interview probe folders to report")
    parser.add_argument("--out", type=Path, help="write every row as JSON lines here")
    args = parser.parse_args()
    ctx = EvalContext(Settings())
    coach = ctx.coach()
    base = coach.rubric.reading
    bounds = yaml.safe_load(THRESHOLDS.read_text(encoding="utf-8"))
    rows = []
    for policy in grid(args.grid, base):
        set_policy(coach, policy)
        row: dict[str, Any] = {"policy": policy.model_dump()} | score(coach, args.interview)
        row["gate_misses"] = misses(row, bounds)
        for folder in args.probe:
            metrics = frozen.writeup_metrics(frozen.writeup_rows(coach, Path(folder)))
            row |= {f"{Path(folder).name}.{k}": v for k, v in metrics.items()}
        for folder in args.interview_probe:
            found = probe_metrics(gaps.run_personas(coach, Path(folder)))
            row |= {f"{Path(folder).name}.{k}": v for k, v in found.items() if not isinstance(v, list)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
