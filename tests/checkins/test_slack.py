"""Check-ins through the fake Slack Web API: metadata keys, trend image, thread replies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.checkins.delivery import Delivery
from bot.checkins.notify import Outgoing
from bot.checkins.pilots import Checkins
from bot.checkins.runner import Runner
from bot.service import Coach
from bot.slack.notifier import SlackNotifier
from tests.checkins.conftest import assess
from tests.checkins.doubles import ManualClock
from tests.slack.fake_slack import FakeSlack

MON_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class HistorySlack(FakeSlack):
    """The shared fake plus conversations.history, which the check-in recovery path reads."""

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        posts = [p for p in self.posts(args.get("channel")) if not p.args.get("thread_ts")]
        messages = [
            {**p.response["message"], "metadata": p.args.get("metadata")}
            for p in reversed(posts)
            if p.response.get("ok")
        ]
        return {"ok": True, "messages": messages, "has_more": False}


@pytest.fixture
def slack() -> Iterator[HistorySlack]:
    with HistorySlack() as fake:
        yield fake


def _notifier(slack: FakeSlack) -> SlackNotifier:
    return SlackNotifier(WebClient(token="xoxb-test", base_url=slack.api_url), "red: data")


def test_checkin_posts_to_channel_with_key_and_trend_image(
    coach: Coach, checkins: Checkins, clock: ManualClock, slack: HistorySlack
) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam",
                                              ["U0ALICE1"], "C0PILOT")  # fmt: skip
    clock.set(MON_9)
    Runner(checkins).run_due(clock.now(), _notifier(slack), "w1")
    [post] = slack.posts("C0PILOT")
    assert post.args["metadata"]["event_payload"]["key"] == "checkin:1"
    assert "<@U0ALICE1>: this first check-in records a baseline" in post.args["text"]
    slack.wait_for("files.completeUploadExternal")
    [png] = slack.uploads.values()
    assert png.startswith(b"\x89PNG")
    # a reply in the thread finds its pilot and check-in
    ts = post.response["ts"]
    found = checkins.find_by_thread("C0PILOT", ts)
    assert found is not None and found[0].id == pilot.id
    result = checkins.answer_in_thread("C0PILOT", ts, "1 in progress: source owners booked", "U0ALICE1", "local")
    assert result is not None and result.checkin_id == 1 and result.changes[0].status_after == "in_progress"
    assert checkins.find_by_thread("C0PILOT", "1.2") is None
    assert checkins.answer_in_thread("C0PILOT", "1.2", "1 resolved", "U0ALICE1", "local") is None


def test_recovery_finds_the_slack_post_by_metadata(
    coach: Coach, checkins: Checkins, clock: ManualClock, slack: HistorySlack
) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam",
                                              channel="C0PILOT")  # fmt: skip
    clock.set(MON_9)
    notifier = _notifier(slack)
    # the worker posted, then died before recording it: simulate with the same key, by hand
    notifier.post(checkins.pilot(pilot.id), Outgoing("checkin:1", "check-in"))
    runner = Runner(checkins)
    assert runner.claim(1, clock.now(), "dead-worker", "claimed")
    Delivery(checkins, notifier, "dead-worker")._intent(checkins.pilot(pilot.id), "checkin:1")
    runner.run_due(clock.advance(timedelta(minutes=11)), notifier, "w2")
    assert len(slack.posts("C0PILOT")) == 1  # found by its metadata key, not posted again
    assert checkins.checkins(pilot.id)[0].status == "sent"


def test_slack_error_is_retried_after_the_lease(
    coach: Coach, checkins: Checkins, clock: ManualClock, slack: HistorySlack
) -> None:
    checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam", channel="C0X")
    clock.set(MON_9)
    slack.fail("chat.postMessage", "channel_not_found")
    report = Runner(checkins).run_due(clock.now(), _notifier(slack), "w1")
    assert report.failed and "channel_not_found" in report.failed[0]
    Runner(checkins).run_due(clock.advance(timedelta(minutes=11)), _notifier(slack), "w1")
    assert len([p for p in slack.posts("C0X") if p.response.get("ok")]) == 1
