"""Slack event ids claimed and handled, so a retry runs only when needed (the Slack adapter reaches
them through the Coach: `claim_event`, `mark_event_done`, ...).

A claim of a message keeps the delivery's body (`payload`): the durable inbox replays it if the
process died after acknowledging Slack but before the team's message was stored."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, String, Text, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.lease import LEASE as CLAIMS
from bot.lease import Lease
from bot.store.db import Base, utcnow

log = logging.getLogger(__name__)
KEEP_EVENTS = timedelta(days=1)  # Slack retries within minutes; a day is plenty
# A claim not done by then is presumed dead: the one lease of every claim (bot.lease). Slack
# retries at ~1, 5 and 30 min, and the inbox sweep replays anything older than this.
LEASE = CLAIMS.duration
MAX_REPLAYS = 3  # an event that fails this often is left alone (like Slack, which retries 3 times)


class SlackEventRow(Base):
    """One Slack event id: claimed by whichever process sees a delivery first, done once stored."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    done_at: Mapped[datetime | None]  # set when the team's message is stored (or the event ignored)
    payload: Mapped[str | None] = mapped_column(Text)  # the delivery's JSON body, for messages only
    replays: Mapped[int | None]  # how often the inbox re-ran it after a dead claim


_REPLAYS = func.coalesce(SlackEventRow.replays, 0)


def claim_event(
    engine: Engine, event_id: str, now: datetime | None = None, lease: timedelta = LEASE, payload: str | None = None
) -> bool:
    """True if this delivery should run: the first one, or a retry of a claim that died unfinished."""
    now = now or utcnow()
    try:
        with engine.begin() as conn:
            conn.execute(insert(SlackEventRow).values(event_id=event_id, received_at=now, **_kept(payload)))
    except IntegrityError:
        return _reclaim(engine, event_id, now, lease, payload)
    # received_at is refreshed by every (re)claim: an unfinished payload younger than a day is kept
    with engine.begin() as conn:
        conn.execute(delete(SlackEventRow).where(SlackEventRow.received_at < now - KEEP_EVENTS))
    return True


def _kept(payload: str | None) -> dict[str, object]:
    """The payload column's value, only when there is one (a bare claim keeps what is stored)."""
    return {} if payload is None else {"payload": payload}


def _reclaim(engine: Engine, event_id: str, now: datetime, lease: timedelta, payload: str | None) -> bool:
    """Take over a claim that is not done and older than the lease; one conditional UPDATE, so one winner."""
    won = _take_over(engine, event_id, now, lease, {"received_at": now, **_kept(payload)})
    if won:
        log.info("slack: event %s was claimed but never finished; handling the retry", event_id)
    return won


def reclaim_for_replay(engine: Engine, event_id: str, now: datetime | None = None, lease: timedelta = LEASE) -> bool:
    """The inbox's take-over of a dead claim (counted): True for exactly one caller."""
    now = now or utcnow()
    return _take_over(engine, event_id, now, lease, {"received_at": now, "replays": _REPLAYS + 1})


def _take_over(engine: Engine, event_id: str, now: datetime, lease: timedelta, values: dict[str, object]) -> bool:
    held = Lease(lease)
    dead = [
        SlackEventRow.event_id == event_id,
        SlackEventRow.done_at.is_(None),
        held.expired(SlackEventRow.received_at, now),
    ]
    with engine.begin() as conn:
        return held.take(conn, SlackEventRow, dead, **values)


def unfinished_events(
    engine: Engine, now: datetime | None = None, lease: timedelta = LEASE, limit: int = 50
) -> list[tuple[str, str]]:
    """(event id, payload) of dead claims with a payload: not done, older than the lease, oldest first."""
    query = (
        select(SlackEventRow.event_id, SlackEventRow.payload)
        .where(
            SlackEventRow.done_at.is_(None),
            SlackEventRow.payload.is_not(None),
            Lease(lease).expired(SlackEventRow.received_at, now or utcnow()),
            _REPLAYS < MAX_REPLAYS,
        )
        .order_by(SlackEventRow.received_at)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [(str(e), str(p)) for e, p in conn.execute(query)]


def mark_event_done(engine: Engine, event_id: str) -> None:
    """Record that an event's work is safe (message stored, or nothing to do): retries are ignored."""
    # the stored body (the team's words) is not needed once the message is safe
    done = update(SlackEventRow).where(SlackEventRow.event_id == event_id).values(done_at=utcnow(), payload=None)
    with engine.begin() as conn:
        conn.execute(done)
