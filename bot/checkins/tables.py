"""Check-in tables: pilots, their gaps and open questions, check-ins, answers, levels, deliveries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column

from bot.store.db import Base, JSONType, utcnow
from bot.store.public_ids import new_public_id
from bot.store.tables import AssessmentRow

# A gap keeps its last reported state until a new one is given ("no change" keeps it).
PILOT_GAP_STATUSES = ("open", "in_progress", "resolved", "blocked")
QUESTION_STATUSES = ("open", "answered")
CHECKIN_STATUSES = ("scheduled", "claimed", "sent", "answered", "missed", "skipped")
DEFAULT_CRON = "0 9 * * MON"


def _empty_list() -> list[Any]:
    return []


def _empty_dict() -> dict[str, Any]:
    return {}


class PilotRow(Base):
    """A pilot the coach follows week by week."""

    __tablename__ = "pilots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the id the API, Slack and the CLI use (random; see bot/store/public_ids.py); NULL never after 0007
    public_id: Mapped[str] = mapped_column(String(32), nullable=True, unique=True, index=True, default=new_public_id)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(300))
    # "" while none is named (a tracked gap; Pilot.business_owner is None). The column stays NOT NULL:
    # relaxing it would rebuild the table on SQLite, and dropping `pilots` cascades to every child row.
    business_owner: Mapped[str] = mapped_column(String(200))
    sponsor: Mapped[str] = mapped_column(String(200))
    people: Mapped[list[Any]] = mapped_column(JSONType, default=_empty_list)
    channel: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    cron: Mapped[str] = mapped_column(String(100), default=DEFAULT_CRON)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    snoozed_until: Mapped[datetime | None]
    skip_next: Mapped[bool] = mapped_column(Boolean, default=False)
    assessment_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # read with the row, not a column: the assessment's public id, which the API shows instead of its key
    assessment_public_id: Mapped[str | None] = column_property(
        select(AssessmentRow.public_id).where(AssessmentRow.id == assessment_id).scalar_subquery()
    )


class PilotGapRow(Base):
    """One gap carried from the assessment and updated by each answer."""

    __tablename__ = "pilot_gaps"
    __table_args__ = (UniqueConstraint("pilot_id", "dimension"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the id the API, Slack and the CLI use (random; see bot/store/public_ids.py); NULL never after 0007
    public_id: Mapped[str] = mapped_column(String(32), nullable=True, unique=True, index=True, default=new_public_id)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    evidence: Mapped[list[Any]] = mapped_column(JSONType, default=_empty_list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    target_date: Mapped[date | None]  # when the team said an in-progress gap will be done


class PilotQuestionRow(Base):
    """An open question from the assessment, asked at each check-in until it is answered."""

    __tablename__ = "pilot_questions"
    __table_args__ = (UniqueConstraint("pilot_id", "dimension"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | answered
    answer: Mapped[str | None] = mapped_column(Text)  # the team's words, redacted
    outcome: Mapped[str | None] = mapped_column(String(16))  # gap | ready | noted | unclear
    checkin_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]


class CheckinRow(Base):
    """One weekly check-in: due, claimed under a lease, sent, answered or missed."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("pilot_id", "due_at"),
        Index("ix_checkins_status_due", "status", "due_at"),
        Index("ix_checkins_thread", "message_channel", "message_ts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    message_channel: Mapped[str | None] = mapped_column(String(100))
    message_ts: Mapped[str | None] = mapped_column(String(64))
    reminder_ts: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class CheckinAnswerRow(Base):
    """The team's answer, stored before it is read."""

    __tablename__ = "checkin_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    author: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    parsed: Mapped[dict[str, Any]] = mapped_column(default=_empty_dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class DimensionLevelRow(Base):
    """Readiness level of one dimension at one check-in: the trend's data points."""

    __tablename__ = "dimension_levels"
    __table_args__ = (Index("ix_levels_pilot_at", "pilot_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"))
    checkin_id: Mapped[int | None] = mapped_column(Integer)
    dimension: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class EscalationRow(Base):
    """A stall escalation; at most one per pilot per check-in cycle."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("pilot_id", "checkin_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    checkin_id: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[Any]] = mapped_column(JSONType, default=_empty_list)
    gaps: Mapped[list[Any]] = mapped_column(JSONType, default=_empty_list)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryRow(Base):
    """Write-ahead record of one outgoing message, keyed by its idempotency key."""

    __tablename__ = "checkin_deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    pilot_id: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default="intent")  # intent | posted
    worker: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(100))
    ts: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]


ROWS = (
    PilotRow,
    PilotGapRow,
    PilotQuestionRow,
    CheckinRow,
    CheckinAnswerRow,
    DimensionLevelRow,
    EscalationRow,
    DeliveryRow,
)


def checkin_tables() -> list[Table]:
    """The tables this package owns, in creation order."""
    return [row.__table__ for row in ROWS]  # type: ignore[misc]
