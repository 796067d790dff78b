"""Helpers for the migration tests: the full metadata, a database per backend, old-release fixtures."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, inspect, text

import bot.checkins.tables  # noqa: F401  (registers the check-in tables on Base.metadata)
import bot.gate.tables  # noqa: F401  (registers the gate tables)
import bot.respondents.tables  # noqa: F401  (registers the respondents table)
import bot.store.slack_events  # noqa: F401  (registers the Slack event table)
import bot.store.tables  # noqa: F401
from bot.config import PROJECT_ROOT, Settings
from bot.store.db import Base, make_engine

FIXTURES = Path(__file__).parent / "fixtures"


def full_metadata() -> MetaData:
    """Every table the models declare (the three modules that define tables are imported above)."""
    return Base.metadata


def schema_diff(engine: Engine, metadata: MetaData | None = None) -> list[Any]:
    """What Alembic's autogenerate would change to make the database match the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata or full_metadata()))


def undo_newer_revisions(conn: Any) -> None:
    """Take a database back to the release before migrations: drop what revisions 0002 to 0007 added."""
    conn.execute(text("DROP TABLE alembic_version"))
    for table in ("assessments", "gaps", "pilots", "pilot_gaps"):  # public ids came with revision 0007
        conn.execute(text(f"DROP INDEX ix_{table}_public_id"))
        conn.execute(text(f"ALTER TABLE {table} DROP COLUMN public_id"))
    conn.execute(text("DROP TABLE respondents"))  # added by revision 0006
    conn.execute(text("DROP TABLE turn_keys"))  # added after that release
    for table in ("gate_signers", "gate_items", "gates"):  # added by revision 0005
        conn.execute(text(f"DROP TABLE {table}"))
    conn.execute(text("DROP TABLE pilot_questions"))  # and these two by revision 0004
    conn.execute(text("ALTER TABLE pilot_gaps DROP COLUMN target_date"))
    conn.execute(text("DROP INDEX ix_sessions_client"))  # so was sessions.client
    conn.execute(text("ALTER TABLE sessions DROP COLUMN client"))


def settings_for(data_dir: Path, url: str | None, **overrides: object) -> Settings:
    """Settings on SQLite under data_dir (url None) or on the given database."""
    values: dict[str, object] = {"data_dir": data_dir, "database_url": url}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def load_fixture(name: str, settings: Settings) -> None:
    """Rebuild a database an older release made, from its dump in fixtures/."""
    script = (FIXTURES / name).read_text(encoding="utf-8")
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(settings.data_dir / "coach.db") as db:
            db.executescript(script)
        return
    engine = make_engine(settings)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(script)
    finally:
        engine.dispose()


def all_rows(engine: Engine, tables: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (but alembic_version), sorted, as plain values."""
    names = tables if tables is not None else inspect(engine).get_table_names()
    found: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for name in sorted(n for n in names if n != "alembic_version"):
            rows = [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{name}"'))]
            found[name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return found


def only(rows: dict[str, list[dict[str, Any]]], columns: dict[str, set[str]]) -> dict[str, list[dict[str, Any]]]:
    """The rows restricted to the columns each table had before."""
    return {t: [{c: v for c, v in r.items() if c in columns[t]} for r in rs] for t, rs in rows.items()}


def columns_of(engine: Engine) -> dict[str, set[str]]:
    """Each table's column names."""
    present = inspect(engine)
    return {t: {c["name"] for c in present.get_columns(t)} for t in present.get_table_names()}


UPGRADE_IN_CHILD = """
import json, sys, time
from pathlib import Path
from bot.config import Settings
from bot.store.db import make_engine
from bot.store.migrations import upgrade_database
url = sys.argv[2] or None
engine = make_engine(Settings(_env_file=None, data_dir=Path(sys.argv[1]), database_url=url))
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))  # start together with the other replica
state = upgrade_database(engine)
print(json.dumps({"before": state.before, "after": state.after, "at": time.time()}))
"""


def start_upgrade(data_dir: Path, url: str | None, start_at: float) -> subprocess.Popen[str]:
    """A separate process (a replica starting) that upgrades the database at `start_at`."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    args = [sys.executable, "-c", UPGRADE_IN_CHILD, str(data_dir), url or "", str(start_at)]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str], timeout: float = 90) -> dict[str, Any]:
    """Wait for a replica's upgrade; its JSON line, or a failure with its stderr."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return dict(json.loads(out.strip().splitlines()[-1]))
