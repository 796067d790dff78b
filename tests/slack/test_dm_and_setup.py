"""DMs, assistant threads, mounting and the `coach slack` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.cli.slack_cmds import MISSING_TOKENS, register
from bot.errors import ConfigError
from bot.factory import create_app
from bot.slack.app import create_slack_app
from bot.slack.http import mount_slack
from bot.slack.listeners import PROMPTS
from tests.conftest import make_settings
from tests.slack.conftest import SlackRig
from tests.slack.helpers import in_thread, text_of, wait_reply
from tests.slack.payloads import TEAM, app_mention, event_callback, message, new_ts


def test_a_top_level_dm_starts_and_continues_one_interview(slack: SlackRig) -> None:
    dm = "D0ALICE"
    slack.sender.event(message("U0ALICE", "hi", dm, new_ts(), channel_type="im"))
    [first] = wait_reply(slack.fake, dm, None, 0)
    assert "Readiness Coach" in text_of(first)
    slack.sender.event(message("U0ALICE", "It drafts replies to customer emails.", dm, new_ts(),
                               channel_type="im"))  # fmt: skip
    wait_reply(slack.fake, dm, None, 1)
    session = slack.coach.store.find_session(f"slack:{TEAM}:{dm}:dm")
    assert session is not None
    users = [m for m in slack.coach.store.list_messages(session.id) if m.role == "user"]
    assert [m.text for m in users] == ["It drafts replies to customer emails."]
    assert not slack.fake.calls_to("assistant.threads.setStatus")  # not an assistant thread


def test_an_assistant_thread_gets_prompts_then_a_thinking_status(slack: SlackRig) -> None:
    dm, thread = "D0ASSIST", new_ts()
    started = {"type": "assistant_thread_started", "event_ts": thread,
               "assistant_thread": {"user_id": "U0ALICE", "channel_id": dm, "thread_ts": thread,
                                    "context": {}}}  # fmt: skip
    assert slack.sender.event(started).status_code == 200
    [prompts] = slack.fake.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts.args["prompts"] == PROMPTS and prompts.args["thread_ts"] == thread
    wait_reply(slack.fake, dm, thread, 0)
    slack.sender.event(message("U0ALICE", "start", dm, new_ts(), thread_ts=thread,
                               channel_type="im"))  # fmt: skip
    [status] = slack.fake.wait_for("assistant.threads.setStatus")
    assert status.args == {"channel_id": dm, "thread_ts": thread, "status": "is thinking…",
                           "team_id": TEAM}  # fmt: skip
    second = wait_reply(slack.fake, dm, thread, 1)[-1]
    assert "Readiness Coach" in text_of(second)
    assert status.at < second.at


def test_a_workspace_without_assistant_threads_still_gets_replies(slack: SlackRig) -> None:
    dm, thread = "D0NOASSIST", new_ts()
    slack.fake.fail("assistant.threads.setStatus", "not_allowed_token_type", times=5)
    slack.sender.event(message("U0ALICE", "What does good governance look like?", dm, new_ts(),
                               thread_ts=thread, channel_type="im"))  # fmt: skip
    [reply] = wait_reply(slack.fake, dm, thread, 0)
    assert "Playbook:" in text_of(reply)


def test_url_verification_is_answered(slack: SlackRig) -> None:
    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
    resp = slack.sender.post("/slack/events", body, "application/json")
    assert resp.status_code == 200 and "c-123" in resp.text


def test_without_slack_settings_nothing_is_mounted(slack: SlackRig, tmp_path: Path) -> None:
    app = FastAPI()
    mount_slack(app, make_settings(tmp_path / "d", slack_bot_token=None,
                                   slack_signing_secret=None), slack.app.state.slack_app)  # fmt: skip
    body = json.dumps(event_callback(message("U0ALICE", "hi", "D0X", new_ts())))
    assert TestClient(app).post("/slack/events", content=body).status_code == 404


def test_all_three_paths_reach_bolt(slack: SlackRig) -> None:
    for path in ("/slack/events", "/slack/interactions", "/slack/commands"):
        assert slack.sender.post(path, "{}", "application/json", signature="v0=bad").status_code == 401


def test_a_rejected_bot_token_is_one_sentence(slack: SlackRig, tmp_path: Path) -> None:
    slack.fake.fail("auth.test", "invalid_auth")
    settings = make_settings(tmp_path / "d", slack_bot_token="xoxb-bad",
                             slack_signing_secret="s", slack_api_url=slack.fake.api_url)  # fmt: skip
    with pytest.raises(ConfigError, match="Slack rejected SLACK_BOT_TOKEN"):
        create_slack_app(settings, slack.coach, slack.checkins)


def test_socket_mode_without_tokens_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "COACH_SLACK_BOT_TOKEN",
                 "COACH_SLACK_APP_TOKEN"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    cli = typer.Typer()
    register(cli)
    cli.command("noop")(lambda: None)  # two commands, so `slack` stays a subcommand
    result = CliRunner().invoke(cli, ["slack", "--socket"])
    assert result.exit_code == 2
    assert "Set SLACK_BOT_TOKEN and SLACK_APP_TOKEN" in " ".join(result.output.split())
    assert MISSING_TOKENS.startswith("Set SLACK_BOT_TOKEN and SLACK_APP_TOKEN")


def test_a_mention_inside_an_existing_thread_starts_the_interview_there(slack: SlackRig) -> None:
    channel, root = "C0WHERE", new_ts()
    slack.sender.event(message("U0ALICE", "hello", channel, new_ts(), thread_ts=root))
    slack.sender.event(app_mention("U0ALICE", "start", channel, new_ts(), thread_ts=root))
    [reply] = slack.fake.wait_for("chat.postMessage", where=in_thread(channel, root))
    session = slack.coach.store.find_session(f"slack:{TEAM}:{channel}:{root}")
    assert session is not None and "Readiness Coach" in text_of(reply)
    assert [m.role for m in slack.coach.store.list_messages(session.id)] == ["coach"]


def test_the_composition_root_mounts_slack_and_sweeps_its_inbox(slack: SlackRig) -> None:
    app = create_app(slack.settings, slack.coach)
    assert [job.name for job in app.state.server.jobs.jobs] == ["checkins", "slack-inbox"]
    assert TestClient(app).post("/slack/events", content="{}").status_code == 401  # mounted, and verifying
