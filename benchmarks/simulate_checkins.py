"""Simulate six weeks of check-ins for one healthy and one stalled pilot, in seconds.

Run: .venv/bin/python benchmarks/simulate_checkins.py [--data-dir DIR]
Builds a coach on a temporary database (indexing the playbook if needed), registers two
pilots from real offline assessments, moves a manual clock hour by hour, and prints every
message sent, the escalation, and each pilot's trend chart.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.checkins.runner import Runner  # noqa: E402
from bot.checkins.trend import text_chart  # noqa: E402
from bot.config import get_settings  # noqa: E402
from bot.factory import build_checkins, build_coach  # noqa: E402
from bot.index import index_knowledge  # noqa: E402
from tests.checkins.doubles import ManualClock, MemoryNotifier  # noqa: E402  (a simulation: the tests' clock)

STALLED = (
    "We trained and tested it on an extract someone pulled from the warehouse last spring. "
    "Priya cleaned the data by hand in a notebook before the demo.\n\n"
    "Nobody from the business has signed up to the numbers; IT sponsors it and there is no "
    "budget for running costs.\n\nWe haven't talked to risk or compliance yet.\n\n"
    "End users haven't been trained and nobody mapped their workflow.\n\n"
    "We have no monitoring, no evaluation set, no rollback plan."
)
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
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _setup(data_dir: Path):  # type: ignore[no-untyped-def]
    db = Path(tempfile.mkdtemp()) / "sim.db"
    settings = get_settings(data_dir=data_dir, database_url=f"sqlite:///{db}", engine="offline")
    if not settings.chroma_path.exists():
        index_knowledge(settings)
    coach = build_coach(settings)
    clock = ManualClock(START)
    svc = build_checkins(coach, clock)
    ids = []
    for name in ("Invoice matching", "Claims triage"):
        coach.assess_text(STALLED, pilot_name=name)
        ids.append(len(ids) + 1)
    healthy = svc.register_from_assessment(
        ids[0], "Invoice matching", "Dana (COO)", "Sam (CFO)", ["alice"], "C-INVOICES", "America/New_York"
    )
    stalled = svc.register_from_assessment(
        ids[1], "Claims triage", "Priya (Head of Claims)", "Lee (CIO)", ["bob"], "C-CLAIMS", "Europe/London"
    )
    return svc, clock, healthy, stalled


def main() -> None:
    """Run the six weeks and print the story."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(".coach"))
    args = parser.parse_args()
    svc, clock, healthy, stalled = _setup(args.data_dir)
    for pilot in (healthy, stalled):
        gaps = ", ".join(f"[{g.severity}] {g.title}" for g in svc.gaps(pilot.id))
        print(f"Registered {pilot.name} ({pilot.timezone}, '{pilot.cron}'): {gaps}")
    notifier, runner, week = MemoryNotifier(), Runner(svc), 0
    began = time.perf_counter()
    for _ in range(6 * 7 * 24):
        now = clock.advance(timedelta(hours=1))
        before = len(notifier.posts)
        runner.run_due(now, notifier, "sim")
        for post in notifier.posts[before:]:
            name = healthy.name if post.pilot_id == healthy.id else stalled.name
            print(f"\n=== {now:%a %Y-%m-%d %H:%M} UTC  {post.key}  ({name})")
            print(post.text)
        local = now.astimezone(ZoneInfo("America/New_York"))
        if local.weekday() == 0 and local.hour == 15 and week < len(HEALTHY_ANSWERS):
            print(f"\n--- {now:%a %Y-%m-%d %H:%M} UTC  alice answers ({healthy.name}):")
            print(HEALTHY_ANSWERS[week])
            print(svc.answer_checkin(healthy.id, HEALTHY_ANSWERS[week], author="alice").summary)
            week += 1
        if now == datetime(2026, 3, 3, 12, tzinfo=UTC):
            print(f"\n--- {now:%a %Y-%m-%d %H:%M} UTC  bob answers ({stalled.name}): no change")
            print(svc.answer_checkin(stalled.id, "no change", author="bob").summary)
    elapsed = time.perf_counter() - began
    dims = [d.id for d in svc.rubric.dimensions]
    for pilot in (healthy, stalled):
        s = svc.summary(pilot.id)
        print(
            f"\n### {pilot.name}: {s.status}, open gaps {s.open_by_severity}, "
            f"last gap closed: {s.since_close}, trend {s.trend}\n{s.headline}"
        )
        print(text_chart(svc.trend_points(pilot.id), dims))
    kinds = [p.key.split(":")[0] for p in notifier.posts]
    print(
        f"\n{len(notifier.posts)} messages ({', '.join(f'{k}: {kinds.count(k)}' for k in sorted(set(kinds)))}); "
        f"six weeks simulated in {elapsed:.1f} s"
    )


if __name__ == "__main__":
    main()
