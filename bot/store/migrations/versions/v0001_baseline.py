"""Baseline: every table as the last release before migrations made them.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

On an empty database this creates every table. A database made before migrations (tables but no
alembic_version) is adopted in place: a table it lacks is created, a column it lacks is added
the way the old start-up upgrade added it (nullable, with the model's scalar default), the rows
it holds are kept, and assessments made before they carried an owner get their session's.
When it already matches, nothing changes and the revision is only recorded (a stamp).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _sessions() -> list[Any]:
    return [
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_key", sa.String(300), nullable=True),
        sa.Column("pilot_name", sa.String(300), nullable=True),
        sa.Column("state", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_key"),
    ]


def _messages() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("author", sa.String(200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("redacted_text", sa.Text(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("meta", JSON, nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _assessments() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("report", JSON, nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("engine", sa.String(64), nullable=False),
        sa.Column("rubric_version", sa.String(64), nullable=False),
        sa.Column("prompt_version", sa.String(64), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _gaps() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("updated_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _audit_log() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def _llm_calls() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.Column("engine", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Double(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    ]


def _pilots() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("business_owner", sa.String(200), nullable=False),
        sa.Column("sponsor", sa.String(200), nullable=False),
        sa.Column("people", JSON, nullable=False),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("cron", sa.String(100), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("snoozed_until", _when(), nullable=True),
        sa.Column("skip_next", sa.Boolean(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def _pilot_gaps() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("closed_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pilot_id", "dimension"),
    ]


def _checkins() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("due_at", _when(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_until", _when(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", _when(), nullable=True),
        sa.Column("reminder_sent_at", _when(), nullable=True),
        sa.Column("answered_at", _when(), nullable=True),
        sa.Column("message_channel", sa.String(100), nullable=True),
        sa.Column("message_ts", sa.String(64), nullable=True),
        sa.Column("reminder_ts", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pilot_id", "due_at"),
    ]


def _checkin_answers() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parsed", JSON, nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkins.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _dimension_levels() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _escalations() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("gaps", JSON, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_until", _when(), nullable=True),
        sa.Column("sent_at", _when(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pilot_id", "checkin_id"),
    ]


def _checkin_deliveries() -> list[Any]:
    return [
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("ts", sa.String(64), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("posted_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    ]


def _slack_events() -> list[Any]:
    return [
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("received_at", _when(), nullable=False),
        sa.Column("done_at", _when(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("replays", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("event_id"),
    ]


Index = tuple[str, list[str]]

# (table, its columns and constraints, its indexes), parents before children
TABLES: list[tuple[str, Callable[[], list[Any]], list[Index]]] = [
    ("sessions", _sessions, [("ix_sessions_owner", ["owner"]), ("ix_sessions_updated_at", ["updated_at"])]),
    ("messages", _messages, [("ix_messages_session_id", ["session_id"])]),
    (
        "assessments",
        _assessments,
        [
            ("ix_assessments_session_id", ["session_id"]),
            ("ix_assessments_owner", ["owner"]),
            ("ix_assessments_created_at", ["created_at"]),
        ],
    ),
    ("gaps", _gaps, [("ix_gaps_assessment_id", ["assessment_id"])]),
    (
        "audit_log",
        _audit_log,
        [("ix_audit_log_at", ["at"]), ("ix_audit_log_kind", ["kind"]), ("ix_audit_subject_kind", ["subject", "kind"])],
    ),
    ("llm_calls", _llm_calls, [("ix_llm_calls_at", ["at"]), ("ix_llm_calls_session_id", ["session_id"])]),
    ("pilots", _pilots, [("ix_pilots_owner", ["owner"])]),
    ("pilot_gaps", _pilot_gaps, [("ix_pilot_gaps_pilot_id", ["pilot_id"])]),
    (
        "checkins",
        _checkins,
        [
            ("ix_checkins_pilot_id", ["pilot_id"]),
            ("ix_checkins_status_due", ["status", "due_at"]),
            ("ix_checkins_thread", ["message_channel", "message_ts"]),
        ],
    ),
    ("checkin_answers", _checkin_answers, [("ix_checkin_answers_pilot_id", ["pilot_id"])]),
    ("dimension_levels", _dimension_levels, [("ix_levels_pilot_at", ["pilot_id", "at"])]),
    ("escalations", _escalations, [("ix_escalations_pilot_id", ["pilot_id"])]),
    ("checkin_deliveries", _checkin_deliveries, [("ix_checkin_deliveries_pilot_id", ["pilot_id"])]),
    ("slack_events", _slack_events, [("ix_slack_events_received_at", ["received_at"])]),
]

# Scalar defaults the models give columns that older databases lack: the old start-up upgrade
# added such a column with this DEFAULT, so existing rows read it (every other added column is NULL).
OLD_DEFAULTS = {("sessions", "version"): sa.text("0")}

# Assessments made before they carried an owner belong to the owner of their session, if any.
BACKFILL_OWNER = (
    "UPDATE assessments SET owner = (SELECT sessions.owner FROM sessions"
    " WHERE sessions.id = assessments.session_id)"
    " WHERE owner IS NULL AND session_id IS NOT NULL"
)


def upgrade() -> None:
    """Create every table, or adopt a database made before migrations."""
    present = sa.inspect(op.get_bind())
    adopting = False
    for name, columns, indexes in TABLES:
        if present.has_table(name):
            adopting = True
            _add_missing_columns(present, name, columns())
            have = {ix["name"] for ix in present.get_indexes(name)}
        else:
            op.create_table(name, *columns())
            have = set()
        for index, on in indexes:
            if index not in have:
                op.create_index(index, name, on)
    if adopting:
        op.execute(BACKFILL_OWNER)


def _add_missing_columns(present: sa.Inspector, table: str, items: list[Any]) -> None:
    """Add the columns an older database's table lacks, nullable, as the old upgrade did."""
    have = {c["name"] for c in present.get_columns(table)}
    for item in items:
        if not isinstance(item, sa.Column) or item.name in have:
            continue
        default = OLD_DEFAULTS.get((table, item.name))
        op.add_column(table, sa.Column(item.name, item.type, nullable=True, server_default=default))


def downgrade() -> None:
    """Drop every table (and its rows)."""
    for name, _columns, _indexes in reversed(TABLES):
        op.drop_table(name)
