"""Small helpers for reading what the fake Slack received."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from bot.slack import blocks as bk
from bot.store.slack_events import SlackEventRow
from tests.slack.conftest import SlackRig
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.payloads import TEAM, app_mention, new_ts

QUESTION = "what does good governance look like?"


def in_thread(channel: str, thread_ts: str | None) -> Callable[[Call], bool]:
    """Matches posts in one thread (thread_ts None: the top level of the channel)."""
    return lambda c: c.args.get("channel") == channel and c.args.get("thread_ts") == thread_ts


def text_of(call: Call) -> str:
    """All the text of a posted message: section, header and context texts."""
    out = []
    for b in call.args.get("blocks") or []:
        if "text" in b:
            out.append(b["text"]["text"])
        out += [e.get("text", "") for e in b.get("elements", []) if b["type"] == "context"]
    return "\n".join(out) or call.args.get("text", "")


def block_ids(call: Call) -> list[str]:
    """The block_ids of a posted message."""
    return [b.get("block_id", "") for b in call.args.get("blocks") or []]


def is_report_end(call: Call) -> bool:
    """The last message of a report carries the report's buttons."""
    return any(i.startswith("report:") for i in block_ids(call))


def wait_reply(fake: FakeSlack, channel: str, thread_ts: str | None, before: int) -> list[Call]:
    """Wait for one more post in the thread than `before`; return all of them."""
    return fake.wait_for("chat.postMessage", before + 1, timeout=30.0, where=in_thread(channel, thread_ts))


def settle(rig: SlackRig, channel: str) -> None:
    """Wait until a sentinel question in another channel is answered (lazy work has drained)."""
    ts = new_ts()
    rig.sender.event(app_mention("U0SENTRY", QUESTION, channel, ts))
    rig.fake.wait_for("chat.postMessage", where=in_thread(channel, ts))
    time.sleep(0.5)


def check_limits(blocks: list[dict[str, Any]]) -> None:
    """Assert Slack's Block Kit limits on one message."""
    assert 0 < len(blocks) <= bk.MAX_BLOCKS
    for b in blocks:
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= bk.MAX_HEADER
        if b["type"] == "section":
            assert 0 < len(b["text"]["text"]) <= bk.MAX_TEXT
        for e in b.get("elements", []) if b["type"] == "context" else []:
            assert len(e["text"]) <= bk.MAX_TEXT
    assert len(json.dumps(blocks)) < 50_000


def as_message(call: Call) -> dict[str, Any]:
    """The message Slack would embed in a block_actions payload for this post."""
    return dict(call.response["message"])


ANSWER = "It drafts replies to customer emails for the support team."


def done_at(engine: Engine, event_id: str) -> datetime | None:
    """When the event was marked done (None: claimed, not done)."""
    with engine.connect() as conn:
        return conn.execute(select(SlackEventRow.done_at).filter_by(event_id=event_id)).scalar_one()


def interview(slack: SlackRig, channel: str) -> str:
    """Start an interview in a new thread of `channel`; return the thread's ts."""
    root = new_ts()
    slack.sender.event(app_mention("U0ALICE", "start", channel, root))
    wait_reply(slack.fake, channel, root, 0)
    return root


def answers_of(slack: SlackRig, channel: str, root: str) -> list[str]:
    """What U0BOB said in the thread's session, as stored."""
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None
    return [m.text for m in slack.coach.store.list_messages(session.id) if m.author == "U0BOB"]
