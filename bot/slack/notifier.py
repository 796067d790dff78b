"""Check-ins to Slack: each message carries its idempotency key as message metadata, so a
worker that died after posting finds the post instead of sending it twice."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.checkins.notify import MessageRef, Outgoing
from bot.checkins.records import Pilot
from bot.config import Settings
from bot.errors import InvalidInput

log = logging.getLogger(__name__)

METADATA_EVENT = "coach_checkin"


class SlackNotifier:
    """Posts to the pilot's Slack channel; each message carries its key as message metadata."""

    def __init__(self, client: Any, legend: str = "") -> None:
        self.client = client  # a slack_sdk WebClient
        self.legend = legend

    @classmethod
    def from_settings(cls, settings: Settings, legend: str = "") -> SlackNotifier:
        """A notifier on the configured bot token and API URL."""
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        return cls(WebClient(token=token, timeout=30, base_url=settings.slack_api_url or WebClient.BASE_URL), legend)

    def post(self, pilot: Pilot, message: Outgoing) -> MessageRef:
        """chat.postMessage with the key in metadata; then the trend image in the thread."""
        channel = _channel(pilot)
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"key": message.key}}
        resp = self.client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks, thread_ts=message.thread_ts, metadata=metadata
        )
        ref = MessageRef(str(resp["channel"]), str(resp["ts"]))
        if message.image is not None:
            self._upload(ref, message.image, message.key)
        return ref

    def _upload(self, ref: MessageRef, image: bytes, key: str) -> None:
        """The trend chart as a PNG in the thread; if it fails the text sparkline remains."""
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
        raise InvalidInput(f"Pilot {pilot.public_id} has no Slack channel: set one with `coach pilots add --channel`.")
    return pilot.channel
