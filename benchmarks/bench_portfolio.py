"""Portfolio benchmark: GET /v1/portfolio p50/p95 at N pilots (the issue's target: 500 pilots, p50 <= 100 ms).

Run: .venv/bin/python benchmarks/bench_portfolio.py [--pilots 500] [--weeks 6] [--requests 30]
     [--database-url postgresql+psycopg://...]
Seeds a fresh database (SQLite in a temp dir unless a URL is given) through the migrations, with N
pilots of one owner, each with four gaps, a level per area at registration and at every weekly
check-in, and a go/no-go review on every other pilot, plus 100 pilots of another owner. Then times
the route in-process (FastAPI's TestClient: routing, the key check, the service and JSON) and prints
the load average, since wall times scale with it on a shared machine, and the CPU time per request.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot.api.deps import Auth  # noqa: E402
from bot.api.portfolio import mount_portfolio  # noqa: E402
from bot.checkins.tables import CheckinRow, DimensionLevelRow, PilotGapRow, PilotRow  # noqa: E402
from bot.config import PROJECT_ROOT, Settings  # noqa: E402
from bot.factory import build_portfolio  # noqa: E402
from bot.gate.tables import GateItemRow, GateRow, GateSignerRow  # noqa: E402
from bot.knowledge import DIMENSION_IDS  # noqa: E402
from bot.portfolio.service import Portfolio  # noqa: E402
from bot.store import open_store  # noqa: E402
from bot.store.tables import AssessmentRow  # noqa: E402

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
VERDICTS = ("not_ready", "ready_with_conditions", "ready")


def seed_pilot(db: Session, owner: str, n: int, weeks: int, rng: random.Random) -> None:
    """One pilot with its assessment, gaps, levels, check-ins and (every other one) a review."""
    agentic = n % 3 == 0
    report = {"verdict": rng.choice(VERDICTS), "agentic": agentic, "summary": "seeded", "gaps": []}
    assessment = AssessmentRow(owner=owner, report=report, verdict=report["verdict"], engine="offline",
                               rubric_version="bench", prompt_version="bench", created_at=START)  # fmt: skip
    db.add(assessment)
    db.flush()
    pilot = PilotRow(owner=owner, name=f"Pilot {n}", business_owner=f"Owner {n % 25}", sponsor="Sponsor",
                     people=[], assessment_id=assessment.id, created_at=START)  # fmt: skip
    db.add(pilot)
    db.flush()
    for dim in rng.sample(DIMENSION_IDS, 4):
        closed = rng.random() < 0.2
        db.add(PilotGapRow(pilot_id=pilot.id, dimension=dim, title=f"Gap in {dim}", severity=rng.choice(
            ("critical", "high", "medium")), status="resolved" if closed else "open", evidence=[], updated_at=START,
            closed_at=START + timedelta(weeks=1) if closed else None))  # fmt: skip
    for week in range(weeks + 1):
        at = START + timedelta(weeks=week)
        checkin = None
        if week:
            checkin = CheckinRow(pilot_id=pilot.id, due_at=at, status=rng.choice(("answered", "missed")))
            db.add(checkin)
            db.flush()
        for dim in DIMENSION_IDS:
            db.add(DimensionLevelRow(pilot_id=pilot.id, checkin_id=checkin.id if checkin else None, dimension=dim,
                                     level=rng.randint(1, 5), status="open", at=at))  # fmt: skip
    db.add(CheckinRow(pilot_id=pilot.id, due_at=START + timedelta(weeks=weeks + 1), status="scheduled"))
    if n % 2 == 0:
        seed_gate(db, pilot, rng)


def seed_gate(db: Session, pilot: PilotRow, rng: random.Random) -> None:
    gate = GateRow(pilot_id=pilot.id, owner=pilot.owner, opened_by=pilot.owner, status="open", created_at=START)
    db.add(gate)
    db.flush()
    for role in ("business_owner", "risk", "engineering", "operations"):
        signed = rng.random() < 0.5
        db.add(GateSignerRow(gate_id=gate.id, role=role, name=role, identity="local",
                             signoff="approve" if signed else None, signed_at=START if signed else None))  # fmt: skip
    for i in range(8):
        db.add(GateItemRow(gate_id=gate.id, dimension="governance", severity="high", gap_title="g", criterion=f"c{i}",
                           role="risk", owner_name="Rita", due_at=START, status="open", updated_at=START))  # fmt: skip


def report(pilots: int, size: int, times: list[float], dialect: str) -> None:
    """p50, p95 and min wall time, with the machine's load (the figures scale with it)."""
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    load, cpus = os.getloadavg()[0], os.cpu_count()
    print(f"GET /v1/portfolio, {pilots} pilots, {size / 1024:.0f} KiB: p50 {statistics.median(times):.0f} ms, "
          f"p95 {p95:.0f} ms, min {times[0]:.0f} ms ({dialect}; load average {load:.1f} on {cpus} CPUs)")  # fmt: skip


def profile(service: Portfolio) -> None:
    """The route's work under cProfile (the view and its JSON, in this thread; TestClient runs the app in
    another, which cProfile does not see), timed by CPU so other sessions' load does not count: the 25
    functions with the most cumulative, then own, time, over five requests."""
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(5):
        JSONResponse(service.view("local").to_dict())
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true", help="print where one request's time goes (cProfile)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(_env_file=None, data_dir=Path(scratch), database_url=args.database_url,
                            knowledge_dir=PROJECT_ROOT / "knowledge", knowledge_dirs=[])  # type: ignore[call-arg]  # fmt: skip
        store = open_store(settings)
        rng = random.Random(7)
        started = time.perf_counter()
        with Session(store.engine) as db, db.begin():
            for n in range(args.pilots):
                seed_pilot(db, "local", n, args.weeks, rng)
            for n in range(100):
                seed_pilot(db, "key-someone-else", n, args.weeks, rng)
        print(f"seeded {args.pilots} + 100 pilots ({args.weeks} weeks each) in {time.perf_counter() - started:.1f} s")
        app = FastAPI()
        app.state.auth = Auth(settings)
        service = build_portfolio(store, settings)
        mount_portfolio(app, service)
        with TestClient(app) as client:
            assert len(client.get("/v1/portfolio").json()["pilots"]) == args.pilots  # warm, and check
            if args.profile:
                profile(service)
            times, cpu = [], []
            for _ in range(args.requests):
                t0, c0 = time.perf_counter(), time.process_time()
                resp = client.get("/v1/portfolio")
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)  # CPU of the whole process: client, app, database
                resp.raise_for_status()
        report(args.pilots, len(resp.content), sorted(times), store.engine.dialect.name)
        print(f"CPU per request (what a quiet machine would take, roughly): p50 {statistics.median(cpu):.0f} ms")
        built, rebuilt, views = service.lines.built, service.trends.rebuilt, args.requests + 1
        print(f"lines built {built}, trends built {rebuilt} over {views} views")
        store.close()


if __name__ == "__main__":
    main()
