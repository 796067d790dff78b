"""Alembic migrations: a fresh database reaches head, matches the models, and the setting is obeyed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from alembic import command
from sqlalchemy import Column, Integer, MetaData, inspect, text
from typer.testing import CliRunner

from bot.cli import db_cmds
from bot.config import PROJECT_ROOT
from bot.errors import ServiceUnavailable
from bot.store import open_store
from bot.store.db import make_engine
from bot.store.migrations import alembic_config, head_revision, prepare_schema, schema_state, upgrade_database
from tests.store.migrations_helpers import full_metadata, schema_diff, settings_for

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str | None:
    """None for SQLite under tmp_path, or a fresh PostgreSQL schema (skipped without a server)."""
    return request.getfixturevalue("pg_schema_url") if request.param == "postgres" else None


def test_alembic_upgrade_head_creates_every_table(db_url: str | None, tmp_path: Path) -> None:
    engine = make_engine(settings_for(tmp_path, db_url))
    with engine.begin() as conn:  # plain `alembic upgrade head`, as the alembic command runs it
        command.upgrade(alembic_config(conn), "head")
    assert set(inspect(engine).get_table_names()) == set(full_metadata().tables) | {"alembic_version"}
    assert schema_state(engine).after == head_revision() == "0008"
    engine.dispose()


def test_the_migrated_schema_matches_the_models(db_url: str | None, tmp_path: Path) -> None:
    engine = make_engine(settings_for(tmp_path, db_url))
    state = upgrade_database(engine)
    assert (state.before, state.after, state.adopted) == (None, head_revision(), False)
    assert schema_diff(engine) == []  # a column added to a model without a revision fails here
    engine.dispose()


def test_a_model_change_without_a_revision_is_caught(tmp_path: Path) -> None:
    engine = make_engine(settings_for(tmp_path, None))
    upgrade_database(engine)
    changed = MetaData()
    for table in full_metadata().tables.values():
        table.to_metadata(changed)
    changed.tables["pilots"].append_column(Column("idempotency_key", Integer, nullable=True))
    diff = schema_diff(engine, changed)
    assert [(d[0], d[2], d[3].name) for d in diff] == [("add_column", "pilots", "idempotency_key")]
    engine.dispose()


def test_upgrading_again_changes_nothing_and_keeps_rows(db_url: str | None, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, db_url)
    with open_store(settings) as store:
        session = store.create_session("local", "cli")
    engine = make_engine(settings)
    again = upgrade_database(engine)
    assert again.before == again.after == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    with open_store(settings) as store:
        assert store.get_session(session.id).owner == "local"
    engine.dispose()


def test_with_start_up_migration_off_an_old_schema_is_one_clear_error(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, None, db_auto_migrate=False)
    with pytest.raises(ServiceUnavailable, match="run `coach db upgrade`") as caught:
        open_store(settings)
    assert "\n" not in str(caught.value)
    engine = make_engine(settings)
    assert inspect(engine).get_table_names() == []  # nothing was created behind the setting's back
    assert prepare_schema(engine, auto_migrate=True).after == head_revision()
    with open_store(settings) as store:  # now current: opens without migrating
        assert store.create_session("local", "cli").version == 0
    engine.dispose()


def test_a_schema_newer_than_this_version_is_left_alone(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, None)
    engine = make_engine(settings)
    upgrade_database(engine)
    with engine.begin() as conn:  # a newer release (rolling deploy) migrated past our head
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    state = upgrade_database(engine)
    assert (state.before, state.after) == ("9999", "9999")
    with open_store(settings_for(tmp_path, None, db_auto_migrate=False)) as store:  # the old replica still runs
        assert store.create_session("local", "cli").owner == "local"
    engine.dispose()


def test_coach_db_upgrade_and_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    monkeypatch.setenv("COACH_DB_AUTO_MIGRATE", "false")
    app = typer.Typer()
    db_cmds.register(app)
    runner = CliRunner()
    before = runner.invoke(app, ["db", "status"])
    assert before.exit_code == 1 and "database revision: none" in before.output
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"from revision none to {head_revision()}" in " ".join(first.output.split())
    second = runner.invoke(app, ["db", "upgrade"])
    assert second.exit_code == 0 and "nothing to do" in second.output
    after = runner.invoke(app, ["db", "status"])
    assert after.exit_code == 0 and f"database revision: {head_revision()}" in after.output


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATABASE_URL", "postgresql://coach:hunter2@127.0.0.1:9/coach")
    app = typer.Typer()
    db_cmds.register(app)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "Cannot reach the database" in result.output and "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_importing_the_store_does_not_load_alembic() -> None:
    code = "import sys, bot.store, bot.store.migrations; print('alembic' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr  # only opening a database pays for it
