"""Quick-reply buttons under a question: real Bolt dispatch, signed requests, the fake Web API."""

from __future__ import annotations

from typing import Any

from bot.interview import InterviewState
from bot.slack import blocks as bk
from tests.slack.conftest import SlackRig
from tests.slack.fake_slack import Call
from tests.slack.helpers import as_message, check_limits, in_thread, text_of, wait_reply
from tests.slack.payloads import TEAM, app_mention, block_actions, message, new_ts

ALICE, BOB = "U0ALICE", "U0BOB"
INTRO = [
    "It drafts replies to customer emails for the support team.",
    "The head of customer service sponsors it.",
    "We finished a six-week pilot with ten agents.",
    "It only suggests drafts; a human agent sends every reply.",
]


def _buttons(call: Call) -> list[dict[str, Any]]:
    return [e for b in call.args["blocks"] if b.get("block_id") == bk.CHOICES_BLOCK for e in b["elements"]]


def _to_first_area(slack: SlackRig, channel: str, root: str) -> Call:
    slack.sender.event(app_mention(ALICE, "start Support drafter", channel, root))
    wait_reply(slack.fake, channel, root, 0)
    for text in INTRO:
        before = len(slack.fake.posts(channel, root))
        slack.sender.event(message(ALICE, text, channel, new_ts(), thread_ts=root))
        wait_reply(slack.fake, channel, root, before)
    return slack.fake.posts(channel, root)[-1]


def _state(slack: SlackRig, channel: str, root: str) -> InterviewState:
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None
    return InterviewState.model_validate(slack.coach.store.get_session(session.id).state)


def test_a_question_carries_its_quick_replies_as_buttons(slack: SlackRig) -> None:
    channel, root = "C0CHOICE", new_ts()
    question = _to_first_area(slack, channel, root)
    assert "Production data pipeline" in text_of(question)
    check_limits(question.args["blocks"])
    buttons = _buttons(question)
    labels = [b["text"]["text"] for b in buttons]
    assert labels == ["Automated feed", "One-off or hand-made extract", "Not sure"]
    assert len({b["action_id"] for b in buttons}) == len(buttons)  # unique within the block


def test_a_click_answers_the_question_and_the_buttons_go(slack: SlackRig) -> None:
    channel, root = "C0CLICK", new_ts()
    question = _to_first_area(slack, channel, root)
    button = next(b for b in _buttons(question) if b["text"]["text"] == "One-off or hand-made extract")
    before = len(slack.fake.posts(channel, root))
    resp = slack.sender.interaction(
        block_actions(
            BOB, {**button, "block_id": bk.CHOICES_BLOCK}, channel, as_message(question), slack.fake.response_url()
        )
    )
    assert resp.status_code == 200
    posts = wait_reply(slack.fake, channel, root, before)
    assert "Committed business owner" in text_of(posts[-1])  # the click settled the data area
    update = slack.fake.wait_for("chat.update")[-1]
    assert update.args["ts"] == question.response["ts"]
    assert not any(b.get("block_id") == bk.CHOICES_BLOCK for b in update.args["blocks"])
    assert f"<@{BOB}> chose *One-off or hand-made extract*" in text_of(update)
    picked = [s for s in _state(slack, channel, root).statements if s.status is not None]
    assert [(s.status, s.author, s.question_id) for s in picked] == [("gap", BOB, "data_source")]


def test_free_text_still_answers_a_question_with_buttons(slack: SlackRig) -> None:
    channel, root = "C0FREE", new_ts()
    _to_first_area(slack, channel, root)
    before = len(slack.fake.posts(channel, root))
    text = "We exported a sample to a spreadsheet and cleaned it by hand; there is no feed."
    slack.sender.event(message(ALICE, text, channel, new_ts(), thread_ts=root))
    posts = wait_reply(slack.fake, channel, root, before)
    assert "Committed business owner" in text_of(posts[-1])
    assert _state(slack, channel, root).statements[-1].text == text
    assert all(in_thread(channel, root)(p) for p in posts)
