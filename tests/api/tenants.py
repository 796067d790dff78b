"""Fixtures for two-key tests: a keyed app on a fresh database (SQLite, or PostgreSQL when set)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, MetaData, select

from bot.config import Settings
from bot.factory import build_coach, create_app
from bot.service import Coach
from tests.api.conftest import UNLIMITED, bearer
from tests.conftest import make_settings

KEY_A, KEY_B = "tenant-a-key-0123456789", "tenant-b-key-9876543210"
A, B = bearer(KEY_A), bearer(KEY_B)


@dataclass
class Rig:
    """The client, the coach behind it, and its database engine."""

    client: TestClient
    coach: Coach

    @property
    def engine(self) -> Engine:
        """The coach's database."""
        return self.coach.store.engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database per test: SQLite in tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_schema_url"))
    return f"sqlite:///{tmp_path / 'coach.db'}"


def rig_for(indexed_settings: Settings, database_url: str, **overrides: Any) -> Iterator[Rig]:
    """Two API keys, no scheduler, no rate limit; the shared playbook index, its own database."""
    settings = make_settings(
        indexed_settings.data_dir,
        database_url=database_url,
        api_keys=[SecretStr(KEY_A), SecretStr(KEY_B)],
        rate_limit_per_minute=UNLIMITED,
        scheduler_enabled=False,
        **overrides,
    )
    coach = build_coach(settings)
    try:
        with TestClient(create_app(settings, coach), raise_server_exceptions=False) as client:
            yield Rig(client, coach)
    finally:
        coach.store.close()


def dump_tables(engine: Engine) -> dict[str, str]:
    """Every table's every row, as raw text the way the database holds it (JSON as stored)."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = "\n".join(repr(tuple(row)) for row in rows)
    return out


def dump_column(engine: Engine, table: str, column: str) -> str:
    """One column of one table as raw text."""
    meta = MetaData()
    meta.reflect(engine, only=[table])
    with engine.connect() as conn:
        return "\n".join(repr(v) for v in conn.execute(select(meta.tables[table].c[column])).scalars())


def integer_ids(value: Any, path: str = "") -> list[str]:
    """Where a response still names a record by an integer (`id` or any `..._id` holding an int)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("_id")) and isinstance(item, int) and not isinstance(item, bool):
                found.append(f"{path}.{key}")
            found += integer_ids(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found += integer_ids(item, f"{path}[{n}]")
    return found
