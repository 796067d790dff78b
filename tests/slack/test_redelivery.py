"""At least once until stored: a retry runs again only when the first delivery died before storing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine, inspect, select, text

from bot.store import Store, utcnow
from bot.store.migrations import upgrade_database
from bot.store.slack_events import LEASE, SlackEventRow, claim_event, mark_event_done
from tests.slack.conftest import SlackRig
from tests.slack.helpers import ANSWER, answers_of, done_at, interview, settle, wait_reply
from tests.slack.payloads import message, new_ts
from tests.store.migrations_helpers import undo_newer_revisions


def retry(n: int) -> dict[str, str]:
    """The headers Slack adds to its n-th retry of a delivery."""
    return {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}


# --- through Bolt -----------------------------------------------------------------------


def test_a_handled_event_is_marked_done_and_its_retry_ignored(slack: SlackRig) -> None:
    channel = "C0DONE"
    root = interview(slack, channel)
    event = message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root)
    slack.sender.event(event, event_id="Ev0DONE")
    wait_reply(slack.fake, channel, root, 1)
    assert done_at(slack.coach.store.engine, "Ev0DONE") is not None
    assert slack.sender.event(event, event_id="Ev0DONE", **retry(1)).status_code == 200
    settle(slack, "C0SENTRYD")
    assert len(slack.fake.posts(channel, root)) == 2
    assert answers_of(slack, channel, root) == [ANSWER]


def test_a_retry_after_a_crash_before_storing_is_stored_and_answered_once(slack: SlackRig) -> None:
    channel = "C0CRASH"
    root = interview(slack, channel)
    engine = slack.coach.store.engine
    # The first delivery was claimed a minute ago, then the process died: nothing stored, no reply.
    assert claim_event(engine, "Ev0CRASH", now=utcnow() - 2 * LEASE)
    event = message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root)
    assert slack.sender.event(event, event_id="Ev0CRASH", **retry(1)).status_code == 200
    wait_reply(slack.fake, channel, root, 1)
    assert answers_of(slack, channel, root) == [ANSWER]
    assert done_at(engine, "Ev0CRASH") is not None
    slack.sender.event(event, event_id="Ev0CRASH", **retry(2))  # the next retry finds it done
    settle(slack, "C0SENTRYC")
    assert len(slack.fake.posts(channel, root)) == 2
    assert answers_of(slack, channel, root) == [ANSWER]


def test_a_retry_within_the_lease_of_an_unfinished_claim_is_ignored(slack: SlackRig) -> None:
    channel = "C0INFLIGHT"
    root = interview(slack, channel)
    assert claim_event(slack.coach.store.engine, "Ev0INFLIGHT")  # the first delivery is still working
    event = message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root)
    assert slack.sender.event(event, event_id="Ev0INFLIGHT", **retry(1)).status_code == 200
    settle(slack, "C0SENTRYI")
    assert len(slack.fake.posts(channel, root)) == 1
    assert answers_of(slack, channel, root) == []
    assert done_at(slack.coach.store.engine, "Ev0INFLIGHT") is None


def test_events_the_bot_ignores_are_marked_done(slack: SlackRig) -> None:
    channel = "C0IGNORED"
    edit = {**message("U0ALICE", "typo", channel, new_ts()), "subtype": "message_changed"}
    slack.sender.event(edit, event_id="Ev0EDIT")
    slack.sender.event(message("U0ALICE", "lunch?", channel, new_ts()), event_id="Ev0CHATTER")
    greeting = {"type": "assistant_thread_started", "event_ts": new_ts(),
                "assistant_thread": {"user_id": "U0ALICE", "channel_id": "D0GREET", "thread_ts": new_ts()}}  # fmt: skip
    slack.sender.event(greeting, event_id="Ev0GREET")
    settle(slack, "C0SENTRYG")
    engine = slack.coach.store.engine
    assert all(done_at(engine, e) is not None for e in ("Ev0EDIT", "Ev0CHATTER", "Ev0GREET"))
    assert slack.fake.posts(channel) == []


# --- the table, on SQLite and (when configured) PostgreSQL -------------------------------


def test_two_reclaims_of_the_same_stale_event_have_one_winner(replicas: tuple[Store, Store]) -> None:
    first, second = (r.engine for r in replicas)
    assert claim_event(first, "EvSTALE", now=utcnow() - 2 * LEASE)
    now = utcnow()
    assert [claim_event(first, "EvSTALE", now=now), claim_event(second, "EvSTALE", now=now)] == [True, False]


def test_concurrent_reclaims_have_one_winner(replicas: tuple[Store, Store]) -> None:
    engines = [r.engine for r in replicas]
    assert claim_event(engines[0], "EvRACE", now=utcnow() - 2 * LEASE)
    start = threading.Barrier(8)

    def attempt(n: int) -> bool:
        start.wait()
        return claim_event(engines[n % 2], "EvRACE")

    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(attempt, range(8)))
    assert won.count(True) == 1


def test_a_claim_is_taken_over_only_when_stale_and_not_done(replicas: tuple[Store, Store]) -> None:
    engine, now = replicas[0].engine, utcnow()
    assert claim_event(engine, "EvRECENT", now=now - LEASE / 2)
    assert claim_event(engine, "EvRECENT", now=now) is False  # still within the lease
    assert claim_event(engine, "EvFINISHED", now=now - 2 * LEASE)
    mark_event_done(engine, "EvFINISHED")
    assert claim_event(engine, "EvFINISHED", now=now) is False  # done: never again
    assert claim_event(engine, "EvLONG", now=now - 2 * LEASE)
    assert claim_event(engine, "EvLONG", now=now, lease=4 * LEASE) is False


def test_rows_older_than_a_day_are_cleaned_up(replicas: tuple[Store, Store]) -> None:
    engine = replicas[0].engine
    assert claim_event(engine, "EvOLD", now=utcnow() - timedelta(days=2))
    mark_event_done(engine, "EvOLD")
    assert claim_event(engine, "EvNEW")
    with engine.connect() as conn:
        assert conn.execute(select(SlackEventRow.event_id).filter_by(event_id="EvOLD")).first() is None


def test_an_old_events_table_gains_done_at_in_place(replicas: tuple[Store, Store]) -> None:
    engines = [r.engine for r in replicas]
    stamp = "TIMESTAMP WITH TIME ZONE"
    with engines[0].begin() as conn:  # the table as the version before done_at (and migrations) made it
        conn.execute(text("DROP TABLE slack_events"))
        undo_newer_revisions(conn)
        conn.execute(text(f"CREATE TABLE slack_events (event_id VARCHAR(64) PRIMARY KEY, received_at {stamp})"))
    assert claim_event(engines[0], "EvBEFORE", now=utcnow() - 2 * LEASE)  # inserts only the old columns
    start = threading.Barrier(2)

    def upgrade(engine: Engine) -> None:
        start.wait()
        upgrade_database(engine)  # two replicas starting at once

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(upgrade, engines))
    assert {"done_at", "payload", "replays"} <= {c["name"] for c in inspect(engines[0]).get_columns("slack_events")}
    assert claim_event(engines[1], "EvBEFORE") is True  # claimed before the upgrade, never done
    mark_event_done(engines[1], "EvBEFORE")
    assert done_at(engines[0], "EvBEFORE") is not None
