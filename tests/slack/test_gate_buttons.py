"""Gate sign-off buttons and the Home tab's pilots (real Bolt dispatch, signed requests, fake Web API):
the Slack users named in a review get Sign / Decline; only the named user's click signs; anyone
else's is refused, told so, and audited. The Home tab lists the viewer's pilots, stalled ones first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.factory import build_bolt, build_checkins, build_gates
from bot.gate.service import Gates
from bot.portfolio.lines import PilotLine
from bot.service import Coach
from bot.slack.gate_buttons import DECLINE, SIGN
from bot.slack.home import pilot_blocks
from bot.slack.http import mount_slack
from bot.store.tables import AuditRow
from tests.slack.conftest import SECRET, SlackRig, slack_settings
from tests.slack.fake_slack import FakeSlack
from tests.slack.helpers import as_message, text_of
from tests.slack.payloads import TEAM, SlackSender, app_home_opened, block_actions, home_click

DANA, RITA, ELI, OMAR, MALLORY = "U0DANA", "U0RITA", "U0ELI", "U0OMAR", "U0MALLORY"
DOC = "We export a sample to a spreadsheet by hand every week. Nobody owns the budget and there is no baseline."


@pytest.fixture
def rig(slack_coach: Coach, fake_slack: FakeSlack, tmp_path: Path) -> tuple[SlackRig, Gates, str]:
    """The Slack app with the gate service it notifies, and a pilot of this workspace."""
    settings = slack_settings(tmp_path / "data", fake_slack)
    checkins = build_checkins(slack_coach)
    gates = build_gates(slack_coach.store, settings)
    app = FastAPI()
    mount_slack(app, settings, build_bolt(settings, slack_coach, checkins, gates=gates))
    report = slack_coach.assess_text(DOC, pilot_name="Claims helper", owner=f"slack:{TEAM}")
    assert report.assessment_id is not None
    pilot = checkins.register_from_assessment(report.assessment_id, "Claims helper", DANA, RITA,
                                              owner=f"slack:{TEAM}")  # fmt: skip
    rig = SlackRig(fake_slack, SlackSender(TestClient(app), SECRET), slack_coach, settings, app, checkins)
    return rig, gates, pilot.public_id


def open_review(gates: Gates, pilot_id: str) -> None:
    signers = {"business_owner": ("Dana Lee", f"slack:{TEAM}:{DANA}"), "risk": ("Rita Risk", f"slack:{TEAM}:{RITA}"),
               "engineering": ("Eli Eng", f"slack:{TEAM}:{ELI}"), "operations": ("Omar Ops", "local")}  # fmt: skip
    gates.open(pilot_id, signers, "local", None)


def test_named_people_get_buttons_and_only_they_can_sign(rig: tuple[SlackRig, Gates, str]) -> None:
    slack, gates, pilot_id = rig
    open_review(gates, pilot_id)
    sent = slack.fake.wait_for("chat.postMessage", 3, where=lambda c: str(c.args.get("channel")).startswith("D"))
    assert {c.args["channel"] for c in sent} == {f"D{DANA}", f"D{RITA}", f"D{ELI}"}  # Omar signs locally
    rita = next(c for c in sent if c.args["channel"] == f"D{RITA}")
    assert "Risk and compliance" in text_of(rita) and "Claims helper" in text_of(rita)
    [actions] = [b for b in rita.args["blocks"] if b["type"] == "actions"]
    sign = next(e for e in actions["elements"] if e["action_id"] == SIGN)

    # Mallory (same workspace, not named) clicks Rita's button: refused, told, audited
    slack.sender.interaction(block_actions(MALLORY, sign, f"D{RITA}", as_message(rita), slack.fake.response_url()))
    [told] = slack.fake.wait_for("chat.postEphemeral", where=lambda c: c.args.get("user") == MALLORY)
    assert "Only Rita Risk" in told.args["text"]
    with slack.coach.store._read_tx() as db:
        refused = list(db.scalars(select(AuditRow).filter_by(kind="gate.signoff_refused", subject=f"pilot:{pilot_id}")))
    assert [a.actor for a in refused] == [f"slack:{TEAM}:{MALLORY}"]
    assert gates.show(pilot_id, "local", None).signers[1].signoff is None

    # Rita signs; Eli declines
    slack.sender.interaction(block_actions(RITA, sign, f"D{RITA}", as_message(rita), slack.fake.response_url()))
    [updated] = slack.fake.wait_for("chat.update", where=lambda c: c.args.get("channel") == f"D{RITA}")
    assert "Signed for *Risk and compliance*" in text_of(updated)
    eli = next(c for c in sent if c.args["channel"] == f"D{ELI}")
    decline = next(e for b in eli.args["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == DECLINE)  # fmt: skip
    slack.sender.interaction(block_actions(ELI, decline, f"D{ELI}", as_message(eli), slack.fake.response_url()))
    slack.fake.wait_for("chat.update", where=lambda c: c.args.get("channel") == f"D{ELI}")
    signed = {s.role: (s.signoff, s.signed_by) for s in gates.show(pilot_id, "local", None).signers}
    assert signed["risk"] == ("approve", f"slack:{TEAM}:{RITA}")
    assert signed["engineering"] == ("reject", f"slack:{TEAM}:{ELI}")
    assert signed["business_owner"] == (None, None)


def test_home_tab_lists_the_viewers_pilots_stalled_first(rig: tuple[SlackRig, Gates, str]) -> None:
    slack, _, _ = rig
    slack.sender.event(app_home_opened(DANA))
    [view] = slack.fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == DANA)
    text = "\n".join(b["text"]["text"] for b in view.args["view"]["blocks"] if b.get("type") == "section")
    assert "*Your pilots*" in text and "*Claims helper* (you own it)" in text
    slack.sender.event(app_home_opened(RITA))
    [sponsor] = slack.fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == RITA)
    assert "(you sponsor it)" in str(sponsor.args["view"])
    slack.sender.event(app_home_opened(MALLORY))
    [other] = slack.fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == MALLORY)
    assert "Your pilots" not in str(other.args["view"])


def _line(pilot_id: str, name: str, owner: str, sponsor: str, stalled: bool) -> PilotLine:
    reasons = ["No gap closed in 3 weeks"] if stalled else []
    return PilotLine(pilot_id, name, owner, sponsor, "following", "stalled" if stalled else "active", "not_ready",
                     False, {}, {}, stalled, reasons, None, {}, None)  # fmt: skip


def test_the_viewers_stalled_pilots_come_first_with_why() -> None:
    lines = [
        _line("11111111111111111111111111111111", "Alpha", DANA, RITA, False),
        _line("22222222222222222222222222222222", "Beta", ELI, DANA, True),
        _line("33333333333333333333333333333333", "Gamma", ELI, OMAR, True),
    ]
    [section, _] = pilot_blocks(lines, DANA)
    text = section["text"]["text"]
    assert text.startswith("*Your pilots*: 2, 1 stalled")
    assert text.index("*Beta* (you sponsor it)") < text.index("*Alpha* (you own it)")
    assert "Stalled: No gap closed in 3 weeks" in text and "Gamma" not in text
    assert pilot_blocks(lines, MALLORY) == []


def test_a_gap_click_on_the_home_tab_keeps_the_viewers_pilots(rig: tuple[SlackRig, Gates, str]) -> None:
    slack, _, _ = rig
    slack.sender.event(app_home_opened(DANA))
    [opened] = slack.fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == DANA)
    view = opened.args["view"]
    assert "*Your pilots*" in str(view)
    first = next(b["block_id"] for b in view["blocks"] if str(b.get("block_id", "")).startswith("gap:"))
    gap = first.partition(":")[2]
    click = {"type": "button", "action_id": "gap_resolve", "block_id": first, "value": gap}
    assert slack.sender.interaction(home_click(DANA, click, view)).status_code == 200
    again = slack.fake.wait_for("views.publish", 2, where=lambda c: c.args.get("user_id") == DANA)[-1]
    assert first not in str(again.args["view"])  # the click took effect (the gap is resolved) ...
    assert "*Your pilots*" in str(again.args["view"])  # ... and the tab kept the viewer's pilots


def test_earlier_reports_are_named_by_pilot_and_time_not_by_id(rig: tuple[SlackRig, Gates, str]) -> None:
    slack, _, _ = rig
    slack.coach.assess_text(DOC, pilot_name="Meter agent", owner=f"slack:{TEAM}")
    slack.sender.event(app_home_opened(DANA))
    [view] = slack.fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == DANA)
    [earlier] = [b["text"]["text"] for b in view.args["view"]["blocks"]
                 if "*Earlier reports*" in str(b.get("text", {}).get("text", ""))]  # fmt: skip
    lines = earlier.splitlines()[1:]
    assert all(re.fullmatch(r"• [^:]+: [^,]+, \d\d [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", line) for line in lines), lines
    assert any(": Claims helper, " in line for line in lines)
    assert not re.search(r"[0-9a-f]{32}", earlier)
