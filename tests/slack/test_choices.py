"""Quick-reply buttons under a question: real Bolt dispatch, signed requests, the fake Web API."""

from __future__ import annotations

from typing import Any

from bot.interview import InterviewState
from bot.slack import blocks as bk
from bot.slack.choices import PICK, TEXT
from tests.slack.conftest import SlackRig
from tests.slack.fake_slack import Call
from tests.slack.helpers import as_message, check_limits, in_thread, text_of, wait_reply
from tests.slack.payloads import TEAM, app_mention, block_actions, form_submission, message, new_ts

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
    assert labels == ["Automated feed", "One-off or hand-made extract", "Not sure", "Add details…"]
    assert buttons[-1]["action_id"] == bk.DETAILS_ACTION
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


DETAILS = "Only the EU region has a nightly feed; the US data is still a monthly CSV."


def _details_values(index: int | None, text: str | None) -> dict[str, dict[str, Any]]:
    picked = {"type": "radio_buttons", "selected_option": None if index is None else {"value": str(index)}}
    return {PICK: {PICK: picked},
            TEXT: {TEXT: {"type": "plain_text_input", "value": text}}}  # fmt: skip


def _open_details(slack: SlackRig, channel: str, question: Call) -> dict[str, Any]:
    """Click "Add details…" under the question; return the modal Slack was asked to open."""
    [button] = [b for b in _buttons(question) if b["action_id"] == bk.DETAILS_ACTION]
    action = {**button, "block_id": bk.CHOICES_BLOCK}
    payload = block_actions(BOB, action, channel, as_message(question), slack.fake.response_url())
    resp = slack.sender.interaction(payload)
    assert resp.status_code == 200
    [opened] = slack.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "1337.42.trigger"
    return dict(opened.args["view"])


def test_add_details_sends_the_option_and_the_details_as_one_answer(slack: SlackRig) -> None:
    channel, root = "C0DETAIL", new_ts()
    question = _to_first_area(slack, channel, root)
    view = _open_details(slack, channel, question)
    options = [o["text"]["text"] for b in view["blocks"] if b["type"] == "input"
               for o in b["element"].get("options", [])]  # fmt: skip
    assert options == ["Automated feed", "One-off or hand-made extract", "Not sure"]
    assert len(view["private_metadata"]) <= 3000
    before = len(slack.fake.posts(channel, root))
    assert not slack.fake.calls_to("chat.update")

    resp = slack.sender.interaction(form_submission(BOB, view, _details_values(1, DETAILS)))
    assert resp.status_code == 200
    posts = wait_reply(slack.fake, channel, root, before)
    assert "Committed business owner" in text_of(posts[-1])  # the answer settled the data area
    picked = [s for s in _state(slack, channel, root).statements if s.status is not None]
    assert [(s.status, s.author, s.question_id) for s in picked] == [("gap", BOB, "data_source")]
    value = _buttons(question)[1]["value"]  # what the "One-off…" button sends
    assert picked[0].text == f"{value.rstrip('.')}: {DETAILS}"  # the details are quoted with the option
    update = slack.fake.wait_for("chat.update")[-1]
    assert update.args["ts"] == question.response["ts"]
    assert not any(b.get("block_id") == bk.CHOICES_BLOCK for b in update.args["blocks"])
    assert f"<@{BOB}> chose *One-off or hand-made extract*" in text_of(update) and "EU region" in text_of(update)
    slack.sender.event(message(ALICE, "report", channel, new_ts(), thread_ts=root))
    slack.fake.wait_for("files.completeUploadExternal", timeout=30.0)
    [url] = slack.fake.calls_to("files.getUploadURLExternal")
    markdown = slack.fake.uploads[url.response["file_id"]].decode("utf-8")
    assert "EU region has a nightly feed" in markdown  # the report quotes the details as the team's evidence


def test_a_resubmitted_details_modal_is_one_answer(slack: SlackRig) -> None:
    channel, root = "C0DETAIL2", new_ts()
    question = _to_first_area(slack, channel, root)
    view = _open_details(slack, channel, question)
    before = len(slack.fake.posts(channel, root))
    slack.sender.interaction(form_submission(BOB, view, _details_values(0, DETAILS)))
    wait_reply(slack.fake, channel, root, before)
    after = len(slack.fake.posts(channel, root))
    slack.sender.interaction(form_submission(BOB, view, _details_values(0, DETAILS)))  # Slack's retry: same view
    wait_reply(slack.fake, channel, root, after)  # the stored reply again, not a second answer
    said = [s for s in _state(slack, channel, root).statements if DETAILS in s.text]
    assert [s.status for s in said] == ["ready", None]  # the option with the details, and the details read alone


def test_details_without_text_or_option_are_refused_in_the_modal(slack: SlackRig) -> None:
    channel, root = "C0DETAIL3", new_ts()
    question = _to_first_area(slack, channel, root)
    view = _open_details(slack, channel, question)
    count = len(_state(slack, channel, root).statements)
    bad = slack.sender.interaction(form_submission(BOB, view, _details_values(None, "  ")))
    assert bad.status_code == 200 and bad.json()["response_action"] == "errors"
    assert set(bad.json()["errors"]) == {PICK, TEXT}
    assert len(_state(slack, channel, root).statements) == count


def test_a_click_is_kept_even_when_the_buttons_cannot_be_removed(slack: SlackRig) -> None:
    channel, root = "C0NOUPDATE", new_ts()
    question = _to_first_area(slack, channel, root)
    slack.fake.fail("chat.update", "message_not_found")
    button = next(b for b in _buttons(question) if b["text"]["text"] == "Automated feed")
    before = len(slack.fake.posts(channel, root))
    slack.sender.interaction(
        block_actions(BOB, {**button, "block_id": bk.CHOICES_BLOCK}, channel, as_message(question), "")
    )
    posts = wait_reply(slack.fake, channel, root, before)
    assert "Committed business owner" in text_of(posts[-1])
    picked = [s for s in _state(slack, channel, root).statements if s.status is not None]
    assert [(s.status, s.question_id) for s in picked] == [("ready", "data_source")]
