"""A Slack message whose turn was stored, but whose delivery was never marked done, is not applied twice."""

from __future__ import annotations

import json

from sqlalchemy import update

from bot.slack.inbox import replay_unfinished
from bot.slack.tables import LEASE, SlackEventRow
from bot.store import utcnow
from tests.slack.conftest import SlackRig
from tests.slack.helpers import ANSWER, answers_of, interview, settle, text_of, wait_reply
from tests.slack.payloads import TEAM, event_callback, message, new_ts


def test_a_replayed_event_posts_the_stored_reply_without_reapplying_the_turn(slack: SlackRig) -> None:
    channel, engine = "C0TWICE", slack.coach.store.engine
    root = interview(slack, channel)
    event = message("U0BOB", ANSWER, channel, new_ts(), thread_ts=root)
    slack.sender.event(event, event_id="Ev0TWICE")
    first = wait_reply(slack.fake, channel, root, 1)[-1]
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None
    version = slack.coach.store.get_session(session.id).version
    # as if the process died after the turn's commit but before the delivery was marked done
    dead = update(SlackEventRow).where(SlackEventRow.event_id == "Ev0TWICE")
    with engine.begin() as conn:
        conn.execute(
            dead.values(
                done_at=None, received_at=utcnow() - 2 * LEASE, payload=json.dumps(event_callback(event, "Ev0TWICE"))
            )
        )
    assert replay_unfinished(slack.app.state.slack_app, engine) == 1
    again = wait_reply(slack.fake, channel, root, 2)[-1]
    assert text_of(again) == text_of(first)  # the stored reply, posted again
    assert answers_of(slack, channel, root) == [ANSWER]  # applied once
    assert slack.coach.store.get_session(session.id).version == version
    settle(slack, "C0SENTRYT")
    assert len(slack.fake.posts(channel, root)) == 3
