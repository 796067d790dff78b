"""The Store's foundation: the engine, the session factory and one-transaction helper."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Executable, Row
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.errors import InvalidInput, NotFound
from bot.redact import redacted
from bot.store.db import READ_ONLY, unreachable, utcnow
from bot.store.tables import ROLES


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> None:
    """Reject a value outside a fixed vocabulary, naming the valid ones."""
    if value not in allowed:
        raise InvalidInput(f"Unknown {what} {value!r}: use one of {', '.join(allowed)}.")


def no_session(session_id: str) -> NotFound:
    """The NotFound for a missing (or not-yours) session."""
    return NotFound(f"No session {session_id}: start a new one.")


_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> AbstractContextManager[object]:
    """This process's writers to one SQLite file queue here, not in SQLite's busy handler.

    SQLite's handler polls with sleeps of up to 100 ms, so a turn that found the write lock taken
    could wait ~100 ms after it was freed; a thread lock hands it over at once. PostgreSQL: no lock."""
    if engine.url.get_backend_name() != "sqlite":
        return nullcontext()
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(engine.url.render_as_string(hide_password=False), threading.RLock())


class StoreBase:
    """Holds the engine and settings; each public method runs in one short transaction."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._reading = engine.execution_options(**{READ_ONLY: True})
        self._readers = sessionmaker(self._reading, expire_on_commit=False)
        self._writer = writer_lock(engine)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One short transaction; a lost connection becomes ServiceUnavailable."""
        try:
            with self._writer, self._sessions.begin() as db:
                yield db
        except OperationalError as exc:
            raise unreachable(self.engine.url, exc) from exc

    @contextmanager
    def _read_tx(self) -> Iterator[Session]:
        """One short transaction that only reads: on SQLite it takes no write lock, so reads do not
        queue behind other sessions' commits (nor hold theirs up)."""
        try:
            with self._readers.begin() as db:
                yield db
        except OperationalError as exc:
            raise unreachable(self.engine.url, exc) from exc

    def _read_one(self, statement: Executable, params: dict[str, Any] | None = None) -> Row[Any] | None:
        """The first row of one read, in a read-only transaction without an ORM session: for reads
        made on every turn (an ORM session's set-up costs more than the read itself, ~0.1-0.2 ms).
        A statement built once with bind parameters (`params`) also skips building and keying a new
        statement on every call (~0.1 ms more)."""
        try:
            with self._reading.connect() as conn, conn.begin():
                return conn.execute(statement, params).first()
        except OperationalError as exc:
            raise unreachable(self.engine.url, exc) from exc

    def message_row(
        self,
        session_id: str,
        role: str,
        text: str,
        author: str | None = None,
        meta: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """A transcript row's column values, redacted (the original kept only when the settings say so):
        a Core insert takes them as they are, `MessageRow(**values)` makes the ORM row."""
        check_choice(role, ROLES, "role")
        unsecret, found = redacted(text)  # secrets never reach the database, not even in originals
        meta = copy.deepcopy(meta or {})
        if found.counts:
            meta.setdefault("redactions", dict(found.counts))
        kept = unsecret if self.settings.keep_original_transcript else found.text
        return {
            "session_id": session_id,
            "role": role,
            "author": author,
            "text": kept,
            "redacted_text": found.text,
            "created_at": now or utcnow(),
            "meta": meta,
        }
