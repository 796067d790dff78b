"""The manifest subscribes to what the app listens to, at the paths `mount_slack` serves."""

from __future__ import annotations

import yaml

from bot.config import PROJECT_ROOT
from bot.slack.http import SLACK_PATHS

MANIFEST = PROJECT_ROOT / "slack" / "manifest.yaml"


def test_manifest_scopes_events_command_and_urls() -> None:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "im:history", "im:read", "im:write",
            "channels:history", "groups:history", "commands", "users:read", "files:write", "files:read",
            "assistant:write"} <= scopes  # fmt: skip
    events = set(data["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"app_mention", "message.im", "message.channels", "message.groups",
                      "assistant_thread_started", "app_home_opened"}  # fmt: skip
    assert data["features"]["app_home"]["home_tab_enabled"]  # the full report lives there
    [command] = data["features"]["slash_commands"]
    urls = {command["url"], data["settings"]["event_subscriptions"]["request_url"],
            data["settings"]["interactivity"]["request_url"]}  # fmt: skip
    assert {u.removeprefix("https://YOUR-HOST") for u in urls} == set(SLACK_PATHS)
    assert command["command"] == "/readiness" and data["settings"]["interactivity"]["is_enabled"]
