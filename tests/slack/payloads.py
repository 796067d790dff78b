"""Slack request payloads shaped like Slack's documented ones, and a client that signs them."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

TEAM = "T0TEAM"
BOT = "UBOT"
_ts = itertools.count(1)


def new_ts() -> str:
    """A fresh message ts, distinct from the fake server's."""
    return f"1710000000.{next(_ts):06d}"


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope around one event."""
    return {
        "token": "verification-token-unused",
        "team_id": TEAM,
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
    }  # fmt: skip


def app_mention(user: str, text: str, channel: str, ts: str, thread_ts: str | None = None):  # type: ignore[no-untyped-def]
    """An `app_mention` event (text includes the `<@UBOT>` mention)."""
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT}> {text}", "ts": ts,
             "channel": channel, "event_ts": ts, "team": TEAM,
             "blocks": [{"type": "rich_text", "block_id": "b1", "elements": []}]}  # fmt: skip
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(  # type: ignore[no-untyped-def]
    user: str,
    text: str,
    channel: str,
    ts: str,
    thread_ts: str | None = None,
    channel_type: str = "channel",
):
    """A `message` event (`message.channels`, `message.im`, …; a reply when thread_ts is set)."""
    event = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel,
             "event_ts": ts, "channel_type": channel_type, "team": TEAM}  # fmt: skip
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = BOT
    return event


def slash_command(text: str, user: str, channel: str, response_url: str) -> dict[str, str]:
    """The form fields of a `/readiness` slash command."""
    return {"token": "unused", "team_id": TEAM, "team_domain": "fake", "channel_id": channel,
            "channel_name": "pilots", "user_id": user, "user_name": user.lower(),
            "command": "/readiness", "text": text, "api_app_id": "A0APP",
            "is_enterprise_install": "false", "response_url": response_url,
            "trigger_id": "1337.42.abcd"}  # fmt: skip


def block_actions(  # type: ignore[no-untyped-def]
    user: str, action: dict[str, Any], channel: str, message: dict[str, Any], response_url: str
):
    """A `block_actions` payload for a click on a message posted by the bot."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0APP", "token": "unused",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                      "is_ephemeral": False, "thread_ts": message.get("thread_ts")},
        "trigger_id": "1337.42.trigger",
        "team": {"id": TEAM, "domain": "fake"},
        "channel": {"id": channel, "name": "pilots"},
        "message": message,
        "response_url": response_url,
        "actions": [{"action_ts": str(time.time()), **action}],
    }  # fmt: skip


def view_submission(user: str, view: dict[str, Any], comment: str | None) -> dict[str, Any]:
    """A `view_submission` payload for the feedback modal."""
    value = {"comment": {"text": {"type": "plain_text_input", "value": comment}}}
    return {
        "type": "view_submission", "team": {"id": TEAM, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0APP", "token": "unused", "trigger_id": "1337.43.trigger",
        "view": {**view, "id": "V0FAKE", "team_id": TEAM, "state": {"values": value}},
    }  # fmt: skip


def form_submission(user: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A `view_submission` payload for a modal, with its state `values` (block -> action -> value)."""
    return {
        "type": "view_submission", "team": {"id": TEAM, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0APP", "token": "unused", "trigger_id": "1337.44.trigger",
        "view": {**view, "id": "V0FORM", "team_id": TEAM, "state": {"values": values}},
    }  # fmt: skip


def checkins_values(owner: str | None, sponsor: str | None, channel: str, zone: str) -> dict[str, dict[str, Any]]:
    """The check-in set-up form's state as Slack sends it."""
    return {
        "owner": {"user": {"type": "users_select", "selected_user": owner}},
        "sponsor": {"user": {"type": "users_select", "selected_user": sponsor}},
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": channel}},
        "zone": {"zone": {"type": "plain_text_input", "value": zone}},
    }


def app_home_opened(user: str, tab: str = "home") -> dict[str, Any]:
    """The `app_home_opened` event Slack sends when someone opens the app's Home (or Messages) tab."""
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": tab,
            "event_ts": new_ts()}  # fmt: skip


def home_click(user: str, action: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """A `block_actions` payload for a click on the app's Home tab (a view, not a message)."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0APP", "token": "unused",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": "1337.45.trigger", "team": {"id": TEAM, "domain": "fake"},
        "view": {"id": "V0HOME", "team_id": TEAM, "state": {"values": {}}, **view},
        "actions": [{"action_ts": str(time.time()), **action}],
    }  # fmt: skip


class SlackSender:
    """Posts signed requests to the FastAPI app, as Slack does."""

    def __init__(self, client: TestClient, secret: str) -> None:
        self.client = client
        self.verifier = SignatureVerifier(secret)

    def post(self, path: str, body: str, content_type: str, **headers: str):  # type: ignore[no-untyped-def]
        """POST a body signed now (or with the given timestamp/signature headers)."""
        ts = headers.pop("timestamp", None) or str(int(time.time()))
        sig = headers.pop("signature", None) or self.verifier.generate_signature(timestamp=ts, body=body)
        head = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
                "Content-Type": content_type, **headers}  # fmt: skip
        return self.client.post(path, content=body.encode("utf-8"), headers=head)

    def event(self, event: dict[str, Any], event_id: str | None = None, **headers: str):  # type: ignore[no-untyped-def]
        """Deliver one event to /slack/events."""
        body = json.dumps(event_callback(event, event_id))
        return self.post("/slack/events", body, "application/json", **headers)

    def command(self, form: dict[str, str]):  # type: ignore[no-untyped-def]
        """Deliver a slash command to /slack/commands."""
        return self.post("/slack/commands", urlencode(form), "application/x-www-form-urlencoded")

    def interaction(self, payload: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Deliver an interactive payload to /slack/interactions."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post("/slack/interactions", body, "application/x-www-form-urlencoded")
