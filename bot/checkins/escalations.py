"""Escalations: at most one per pilot per check-in cycle, claimed under a lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.checkins.base import CheckinDB
from bot.checkins.records import Pilot, Stall
from bot.checkins.tables import CheckinRow, EscalationRow

CYCLE_STATUSES = ("sent", "answered", "missed")


@dataclass(frozen=True)
class Claimed:
    """An escalation this worker holds: its id and text."""

    id: int
    text: str


def current_cycle(db: CheckinDB, pilot_id: int) -> int | None:
    """The latest check-in that went out: escalations are keyed on it."""
    query = select(CheckinRow.id).where(CheckinRow.pilot_id == pilot_id, CheckinRow.status.in_(CYCLE_STATUSES))
    with db.tx() as s:
        return s.scalars(query.order_by(CheckinRow.due_at.desc())).first()


def claim_escalation(
    db: CheckinDB,
    pilot: Pilot,
    stall: Stall,
    text: str,
    now: datetime,
    worker: str,
    lease: timedelta,
) -> Claimed | None:
    """Create-and-hold this cycle's escalation, or take over one whose lease expired."""
    cycle = current_cycle(db, pilot.id)
    if cycle is None:
        return None  # nothing has been asked yet
    row = EscalationRow(
        pilot_id=pilot.id,
        checkin_id=cycle,
        reasons=list(stall.reasons),
        gaps=[g.dimension for g in stall.gaps],
        text=text,
        claimed_by=worker,
        claimed_until=now + lease,
        created_at=now,
    )
    try:
        with db.tx() as s:
            s.add(row)
            s.flush()
            return Claimed(row.id, text)
    except IntegrityError:
        return _take_over(db, pilot.id, cycle, now, worker, lease)


def _take_over(
    db: CheckinDB, pilot_id: int, cycle: int, now: datetime, worker: str, lease: timedelta
) -> Claimed | None:
    """Claim a pending escalation whose worker's lease ran out."""
    with db.tx() as s:
        found = s.scalars(select(EscalationRow).filter_by(pilot_id=pilot_id, checkin_id=cycle))
        esc = found.first()
        if esc is None or esc.status != "pending":
            return None
        stmt = (
            update(EscalationRow)
            .where(
                EscalationRow.id == esc.id,
                EscalationRow.status == "pending",
                or_(EscalationRow.claimed_until.is_(None), EscalationRow.claimed_until < now),
            )
            .values(claimed_by=worker, claimed_until=now + lease)
        )
        won = s.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
        return Claimed(esc.id, esc.text) if won else None


def mark_escalated(db: CheckinDB, esc_id: int, worker: str, now: datetime) -> None:
    """The escalation went out: release the lease."""
    with db.tx() as s:
        s.execute(
            update(EscalationRow)
            .where(EscalationRow.id == esc_id, EscalationRow.claimed_by == worker)
            .values(status="sent", sent_at=now, claimed_until=None)
        )


def escalation_history(db: CheckinDB, pilot_id: int) -> list[dict[str, object]]:
    """Every escalation of a pilot, oldest first, JSON-ready."""
    query = select(EscalationRow).filter_by(pilot_id=pilot_id).order_by(EscalationRow.id)
    with db.tx() as s:
        return [
            {
                "id": e.id,
                "checkin_id": e.checkin_id,
                "reasons": e.reasons,
                "gaps": e.gaps,
                "status": e.status,
                "text": e.text,
                "sent_at": e.sent_at.isoformat() if e.sent_at else None,
            }
            for e in s.scalars(query)
        ]
