"""Test doubles for check-ins: a clock that moves only when told, and a notifier that keeps posts in memory."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.checkins.notify import MessageRef, Outgoing
from bot.checkins.records import Pilot


class ManualClock:
    """A clock that moves only when told to: weeks of check-ins simulated in seconds."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current simulated instant."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by delta and return the new instant."""
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        """Jump to an instant (never backwards)."""
        with self._lock:
            if when.astimezone(UTC) < self._now:
                raise ValueError("ManualClock cannot go backwards")
            self._now = when.astimezone(UTC)


@dataclass
class Posted:
    """One message a MemoryNotifier received."""

    pilot_id: int
    channel: str
    text: str
    key: str
    thread_ts: str | None
    ts: str
    image: bytes | None = None
    blocks: list[dict[str, Any]] | None = None


@dataclass
class MemoryNotifier:
    """Keeps every post in a list (thread-safe): the destination tests count."""

    posts: list[Posted] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, pilot: Pilot, message: Outgoing) -> MessageRef:
        """Record the post and return a fresh ts."""
        channel = pilot.channel or f"pilot-{pilot.id}"
        m = message
        with self._lock:
            ts = f"{len(self.posts) + 1}.000100"
            self.posts.append(Posted(pilot.id, channel, m.text, m.key, m.thread_ts, ts, m.image, m.blocks))
        return MessageRef(channel, ts)

    def find(self, pilot: Pilot, idempotency_key: str, thread_ts: str | None = None) -> MessageRef | None:
        """The earlier post under this key, if any."""
        with self._lock:
            for p in self.posts:
                if p.key == idempotency_key:
                    return MessageRef(p.channel, p.ts)
        return None

    def keys(self) -> list[str]:
        """Every idempotency key posted, in order."""
        with self._lock:
            return [p.key for p in self.posts]
