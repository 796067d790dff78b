"""Escalations: at most one per pilot per check-in cycle, claimed under a lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.checkins.records import Pilot, Stall
from bot.checkins.tables import CheckinRow, EscalationRow
from bot.lease import Lease
from bot.store.base import StoreBase

CYCLE_STATUSES = ("sent", "answered", "missed")


@dataclass(frozen=True)
class Claimed:
    """An escalation this worker holds: its id and text."""

    id: int
    text: str


class Escalations(StoreBase):
    """The escalations table: claim this cycle's, mark it sent, list a pilot's history."""

    def current_cycle(self, pilot_id: int) -> int | None:
        """The latest check-in that went out: escalations are keyed on it."""
        query = select(CheckinRow.id).where(CheckinRow.pilot_id == pilot_id, CheckinRow.status.in_(CYCLE_STATUSES))
        with self._tx() as s:
            return s.scalars(query.order_by(CheckinRow.due_at.desc())).first()

    def claim(self, pilot: Pilot, stall: Stall, text: str, now: datetime, worker: str, lease: Lease) -> Claimed | None:
        """Create-and-hold this cycle's escalation, or take over one whose lease expired."""
        cycle = self.current_cycle(pilot.id)
        if cycle is None:
            return None  # nothing has been asked yet
        row = EscalationRow(
            pilot_id=pilot.id,
            checkin_id=cycle,
            reasons=list(stall.reasons),
            gaps=[g.dimension for g in stall.gaps],
            text=text,
            claimed_by=worker,
            claimed_until=lease.until(now),
            created_at=now,
        )
        try:
            with self._tx() as s:
                s.add(row)
                s.flush()
                return Claimed(row.id, text)
        except IntegrityError:
            return self._take_over(pilot.id, cycle, now, worker, lease)

    def _take_over(self, pilot_id: int, cycle: int, now: datetime, worker: str, lease: Lease) -> Claimed | None:
        """Claim a pending escalation whose worker's lease ran out."""
        with self._tx() as s:
            esc = s.scalars(select(EscalationRow).filter_by(pilot_id=pilot_id, checkin_id=cycle)).first()
            if esc is None or esc.status != "pending":
                return None
            free = lease.free(EscalationRow.claimed_until, now)
            won = lease.take(s, EscalationRow, [EscalationRow.id == esc.id, EscalationRow.status == "pending", free],
                             claimed_by=worker, claimed_until=lease.until(now))  # fmt: skip
            return Claimed(esc.id, esc.text) if won else None

    def mark_sent(self, esc_id: int, worker: str, now: datetime) -> None:
        """The escalation went out: release the lease."""
        with self._tx() as s:
            s.execute(
                update(EscalationRow)
                .where(EscalationRow.id == esc_id, EscalationRow.claimed_by == worker)
                .values(status="sent", sent_at=now, claimed_until=None)
            )

    def history(self, pilot_id: int) -> list[dict[str, object]]:
        """Every escalation of a pilot, oldest first, JSON-ready."""
        query = select(EscalationRow).filter_by(pilot_id=pilot_id).order_by(EscalationRow.id)
        with self._tx() as s:
            return [
                {  # no integer keys: the API shows only public ids
                    "created_at": e.created_at.isoformat(),
                    "reasons": e.reasons,
                    "gaps": e.gaps,
                    "status": e.status,
                    "text": e.text,
                    "sent_at": e.sent_at.isoformat() if e.sent_at else None,
                }
                for e in s.scalars(query)
            ]
