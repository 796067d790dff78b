"""Databases made before migrations upgrade in place with their rows; replicas starting at once don't race."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.orm import Session

from bot.config import PROJECT_ROOT
from bot.errors import NotFound
from bot.respondents.records import Respondent
from bot.respondents.tables import RespondentRow
from bot.store import open_store
from bot.store.db import make_engine
from bot.store.migrations import alembic_config, head_revision, schema_state, upgrade_database
from bot.store.migrations.runner import locked
from bot.store.public_ids import is_public_id, row_by_ref
from bot.store.slack_events import claim_event, mark_event_done
from tests.store.migrations_helpers import (
    all_rows,
    columns_of,
    finish,
    full_metadata,
    load_fixture,
    only,
    schema_diff,
    settings_for,
    start_upgrade,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
OLD_RELEASE = {"sqlite": "release-before-migrations.sqlite.sql", "postgres": "release-before-migrations.postgresql.sql"}


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """("sqlite", None) or ("postgres", a fresh schema's URL; skipped without a server)."""
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("pg_schema_url")
    return "sqlite", None


def kept(after: dict[str, list], before: dict[str, list]) -> bool:
    """Every old table's rows unchanged in the columns they had, and columns added by later revisions
    (e.g. pilot_gaps.target_date) empty, except public ids, which every old row gets (distinct and
    random); tables added by later revisions (e.g. turn_keys) start empty."""
    for name, rows in before.items():
        old = set(rows[0]) if rows else set()
        now = after.get(name, [])
        if [{k: v for k, v in r.items() if k in old} for r in now] != rows:
            return False
        if any(v is not None for r in now for k, v in r.items() if k not in old and k != "public_id"):
            return False
        if "public_id" not in old and not backfilled([r.get("public_id") for r in now if "public_id" in r]):
            return False
    return not any(rows for name, rows in after.items() if name not in before)


def backfilled(ids: list[object]) -> bool:
    """Every row has its own public id, shaped like a fresh one."""
    return all(is_public_id(i) for i in ids) and len(set(ids)) == len(ids)


def test_the_previous_release_is_adopted_in_place(backend_url: tuple[str, str | None], tmp_path: Path) -> None:
    backend, url = backend_url
    settings = settings_for(tmp_path / "data", url)
    load_fixture(OLD_RELEASE[backend], settings)
    engine = make_engine(settings)
    before = all_rows(engine)
    assert "alembic_version" not in inspect(engine).get_table_names()
    assert sum(map(len, before.values())) >= 15

    state = upgrade_database(engine)
    assert (state.before, state.after, state.adopted) == (None, head_revision(), True)
    assert kept(all_rows(engine), before)  # the schema already matched: recorded, nothing changed
    assert schema_diff(engine) == []

    with open_store(settings) as store:  # and the release's data works with this version
        (session,) = store.list_sessions(owner="team-a")
        assert session.version == 1 and session.state == {"step": 2}
        assert [m.role for m in store.list_messages(session.id)] == ["user", "coach"]
        assert store.add_message(session.id, "user", "Dana owns it.").id == 3  # ids carry on
        (assessment_id,) = [r["id"] for r in before["assessments"]]
        assert store.get_assessment(assessment_id, owner="team-a").report.verdict == "not_ready"
        (public_id,) = [r["public_id"] for r in all_rows(engine)["assessments"]]
        found = store.get_assessment(public_id, owner="team-a")  # the backfilled id is what the API now takes
        assert found.id == assessment_id and found.report.assessment_id == public_id
        with pytest.raises(NotFound):
            store.get_assessment(str(assessment_id), owner="team-a")  # the old integer, from outside: 404
    assert claim_event(engine, "Ev02") is False  # handled before the upgrade: still deduplicated
    engine.dispose()


def test_the_alembic_command_upgrades_the_previous_release(backend_url: tuple[str, str | None], tmp_path: Path) -> None:
    backend, url = backend_url
    settings = settings_for(tmp_path / "data", url)
    load_fixture(OLD_RELEASE[backend], settings)
    engine = make_engine(settings)
    before = all_rows(engine)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), COACH_DATA_DIR=str(settings.data_dir), COACH_DATABASE_URL=url or "")
    alembic = [sys.executable, "-m", "alembic", "-c", str(PROJECT_ROOT / "alembic.ini")]
    run = {"env": env, "cwd": tmp_path, "capture_output": True, "text": True, "timeout": 120}
    done = subprocess.run([*alembic, "upgrade", "head"], **run)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr
    assert "Running upgrade  -> 0001" in done.stderr
    assert schema_state(engine).after == head_revision() and kept(all_rows(engine), before)
    engine.dispose()


def test_an_earlier_release_gains_the_missing_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", None)
    load_fixture("early-release.sqlite.sql", settings)
    engine = make_engine(settings)
    had, before = columns_of(engine), all_rows(engine)
    assert "version" not in had["sessions"] and "owner" not in had["assessments"]
    assert "payload" not in had["slack_events"]

    state = upgrade_database(engine)
    assert state.adopted and state.after == head_revision()
    now = columns_of(engine)
    for name, table in full_metadata().tables.items():
        assert {c.name for c in table.columns} <= now[name], name
    after = all_rows(engine)
    assert kept(only(after, had), before)  # every old row and value kept
    assert [r["version"] for r in after["sessions"]] == [0]  # the model's default, as the old upgrade set it
    assert [r["owner"] for r in after["assessments"]] == ["team-b"]  # from its session

    with open_store(settings) as store:
        (session,) = store.list_sessions()
        assert store.save_state(session.id, {"step": 1}, expected_version=0) == 1
        assert store.get_assessment(after["assessments"][0]["id"], owner="team-b").owner == "team-b"
    assert claim_event(engine, "EvOld") is True  # claimed before the upgrade, never done: runs again
    mark_event_done(engine, "EvOld")
    assert upgrade_database(engine).before == head_revision()  # the next start finds nothing to do
    engine.dispose()


def test_two_replicas_starting_at_once_both_succeed(backend_url: tuple[str, str | None], tmp_path: Path) -> None:
    _, url = backend_url
    data = tmp_path / "data"
    start_at = time.time() + 3.0  # after both have imported the code
    replicas = [start_upgrade(data, url, start_at) for _ in range(2)]
    results = [finish(p) for p in replicas]
    assert sorted(r["before"] or "" for r in results) == ["", head_revision()]  # one migrated, one found it done
    assert {r["after"] for r in results} == {head_revision()}
    engine = make_engine(settings_for(data, url))
    assert schema_diff(engine) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def test_a_replica_waits_for_the_upgrade_lock(backend_url: tuple[str, str | None], tmp_path: Path) -> None:
    _, url = backend_url
    data = tmp_path / "data"
    engine = make_engine(settings_for(data, url))
    with locked(engine) as conn:  # another replica is mid-upgrade
        replica = start_upgrade(data, url, 0.0)
        time.sleep(4.0)
        assert replica.poll() is None, "the second upgrade ran while the first held the lock"
        conn.execute(text("CREATE TABLE held_lock_marker (id INTEGER)"))
        released = time.time()
    result = finish(replica)
    assert result["at"] >= released and result["after"] == head_revision()
    assert "held_lock_marker" in inspect(engine).get_table_names()
    assert schema_state(engine).current
    engine.dispose()


def test_respondents_before_revision_0008_get_public_ids(backend_url: tuple[str, str | None], tmp_path: Path) -> None:
    _, url = backend_url
    engine = make_engine(settings_for(tmp_path / "data", url))
    with engine.begin() as conn:  # the schema of the release before respondents had public ids
        command.upgrade(alembic_config(conn), "0007")
    tables = MetaData()
    tables.reflect(engine, only=["sessions", "respondents"])
    now = datetime(2026, 12, 1, 9, 0)
    sessions = [{"id": f"s{n}", "owner": "team-a", "channel": "api", "state": {}, "status": "active", "version": 0,
                 "created_at": now, "updated_at": now} for n in range(3)]  # fmt: skip
    people = [{"session_id": "s0", "owner": "team-a", "part_session_id": f"s{n}", "name": name, "areas": [area],
               "token_hash": f"{n:064d}", "status": "invited", "created_at": now}
              for n, name, area in ((1, "Sam", "roi_ownership"), (2, "Priya", "governance"))]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(tables.tables["sessions"].insert(), sessions)
        conn.execute(tables.tables["respondents"].insert(), people)
    before = all_rows(engine, ["respondents"])

    state = upgrade_database(engine)
    assert (state.before, state.after) == ("0007", head_revision())
    after = all_rows(engine, ["respondents"])
    assert kept(after, before) and schema_diff(engine) == []  # every row kept, each with its own public id
    with Session(engine) as db:
        for row in after["respondents"]:
            found = row_by_ref(db, RespondentRow, row["public_id"])
            assert found is not None and Respondent.of(found).id == row["public_id"]
            assert row_by_ref(db, RespondentRow, str(row["id"])) is None  # the old integer, from outside
    engine.dispose()
