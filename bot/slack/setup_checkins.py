"""The "Start weekly check-ins" button: a modal asks for the business owner (optional), the sponsor, the channel
and the time zone; the pilot is registered from the submitted form, never from who clicked."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.checkins.pilots import Checkins
from bot.checkins.records import Pilot
from bot.service import Coach
from bot.slack.actions import owner_of, public_ref, where
from bot.slack.blocks import escape, who
from bot.slack.replies import Poster, run_reporting

log = logging.getLogger(__name__)
CALLBACK = "checkins_setup"
BAD_ZONE = "Not a time zone I know: use a name like Europe/Amsterdam or America/New_York."
NO_SPONSOR = "Choose the sponsor: stalled gaps are escalated to them."
MAX_ZONE = 64


def _input(block_id: str, label: str, element: dict[str, Any], hint: str, optional: bool = False) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "optional": optional,
            "label": {"type": "plain_text", "text": label}, "element": element,
            "hint": {"type": "plain_text", "text": hint}}  # fmt: skip


def checkins_modal(
    assessment_id: str, pilot: str | None, channel: str, thread_ts: str | None, zone: str
) -> dict[str, Any]:
    """The set-up form; `channel`/`thread_ts` (where the button was) get the confirmation."""
    meta = json.dumps({"assessment_id": assessment_id, "channel": channel, "thread_ts": thread_ts})
    about = f"*{escape(pilot)}*" if pilot else "this pilot"
    intro = (f"Each week I'll ask in the channel what moved on each open gap of {about}. When a gap stalls "
             "I tell the business owner and the sponsor.")  # fmt: skip
    select_channel = {"type": "conversations_select", "action_id": "channel",
                      "filter": {"include": ["public", "private"], "exclude_bot_users": True}}  # fmt: skip
    if channel:
        select_channel["initial_conversation"] = channel
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "private_metadata": meta,
        "title": {"type": "plain_text", "text": "Weekly check-ins"},
        "submit": {"type": "plain_text", "text": "Start"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
            _input(
                "owner",
                "Business owner",
                {"type": "users_select", "action_id": "user"},
                "Whose numbers move if this works. Leave it empty if nobody has agreed yet: "
                "that is then the pilot's first gap.",
                optional=True,
            ),  # fmt: skip
            _input(
                "sponsor",
                "Sponsor",
                {"type": "users_select", "action_id": "user"},
                "Who funds the pilot; stalled gaps are escalated to them.",
            ),  # fmt: skip
            _input(
                "channel", "Channel for the check-ins", select_channel, "Invite me there first if it is private."
            ),  # fmt: skip
            _input(
                "zone",
                "Time zone",
                {"type": "plain_text_input", "action_id": "zone", "initial_value": zone, "max_length": MAX_ZONE},
                "The weekly check-in is scheduled in this zone.",
            ),  # fmt: skip
        ],
    }


@dataclass(frozen=True)
class CheckinsForm:
    """What the set-up form said, and where its button was."""

    assessment_id: object
    business_owner: str | None
    sponsor: str | None
    channel: str | None
    zone: str
    origin_channel: str
    origin_thread: str | None

    def errors(self) -> dict[str, str]:
        """Field errors to show in the modal (empty when the form can be registered)."""
        errors = {}
        if not self.sponsor:
            errors["sponsor"] = NO_SPONSOR
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["zone"] = BAD_ZONE
        return errors


def read_form(view: dict[str, Any]) -> CheckinsForm:
    """The submitted values (Slack's view state) and the metadata the modal carried."""
    values = (view.get("state") or {}).get("values") or {}

    def picked(block: str, action: str, key: str) -> str | None:
        return ((values.get(block) or {}).get(action) or {}).get(key) or None

    try:
        meta = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    return CheckinsForm(
        assessment_id=meta.get("assessment_id"),
        business_owner=picked("owner", "user", "selected_user"),
        sponsor=picked("sponsor", "user", "selected_user"),
        channel=picked("channel", "channel", "selected_conversation"),
        zone=str(picked("zone", "zone", "value") or "UTC").strip()[:MAX_ZONE],
        origin_channel=str(meta.get("channel") or ""),
        origin_thread=meta.get("thread_ts") or None,
    )


def confirmation(pilot: Pilot, user: str) -> str:
    """What the thread is told once the pilot is followed (Slack mrkdwn)."""
    people = ", ".join(who(p) for p in pilot.people) or "the team"
    owner = (f"Business owner: {who(pilot.business_owner)}" if pilot.business_owner
             else "*No business owner yet*: nobody has agreed to own the outcome, the first gap to close")  # fmt: skip
    return (f"Weekly check-ins are on for *{escape(pilot.name)}* in <#{pilot.channel}> (set up by <@{user}>): "
            f"every week, {escape(pilot.timezone)} time, I'll ask {people} what moved on each open gap.\n"
            f"{owner} · Sponsor: {who(pilot.sponsor)}")  # fmt: skip


def user_zone(client: WebClient, user: str) -> str:
    """The clicking user's Slack time zone, UTC when Slack does not say."""
    try:
        zone = (client.users_info(user=user).get("user") or {}).get("tz")
    except (SlackApiError, OSError) as exc:
        log.debug("slack: no time zone for the user: %s", type(exc).__name__)
        return "UTC"
    return str(zone) if zone else "UTC"


def register_checkins_setup(app: App, coach: Coach, checkins: Checkins) -> None:
    """The button opens the form (within the trigger's 3 s, so not lazily); the submission registers."""

    def open_form(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        poster, owner = where(body, client), owner_of(body)

        def work() -> None:
            assessment_id = public_ref(action.get("value"), "report")
            report = coach.stored_report(assessment_id, owner=owner)  # another workspace's: NotFound
            zone = user_zone(client, body["user"]["id"])
            view = checkins_modal(assessment_id, report.pilot_name, poster.channel, poster.thread_ts, zone)
            client.views_open(trigger_id=body["trigger_id"], view=view)

        run_reporting(poster, work)

    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        form = read_form(view)
        if errors := form.errors():
            ack(response_action="errors", errors=errors)
            return
        ack()
        user = body["user"]["id"]
        poster = Poster(client, form.origin_channel or form.channel or "", form.origin_thread)

        def work() -> None:
            pilot = checkins.follow_from_chat(
                public_ref(form.assessment_id, "report"), form.channel or form.origin_channel, started_by=user,
                owner=owner_of(body), sponsor=form.sponsor, business_owner=form.business_owner, timezone=form.zone,
            )  # fmt: skip
            poster.mrkdwn(confirmation(pilot, user))

        run_reporting(poster, work)

    app.action("checkins_start")(open_form)
    app.view(CALLBACK)(submit)
