"""Plain records the check-in service returns: detached copies, safe after the session closes."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from bot.checkins.tables import CheckinRow, PilotGapRow, PilotQuestionRow, PilotRow
from bot.store.records import from_row

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2}
CLOSED = ("resolved",)
# While a pilot has no named business owner, that is its first tracked gap (not a rubric dimension).
OWNER_GAP = "business_owner"
OWNER_GAP_TITLE = "No named business owner"


@dataclass(frozen=True)
class Pilot:
    """A followed pilot and its schedule. `id` and `assessment_id` are internal keys; adapters show
    `public_id` and `assessment_public_id` (pilot_dict does)."""

    id: int
    owner: str
    name: str
    business_owner: str | None  # None: not named yet; escalations then go to the sponsor
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
    public_id: str = ""
    assessment_public_id: str | None = None

    @classmethod
    def of(cls, row: PilotRow) -> Pilot:
        """Copy a row into a record."""
        return from_row(
            cls,
            row,
            business_owner=row.business_owner or None,
            people=list(row.people or []),
            paused=bool(row.paused),
            skip_next=bool(row.skip_next),
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
    target_date: date | None = None
    public_id: str = ""

    @property
    def is_open(self) -> bool:
        """Anything but resolved still stands in the way."""
        return self.status not in CLOSED

    @property
    def is_owner_gap(self) -> bool:
        """The missing business owner: closed by naming one, not by a check-in line."""
        return self.dimension == OWNER_GAP

    @classmethod
    def of(cls, row: PilotGapRow) -> PilotGap:
        """Copy a row into a record."""
        return from_row(cls, row, evidence=copy.deepcopy(row.evidence or []))


@dataclass(frozen=True)
class PilotQuestion:
    """An open question from the assessment, asked at each check-in until it is answered."""

    id: int
    dimension: str
    question: str
    status: str
    answer: str | None
    outcome: str | None
    answered_at: datetime | None

    @property
    def is_open(self) -> bool:
        """Still asked at every check-in."""
        return self.status == "open"

    @classmethod
    def of(cls, row: PilotQuestionRow) -> PilotQuestion:
        """Copy a row into a record."""
        return from_row(cls, row)


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
        return from_row(cls, row, attempts=row.attempts or 0)


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
    """One row of `coach pilots`: status, open gaps by severity, the last close, trend, in words too."""

    pilot: Pilot
    status: str
    open_by_severity: dict[str, int]
    weeks_since_close: int | None  # None: no gap has closed yet
    trend: str
    sparkline: str
    next_due: datetime | None  # None while paused, and when nothing is scheduled
    stall_reasons: list[str] = field(default_factory=list)
    since_close: str = ""  # "2 weeks ago", "none closed yet (followed for 3 weeks)"
    headline: str = ""  # status, trend and reasons in one consistent sentence
    open_questions: int = 0

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
    target_date: str | None = None  # a date the line gave (ISO), e.g. when work in progress will be done
    mentioned: bool = True  # False: the answer did not speak about this gap


@dataclass(frozen=True)
class QuestionChange:
    """What one answer did to an open question: answered (a new gap, in place, noted) or still open."""

    dimension: str
    question: str
    outcome: str  # gap | ready | noted | unclear (still open)
    severity: str | None = None
    answer: str = ""


@dataclass(frozen=True)
class AnswerResult:
    """What an answer changed, the summary to post back, and whether the pilot stalled."""

    pilot_id: str  # the pilot's public id
    checkin_id: int  # internal: not in to_dict
    changes: list[GapChange]
    summary: str
    stall_reasons: list[str]
    questions: list[QuestionChange] = field(default_factory=list)
    baseline: bool = False  # the answer to the first check-in: where each gap stands, not what moved

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (without the check-in's integer key)."""
        out = asdict(self)
        del out["checkin_id"]
        return out


def public(out: dict[str, Any], **renamed: str) -> dict[str, Any]:
    """A record's dict as adapters show it: `id` (and each `renamed` key) holds the public id that
    was in `public_id` (or the named key), never the integer key."""
    out["id"] = out.pop("public_id")
    for key, source in renamed.items():
        out[key] = out.pop(source)
    return out


def pilot_dict(p: Pilot) -> dict[str, Any]:
    """A pilot as JSON-ready data (named by public ids)."""
    out = public(asdict(p), assessment_id="assessment_public_id")
    out["created_at"] = p.created_at.isoformat()
    out["snoozed_until"] = p.snoozed_until.isoformat() if p.snoozed_until else None
    return out


def gap_dict(g: PilotGap) -> dict[str, Any]:
    """A gap as JSON-ready data (named by its public id)."""
    out = public(asdict(g))
    out["updated_at"] = g.updated_at.isoformat()
    out["closed_at"] = g.closed_at.isoformat() if g.closed_at else None
    out["target_date"] = g.target_date.isoformat() if g.target_date else None
    return out


def question_dict(question: PilotQuestion) -> dict[str, Any]:
    """An open (or answered) question as JSON-ready data (its area names it: no integer key)."""
    out = asdict(question)
    del out["id"]
    out["answered_at"] = question.answered_at.isoformat() if question.answered_at else None
    return out


def checkin_dict(c: Checkin, pilot: str) -> dict[str, Any]:
    """A check-in as JSON-ready data, under its pilot's public id (its due time names it: no integer keys)."""
    out = asdict(c)
    del out["id"]
    out["pilot_id"] = pilot
    for key, value in out.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
    return out
