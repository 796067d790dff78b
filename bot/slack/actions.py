"""Buttons and modals: resolve or assign a gap (the report is rebuilt), start check-ins, helpful / not helpful."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import InvalidInput, NotFound
from bot.limits import clean_text, is_public_id
from bot.portfolio.service import Portfolio
from bot.service import Coach
from bot.slack import blocks as bk
from bot.slack import compact
from bot.slack.conversation import workspace_owner
from bot.slack.home import publish_home
from bot.slack.replies import Poster, run_reporting

log = logging.getLogger(__name__)


def public_ref(value: object, what: str) -> str:
    """The public id a button, block or modal carries; anything else (an old integer id, a forged
    value) is NotFound, never a database error or another record."""
    text = str(value or "")
    if not is_public_id(text):
        raise NotFound(f"That {what} no longer exists: post a fresh report.")
    return text


def where(body: dict[str, Any], client: WebClient) -> Poster:
    """A poster for the thread the clicked message lives in (nowhere for a click on the Home tab)."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return Poster(client, channel, message.get("thread_ts") or message.get("ts"))


def owner_of(body: dict[str, Any]) -> str:
    """The clicking workspace's owner id: it may act only on its own assessments and gaps."""
    return workspace_owner(team_of(body))


def team_of(body: dict[str, Any]) -> str:
    """The workspace a click or submission came from."""
    user = body.get("user") or {}
    return str((body.get("team") or {}).get("id") or user.get("team_id") or "")


def on_home(body: dict[str, Any]) -> bool:
    """True for a click on the app's Home tab rather than on a message."""
    return (body.get("view") or {}).get("type") == "home"


def refresh(
    coach: Coach, client: WebClient, body: dict[str, Any], assessment_id: str, portfolio: Portfolio | None = None
) -> None:
    """Rebuild what was clicked from the stored gaps: the compact report message, or the Home tab (with
    the viewer's pilots, as opening it shows them)."""
    if on_home(body):
        publish_home(coach, client, team_of(body), body["user"]["id"], portfolio)
        return
    message, owner = body.get("message") or {}, owner_of(body)
    if not message.get("ts"):
        return
    report, gaps = coach.stored_report(assessment_id, owner=owner), coach.gaps(assessment_id, owner=owner)
    channel = where(body, client).channel
    client.chat_update(channel=channel, ts=message["ts"], blocks=compact.report_blocks(report, assessment_id, gaps),
                       text=compact.report_text(report, gaps))  # fmt: skip


def register_actions(app: App, coach: Coach, portfolio: Portfolio | None = None) -> None:
    """Attach the gap buttons and the feedback listeners (check-in set-up: setup_checkins); `portfolio`
    lists the viewer's pilots when a click rebuilds the Home tab."""

    def resolve(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, poster = body["user"]["id"], where(body, client)

        def work() -> None:  # another workspace's gap is NotFound, said in the thread
            gap = coach.update_gap(
                public_ref(action.get("value"), "gap"), status="resolved", actor=user, owner=owner_of(body)
            )
            refresh(coach, client, body, gap.assessment_id, portfolio)

        run_reporting(poster, work)

    def assign(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, owner = body["user"]["id"], action.get("selected_user") or ""
        poster = where(body, client)

        def work() -> None:
            gap_id = public_ref(str(action.get("block_id", "")).partition(":")[2], "gap")
            gap = coach.update_gap(gap_id, assignee=owner, actor=user, owner=owner_of(body))
            refresh(coach, client, body, gap.assessment_id, portfolio)
            if not on_home(body):
                poster.mrkdwn(f"<@{owner}> now owns “{bk.escape(gap.title)}” (assigned by <@{user}>).")

        run_reporting(poster, work)

    app.action("gap_resolve")(ack=_ack, lazy=[resolve])
    app.action("gap_assign")(ack=_ack, lazy=[assign])
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
        coach.record_feedback(assessment_id, helpful, actor=body["user"]["id"], owner=owner_of(body))
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
            coach.record_feedback(owned, helpful == "1", actor=body["user"]["id"], comment=text, owner=owner_of(body))

    app.action("feedback_helpful")(feedback)
    app.action("feedback_unhelpful")(feedback)
    app.view("feedback_comment")(comment)


def _comment(raw: object) -> str:
    """The modal's comment cleaned like any message ('' when empty or not text: it is optional)."""
    try:
        return clean_text(str(raw or ""), bk.MAX_COMMENT, "comment")
    except InvalidInput:  # empty, binary or too long: the click is recorded already
        return ""


def _owned_id(coach: Coach, body: dict[str, Any], value: object) -> str | None:
    """The assessment id when it is the clicking workspace's; anything else is ignored, and logged."""
    try:
        assessment_id = public_ref(value, "report")
        coach.stored_report(assessment_id, owner=owner_of(body))
    except NotFound:
        log.warning("slack: feedback on assessment %.20r refused: not this workspace's", value)
        return None
    return assessment_id
