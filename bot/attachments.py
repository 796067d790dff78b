"""A document shared during an interview (a file in the Slack thread) read as the team's evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.documents.convert import convert_bytes, unit_name
from bot.documents.statements import located_statements
from bot.errors import Conflict
from bot.interview_state import InterviewState
from bot.limits import clean_text

if TYPE_CHECKING:
    from bot.service import Coach

ATTEMPTS = 3


@dataclass(frozen=True)
class SharedDocument:
    """What reading a shared document did: its name, pages/slides/sections, statements kept."""

    name: str
    units: int
    unit: str
    statements: int

    def reply(self) -> str:
        """The coach's answer in the thread."""
        return (
            f"I read {self.name} ({self.units} {self.unit}): its {self.statements} statements are now part of "
            "this interview's evidence, and the gap list quotes them by page, slide or section. "
            "Carry on with the question above, or type `report` for the gap list."
        )


def add_document(
    coach: Coach, session_id: str, data: bytes, name: str, owner: str | None = None, author: str | None = None
) -> SharedDocument:
    """Convert the file, keep its text in the transcript and its statements in the session's evidence.

    Raises DocumentError/DocumentTooLarge (one sentence) for a file that cannot be read; then
    nothing in the session changes."""
    doc = convert_bytes(data, name, coach.settings.max_upload_bytes)
    text = clean_text(doc.markdown, coach.settings.max_document_chars, "document")
    statements = located_statements(doc.name, doc.located(), coach.rubric.dimensions)
    rec = coach.store.get_session(session_id, owner=owner)
    coach.store.add_message(session_id, "user", text, author=author, meta={"document": doc.name})
    for attempt in range(ATTEMPTS):
        if attempt:  # a turn was saved meanwhile: add the statements on top of it
            rec = coach.store.get_session(session_id, owner=owner)
        state = InterviewState.model_validate(rec.state)
        state.statements.extend(statements)
        status = "done" if state.done else "active"
        try:
            coach.store.save_state(session_id, state.model_dump(mode="json"), status, rec.version)
            break
        except Conflict:
            if attempt == ATTEMPTS - 1:
                raise
    return SharedDocument(doc.name, doc.units, unit_name(doc.kind), len(statements))
