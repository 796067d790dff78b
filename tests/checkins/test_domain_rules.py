"""Rules the check-in service keeps whoever calls it (API, Slack or CLI): people are stored
redacted, and a schedule fires at most as often as the settings it was built with allow."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.checkins.pilots import Checkins
from bot.errors import InvalidInput
from bot.factory import build_checkins
from bot.service import Coach
from tests.checkins.conftest import assess
from tests.checkins.doubles import ManualClock

PLANTED = ("Priya Patel", "dana.lee@example.com", "+44 20 7946 0958")


def stored_people(coach: Coach, pilot_id: int) -> str:
    query = text("SELECT name, business_owner, sponsor, people FROM pilots WHERE id = :id")
    with coach.store.engine.connect() as conn:
        return " ".join(str(value) for value in conn.execute(query, {"id": pilot_id}).one())


def test_owner_sponsor_and_people_are_stored_redacted(coach: Coach, checkins: Checkins) -> None:
    pilot = checkins.register_from_assessment(
        assess(coach), "Claims triage", "Priya Patel (COO)", "dana.lee@example.com",
        ["U0ALICE1", "+44 20 7946 0958", "bob"],
    )  # fmt: skip
    row = stored_people(coach, pilot.id)
    assert not [item for item in PLANTED if item in row], row
    assert "[NAME]" in row and "[EMAIL]" in row and "[PHONE]" in row
    assert pilot.people[0] == "U0ALICE1" and "bob" in pilot.people  # Slack ids and plain handles stay usable


def test_a_person_with_a_nul_is_refused(coach: Coach, checkins: Checkins) -> None:
    with pytest.raises(InvalidInput):
        checkins.register_from_assessment(assess(coach), "Claims", "Dana\x00", "Sam")


@pytest.mark.parametrize("cron", ["* * * * *", "*/30 * * * *", "0,30 9 * * MON"])
def test_a_schedule_more_often_than_hourly_is_refused_by_the_service(
    coach: Coach, checkins: Checkins, cron: str
) -> None:
    with pytest.raises(InvalidInput, match="minutes apart"):
        checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam", cron=cron)
    assert checkins.list_pilots() == []
    pilot = checkins.register_from_assessment(assess(coach), "Claims", "Dana", "Sam")
    with pytest.raises(InvalidInput, match="minutes apart"):
        checkins.set_schedule(pilot.id, cron, "UTC")
    assert checkins.pilot(pilot.id).cron == "0 9 * * MON"


def test_the_limit_comes_from_the_settings_the_service_was_built_with(coach: Coach, clock: ManualClock) -> None:
    allowing = build_checkins(coach, clock, coach.settings.model_copy(update={"checkin_min_interval_minutes": 15}))
    pilot = allowing.register_from_assessment(assess(coach), "Claims", "Dana", "Sam", cron="*/15 * * * *")
    assert allowing.set_schedule(pilot.id, "0 * * * *", "UTC").cron == "0 * * * *"
    with pytest.raises(InvalidInput, match="more often than every 15 minutes"):
        allowing.set_schedule(pilot.id, "*/10 * * * *", "UTC")
