"""The app's Home tab (the latest report in full, clickable) and `/readiness status|report` finding
the channel's own interview however many newer sessions the workspace has."""

from __future__ import annotations

import json

from bot.slack.conversation import workspace_owner
from bot.slack.home import EMPTY
from tests.slack.conftest import SlackRig
from tests.slack.helpers import in_thread, is_report_end, settle, text_of
from tests.slack.payloads import TEAM, app_home_opened, event_callback, home_click
from tests.slack.test_commands_actions import ALICE, command, started_thread

DOC = ("We export a sample to a spreadsheet by hand. Nobody owns the budget. "
       "Compliance has not seen it. No monitoring, no rollback.")  # fmt: skip


def gap_buttons(view: dict) -> list[str]:  # type: ignore[type-arg]
    return [
        b["block_id"] for b in view["blocks"] if b["type"] == "actions" and b.get("block_id", "").startswith("gap:")
    ]


def test_the_home_tab_shows_the_workspaces_latest_report_and_its_buttons_work(slack: SlackRig) -> None:
    report = slack.coach.assess_text(DOC, pilot_name="Claims triage", owner=workspace_owner(TEAM))
    aid = report.assessment_id
    gaps = slack.coach.store.list_gaps(aid)  # type: ignore[arg-type]
    assert len(gaps) >= 2
    assert slack.sender.event(app_home_opened(ALICE)).status_code == 200
    [published] = slack.fake.wait_for("views.publish", timeout=30.0)
    view = published.args["view"]
    assert published.args["user_id"] == ALICE and view["type"] == "home"
    assert view["blocks"][0]["text"]["text"].endswith(": Claims triage")
    assert gap_buttons(view) == [f"gap:{g.public_id}" for g in gaps]  # every gap, not just the top three
    text = json.dumps(view, ensure_ascii=False)
    assert all(g.title in text for g in report.gaps) and f"report:{aid}" in text

    first = gaps[0].public_id
    action = {"type": "button", "action_id": "gap_resolve", "block_id": f"gap:{first}", "value": first}
    assert slack.sender.interaction(home_click(ALICE, action, view)).status_code == 200
    again = slack.fake.wait_for("views.publish", 2, timeout=30.0)[-1].args["view"]
    assert gap_buttons(again) == [f"gap:{g.public_id}" for g in gaps[1:]]
    assert f"*{len(gaps) - 1} of {len(gaps)} gaps still open*" in json.dumps(again, ensure_ascii=False)
    assert slack.coach.store.list_gaps(aid)[0].status == "resolved"  # type: ignore[arg-type]
    assert slack.fake.calls_to("chat.update") == []  # a Home click rebuilds the tab, not a message


def test_the_messages_tab_publishes_nothing_and_another_workspace_sees_none_of_ours(slack: SlackRig) -> None:
    slack.coach.assess_text(DOC, owner=workspace_owner(TEAM))
    slack.sender.event(app_home_opened(ALICE, tab="messages"))
    body = event_callback(app_home_opened("U0STRANGER"))
    body["team_id"] = "T0NOBODY"
    assert slack.sender.post("/slack/events", json.dumps(body), "application/json").status_code == 200
    [published] = slack.fake.wait_for("views.publish", timeout=30.0)
    settle(slack, "C0HOMESETTLE")
    assert len(slack.fake.calls_to("views.publish")) == 1  # the Messages tab got nothing
    assert published.args["user_id"] == "U0STRANGER"
    assert published.args["view"]["blocks"][0]["text"]["text"] == EMPTY


def test_status_and_report_find_the_channels_interview_behind_many_newer_sessions(slack: SlackRig) -> None:
    channel = "C0BURIED"
    root = started_thread(slack, channel, "Buried pilot")
    for n in range(110):  # newer sessions elsewhere in the workspace: the old lookup read only 100
        slack.coach.store.create_session(owner=workspace_owner(TEAM), channel="slack",
                                         external_key=f"slack:{TEAM}:C0NOISE{n}:1.{n}")  # fmt: skip
    status = command(slack, "status", channel)["text"]
    assert status.startswith("Interview for Buried pilot:")
    assert "Posting the gap list" in command(slack, "report", channel)["text"]
    [posted] = slack.fake.wait_for("chat.postMessage", timeout=30.0,
                                   where=lambda c: in_thread(channel, root)(c) and is_report_end(c))  # fmt: skip
    assert "Buried pilot" in text_of(posted)
    slack.fake.wait_for("files.completeUploadExternal", timeout=30.0)  # the full report follows it
