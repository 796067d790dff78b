"""Opening a database made by an older version adds the columns new versions declare."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import open_store

from .conftest import store_settings


def test_old_sessions_table_gains_the_version_column(tmp_path: Path) -> None:
    settings = store_settings(tmp_path / "data")
    (tmp_path / "data").mkdir(parents=True)
    with sqlite3.connect(tmp_path / "data" / "coach.db") as db:  # the table as version 0.1 made it
        db.execute(
            "CREATE TABLE sessions (id VARCHAR(32) PRIMARY KEY, owner VARCHAR(200), channel VARCHAR(16),"
            " external_key VARCHAR(300), pilot_name VARCHAR(300), state JSON, status VARCHAR(16),"
            " created_at DATETIME, updated_at DATETIME)"
        )
        db.execute(
            "INSERT INTO sessions VALUES ('old1', 'local', 'cli', NULL, NULL, '{}', 'active',"
            " '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
        )
    with open_store(settings) as store:
        old = store.get_session("old1")
        assert old.version == 0
        assert store.save_state("old1", {"step": 1}, expected_version=0) == 1
        assert store.create_session("local", "cli").version == 0
