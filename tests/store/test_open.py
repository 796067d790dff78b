"""Opening the store: SQLite pragmas, URL handling, unreachable databases."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import ConfigError, ServiceUnavailable
from bot.store import open_store, safe_url
from bot.store.db import database_url

from .conftest import store_settings


def test_sqlite_is_created_under_the_data_dir_with_wal(tmp_path: Path) -> None:
    settings = store_settings(tmp_path / "deep" / "data")
    with open_store(settings) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
    assert (tmp_path / "deep" / "data" / "coach.db").is_file()


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u:p@db:5432/coach", "postgresql+psycopg"),
        ("postgres://u:p@db/coach", "postgresql+psycopg"),
        ("postgresql+psycopg://u:p@db/coach", "postgresql+psycopg"),
        ("sqlite:////tmp/x.db", "sqlite"),
    ],
)
def test_database_url_normalises_postgres(tmp_path: Path, given: str, driver: str) -> None:
    assert database_url(store_settings(tmp_path, database_url=given)).drivername == driver


def test_safe_url_hides_the_password() -> None:
    shown = safe_url("postgresql+psycopg://coach:hunter2pass@db:5432/coach")
    assert "hunter2pass" not in shown and "coach:***@db:5432/coach" in shown


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_postgres_says_where_and_what_to_do(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql://coach:hunter2pass@127.0.0.1:{_closed_port()}/coach"
    with pytest.raises(ServiceUnavailable) as info:
        open_store(store_settings(tmp_path, database_url=url))
    message = str(info.value)
    assert message.startswith("Cannot reach the database at postgresql+psycopg://coach:***@127.0.0.1")
    assert "COACH_DATABASE_URL" in message
    assert "hunter2pass" not in message and "hunter2pass" not in caplog.text


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ServiceUnavailable, match="COACH_DATA_DIR"):
        open_store(store_settings(blocker / "data"))


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url with secret hunter2pass", "is not a database URL"),
        ("mysql+nosuchdriver://u:hunter2pass@127.0.0.1/db", "Cannot use the database driver"),
    ],
)
def test_bad_database_url_is_a_config_error(tmp_path: Path, url: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as info:
        open_store(store_settings(tmp_path, database_url=url))
    assert "hunter2pass" not in str(info.value)


def test_a_locked_pragma_is_waited_out_not_failed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3
    import threading

    from bot.store.db import _pragma

    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # another replica mid-way through creating the schema
    threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
    other = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    _pragma(other.cursor(), "journal_mode=WAL", wait_s=5.0)  # refused at first, then done once released
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()
    holder.close()
