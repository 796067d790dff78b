"""The log notifier (`coach checkins run` without Slack): what it prints and the refs it returns."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.checkins.notify import LogNotifier, MessageRef, Outgoing
from bot.checkins.records import Pilot

PILOT = Pilot(id=1, owner="o", name="Claims", business_owner="Dana", sponsor="Sam", people=[], channel="C0CLAIMS",
              timezone="UTC", cron="0 9 * * 1", paused=False, snoozed_until=None, skip_next=False,
              assessment_id=None, created_at=datetime(2026, 3, 2, tzinfo=UTC), public_id="p" * 32)  # fmt: skip


def test_log_notifier_prints_each_message_under_its_key_and_channel() -> None:
    printed: list[str] = []
    notifier = LogNotifier(printed.append)
    first = notifier.post(PILOT, Outgoing("checkin:1", "How did the week go?", blocks=[{"type": "divider"}]))
    second = notifier.post(replace(PILOT, channel=None), Outgoing("reminder:1", "A reminder", thread_ts=first.ts))
    assert (first, second) == (MessageRef("C0CLAIMS", "log-1"), MessageRef(f"pilot-{'p' * 32}", "log-2"))
    assert printed == [
        "--- checkin:1 -> C0CLAIMS\nHow did the week go?\n",
        f"--- reminder:1 -> pilot-{'p' * 32}\nA reminder\n",
    ]
    assert notifier.find(PILOT, "checkin:1") is None  # a log cannot be searched: at-least-once
