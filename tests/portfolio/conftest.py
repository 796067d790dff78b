"""Portfolio and gate fixtures: a keyed app (three keys) on a fresh database, on a manual clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.config import Settings
from bot.factory import build_coach, create_app
from bot.service import Coach
from tests.api.conftest import UNLIMITED, bearer
from tests.checkins.doubles import ManualClock
from tests.conftest import make_settings
from tests.store.conftest import pg_schema_url  # noqa: F401  (a fixture)

KEYS = {"a": "portfolio-key-a-0123456789", "b": "portfolio-key-b-0123456789", "c": "portfolio-key-c-0123456789"}
A, B, C = (bearer(KEYS[k]) for k in "abc")
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
DOC = (
    "We export a sample to a spreadsheet by hand every week. Nobody owns the budget after the pilot and there "
    "is no baseline. Legal and risk have not reviewed it. No monitoring, no rollback, nobody on call."
)
HEALTHY = (
    "Data arrives through an automated pipeline with quality checks, tested at full volume. The VP of claims owns "
    "the budget and we measured a baseline. Risk signed off the review. Agents use it inside their case tool every "
    "day. It is integrated with the claims system through the standard API. We monitor quality and have a rollback."
)


@dataclass
class Rig:
    """The client, the coach, the clock, and each key's identity."""

    client: TestClient
    coach: Coach
    clock: ManualClock
    ids: dict[str, str]

    def pilot(self, headers: dict[str, str], name: str, text: str = DOC, **extra: Any) -> str:
        """Assess `text` as this key and register the pilot; its id."""
        made = self.client.post("/v1/assessments", json={"text": text, "pilot_name": name}, headers=headers)
        assert made.status_code == 200, made.text
        body = {"assessment_id": made.json()["assessment_id"], "name": name, "business_owner": "Dana",
                "sponsor": "Sam", **extra}  # fmt: skip
        reg = self.client.post("/v1/pilots", json=body, headers=headers)
        assert reg.status_code == 201, reg.text
        return str(reg.json()["pilot"]["id"])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database per test: SQLite in tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_schema_url"))
    return f"sqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
def rig(indexed_settings: Settings, database_url: str) -> Iterator[Rig]:
    """Three API keys, no scheduler, no rate limit, a manual clock; the shared index, its own database."""
    settings = make_settings(
        indexed_settings.data_dir,
        database_url=database_url,
        api_keys=[SecretStr(k) for k in KEYS.values()],
        rate_limit_per_minute=UNLIMITED,
        scheduler_enabled=False,
    )
    coach = build_coach(settings)
    clock = ManualClock(START)
    try:
        with TestClient(create_app(settings, coach, clock), raise_server_exceptions=False) as client:
            ids = {
                k: client.get("/v1/whoami", headers=h).json()["identity"] for k, h in zip("abc", (A, B, C), strict=True)
            }
            yield Rig(client, coach, clock, ids)
    finally:
        coach.store.close()
