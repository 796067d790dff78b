"""Pure metric helpers: rates, precision/recall, numbers in text, spread over runs."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# A figure: digits with optional thousands separators/decimals, or a spelled-out percent.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def rate(hits: int, total: int, empty: float = 1.0) -> float:
    """hits / total rounded to 3 places; `empty` when there is nothing to count."""
    return round(hits / total, 3) if total else empty


@dataclass
class Tally:
    """Hits out of n for one measure, with a line for every miss (for a probe's per-case report)."""

    hits: int = 0
    n: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        """Count one case; remember `miss` when it failed."""
        self.n += 1
        self.hits += ok
        if not ok:
            self.misses.append(miss)

    def rate(self, empty: float = 1.0) -> float:
        """hits / n, as `rate` rounds it."""
        return rate(self.hits, self.n, empty)

    def __str__(self) -> str:
        return f"{self.rate()} ({self.hits}/{self.n})"


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1; an empty denominator counts as perfect (nothing to find)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": tp + fn}


def numbers(text: str) -> set[str]:
    """The figures written in a text, normalised ("1,000" -> "1000"; citation marks dropped)."""
    text = re.sub(r"\[\d+\]", " ", text)  # [1] citation markers are not figures
    return {m.group().replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}


def unsupported_numbers(answer: str, passages: Iterable[str]) -> list[str]:
    """Figures in the answer that no cited passage contains."""
    seen: set[str] = set()
    for text in passages:
        seen |= numbers(text)
    return sorted(numbers(answer) - seen)


def spread(values: Sequence[float]) -> dict[str, float]:
    """Mean, min, max and population stdev of one metric over runs."""
    if not values:
        return {"mean": 0.0, "min": 0.0, "max": 0.0, "stdev": 0.0}
    return {
        "mean": round(statistics.fmean(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "stdev": round(statistics.pstdev(values), 4) if len(values) > 1 else 0.0,
    }


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a nested dict as dotted paths ("answers.coach.overall.f1")."""
    out: dict[str, float] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            out[path] = float(value)
        elif isinstance(value, dict):
            out.update(flatten(value, path + "."))
    return out


def combine_runs(runs: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per metric path, the spread of its values over several runs."""
    paths = sorted({p for run in runs for p in run})
    return {p: spread([run[p] for run in runs if p in run]) for p in paths}
