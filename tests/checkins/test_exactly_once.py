"""Exactly once: crashes between claim, post and mark-sent; two schedulers on one database."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.checkins.notify import MessageRef, Outgoing
from bot.checkins.pilots import Checkins
from bot.checkins.records import Pilot
from bot.checkins.runner import Runner
from bot.factory import build_checkins_from_settings
from bot.service import Coach
from tests.checkins.conftest import assess
from tests.checkins.doubles import ManualClock, MemoryNotifier

MON_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class WorkerDied(RuntimeError):
    """Stands in for a process dying at a chosen point."""


class DiesAfterPosting(MemoryNotifier):
    """Slack accepted the message, then the worker died before it could record that."""

    def post(self, pilot: Pilot, message: Outgoing) -> MessageRef:
        super().post(pilot, message)
        raise WorkerDied("killed after posting")


class DiesBeforePosting(MemoryNotifier):
    """The worker decided to send (intent written), then died before the post."""

    def post(self, pilot: Pilot, message: Outgoing) -> MessageRef:
        raise WorkerDied("killed before posting")


def _pilot(coach: Coach, checkins: Checkins) -> int:
    return checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam").id


def test_worker_dies_after_claim_lease_expires_and_another_sends_once(
    coach: Coach, checkins: Checkins, clock: ManualClock
) -> None:
    _pilot(coach, checkins)
    clock.set(MON_9)
    runner, notifier = Runner(checkins), MemoryNotifier()
    assert runner.claim(1, clock.now(), "worker-a", "claimed")  # ...and worker-a dies here
    assert runner.run_due(clock.advance(timedelta(minutes=1)), notifier, "worker-b").sent == []
    assert [i.checkin_id for i in runner.due(clock.now())] == []  # leased: not due for others
    report = runner.run_due(clock.advance(timedelta(minutes=10)), notifier, "worker-b")
    assert report.sent == ["checkin:1"] and notifier.keys() == ["checkin:1"]
    runner.run_due(clock.advance(timedelta(minutes=30)), notifier, "worker-a")
    assert notifier.keys() == ["checkin:1"]
    assert checkins.checkins(1)[0].status == "sent"


def test_worker_dies_before_posting_the_message_is_not_lost(
    coach: Coach, checkins: Checkins, clock: ManualClock
) -> None:
    _pilot(coach, checkins)
    clock.set(MON_9)
    runner, slack = Runner(checkins), MemoryNotifier()
    failed = runner.run_due(clock.now(), DiesBeforePosting(), "worker-a").failed
    assert failed and "killed before posting" in failed[0]
    runner.run_due(clock.advance(timedelta(minutes=11)), slack, "worker-b")
    assert slack.keys() == ["checkin:1"]


def test_worker_dies_after_posting_no_second_post(coach: Coach, checkins: Checkins, clock: ManualClock) -> None:
    _pilot(coach, checkins)
    clock.set(MON_9)
    runner, dying = Runner(checkins), DiesAfterPosting()
    assert runner.run_due(clock.now(), dying, "worker-a").failed
    assert dying.keys() == ["checkin:1"]  # it did reach the channel
    # worker-b talks to the same destination; it finds the post by its key instead of reposting
    survivor = MemoryNotifier(posts=dying.posts)
    report = runner.run_due(clock.advance(timedelta(minutes=11)), survivor, "worker-b")
    assert report.sent == ["checkin:1"]
    assert survivor.keys() == ["checkin:1"]
    [checkin] = [c for c in checkins.checkins(1) if c.id == 1]
    assert checkin.status == "sent" and checkin.message_ts == dying.posts[0].ts


def run_two_schedulers(a: Checkins, b: Checkins, clock: ManualClock, hours: int) -> Counter[str]:
    """Both schedulers tick at the same instants on their own engines; count posts by key."""
    notifier = MemoryNotifier()
    for _ in range(hours):
        now = clock.advance(timedelta(hours=1))
        gate = threading.Barrier(2)

        def tick(service: Checkins, worker: str, now: datetime = now, gate: Any = gate) -> None:
            gate.wait()
            Runner(service).run_due(now, notifier, worker)

        threads = [threading.Thread(target=tick, args=(s, w)) for s, w in ((a, "a"), (b, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return Counter(notifier.keys())


def test_two_schedulers_on_sqlite_send_each_message_once(coach: Coach, checkins: Checkins, clock: ManualClock) -> None:
    for i in range(3):
        checkins.register_from_assessment(assess(coach), f"Pilot {i}", "Dana", "Sam")
    other = build_checkins_from_settings(coach.settings, clock)  # a second engine, same file
    assert other.engine is not checkins.engine
    counts = run_two_schedulers(checkins, other, clock, hours=14 * 24)
    assert counts and set(counts.values()) == {1}, counts
    assert sum(k.startswith("checkin:") for k in counts) == 3 * 2
    assert sum(k.startswith("reminder:") for k in counts) == 3 * 2
