"""Quick-reply buttons under a question: a click is the team's answer, sent through the conversation.

"Add details…" opens a modal to pick an option and say more; both go to the interview as one
answer (`<option>: <details>`, which the interview reads as the option with the team's words)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import blocks as bk
from bot.slack.conversation import Conversations, OnStored, Thread

log = logging.getLogger(__name__)
CHOICE = re.compile(rf"^{bk.CHOICE_ACTION}[0-9]+$")
MAX_METADATA = 3000  # Slack's limit on a view's private_metadata
VIEW, PICK, TEXT = "choice_details", "pick", "details"  # the details modal, its option and its text


def clicked_thread(body: dict[str, Any]) -> Thread:
    """The thread the clicked question lives in (a DM's top level has no thread)."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    return Thread(str(team), str(channel), message.get("thread_ts"), dm=str(channel).startswith("D"))


def answered(
    client: WebClient, thread: Thread, message: dict[str, Any], label: str, user: str, details: str
) -> OnStored:
    """Once the answer is stored: the question's buttons go (best effort; the answer is already kept)."""

    def update() -> None:
        if not message.get("ts"):
            return
        try:
            client.chat_update(
                channel=thread.channel,
                ts=message["ts"],
                blocks=bk.choice_made(message.get("blocks", []), label, user, details),
                text=message.get("text", "Question"),
            )
        except SlackApiError as exc:
            log.warning("slack: could not mark a question answered: %s", exc.response.get("error"))

    return update


def _options(message: dict[str, Any]) -> list[tuple[str, str]]:
    """The question's quick replies (label, value), as its buttons carry them."""
    return [
        (str(e["text"]["text"]), str(e.get("value", "")))
        for b in message.get("blocks", [])
        if b.get("block_id") == bk.CHOICES_BLOCK
        for e in b.get("elements", [])
        if CHOICE.match(str(e.get("action_id", "")))
    ]


def _metadata(thread: Thread, message: dict[str, Any]) -> str:
    """Where the answer goes and what it can be, within Slack's metadata limit (labels alone also match)."""
    options = _options(message)
    meta = {"team": thread.team, "c": thread.channel, "t": thread.thread_ts, "m": message.get("ts"), "o": options}
    text = json.dumps(meta)
    if len(text) > MAX_METADATA:
        text = json.dumps({**meta, "o": [(label, label) for label, _ in options]})
    return text


def details_modal(question: str, choices: Sequence[tuple[str, str]], metadata: str) -> dict[str, Any]:
    """The "Add details" modal: one option (label, value) to pick and the team's details, sent together."""
    options = [
        {"text": {"type": "plain_text", "text": label[:75]}, "value": str(i)} for i, (label, _) in enumerate(choices)
    ]
    return {
        "type": "modal", "callback_id": VIEW, "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Add details"},
        "submit": {"type": "plain_text", "text": "Send answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            *bk.sections(question[: bk.MAX_TEXT - 1]),
            {"type": "input", "block_id": PICK, "label": {"type": "plain_text", "text": "Your answer"},
             "element": {"type": "radio_buttons", "action_id": PICK, "options": options}},
            {"type": "input", "block_id": TEXT, "label": {"type": "plain_text", "text": "Details"},
             "element": {"type": "plain_text_input", "action_id": TEXT, "multiline": True,
                         "max_length": bk.MAX_COMMENT,
                         "placeholder": {"type": "plain_text", "text": "e.g. only for the EU region"}}},
        ],
    }  # fmt: skip


def _question(message: dict[str, Any]) -> str:
    texts = [b["text"]["text"] for b in message.get("blocks", []) if b.get("type") == "section"]
    return "\n".join(texts) or str(message.get("text") or "")


def register_choices(app: App, convo: Conversations) -> None:
    """Attach the quick-reply listeners: ack at once, answer lazily."""

    def ack_now(ack: Ack) -> None:
        ack()

    def choose(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, thread = body["user"]["id"], clicked_thread(body)
        message = body.get("message") or {}
        label = str((action.get("text") or {}).get("text") or action.get("value") or "")
        event = f"choice:{message.get('ts', '')}:{action.get('action_ts', '')}"
        stored = answered(client, thread, message, label, user, "")  # the buttons go once the answer is kept
        value = str(action.get("value") or "")
        convo.on_message(client, thread, user, value, may_start=False, stored=stored, event_id=event)

    def open_details(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()  # views.open needs the trigger within 3 seconds: open it here, not lazily
        message = body.get("message") or {}
        view = details_modal(_question(message), _options(message), _metadata(clicked_thread(body), message))
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def check_details(ack: Ack, view: dict[str, Any]) -> None:
        values = view.get("state", {}).get("values", {})
        picked = (values.get(PICK, {}).get(PICK) or {}).get("selected_option")
        text = str((values.get(TEXT, {}).get(TEXT) or {}).get("value") or "").strip()
        errors = {}
        if not picked:
            errors[PICK] = "Pick the answer your details belong to."
        if not text:
            errors[TEXT] = "Write the details, or close this and click the answer instead."
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def send_details(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        values = view["state"]["values"]
        picked = (values.get(PICK, {}).get(PICK) or {}).get("selected_option")
        details = str((values.get(TEXT, {}).get(TEXT) or {}).get("value") or "").strip()
        meta = json.loads(view.get("private_metadata") or "{}")
        options = meta.get("o") or []
        index = int(picked["value"]) if picked and str(picked.get("value", "")).isdigit() else -1
        if not details or not 0 <= index < len(options):
            return  # check_details refused it; nothing to answer
        label, value = options[index]
        channel, user = str(meta.get("c", "")), body["user"]["id"]
        thread = Thread(str(meta.get("team", "")), channel, meta.get("t"), dm=channel.startswith("D"))
        message = _message(client, thread, str(meta.get("m") or ""))
        stored = answered(client, thread, message, label, user, details)
        text = f"{value.rstrip('.').rstrip()}: {details}"  # one answer: the option with the team's details
        event = f"details:{view.get('id', '')}"  # the same view resubmitted is the same answer
        convo.on_message(client, thread, user, text, may_start=False, stored=stored, event_id=event)

    app.action(CHOICE)(ack=ack_now, lazy=[choose])
    app.action(bk.DETAILS_ACTION)(open_details)
    app.view(VIEW)(ack=check_details, lazy=[send_details])


def _message(client: WebClient, thread: Thread, ts: str) -> dict[str, Any]:
    """The question's message as Slack holds it now (to take its buttons away); {} when unreadable."""
    if not ts:
        return {}
    try:
        resp = client.conversations_replies(
            channel=thread.channel, ts=thread.thread_ts or ts, latest=ts, oldest=ts, inclusive=True
        )
    except SlackApiError as exc:
        log.warning("slack: could not read the answered question: %s", exc.response.get("error"))
        return {}
    found = [m for m in resp.get("messages") or [] if m.get("ts") == ts]
    return found[0] if found else {}
