"""Signed button clicks act only on the clicking workspace's assessments and gaps, named by public ids."""

from __future__ import annotations

import re
from typing import Any

from bot.slack.conversation import workspace_owner
from tests.slack.conftest import SlackRig
from tests.slack.helpers import in_thread, settle, text_of
from tests.slack.payloads import TEAM, block_actions, new_ts

MALLORY, OTHER_TEAM = "U0MALLORY", "T0OTHER"
DOC = "We export a sample to a spreadsheet by hand. Nobody owns the budget. No monitoring, no rollback."


def click(rig: SlackRig, action: dict[str, Any], channel: str, team: str = TEAM) -> str:
    """A signed click on a report message in a fresh thread of `channel`; return the thread's ts."""
    root = new_ts()
    message = {"type": "message", "ts": root, "text": "Readiness report", "blocks": [], "user": "UBOT"}
    payload = block_actions(MALLORY, action, channel, message, rig.fake.response_url(channel))
    payload["team"]["id"] = payload["user"]["team_id"] = team
    assert rig.sender.interaction(payload).status_code == 200
    return root


def said(rig: SlackRig, channel: str, root: str) -> str:
    """What the coach posted in the clicked message's thread."""
    [post] = rig.fake.wait_for("chat.postMessage", where=in_thread(channel, root), timeout=30.0)
    return text_of(post)


def resolve(gap_id: object) -> dict[str, Any]:
    return {"type": "button", "action_id": "gap_resolve", "block_id": f"gap:{gap_id}", "value": str(gap_id)}


def report_button(action_id: str, assessment_id: object) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "block_id": f"report:{assessment_id}",
            "value": str(assessment_id)}  # fmt: skip


def test_buttons_refuse_ids_of_another_owner(slack: SlackRig) -> None:
    channel, store = "C0FOREIGN", slack.coach.store
    aid = slack.coach.assess_text(DOC, owner="key-not-this-workspace").assessment_id
    assert aid is not None
    gap = store.list_gaps(aid)[0]
    assert f"No gap {gap.public_id}:" in said(slack, channel, click(slack, resolve(gap.public_id), channel))
    assign = {"type": "users_select", "action_id": "gap_assign", "block_id": f"gap:{gap.public_id}",
              "selected_user": MALLORY}  # fmt: skip
    assert f"No gap {gap.public_id}:" in said(slack, channel, click(slack, assign, channel))
    start = click(slack, report_button("checkins_start", aid), channel)
    assert f"No assessment {aid}:" in said(slack, channel, start)
    click(slack, report_button("feedback_helpful", aid), channel)
    settle(slack, channel)
    assert (store.list_gaps(aid)[0].status, store.list_gaps(aid)[0].owner) == ("open", None)
    assert store.list_audit(subject=f"gap:{gap.public_id}") == []
    assert [a.kind for a in store.list_audit(subject=f"assessment:{aid}") if a.kind.startswith("slack.")] == []
    assert not [s for s in slack.checkins.list_pilots() if s.pilot.assessment_public_id == aid]
    assert slack.fake.calls_to("chat.update") == [] and slack.fake.calls_to("views.open") == []


def test_another_workspace_cannot_resolve_and_its_own_can(slack: SlackRig) -> None:
    channel, store = "C0TWOTEAMS", slack.coach.store
    aid = slack.coach.assess_text(DOC, owner=workspace_owner(TEAM)).assessment_id
    assert aid is not None
    gap = store.list_gaps(aid)[0]
    refused = said(slack, channel, click(slack, resolve(gap.public_id), channel, team=OTHER_TEAM))
    assert f"No gap {gap.public_id}:" in refused
    assert store.list_gaps(aid)[0].status == "open"
    click(slack, resolve(gap.public_id), channel, team=TEAM)
    slack.fake.wait_for("chat.update", timeout=30.0)
    assert store.list_gaps(aid)[0].status == "resolved"
    [entry] = store.list_audit(subject=f"gap:{gap.public_id}", kind="gap.updated")
    assert entry.actor == MALLORY


def test_another_workspace_walking_ids_changes_nothing(slack: SlackRig) -> None:
    """Sequential integers (the old ids) and this workspace's real public ids, clicked from another one."""
    channel, store = "C0WALKER", slack.coach.store
    aid = slack.coach.assess_text(DOC, owner=workspace_owner(TEAM)).assessment_id
    assert aid is not None
    gaps = store.list_gaps(aid)
    real = [aid, *(g.public_id for g in gaps)]
    assert all(re.fullmatch("[0-9a-f]{32}", i) for i in real)
    for ident in [*map(str, range(1, 6)), *real]:
        for action in (resolve(ident), report_button("checkins_start", ident)):
            told = said(slack, channel, click(slack, action, channel, team=OTHER_TEAM))
            assert "no longer exists" in told or told.startswith(("No gap", "No assessment")), told
        click(slack, report_button("feedback_helpful", ident), channel, team=OTHER_TEAM)
    settle(slack, channel)
    assert [(g.status, g.owner) for g in store.list_gaps(aid)] == [("open", None)] * len(gaps)
    assert [g for g in gaps if store.list_audit(subject=f"gap:{g.public_id}")] == []
    assert [a for a in store.list_audit(subject=f"assessment:{aid}") if a.kind.startswith("slack.")] == []
    assert [s for s in slack.checkins.list_pilots() if s.pilot.assessment_public_id == aid] == []
    assert slack.fake.calls_to("chat.update") == [] and slack.fake.calls_to("views.open") == []
