"""What the probe runners (`python -m evals.probe_*`) share: arguments, the eval coach's lifetime,
the printed figures and the JSON file."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.config import get_settings
from evals.context import EvalContext
from evals.metrics import Tally


def arguments(prog: str, doc: str, argv: Sequence[str] | None, *, transcripts: bool = False) -> argparse.Namespace:
    """DIR, --json OUT (every figure, miss and row) and, for interviews, --transcripts DIR."""
    parser = argparse.ArgumentParser(prog=f"python -m {prog}", description=doc.splitlines()[0])
    parser.add_argument("folder", type=Path, metavar="DIR", help="the probe folder")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON here")
    if transcripts:
        parser.add_argument("--transcripts", type=Path, metavar="DIR", help="write each transcript here")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    return args


@contextmanager
def eval_context() -> Iterator[EvalContext]:
    """An eval coach over the playbook in a private data dir, removed afterwards."""
    ctx = EvalContext(get_settings())
    try:
        yield ctx
    finally:
        ctx.close()


def figure_lines(figures: dict[str, Tally | str]) -> list[str]:
    """One line per measure: its name, then its rate and counts."""
    width = max(map(len, figures), default=0)
    return [f"{name.ljust(width)}  {value}" for name, value in figures.items()]


def miss_lines(figures: dict[str, Tally]) -> list[str]:
    """Every miss, under the measure it missed."""
    out = []
    for name, tally in figures.items():
        if tally.misses:
            out.append(f"\n{name}, misses ({len(tally.misses)}):")
            out += [f"  {m}" for m in tally.misses]
    return out


def write_json(path: Path | None, data: dict[str, Any]) -> None:
    """Write the results when asked to."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
