"""Verification, retried deliveries, Slack API errors, rate limits: through real Bolt dispatch."""

from __future__ import annotations

import re
import time
from pathlib import Path

from bot.store import open_store
from bot.store.slack_events import claim_event
from tests.conftest import make_settings
from tests.slack.conftest import SlackRig, make_rig
from tests.slack.helpers import QUESTION, in_thread, settle, text_of, wait_reply
from tests.slack.payloads import TEAM, app_mention, message, new_ts


def test_a_mentioned_question_is_answered_with_playbook_citations(slack: SlackRig) -> None:
    channel, ts = "C0ASK", new_ts()
    resp = slack.sender.event(app_mention("U0ALICE", QUESTION, channel, ts))
    assert resp.status_code == 200
    [reply] = wait_reply(slack.fake, channel, ts, 0)
    contexts = [b for b in reply.args["blocks"] if b["type"] == "context"]
    assert contexts and "Playbook: " in contexts[-1]["elements"][0]["text"]
    assert "governance" in text_of(reply).lower()
    # every [n] marker in the answer has its numbered source in the context line
    answer = " ".join(b["text"]["text"] for b in reply.args["blocks"] if b["type"] == "section")
    markers = set(re.findall(r"\[(\d+)\]", answer))
    listed = set(re.findall(r"\[(\d+)\] ", contexts[-1]["elements"][0]["text"]))
    assert markers and markers <= listed, (answer, contexts[-1])
    assert slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{ts}") is None


def test_a_retried_event_gets_exactly_one_reply(slack: SlackRig) -> None:
    channel, ts = "C0RETRY", new_ts()
    event = app_mention("U0ALICE", QUESTION, channel, ts)
    assert slack.sender.event(event, event_id="Ev0RETRY1").status_code == 200
    wait_reply(slack.fake, channel, ts, 0)
    again = slack.sender.event(
        event, event_id="Ev0RETRY1", **{"X-Slack-Retry-Num": "1",
                                        "X-Slack-Retry-Reason": "http_timeout"}
    )  # fmt: skip
    assert again.status_code == 200
    settle(slack, "C0SENTRY")
    assert len(slack.fake.posts(channel, ts)) == 1


def test_the_same_event_at_two_processes_is_handled_once(slack: SlackRig, tmp_path: Path) -> None:
    other = make_rig(slack.coach, slack.fake, tmp_path / "other")  # a second Bolt app / replica
    channel, ts = "C0TWICE", new_ts()
    event = app_mention("U0ALICE", QUESTION, channel, ts)
    assert slack.sender.event(event, event_id="Ev0TWICE").status_code == 200
    assert other.sender.event(event, event_id="Ev0TWICE").status_code == 200
    wait_reply(slack.fake, channel, ts, 0)
    settle(slack, "C0SENTRY2")
    assert len(slack.fake.posts(channel, ts)) == 1


def test_claiming_an_event_id_is_atomic_across_engines(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d")
    first, second = open_store(settings), open_store(settings)  # two connection pools
    assert claim_event(first.engine, "Ev1") is True
    assert claim_event(second.engine, "Ev1") is False
    assert claim_event(second.engine, "Ev2") is True


def test_a_forged_signature_gets_401_and_no_reply(slack: SlackRig) -> None:
    channel, ts = "C0FORGED", new_ts()
    resp = slack.sender.event(app_mention("U0EVE", QUESTION, channel, ts), signature="v0=" + "0" * 64)
    assert resp.status_code == 401
    settle(slack, "C0SENTRY3")
    assert slack.fake.posts(channel) == []


def test_a_stale_timestamp_gets_401(slack: SlackRig) -> None:
    channel, ts = "C0STALE", new_ts()
    old = str(int(time.time()) - 6 * 60)  # correctly signed, but 6 minutes old
    resp = slack.sender.event(app_mention("U0EVE", QUESTION, channel, ts), timestamp=old)
    assert resp.status_code == 401
    settle(slack, "C0SENTRY4")
    assert slack.fake.posts(channel) == []


def test_events_are_acknowledged_well_within_three_seconds(slack: SlackRig) -> None:
    channel, root = "C0FAST", new_ts()
    slack.sender.event(app_mention("U0ALICE", "start", channel, root))
    wait_reply(slack.fake, channel, root, 0)
    started = time.monotonic()
    resp = slack.sender.event(message("U0ALICE", "It drafts email replies for agents.",
                                      channel, new_ts(), thread_ts=root))  # fmt: skip
    assert resp.status_code == 200
    assert time.monotonic() - started < 1.0
    wait_reply(slack.fake, channel, root, 1)


def test_rate_limited_post_is_retried_after_retry_after(slack: SlackRig) -> None:
    channel, ts = "C0RATE", new_ts()
    slack.fake.rate_limit("chat.postMessage", retry_after=1)
    slack.sender.event(app_mention("U0ALICE", QUESTION, channel, ts))
    first, second = slack.fake.wait_for("chat.postMessage", 2, where=in_thread(channel, ts))
    assert first.response["error"] == "ratelimited"
    assert second.response["ok"] is True
    assert second.at - first.at >= 1.0


def test_the_answer_is_stored_even_when_the_reply_cannot_be_posted(slack: SlackRig) -> None:
    channel, root = "C0GONE", new_ts()
    slack.sender.event(app_mention("U0ALICE", "start", channel, root))
    wait_reply(slack.fake, channel, root, 0)
    slack.fake.fail("chat.postMessage", "channel_not_found")
    answer = "It drafts replies to customer emails for the support team."
    slack.sender.event(message("U0BOB", answer, channel, new_ts(), thread_ts=root))
    slack.fake.wait_for("chat.postMessage", 2, where=in_thread(channel, root))
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None
    stored = [(m.author, m.text) for m in slack.coach.store.list_messages(session.id)]
    assert ("U0BOB", answer) in stored
    settle(slack, "C0SENTRY5")  # channel_not_found: nothing more is tried in that channel
    assert len(slack.fake.posts(channel, root)) == 2


def test_other_slack_errors_are_reported_in_the_thread(slack: SlackRig) -> None:
    channel, root = "C0REFUSED", new_ts()
    slack.sender.event(app_mention("U0ALICE", "start", channel, root))
    wait_reply(slack.fake, channel, root, 0)
    slack.fake.fail("chat.postMessage", "invalid_blocks")
    slack.sender.event(message("U0ALICE", "It drafts replies.", channel, new_ts(),
                               thread_ts=root))  # fmt: skip
    posts = slack.fake.wait_for("chat.postMessage", 3, where=in_thread(channel, root))
    assert "Slack refused my reply (invalid_blocks)" in text_of(posts[2])
    assert "saved" in text_of(posts[2])


def test_thread_replies_without_a_session_and_top_level_chatter_are_ignored(
    slack: SlackRig,
) -> None:
    channel = "C0CHATTER"
    slack.sender.event(message("U0ALICE", "lunch?", channel, new_ts()))
    slack.sender.event(message("U0ALICE", "sure", channel, new_ts(), thread_ts=new_ts()))
    settle(slack, "C0SENTRY6")
    assert slack.fake.posts(channel) == []
