"""Fixtures for check-in tests: a real coach per test (own SQLite), sharing one indexed playbook."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.checkins.messages import checkin_text
from bot.checkins.pilots import Checkins
from bot.config import Settings
from bot.factory import build_checkins, build_coach
from bot.service import Coach
from tests.checkins.doubles import ManualClock
from tests.conftest import make_settings

# A team description with gaps in data, ROI ownership, governance, adoption and MLOps.
STALLED_TEXT = (
    "We trained and tested it on an extract someone pulled from the warehouse last spring. "
    "Priya cleaned the data by hand in a notebook before the demo.\n\n"
    "Nobody from the business has signed up to the numbers; IT sponsors it and there is no "
    "budget for running costs.\n\nWe haven't talked to risk or compliance yet.\n\n"
    "End users haven't been trained and nobody mapped their workflow.\n\n"
    "We have no monitoring, no evaluation set, no rollback plan."
)

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # a Sunday


@pytest.fixture
def coach(indexed_settings: Settings, tmp_path: Path) -> Iterator[Coach]:
    """A coach on the shared index with its own empty database."""
    settings = make_settings(indexed_settings.data_dir, database_url=f"sqlite:///{tmp_path / 'coach.db'}")
    built = build_coach(settings)
    yield built
    built.store.close()


@pytest.fixture
def clock() -> ManualClock:
    """Sunday 1 March 2026, noon UTC; moves only when a test moves it."""
    return ManualClock(START)


@pytest.fixture
def checkins(coach: Coach, clock: ManualClock) -> Checkins:
    """The check-in service on the test coach, on the manual clock."""
    return build_checkins(coach, clock)


def assess(coach: Coach, text: str = STALLED_TEXT, name: str = "Claims triage", owner: str = "local") -> str:
    """Assess a description (as `owner`) and return the stored assessment's public id."""
    aid = coach.assess_text(text, pilot_name=name, owner=owner).assessment_id
    assert aid is not None
    return aid


GAP_LINE = re.compile(r"^(\d+)\. \[\w+\] (.+?)(?: \(last reported: [^)]*\))?$", re.MULTILINE)


def numbered(message: str) -> dict[str, int]:
    """Gap title -> the number a check-in message shows next to it."""
    return {m[2]: int(m[1]) for m in GAP_LINE.finditer(message)}


def gap_numbers(checkins: Checkins, pilot_id: int) -> dict[str, int]:
    """Dimension -> the number the pilot's next check-in gives each open gap, read from that message,
    so a test answers the way a team member would without assuming how the report ranks gaps."""
    gaps = checkins.gaps(pilot_id)
    message = checkin_text(checkins.pilot(pilot_id), gaps, questions=checkins.questions(pilot_id, only_open=True))
    by_title = numbered(message)
    return {g.dimension: by_title[g.title] for g in gaps if g.title in by_title}
