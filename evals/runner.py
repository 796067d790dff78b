"""Run eval suites N times on one coach, flatten their metrics and check the thresholds."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.errors import InvalidInput
from evals.context import Engine, EvalContext
from evals.metrics import combine_runs, flatten
from evals.suites import OFFLINE, SUITES, SuiteResult
from evals.thresholds import check, load_thresholds

ALIASES = {"offline": OFFLINE, "all": tuple(SUITES)}
Progress = Callable[[str], None]


def resolve_suites(names: Sequence[str]) -> list[str]:
    """Expand aliases (offline, all) and check names; order follows SUITES, no repeats."""
    wanted: set[str] = set()
    for name in names or ["offline"]:
        if name in ALIASES:
            wanted.update(ALIASES[name])
        elif name in SUITES:
            wanted.add(name)
        else:
            choices = ", ".join([*SUITES, *ALIASES])
            raise InvalidInput(f"Unknown eval suite {name!r}: choose from {choices}.")
    return [s for s in SUITES if s in wanted]


def _run_once(ctx: EvalContext, suites: list[str], say: Progress) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in suites:
        say(f"running {name}")
        start = time.perf_counter()
        result: SuiteResult = SUITES[name](ctx)
        out[name] = {**asdict(result), "seconds": round(time.perf_counter() - start, 2)}
    return out


def run_evals(
    settings: Settings,
    suites: Sequence[str] = ("offline",),
    engine: Engine = "offline",
    runs: int = 1,
    thresholds_path: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run the suites `runs` times on one coach; metrics are the mean, spread per metric path."""
    names = resolve_suites(suites)
    thresholds = load_thresholds(thresholds_path)
    say = progress or (lambda _msg: None)
    ctx = EvalContext(settings, engine)
    start = time.perf_counter()
    try:
        results = []
        for n in range(max(runs, 1)):
            ctx.new_run()
            if runs > 1:
                say(f"run {n + 1} of {runs}")
            results.append(_run_once(ctx, names, say))
    finally:
        ctx.close()
    per_run = [flatten({s: r[s]["metrics"] for s in names}) for r in results]
    spread = combine_runs(per_run)
    means = {path: s["mean"] for path, s in spread.items()}
    failures = check(means, thresholds, set(names))
    return {
        "engine": engine,
        "runs": len(results),
        "suites": results[-1],  # details (misses, notes) of the last run
        "metrics": means,
        "spread": spread if len(results) > 1 else {},
        "seconds": round(time.perf_counter() - start, 1),
        "thresholds": [asdict(t) for t in thresholds if t.path.split(".", 1)[0] in names],
        "failures": [{**asdict(f), "message": f.describe()} for f in failures],
    }
