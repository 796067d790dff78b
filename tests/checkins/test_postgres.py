"""Two schedulers with separate engines against a real PostgreSQL: every post exactly once."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.factory import build_checkins, build_checkins_from_settings, build_coach
from tests.checkins.conftest import START, assess
from tests.checkins.doubles import ManualClock
from tests.checkins.test_exactly_once import run_two_schedulers
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
