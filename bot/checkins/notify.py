"""Where check-ins go (Slack's notifier is in bot.slack.notifier); each post carries an idempotency key."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from bot.checkins.records import Pilot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageRef:
    """Where a message landed: channel and timestamp (Slack's message id)."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Outgoing:
    """A message to post about a pilot: its idempotency key, text, optional blocks and image, and the
    thread it answers (None: the channel itself)."""

    key: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    image: bytes | None = None


class Notifier(Protocol):
    """Posts messages about a pilot; `find` answers whether a key was already posted."""

    def post(self, pilot: Pilot, message: Outgoing) -> MessageRef:
        """Post the message (text, optional blocks and image) to the pilot's channel or a thread."""
        ...

    def find(self, pilot: Pilot, idempotency_key: str, thread_ts: str | None = None) -> MessageRef | None:
        """The message already posted under this key, if the destination can tell."""
        ...


class LogNotifier:
    """Writes each message to the log (and optionally a printer): the CLI without Slack."""

    def __init__(self, printer: Any = None) -> None:
        self.printer = printer
        self._count = 0

    def post(self, pilot: Pilot, message: Outgoing) -> MessageRef:
        """Log the message; the ref is local to this process."""
        self._count += 1
        channel = pilot.channel or f"pilot-{pilot.public_id}"
        log.info("check-in message %s to %s:\n%s", message.key, channel, message.text)
        if self.printer is not None:
            self.printer(f"--- {message.key} -> {channel}\n{message.text}\n")
        return MessageRef(channel, f"log-{self._count}")

    def find(self, pilot: Pilot, idempotency_key: str, thread_ts: str | None = None) -> MessageRef | None:
        """A log cannot be searched: an interrupted post is repeated (at-least-once)."""
        return None
