"""A Slack message whose turn was stored, but whose delivery was never marked done, is not applied twice."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine, update

from bot.event_claims import EventClaims
from bot.slack.inbox import replay_unfinished
from bot.store import utcnow
from bot.store.slack_events import LEASE, SlackEventRow, claim_event
from tests.slack.conftest import SlackRig
from tests.slack.fake_slack import Call
from tests.slack.helpers import ANSWER, answers_of, in_thread, interview, text_of
from tests.slack.payloads import TEAM, event_callback, message, new_ts


def replies(slack: SlackRig, channel: str, root: str, count: int) -> list[Call]:
    """The thread's first `count` posts (waiting generously: a loaded CI machine is slow)."""
    return slack.fake.wait_for("chat.postMessage", count, timeout=120.0, where=in_thread(channel, root))


def dead_claim(engine: Engine, event_id: str, body: dict[str, object]) -> None:
    """The event claimed long ago with its body and never marked done, as after a crash."""
    stale = update(SlackEventRow).where(SlackEventRow.event_id == event_id)
    with engine.begin() as conn:
        conn.execute(stale.values(done_at=None, received_at=utcnow() - 2 * LEASE, payload=json.dumps(body)))


def test_a_replayed_event_posts_the_stored_reply_without_reapplying_the_turn(slack: SlackRig) -> None:
    channel, engine = "C0REPLAYKEY", slack.coach.store.engine
    with engine.begin() as conn:  # earlier tests' unfinished claims out of the way
        conn.execute(update(SlackEventRow).where(SlackEventRow.done_at.is_(None)).values(done_at=utcnow()))
    root = interview(slack, channel)
    body = event_callback(message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root), "Ev0REPLAYKEY")
    assert claim_event(engine, "Ev0REPLAYKEY", now=utcnow() - timedelta(hours=1), payload=json.dumps(body))
    assert replay_unfinished(slack.app.state.slack_app, EventClaims(engine)) == 1  # the first delivery
    first = replies(slack, channel, root, 2)[-1]
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None
    version = slack.coach.store.get_session(session.id).version
    dead_claim(engine, "Ev0REPLAYKEY", body)  # died after the turn's commit, before the delivery was marked done
    assert replay_unfinished(slack.app.state.slack_app, EventClaims(engine)) == 1
    again = replies(slack, channel, root, 3)[-1]
    assert text_of(again) == text_of(first)  # the stored reply, posted again
    assert answers_of(slack, channel, root) == [ANSWER]  # applied once
    assert slack.coach.store.get_session(session.id).version == version
