"""The check-in service's reads: pilots, gaps, check-ins, stalls, summaries and trends.

Built on the shared transaction base (bot.store.base); every public method is one short transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.checkins import queries as q
from bot.checkins.clock import Clock, SystemClock
from bot.checkins.escalations import Escalations
from bot.checkins.messages import headline
from bot.checkins.records import (
    Checkin,
    Pilot,
    PilotGap,
    PilotQuestion,
    PilotSummary,
    Stall,
    checkin_dict,
    gap_dict,
    pilot_dict,
    question_dict,
)
from bot.checkins.stall import weeks_between
from bot.checkins.tables import CheckinRow, PilotRow
from bot.checkins.trend import TrendPoint, direction, points_from_rows, sparkline, trend_dict
from bot.config import Settings
from bot.errors import ConfigError
from bot.knowledge import Rubric
from bot.store.base import StoreBase
from bot.store.public_ids import Ref

if TYPE_CHECKING:  # types only: listing and sending pilots loads neither the reader nor an engine
    from bot.engine.base import Engine as Judge
    from bot.reading.reader import Reader
    from bot.store.store import Store

SEVERITIES = ("critical", "high", "medium")


class CheckinReads(StoreBase):
    """Engine, settings, rubric and clock; the coach's store (source assessments), its engine
    (re-judging new evidence) and the trained reader (which gap a line of an answer is about)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        rubric: Rubric,
        clock: Clock | None = None,
        store: Store | None = None,
        judge: Judge | None = None,
        reader: Callable[[], Reader] | None = None,
    ) -> None:
        super().__init__(engine, settings)
        self.rubric = rubric
        self.clock: Clock = clock or SystemClock()
        self.store = store
        self.judge = judge
        self.reader = reader  # the trained reader, loaded on first use: which gap a line is about

    def _assessments(self) -> Store:
        """The coach's store, where pilots come from; a service built without it cannot register."""
        if self.store is None:
            raise ConfigError("Registering a pilot needs the coach's store: build the service with build_checkins.")
        return self.store

    def pilot(self, pilot_id: Ref, owner: str | None = None) -> Pilot:
        """One pilot, or NotFound when it is missing or belongs to another owner."""
        with self._tx() as db:
            return Pilot.of(q.pilot_row(db, pilot_id, owner))

    def gaps(self, pilot_id: int) -> list[PilotGap]:
        """The pilot's gaps, in registration order."""
        with self._tx() as db:
            return [PilotGap.of(r) for r in q.gap_rows(db, pilot_id)]

    def questions(self, pilot_id: int, only_open: bool = False) -> list[PilotQuestion]:
        """The open questions carried from the assessment (only those still unanswered, if asked)."""
        with self._tx() as db:
            return [PilotQuestion.of(r) for r in q.question_rows(db, pilot_id, only_open)]

    def checkins(self, pilot_id: int) -> list[Checkin]:
        """Every check-in of the pilot, oldest first."""
        with self._tx() as db:
            return [Checkin.of(r) for r in q.checkin_rows(db, pilot_id)]

    def stall(self, pilot_id: Ref) -> Stall:
        """Whether the pilot is stalled now, with reasons and the stuck gaps."""
        with self._tx() as db:
            return self._stall(db, q.pilot_row(db, pilot_id, None))

    def _stall(self, db: Session, pilot: PilotRow) -> Stall:
        return q.stall_of(db, pilot, self.clock.now(), self.settings.stall_weeks)

    def trend_points(self, pilot_id: int) -> list[TrendPoint]:
        """Readiness per dimension at registration and at each closed check-in."""
        with self._tx() as db:
            return points_from_rows(q.level_rows(db, pilot_id))

    def summary(self, pilot_id: Ref) -> PilotSummary:
        """One pilot's line in `coach pilots`."""
        with self._tx() as db:
            return self._summary(db, q.pilot_row(db, pilot_id, None))

    def _summary(self, db: Session, row: PilotRow) -> PilotSummary:
        pilot = Pilot.of(row)
        gaps = [PilotGap.of(r) for r in q.gap_rows(db, row.id)]
        counts = {s: sum(1 for g in gaps if g.is_open and g.severity == s) for s in SEVERITIES}
        points = points_from_rows(q.level_rows(db, row.id))
        stall = self._stall(db, row)
        waiting = None if pilot.paused else q.scheduled(db, row.id)  # paused: nothing is coming
        asked = len(q.question_rows(db, row.id, only_open=True))
        now = self.clock.now()
        status, trend = pilot_status(pilot, gaps, asked, stall, now), direction(points)
        weeks, since = since_close(gaps, row.created_at, now)
        return PilotSummary(
            pilot=pilot,
            status=status,
            open_by_severity=counts,
            weeks_since_close=weeks,
            trend=trend,
            sparkline=sparkline([_avg(p) for p in points]),
            next_due=waiting.due_at if waiting else None,
            stall_reasons=stall.reasons,
            since_close=since,
            headline=headline(status, trend, stall.reasons),
            open_questions=asked,
        )

    def list_pilots(self, owner: str | None = None) -> list[PilotSummary]:
        """Every pilot (of one owner, if given) with status, open gaps, weeks, trend."""
        query = select(PilotRow).order_by(PilotRow.id)
        if owner is not None:
            query = query.filter_by(owner=owner)
        with self._tx() as db:
            return [self._summary(db, row) for row in db.scalars(query)]

    def detail(self, pilot_id: Ref, owner: str | None = None) -> dict[str, Any]:
        """Pilot, gaps, check-in history, trend and stall reasons, JSON-ready (named by public ids)."""
        with self._tx() as db:
            row = q.pilot_row(db, pilot_id, owner)
            summary = self._summary(db, row)
            gaps = [gap_dict(PilotGap.of(r)) for r in q.gap_rows(db, row.id)]
            history = [checkin_dict(Checkin.of(c), row.public_id) for c in q.checkin_rows(db, row.id)]
            questions = [question_dict(PilotQuestion.of(r)) for r in q.question_rows(db, row.id)]
            points = points_from_rows(q.level_rows(db, row.id))
        dims = [d.id for d in self.rubric.dimensions]
        return {
            "pilot": pilot_dict(summary.pilot),
            "summary": summary.to_dict(),
            "gaps": gaps,
            "questions": questions,
            "checkins": history,
            "trend": trend_dict(points, dims),
        }

    def trend(self, pilot_id: Ref, owner: str | None = None) -> dict[str, object]:
        """Readiness level per dimension at each check-in, JSON-ready."""
        pilot = self.pilot(pilot_id, owner)
        return trend_dict(self.trend_points(pilot.id), [d.id for d in self.rubric.dimensions])

    def escalations(self, pilot_id: Ref, owner: str | None = None) -> list[dict[str, object]]:
        """Every escalation of a pilot, oldest first, JSON-ready."""
        pilot = self.pilot(pilot_id, owner)
        return Escalations(self.engine, self.settings).history(pilot.id)

    def find_by_thread(self, channel: str, thread_ts: str) -> tuple[Pilot, int] | None:
        """The pilot and check-in whose Slack message started this thread, if any."""
        query = select(CheckinRow).filter_by(message_channel=channel, message_ts=thread_ts)
        with self._tx() as db:
            found = db.scalars(query).first()
            if found is None:
                return None
            return Pilot.of(q.pilot_row(db, found.pilot_id, None)), found.id


def _avg(point: TrendPoint) -> float:
    return sum(point.levels.values()) / len(point.levels) if point.levels else 0.0


def _weeks(n: int) -> str:
    return f"{n} week{'s' if n != 1 else ''}"


def since_close(gaps: list[PilotGap], created_at: Any, now: Any) -> tuple[int | None, str]:
    """Whole weeks since a gap last closed, in words too; None when none has closed yet."""
    closed = [g.closed_at for g in gaps if g.closed_at is not None]
    if not closed:
        return None, f"none closed yet (followed for {_weeks(weeks_between(created_at, now))})"
    weeks = weeks_between(max(closed), now)
    return weeks, "this week" if weeks == 0 else f"{_weeks(weeks)} ago"


def pilot_status(pilot: Pilot, gaps: list[PilotGap], questions: int, stall: Stall, now: Any) -> str:
    """paused, snoozed, done (no open gaps or questions), stalled or active."""
    if pilot.paused:
        return "paused"
    if pilot.snoozed_until is not None and pilot.snoozed_until > now:
        return "snoozed"
    if not any(g.is_open for g in gaps) and not questions:
        return "done"
    return "stalled" if stall.stalled else "active"
