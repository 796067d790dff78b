"""A whole interview in a Slack thread, through real Bolt dispatch and the fake Web API."""

from __future__ import annotations

import os
from pathlib import Path

from tests.slack.conftest import SlackRig
from tests.slack.fake_slack import Call
from tests.slack.helpers import (
    as_message,
    check_limits,
    in_thread,
    is_report_end,
    text_of,
    wait_reply,
)
from tests.slack.payloads import TEAM, app_mention, block_actions, message, new_ts

ALICE, BOB = "U0ALICE", "U0BOB"
ANSWERS = [
    (
        ALICE,
        "It drafts replies to customer emails for the support team; agents review and send them.",
    ),
    (BOB, "The head of customer service, Priya, sponsors it and owns the support budget."),
    (ALICE, "We finished a six-week pilot with ten agents."),
    (BOB, "It only suggests drafts; a human agent sends every reply."),
    (
        ALICE,
        "For the pilot we exported a sample of emails to a spreadsheet and cleaned it by "
        "hand; there is no production feed yet.",
    ),
    (
        BOB,
        "Priya owns the outcome and signed a target of cutting handling time by 20%, funded in her budget.",
    ),
    (
        ALICE,
        "We haven't talked to compliance or security yet and there is no audit log of prompts.",
    ),
    (
        BOB,
        "Agents use it in a separate web page, not inside the ticketing tool; no training planned.",
    ),
    (
        ALICE,
        "The ticketing system is an old on-prem install and IT has no API for it on their roadmap.",
    ),
    (BOB, "No monitoring, no alerting and nobody on call for it."),
]
TRANSCRIPT_ENV = "SLACK_TRANSCRIPT_PATH"  # set it to write the transcript (docs/slack-transcript.md)


def run_interview(rig: SlackRig, channel: str, root: str) -> None:
    """Mention the coach, then answer in the thread (no mention) until the report is posted."""
    fake = rig.fake
    fake.note(ALICE, "@coach start Support email drafter", channel, root)
    assert rig.sender.event(app_mention(ALICE, "start Support email drafter", channel, root)).status_code == 200
    wait_reply(fake, channel, root, 0)
    script = ANSWERS + [(ALICE, "skip")] * 8
    for user, text in script:
        before = len(fake.posts(channel, root))
        fake.note(user, text, channel, root)
        resp = rig.sender.event(message(user, text, channel, new_ts(), thread_ts=root))
        assert resp.status_code == 200
        posts = wait_reply(fake, channel, root, before)
        if any(is_report_end(p) for p in posts[before:]) or "gap list" in text_of(posts[before]):
            fake.wait_for("chat.postMessage", where=lambda c: in_thread(channel, root)(c) and is_report_end(c))
            return
    raise AssertionError("the interview never ended")


def test_whole_interview_in_a_thread_ends_with_the_block_kit_report(slack: SlackRig) -> None:
    channel, root = "C0PILOTS", new_ts()
    run_interview(slack, channel, root)

    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None and session.pilot_name == "Support email drafter"
    report = slack.coach.report(session.id)
    posts = slack.fake.posts(channel, root)
    first = posts[0]
    assert "Readiness Coach" in text_of(first) and "Support email drafter" in text_of(first)
    start = next(i for i, p in enumerate(posts) if p.args["blocks"][0]["type"] == "header")
    report_posts = posts[start:]
    for p in report_posts:
        check_limits(p.args["blocks"])
    header = report_posts[0].args["blocks"][0]["text"]["text"]
    assert header.startswith(
        {"not_ready": "Not ready", "ready_with_conditions": "Ready with", "ready": "Ready"}[report.verdict]
    )
    assert "Support email drafter" in header
    blocks = [b for p in report_posts for b in p.args["blocks"]]
    gap_actions = [b for b in blocks if b.get("block_id", "").startswith("gap:")]
    assert report.gaps and len(gap_actions) == len(report.gaps)
    body = "\n".join(text_of(p) for p in report_posts)
    for n, gap in enumerate(report.gaps, 1):
        assert f"*{n}. " in body and gap.severity in body
        assert "This week:" in body and gap.actions[0].replace("&", "&amp;")[:40] in body
    assert "Playbook: " in body
    _act_on_the_report(slack, channel, root, report_posts)
    _save_transcript(slack, channel, root)


def _act_on_the_report(rig: SlackRig, channel: str, root: str, posts: list[Call]) -> None:
    """Resolve the first gap and assign the second, as the transcript's closing clicks."""
    gap_posts = [(p, b["block_id"]) for p in posts for b in p.args["blocks"]
                 if b.get("block_id", "").startswith("gap:")]  # fmt: skip
    (first, first_id), (second, second_id) = gap_posts[0], gap_posts[1]
    url = rig.fake.response_url()
    resolve = {"type": "button", "action_id": "gap_resolve", "block_id": first_id,
               "value": first_id.split(":")[1]}  # fmt: skip
    rig.fake.note(BOB, "(clicks Mark resolved on gap 1)", channel, root)
    rig.sender.interaction(block_actions(BOB, resolve, channel, as_message(first), url))
    rig.fake.wait_for("chat.update")
    assign = {"type": "users_select", "action_id": "gap_assign", "block_id": second_id,
              "selected_user": ALICE}  # fmt: skip
    before = len(rig.fake.posts(channel, root))
    rig.fake.note(BOB, f"(assigns gap 2 to <@{ALICE}>)", channel, root)
    rig.sender.interaction(block_actions(BOB, assign, channel, as_message(second), url))
    wait_reply(rig.fake, channel, root, before)
    gap_ids = [int(i.split(":")[1]) for _, i in gap_posts[:2]]
    audit = [rig.coach.store.list_audit(subject=f"gap:{g}", kind="gap.updated") for g in gap_ids]
    assert [a[0].actor for a in audit] == [BOB, BOB]


def test_two_people_answering_in_one_thread_are_both_named_in_the_report(
    slack: SlackRig,
) -> None:
    channel, root = "C0TWO", new_ts()
    slack.sender.event(app_mention(ALICE, "start", channel, root))
    wait_reply(slack.fake, channel, root, 0)
    script = [*ANSWERS[:4], (BOB, ANSWERS[4][1]), (ALICE, ANSWERS[5][1]), (ALICE, ANSWERS[6][1]),
              (BOB, "report")]  # fmt: skip
    for user, text in script:
        before = len(slack.fake.posts(channel, root))
        slack.sender.event(message(user, text, channel, new_ts(), thread_ts=root))
        wait_reply(slack.fake, channel, root, before)
    report_end = slack.fake.wait_for("chat.postMessage", where=is_report_end)[-1]
    body = "\n".join(text_of(p) for p in slack.fake.posts(channel, root))
    assert f"<@{ALICE}>" in body and f"<@{BOB}>" in body
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None
    authors = {e.author for g in slack.coach.report(session.id).gaps for e in g.evidence}
    assert {ALICE, BOB} <= authors
    assert report_end.args["thread_ts"] == root
    stored = [m.author for m in slack.coach.store.list_messages(session.id) if m.role == "user"]
    assert stored[:8] == [u for u, _ in script]


def _save_transcript(rig: SlackRig, channel: str, root: str) -> None:
    target = os.environ.get(TRANSCRIPT_ENV)
    if not target:
        return
    intro = (
        "# Slack transcript: a whole interview in a thread\n\n"
        "What the fake Slack Web API received during "
        "`tests/slack/test_interview.py::test_whole_interview_in_a_thread_ends_with_the_block_kit_report`"
        " (regenerate with `SLACK_TRANSCRIPT_PATH=docs/slack-transcript.md .venv/bin/pytest "
        "tests/slack/test_interview.py -k whole`). Lines in **bold <@U…>** are the team's "
        "messages, delivered as signed `app_mention` / `message` events; everything else is a "
        "Web API call the coach made. Block Kit is flattened: `##` header, `----` divider, "
        "`[Button]`, `[picker ▾]`, `(context)`.\n\n"
    )
    Path(target).write_text(intro + rig.fake.transcript(channel) + "\n", encoding="utf-8")
