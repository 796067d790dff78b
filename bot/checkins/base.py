"""The check-in service's foundation: engine, one-transaction helper, shared queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.checkins.clock import Clock, SystemClock
from bot.checkins.records import Checkin, Pilot, PilotGap, Stall
from bot.checkins.schedule import next_due
from bot.checkins.stall import ClosedCheckin, detect_stall
from bot.checkins.tables import CheckinRow, DimensionLevelRow, PilotGapRow, PilotRow
from bot.config import Settings
from bot.errors import NotFound
from bot.knowledge import Rubric
from bot.store.db import unreachable

CLOSED_CHECKINS = ("answered", "missed")


def no_pilot(pilot_id: int) -> NotFound:
    """The error for an unknown (or someone else's) pilot."""
    return NotFound(f"No pilot {pilot_id}: run `coach pilots` to list the pilots you follow.")


class CheckinDB:
    """Engine, settings, rubric and clock; each public method runs in one short transaction."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        rubric: Rubric,
        clock: Clock | None = None,
        store: Any = None,
        judge: Any = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.rubric = rubric
        self.clock: Clock = clock or SystemClock()
        self.store = store  # the coach's Store: source assessments
        self.judge = judge  # the coach's Engine: re-reads new evidence
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """One short transaction; a lost connection becomes ServiceUnavailable."""
        try:
            with self._sessions.begin() as db:
                yield db
        except OperationalError as exc:
            raise unreachable(self.engine.url, exc) from exc

    # --- shared reads (inside a transaction) -----------------------------------------

    def _pilot_row(self, db: Session, pilot_id: int, owner: str | None) -> PilotRow:
        row = db.get(PilotRow, pilot_id)
        if row is None or (owner is not None and row.owner != owner):
            raise no_pilot(pilot_id)
        return row

    def _gap_rows(self, db: Session, pilot_id: int) -> list[PilotGapRow]:
        query = select(PilotGapRow).filter_by(pilot_id=pilot_id).order_by(PilotGapRow.id)
        return list(db.scalars(query))

    def _checkin_rows(self, db: Session, pilot_id: int) -> list[CheckinRow]:
        query = select(CheckinRow).filter_by(pilot_id=pilot_id).order_by(CheckinRow.due_at)
        return list(db.scalars(query))

    def _scheduled(self, db: Session, pilot_id: int) -> CheckinRow | None:
        query = select(CheckinRow).filter_by(pilot_id=pilot_id, status="scheduled")
        return db.scalars(query.order_by(CheckinRow.due_at)).first()

    def _level_rows(self, db: Session, pilot_id: int) -> list[DimensionLevelRow]:
        query = select(DimensionLevelRow).filter_by(pilot_id=pilot_id)
        return list(db.scalars(query.order_by(DimensionLevelRow.at, DimensionLevelRow.id)))

    def _schedule_after(self, db: Session, pilot: PilotRow, after: datetime) -> CheckinRow:
        """Add the pilot's next scheduled check-in, unless one is already waiting."""
        waiting = self._scheduled(db, pilot.id)
        if waiting is not None:
            return waiting
        row = CheckinRow(pilot_id=pilot.id, due_at=next_due(pilot.cron, pilot.timezone, after))
        db.add(row)
        db.flush()
        return row

    def _latest_levels(self, db: Session, pilot_id: int) -> dict[str, int]:
        levels: dict[str, int] = {}
        for row in self._level_rows(db, pilot_id):
            levels[row.dimension] = row.level
        return levels

    # --- shared reads (public) ---------------------------------------------------------

    def pilot(self, pilot_id: int, owner: str | None = None) -> Pilot:
        """One pilot, or NotFound when it is missing or belongs to another owner."""
        with self.tx() as db:
            return Pilot.of(self._pilot_row(db, pilot_id, owner))

    def gaps(self, pilot_id: int) -> list[PilotGap]:
        """The pilot's gaps, in registration order."""
        with self.tx() as db:
            return [PilotGap.of(r) for r in self._gap_rows(db, pilot_id)]

    def checkins(self, pilot_id: int) -> list[Checkin]:
        """Every check-in of the pilot, oldest first."""
        with self.tx() as db:
            return [Checkin.of(r) for r in self._checkin_rows(db, pilot_id)]

    def stall(self, pilot_id: int) -> Stall:
        """Whether the pilot is stalled now, with reasons and the stuck gaps."""
        with self.tx() as db:
            return self._stall(db, self._pilot_row(db, pilot_id, None))

    def _stall(self, db: Session, pilot: PilotRow) -> Stall:
        gaps = [PilotGap.of(r) for r in self._gap_rows(db, pilot.id)]
        return detect_stall(
            gaps,
            self._closed(db, pilot.id),
            pilot.created_at,
            self.clock.now(),
            self.settings.stall_weeks,
        )

    def _closed(self, db: Session, pilot_id: int) -> list[ClosedCheckin]:
        statuses: dict[int | None, dict[str, str]] = {}
        for lv in self._level_rows(db, pilot_id):
            statuses.setdefault(lv.checkin_id, {})[lv.dimension] = lv.status
        rows = [c for c in self._checkin_rows(db, pilot_id) if c.status in CLOSED_CHECKINS]
        return [ClosedCheckin(c.id, c.status, statuses.get(c.id, {})) for c in rows]
