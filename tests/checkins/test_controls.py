"""Pause, snooze, skip and the 24-hour reminder, on a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.checkins.pilots import Checkins
from bot.checkins.runner import Runner
from bot.errors import InvalidInput, NotFound
from bot.service import Coach
from tests.checkins.conftest import assess
from tests.checkins.doubles import ManualClock, MemoryNotifier

MON_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _run_until(runner: Runner, clock: ManualClock, notifier: MemoryNotifier, until: datetime) -> None:
    while clock.now() < until:
        runner.run_due(clock.advance(timedelta(hours=1)), notifier, "w")


def _checkin_days(notifier: MemoryNotifier, checkins: Checkins, pilot_id: int) -> list[str]:
    sent = {c.id: c for c in checkins.checkins(pilot_id) if c.sent_at}
    return [sent[int(p.key.split(":")[1])].sent_at.strftime("%m-%d") for p in notifier.posts
            if p.key.startswith("checkin:")]  # fmt: skip


@pytest.fixture
def pilot_id(coach: Coach, checkins: Checkins) -> int:
    return checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam", ["bob"]).id


def test_pause_and_resume(checkins: Checkins, clock: ManualClock, pilot_id: int) -> None:
    notifier, runner = MemoryNotifier(), Runner(checkins)
    checkins.pause(pilot_id)
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=8))
    assert notifier.posts == [] and checkins.summary(pilot_id).status == "paused"
    checkins.resume(pilot_id)  # the missed Monday is not sent late: next slot instead
    assert checkins.summary(pilot_id).next_due == MON_9 + timedelta(days=14)
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=14, hours=1))
    assert _checkin_days(notifier, checkins, pilot_id) == ["03-16"]


def test_snooze_moves_the_next_checkin_a_week(checkins: Checkins, clock: ManualClock, pilot_id: int) -> None:
    notifier, runner = MemoryNotifier(), Runner(checkins)
    checkins.snooze(pilot_id)  # Sunday: no check-in before the following Sunday
    assert checkins.summary(pilot_id).status == "snoozed"
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=14, hours=1))
    assert _checkin_days(notifier, checkins, pilot_id) == ["03-09", "03-16"]


def test_skip_next(checkins: Checkins, clock: ManualClock, pilot_id: int) -> None:
    notifier, runner = MemoryNotifier(), Runner(checkins)
    checkins.skip(pilot_id)
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=7, hours=1))
    statuses = [c.status for c in checkins.checkins(pilot_id)]
    assert statuses[:2] == ["skipped", "sent"]
    assert _checkin_days(notifier, checkins, pilot_id) == ["03-09"]
    assert not checkins.pilot(pilot_id).skip_next


def test_reminder_after_24_hours_only_without_answer(checkins: Checkins, clock: ManualClock, pilot_id: int) -> None:
    notifier, runner = MemoryNotifier(), Runner(checkins)
    _run_until(runner, clock, notifier, MON_9 + timedelta(hours=23))
    assert notifier.keys() == ["checkin:1"]
    _run_until(runner, clock, notifier, MON_9 + timedelta(hours=24))
    assert notifier.keys() == ["checkin:1", "reminder:1"]
    reminder = notifier.posts[1]
    assert reminder.thread_ts == notifier.posts[0].ts and "no answer yet" in reminder.text
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=7, hours=2))
    checkins.answer_checkin(pilot_id, "1 in progress: data engineering is building ingestion")
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=9))
    sent = [k for k in notifier.keys() if not k.startswith("escalation:")]
    assert sent == ["checkin:1", "reminder:1", "checkin:2"]  # answered: no second reminder


def test_owner_isolation_and_clear_errors(coach: Coach, checkins: Checkins, pilot_id: int) -> None:
    with pytest.raises(NotFound, match="coach pilots"):
        checkins.pause(pilot_id, owner="someone-else")
    with pytest.raises(InvalidInput, match="IANA"):
        checkins.register_from_assessment(assess(coach), "X", "Dana", "Sam", timezone="Nowhere/X")
    again = checkins.register_from_assessment(1, "Claims", "Dana", "Sam", ["bob"])
    assert again.id == pilot_id  # a second click on "Start weekly check-ins"


def test_first_checkin_is_not_minutes_after_registration(coach: Coach, checkins: Checkins, clock: ManualClock) -> None:
    sunday = checkins.register_from_assessment(assess(coach, name="Early"), "Early", "Dana", "Sam", ["bob"])
    assert checkins.summary(sunday.id).next_due == MON_9  # registered Sunday noon: the Monday slot
    clock.advance(MON_9 - timedelta(minutes=5) - clock.now())  # Monday 8:55, five minutes before the slot
    monday = checkins.register_from_assessment(assess(coach, name="Late"), "Late", "Dana", "Sam", ["bob"])
    assert checkins.summary(monday.id).next_due == MON_9 + timedelta(days=7)  # the baseline waits a week
