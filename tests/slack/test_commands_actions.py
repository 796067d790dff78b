"""Slash commands, buttons, pickers and the feedback modal: store and audit log updated."""

from __future__ import annotations

import json

import pytest

from bot.slack.listeners import CANNOT_POST
from tests.slack.conftest import SlackRig
from tests.slack.helpers import as_message, in_thread, is_report_end, text_of, wait_reply
from tests.slack.payloads import TEAM, block_actions, message, new_ts, slash_command, view_submission

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
ANSWERS = [
    "It drafts replies to customer emails; agents review and send them.",
    "The head of customer service sponsors it and owns the budget.",
    "We finished a six-week pilot with ten agents.",
    "It only suggests drafts; a human sends every reply.",
    "For the pilot we exported a sample of emails to a spreadsheet and cleaned it by hand.",
]


def command(rig: SlackRig, text: str, channel: str, user: str = ALICE) -> dict:  # type: ignore[type-arg]
    resp = rig.sender.command(slash_command(text, user, channel, rig.fake.response_url(channel)))
    assert resp.status_code == 200
    if resp.headers.get("content-type", "").startswith("application/json"):
        return resp.json()
    return {"text": resp.text}  # Bolt acks a plain `ack(text=...)` as text/plain, as Slack allows


def started_thread(rig: SlackRig, channel: str, pilot: str = "Invoice triage") -> str:
    """`/readiness start <pilot>`; return the thread's ts (the anchor message)."""
    ack = command(rig, f"start {pilot}", channel)
    assert "Starting" in ack["text"]
    [anchor] = rig.fake.wait_for("chat.postMessage", where=in_thread(channel, None))
    root = anchor.response["ts"]
    wait_reply(rig.fake, channel, root, 0)
    return root


def report_in(rig: SlackRig, channel: str) -> tuple[int, list]:  # type: ignore[type-arg]
    """Answer a few questions, then `/readiness report`; return the assessment id and posts."""
    root = started_thread(rig, channel)
    for text in ANSWERS:
        before = len(rig.fake.posts(channel, root))
        rig.sender.event(message(BOB, text, channel, new_ts(), thread_ts=root))
        wait_reply(rig.fake, channel, root, before)
    assert "Posting the gap list" in command(rig, "report", channel)["text"]
    end = rig.fake.wait_for("chat.postMessage", where=lambda c: in_thread(channel, root)(c)
                            and is_report_end(c))[-1]  # fmt: skip
    assessment_id = int(next(b["block_id"] for b in end.args["blocks"]
                             if b.get("block_id", "").startswith("report:")).split(":")[1])  # fmt: skip
    return assessment_id, rig.fake.posts(channel, root)


def test_help_and_unknown_subcommands_answer_with_usage(slack: SlackRig) -> None:
    for text in ("help", "", "frobnicate"):
        assert "/readiness start [pilot name]" in command(slack, text, "C0HELP")["text"]


def test_status_and_report_without_an_interview_say_how_to_start(slack: SlackRig) -> None:
    for verb in ("status", "report"):
        assert "/readiness start" in command(slack, verb, "C0EMPTY")["text"]


def test_start_posts_an_anchor_and_interviews_in_its_thread(slack: SlackRig) -> None:
    channel = "C0START"
    root = started_thread(slack, channel, "Invoice triage")
    [anchor] = [p for p in slack.fake.posts(channel) if in_thread(channel, None)(p)]
    assert f"<@{ALICE}> started a readiness interview about *Invoice triage*" in text_of(anchor)
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None and session.pilot_name == "Invoice triage"
    assert session.channel == "slack" and session.owner == f"slack:{TEAM}"
    status = command(slack, "status", channel)["text"]
    assert "Interview for Invoice triage: intro" in status and "Production data" in status


def test_start_where_the_bot_is_not_invited_says_so_via_response_url(slack: SlackRig) -> None:
    slack.fake.fail("chat.postMessage", "not_in_channel")
    command(slack, "start", "C0PRIVATE")
    [said] = slack.fake.wait_for("response_url")
    assert said.args["text"] == CANNOT_POST


def test_report_command_posts_the_gap_list_with_buttons(slack: SlackRig) -> None:
    assessment_id, posts = report_in(slack, "C0REPORT")
    gaps = slack.coach.store.list_gaps(assessment_id)
    assert gaps
    ids = {b.get("block_id") for p in posts for b in p.args["blocks"]}
    assert {f"gap:{g.id}" for g in gaps} <= ids


def test_mark_resolved_updates_the_gap_the_audit_log_and_the_message(slack: SlackRig) -> None:
    channel = "C0RESOLVE"
    assessment_id, posts = report_in(slack, channel)
    gap = slack.coach.store.list_gaps(assessment_id)[0]
    post = next(p for p in posts if f"gap:{gap.id}" in json.dumps(p.args["blocks"]))
    action = {"type": "button", "action_id": "gap_resolve", "block_id": f"gap:{gap.id}",
              "value": str(gap.id), "text": {"type": "plain_text", "text": "Mark resolved"}}  # fmt: skip
    payload = block_actions(CAROL, action, channel, as_message(post), slack.fake.response_url())
    assert slack.sender.interaction(payload).status_code == 200
    [update] = slack.fake.wait_for("chat.update")
    assert update.args["ts"] == post.response["ts"]
    resolved = next(b for b in update.args["blocks"] if b.get("block_id") == f"gap:{gap.id}")
    assert resolved["type"] == "context" and f"Resolved by <@{CAROL}>" in json.dumps(resolved)
    assert slack.coach.store.list_gaps(assessment_id)[0].status == "resolved"
    [entry] = slack.coach.store.list_audit(subject=f"gap:{gap.id}", kind="gap.updated")
    assert entry.actor == CAROL and entry.detail["changes"]["status"]["to"] == "resolved"


def test_assign_owner_records_the_owner_and_says_so_in_the_thread(slack: SlackRig) -> None:
    channel = "C0ASSIGN"
    assessment_id, posts = report_in(slack, channel)
    gap = slack.coach.store.list_gaps(assessment_id)[-1]
    post = next(p for p in posts if f"gap:{gap.id}" in json.dumps(p.args["blocks"]))
    action = {"type": "users_select", "action_id": "gap_assign", "block_id": f"gap:{gap.id}",
              "selected_user": BOB}  # fmt: skip
    root = post.args["thread_ts"]
    before = len(slack.fake.posts(channel, root))
    slack.sender.interaction(block_actions(ALICE, action, channel, as_message(post), slack.fake.response_url()))
    said = wait_reply(slack.fake, channel, root, before)[-1]
    assert f"<@{BOB}> now owns" in text_of(said) and f"assigned by <@{ALICE}>" in text_of(said)
    assert slack.coach.store.list_gaps(assessment_id)[-1].owner == BOB
    [entry] = slack.coach.store.list_audit(subject=f"gap:{gap.id}", kind="gap.updated")
    assert entry.actor == ALICE and entry.detail["changes"]["owner"]["to"] == BOB


def test_helpful_is_recorded_and_the_optional_comment_lands_in_the_audit_log(
    slack: SlackRig,
) -> None:
    channel = "C0FEEDBACK"
    assessment_id, posts = report_in(slack, channel)
    end = next(p for p in posts if is_report_end(p))
    action = {"type": "button", "action_id": "feedback_unhelpful",
              "block_id": f"report:{assessment_id}", "value": str(assessment_id)}  # fmt: skip
    slack.sender.interaction(block_actions(CAROL, action, channel, as_message(end), slack.fake.response_url()))
    [opened] = slack.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "1337.42.trigger"
    view = opened.args["view"]
    [click] = slack.coach.store.list_audit(subject=f"assessment:{assessment_id}",
                                           kind="slack.feedback")  # fmt: skip
    assert click.actor == CAROL and click.detail == {"helpful": False}
    resp = slack.sender.interaction(view_submission(CAROL, view, "Too generic for us."))
    assert resp.status_code == 200
    [note] = slack.coach.store.list_audit(subject=f"assessment:{assessment_id}",
                                          kind="slack.feedback_comment")  # fmt: skip
    assert note.detail == {"helpful": False, "comment": "Too generic for us."}


def test_start_weekly_checkins_registers_the_pilot_with_its_interviewees(slack: SlackRig) -> None:
    channel = "C0CHECKIN"
    assessment_id, posts = report_in(slack, channel)
    end = next(p for p in posts if is_report_end(p))
    action = {"type": "button", "action_id": "checkins_start",
              "block_id": f"report:{assessment_id}", "value": str(assessment_id)}  # fmt: skip
    root = end.args["thread_ts"]
    before = len(slack.fake.posts(channel, root))
    slack.sender.interaction(block_actions(ALICE, action, channel, as_message(end), slack.fake.response_url()))
    said = text_of(wait_reply(slack.fake, channel, root, before)[-1])
    assert "Weekly check-ins are on" in said and f"<@{ALICE}>" in said
    [pilot] = [s.pilot for s in slack.checkins.list_pilots(f"slack:{TEAM}") if s.pilot.assessment_id == assessment_id]
    assert pilot.channel == channel and pilot.sponsor == ALICE and pilot.business_owner is None  # a tracked gap
    assert BOB in pilot.people  # who answered in the interview is asked each week
    assert slack.coach.store.list_audit(kind="slack.checkins_started")


@pytest.mark.parametrize("verb", ["status"])
def test_status_reflects_progress(slack: SlackRig, verb: str) -> None:
    channel = "C0PROGRESS"
    root = started_thread(slack, channel)
    for n, text in enumerate(ANSWERS):
        slack.sender.event(message(BOB, text, channel, new_ts(), thread_ts=root))
        wait_reply(slack.fake, channel, root, n + 1)
    text = command(slack, verb, channel)["text"]
    assert "✓ Production data pipeline (done)" in text or "→" in text
