"""A reply in a weekly check-in thread updates the pilot and gets the summary in the thread."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.checkins.runner import Runner
from bot.slack.notifier import SlackNotifier
from tests.checkins.conftest import assess
from tests.checkins.doubles import ManualClock
from tests.slack.conftest import SlackRig
from tests.slack.helpers import text_of, wait_reply
from tests.slack.payloads import TEAM, message, new_ts


def test_answer_in_a_checkin_thread_updates_the_pilot(slack: SlackRig) -> None:
    coach, fake = slack.coach, slack.fake
    clock = ManualClock(datetime(2026, 3, 1, 16, 0, tzinfo=UTC))  # Sunday: the baseline goes out Monday 9:00
    checkins = slack.checkins
    checkins.clock = clock
    owner = f"slack:{TEAM}"
    pilot = checkins.register_from_assessment(
        assess(coach, owner=owner), "Claims triage", "U0DANA", "U0SAM", ["U0ALICE"], "C0CHECK", owner=owner
    )
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    notifier = SlackNotifier(WebClient(token="xoxb-test-token", base_url=fake.api_url), "levels")
    Runner(checkins).run_due(clock.now(), notifier, "worker-1")
    [checkin_post] = [p for p in fake.posts("C0CHECK") if not p.args.get("thread_ts")]
    thread_ts = checkin_post.response["ts"]
    before = len([p for p in fake.posts("C0CHECK") if p.args.get("thread_ts") == thread_ts])

    slack.sender.event(message("U0ALICE", "1 resolved: the nightly pipeline runs and data engineering owns it",
                               "C0CHECK", new_ts(), thread_ts=thread_ts))  # fmt: skip

    replies = wait_reply(fake, "C0CHECK", thread_ts, before)
    assert "Baseline recorded" in text_of(replies[-1])  # the first answer records where each gap stands
    gaps = checkins.detail(pilot.id, f"slack:{TEAM}")["gaps"]
    assert any(g["status"] == "resolved" for g in gaps), gaps
    assert coach.store.find_session(f"slack:{TEAM}:C0CHECK:{thread_ts}") is None  # not an interview
