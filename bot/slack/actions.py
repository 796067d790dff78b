"""Buttons and modals: resolve or assign a gap, start check-ins, helpful / not helpful."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.checkins.pilots import Checkins
from bot.errors import InvalidInput, NotFound
from bot.limits import clean_text, valid_id
from bot.service import Coach
from bot.slack import blocks as bk
from bot.slack.checkins import start_checkins
from bot.slack.conversation import workspace_owner
from bot.slack.replies import Poster, run_reporting

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"[0-9]{1,10}")


def row_id(value: object, what: str) -> int:
    """The id a button or block carries; one that cannot exist is NotFound, never a database error."""
    text = str(value or "")
    if not _DIGITS.fullmatch(text) or not valid_id(int(text)):
        raise NotFound(f"That {what} no longer exists: post a fresh report.")
    return int(text)


def _where(body: dict[str, Any], client: WebClient) -> Poster:
    """A poster for the thread the clicked message lives in."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return Poster(client, channel, message.get("thread_ts") or message.get("ts"))


def _owner(body: dict[str, Any]) -> str:
    """The clicking workspace's owner id: it may act only on its own assessments and gaps."""
    user = body.get("user") or {}
    return workspace_owner(str((body.get("team") or {}).get("id") or user.get("team_id") or ""))


def register_actions(app: App, coach: Coach, checkins_service: Checkins) -> None:
    """Attach the block-action and view-submission listeners."""

    def resolve(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, poster = body["user"]["id"], _where(body, client)

        def work() -> None:  # another workspace's gap is NotFound, said in the thread
            gap_id = row_id(action.get("value"), "gap")
            coach.update_gap(gap_id, status="resolved", actor=user, owner=_owner(body))
            message = body.get("message") or {}
            if message.get("ts"):
                blocks = bk.mark_resolved(message.get("blocks", []), gap_id, user)
                client.chat_update(
                    channel=poster.channel,
                    ts=message["ts"],
                    blocks=blocks,
                    text=message.get("text", "Readiness report"),
                )

        run_reporting(poster, work)

    def assign(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, owner = body["user"]["id"], action.get("selected_user") or ""
        poster = _where(body, client)

        def work() -> None:
            gap_id = row_id(str(action.get("block_id", "")).partition(":")[2], "gap")
            gap = coach.update_gap(gap_id, assignee=owner, actor=user, owner=_owner(body))
            poster.mrkdwn(f"<@{owner}> now owns “{bk.escape(gap.title)}” (assigned by <@{user}>).")

        run_reporting(poster, work)

    def checkins(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, poster = body["user"]["id"], _where(body, client)
        owner = _owner(body)
        run_reporting(
            poster,
            lambda: poster.mrkdwn(
                start_checkins(checkins_service, row_id(action.get("value"), "report"), poster.channel, user, owner)
            ),
        )

    app.action("gap_resolve")(ack=_ack, lazy=[resolve])
    app.action("gap_assign")(ack=_ack, lazy=[assign])
    app.action("checkins_start")(ack=_ack, lazy=[checkins])
    register_feedback(app, coach)


def _ack(ack: Ack) -> None:
    ack()


def register_feedback(app: App, coach: Coach) -> None:
    """Helpful / not helpful: recorded at the click, then an optional comment in a modal."""

    def feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()  # the modal must open within the trigger's 3 s, so no lazy listener here
        helpful = action["action_id"] == "feedback_helpful"
        assessment_id = _owned_id(coach, body, action.get("value"))
        if assessment_id is None:
            return
        coach.record_feedback(assessment_id, helpful, actor=body["user"]["id"], owner=_owner(body))
        try:
            client.views_open(trigger_id=body["trigger_id"], view=bk.feedback_modal(assessment_id, helpful))
        except Exception as exc:  # the click is recorded; the comment is optional
            log.warning("slack: could not open the feedback modal: %s", type(exc).__name__)

    def comment(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        assessment_id, _, helpful = str(view.get("private_metadata", "")).partition(":")
        values = view.get("state", {}).get("values", {})
        text = _comment(values.get("comment", {}).get("text", {}).get("value"))
        if text and (owned := _owned_id(coach, body, assessment_id)) is not None:
            coach.record_feedback(owned, helpful == "1", actor=body["user"]["id"], comment=text, owner=_owner(body))

    app.action("feedback_helpful")(feedback)
    app.action("feedback_unhelpful")(feedback)
    app.view("feedback_comment")(comment)


def _comment(raw: object) -> str:
    """The modal's comment cleaned like any message ('' when empty or not text: it is optional)."""
    try:
        return clean_text(str(raw or ""), bk.MAX_COMMENT, "comment")
    except InvalidInput:  # empty, binary or too long: the click is recorded already
        return ""


def _owned_id(coach: Coach, body: dict[str, Any], value: object) -> int | None:
    """The assessment id when it is the clicking workspace's; anything else is ignored, and logged."""
    try:
        assessment_id = row_id(value, "report")
        coach.stored_report(assessment_id, owner=_owner(body))
    except NotFound:
        log.warning("slack: feedback on assessment %.20r refused: not this workspace's", value)
        return None
    return assessment_id
