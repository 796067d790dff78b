"""The durable inbox: replay messages whose claim died after Slack was acknowledged.

Slack never redelivers after a `200`, so a message claimed (with its body) but never stored is
re-dispatched through the same Bolt app, listeners and Web API client as a live delivery."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltRequest
from sqlalchemy import Engine

from bot.slack.app import REPLAY, STORES_WORDS
from bot.slack.tables import LEASE, mark_event_done, reclaim_for_replay, unfinished_events

log = logging.getLogger(__name__)
PER_SWEEP = 50  # replays per sweep; the rest wait for the next one
SWEEP_SECONDS = 60.0


def replay_unfinished(
    app: App, engine: Engine, now: datetime | None = None, lease: timedelta = LEASE, limit: int = PER_SWEEP
) -> int:
    """Re-run dead claims of messages (not done, older than the lease); return how many this call took over."""
    replayed = 0
    for event_id, payload in unfinished_events(engine, now, lease, limit):
        body = _parse(payload)
        if body is None:
            log.warning("slack: event %s has an unreadable stored body; marking it done", event_id)
            mark_event_done(engine, event_id)
        elif reclaim_for_replay(engine, event_id, now, lease):  # one conditional UPDATE: one replica wins
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


class InboxSweeper:
    """Replays unfinished messages at start and then every `interval` seconds, on a daemon thread."""

    def __init__(self, app: App, engine: Engine, interval: float = SWEEP_SECONDS) -> None:
        self.app, self.engine, self.interval = app, engine, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        """One sweep; any error is logged (its type only: no message text) and the next sweep tries again."""
        try:
            replay_unfinished(self.app, self.engine)
        except Exception as exc:  # the sweeper thread must outlive any one bad sweep
            log.warning("slack: inbox sweep failed: %s", type(exc).__name__)

    def start(self) -> None:
        """Sweep now and then periodically (idempotent)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="slack-inbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sweeping; a sweep in progress finishes first."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            if not self._thread.is_alive():  # else a later start() would run a second sweeper
                self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.interval)
