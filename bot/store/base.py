"""The Store's foundation: the engine, the session factory and one-transaction helper."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.errors import InvalidInput, NotFound
from bot.store.db import unreachable


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> None:
    """Reject a value outside a fixed vocabulary, naming the valid ones."""
    if value not in allowed:
        raise InvalidInput(f"Unknown {what} {value!r}: use one of {', '.join(allowed)}.")


def no_session(session_id: str) -> NotFound:
    """The NotFound for a missing (or not-yours) session."""
    return NotFound(f"No session {session_id}: start a new one.")


class StoreBase:
    """Holds the engine and settings; each public method runs in one short transaction."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One short transaction; a lost connection becomes ServiceUnavailable."""
        try:
            with self._sessions.begin() as db:
                yield db
        except OperationalError as exc:
            raise unreachable(self.engine.url, exc) from exc
