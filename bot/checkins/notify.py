"""Where check-ins go: Slack, a log, or memory (tests); each post carries an idempotency key."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.checkins.records import Pilot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageRef:
    """Where a message landed: channel and timestamp (Slack's message id)."""

    channel: str
    ts: str


class Notifier(Protocol):
    """Posts messages about a pilot; `find` answers whether a key was already posted."""

    def post(
        self,
        pilot: Pilot,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        idempotency_key: str,
        thread_ts: str | None = None,
        image: bytes | None = None,
    ) -> MessageRef:
        """Post text (and optional blocks and image) to the pilot's channel or a thread."""
        ...

    def find(self, pilot: Pilot, idempotency_key: str, thread_ts: str | None = None) -> MessageRef | None:
        """The message already posted under this key, if the destination can tell."""
        ...


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

    def post(
        self,
        pilot: Pilot,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        idempotency_key: str,
        thread_ts: str | None = None,
        image: bytes | None = None,
    ) -> MessageRef:
        """Record the post and return a fresh ts."""
        channel = pilot.channel or f"pilot-{pilot.id}"
        with self._lock:
            ts = f"{len(self.posts) + 1}.000100"
            self.posts.append(Posted(pilot.id, channel, text, idempotency_key, thread_ts, ts, image, blocks))
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


class LogNotifier:
    """Writes each message to the log (and optionally a printer): the CLI without Slack."""

    def __init__(self, printer: Any = None) -> None:
        self.printer = printer
        self._count = 0

    def post(
        self,
        pilot: Pilot,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        idempotency_key: str,
        thread_ts: str | None = None,
        image: bytes | None = None,
    ) -> MessageRef:
        """Log the message; the ref is local to this process."""
        self._count += 1
        channel = pilot.channel or f"pilot-{pilot.id}"
        log.info("check-in message %s to %s:\n%s", idempotency_key, channel, text)
        if self.printer is not None:
            self.printer(f"--- {idempotency_key} -> {channel}\n{text}\n")
        return MessageRef(channel, f"log-{self._count}")

    def find(self, pilot: Pilot, idempotency_key: str, thread_ts: str | None = None) -> MessageRef | None:
        """A log cannot be searched: an interrupted post is repeated (at-least-once)."""
        return None


METADATA_EVENT = "coach_checkin"


class SlackNotifier:
    """Posts to the pilot's Slack channel; each message carries its key as message metadata."""

    def __init__(self, client: Any, legend: str = "") -> None:
        self.client = client  # a slack_sdk WebClient
        self.legend = legend

    @classmethod
    def from_settings(cls, settings: Any, legend: str = "") -> SlackNotifier:
        """A notifier on the configured bot token and API URL."""
        from slack_sdk import WebClient

        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        kwargs = {"base_url": settings.slack_api_url} if settings.slack_api_url else {}
        return cls(WebClient(token=token, timeout=30, **kwargs), legend)

    def post(
        self,
        pilot: Pilot,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        idempotency_key: str,
        thread_ts: str | None = None,
        image: bytes | None = None,
    ) -> MessageRef:
        """chat.postMessage with the key in metadata; then the trend image in the thread."""
        channel = _channel(pilot)
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"key": idempotency_key}}
        resp = self.client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, thread_ts=thread_ts, metadata=metadata
        )
        ref = MessageRef(str(resp["channel"]), str(resp["ts"]))
        if image is not None:
            self._upload(ref, image, idempotency_key)
        return ref

    def _upload(self, ref: MessageRef, image: bytes, key: str) -> None:
        """The trend chart as a PNG in the thread; if it fails the text sparkline remains."""
        from slack_sdk.errors import SlackApiError

        try:
            self.client.files_upload_v2(
                channel=ref.channel, thread_ts=ref.ts, content=image,
                filename=f"trend-{key.replace(':', '-')}.png", title="Readiness trend",
                initial_comment=f"Readiness per dimension (levels 1-5). {self.legend}".strip(),
            )  # fmt: skip
        except (SlackApiError, OSError) as exc:  # e.g. missing files:write scope
            log.warning("trend image upload failed for %s: %s", key, exc)

    def find(self, pilot: Pilot, idempotency_key: str, thread_ts: str | None = None) -> MessageRef | None:
        """Look through recent channel (or thread) history for a message carrying this key."""
        channel = _channel(pilot)
        if thread_ts:
            resp = self.client.conversations_replies(
                channel=channel, ts=thread_ts, limit=200, include_all_metadata=True
            )
        else:
            resp = self.client.conversations_history(channel=channel, limit=100, include_all_metadata=True)
        for message in resp.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == idempotency_key:
                return MessageRef(channel, str(message["ts"]))
        return None


def _channel(pilot: Pilot) -> str:
    if not pilot.channel:
        from bot.errors import InvalidInput

        raise InvalidInput(f"Pilot {pilot.id} has no Slack channel: set one with `coach pilots add --channel`.")
    return pilot.channel
