"""Readiness per dimension over time: the data, a sparkline and a text chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.checkins.tables import DimensionLevelRow

BARS = "▁▂▃▅▇"  # one bar per readiness level 1..5
MAX_LEVEL = 5


@dataclass(frozen=True)
class TrendPoint:
    """Every dimension's level at one moment (registration or a closed check-in)."""

    at: datetime
    checkin_id: int | None
    levels: dict[str, int]


def points_from_rows(rows: Sequence[DimensionLevelRow]) -> list[TrendPoint]:
    """Group level rows by check-in, carrying forward dimensions a point doesn't mention."""
    points: list[TrendPoint] = []
    current: dict[str, int] = {}
    key: object = object()
    for row in rows:
        current = {**current, row.dimension: row.level}
        if points and row.checkin_id == key:
            points[-1] = TrendPoint(points[-1].at, row.checkin_id, current)
        else:
            points.append(TrendPoint(row.at, row.checkin_id, current))
            key = row.checkin_id
    return points


def average(point: TrendPoint) -> float:
    """Mean level over the dimensions recorded at a point."""
    levels = point.levels.values()  # levels are small ints: a plain mean, not statistics.mean's exact fractions
    return sum(levels) / len(levels) if levels else 0.0


def sparkline(values: Sequence[float]) -> str:
    """One bar per value on the 1-5 level scale."""
    return "".join(BARS[min(MAX_LEVEL, max(1, round(v))) - 1] for v in values)


def direction(points: Sequence[TrendPoint], window: int = 4) -> str:
    """improving, worsening or flat: the latest average against the one `window` points back."""
    if len(points) < 2:
        return "new"
    start = average(points[max(0, len(points) - window)])
    end = average(points[-1])
    if end > start + 0.01:
        return "improving"
    if end < start - 0.01:
        return "worsening"
    return "flat"


def text_chart(points: Sequence[TrendPoint], dimensions: Sequence[str]) -> str:
    """A terminal chart: one sparkline row per dimension, then the average."""
    if not points:
        return "(no history yet)"
    width = max(len(d) for d in dimensions)
    lines = [f"{'':{width}}  levels 1-5, one bar per check-in (oldest first)"]
    for dim in dimensions:
        values = [p.levels.get(dim, 0) for p in points]
        tail = f"{values[0]} -> {values[-1]}" if values else ""
        lines.append(f"{dim:{width}}  {sparkline(values)}  {tail}")
    avgs = [average(p) for p in points]
    lines.append(f"{'average':{width}}  {sparkline(avgs)}  {avgs[0]:.1f} -> {avgs[-1]:.1f}")
    return "\n".join(lines)


def trend_dict(points: Sequence[TrendPoint], dimensions: Sequence[str]) -> dict[str, object]:
    """JSON-ready trend: the timestamps and one series per dimension."""
    return {
        "at": [p.at.isoformat() for p in points],
        "checkins": [p.checkin_id for p in points],
        "series": {d: [p.levels.get(d) for p in points] for d in dimensions},
        "average": [round(average(p), 2) for p in points],
        "direction": direction(points),
    }
