"""Check-in queries inside one transaction: the service and the runner share them (no private calls)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.records import PilotGap, Stall
from bot.checkins.schedule import next_due
from bot.checkins.stall import ClosedCheckin, detect_stall, last_close
from bot.checkins.tables import CheckinRow, DimensionLevelRow, PilotGapRow, PilotQuestionRow, PilotRow
from bot.checkins.trend import TrendPoint, average, points_from_rows
from bot.errors import NotFound
from bot.store.public_ids import Ref, row_by_ref, shown

CLOSED_CHECKINS = ("answered", "missed")


def no_pilot(pilot_id: Ref) -> NotFound:
    """The error for an unknown (or someone else's) pilot."""
    return NotFound(f"No pilot {shown(pilot_id)}: run `coach pilots` to list the pilots you follow.")


def pilot_row(db: Session, pilot_id: Ref, owner: str | None) -> PilotRow:
    """The pilot's row by public id (or internal key); NotFound when missing or (with `owner`) someone else's.

    Callers use `row.id` from here on: `pilot_id` may be the public id."""
    row = row_by_ref(db, PilotRow, pilot_id)
    if row is None or (owner is not None and row.owner != owner):
        raise no_pilot(pilot_id)
    return row


def gap_rows(db: Session, pilot_id: int) -> list[PilotGapRow]:
    """The pilot's gaps, in registration order."""
    query = select(PilotGapRow).filter_by(pilot_id=pilot_id).order_by(PilotGapRow.id)
    return list(db.scalars(query))


def question_rows(db: Session, pilot_id: int, only_open: bool = False) -> list[PilotQuestionRow]:
    """The pilot's questions from the assessment (only the unanswered ones, if asked), in order."""
    query = select(PilotQuestionRow).filter_by(pilot_id=pilot_id)
    if only_open:
        query = query.filter_by(status="open")
    return list(db.scalars(query.order_by(PilotQuestionRow.id)))


def checkin_rows(db: Session, pilot_id: int) -> list[CheckinRow]:
    """The pilot's check-ins, oldest first."""
    query = select(CheckinRow).filter_by(pilot_id=pilot_id).order_by(CheckinRow.due_at)
    return list(db.scalars(query))


def scheduled(db: Session, pilot_id: int) -> CheckinRow | None:
    """The pilot's next check-in still waiting to go out, if any."""
    query = select(CheckinRow).filter_by(pilot_id=pilot_id, status="scheduled")
    return db.scalars(query.order_by(CheckinRow.due_at)).first()


def level_rows(db: Session, pilot_id: int) -> list[DimensionLevelRow]:
    """Every recorded level of the pilot, oldest first: the trend's data."""
    query = select(DimensionLevelRow).filter_by(pilot_id=pilot_id)
    return list(db.scalars(query.order_by(DimensionLevelRow.at, DimensionLevelRow.id)))


def latest_levels(db: Session, pilot_id: int) -> dict[str, int]:
    """Each dimension's latest level."""
    return {row.dimension: row.level for row in level_rows(db, pilot_id)}


def schedule_after(db: Session, pilot: PilotRow, after: datetime) -> CheckinRow:
    """Add the pilot's next scheduled check-in, unless one is already waiting."""
    waiting = scheduled(db, pilot.id)
    if waiting is not None:
        return waiting
    row = CheckinRow(pilot_id=pilot.id, due_at=next_due(pilot.cron, pilot.timezone, after))
    db.add(row)
    db.flush()
    return row


def went_out(db: Session, pilot_id: int, but: int | None = None) -> bool:
    """Whether any check-in (other than `but`) was already sent, answered or missed."""
    went = CheckinRow.status.in_(("sent", "answered", "missed"))
    query = select(CheckinRow.id).where(CheckinRow.pilot_id == pilot_id, went, CheckinRow.id != (but or 0))
    return db.scalars(query.limit(1)).first() is not None


def closed_checkins(db: Session, pilot_id: int) -> list[ClosedCheckin]:
    """Answered or missed check-ins, with each dimension's status at the time."""
    statuses: dict[int | None, dict[str, str]] = {}
    for lv in level_rows(db, pilot_id):
        statuses.setdefault(lv.checkin_id, {})[lv.dimension] = lv.status
    rows = [c for c in checkin_rows(db, pilot_id) if c.status in CLOSED_CHECKINS]
    return [ClosedCheckin(c.id, c.status, statuses.get(c.id, {})) for c in rows]


def stall_of(db: Session, pilot: PilotRow, now: datetime, stall_weeks: int) -> Stall:
    """Whether the pilot is stalled at `now`, with reasons and the stuck gaps."""
    gaps = [PilotGap.of(r) for r in gap_rows(db, pilot.id)]
    closed = closed_checkins(db, pilot.id)
    return detect_stall(gaps, closed, pilot.created_at, now, stall_weeks, rising=rose_since(db, pilot.id, gaps, pilot))


def rose_since(db: Session, pilot_id: int, gaps: list[PilotGap], pilot: PilotRow) -> bool:
    """Whether the average readiness level rose since the last gap closed (or since registration)."""
    return rose(points_from_rows(level_rows(db, pilot_id)), gaps, pilot.created_at)


def rose(points: list[TrendPoint], gaps: list[PilotGap], created_at: datetime) -> bool:
    """Whether the average level rose since the last gap closed (or since `created_at`), from the trend."""
    since = last_close(gaps, created_at)
    before = [p for p in points if p.at <= since] or points[:1]
    return bool(points) and average(points[-1]) > average(before[-1]) + 0.01
