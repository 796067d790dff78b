"""The durable inbox: replay messages whose claim died after Slack was acknowledged.

Slack never redelivers after a `200`, so a message claimed (with its body) but never stored is
re-dispatched through the same Bolt app, listeners and Web API client as a live delivery. The
composition root runs `replay_unfinished` on the one periodic runner (`bot.periodic`)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltRequest

from bot.event_claims import EventClaims
from bot.lease import LEASE
from bot.slack.app import REPLAY, STORES_WORDS

log = logging.getLogger(__name__)
PER_SWEEP = 50  # replays per sweep; the rest wait for the next one


def replay_unfinished(
    app: App,
    claims: EventClaims,
    now: datetime | None = None,
    lease: timedelta = LEASE.duration,
    limit: int = PER_SWEEP,
) -> int:
    """Re-run dead claims of messages (not done, older than the lease); return how many this call took over."""
    replayed = 0
    for event_id, payload in claims.unfinished(now, lease, limit):
        body = _parse(payload)
        if body is None:
            log.warning("slack: event %s has an unreadable stored body; marking it done", event_id)
            claims.done(event_id)
        elif claims.reclaim_for_replay(event_id, now, lease):  # one conditional UPDATE: one replica wins
            log.info("slack: replaying event %s, acknowledged but never stored", event_id)
            app.dispatch(BoltRequest(body=body, mode="socket_mode", context={REPLAY: True}))
            replayed += 1
    return replayed


def _parse(payload: str) -> dict[str, Any] | None:
    """The stored body, if it is a message event callback the listeners can run."""
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    event = body.get("event") if isinstance(body, dict) else None
    if not isinstance(event, dict) or event.get("type") not in STORES_WORDS or not body.get("event_id"):
        return None
    return body
