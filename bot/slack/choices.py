"""Quick-reply buttons under a question: a click is the team's answer, sent through the conversation."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import blocks as bk
from bot.slack.conversation import Conversations, Thread

CHOICE = re.compile(rf"^{bk.CHOICE_ACTION}[0-9]+$")


def clicked_thread(body: dict[str, Any]) -> Thread:
    """The thread the clicked question lives in (a DM's top level has no thread)."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    return Thread(str(team), str(channel), message.get("thread_ts"), dm=str(channel).startswith("D"))


def register_choices(app: App, convo: Conversations) -> None:
    """Attach the quick-reply button listener: ack at once, answer lazily."""

    def ack_now(ack: Ack) -> None:
        ack()

    def choose(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, thread = body["user"]["id"], clicked_thread(body)
        message = body.get("message") or {}
        label = str((action.get("text") or {}).get("text") or action.get("value") or "")
        if message.get("ts"):  # the buttons go, so the question is answered once
            client.chat_update(
                channel=thread.channel,
                ts=message["ts"],
                blocks=bk.choice_made(message.get("blocks", []), label, user),
                text=message.get("text", "Question"),
            )
        event = f"choice:{message.get('ts', '')}:{action.get('action_ts', '')}"
        convo.on_message(client, thread, user, str(action.get("value") or ""), may_start=False, event_id=event)

    app.action(CHOICE)(ack=ack_now, lazy=[choose])
