"""Issue 13, items 18, 20, 21 and 22: the first check-in is a baseline; the business owner is
optional (its absence is the first gap, escalations go to the sponsor); open questions from the
assessment are asked until answered; a paused pilot shows no next check-in (service, API, CLI)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import typer
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from bot.api.deps import owner_id
from bot.checkins.pilots import Checkins
from bot.checkins.runner import Runner
from bot.cli import pilot_cmds
from bot.factory import create_app
from bot.service import Coach
from tests.checkins.conftest import assess, numbered
from tests.checkins.doubles import ManualClock, MemoryNotifier

MON_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUESTION = "In production, which systems of record will this read from"
KEY = "pilots-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
cli_app = typer.Typer()
pilot_cmds.register(cli_app)  # `coach pilots ...` and `coach checkins ...` on their own


def _run_until(runner: Runner, clock: ManualClock, notifier: MemoryNotifier, until: datetime) -> None:
    while clock.now() < until:
        runner.run_due(clock.advance(timedelta(hours=1)), notifier, "w")


def _checkin_posts(notifier: MemoryNotifier) -> list[str]:
    return [p.text for p in notifier.posts if p.key.startswith("checkin:")]


def test_the_first_check_in_is_a_baseline_and_later_ones_ask_what_moved(
    coach: Coach, checkins: Checkins, clock: ManualClock
) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam", ["bob"])
    notifier, runner = MemoryNotifier(), Runner(checkins)
    _run_until(runner, clock, notifier, MON_9 + timedelta(hours=1))
    [first] = _checkin_posts(notifier)
    assert first.startswith("*First check-in: Claims*") and "records a baseline" in first
    assert "what moved" not in first and "since last week" not in first and "(now" not in first
    shown = numbered(first)  # every open gap numbered once, 1 to 5, with no state yet
    assert set(shown) == {g.title for g in checkins.gaps(pilot.id)} and sorted(shown.values()) == [1, 2, 3, 4, 5]
    assert f"{shown['No production data pipeline']}. [critical] No production data pipeline\n" in first
    checkins.answer_checkin(pilot.id, f"{shown['No production data pipeline']} in progress: ingestion job drafted "
                                      "by 2026-03-20")  # fmt: skip
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=7, hours=1))
    second = _checkin_posts(notifier)[1]
    assert second.startswith("*Weekly check-in: Claims*") and "what moved since the last check-in?" in second
    assert "No production data pipeline (last reported: in progress, target 2026-03-20)" in second
    governance = numbered(second)["No governance or guardrails"]
    assert f"{governance}. [critical] No governance or guardrails\n" in second  # never reported on: no state shown


def test_without_a_business_owner_the_sponsor_is_escalated_and_the_missing_owner_comes_first(
    coach: Coach, checkins: Checkins, clock: ManualClock
) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", None, "U0SPONS1", ["bob"], "C0CLAIMS")
    assert pilot.business_owner is None
    [owner_gap] = [g for g in checkins.gaps(pilot.id) if g.dimension == "business_owner"]
    assert (owner_gap.title, owner_gap.severity, owner_gap.status) == ("No named business owner", "critical", "open")
    assert checkins.summary(pilot.id).open_by_severity["critical"] == 4  # three from the report, and the owner
    notifier, runner = MemoryNotifier(), Runner(checkins)
    _run_until(runner, clock, notifier, MON_9 + timedelta(hours=1))
    [first] = _checkin_posts(notifier)
    assert "No business owner is named yet, so escalations go to the sponsor <@U0SPONS1>" in first
    assert f"coach pilots set-owner {pilot.public_id}" in first
    shown = numbered(first)  # the missing owner is not a numbered line: the report's five gaps are 1 to 5
    assert "No named business owner" not in shown and sorted(shown.values()) == [1, 2, 3, 4, 5]
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=14, hours=1))  # two check-ins, no answer
    escalation = next(p.text for p in notifier.posts if p.key.startswith("escalation:"))
    assert "To <@U0SPONS1> (sponsor; no business owner is named):" in escalation
    assert "no business owner has been named after 2 check-ins" in escalation
    gap_lines = [line for line in escalation.splitlines() if line.startswith("- ")]
    assert gap_lines[0].startswith("- [critical] No named business owner: No business owner is named yet")
    named = checkins.set_business_owner(pilot.id, "U0PRIYA1")
    assert named.business_owner == "U0PRIYA1"
    assert [g.status for g in checkins.gaps(pilot.id) if g.dimension == "business_owner"] == ["resolved"]
    assert not [r for r in checkins.stall(pilot.id).reasons if "business owner" in r]
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=21, hours=1))
    latest = [p.text for p in notifier.posts if p.key.startswith("escalation:")][-1]
    assert "<@U0PRIYA1> (business owner), <@U0SPONS1> (sponsor)" in latest and "No named business owner" not in latest


def test_the_chat_button_path_accepts_a_missing_owner(coach: Coach, checkins: Checkins) -> None:
    aid = assess(coach, owner="slack:T1")
    pilot = checkins.follow_from_chat(aid, "C0CHAT", "U0CLICK1", "slack:T1", sponsor="U0SPONS1",
                                      timezone="Europe/London")  # fmt: skip
    assert (pilot.business_owner, pilot.sponsor, pilot.timezone) == (None, "U0SPONS1", "Europe/London")
    assert checkins.gaps(pilot.id)[0].dimension == "business_owner"


def test_open_questions_are_asked_until_the_reader_and_engine_settle_them(
    coach: Coach, checkins: Checkins, clock: ManualClock
) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam", ["bob"])
    [question] = checkins.questions(pilot.id)
    assert question.dimension == "legacy_integration" and question.question.startswith(QUESTION)
    notifier, runner = MemoryNotifier(), Runner(checkins)
    _run_until(runner, clock, notifier, MON_9 + timedelta(hours=1))
    assert f"6. {QUESTION}" in _checkin_posts(notifier)[0]  # numbered after the five gaps
    vague = checkins.answer_checkin(pilot.id, "6 not sure")
    assert [(q.dimension, q.outcome) for q in vague.questions] == [("legacy_integration", "unclear")]
    assert "still open" in vague.summary and checkins.questions(pilot.id, only_open=True)
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=7, hours=1))
    assert f"6. {QUESTION}" in _checkin_posts(notifier)[1]  # asked again
    # no number: the trained reader ties the line to the question's area, the engine judges it
    found = checkins.answer_checkin(pilot.id, "Integration: it has to write decisions back into the mainframe "
                                              "and nobody has looked at that yet")  # fmt: skip
    assert [(q.outcome, q.severity) for q in found.questions] == [("gap", "high")]
    assert "now tracked as a high gap" in found.summary
    assert checkins.questions(pilot.id, only_open=True) == []
    assert checkins.questions(pilot.id)[0].answer.startswith("Integration: it has to write")
    assert "legacy_integration" in {g.dimension for g in checkins.gaps(pilot.id) if g.is_open}
    _run_until(runner, clock, notifier, MON_9 + timedelta(days=14, hours=1))
    third = _checkin_posts(notifier)[2]
    assert QUESTION not in third and "[high] Legacy integration debt" in third


def test_an_answer_that_shows_the_work_in_place_closes_the_question(coach: Coach, checkins: Checkins) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam")
    result = checkins.answer_checkin(pilot.id, "6 it reads from the claims system of record via a read-only API "
                                               "and writes nothing back")  # fmt: skip
    assert [q.outcome for q in result.questions] == ["ready"]
    assert checkins.detail(pilot.id)["questions"][0]["status"] == "answered"
    assert checkins.trend(pilot.id)["series"]["legacy_integration"][-1] >= 4


def test_a_paused_pilot_shows_no_next_check_in(coach: Coach, checkins: Checkins) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam")
    assert checkins.summary(pilot.id).next_due == MON_9
    checkins.pause(pilot.id)
    paused = checkins.summary(pilot.id)
    assert paused.next_due is None and paused.to_dict()["next_due"] is None
    assert paused.headline == "Paused: no check-ins until it is resumed."
    assert checkins.detail(pilot.id)["summary"]["next_due"] is None
    assert checkins.resume(pilot.id) and checkins.summary(pilot.id).next_due == MON_9


def test_api_optional_owner_naming_it_and_pause(coach: Coach) -> None:
    settings = coach.settings.model_copy(update={"api_keys": [SecretStr(KEY)], "scheduler_enabled": False})
    aid = assess(coach, owner=owner_id(KEY))
    with TestClient(create_app(settings, coach)) as client:
        body = {"assessment_id": aid, "name": "Claims", "sponsor": "Sam"}  # no business_owner
        created = client.post("/v1/pilots", json=body, headers=AUTH)
        assert created.status_code == 201, created.text
        detail = created.json()
        pid = detail["pilot"]["id"]
        assert detail["pilot"]["business_owner"] is None and detail["gaps"][0]["title"] == "No named business owner"
        assert detail["questions"][0]["dimension"] == "legacy_integration"
        named = client.post(f"/v1/pilots/{pid}/business-owner", json={"business_owner": "U0PRIYA1"}, headers=AUTH)
        assert named.status_code == 200 and named.json()["pilot"]["business_owner"] == "U0PRIYA1"
        assert named.json()["gaps"][0]["status"] == "resolved"
        assert (
            client.post("/v1/pilots/999/business-owner", json={"business_owner": "X"}, headers=AUTH).status_code == 404
        )
        [row] = client.get("/v1/pilots", headers=AUTH).json()["pilots"]
        assert row["next_due"] is not None and row["headline"] and row["since_close"]
        assert client.post(f"/v1/pilots/{pid}/pause", headers=AUTH).status_code == 200
        [row] = client.get("/v1/pilots", headers=AUTH).json()["pilots"]
        assert row["status"] == "paused" and row["next_due"] is None
        assert client.get(f"/v1/pilots/{pid}", headers=AUTH).json()["summary"]["next_due"] is None


@pytest.fixture
def cli(coach: Coach, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The `coach` CLI on the test coach's data dir and database."""
    monkeypatch.setenv("COACH_DATA_DIR", str(coach.settings.data_dir))
    monkeypatch.setenv("COACH_DATABASE_URL", str(coach.settings.database_url))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    return CliRunner()


def test_cli_add_without_owner_set_owner_and_pause(coach: Coach, cli: CliRunner) -> None:
    aid = assess(coach)
    added = cli.invoke(cli_app, ["pilots", "add", "--from-assessment", str(aid), "--name", "Claims",
                                 "--sponsor", "U0SPONS1"])  # fmt: skip
    assert added.exit_code == 0, added.output
    [pid] = re.findall(r"coach pilots set-owner ([0-9a-f]{32}) ", added.output)  # named by its public id
    assert "first check-in (a baseline)" in added.output and f"Pilot {pid} 'Claims' registered" in added.output
    assert cli.invoke(cli_app, ["pilots", "pause", "1"]).output.startswith("error: No pilot 1:")  # no integer ids
    paused = cli.invoke(cli_app, ["pilots", "pause", pid])
    assert paused.exit_code == 0 and "no check-ins until resumed" in paused.output
    listed = cli.invoke(cli_app, ["pilots", "--json"])
    [row] = json.loads(listed.output)
    assert row["pilot"]["id"] == pid and row["next_due"] is None and row["status"] == "paused"
    assert row["pilot"]["business_owner"] is None
    table = cli.invoke(cli_app, ["pilots"])
    assert "none while paused" in table.output and "Paused: no check-ins" in table.output
    named = cli.invoke(cli_app, ["pilots", "set-owner", pid, "U0PRIYA1"])
    assert named.exit_code == 0 and "business owner U0PRIYA1" in named.output
    shown = cli.invoke(cli_app, ["pilots", "show", pid])
    assert "No named business owner: resolved" in shown.output and "question (open)" in shown.output
