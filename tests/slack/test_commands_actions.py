"""Slash commands, buttons, pickers and the feedback modal: store and audit log updated."""

from __future__ import annotations

import pytest

from bot.slack.listeners import CANNOT_POST
from tests.slack.conftest import SlackRig
from tests.slack.fake_slack import Call
from tests.slack.helpers import as_message, check_limits, in_thread, is_report_end, text_of, wait_reply
from tests.slack.payloads import (
    TEAM,
    block_actions,
    checkins_values,
    form_submission,
    message,
    new_ts,
    slash_command,
    view_submission,
)
from tests.slack.test_interview import ANSWERS as WHOLE

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


def report_in(rig: SlackRig, channel: str, answers: list[str] = ANSWERS) -> tuple[int, list]:  # type: ignore[type-arg]
    """Answer a few questions, then `/readiness report`; return the assessment id and posts."""
    root = started_thread(rig, channel)
    finished = False  # the last answer may end the interview, which posts a report of its own
    for text in answers:
        before = len(rig.fake.posts(channel, root))
        rig.sender.event(message(BOB, text, channel, new_ts(), thread_ts=root))
        finished = "gap list" in text_of(wait_reply(rig.fake, channel, root, before)[before])
    assert "Posting the gap list" in command(rig, "report", channel)["text"]
    reports = 2 if finished else 1  # each report is a compact message, then its file: wait for both
    rig.fake.wait_for(
        "files.completeUploadExternal", reports, timeout=30.0, where=lambda c: c.args.get("thread_ts") == root
    )
    end = [c for c in rig.fake.posts(channel, root) if is_report_end(c)][-1]
    assessment_id = next(b["block_id"] for b in end.args["blocks"]
                         if b.get("block_id", "").startswith("report:")).split(":")[1]  # fmt: skip
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


def report_post(rig: SlackRig, channel: str, posts: list) -> Call:  # type: ignore[type-arg]
    """The compact report message among the thread's posts."""
    return next(p for p in posts if is_report_end(p))


def test_report_command_posts_a_compact_report_and_the_full_file(slack: SlackRig) -> None:
    channel = "C0REPORT"
    assessment_id, posts = report_in(slack, channel)
    gaps = slack.coach.store.list_gaps(assessment_id)
    report = slack.coach.stored_report(assessment_id)
    post = report_post(slack, channel, posts)
    check_limits(post.args["blocks"])
    assert len(post.args["blocks"]) <= 12
    shown = [b["block_id"] for b in post.args["blocks"] if b.get("block_id", "").startswith("gap:")]
    assert shown == [f"gap:{g.public_id}" for g in gaps[:3]]  # buttons carry public ids, never keys
    body = text_of(post)
    assert f"*{len(gaps)} gap" in body and report.gaps[0].actions[0][:40].replace("&", "&amp;") in body
    [done] = slack.fake.wait_for("files.completeUploadExternal", timeout=30.0)
    [url] = slack.fake.calls_to("files.getUploadURLExternal")
    assert done.args["channel_id"] == channel and done.args["thread_ts"] == post.args["thread_ts"]
    markdown = slack.fake.uploads[url.response["file_id"]].decode("utf-8")
    assert all(g.title in markdown for g in report.gaps) and "## Gaps" in markdown


def click_resolve(rig: SlackRig, channel: str, post: Call, gap_id: str, user: str = CAROL) -> None:
    action = {"type": "button", "action_id": "gap_resolve", "block_id": f"gap:{gap_id}",
              "value": str(gap_id), "text": {"type": "plain_text", "text": "Mark resolved"}}  # fmt: skip
    payload = block_actions(user, action, channel, as_message(post), rig.fake.response_url())
    assert rig.sender.interaction(payload).status_code == 200


def test_mark_resolved_updates_the_gap_the_audit_log_and_the_count_in_the_message(slack: SlackRig) -> None:
    channel = "C0RESOLVE"
    assessment_id, posts = report_in(slack, channel, [text for _, text in WHOLE])
    gaps = slack.coach.store.list_gaps(assessment_id)
    assert len(gaps) >= 2
    post = report_post(slack, channel, posts)
    assert f"*{len(gaps)} gaps stand in the way*" in text_of(post)
    click_resolve(slack, channel, post, gaps[0].public_id)
    [update] = slack.fake.wait_for("chat.update", timeout=30.0)
    assert update.args["ts"] == post.response["ts"] and update.args["channel"] == channel
    body = text_of(update)
    assert f"*{len(gaps) - 1} of {len(gaps)} gaps still open*" in body and "gaps stand in the way" not in body
    assert f"✅ resolved: 1. {gaps[0].title}" in body
    assert f"gap:{gaps[0].public_id}" not in [b.get("block_id") for b in update.args["blocks"]]
    assert update.args["text"] == f"Readiness report: Not ready, {len(gaps) - 1} of {len(gaps)} gaps open"
    assert slack.coach.store.list_gaps(assessment_id)[0].status == "resolved"
    [entry] = slack.coach.store.list_audit(subject=f"gap:{gaps[0].public_id}", kind="gap.updated")
    assert entry.actor == CAROL and entry.detail["changes"]["status"]["to"] == "resolved"


def test_assign_owner_records_the_owner_shows_it_and_says_so_in_the_thread(slack: SlackRig) -> None:
    channel = "C0ASSIGN"
    assessment_id, posts = report_in(slack, channel, [text for _, text in WHOLE])
    gap = slack.coach.store.list_gaps(assessment_id)[1]
    post = report_post(slack, channel, posts)
    action = {"type": "users_select", "action_id": "gap_assign", "block_id": f"gap:{gap.public_id}",
              "selected_user": BOB}  # fmt: skip
    root = post.args["thread_ts"]
    before = len(slack.fake.posts(channel, root))
    slack.sender.interaction(block_actions(ALICE, action, channel, as_message(post), slack.fake.response_url()))
    said = wait_reply(slack.fake, channel, root, before)[-1]
    assert f"<@{BOB}> now owns" in text_of(said) and f"assigned by <@{ALICE}>" in text_of(said)
    [update] = slack.fake.wait_for("chat.update", timeout=30.0)
    picker = next(b for b in update.args["blocks"] if b.get("block_id") == f"gap:{gap.public_id}")["elements"][1]
    assert picker["initial_user"] == BOB and f"*Owner:* <@{BOB}>" in text_of(update)
    assert slack.coach.store.list_gaps(assessment_id)[1].owner == BOB
    [entry] = slack.coach.store.list_audit(subject=f"gap:{gap.public_id}", kind="gap.updated")
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


def open_checkins_form(rig: SlackRig, channel: str, assessment_id: str, post: Call, user: str = ALICE) -> Call:
    """Click "Start weekly check-ins"; return the views.open call of the set-up modal."""
    action = {"type": "button", "action_id": "checkins_start",
              "block_id": f"report:{assessment_id}", "value": str(assessment_id)}  # fmt: skip
    rig.sender.interaction(block_actions(user, action, channel, as_message(post), rig.fake.response_url()))
    [opened] = rig.fake.wait_for("views.open", timeout=30.0)
    return opened


def test_start_weekly_checkins_asks_for_owner_sponsor_channel_and_zone(slack: SlackRig) -> None:
    channel = "C0CHECKIN"
    slack.fake.users[ALICE], slack.fake.zones[ALICE] = "alice", "Europe/Amsterdam"
    assessment_id, posts = report_in(slack, channel)
    post = report_post(slack, channel, posts)
    opened = open_checkins_form(slack, channel, assessment_id, post)
    view = opened.args["view"]
    assert opened.args["trigger_id"] == "1337.42.trigger" and view["callback_id"] == "checkins_setup"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert set(inputs) == {"owner", "sponsor", "channel", "zone"}
    assert inputs["owner"]["optional"] and not inputs["sponsor"]["optional"]
    assert inputs["channel"]["element"]["initial_conversation"] == channel
    assert inputs["zone"]["element"]["initial_value"] == "Europe/Amsterdam"  # the clicker's Slack zone
    assert not [s for s in slack.checkins.list_pilots(f"slack:{TEAM}") if s.pilot.assessment_public_id == assessment_id]

    bad = slack.sender.interaction(form_submission(ALICE, view, checkins_values(CAROL, None, channel, "Mars/Base")))
    assert bad.status_code == 200 and bad.json()["response_action"] == "errors"
    assert set(bad.json()["errors"]) == {"sponsor", "zone"}

    root = post.args["thread_ts"]
    before = len(slack.fake.posts(channel, root))
    values = checkins_values(CAROL, "U0DANA", "C0WEEKLY", "America/New_York")
    assert slack.sender.interaction(form_submission(ALICE, view, values)).status_code == 200
    said = text_of(wait_reply(slack.fake, channel, root, before)[-1])
    assert "Weekly check-ins are on" in said and "<#C0WEEKLY>" in said and "America/New_York" in said
    assert f"Business owner: <@{CAROL}>" in said and "Sponsor: <@U0DANA>" in said
    [pilot] = [s.pilot for s in slack.checkins.list_pilots(f"slack:{TEAM}")
               if s.pilot.assessment_public_id == assessment_id]  # fmt: skip
    assert (pilot.channel, pilot.timezone) == ("C0WEEKLY", "America/New_York")
    assert (pilot.business_owner, pilot.sponsor) == (CAROL, "U0DANA")  # not the person who clicked
    assert BOB in pilot.people  # who answered in the interview is asked each week
    assert slack.coach.store.list_audit(kind="slack.checkins_started")


def test_a_missing_business_owner_is_allowed_and_said(slack: SlackRig) -> None:
    channel = "C0NOOWNER"
    assessment_id, posts = report_in(slack, channel)
    post = report_post(slack, channel, posts)
    view = open_checkins_form(slack, channel, assessment_id, post).args["view"]
    root = post.args["thread_ts"]
    before = len(slack.fake.posts(channel, root))
    values = checkins_values(None, "U0DANA", channel, "UTC")
    assert slack.sender.interaction(form_submission(ALICE, view, values)).status_code == 200
    said = text_of(wait_reply(slack.fake, channel, root, before)[-1])
    assert "No business owner yet" in said and "Sponsor: <@U0DANA>" in said
    [pilot] = [s.pilot for s in slack.checkins.list_pilots(f"slack:{TEAM}")
               if s.pilot.assessment_public_id == assessment_id]  # fmt: skip
    assert not pilot.business_owner and pilot.sponsor == "U0DANA"


@pytest.mark.parametrize("verb", ["status"])
def test_status_reflects_progress(slack: SlackRig, verb: str) -> None:
    channel = "C0PROGRESS"
    root = started_thread(slack, channel)
    for n, text in enumerate(ANSWERS):
        slack.sender.event(message(BOB, text, channel, new_ts(), thread_ts=root))
        wait_reply(slack.fake, channel, root, n + 1)
    text = command(slack, verb, channel)["text"]
    assert "✓ Production data pipeline (done)" in text or "→" in text
