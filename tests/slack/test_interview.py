"""A whole interview in a Slack thread, through real Bolt dispatch and the fake Web API."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.factory import build_coach
from bot.service import Coach
from tests.conftest import make_settings
from tests.slack.conftest import SlackRig, make_rig
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.helpers import (
    as_message,
    check_limits,
    in_thread,
    is_report_end,
    text_of,
    wait_reply,
)
from tests.slack.payloads import (
    TEAM,
    app_home_opened,
    app_mention,
    block_actions,
    checkins_values,
    form_submission,
    message,
    new_ts,
)

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
TRANSCRIPT_ENV = "SLACK_TRANSCRIPT_WRITE"  # set it (make slack-transcript) to rewrite docs/slack-transcript.md
TRANSCRIPT = PROJECT_ROOT / "docs" / "slack-transcript.md"
ROOT = "1720000000.000001"  # a fixed thread ts: the transcript names it


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


@pytest.fixture
def own_db(slack_coach: Coach, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[SlackRig]:
    """A rig whose coach has a database of its own (the shared index), so the Home tab lists only
    this test's reports and the transcript is the same on every run."""
    settings = make_settings(slack_coach.settings.data_dir, database_url=f"sqlite:///{tmp_path / 'coach.db'}")
    coach = build_coach(settings)
    yield make_rig(coach, fake_slack, tmp_path / "data")
    coach.store.close()


def test_whole_interview_in_a_thread_ends_with_the_compact_report(own_db: SlackRig) -> None:
    slack, channel, root = own_db, "C0PILOTS", ROOT
    run_interview(slack, channel, root)

    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None and session.pilot_name == "Support email drafter"
    report = slack.coach.report(session.id)
    posts = slack.fake.posts(channel, root)
    first = posts[0]
    assert "Readiness Coach" in text_of(first) and "Support email drafter" in text_of(first)
    [compact] = [p for p in posts if is_report_end(p)]
    blocks = compact.args["blocks"]
    check_limits(blocks)
    assert len(blocks) <= 12  # was 21 blocks, about 60 lines, for five gaps
    header = blocks[0]["text"]["text"]
    verdict = {"not_ready": "Not ready", "ready_with_conditions": "Ready with", "ready": "Ready"}[report.verdict]
    assert header.startswith(verdict) and "Support email drafter" in header
    assert len(report.gaps) > 3
    gap_actions = [b for b in blocks if b.get("block_id", "").startswith("gap:")]
    assert len(gap_actions) == 3
    body = text_of(compact)
    for n, gap in enumerate(report.gaps[:3], 1):
        assert f"*{n}. {gap.title}*" in body and gap.actions[0].replace("&", "&amp;")[:40] in body
    assert f"{len(report.gaps) - 3} more open" in body
    [done] = slack.fake.wait_for("files.completeUploadExternal", timeout=30.0)
    [url] = slack.fake.calls_to("files.getUploadURLExternal")
    markdown = slack.fake.uploads[url.response["file_id"]].decode("utf-8")
    assert done.args["thread_ts"] == root and all(g.title in markdown for g in report.gaps)
    assert all(g.actions[-1][:40] in markdown for g in report.gaps)  # the full report: every action
    _act_on_the_report(slack, channel, root, compact)
    _check_transcript(slack, channel)


def _act_on_the_report(rig: SlackRig, channel: str, root: str, post: Call) -> None:
    """The transcript's closing clicks: resolve gap 1, assign gap 2, set up check-ins, open Home."""
    (first_id, second_id) = [b["block_id"] for b in post.args["blocks"] if b.get("block_id", "").startswith("gap:")][:2]
    url = rig.fake.response_url()
    resolve = {"type": "button", "action_id": "gap_resolve", "block_id": first_id,
               "value": first_id.split(":")[1]}  # fmt: skip
    rig.fake.note(BOB, "(clicks Mark resolved on gap 1)", channel, root)
    rig.sender.interaction(block_actions(BOB, resolve, channel, as_message(post), url))
    rig.fake.wait_for("chat.update", timeout=30.0)
    assign = {"type": "users_select", "action_id": "gap_assign", "block_id": second_id,
              "selected_user": ALICE}  # fmt: skip
    before = len(rig.fake.posts(channel, root))
    rig.fake.note(BOB, f"(assigns gap 2 to <@{ALICE}>)", channel, root)
    rig.sender.interaction(block_actions(BOB, assign, channel, as_message(post), url))
    wait_reply(rig.fake, channel, root, before)
    rig.fake.wait_for("chat.update", 2, timeout=30.0)
    gap_ids = [i.split(":")[1] for i in (first_id, second_id)]
    audit = [rig.coach.store.list_audit(subject=f"gap:{g}", kind="gap.updated") for g in gap_ids]
    assert [a[0].actor for a in audit] == [BOB, BOB]
    _start_checkins(rig, channel, root, post)
    rig.fake.note(ALICE, "(opens the app's Home tab)", channel, root)
    rig.sender.event(app_home_opened(ALICE))
    rig.fake.wait_for("views.publish", timeout=30.0)


def _start_checkins(rig: SlackRig, channel: str, root: str, post: Call) -> None:
    """Click "Start weekly check-ins", fill in the form, submit."""
    rig.fake.users[ALICE], rig.fake.zones[ALICE] = "alice", "Europe/London"
    aid = next(b["block_id"] for b in post.args["blocks"] if b.get("block_id", "").startswith("report:"))
    action = {"type": "button", "action_id": "checkins_start", "block_id": aid, "value": aid.split(":")[1]}
    rig.fake.note(ALICE, "(clicks Start weekly check-ins)", channel, root)
    rig.sender.interaction(block_actions(ALICE, action, channel, as_message(post), rig.fake.response_url()))
    [opened] = rig.fake.wait_for("views.open", timeout=30.0)
    before = len(rig.fake.posts(channel, root))
    rig.fake.note(ALICE, "(submits: business owner <@U0PRIYA>, sponsor <@U0DANA>, this channel, Europe/London)",
                  channel, root)  # fmt: skip
    values = checkins_values("U0PRIYA", "U0DANA", channel, "Europe/London")
    rig.sender.interaction(form_submission(ALICE, opened.args["view"], values))
    wait_reply(rig.fake, channel, root, before)


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
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None
    authors = {e.author for g in slack.coach.report(session.id).gaps for e in g.evidence}
    assert {ALICE, BOB} <= authors
    assert report_end.args["thread_ts"] == root
    stored = [m.author for m in slack.coach.store.list_messages(session.id) if m.role == "user"]
    assert stored[:8] == [u for u, _ in script]


def transcript_text(rig: SlackRig, channel: str) -> str:
    """docs/slack-transcript.md as this run produced it."""
    intro = (
        "# Slack transcript: a whole interview in a thread\n\n"
        "Generated from `tests/slack/test_interview.py::test_whole_interview_in_a_thread_ends_with_the_compact_report`"
        ", which fails when this file no longer matches what the coach sends (regenerate with "
        "`make slack-transcript`). Lines in **bold <@U…>** are the team's messages and clicks, delivered as "
        "signed events and interactions; everything else is a Web API call the coach made. Block Kit is "
        "flattened: `##` header, `----` divider, `[Button]`, `[picker ▾]`, `(context)`, form fields as "
        "`Label: [value]`.\n\n"
    )
    return intro + rig.fake.transcript(channel) + "\n"


def _check_transcript(rig: SlackRig, channel: str) -> None:
    """Write the transcript when asked to; otherwise fail if the committed one has drifted."""
    text = transcript_text(rig, channel)
    if os.environ.get(TRANSCRIPT_ENV):
        TRANSCRIPT.write_text(text, encoding="utf-8")
        return
    committed = TRANSCRIPT.read_text(encoding="utf-8")
    if committed != text:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(True), text.splitlines(True), n=1))[:40])
        raise AssertionError(f"docs/slack-transcript.md is stale: run `make slack-transcript`.\n{diff}")
