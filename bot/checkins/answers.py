"""Answering a check-in: store the words first, then read them gap by gap and re-judge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.assess import LEVEL_FOR_GAP, level_for, severity_for
from bot.checkins import queries as q
from bot.checkins import questions as qs
from bot.checkins.dates import target_date
from bot.checkins.messages import ordered_open, summary_text
from bot.checkins.parse import ParsedLine, has_evidence, parse_answer
from bot.checkins.reads import CheckinReads
from bot.checkins.records import (
    SEVERITY_ORDER,
    AnswerResult,
    GapChange,
    Pilot,
    PilotGap,
    PilotQuestion,
    QuestionChange,
)
from bot.checkins.tables import CheckinAnswerRow, CheckinRow, DimensionLevelRow, PilotGapRow
from bot.errors import NotFound
from bot.limits import clean_text
from bot.models import Judgement, Statement
from bot.redact import scrub
from bot.store.public_ids import Ref

ANSWERABLE = ("sent", "answered", "missed")
PLANNED_LEVEL = 3
RESOLVED_LEVEL = 4


@dataclass(frozen=True)
class _Read:
    """What one gap's lines say: the stated status, the words, and the engine's reading."""

    line: ParsedLine
    judgement: Judgement | None


class AnswersMixin(CheckinReads):
    """The team's answers to check-ins."""

    def answer_checkin(
        self,
        pilot_id: Ref,
        text: str,
        author: str | None = None,
        owner: str | None = None,
        checkin_id: int | None = None,
    ) -> AnswerResult:
        """Store the answer, update each gap it speaks about, and summarise what changed."""
        # stored, read and judged redacted: the team's secrets and personal data go nowhere
        text = scrub(clean_text(text, self.settings.max_message_chars, "answer"))
        author = None if author is None else scrub(author)
        pilot = self.pilot(pilot_id, owner)  # another owner's (or an unknown id): NotFound, nothing stored
        answer_id, cid, baseline = self._store_answer(pilot.id, text, author, checkin_id)
        gaps, questions = ordered_open(self.gaps(pilot.id)), self.questions(pilot.id, only_open=True)
        reads = self._read(gaps, questions, text, author)
        with self._tx() as db:
            changes, answered = self._apply(db, pilot, cid, gaps, questions, reads)
            _mark_answered(db, cid, self.clock.now())
            db.get(CheckinAnswerRow, answer_id).parsed = {  # type: ignore[union-attr]
                "lines": [r.line.__dict__ for r in reads.values()]
            }
            stall = self._stall(db, q.pilot_row(db, pilot.id, None))
        return AnswerResult(
            pilot_id=pilot.public_id,
            checkin_id=cid,
            changes=changes,
            summary=summary_text(pilot, changes, answered, baseline),
            stall_reasons=stall.reasons,
            questions=answered,
            baseline=baseline,
        )

    def _store_answer(self, pilot_id: int, text: str, author: str | None, cid: int | None) -> tuple[int, int, bool]:
        """Commit the answer before anything reads it (an answer is never lost); whether it is the baseline."""
        with self._tx() as db:
            q.pilot_row(db, pilot_id, None)
            checkin = _target_checkin(db, pilot_id, cid)
            if checkin is None:  # answered before any check-in went out: an ad-hoc one
                checkin = CheckinRow(pilot_id=pilot_id, due_at=self.clock.now(), status="answered")
                checkin.note = "answered before a check-in was sent"
                db.add(checkin)
                db.flush()
            row = CheckinAnswerRow(
                checkin_id=checkin.id,
                pilot_id=pilot_id,
                author=author,
                text=text,
                at=self.clock.now(),
            )
            db.add(row)
            db.flush()
            return row.id, checkin.id, not q.went_out(db, pilot_id, but=checkin.id)

    def _read(
        self, gaps: list[PilotGap], questions: list[PilotQuestion], text: str, author: str | None
    ) -> dict[str, _Read]:
        """Per open gap and question (numbered in that order): the merged lines about it and, for
        real evidence, a fresh judgement."""
        order = [self.rubric.dimension(d) for d in [g.dimension for g in gaps] + [x.dimension for x in questions]]
        merged: dict[str, ParsedLine] = {}
        for line in parse_answer(text, order, self._read_areas):
            prev = merged.get(line.dimension)
            status = line.status or (prev.status if prev else None)
            words = " ".join(t for t in (prev.text if prev else "", line.text) if t)
            merged[line.dimension] = ParsedLine(line.dimension, status, words)
        return {d: _Read(line, self._judge(d, line.text, author)) for d, line in merged.items()}

    def _read_areas(self, lines: list[str]) -> list[dict[str, float]]:
        """What the trained reader says each line is about (nothing without a reader: numbers only)."""
        if self.reader is None:
            return [{} for _ in lines]
        return [reading.area for reading in self.reader().read(lines)]

    def _judge(self, dimension: str, text: str, author: str | None) -> Judgement | None:
        """Re-run the assessment of one dimension on the new evidence."""
        if self.judge is None or not has_evidence(text):
            return None
        statement = Statement(text=text, author=author, topic=dimension, question_id="checkin")
        judged: Judgement = self.judge.judge(self.rubric.dimension(dimension), [statement])
        return judged

    def _agentic(self, pilot: Pilot) -> bool:
        if self.store is None or pilot.assessment_id is None:
            return False
        try:
            return bool(self.store.get_assessment(pilot.assessment_id).report.agentic)
        except NotFound:
            return False

    def _apply(
        self,
        db: Session,
        pilot: Pilot,
        cid: int,
        gaps: list[PilotGap],
        questions: list[PilotQuestion],
        reads: dict[str, _Read],
    ) -> tuple[list[GapChange], list[QuestionChange]]:
        """Write each gap's state, severity and level, settle answered questions, record the levels."""
        agentic = self._agentic(pilot)
        levels = q.latest_levels(db, pilot.id)
        statuses: dict[str, str] = {}
        now = self.clock.now()
        changes: list[GapChange] = []
        for gap in gaps:
            read = reads.get(gap.dimension)
            change = _kept(gap) if read is None else self._change(gap, read, agentic, now.date())
            levels[gap.dimension] = _level(change, read, levels.get(gap.dimension, 1))
            self._save_gap(db, gap, change, now)
            statuses[gap.dimension] = change.status_after
            changes.append(change)
        answered: list[QuestionChange] = []
        for question in questions:
            read = reads.get(question.dimension)
            if read is None or not read.line.text:
                continue
            settled = qs.settle(question, read.line.text, read.judgement, self.rubric, agentic)
            qs.record(db, pilot.id, cid, question, settled, self.rubric, now)
            level, status = qs.level_after(settled, read.judgement, levels.get(question.dimension, 1))
            levels[question.dimension] = level
            if status is not None:
                statuses[question.dimension] = status
            answered.append(settled)
        _record_levels(db, pilot.id, cid, levels, statuses, now)
        return changes, answered

    def _change(self, gap: PilotGap, read: _Read, agentic: bool, today: date) -> GapChange:
        """Combine the stated status with the engine's reading of the new words; "no change" (or
        no status at all) keeps the gap's last reported state."""
        j, status, severity = read.judgement, read.line.status, gap.severity
        if j is not None and j.status == "gap" and status != "resolved":
            dim = self.rubric.dimension(gap.dimension)
            severity = severity_for(dim, j.severity, agentic, self.rubric)
        if status is None and j is not None:
            less_severe = SEVERITY_ORDER[severity] > SEVERITY_ORDER[gap.severity]
            status = "resolved" if j.status == "ready" else "in_progress" if less_severe else None
        status = gap.status if status in (None, "unchanged") else status
        target = target_date(read.line.text, today)
        new_target = target is not None and target != gap.target_date
        moved = status != gap.status or severity != gap.severity or new_target
        return GapChange(
            dimension=gap.dimension,
            title=gap.title,
            severity_before=gap.severity,
            severity_after=severity,
            status_before=gap.status,
            status_after=status,
            changed=moved,
            evidence=read.line.text,
            judged=j.status if j else "",
            target_date=target.isoformat() if target else None,
        )

    def _save_gap(self, db: Session, gap: PilotGap, change: GapChange, now: Any) -> None:
        row = db.get(PilotGapRow, gap.id)
        if row is None:
            return
        row.status, row.severity, row.updated_at = change.status_after, change.severity_after, now
        if change.target_date is not None:
            row.target_date = date.fromisoformat(change.target_date)
        if change.status_after == "resolved" and row.closed_at is None:
            row.closed_at = now
        if change.evidence:
            row.evidence = [*row.evidence, {"quote": change.evidence, "at": now.isoformat()}]


def _target_checkin(db: Session, pilot_id: int, cid: int | None) -> CheckinRow | None:
    """The named check-in, else the latest one that went out."""
    if cid is not None:
        row = db.get(CheckinRow, cid)
        if row is None or row.pilot_id != pilot_id:
            raise NotFound("That check-in is not this pilot's: answer the latest one.")
        return row
    query = select(CheckinRow).filter(CheckinRow.pilot_id == pilot_id, CheckinRow.status.in_(ANSWERABLE))
    return db.scalars(query.order_by(CheckinRow.due_at.desc())).first()


def _kept(gap: PilotGap) -> GapChange:
    """A gap the answer does not mention keeps its last reported state."""
    return GapChange(
        dimension=gap.dimension,
        title=gap.title,
        severity_before=gap.severity,
        severity_after=gap.severity,
        status_before=gap.status,
        status_after=gap.status,
        changed=False,
        mentioned=False,
    )


def _level(change: GapChange, read: _Read | None, previous: int) -> int:
    """Readiness level after the change: resolved is in place, progress is planned."""
    j = read.judgement if read else None
    if change.status_after == "resolved":
        return level_for(j, None) if j is not None and j.status == "ready" else RESOLVED_LEVEL
    level = previous
    if change.severity_after != change.severity_before:
        level = LEVEL_FOR_GAP[change.severity_after]
    if change.status_after == "in_progress" and change.status_before != "in_progress":
        level = max(level, min(previous + 1, PLANNED_LEVEL))  # once, when work starts: restating is no rise
    return level


def _record_levels(
    db: Session,
    pilot_id: int,
    cid: int,
    levels: dict[str, int],
    statuses: dict[str, str],
    now: Any,
) -> None:
    """Replace this check-in's data points: one level per dimension."""
    previous = {
        r.dimension: r.status
        for r in db.scalars(select(DimensionLevelRow).filter_by(pilot_id=pilot_id).order_by(DimensionLevelRow.id))
    }
    db.execute(delete(DimensionLevelRow).filter_by(checkin_id=cid))
    for dim, level in levels.items():
        status = statuses.get(dim) or previous.get(dim, "unknown")
        db.add(DimensionLevelRow(pilot_id=pilot_id, checkin_id=cid, dimension=dim, level=level, status=status, at=now))


def _mark_answered(db: Session, cid: int, now: Any) -> None:
    row = db.get(CheckinRow, cid)
    if row is not None:
        row.status, row.answered_at = "answered", row.answered_at or now
