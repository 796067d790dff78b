"""Plain records the check-in service returns: detached copies, safe after the session closes."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.checkins.schedule import trigger
from bot.checkins.tables import CheckinRow, PilotGapRow, PilotRow
from bot.errors import InvalidInput

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2}
CLOSED = ("resolved",)
# Gaps between check-ins are measured in UTC from a fixed moment, so the answer does not
# depend on today's date or a daylight-saving switch; a day's times repeat every matching day.
_GAP_FROM = datetime(2024, 1, 1, tzinfo=UTC)
_GAP_HORIZON = timedelta(days=8)
_GAP_MAX_FIRES = 400


@dataclass(frozen=True)
class Pilot:
    """A followed pilot and its schedule."""

    id: int
    owner: str
    name: str
    business_owner: str
    sponsor: str
    people: list[str]
    channel: str | None
    timezone: str
    cron: str
    paused: bool
    snoozed_until: datetime | None
    skip_next: bool
    assessment_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, row: PilotRow) -> Pilot:
        """Copy a row into a record."""
        return cls(
            id=row.id,
            owner=row.owner,
            name=row.name,
            business_owner=row.business_owner,
            sponsor=row.sponsor,
            people=list(row.people or []),
            channel=row.channel,
            timezone=row.timezone,
            cron=row.cron,
            paused=bool(row.paused),
            snoozed_until=row.snoozed_until,
            skip_next=bool(row.skip_next),
            assessment_id=row.assessment_id,
            created_at=row.created_at,
        )


@dataclass(frozen=True)
class PilotGap:
    """A tracked gap of a pilot."""

    id: int
    dimension: str
    title: str
    severity: str
    status: str
    evidence: list[dict[str, Any]]
    updated_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        """Anything but resolved still stands in the way."""
        return self.status not in CLOSED

    @classmethod
    def of(cls, row: PilotGapRow) -> PilotGap:
        """Copy a row into a record."""
        return cls(
            id=row.id,
            dimension=row.dimension,
            title=row.title,
            severity=row.severity,
            status=row.status,
            evidence=copy.deepcopy(row.evidence or []),
            updated_at=row.updated_at,
            closed_at=row.closed_at,
        )


@dataclass(frozen=True)
class Checkin:
    """One check-in as stored."""

    id: int
    pilot_id: int
    due_at: datetime
    status: str
    claimed_by: str | None
    claimed_until: datetime | None
    attempts: int
    sent_at: datetime | None
    reminder_sent_at: datetime | None
    answered_at: datetime | None
    message_channel: str | None
    message_ts: str | None
    note: str | None

    @classmethod
    def of(cls, row: CheckinRow) -> Checkin:
        """Copy a row into a record."""
        return cls(
            id=row.id,
            pilot_id=row.pilot_id,
            due_at=row.due_at,
            status=row.status,
            claimed_by=row.claimed_by,
            claimed_until=row.claimed_until,
            attempts=row.attempts or 0,
            sent_at=row.sent_at,
            reminder_sent_at=row.reminder_sent_at,
            answered_at=row.answered_at,
            message_channel=row.message_channel,
            message_ts=row.message_ts,
            note=row.note,
        )


@dataclass(frozen=True)
class Stall:
    """Why a pilot counts as stalled, and which gaps are stuck."""

    reasons: list[str]
    gaps: list[PilotGap]

    @property
    def stalled(self) -> bool:
        """Any reason at all means stalled."""
        return bool(self.reasons)


@dataclass(frozen=True)
class PilotSummary:
    """One row of `coach pilots`: status, open gaps by severity, weeks since a close, trend."""

    pilot: Pilot
    status: str
    open_by_severity: dict[str, int]
    weeks_since_close: int
    trend: str
    sparkline: str
    next_due: datetime | None
    stall_reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API and `--json`."""
        out = asdict(self)
        out["pilot"] = pilot_dict(self.pilot)
        out["next_due"] = self.next_due.isoformat() if self.next_due else None
        return out


@dataclass(frozen=True)
class GapChange:
    """What one answer did to one gap."""

    dimension: str
    title: str
    severity_before: str
    severity_after: str
    status_before: str
    status_after: str
    changed: bool
    evidence: str = ""
    judged: str = ""


@dataclass(frozen=True)
class AnswerResult:
    """What an answer changed, the summary to post back, and whether the pilot stalled."""

    pilot_id: int
    checkin_id: int
    changes: list[GapChange]
    summary: str
    stall_reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def pilot_dict(p: Pilot) -> dict[str, Any]:
    """A pilot as JSON-ready data."""
    out = asdict(p)
    out["created_at"] = p.created_at.isoformat()
    out["snoozed_until"] = p.snoozed_until.isoformat() if p.snoozed_until else None
    return out


def gap_dict(g: PilotGap) -> dict[str, Any]:
    """A gap as JSON-ready data."""
    out = asdict(g)
    out["updated_at"] = g.updated_at.isoformat()
    out["closed_at"] = g.closed_at.isoformat() if g.closed_at else None
    return out


def checkin_dict(c: Checkin) -> dict[str, Any]:
    """A check-in as JSON-ready data."""
    out = asdict(c)
    for key, value in out.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
    return out


def shortest_gap(cron: str) -> timedelta | None:
    """The shortest time between two fires of a crontab expression (None: it fires once at most)."""
    schedule = trigger(cron, "UTC")
    first = prev = schedule.get_next_fire_time(None, _GAP_FROM)
    shortest: timedelta | None = None
    for _ in range(_GAP_MAX_FIRES):
        if prev is None or first is None or prev - first > _GAP_HORIZON:
            break
        fire = schedule.get_next_fire_time(prev, prev + timedelta(seconds=1))
        if fire is None:
            break
        gap = fire - prev
        shortest = gap if shortest is None or gap < shortest else shortest
        prev = fire
    return shortest


def check_interval(cron: str, min_minutes: int) -> None:
    """Raise InvalidInput when the schedule asks for check-ins more often than `min_minutes` apart."""
    gap = shortest_gap(cron)
    if gap is not None and gap < timedelta(minutes=min_minutes):
        apart = int(gap.total_seconds() // 60)
        raise InvalidInput(
            f"The schedule {cron!r} sends check-ins {apart} minutes apart, more often than every "
            f"{min_minutes} minutes: use a schedule such as '0 9 * * MON'."
        )
