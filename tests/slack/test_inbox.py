"""The durable inbox: a message acknowledged but never stored is replayed once, by one replica."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from slack_bolt import App
from sqlalchemy import Engine, select, update

from bot.event_claims import EventClaims
from bot.periodic import Runner
from bot.slack.inbox import replay_unfinished
from bot.store import Store, utcnow
from bot.store.slack_events import LEASE, MAX_REPLAYS, SlackEventRow, claim_event, reclaim_for_replay, unfinished_events
from tests.slack.conftest import SlackRig
from tests.slack.helpers import ANSWER, answers_of, done_at, interview, settle, wait_reply
from tests.slack.payloads import event_callback, message, new_ts


@pytest.fixture
def inbox(slack: SlackRig) -> SlackRig:
    """The rig, with earlier tests' unfinished claims (same session store) out of the way."""
    done = update(SlackEventRow).where(SlackEventRow.done_at.is_(None)).values(done_at=utcnow())
    with slack.coach.store.engine.begin() as conn:
        conn.execute(done)
    return slack


def bolt(rig: SlackRig) -> App:
    """The Bolt app mounted in the rig's FastAPI app."""
    return rig.app.state.slack_app  # type: ignore[no-any-return]


def lost_answer(rig: SlackRig, channel: str, event_id: str, age: timedelta = 2 * LEASE) -> str:
    """An interview thread and a claim of Bob's answer in it, `age` old, as the middleware stores it
    before acknowledging, then the process died: nothing stored, no reply. Returns the thread's ts."""
    root = interview(rig, channel)
    body = event_callback(message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root), event_id)
    assert claim_event(rig.coach.store.engine, event_id, now=utcnow() - age, payload=json.dumps(body))
    return root


def payload_of(engine: Engine, event_id: str) -> str | None:
    """The body stored with the event's claim."""
    with engine.connect() as conn:
        return conn.execute(select(SlackEventRow.payload).filter_by(event_id=event_id)).scalar_one()


def test_a_message_lost_after_the_ack_is_stored_and_answered_once(inbox: SlackRig) -> None:
    channel, engine = "C0LOST", inbox.coach.store.engine
    root = lost_answer(inbox, channel, "Ev0LOST")
    assert replay_unfinished(bolt(inbox), EventClaims(engine)) == 1
    wait_reply(inbox.fake, channel, root, 1)
    assert answers_of(inbox, channel, root) == [ANSWER]
    assert done_at(engine, "Ev0LOST") is not None
    assert replay_unfinished(bolt(inbox), EventClaims(engine)) == 0  # a second sweep finds it done
    settle(inbox, "C0SENTRYL")
    assert len(inbox.fake.posts(channel, root)) == 2
    assert answers_of(inbox, channel, root) == [ANSWER]


def test_racing_sweeps_on_two_replicas_replay_once(inbox: SlackRig, replicas: tuple[Store, Store]) -> None:
    channel = "C0RACE"
    root = interview(inbox, channel)
    body = event_callback(message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root), "Ev0RACE")
    assert claim_event(replicas[0].engine, "Ev0RACE", now=utcnow() - 2 * LEASE, payload=json.dumps(body))
    start = threading.Barrier(8)

    def sweep(n: int) -> int:
        start.wait()
        return replay_unfinished(bolt(inbox), EventClaims(replicas[n % 2].engine))

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(sweep, range(8))) == 1
    wait_reply(inbox.fake, channel, root, 1)
    settle(inbox, "C0SENTRYR")
    assert len(inbox.fake.posts(channel, root)) == 2
    assert answers_of(inbox, channel, root) == [ANSWER]


def test_a_claim_within_the_lease_is_left_alone(inbox: SlackRig) -> None:
    channel, engine = "C0YOUNG", inbox.coach.store.engine
    root = lost_answer(inbox, channel, "Ev0YOUNG", age=LEASE / 2)  # its delivery may still be working
    assert replay_unfinished(bolt(inbox), EventClaims(engine)) == 0
    settle(inbox, "C0SENTRYY")
    assert len(inbox.fake.posts(channel, root)) == 1
    assert answers_of(inbox, channel, root) == []
    assert done_at(engine, "Ev0YOUNG") is None


BAD = ["{not json", json.dumps({"type": "event_callback", "event_id": "Ev0X", "event": {"type": "reaction_added"}})]


@pytest.mark.parametrize("payload", BAD, ids=["not-json", "not-a-message"])
def test_an_unreadable_payload_is_marked_done_and_skipped(
    inbox: SlackRig, payload: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine, event_id = inbox.coach.store.engine, f"Ev0BAD{BAD.index(payload)}"
    assert claim_event(engine, event_id, now=utcnow() - 2 * LEASE, payload=payload)
    with caplog.at_level(logging.WARNING, logger="bot.slack.inbox"):
        assert replay_unfinished(bolt(inbox), EventClaims(engine)) == 0
    assert done_at(engine, event_id) is not None
    assert event_id in caplog.text and payload not in caplog.text
    assert inbox.fake.posts() == []


def test_a_signed_delivery_keeps_its_body_with_the_claim_until_it_is_stored(
    inbox: SlackRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel, engine = "C0KEEP", inbox.coach.store.engine
    root = interview(inbox, channel)
    monkeypatch.setattr(EventClaims, "done", lambda *_: None)  # as if it died before
    inbox.sender.event(message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root), event_id="Ev0KEEP")
    wait_reply(inbox.fake, channel, root, 1)
    stored = json.loads(payload_of(engine, "Ev0KEEP") or "{}")
    assert (stored["event_id"], stored["event"]["text"]) == ("Ev0KEEP", ANSWER)
    monkeypatch.undo()
    event = message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root)
    inbox.sender.event(event, event_id="Ev0DROP")
    wait_reply(inbox.fake, channel, root, 2)
    assert payload_of(engine, "Ev0DROP") is None  # once stored, the team's words are not kept twice
    greeting = {"type": "assistant_thread_started", "event_ts": new_ts(),
                "assistant_thread": {"user_id": "U0ALICE", "channel_id": "D0KEEP", "thread_ts": new_ts()}}  # fmt: skip
    inbox.sender.event(greeting, event_id="Ev0NOWORDS")
    settle(inbox, "C0SENTRYK")
    assert payload_of(engine, "Ev0NOWORDS") is None  # carries no words of the team's


def test_the_sweeper_replays_at_start_and_stops_cleanly(inbox: SlackRig) -> None:
    channel = "C0SWEEP"
    root = lost_answer(inbox, channel, "Ev0SWEEP")
    others = {t for t in threading.enumerate() if t.name == "APScheduler"}  # another test's server may run one
    jobs = Runner()
    jobs.add("slack-inbox", lambda: replay_unfinished(bolt(inbox), EventClaims(inbox.coach.store.engine)), 0.2)
    jobs.start()
    try:
        wait_reply(inbox.fake, channel, root, 1)
    finally:
        jobs.stop()
    assert not jobs.running and {t for t in threading.enumerate() if t.name == "APScheduler"} <= others
    assert answers_of(inbox, channel, root) == [ANSWER]


# --- the table, on SQLite and (when configured) PostgreSQL -------------------------------


def test_an_event_is_replayed_at_most_max_replays_times(replicas: tuple[Store, Store]) -> None:
    engine, now = replicas[0].engine, utcnow()
    assert claim_event(engine, "EvPOISON", now=now - 10 * LEASE, payload="{}")
    for n in range(MAX_REPLAYS):
        assert [e for e, _ in unfinished_events(engine, now=now + 2 * n * LEASE)] == ["EvPOISON"]
        assert reclaim_for_replay(engine, "EvPOISON", now=now + 2 * n * LEASE)
    assert unfinished_events(engine, now=now + 10 * MAX_REPLAYS * LEASE) == []


def test_cleanup_keeps_unfinished_payloads_younger_than_a_day(replicas: tuple[Store, Store]) -> None:
    engine = replicas[0].engine
    assert claim_event(engine, "EvOPENOLD", now=utcnow() - timedelta(days=2), payload="{}")
    assert claim_event(engine, "EvOPENYOUNG", now=utcnow() - timedelta(hours=12), payload="{}")
    assert claim_event(engine, "EvTRIGGER")  # a new claim sweeps out rows older than a day
    with engine.connect() as conn:
        left = set(conn.execute(select(SlackEventRow.event_id)).scalars())
    assert left == {"EvOPENYOUNG", "EvTRIGGER"}
