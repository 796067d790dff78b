"""Six simulated weeks: a healthy pilot closes gaps, a stalled one is escalated."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.checkins.pilots import Checkins
from bot.checkins.runner import Runner
from bot.service import Coach
from tests.checkins.conftest import assess
from tests.checkins.doubles import ManualClock, MemoryNotifier

# What the healthy team says each week (keyword-addressed lines, one per gap).
HEALTHY_ANSWERS = [
    "Data pipeline: resolved, nightly ingestion runs automatically with quality checks and "
    "data engineering owns it\nROI: in progress, the COO agreed to own the business case\n"
    "Integration: it reads claims from the policy admin system through a read-only API and writes nothing back",
    "Business owner: resolved, the COO signed the business case and owns the running cost "
    "budget\nGovernance: in progress, risk review booked with compliance for Thursday",
    "Governance: resolved, compliance signed off and the audit log is in place\n"
    "Adoption: in progress, a change lead is named and training for end users is scheduled",
    "Adoption: resolved, end users use it in their workflow every day\n"
    "Monitoring: in progress, drift and latency alerting drafted",
    "Monitoring: resolved, drift, latency and cost alerting with an on-call runbook is live",
]


def _simulate(checkins: Checkins, clock: ManualClock, healthy: int, stalled: int):  # type: ignore[no-untyped-def]
    notifier, runner = MemoryNotifier(), Runner(checkins)
    week = 0
    for _ in range(6 * 7 * 24):
        now = clock.advance(timedelta(hours=1))
        runner.run_due(now, notifier, "worker-a")
        local = now.astimezone(ZoneInfo("America/New_York"))
        if local.weekday() == 0 and local.hour == 15 and week < len(HEALTHY_ANSWERS):
            checkins.answer_checkin(healthy, HEALTHY_ANSWERS[week], author="alice")
            week += 1
        if (
            now.weekday() == 1
            and now.hour == 12
            and not any(c.status == "answered" for c in checkins.checkins(stalled))
        ):
            checkins.answer_checkin(stalled, "no change", author="bob")
    return notifier


def test_six_weeks_healthy_and_stalled(coach: Coach, checkins: Checkins, clock: ManualClock) -> None:
    healthy = checkins.register_from_assessment(
        assess(coach, name="Invoice matching"), "Invoice matching", "Dana (COO)", "Sam (CFO)",
        ["alice"], "C-HEALTHY", "America/New_York",
    )  # fmt: skip
    stalled = checkins.register_from_assessment(
        assess(coach), "Claims triage", "U0PRIYA1", "U0LEE001", ["bob"],  # names are stored redacted: ids
        "C-STALLED", "Europe/London",
    )  # fmt: skip
    notifier = _simulate(checkins, clock, healthy.id, stalled.id)

    stalled_keys = [p.key for p in notifier.posts if p.pilot_id == stalled.id]
    assert sum(k.startswith("checkin:") for k in stalled_keys) == 6
    escalations = [p for p in notifier.posts if p.key.startswith("escalation:")]
    assert escalations and {p.pilot_id for p in escalations} == {stalled.id}
    first = escalations[0].text
    assert "<@U0PRIYA1> (business owner)" in first and "<@U0LEE001> (sponsor)" in first
    assert "critical gap 'No production data pipeline' has not moved for 2 check-ins" in first
    assert "Unclear ROI ownership: Re-identify the business owner" in first
    assert "No governance or guardrails: Bring risk, compliance" in first
    assert any("nobody answered the last 2 check-ins" in p.text for p in escalations)
    assert len(escalations) == len({p.key for p in escalations})  # never twice

    gaps = {g.dimension: g.status for g in checkins.gaps(healthy.id)}
    assert set(gaps.values()) == {"resolved"}
    summaries = {s.pilot.id: s for s in checkins.list_pilots()}
    assert summaries[healthy.id].status == "done" and summaries[healthy.id].trend == "improving"
    assert summaries[stalled.id].status == "stalled"
    assert summaries[stalled.id].open_by_severity["critical"] == 3
    # the healthy pilot's check-ins stop once nothing is open
    healthy_checkins = [p for p in notifier.posts if p.pilot_id == healthy.id and p.key.startswith("checkin:")]
    assert len(healthy_checkins) == 5
    # reminders only where no answer came within 24 hours
    reminders = {p.pilot_id for p in notifier.posts if p.key.startswith("reminder:")}
    assert reminders == {stalled.id}


def test_answer_summary_marks_each_gap(coach: Coach, checkins: Checkins, clock: ManualClock) -> None:
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam")
    result = checkins.answer_checkin(pilot.id, HEALTHY_ANSWERS[0], author="alice")
    marks = {c.dimension: (c.changed, c.status_after) for c in result.changes}
    assert marks["data_pipeline"] == (True, "resolved")
    assert marks["roi_ownership"] == (True, "in_progress")
    assert marks["governance"] == (False, "open")  # not mentioned: keeps its state
    assert result.baseline and result.summary.startswith("*Baseline recorded: Claims*")
    assert "No production data pipeline: resolved" in result.summary
    assert "No governance or guardrails: open (not mentioned)" in result.summary
    Runner(checkins).run_due(clock.advance(timedelta(days=2)), MemoryNotifier(), "w")  # the next check-in goes out
    later = checkins.answer_checkin(pilot.id, HEALTHY_ANSWERS[1], author="alice")
    assert not later.baseline and later.summary.startswith("*Check-in summary: Claims*")
    assert "Unclear ROI ownership: changed (in progress -> resolved)" in later.summary
    assert "No governance or guardrails: changed (open -> in progress)" in later.summary
    assert "Workflow and adoption gap: not mentioned (still open)" in later.summary
