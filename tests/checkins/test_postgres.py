"""Against a real PostgreSQL: two schedulers post each message exactly once; revision 0003 and the
issue 13 check-in changes (kept states, target dates, missing owner, questions, pause)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.factory import build_checkins, build_checkins_from_settings, build_coach
from tests.checkins.conftest import START, assess, gap_numbers
from tests.checkins.doubles import ManualClock
from tests.checkins.test_exactly_once import run_two_schedulers
from tests.checkins.test_states_migration import GAPS, upgrade_with_old_states
from tests.conftest import make_settings

pytestmark = pytest.mark.postgres
PG_URL = os.environ.get("COACH_TEST_POSTGRES_URL")


@pytest.fixture
def pg_settings(indexed_settings: Settings) -> Iterator[Settings]:
    """Settings on a fresh schema of the test server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("COACH_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)")
    schema = f"checkins_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        yield make_settings(Path(indexed_settings.data_dir), database_url=url)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_two_schedulers_on_postgres_send_each_message_once(pg_settings: Settings) -> None:
    coach = build_coach(pg_settings)
    clock = ManualClock(START)
    first = build_checkins(coach, clock)
    for i in range(3):
        first.register_from_assessment(assess(coach), f"Pilot {i}", "Dana", "Sam", ["bob"])
    second = build_checkins_from_settings(pg_settings, clock)
    assert second.engine.url.get_backend_name() == "postgresql"
    counts = run_two_schedulers(first, second, clock, hours=14 * 24)
    assert counts and set(counts.values()) == {1}, counts
    assert sum(k.startswith("checkin:") for k in counts) == 3 * 2
    assert sum(k.startswith("reminder:") for k in counts) == 3 * 2
    coach.store.close()
    second.engine.dispose()


def test_old_no_change_states_get_their_last_reported_state_back_on_postgres(pg_settings: Settings) -> None:
    states = upgrade_with_old_states(pg_settings)
    assert states == {dim: after for dim, _, _, after in GAPS}


def test_states_owner_gap_and_questions_on_postgres(pg_settings: Settings) -> None:
    """Items 17, 20, 21 and 22 on PostgreSQL: the new table, the target date column, the empty owner."""
    coach = build_coach(pg_settings)
    svc = build_checkins(coach, ManualClock(START))
    pilot = svc.register_from_assessment(assess(coach), "Claims", None, "U0SPONS1", ["bob"])
    assert pilot.business_owner is None and svc.gaps(pilot.id)[0].dimension == "business_owner"
    n = gap_numbers(svc, pilot.id)  # the open question comes after the gaps
    svc.answer_checkin(pilot.id, f"{n['data_pipeline']} in progress: ingestion by 2026-03-20\n"
                                 f"{n['governance']} blocked: legal\n{len(n) + 1} not sure")  # fmt: skip
    svc.answer_checkin(pilot.id, "no change")
    gaps = {g.dimension: g for g in svc.gaps(pilot.id)}
    assert (gaps["data_pipeline"].status, gaps["governance"].status) == ("in_progress", "blocked")
    assert str(gaps["data_pipeline"].target_date) == "2026-03-20"
    assert [q.status for q in svc.questions(pilot.id)] == ["open"]
    svc.set_business_owner(pilot.id, "U0PRIYA1")
    svc.pause(pilot.id)
    summary = svc.summary(pilot.id)
    assert summary.next_due is None and summary.pilot.business_owner == "U0PRIYA1"
    coach.store.close()
