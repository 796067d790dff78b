"""The Slack adapter's own table: event ids claimed and handled, so a retry runs only when needed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, String, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store import Base, utcnow
from bot.store.store import add_missing_columns
from bot.store.tables import AssessmentRow

log = logging.getLogger(__name__)
KEEP_EVENTS = timedelta(days=1)  # Slack retries within minutes; a day is plenty
LEASE = timedelta(seconds=45)  # a claim not done by then is presumed dead (Slack retries at ~1, 5, 30 min)


class SlackEventRow(Base):
    """One Slack event id: claimed by whichever process sees a delivery first, done once stored."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    done_at: Mapped[datetime | None]  # set when the team's message is stored (or the event ignored)


def create_slack_tables(engine: Engine) -> None:
    """Create the Slack table if missing and add newer columns (idempotent; safe with concurrent creators)."""
    try:
        Base.metadata.create_all(engine, tables=[SlackEventRow.__table__])  # type: ignore[list-item]
    except IntegrityError:  # another process created it a moment earlier
        pass
    try:
        add_missing_columns(engine)
    except (OperationalError, ProgrammingError):  # another process added the same column a moment earlier
        add_missing_columns(engine)  # looks again: now nothing is missing, or the real error surfaces


def claim_event(engine: Engine, event_id: str, now: datetime | None = None, lease: timedelta = LEASE) -> bool:
    """True if this delivery should run: the first one, or a retry of a claim that died unfinished."""
    now = now or utcnow()
    try:
        with engine.begin() as conn:
            conn.execute(insert(SlackEventRow).values(event_id=event_id, received_at=now))
    except IntegrityError:
        return _reclaim(engine, event_id, now, lease)
    with engine.begin() as conn:
        conn.execute(delete(SlackEventRow).where(SlackEventRow.received_at < now - KEEP_EVENTS))
    return True


def _reclaim(engine: Engine, event_id: str, now: datetime, lease: timedelta) -> bool:
    """Take over a claim that is not done and older than the lease; one conditional UPDATE, so one winner."""
    stale = (
        update(SlackEventRow)
        .where(
            SlackEventRow.event_id == event_id,
            SlackEventRow.done_at.is_(None),
            SlackEventRow.received_at < now - lease,
        )
        .values(received_at=now)
    )
    with engine.begin() as conn:
        won = conn.execute(stale).rowcount == 1
    if won:
        log.info("slack: event %s was claimed but never finished; handling the retry", event_id)
    return won


def mark_event_done(engine: Engine, event_id: str) -> None:
    """Record that an event's work is safe (message stored, or nothing to do): retries are ignored."""
    done = update(SlackEventRow).where(SlackEventRow.event_id == event_id).values(done_at=utcnow())
    with engine.begin() as conn:
        conn.execute(done)


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
