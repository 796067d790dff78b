"""Store fixtures: real SQLite in tmp_path, and PostgreSQL when COACH_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.models import DimensionResult, Evidence, Gap, OpenQuestion, Report
from bot.store import Store, new_id, open_store

PG_ENV = "COACH_TEST_POSTGRES_URL"
MakeStore = Callable[..., Store]


def store_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings isolated from the environment and any `.env`."""
    values: dict[str, object] = {"data_dir": data_dir, "database_url": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def _pg_url() -> str:
    url = os.environ.get(PG_ENV, "")
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards; yields a URL whose search_path is it."""
    base = make_url(_pg_url())
    if base.drivername in ("postgres", "postgresql"):
        base = base.set(drivername="postgresql+psycopg")
    schema = f"t_{new_id()[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the store suite runs against."""
    return str(request.param)


@pytest.fixture
def make_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[MakeStore]:
    """Open stores (on one shared database per test) with optional settings overrides."""
    opened: list[Store] = []
    db_url = request.getfixturevalue("pg_schema_url") if backend == "postgres" else None

    def make(**overrides: object) -> Store:
        overrides.setdefault("database_url", db_url)
        store = open_store(store_settings(tmp_path / "data", **overrides))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: MakeStore) -> Store:
    """A store with default settings (originals kept)."""
    return make_store()


def make_report(engine: str = "offline", pilot: str = "Invoice triage") -> Report:
    """A small, hand-built schema-v1 report: two dimensions, one gap, one open question."""
    quote = Evidence(quote="Nobody owns the model after launch, ask Jane Doe (CFO)", author="U1")
    return Report(
        pilot_name=pilot,
        verdict="not_ready",
        summary="Ownership is missing.",
        dimensions=[
            DimensionResult(
                id="ownership",
                title="Ownership",
                status="gap",
                severity="critical",
                level=1,
                evidence=[quote],
                rationale="No named owner for production.",
            ),
            DimensionResult(id="data", title="Data", status="unknown", level=2, rationale="Not discussed."),
        ],
        gaps=[
            Gap(
                dimension="ownership",
                severity="critical",
                title="No production owner",
                evidence=[quote],
                why="Pilots without an owner stall.",
                surfaces="At the first incident.",
                surfaces_after_days=30,
                actions=["Name an owner this week."],
                citations=[],
            )
        ],
        open_questions=[OpenQuestion(dimension="data", question="Where does the data come from?")],
        engine=engine,
        rubric_version="r1",
        prompt_version="p1",
    )


@pytest.fixture
def report() -> Report:
    """The hand-built report."""
    return make_report()
