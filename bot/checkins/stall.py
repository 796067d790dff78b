"""Stall rules: per gap state (blocked, in progress, open), for a missing owner, and for the pilot.

A gap keeps its last reported state until a new one is given, and every check-in that is over
(answered or missed) records each gap's state. A rule counts the check-ins in a row, up to the
latest, at which a gap was in the same state. The thresholds are policy, kept here as one table
(docs/checkins.md shows the same table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.checkins.records import SEVERITY_ORDER, PilotGap, Stall


@dataclass(frozen=True)
class StateRule:
    """A gap in `state` (of one of `severities`) for `after` check-ins in a row escalates."""

    state: str
    after: int
    severities: tuple[str, ...]
    words: str  # the reason, with {title} and {n}


ALL = ("critical", "high", "medium")
STATE_RULES = (
    StateRule("blocked", 2, ALL, "'{title}' was blocked at the last {n} check-ins"),
    StateRule("in_progress", 4, ALL, "'{title}' has been in progress for {n} check-ins with no target date"),
    StateRule("open", 2, ("critical",), "critical gap '{title}' has not moved for {n} check-ins"),
    StateRule("open", 4, ("high", "medium"), "'{title}' has not moved for {n} check-ins"),
)
OWNER_MISSING_AFTER = 2  # check-ins without a named business owner
MISSED_IN_A_ROW = 2  # check-ins nobody answered
# Older rows recorded "unchanged" (no news) or "missed" (no answer): both keep the state before them.
KEEPS_STATE = ("unchanged", "missed")


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


def streak(gap: PilotGap, closed: list[ClosedCheckin]) -> int:
    """Check-ins in a row, up to the latest, at which the gap was in its current state."""
    n = 0
    for checkin in reversed(closed):
        state = checkin.gap_status.get(gap.dimension)
        if state != gap.status and state not in KEEPS_STATE:
            break
        n += 1
    return n


def gap_reason(gap: PilotGap, closed: list[ClosedCheckin], today: date) -> str | None:
    """Why this one gap stalls the pilot, in words (None: it does not)."""
    if gap.status == "in_progress" and gap.target_date is not None:
        past = gap.target_date < today
        return f"'{gap.title}' is still in progress after its target date {gap.target_date}" if past else None
    n = streak(gap, closed)
    for rule in STATE_RULES:
        if rule.state == gap.status and gap.severity in rule.severities and n >= rule.after:
            return rule.words.format(title=gap.title, n=n)
    return None


def detect_stall(
    gaps: list[PilotGap],
    closed: list[ClosedCheckin],
    created_at: datetime,
    now: datetime,
    stall_weeks: int,
    rising: bool = False,
) -> Stall:
    """The reasons a pilot is stalled (empty when it is not) and the gaps to act on, owner first.

    `rising`: readiness went up since the last close, so "no gap closed" alone is not a stall."""
    open_gaps = [g for g in gaps if g.is_open]
    if not open_gaps:
        return Stall(reasons=[], gaps=[])
    reasons: list[str] = []
    flagged: list[PilotGap] = []
    owner = next((g for g in open_gaps if g.is_owner_gap), None)
    if owner is not None and len(closed) >= OWNER_MISSING_AFTER:
        reasons.append(f"no business owner has been named after {len(closed)} check-ins")
    for gap in sorted(open_gaps, key=_rank):
        reason = None if gap.is_owner_gap else gap_reason(gap, closed, now.date())
        if reason is not None:
            reasons.append(reason)
            flagged.append(gap)
    reasons += _pilot_reasons(gaps, closed, created_at, now, stall_weeks, rising)
    if not reasons:
        return Stall(reasons=[], gaps=[])
    named = flagged or [g for g in open_gaps if not g.is_owner_gap]
    return Stall(reasons=reasons, gaps=([owner] if owner else []) + sorted(named, key=_rank))


def _pilot_reasons(
    gaps: list[PilotGap], closed: list[ClosedCheckin], created_at: datetime, now: datetime, weeks: int, rising: bool
) -> list[str]:
    """Reasons about the whole pilot: no answers, or nothing closed and nothing rising for weeks."""
    reasons: list[str] = []
    recent = closed[-MISSED_IN_A_ROW:]
    if len(recent) == MISSED_IN_A_ROW and all(c.status == "missed" for c in recent):
        reasons.append(f"nobody answered the last {MISSED_IN_A_ROW} check-ins")
    since = weeks_between(last_close(gaps, created_at), now)
    if since >= weeks and not rising:
        ever = any(g.closed_at for g in gaps)
        when = f"in {since} weeks" if ever else f"in the {since} weeks since check-ins began"
        reasons.append(f"no gap has closed {when} and readiness has not risen")
    return reasons


def _rank(gap: PilotGap) -> int:
    return SEVERITY_ORDER.get(gap.severity, 9)
