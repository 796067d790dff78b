"""One interview turn, committed whole: the team's message, the state, the report and the reply."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import Conflict
from bot.models import Report
from bot.store.assessments import write_assessment
from bot.store.base import StoreBase, check_choice, no_session
from bot.store.db import utcnow
from bot.store.scrub import scrub_state
from bot.store.tables import SESSION_STATUSES, AssessmentRow, GapRow, MessageRow, SessionRow, TurnKeyRow

# the turn's hot statements, built once: Core on the transaction's connection skips the ORM's
# per-statement compile and unit-of-work bookkeeping (about half of a turn's CPU before)
_VERSION = select(SessionRow.version, SessionRow.owner).where(SessionRow.id == bindparam("sid")).with_for_update()
_ADVANCE = (
    update(SessionRow)
    .where(SessionRow.id == bindparam("sid"), SessionRow.version == bindparam("old"))
    .values(state=bindparam("new_state"), status=bindparam("new_status"), version=bindparam("new_version"))
    .values(updated_at=bindparam("now"))
)
_MESSAGE = insert(MessageRow).returning(MessageRow.id)


def changed(session_id: str) -> Conflict:
    """The Conflict for a turn computed on a state someone else has moved on since."""
    return Conflict(f"Session {session_id} changed while this message was handled; send it again.")


@dataclass(frozen=True)
class TurnWrite:
    """Everything one turn stores; `version` is the state version the turn was computed on."""

    session_id: str
    version: int
    state: dict[str, Any]
    status: str
    user_text: str
    reply: str
    author: str | None = None
    reply_meta: dict[str, Any] = field(default_factory=dict)
    report: Report | None = None  # already scrubbed: stored as given
    key: str | None = None  # the client's idempotency key, scoped to the session
    text_hash: str = ""
    result: dict[str, Any] = field(default_factory=dict)  # what a retry with the key gets back


@dataclass(frozen=True)
class StoredTurn:
    """A committed turn as a retry sees it: the reply as stored, and what came with it."""

    session_id: str
    text_hash: str
    reply: str
    result: dict[str, Any]
    assessment_id: str | None = None  # the report's public id, and its gaps' (never integer keys)
    gap_ids: list[str] = field(default_factory=list)
    version: int = 0


class TurnsMixin(StoreBase):
    """Turns written in one transaction, and their idempotency keys."""

    def commit_turn(self, turn: TurnWrite) -> StoredTurn:
        """Store the whole turn, or nothing: Conflict when the session moved on since `turn.version`
        (or another request stored the same key first)."""
        check_choice(turn.status, SESSION_STATUSES, "session status")
        # redaction is done before the transaction: the write lock is held only for the writes
        now = utcnow()
        user = self.message_row(turn.session_id, "user", turn.user_text, turn.author, now=now)
        coach = self.message_row(turn.session_id, "coach", turn.reply, meta=turn.reply_meta, now=now)
        state = scrub_state(turn.state)  # a redacted copy: the caller's dict is left as it was
        try:
            with self._tx() as db:
                conn = db.connection()
                # the version and owner only: the old state is replaced, never read (nor parsed)
                found = conn.execute(_VERSION, {"sid": turn.session_id}).first()
                if found is None:
                    raise no_session(turn.session_id)
                if (found.version or 0) != turn.version:
                    raise changed(turn.session_id)
                conn.execute(_MESSAGE, user)
                coach_id = conn.execute(_MESSAGE, coach).scalar_one()
                assessment, assessment_id, gap_ids = None, None, []
                if turn.report is not None:
                    assessment = write_assessment(db, turn.report, turn.session_id, found.owner)
                    assessment_id, gap_ids = assessment.public_id, assessment.gap_ids
                version = turn.version + 1
                values = {"new_state": state, "new_status": turn.status, "new_version": version, "now": now}
                conn.execute(_ADVANCE, {"sid": turn.session_id, "old": found.version, **values})
                if turn.key:
                    db.add(_key_row(turn, coach_id, assessment.id if assessment is not None else None))
                return StoredTurn(
                    turn.session_id, turn.text_hash, coach["text"], turn.result, assessment_id, gap_ids, version
                )
        except IntegrityError as exc:  # the same key stored by a concurrent retry
            raise changed(turn.session_id) from exc

    def find_turn(self, session_id: str, key: str) -> StoredTurn | None:
        """The turn stored with this idempotency key in this session, if any."""
        with self._read_tx() as db:
            row = db.scalars(select(TurnKeyRow).filter_by(session_id=session_id, key=key)).first()
            if row is None:
                return None
            reply = db.get(MessageRow, row.coach_message_id)
            result = copy.deepcopy(row.result or {})
            result.pop("gap_ids", None)  # kept by older releases (integer keys): read from the gaps instead
            assessment = db.get(AssessmentRow, row.assessment_id) if row.assessment_id else None
            return StoredTurn(
                session_id,
                row.text_hash,
                reply.text if reply is not None else "",
                result,
                assessment.public_id if assessment is not None else None,
                _gap_ids(db, assessment.id) if assessment is not None else [],
            )


def _gap_ids(db: Session, assessment_id: int) -> list[str]:
    """The public ids of an assessment's gaps, in report order."""
    return list(db.scalars(select(GapRow.public_id).filter_by(assessment_id=assessment_id).order_by(GapRow.id)))


def _key_row(turn: TurnWrite, coach_id: int, assessment_id: int | None) -> TurnKeyRow:
    return TurnKeyRow(
        session_id=turn.session_id,
        key=turn.key,
        text_hash=turn.text_hash,
        coach_message_id=coach_id,
        assessment_id=assessment_id,  # the internal key; a retry gets the public ids back from it
        result=dict(turn.result),
        created_at=utcnow(),
    )
