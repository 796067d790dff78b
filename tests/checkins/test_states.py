"""Issue 13, items 17 and 19: a gap keeps its last reported state, stall rules per state, and a
status, trend and reasons that agree with each other (in words)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.checkins.messages import summary_text
from bot.checkins.pilots import Checkins
from bot.checkins.records import AnswerResult, GapChange, Pilot, PilotGap
from bot.checkins.runner import Runner
from bot.checkins.stall import STATE_RULES, ClosedCheckin, detect_stall
from bot.service import Coach
from tests.checkins.conftest import START, assess, gap_numbers
from tests.checkins.doubles import ManualClock, MemoryNotifier

MON_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _week(runner: Runner, clock: ManualClock, notifier: MemoryNotifier, answer: str | None, checkins: Checkins,
          pilot_id: int) -> AnswerResult | None:  # fmt: skip
    """Move to the next Monday 10:00 (the check-in goes out at 09:00), then answer it."""
    target = MON_9 + timedelta(hours=1)
    while target <= clock.now():
        target += timedelta(days=7)
    while clock.now() < target:
        runner.run_due(clock.advance(timedelta(hours=1)), notifier, "w")
    return None if answer is None else checkins.answer_checkin(pilot_id, answer, author="bob")


def _states(checkins: Checkins, pilot_id: int) -> dict[str, str]:
    return {g.dimension: g.status for g in checkins.gaps(pilot_id)}


@pytest.fixture
def pilot_id(coach: Coach, checkins: Checkins) -> int:
    return checkins.register_from_assessment(assess(coach), "Claims", "U0DANA01", "U0SAM001", ["bob"], "C0CLAIMS").id


def test_no_change_keeps_in_progress_and_blocked(checkins: Checkins, pilot_id: int) -> None:
    n = gap_numbers(checkins, pilot_id)
    first = f"{n['data_pipeline']} in progress: ingestion job drafted\n{n['governance']} blocked: waiting on legal"
    checkins.answer_checkin(pilot_id, first)
    result = checkins.answer_checkin(pilot_id, "no change")
    states = _states(checkins, pilot_id)
    assert (states["data_pipeline"], states["governance"]) == ("in_progress", "blocked")
    assert "unchanged" not in states.values()
    marks = {c.dimension: (c.changed, c.status_after) for c in result.changes}
    assert marks["data_pipeline"] == (False, "in_progress") and marks["governance"] == (False, "blocked")
    assert "No governance or guardrails: open (not mentioned)" not in result.summary
    assert "blocked" in result.summary and "unchanged (still in progress)" not in result.summary  # baseline words
    waiting = f"{gap_numbers(checkins, pilot_id)['governance']} still waiting"
    checkins.answer_checkin(pilot_id, waiting)  # a line without a status word keeps the state too
    assert _states(checkins, pilot_id)["governance"] == "blocked"


def test_blocked_for_two_check_ins_escalates_naming_the_gap(
    checkins: Checkins, clock: ManualClock, pilot_id: int
) -> None:
    notifier, runner = MemoryNotifier(), Runner(checkins)
    n = gap_numbers(checkins, pilot_id)
    moving = (f"{n['data_pipeline']} in progress: ingestion drafted\n{n['roi_ownership']} in progress: COO reviewing\n"
              f"{n['workflow_adoption']} in progress: training booked\n")  # fmt: skip
    _week(runner, clock, notifier, moving + f"{n['governance']} blocked: waiting on legal", checkins, pilot_id)
    assert checkins.stall(pilot_id).reasons == []  # blocked once: not yet
    kept = _week(runner, clock, notifier, "no change", checkins, pilot_id)  # "no change" keeps it blocked
    assert kept is not None and not kept.baseline
    assert "No governance or guardrails: unchanged (still blocked)" in kept.summary
    assert "No production data pipeline: unchanged (still in progress)" in kept.summary
    [reason] = checkins.stall(pilot_id).reasons
    assert reason == "'No governance or guardrails' was blocked at the last 2 check-ins"
    runner.run_due(clock.advance(timedelta(hours=1)), notifier, "w")
    [escalation] = [p for p in notifier.posts if p.key.startswith("escalation:")]  # this week's, once
    assert reason in escalation.text and "<@U0DANA01> (business owner)" in escalation.text
    assert "- [critical] No governance or guardrails: Bring risk, compliance" in escalation.text


def test_in_progress_escalates_after_four_check_ins_without_a_date_or_past_its_date(
    checkins: Checkins, clock: ManualClock, pilot_id: int
) -> None:
    notifier, runner = MemoryNotifier(), Runner(checkins)
    n = gap_numbers(checkins, pilot_id)
    dated = "\n".join(f"{i} in progress: " + ("feed by 2026-03-27" if dim == "data_pipeline" else "work under way")
                      for dim, i in n.items())  # fmt: skip
    _week(runner, clock, notifier, dated, checkins, pilot_id)
    assert {g.dimension: g.target_date for g in checkins.gaps(pilot_id)}["data_pipeline"] == date(2026, 3, 27)
    for _ in range(3):
        _week(runner, clock, notifier, "no change", checkins, pilot_id)
    reasons = checkins.stall(pilot_id).reasons  # four check-ins in progress; the dated one is not late yet
    assert "'No governance or guardrails' has been in progress for 4 check-ins with no target date" in reasons
    assert not [r for r in reasons if "No production data pipeline" in r]
    _week(runner, clock, notifier, "no change", checkins, pilot_id)  # now past 27 March
    assert "'No production data pipeline' is still in progress after its target date 2026-03-27" in (
        checkins.stall(pilot_id).reasons
    )


def _gap(status: str, severity: str = "high", dim: str = "workflow_adoption") -> PilotGap:
    return PilotGap(1, dim, "Workflow and adoption gap", severity, status, [], START, None)


def _closed(states: list[str], dim: str = "workflow_adoption") -> list[ClosedCheckin]:
    return [ClosedCheckin(i, "answered", {dim: s}) for i, s in enumerate(states, 1)]


@pytest.mark.parametrize(
    ("status", "severity", "history", "stalled"),
    [
        ("open", "high", ["open"] * 3, False),
        ("open", "high", ["open"] * 4, True),
        ("open", "critical", ["open"] * 2, True),
        ("blocked", "medium", ["open", "blocked"], False),
        ("blocked", "medium", ["blocked", "unchanged"], True),  # an old "no change" row keeps the state
        ("in_progress", "high", ["open", "in_progress", "in_progress", "in_progress"], False),
        ("in_progress", "high", ["in_progress"] * 4, True),
    ],
)
def test_each_state_has_its_own_threshold(status: str, severity: str, history: list[str], stalled: bool) -> None:
    now = START + timedelta(days=7 * len(history))
    stall = detect_stall([_gap(status, severity)], _closed(history), START, now, stall_weeks=99)
    assert stall.stalled is stalled, stall.reasons
    assert {r.state for r in STATE_RULES} == {"open", "in_progress", "blocked"}


def test_nothing_closed_is_no_stall_while_readiness_rises() -> None:
    gaps, closed = [_gap("in_progress")], _closed(["in_progress"])
    later = START + timedelta(weeks=5)
    assert not detect_stall(gaps, closed, START, later, stall_weeks=3, rising=True).stalled
    [reason] = detect_stall(gaps, closed, START, later, stall_weeks=3, rising=False).reasons
    assert reason == "no gap has closed in the 5 weeks since check-ins began and readiness has not risen"


def test_status_trend_and_reasons_agree_in_words(checkins: Checkins, clock: ManualClock, pilot_id: int) -> None:
    fresh = checkins.summary(pilot_id)
    assert fresh.weeks_since_close is None and fresh.since_close == "none closed yet (followed for 0 weeks)"
    assert fresh.headline == "Active: no trend yet; no stall rule is met."
    notifier, runner = MemoryNotifier(), Runner(checkins)
    n = gap_numbers(checkins, pilot_id)
    _week(runner, clock, notifier, f"{n['data_pipeline']} in progress: ingestion drafted\n{n['governance']} blocked: "
          f"legal\n{n['roi_ownership']} in progress: COO on it", checkins, pilot_id)  # fmt: skip
    _week(runner, clock, notifier, f"{n['workflow_adoption']} in progress: training booked\n"
          f"{n['mlops_observability']} in progress: alerts drafted", checkins, pilot_id)  # fmt: skip
    summary = checkins.summary(pilot_id)
    assert summary.trend == "improving" and summary.status == "stalled"
    assert summary.headline == (
        "Stalled although readiness is improving overall: "
        "'No governance or guardrails' was blocked at the last 2 check-ins."
    )
    assert summary.since_close == "none closed yet (followed for 1 week)" and summary.weeks_since_close is None
    governance = gap_numbers(checkins, pilot_id)["governance"]
    checkins.answer_checkin(pilot_id, f"{governance} resolved: legal signed off the risk review")
    closed = checkins.summary(pilot_id)
    assert closed.weeks_since_close == 0 and closed.since_close == "this week" and closed.status == "active"
    assert closed.headline == "Active: readiness is improving; no stall rule is met."
    assert all("reason(s)" not in r for r in closed.stall_reasons + summary.stall_reasons)


def test_a_new_target_date_is_a_change_in_words() -> None:
    change = GapChange("data_pipeline", "No production data pipeline", "critical", "critical", "in_progress",
                       "in_progress", changed=True, evidence="by 2026-03-20", target_date="2026-03-20")  # fmt: skip
    pilot = Pilot(1, "local", "Claims", None, "Sam", [], None, "UTC", "0 9 * * MON", False, None, False, None, START)
    line = summary_text(pilot, [change]).splitlines()[1]
    assert line == "- [critical] No production data pipeline: changed (still in progress; target 2026-03-20)"
