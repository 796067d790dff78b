"""Engine and declarative base: SQLite under the data dir by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from bot.config import Settings
from bot.errors import ConfigError, ServiceUnavailable

log = logging.getLogger(__name__)

# JSON on SQLite, JSONB on PostgreSQL; both round-trip plain dicts and lists.
JSONType = JSON().with_variant(JSONB(), "postgresql")

# busy_timeout first: switching a new file to WAL already waits for the lock when replicas start at once
SQLITE_PRAGMAS = ("busy_timeout=15000", "journal_mode=WAL", "foreign_keys=ON")
SQLITE_PRAGMA_WAIT_S = 15.0  # as long as the busy timeout
PG_CONNECT_TIMEOUT_S = 5
READ_ONLY = "coach_read_only"  # execution option: a transaction that only reads (no write lock on SQLite)


def utcnow() -> datetime:
    """Timezone-aware now, in UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """A fresh random id (uuid4 hex, 32 characters)."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime that always comes back timezone-aware in UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store in UTC; a naive value is taken to be UTC already."""
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Attach UTC to naive values read back from SQLite."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """The one declarative base; every module's tables register on `Base.metadata`."""

    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[dict[str, Any]]: JSONType,
    }


def database_url(settings: Settings) -> URL:
    """The settings' database URL, with `postgresql://` mapped to the psycopg 3 driver."""
    try:
        url = make_url(settings.sqlalchemy_url)
    except ArgumentError as exc:  # the text may hold a password: do not echo it
        raise ConfigError(
            "COACH_DATABASE_URL is not a database URL: "
            "use postgresql://USER:PASSWORD@HOST:5432/DB, or unset it to use SQLite."
        ) from exc
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def safe_url(url: URL | str) -> str:
    """The URL as text with any password masked, fit for logs and error messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Turn on WAL, foreign keys and a busy timeout for every new SQLite connection."""
    cursor = dbapi_conn.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            _pragma(cursor, pragma)
    finally:
        cursor.close()


def _pragma(cursor: Any, pragma: str, wait_s: float = SQLITE_PRAGMA_WAIT_S) -> None:
    """Run one PRAGMA, waiting out a lock: SQLite can refuse `journal_mode=WAL` at once ("database
    is locked") without calling the busy handler while another replica creates the file's schema."""
    deadline = time.monotonic() + wait_s
    delay = 0.02
    while True:
        try:
            cursor.execute(f"PRAGMA {pragma}")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def make_engine(settings: Settings) -> Engine:
    """Create (not yet connect) the engine the settings describe."""
    url = database_url(settings)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings)
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(
            f"Cannot use the database driver {url.drivername!r}: use a postgresql:// URL "
            "(psycopg 3, from the `postgres` extra) or unset COACH_DATABASE_URL for SQLite."
        ) from exc


def _sqlite_engine(url: URL, settings: Settings) -> Engine:
    """A SQLite engine whose file lives in an existing directory."""
    folders = [settings.data_dir]
    if url.database and url.database != ":memory:":
        folders.append(Path(url.database).parent)
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ServiceUnavailable(
                f"Cannot create the data folder {folder} ({exc.strerror or exc}): "
                "set COACH_DATA_DIR to a writable folder."
            ) from exc
    # isolation_level=None hands transactions to us: each one starts with BEGIN IMMEDIATE, so a
    # writer waits for the lock (busy_timeout) instead of failing to upgrade a read transaction.
    engine = create_engine(url, connect_args={"check_same_thread": False, "isolation_level": None})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _begin_immediate(conn: Any) -> None:
    """Take SQLite's write lock at the start of every transaction that may write.

    A read-only transaction (the READ_ONLY execution option) begins deferred instead: under WAL it
    reads a consistent snapshot without waiting behind, or holding up, a writer's commit."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def unreachable(url: URL | str, exc: BaseException) -> ServiceUnavailable:
    """The error a person sees when the database cannot be reached."""
    shown = safe_url(url)
    detail = _scrub(str(getattr(exc, "orig", None) or exc), make_url(url).password)
    hint = (
        "check COACH_DATABASE_URL and that the server is running, "
        "or unset COACH_DATABASE_URL to use SQLite under the data dir."
        if make_url(url).get_backend_name() != "sqlite"
        else "check that COACH_DATA_DIR exists and is writable."
    )
    if "database is locked" in str(exc):
        hint = "the SQLite database is busy with other writers; retry, or use PostgreSQL for this load."
    first_line = detail.strip().splitlines()[0] if detail.strip() else type(exc).__name__
    return ServiceUnavailable(f"Cannot reach the database at {shown} ({first_line}): {hint}")


def _scrub(message: str, password: str | None) -> str:
    """Remove a password from a driver's error text, just in case it echoes it."""
    if password:
        message = message.replace(str(password), "***")
    return message


def check_connection(engine: Engine) -> None:
    """Run `SELECT 1`; raise ServiceUnavailable with a clear sentence when it fails."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise unreachable(engine.url, exc) from exc
