"""Stall detection: no gap closed in N weeks, a critical gap stuck, or no answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.checkins.records import SEVERITY_ORDER, PilotGap, Stall

STUCK = ("unchanged", "blocked", "missed", "open")
CRITICAL_STUCK_CHECKINS = 2
MISSED_IN_A_ROW = 2


@dataclass(frozen=True)
class ClosedCheckin:
    """A check-in that is over: answered or missed, with each dimension's status at the time."""

    id: int
    status: str
    gap_status: dict[str, str]


def weeks_between(start: datetime, end: datetime) -> int:
    """Whole weeks from start to end (never negative)."""
    return max(0, (end - start) // timedelta(weeks=1))


def last_close(gaps: list[PilotGap], created_at: datetime) -> datetime:
    """When a gap was last closed, or when following began if none was."""
    closed = [g.closed_at for g in gaps if g.closed_at is not None]
    return max(closed, default=created_at)


def _critical_stuck(gaps: list[PilotGap], closed: list[ClosedCheckin]) -> list[PilotGap]:
    recent = closed[-CRITICAL_STUCK_CHECKINS:]
    if len(recent) < CRITICAL_STUCK_CHECKINS:
        return []
    return [
        g
        for g in gaps
        if g.is_open
        and g.severity == "critical"
        and all(c.gap_status.get(g.dimension, "missed") in STUCK for c in recent)
    ]


def detect_stall(
    gaps: list[PilotGap],
    closed: list[ClosedCheckin],
    created_at: datetime,
    now: datetime,
    stall_weeks: int,
) -> Stall:
    """The reasons a pilot is stalled (empty when it is not) and the gaps that are stuck."""
    open_gaps = [g for g in gaps if g.is_open]
    if not open_gaps:
        return Stall(reasons=[], gaps=[])
    reasons: list[str] = []
    weeks = weeks_between(last_close(gaps, created_at), now)
    if weeks >= stall_weeks:
        reasons.append(f"no gap closed in {weeks} weeks (threshold {stall_weeks})")
    for gap in _critical_stuck(open_gaps, closed):
        reasons.append(f"critical gap '{gap.title}' unchanged for {CRITICAL_STUCK_CHECKINS} check-ins")
    recent = closed[-MISSED_IN_A_ROW:]
    if len(recent) == MISSED_IN_A_ROW and all(c.status == "missed" for c in recent):
        reasons.append(f"no answer to the last {MISSED_IN_A_ROW} check-ins")
    return Stall(reasons=reasons, gaps=_stuck_gaps(open_gaps, closed) if reasons else [])


def _stuck_gaps(open_gaps: list[PilotGap], closed: list[ClosedCheckin]) -> list[PilotGap]:
    """Open gaps that did not move at the last check-in (all open ones if none moved)."""
    last = closed[-1].gap_status if closed else {}
    stuck = [g for g in open_gaps if last.get(g.dimension, g.status) in STUCK]
    return sorted(stuck or open_gaps, key=lambda g: SEVERITY_ORDER.get(g.severity, 9))
