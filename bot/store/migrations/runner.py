"""Runs the Alembic migrations under a lock: when a process opens the database, or `coach db upgrade`.

Replicas starting at once take turns: on PostgreSQL an advisory lock (per schema) held for the
whole upgrade transaction, on SQLite the database's write lock (every transaction of
`make_engine`'s engines starts with BEGIN IMMEDIATE). The second one then finds nothing to do.
Alembic is imported only when a database is opened, not by `import bot.store` (~0.1-0.2 s).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.errors import ServiceUnavailable
from bot.store.db import READ_ONLY, safe_url, unreachable

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

SCRIPTS = Path(__file__).parent
BASELINE = "0001"  # the schema of the last release before migrations (see versions/v0001_baseline.py)
VERSION_TABLE = "alembic_version"
PG_LOCK_NAMESPACE = 0x636F6163  # "coac": first key of the advisory lock; the second is the schema's hash


@dataclass(frozen=True)
class SchemaState:
    """Where the database's schema stands: its revision before and after, and what happened."""

    before: str | None
    after: str | None
    head: str
    adopted: bool = False  # tables made before migrations were found and brought under them

    @property
    def current(self) -> bool:
        """True when the database is at this version's head revision."""
        return self.after == self.head


def alembic_config(connection: Connection | None = None, metadata: MetaData | None = None) -> Config:
    """Alembic's configuration, built in code (no ini file): scripts from this package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = metadata
    return config


@cache
def _scripts() -> ScriptDirectory:
    """The revisions shipped with this version (read once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this version of the code knows."""
    head = _scripts().get_current_head()
    assert head is not None, "bot/store/migrations/versions holds no revision"
    return head


_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*(?::[^=\n]*)?=\s*["']([^"'\n]+)["']\s*$""", re.M)


@cache
def quick_head() -> str | None:
    """The head revision read from the version files' own `revision`/`down_revision` lines, without
    importing Alembic (~0.3 s of a cold start); None unless that gives exactly one head."""
    revisions, parents = set(), set()
    for path in (SCRIPTS / "versions").glob("v*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def recorded_revision(conn: Connection) -> str | None:
    """The one revision in the version table, read with plain SQL; None when there is not exactly one."""
    try:
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    except SQLAlchemyError:
        return None
    return rows[0] if len(rows) == 1 else None


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the migration lock; other upgraders wait for its commit."""
    with engine.begin() as conn:  # on SQLite this BEGIN IMMEDIATE already holds the write lock
        if conn.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:ns, hashtext(coalesce(current_schema(), '')))")
            conn.execute(lock, {"ns": PG_LOCK_NAMESPACE})
        yield conn


def upgrade_database(engine: Engine) -> SchemaState:
    """Bring the schema to head (idempotent); a database made before migrations is adopted in place."""
    quick = quick_head()
    if quick is not None:
        try:
            with engine.execution_options(**{READ_ONLY: True}).connect() as conn:  # the usual case: no Alembic
                if recorded_revision(conn) == quick:
                    return SchemaState(quick, quick, quick)
        except OperationalError as exc:
            raise unreachable(engine.url, exc) from exc
    from alembic import command
    from alembic.util.exc import CommandError

    head = head_revision()
    try:
        with engine.connect() as conn:  # the usual case, without taking the lock: already current
            if (now := revision_of(conn)) == head:
                return SchemaState(now, now, head)
        with locked(engine) as conn:
            before = revision_of(conn)
            adopted = before is None and bool(_tables(conn))
            if adopted:
                log.info("database made before migrations: adopting it (revision %s)", BASELINE)
            if before is not None and not _known(before):
                log.warning("database schema %s is newer than this version knows (%s); not upgrading", before, head)
                return SchemaState(before, before, head)
            command.upgrade(alembic_config(conn), "head")
            after = revision_of(conn)
    except OperationalError as exc:
        raise unreachable(engine.url, exc) from exc
    except (SQLAlchemyError, CommandError) as exc:
        raise ServiceUnavailable(
            f"Upgrading the database schema at {safe_url(engine.url)} failed ({_first_line(exc)}): "
            "fix the database or restore a backup, then run `coach db upgrade`."
        ) from exc
    if after != before:
        log.info("database schema upgraded from %s to %s", before or "nothing", after)
    return SchemaState(before, after, head, adopted)


def schema_state(engine: Engine) -> SchemaState:
    """The database's revision, without changing anything."""
    try:
        with engine.connect() as conn:
            now = revision_of(conn)
    except SQLAlchemyError as exc:
        raise unreachable(engine.url, exc) from exc
    return SchemaState(now, now, head_revision())


def prepare_schema(engine: Engine, auto_migrate: bool = True) -> SchemaState:
    """Upgrade the schema, or (with start-up migration off) check it is current."""
    if auto_migrate:
        return upgrade_database(engine)
    state = schema_state(engine)
    if state.after is not None and not state.current and not _known(state.after):
        return state  # a newer version migrated it; this one's tables are a subset
    if not state.current:
        raise ServiceUnavailable(
            f"The database schema is at revision {state.after or 'none'} and this version needs "
            f"{state.head}: run `coach db upgrade` (start-up upgrades are off: COACH_DB_AUTO_MIGRATE=false)."
        )
    return state


def revision_of(conn: Connection) -> str | None:
    """The revision recorded in the database, or None when it has none."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _tables(conn: Connection) -> list[str]:
    return [name for name in inspect(conn).get_table_names() if name != VERSION_TABLE]


def _known(revision: str) -> bool:
    from alembic.util.exc import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def _first_line(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__
