"""The Store: short transactions over the coach's tables, returning plain records."""

from __future__ import annotations

import copy
import logging
from typing import Any

from sqlalchemy import Engine, bindparam, column, func, select, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.errors import Conflict, InvalidInput
from bot.store.assessments import AssessmentsMixin
from bot.store.base import check_choice, no_session
from bot.store.db import check_connection, make_engine, new_id, safe_url, utcnow
from bot.store.migrations import prepare_schema, upgrade_database
from bot.store.records import (
    MessageRecord,
    SessionDigest,
    SessionRecord,
)
from bot.store.scrub import scrub_optional, scrub_state
from bot.store.tables import (
    CHANNELS,
    SESSION_STATUSES,
    AssessmentRow,
    MessageRow,
    SessionRow,
)
from bot.store.turns import TurnsMixin
from bot.store.usage import AuditUsageMixin

log = logging.getLogger(__name__)
# the respondents' interviews (bot/respondents/tables.py), named here without importing the feature
RESPONDENT_PARTS = table("respondents", column("part_session_id"))
MAX_ERROR_CHARS = 2000
PILOT_NAME_CHARS = 300  # sessions.pilot_name
# read on every turn: built once, so no call builds and keys a new statement
_SESSION = select(SessionRow.__table__).where(SessionRow.__table__.c.id == bindparam("sid"))


class Store(AssessmentsMixin, TurnsMixin, AuditUsageMixin):
    """Sessions, transcripts, assessments, gaps, audit log and LLM usage in one database."""

    # --- sessions -------------------------------------------------------------------

    def create_session(
        self,
        owner: str,
        channel: str,
        pilot_name: str | None = None,
        external_key: str | None = None,
        state: dict[str, Any] | None = None,
        greeting: str | None = None,
        greeting_meta: dict[str, Any] | None = None,
        client: str | None = None,
    ) -> SessionRecord:
        """Start a session (with the coach's `greeting` as its first message, in the same transaction);
        with an external_key already in use, return that session instead."""
        check_choice(channel, CHANNELS, "channel")
        if external_key and (found := self.find_session(external_key)):
            return _same_owner(found, owner)
        now = utcnow()
        row = SessionRow(
            id=new_id(),
            owner=owner,
            channel=channel,
            external_key=external_key,
            pilot_name=scrub_optional(pilot_name, PILOT_NAME_CHARS),
            client=client,
            state=scrub_state(copy.deepcopy(state or {})),
            status="active",
            created_at=now,
            updated_at=now,
        )
        try:
            with self._tx() as db:
                db.add(row)
                if greeting is not None:
                    db.flush()  # the message's foreign key needs the session first
                    db.add(MessageRow(**self.message_row(row.id, "coach", greeting, meta=greeting_meta, now=now)))
            return SessionRecord.of(row)
        except IntegrityError:  # a concurrent delivery created it first
            found = self.find_session(external_key) if external_key else None
            if found is None:
                raise
            return _same_owner(found, owner)

    def get_session(self, session_id: str, owner: str | None = None) -> SessionRecord:
        """The session, or NotFound when it is missing or belongs to another owner."""
        row = self._read_one(_SESSION, {"sid": session_id})  # read on every turn
        if row is None or (owner is not None and row.owner != owner):
            raise no_session(session_id)
        return SessionRecord.of(row, fresh=True)  # a read of its own: the row goes with it

    def find_session(self, external_key: str) -> SessionRecord | None:
        """The session tied to an outside key (e.g. a Slack thread), if any."""
        with self._read_tx() as db:
            row = db.scalars(select(SessionRow).filter_by(external_key=external_key)).first()
            return SessionRecord.of(row) if row else None

    def save_state(
        self,
        session_id: str,
        state: dict[str, Any],
        status: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Replace the session's interview state; with expected_version, only if nobody else did.

        Returns the new version. Raises Conflict when another process saved in between, so the
        caller can re-read and re-apply its turn instead of overwriting the other one.
        """
        if status is not None:
            check_choice(status, SESSION_STATUSES, "session status")
        with self._tx() as db:
            row = locked_session(db, session_id)
            if expected_version is not None and (row.version or 0) != expected_version:
                raise Conflict(f"Session {session_id} changed while this message was handled; retry it.")
            return write_state(row, state, status)

    def list_sessions(
        self, owner: str | None = None, limit: int = 100, client: str | None = None
    ) -> list[SessionRecord]:
        """Most recently active sessions first, optionally only one owner's (and one browser's). A
        respondent's interview belongs to the lead's it serves (bot/respondents), so it is not listed."""
        query = select(SessionRow).order_by(SessionRow.updated_at.desc(), SessionRow.id).limit(limit)
        query = query.where(SessionRow.id.not_in(select(RESPONDENT_PARTS.c.part_session_id)))
        if owner is not None:
            query = query.filter_by(owner=owner)
        if client is not None:
            query = query.filter_by(client=client)
        with self._read_tx() as db:
            return [SessionRecord.of(r) for r in db.scalars(query)]

    def latest_session_with_key(self, owner: str, key_prefix: str) -> SessionRecord | None:
        """The owner's most recently active session whose outside key starts with `key_prefix`
        (e.g. one Slack channel's threads): one indexed query, however many sessions there are."""
        query = (
            select(SessionRow)
            .filter_by(owner=owner)
            .where(SessionRow.external_key.startswith(key_prefix, autoescape=True))
            .order_by(SessionRow.updated_at.desc(), SessionRow.created_at.desc())
            .limit(1)
        )
        with self._tx() as db:
            row = db.scalars(query).first()
            return SessionRecord.of(row) if row else None

    def session_digests(self, session_ids: list[str]) -> dict[str, SessionDigest]:
        """Each session's first answer (as stored, redacted) and its latest report's public id and verdict."""
        ids = list(session_ids)
        firsts = (
            select(func.min(MessageRow.id))
            .where(MessageRow.session_id.in_(ids), MessageRow.role == "user")
            .group_by(MessageRow.session_id)
        )
        reports = select(AssessmentRow.session_id, AssessmentRow.public_id, AssessmentRow.verdict).where(
            AssessmentRow.session_id.in_(ids)
        )
        with self._tx() as db:
            texts = {m.session_id: m.text for m in db.scalars(select(MessageRow).where(MessageRow.id.in_(firsts)))}
            latest = {sid: (aid, verdict) for sid, aid, verdict in db.execute(reports.order_by(AssessmentRow.id))}
        return {sid: SessionDigest(texts.get(sid), *(latest.get(sid) or (None, None))) for sid in ids}

    # --- messages -------------------------------------------------------------------

    def add_message(
        self,
        session_id: str,
        role: str,
        text: str,
        author: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> MessageRecord:
        """Store one message, redacted, and commit before returning (the answer is durable)."""
        row = MessageRow(**self.message_row(session_id, role, text, author, meta))
        with self._tx() as db:
            session = db.get(SessionRow, session_id)
            if session is None:
                raise no_session(session_id)
            session.updated_at = row.created_at
            db.add(row)
        return MessageRecord.of(row)

    def list_messages(self, session_id: str) -> list[MessageRecord]:
        """The session's turns in the order they were stored."""
        query = select(MessageRow).filter_by(session_id=session_id).order_by(MessageRow.id)
        with self._read_tx() as db:
            return [MessageRecord.of(r) for r in db.scalars(query)]

    # --- lifecycle ------------------------------------------------------------------

    def create_tables(self) -> None:
        """Create any registered table that does not exist yet (idempotent)."""
        create_tables(self.engine)

    def ping(self) -> None:
        """`SELECT 1`; raises ServiceUnavailable when the database cannot be reached."""
        check_connection(self.engine)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def locked_session(db: Session, session_id: str) -> SessionRow:
    """The session's row, locked for the caller's transaction (PostgreSQL: FOR UPDATE) until it ends."""
    row = db.get(SessionRow, session_id, with_for_update=True)
    if row is None:
        raise no_session(session_id)
    return row


def write_state(row: SessionRow, state: dict[str, Any], status: str | None = None) -> int:
    """Replace a (locked) session's state in the caller's transaction, scrubbed; its new version."""
    row.state = scrub_state(copy.deepcopy(state))
    row.status = status or row.status
    row.version = (row.version or 0) + 1
    row.updated_at = utcnow()
    return row.version


def _same_owner(found: SessionRecord, owner: str) -> SessionRecord:
    """Return an existing keyed session only to the owner who created it."""
    if found.owner != owner:
        raise InvalidInput(
            f"The conversation {found.external_key} belongs to another workspace: start a new conversation."
        )
    return found


def create_tables(engine: Engine) -> None:
    """Create or upgrade every table: the Alembic migrations, under their lock (idempotent)."""
    upgrade_database(engine)


def open_store(settings: Settings) -> Store:
    """Connect to the configured database, upgrade its schema (or check it), and return a Store."""
    engine = make_engine(settings)
    check_connection(engine)
    prepare_schema(engine, settings.db_auto_migrate)
    log.info("store opened at %s", safe_url(engine.url))
    return Store(engine, settings)
