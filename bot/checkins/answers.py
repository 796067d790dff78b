"""Answering a check-in: store the words first, then read them gap by gap and re-judge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.assess import LEVEL_FOR_GAP, level_for, severity_for
from bot.checkins import queries as q
from bot.checkins.messages import ordered_open, summary_text
from bot.checkins.parse import ParsedLine, has_evidence, parse_answer
from bot.checkins.reads import CheckinReads
from bot.checkins.records import SEVERITY_ORDER, AnswerResult, GapChange, Pilot, PilotGap
from bot.checkins.tables import CheckinAnswerRow, CheckinRow, DimensionLevelRow, PilotGapRow
from bot.errors import NotFound
from bot.limits import clean_text
from bot.models import Judgement, Statement
from bot.redact import scrub

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
        pilot_id: int,
        text: str,
        author: str | None = None,
        owner: str | None = None,
        checkin_id: int | None = None,
    ) -> AnswerResult:
        """Store the answer, update each gap it speaks about, and summarise what changed."""
        # stored, read and judged redacted: the team's secrets and personal data go nowhere
        text = scrub(clean_text(text, self.settings.max_message_chars, "answer"))
        author = None if author is None else scrub(author)
        answer_id, cid = self._store_answer(pilot_id, text, author, owner, checkin_id)
        pilot = self.pilot(pilot_id)
        gaps = ordered_open(self.gaps(pilot_id))
        reads = self._read(pilot, gaps, text, author)
        with self._tx() as db:
            changes = self._apply(db, pilot, cid, gaps, reads)
            _mark_answered(db, cid, self.clock.now())
            db.get(CheckinAnswerRow, answer_id).parsed = {  # type: ignore[union-attr]
                "lines": [r.line.__dict__ for r in reads.values()]
            }
            stall = self._stall(db, q.pilot_row(db, pilot_id, None))
        return AnswerResult(
            pilot_id=pilot_id,
            checkin_id=cid,
            changes=changes,
            summary=summary_text(pilot, changes),
            stall_reasons=stall.reasons,
        )

    def _store_answer(
        self, pilot_id: int, text: str, author: str | None, owner: str | None, cid: int | None
    ) -> tuple[int, int]:
        """Commit the answer before anything reads it: an answer is never lost."""
        with self._tx() as db:
            q.pilot_row(db, pilot_id, owner)
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
            return row.id, checkin.id

    def _read(self, pilot: Pilot, gaps: list[PilotGap], text: str, author: str | None) -> dict[str, _Read]:
        """Per open gap: the merged lines about it and, for real evidence, a fresh judgement."""
        order = [self.rubric.dimension(g.dimension) for g in gaps]
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
        self, db: Session, pilot: Pilot, cid: int, gaps: list[PilotGap], reads: dict[str, _Read]
    ) -> list[GapChange]:
        """Write each gap's new status, severity and level; record the check-in's levels."""
        agentic = self._agentic(pilot)
        levels = q.latest_levels(db, pilot.id)
        earlier = _statuses_at(db, cid)
        now = self.clock.now()
        changes: list[GapChange] = []
        for gap in gaps:
            read = reads.get(gap.dimension)
            if read is None:
                status = earlier.get(gap.dimension, "unchanged")
                change = _unchanged(gap, status)
            else:
                change = self._change(gap, read, agentic)
            levels[gap.dimension] = _level(change, read, levels.get(gap.dimension, 1))
            self._save_gap(db, gap, change, now)
            earlier[gap.dimension] = change.status_after
            changes.append(change)
        _record_levels(db, pilot.id, cid, levels, earlier, now)
        return changes

    def _change(self, gap: PilotGap, read: _Read, agentic: bool) -> GapChange:
        """Combine the stated status with the engine's reading of the new words."""
        j, status, severity = read.judgement, read.line.status, gap.severity
        if j is not None and j.status == "gap" and status != "resolved":
            dim = self.rubric.dimension(gap.dimension)
            severity = severity_for(dim, j.severity, agentic, self.rubric)
        if status is None and j is not None:
            less_severe = SEVERITY_ORDER[severity] > SEVERITY_ORDER[gap.severity]
            status = "resolved" if j.status == "ready" else "in_progress" if less_severe else None
        status = status or "unchanged"
        moved = status in ("resolved", "in_progress") or severity != gap.severity
        moved = moved or (status == "blocked" and gap.status != "blocked")
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
        )

    def _save_gap(self, db: Session, gap: PilotGap, change: GapChange, now: Any) -> None:
        row = db.get(PilotGapRow, gap.id)
        if row is None:
            return
        row.status, row.severity, row.updated_at = change.status_after, change.severity_after, now
        if change.status_after == "resolved" and row.closed_at is None:
            row.closed_at = now
        if change.evidence:
            row.evidence = [*row.evidence, {"quote": change.evidence, "at": now.isoformat()}]


def _target_checkin(db: Session, pilot_id: int, cid: int | None) -> CheckinRow | None:
    """The named check-in, else the latest one that went out."""
    if cid is not None:
        row = db.get(CheckinRow, cid)
        if row is None or row.pilot_id != pilot_id:
            raise NotFound(f"No check-in {cid} for pilot {pilot_id}: answer the latest one.")
        return row
    query = select(CheckinRow).filter(CheckinRow.pilot_id == pilot_id, CheckinRow.status.in_(ANSWERABLE))
    return db.scalars(query.order_by(CheckinRow.due_at.desc())).first()


def _unchanged(gap: PilotGap, status: str) -> GapChange:
    return GapChange(
        dimension=gap.dimension,
        title=gap.title,
        severity_before=gap.severity,
        severity_after=gap.severity,
        status_before=gap.status,
        status_after=status,
        changed=status in ("resolved", "in_progress"),
    )


def _level(change: GapChange, read: _Read | None, previous: int) -> int:
    """Readiness level after the change: resolved is in place, progress is planned."""
    j = read.judgement if read else None
    if change.status_after == "resolved":
        return level_for(j, None) if j is not None and j.status == "ready" else RESOLVED_LEVEL
    level = previous
    if change.severity_after != change.severity_before:
        level = LEVEL_FOR_GAP[change.severity_after]
    if change.status_after == "in_progress":
        level = max(level, min(previous + 1, PLANNED_LEVEL))
    return level


def _statuses_at(db: Session, cid: int) -> dict[str, str]:
    """Statuses an earlier answer to the same check-in already recorded."""
    rows = db.scalars(select(DimensionLevelRow).filter_by(checkin_id=cid))
    return {r.dimension: r.status for r in rows if r.status != "missed"}


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
