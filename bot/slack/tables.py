"""The Slack adapter's own table: event ids already handled, so a retried delivery runs once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, String, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store import Base, utcnow
from bot.store.tables import AssessmentRow

KEEP_EVENTS = timedelta(days=1)  # Slack retries within minutes; a day is plenty


class SlackEventRow(Base):
    """One Slack event id, inserted by whichever process sees the delivery first."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def create_slack_tables(engine: Engine) -> None:
    """Create the Slack table if missing (idempotent; safe with concurrent creators)."""
    try:
        Base.metadata.create_all(engine, tables=[SlackEventRow.__table__])  # type: ignore[list-item]
    except IntegrityError:  # another process created it a moment earlier
        pass


def claim_event(engine: Engine, event_id: str) -> bool:
    """True for the first delivery of an event id, False for any repeat, across processes."""
    now = utcnow()
    try:
        with engine.begin() as conn:
            conn.execute(insert(SlackEventRow).values(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    with engine.begin() as conn:
        conn.execute(delete(SlackEventRow).where(SlackEventRow.received_at < now - KEEP_EVENTS))
    return True


def latest_assessment_id(engine: Engine, session_id: str) -> int | None:
    """The id of a session's newest stored assessment (the Store returns only the report)."""
    query = (
        select(AssessmentRow.id)
        .where(AssessmentRow.session_id == session_id)
        .order_by(AssessmentRow.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar()
