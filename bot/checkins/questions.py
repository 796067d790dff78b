"""Open questions from the assessment: asked at every check-in until an answer settles them.

The answer's line is tied to the question like any other line (its number in the check-in, or
the trained reader's area) and judged by the engine as evidence for that dimension: a gap becomes
a tracked gap, in place closes the question, and an answer that says too little leaves it open.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.assess import LEVEL_FOR_GAP, level_for, severity_for
from bot.checkins.parse import has_evidence
from bot.checkins.records import PilotQuestion, QuestionChange
from bot.checkins.tables import PilotGapRow, PilotQuestionRow
from bot.knowledge import Rubric
from bot.models import Judgement, Report

READY_STATUS = "resolved"  # the level row's status for a dimension found in place


def copy_questions(db: Session, pilot_id: int, report: Report, now: datetime) -> None:
    """The assessment's open questions become the pilot's, asked until answered."""
    for q in report.open_questions:
        db.add(PilotQuestionRow(pilot_id=pilot_id, dimension=q.dimension, question=q.question,
                                status="open", created_at=now))  # fmt: skip


def settle(
    question: PilotQuestion, text: str, judgement: Judgement | None, rubric: Rubric, agentic: bool
) -> QuestionChange:
    """What an answer line does to a question: a gap, in place, noted (no engine), or still unclear."""
    if not has_evidence(text):
        return QuestionChange(question.dimension, question.question, "unclear", answer=text)
    if judgement is None:
        return QuestionChange(question.dimension, question.question, "noted", answer=text)
    if judgement.status == "gap":
        severity = severity_for(rubric.dimension(question.dimension), judgement.severity, agentic, rubric)
        return QuestionChange(question.dimension, question.question, "gap", severity, text)
    outcome = "ready" if judgement.status == "ready" else "unclear"
    return QuestionChange(question.dimension, question.question, outcome, answer=text)


def record(
    db: Session, pilot_id: int, cid: int, question: PilotQuestion, change: QuestionChange, rubric: Rubric, now: datetime
) -> None:
    """Store the answer on the question; a gap it reveals is tracked from now on."""
    row = db.get(PilotQuestionRow, question.id)
    if row is None:
        return
    row.answer, row.outcome = change.answer, change.outcome
    if change.outcome == "unclear":
        return
    row.status, row.answered_at, row.checkin_id = "answered", now, cid
    if change.outcome == "gap" and change.severity:
        title = rubric.dimension(question.dimension).title
        evidence = [{"quote": change.answer, "at": now.isoformat()}]
        db.add(PilotGapRow(pilot_id=pilot_id, dimension=question.dimension, title=title, severity=change.severity,
                           status="open", evidence=evidence, updated_at=now))  # fmt: skip


def level_after(change: QuestionChange, judgement: Judgement | None, previous: int) -> tuple[int, str | None]:
    """The dimension's level and level-row status once the question is answered (None: unchanged)."""
    if change.outcome == "gap" and change.severity:
        return LEVEL_FOR_GAP[change.severity], "open"
    if change.outcome == "ready" and judgement is not None:
        return level_for(judgement, None), READY_STATUS
    return previous, None
