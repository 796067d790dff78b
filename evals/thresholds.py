"""Thresholds: metric path -> minimum (or maximum) read from `evals/thresholds.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.yaml"


@dataclass(frozen=True)
class Threshold:
    """One bound on one metric: `kind` is "min" (at least) or "max" (at most)."""

    path: str
    kind: str
    bound: float

    def passes(self, value: float) -> bool:
        """True when the value is on the right side of the bound."""
        return value >= self.bound if self.kind == "min" else value <= self.bound


@dataclass(frozen=True)
class Failure:
    """A metric that missed its threshold, or is missing from the results."""

    path: str
    kind: str
    bound: float
    value: float | None

    def describe(self) -> str:
        """One line for the terminal: what was measured against what was required."""
        if self.value is None:
            return f"{self.path}: not measured (required {self.kind} {self.bound:g})"
        op = ">=" if self.kind == "min" else "<="
        return f"{self.path} = {self.value:g}, required {op} {self.bound:g}"


def _parse(raw: Any, where: Path) -> list[Threshold]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with 'min' and/or 'max' sections.")
    out = []
    for kind in ("min", "max"):
        section = raw.get(kind) or {}
        if not isinstance(section, dict):
            raise ConfigError(f"{where}: '{kind}' must map metric paths to numbers.")
        for path, bound in section.items():
            if not isinstance(bound, int | float) or isinstance(bound, bool):
                raise ConfigError(f"{where}: {kind}.{path} must be a number, not {bound!r}.")
            out.append(Threshold(str(path), kind, float(bound)))
    return out


def load_thresholds(path: Path | None = None) -> list[Threshold]:
    """Read the thresholds file; a broken file is a one-sentence ConfigError."""
    path = path or THRESHOLDS_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read thresholds ({exc}).") from exc
    return _parse(raw, path)


def check(metrics: dict[str, float], thresholds: list[Threshold], suites: set[str]) -> list[Failure]:
    """Thresholds of the suites that ran which their metrics miss (or did not measure)."""
    failures = []
    for t in thresholds:
        if t.path.split(".", 1)[0] not in suites:
            continue
        value = metrics.get(t.path)
        if value is None or not t.passes(value):
            failures.append(Failure(t.path, t.kind, t.bound, value))
    return failures
