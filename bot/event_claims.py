"""Claims of outside event ids (Slack deliveries), as the Slack adapter uses them: it never sees the store.

The table and its lease logic live in `bot.store.slack_events`; this wraps them around one engine."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.store import slack_events as rows

LEASE = rows.LEASE


class EventClaims:
    """Claim, finish and replay event ids on one database (every replica shares it)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(self, event_id: str, payload: str | None = None) -> bool:
        """True if this delivery should run: the first one, or a retry of a claim that died unfinished."""
        return rows.claim_event(self._engine, event_id, payload=payload)

    def done(self, event_id: str) -> None:
        """The event's work is safe (message stored, or nothing to do): its retries are ignored."""
        rows.mark_event_done(self._engine, event_id)

    def unfinished(
        self, now: datetime | None = None, lease: timedelta = LEASE, limit: int = 50
    ) -> list[tuple[str, str]]:
        """(event id, payload) of dead claims with a payload, oldest first."""
        return rows.unfinished_events(self._engine, now, lease, limit)

    def reclaim_for_replay(self, event_id: str, now: datetime | None = None, lease: timedelta = LEASE) -> bool:
        """Take over a dead claim to replay it (counted): True for exactly one caller."""
        return rows.reclaim_for_replay(self._engine, event_id, now, lease)
