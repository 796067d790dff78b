"""The /v1/pilots routes through the real app, with an API key."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.api.app import create_app
from bot.api.deps import owner_id
from bot.checkins import ManualClock
from bot.service import Coach
from tests.checkins.conftest import assess

AUTH = {"Authorization": "Bearer k1"}


def test_pilots_api(coach: Coach) -> None:
    settings = coach.settings.model_copy(update={"api_keys": [SecretStr("k1")], "scheduler_enabled": False})
    aid = assess(coach, owner=owner_id("k1"))  # the key's own assessment (another's is 404)
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

    import pytest

    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 1, 1))
