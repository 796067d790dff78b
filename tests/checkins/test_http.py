"""The /v1/pilots routes through the real app, with an API key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.api.deps import owner_id
from bot.config import get_settings
from bot.factory import create_app
from bot.service import Coach
from tests.checkins.conftest import assess
from tests.checkins.doubles import ManualClock

KEY = "pilots-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}


def test_pilots_api(coach: Coach) -> None:
    settings = coach.settings.model_copy(update={"api_keys": [SecretStr(KEY)], "scheduler_enabled": False})
    aid = assess(coach, owner=owner_id(KEY))  # the key's own assessment (another's is 404)
    with TestClient(create_app(settings, coach)) as client:
        assert client.get("/v1/pilots").status_code == 401
        body = {"assessment_id": aid, "name": "Claims", "business_owner": "Dana",
                "sponsor": "Sam", "timezone": "Europe/London"}  # fmt: skip
        created = client.post("/v1/pilots", json=body, headers=AUTH)
        assert created.status_code == 201, created.text
        pid = created.json()["pilot"]["id"]
        [row] = client.get("/v1/pilots", headers=AUTH).json()["pilots"]
        assert row["open_by_severity"]["critical"] >= 1 and row["status"] == "active"
        answer = client.post(f"/v1/pilots/{pid}/checkins", headers=AUTH,
                             json={"text": "1 resolved: nightly ingestion is live"})  # fmt: skip
        assert answer.status_code == 200 and answer.json()["changes"][0]["changed"]
        detail = client.get(f"/v1/pilots/{pid}", headers=AUTH).json()
        assert {"gaps", "checkins", "trend", "escalations"} <= set(detail)
        trend = client.get(f"/v1/pilots/{pid}/trend", headers=AUTH).json()
        assert len(trend["at"]) == 2 and "data_pipeline" in trend["series"]
        assert client.post(f"/v1/pilots/{pid}/pause", headers=AUTH).json()["paused"] is True
        assert client.get("/v1/pilots/999", headers=AUTH).status_code == 404
        bad = client.post("/v1/pilots", json={**body, "timezone": "Nowhere"}, headers=AUTH)
        assert bad.status_code == 422 and "IANA" in bad.json()["error"]["message"]
        page = client.get("/pilots.html")
        assert page.status_code == 200 and "pilots.js" in page.text


def test_manual_clock_rejects_naive_start() -> None:
    from datetime import datetime

    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 1, 1))


@pytest.mark.parametrize("cron", ["* * * * *", "*/30 * * * *", "0,30 9 * * MON", "0-5 9 1 * *", "0-5 9 29 2 *"])
def test_a_schedule_more_often_than_hourly_is_refused(coach: Coach, cron: str) -> None:
    with _client(coach) as client:
        resp = client.post("/v1/pilots", json=_pilot(coach, cron=cron), headers=AUTH)
        assert resp.status_code == 422, resp.text
        assert "minutes apart" in resp.json()["error"]["message"]
        assert client.get("/v1/pilots", headers=AUTH).json()["pilots"] == []


@pytest.mark.parametrize("cron", ["0 * * * *", "0 9 * * MON", "0 9,17 * * MON-FRI", "59 23 * * *"])
def test_hourly_or_rarer_schedules_are_accepted(coach: Coach, cron: str) -> None:
    with _client(coach) as client:
        resp = client.post("/v1/pilots", json=_pilot(coach, cron=cron), headers=AUTH)
        assert resp.status_code == 201, resp.text
        assert resp.json()["pilot"]["cron"] == cron


def test_a_setting_allows_more_frequent_check_ins(coach: Coach) -> None:
    with _client(coach, checkin_min_interval_minutes=15) as client:
        ok = client.post("/v1/pilots", json=_pilot(coach, cron="*/15 * * * *"), headers=AUTH)
        assert ok.status_code == 201, ok.text
        too_often = client.post("/v1/pilots", json=_pilot(coach, cron="*/10 * * * *"), headers=AUTH)
        assert too_often.status_code == 422


def test_the_interval_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_CHECKIN_MIN_INTERVAL_MINUTES", "5")
    assert get_settings().checkin_min_interval_minutes == 5


def _client(coach: Coach, **overrides: object) -> TestClient:
    update = {"api_keys": [SecretStr(KEY)], "scheduler_enabled": False, **overrides}
    return TestClient(create_app(coach.settings.model_copy(update=update), coach))


def _pilot(coach: Coach, **fields: object) -> dict[str, object]:
    aid = assess(coach, owner=owner_id(KEY))
    return {"assessment_id": aid, "name": "Claims", "business_owner": "Dana", "sponsor": "Sam", **fields}


def test_the_composition_root_mounts_pilots_at_startup_and_runs_one_periodic_runner(coach: Coach) -> None:
    settings = coach.settings.model_copy(update={"api_keys": [SecretStr(KEY)], "scheduler_enabled": True})
    app = create_app(settings)  # no coach: built, and the pilots API mounted, at start-up
    assert TestClient(app).get("/v1/pilots", headers=AUTH).status_code == 404  # not started yet
    with TestClient(app) as client:
        assert client.get("/v1/pilots", headers=AUTH).json() == {"pilots": []}
        jobs = app.state.server.jobs
        assert [j.name for j in jobs.jobs] == ["checkins"] and jobs.running  # no Slack configured: no inbox
        assert app.state.checkins.settings is settings  # the app's settings, so its limits
    assert not jobs.running
    app.state.coach.store.close()


def test_without_the_scheduler_setting_no_background_job_starts(coach: Coach) -> None:
    app = create_app(coach.settings.model_copy(update={"scheduler_enabled": False}), coach)
    with TestClient(app):
        assert not app.state.server.jobs.running
