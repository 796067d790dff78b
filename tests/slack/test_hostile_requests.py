"""Forged, malformed and mischievous Slack requests: 401 or 400, never 500, nothing logged or pinged."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

import pytest
from slack_bolt.request import BoltRequest

from bot.slack.app import BOLT_VERIFICATION_LOGGER
from bot.slack.blocks import feedback_modal
from bot.slack.conversation import workspace_owner
from tests.slack.conftest import SECRET, SlackRig
from tests.slack.helpers import as_message, in_thread, is_report_end, settle, text_of, wait_reply
from tests.slack.payloads import (
    TEAM,
    app_mention,
    block_actions,
    checkins_values,
    form_submission,
    message,
    new_ts,
    slash_command,
    view_submission,
)
from tests.slack.test_commands_actions import ALICE, ANSWERS, BOB, command, started_thread

MARKER = "FORGED-BODY-7f3a"
NAME = "<!channel> Claims <@U0ALL> & <https://evil.example|click>"
RAW = ("<!channel>", "<@U0ALL>", "<https://evil.example|click>")


@pytest.mark.parametrize("timestamp", ["abc", "", "-1", "1e9", " 1700000000", "9" * 5000, "١٧٠٠٠٠٠٠٠٠"])
def test_an_unsigned_request_with_a_malformed_timestamp_is_401(slack: SlackRig, timestamp: str) -> None:
    headers = {"X-Slack-Request-Timestamp": timestamp.encode(), "Content-Type": b"application/json"}
    resp = slack.sender.client.post("/slack/events", content=b'{"type": "event_callback"}', headers=headers)
    assert resp.status_code == 401, resp.text
    assert resp.json()["error"]["code"] == "unauthorized"


def test_a_signed_request_with_a_malformed_timestamp_is_401(slack: SlackRig) -> None:
    channel, ts = "C0BADTS", new_ts()
    resp = slack.sender.event(app_mention("U0EVE", "hello", channel, ts), timestamp="abc")
    assert resp.status_code == 401


@pytest.mark.parametrize("payload", ["not json", "{", "[1, 2]", "123", "null", '"text"', "\udcff"])
def test_a_signed_interaction_whose_payload_is_not_a_json_object_is_400(slack: SlackRig, payload: str) -> None:
    body = urlencode({"payload": payload}, encoding="utf-8", errors="surrogateescape")
    resp = slack.sender.post("/slack/interactions", body, "application/x-www-form-urlencoded")
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("body", [b"not json", b"[1]", b'"x"', b"{" * 5000])
def test_a_signed_event_body_that_is_not_a_json_object_is_400(slack: SlackRig, body: bytes) -> None:
    resp = slack.sender.post("/slack/events", body.decode(), "application/json")
    assert resp.status_code == 400, resp.text


def test_a_body_that_is_not_utf8_or_a_signature_that_is_not_ascii_is_refused(slack: SlackRig) -> None:
    ts = str(int(time.time()))
    raw = b'{"type": "event_callback", "x": "\xff\xfe"}'
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, "Content-Type": "application/json"}
    assert slack.sender.client.post("/slack/events", content=raw, headers=headers).status_code == 401
    headers["X-Slack-Signature"] = "v0=\u00e9".encode("latin-1")  # type: ignore[assignment]
    assert slack.sender.client.post("/slack/events", content=b"{}", headers=headers).status_code == 401


def test_a_forged_request_body_is_not_logged(slack: SlackRig, caplog: pytest.LogCaptureFixture) -> None:
    channel, ts = "C0FORGEDLOG", new_ts()
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger=BOLT_VERIFICATION_LOGGER):
        resp = slack.sender.event(app_mention("U0EVE", MARKER, channel, ts), signature="v0=" + "0" * 64)
        settle(slack, "C0SENTRYLOG")
    assert resp.status_code == 401
    assert MARKER not in caplog.text


def test_bolt_itself_does_not_log_a_refused_body(slack: SlackRig, caplog: pytest.LogCaptureFixture) -> None:
    body = json.dumps({"type": "event_callback", "text": MARKER})
    headers = {"x-slack-request-timestamp": [str(int(time.time()))], "x-slack-signature": ["v0=" + "0" * 64],
               "content-type": ["application/json"]}  # fmt: skip
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger=BOLT_VERIFICATION_LOGGER):
        resp = slack.app.state.slack_app.dispatch(BoltRequest(body=body, headers=headers))
    assert resp.status == 401 and MARKER not in caplog.text


def _assert_escaped(text: str) -> None:
    assert not any(raw in text for raw in RAW), text
    assert "&lt;!channel&gt;" in text


def test_a_pilot_name_with_slack_control_sequences_is_escaped(slack: SlackRig) -> None:
    channel = "C0ESCAPE"
    root = started_thread(slack, channel, pilot=NAME)
    [anchor] = [c for c in slack.fake.posts(channel) if not c.args.get("thread_ts")]
    [first] = slack.fake.posts(channel, root)
    for call in (anchor, first):
        _assert_escaped(call.args["text"])  # the notification text
        _assert_escaped(text_of(call))  # the blocks
    status = slack.sender.command(slash_command("status", ALICE, channel, slack.fake.response_url(channel)))
    _assert_escaped(status.text)


def test_a_mentioned_start_escapes_the_name_in_the_reply(slack: SlackRig) -> None:
    channel, ts = "C0ESCAPE2", new_ts()
    slack.sender.event(app_mention(ALICE, f"start {NAME}", channel, ts))
    [reply] = wait_reply(slack.fake, channel, ts, 0)
    _assert_escaped(reply.args["text"])
    _assert_escaped(text_of(reply))
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{ts}")
    assert session is not None and "<!channel>" in str(session.pilot_name)  # kept as typed, escaped when shown


def test_starting_check_ins_escapes_the_pilot_name(slack: SlackRig) -> None:
    channel = "C0ESCAPE3"
    root = started_thread(slack, channel, pilot=NAME)
    for text in ANSWERS:
        before = len(slack.fake.posts(channel, root))
        slack.sender.event(message(BOB, text, channel, new_ts(), thread_ts=root))
        wait_reply(slack.fake, channel, root, before)
    command(slack, "report", channel)
    end = slack.fake.wait_for("chat.postMessage", where=lambda c: in_thread(channel, root)(c) and is_report_end(c))[-1]
    aid = next(b["block_id"] for b in end.args["blocks"] if b.get("block_id", "").startswith("report:")).split(":")[1]
    action = {"type": "button", "action_id": "checkins_start", "block_id": f"report:{aid}", "value": aid}
    slack.sender.interaction(block_actions(ALICE, action, channel, as_message(end), slack.fake.response_url()))
    [opened] = slack.fake.wait_for("views.open", timeout=30.0)
    view = opened.args["view"]
    _assert_escaped(view["blocks"][0]["text"]["text"])
    before = len(slack.fake.posts(channel, root))
    slack.sender.interaction(form_submission(ALICE, view, checkins_values(None, BOB, channel, "UTC")))
    said = wait_reply(slack.fake, channel, root, before)[-1]
    assert "Weekly check-ins are on" in text_of(said)
    _assert_escaped(text_of(said))
    _assert_escaped(said.args["text"])


IMPOSSIBLE = ["abc", "", "1", str(2**31), str(2**53), "9" * 5000, "-1", "F" * 32, "a" * 31 + "\x00"]


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_a_button_with_an_impossible_id_says_so_in_the_thread(slack: SlackRig, value: str) -> None:
    channel, root = "C0BADID", new_ts()
    message_ = {"type": "message", "ts": root, "text": "Readiness report", "blocks": [], "user": "UBOT"}
    for action_id in ("checkins_start", "gap_resolve"):
        before = len(slack.fake.posts(channel, root))
        action = {"type": "button", "action_id": action_id, "block_id": f"gap:{value}", "value": value}
        resp = slack.sender.interaction(block_actions(ALICE, action, channel, message_, slack.fake.response_url()))
        assert resp.status_code == 200
        assert "no longer exists" in text_of(wait_reply(slack.fake, channel, root, before)[-1])


def test_a_feedback_comment_that_is_not_text_is_not_stored(slack: SlackRig) -> None:
    report = slack.coach.assess_text("We export a CSV by hand.", owner=workspace_owner(TEAM))
    assert report.assessment_id is not None
    view = feedback_modal(report.assessment_id, helpful=True)
    for comment in ("\x00\x01\x02 binary", "Useful, thanks."):
        assert slack.sender.interaction(view_submission(ALICE, view, comment)).status_code == 200
    notes = slack.coach.store.list_audit(subject=f"assessment:{report.assessment_id}", kind="slack.feedback_comment")
    assert [n.detail["comment"] for n in notes] == ["Useful, thanks."]
