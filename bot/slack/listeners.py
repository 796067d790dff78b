"""Event and slash-command listeners: ack at once, do the coach's work in lazy listeners."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.event_claims import EventClaims
from bot.slack.blocks import escape
from bot.slack.conversation import Conversations, Thread
from bot.slack.replies import run_reporting, slack_error

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
HELP = (
    "*Readiness Coach* interviews your team about an AI pilot and posts a gap list you can act "
    "on.\n• `/readiness start [pilot name]`: start an interview in a thread here\n"
    "• `/readiness status`: progress of the latest interview in this channel\n"
    "• `/readiness report`: post its gap list so far\n"
    "• `/readiness ask @person area, area [as role]`: that person answers those areas in a DM\n"
    "• `/readiness remind`: nudge whoever named has not finished\n"
    "• Mention me with a question (`@coach what does good governance look like?`) for an "
    "answer from the playbook, or DM me."
)
PROMPTS = [
    {"title": "Assess my pilot", "message": "start"},
    {"title": "What stalls pilots?", "message": "What stops AI pilots reaching production?"},
    {"title": "Good governance", "message": "What does good governance look like for an AI pilot?"},
]
CANNOT_POST = "I can't post in this channel: invite me with `/invite @Readiness Coach` and try again."
GREETING = "Hi! I can interview your team about an AI pilot, or answer questions from the playbook."


def strip_mentions(text: str) -> str:
    """The message without `<@U…>` mentions."""
    return " ".join(_MENTION.sub(" ", text or "").split())


def thread_of(key: str) -> Thread:
    """The thread an external key names (`slack:TEAM:CHANNEL:TS`)."""
    _, team, channel, ts = key.split(":", 3)
    return Thread(team, channel, None if ts == "dm" else ts)


def done_marker(claims: EventClaims, body: dict[str, Any]) -> Callable[[], None]:
    """A callback that marks this delivery done, so Slack's retries of it are ignored from then on."""
    event_id = body.get("event_id")

    def done() -> None:
        if not event_id:
            return
        try:
            claims.done(str(event_id))
        except SQLAlchemyError as exc:  # the reply matters more: at worst a late retry runs again
            log.warning("slack: could not mark event %s done: %s", event_id, type(exc).__name__)

    return done


def just_ack(ack: Ack) -> None:
    """Acknowledge at once; the lazy listener does the work."""
    ack()


Verb = tuple[str, Callable[[dict[str, Any], WebClient, Respond], None]]  # a `/readiness` verb: ack text, lazy work


def register_listeners(app: App, convo: Conversations, verbs: Mapping[str, Verb] | None = None) -> None:
    """Attach the event and command listeners to the Bolt app (`verbs`: more `/readiness` verbs)."""
    claims = convo.coach.event_claims()

    def on_mention(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        thread = Thread(body["team_id"], event["channel"], event.get("thread_ts") or event["ts"])
        text = strip_mentions(event.get("text", ""))
        stored = done_marker(claims, body)
        user = event.get("user", "")
        convo.on_message(client, thread, user, text, may_start=True, stored=stored, event_id=body.get("event_id"))

    def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        stored = done_marker(claims, body)
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            stored()  # edits, joins, bots: not the team answering
            return
        text = event.get("text", "")
        is_dm = event.get("channel_type") == "im"
        if not is_dm and (not event.get("thread_ts") or f"<@{context.get('bot_user_id')}>" in text):
            stored()  # top-level channel chatter, or a mention (handled by on_mention)
            return
        thread = Thread(body["team_id"], event["channel"], event.get("thread_ts"), dm=is_dm)
        convo.on_message(
            client,
            thread,
            event["user"],
            strip_mentions(text),
            may_start=is_dm,
            stored=stored,
            event_id=body.get("event_id"),
        )

    def on_thread_started(event: dict[str, Any], client: WebClient) -> None:
        info = event.get("assistant_thread", {})
        poster = Thread("", info.get("channel_id", ""), info.get("thread_ts")).poster(client)
        try:
            client.assistant_threads_setSuggestedPrompts(
                channel_id=poster.channel, thread_ts=poster.thread_ts or "", prompts=PROMPTS
            )
        except Exception:  # not every workspace has assistant threads: stay quiet
            pass
        run_reporting(poster, lambda: poster.text(GREETING))

    app.event("app_mention")(ack=just_ack, lazy=[on_mention])
    app.event("message")(ack=just_ack, lazy=[on_message])
    app.event("assistant_thread_started")(ack=just_ack, lazy=[on_thread_started])
    register_command(app, convo, verbs or {})


def register_command(app: App, convo: Conversations, verbs: Mapping[str, Verb]) -> None:
    """`/readiness start [pilot] | status | report | help`, and the `verbs` given."""

    def ack_command(ack: Ack, command: dict[str, Any]) -> None:
        verb = (command.get("text") or "").strip().split(" ", 1)[0].lower()
        if verb in verbs:
            ack(text=verbs[verb][0])
            return
        if verb == "start":
            ack(text="Starting an interview in a thread…")
            return
        if verb not in ("status", "report"):
            ack(text=HELP)
            return
        session = convo.latest_in(command["team_id"], command["channel_id"])
        if session is None:
            ack(text="No interview in this channel yet: start one with `/readiness start`.")
        elif verb == "status":
            ack(text=convo.status_text(session))
        else:
            ack(text="Posting the gap list so far in the interview thread…")

    def run_command(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        text = (command.get("text") or "").strip()
        verb, _, rest = text.partition(" ")
        team, channel, user = command["team_id"], command["channel_id"], command["user_id"]
        if verb.lower() in verbs:
            verbs[verb.lower()][1](command, client, respond)
        elif verb.lower() == "start":
            start_in_channel(client, convo, command, rest.strip() or None, respond)
        elif verb.lower() == "report" and (session := convo.latest_in(team, channel)):
            convo.report(client, thread_of(session.external_key or ""), session.id, user)

    app.command("/readiness")(ack=ack_command, lazy=[run_command])


def start_in_channel(
    client: WebClient,
    convo: Conversations,
    command: dict[str, Any],
    pilot: str | None,
    respond: Respond,
) -> None:
    """Post an anchor message in the channel and run the interview in its thread."""
    team, channel, user = command["team_id"], command["channel_id"], command["user_id"]
    about = f" about *{escape(pilot)}*" if pilot else ""
    poster = Thread(team, channel, None).poster(client)
    try:
        ts = poster.mrkdwn(
            f"<@{user}> started a readiness interview{about}. Answer in this thread; anyone here can join in."
        )
    except SlackApiError as exc:
        log.warning("slack: cannot start in %s: %s", channel, slack_error(exc))
        respond(text=CANNOT_POST)
        return
    convo.start(client, Thread(team, channel, ts), pilot)
