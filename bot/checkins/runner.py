"""Sending what is due, exactly once across replicas: claim under a lease, deliver, mark sent."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.checkins import queries as q
from bot.checkins.delivery import Delivery
from bot.checkins.escalations import Escalations
from bot.checkins.messages import checkin_blocks, checkin_text, escalation_text, reminder_text
from bot.checkins.notify import MessageRef, Notifier, Outgoing
from bot.checkins.pilots import Checkins
from bot.checkins.png import trend_png
from bot.checkins.records import Pilot, PilotGap, PilotQuestion, Stall
from bot.checkins.schedule import REMINDER_AFTER_HOURS
from bot.checkins.tables import CheckinRow, DimensionLevelRow, PilotRow
from bot.checkins.trend import TrendPoint, average, points_from_rows, sparkline
from bot.lease import LEASE, Lease
from bot.store.base import StoreBase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueItem:
    """Something to send now: a check-in, a reminder or an escalation."""

    kind: str
    pilot_id: int
    pilot_name: str
    checkin_id: int
    due_at: datetime


@dataclass
class RunReport:
    """What one run did (keys of the messages it delivered or found delivered)."""

    sent: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class Runner(StoreBase):
    """Finds due work and sends it; all state lives in the database, none in the process."""

    def __init__(self, checkins: Checkins, lease: Lease = LEASE) -> None:
        super().__init__(checkins.engine, checkins.settings)
        self.checkins = checkins
        self.clock = checkins.clock
        self.lease = lease
        self.escalations = Escalations(checkins.engine, checkins.settings)

    # --- what is due -------------------------------------------------------------------

    def due(self, now: datetime) -> list[DueItem]:
        """Check-ins and reminders due at `now` (including ones whose worker's lease expired)."""
        free = self.lease.free(CheckinRow.claimed_until, now)
        checkins = and_(CheckinRow.status.in_(("scheduled", "claimed")), CheckinRow.due_at <= now)
        reminders = and_(
            CheckinRow.status == "sent",
            CheckinRow.reminder_sent_at.is_(None),
            CheckinRow.sent_at <= now - timedelta(hours=REMINDER_AFTER_HOURS),
        )
        query = (
            select(CheckinRow, PilotRow)
            .join(PilotRow, PilotRow.id == CheckinRow.pilot_id)
            .where(PilotRow.paused.is_(False), free, or_(checkins, reminders))
            .order_by(CheckinRow.due_at, CheckinRow.id)
        )
        with self._tx() as db:
            return [
                DueItem("reminder" if c.status == "sent" else "checkin", p.id, p.name, c.id, c.due_at)
                for c, p in db.execute(query).all()
            ]

    def stalled(self) -> list[tuple[Pilot, Stall]]:
        """Active pilots that are stalled now, with their reasons."""
        with self._tx() as db:
            rows = db.scalars(select(PilotRow).where(PilotRow.paused.is_(False)))
            found = [(Pilot.of(r), q.stall_of(db, r, self.clock.now(), self.settings.stall_weeks)) for r in rows]
        return [(p, s) for p, s in found if s.stalled]

    # --- sending -----------------------------------------------------------------------

    def run_due(self, now: datetime, notifier: Notifier, worker_id: str) -> RunReport:
        """Send every due check-in and reminder, then escalate stalled pilots; once each."""
        report = RunReport()
        delivery = Delivery(self.checkins, notifier, worker_id)
        for item in self.due(now):
            send = self._checkin if item.kind == "checkin" else self._reminder
            self._guard(report, f"{item.kind}:{item.checkin_id}", send, item, now, delivery)
        for pilot, stall in self.stalled():
            self._guard(report, f"escalation:{pilot.id}", self._escalate, pilot, stall, now, delivery)
        return report

    def _guard(self, report: RunReport, what: str, fn: Any, *args: Any) -> None:
        """One failure (a Slack error, a missing channel) must not stop the other pilots."""
        try:
            fn(*args, report)
        except Exception as exc:  # the lease expires and a later run retries
            log.warning("check-in job %s failed, will retry after the lease: %s", what, exc)
            report.failed.append(f"{what}: {exc}")

    def claim(self, checkin_id: int, now: datetime, worker_id: str, status: str) -> bool:
        """Take a check-in under a lease; only one worker's conditional UPDATE can win."""
        free = self.lease.free(CheckinRow.claimed_until, now)
        from_status = ("scheduled", "claimed") if status == "claimed" else (status,)
        where = [CheckinRow.id == checkin_id, CheckinRow.status.in_(from_status), free]
        values = {"claimed_by": worker_id, "claimed_until": self.lease.until(now), "attempts": CheckinRow.attempts + 1}
        if status == "claimed":
            values["status"] = "claimed"
        with self._tx() as db:
            return self.lease.take(db, CheckinRow, where, **values)

    def _checkin(self, item: DueItem, now: datetime, delivery: Delivery, rep: RunReport) -> None:
        if not self.claim(item.checkin_id, now, delivery.worker, "claimed"):
            return  # another worker has it
        pilot, gaps, questions, points, first = self._prepare(item)
        if pilot.skip_next or not (any(g.is_open for g in gaps) or questions):
            self._skip(item, pilot, now, delivery.worker)
            rep.skipped.append(item.checkin_id)
            return
        text = checkin_text(pilot, gaps, sparkline([average(p) for p in points]), questions, first)
        key = f"checkin:{item.checkin_id}"
        image = trend_png(points, [d.id for d in self.checkins.rubric.dimensions])
        ref = delivery.send(pilot, Outgoing(key, text, checkin_blocks(text), image=image))
        if self._mark_sent(item, pilot, ref, now, delivery.worker):
            rep.sent.append(key)
        else:
            rep.lost.append(item.checkin_id)

    def _prepare(self, item: DueItem) -> tuple[Pilot, list[PilotGap], list[PilotQuestion], list[TrendPoint], bool]:
        """The pilot, its gaps and open questions, its trend, and whether this is its first check-in."""
        with self._tx() as db:
            pilot = Pilot.of(q.pilot_row(db, item.pilot_id, None))
            gaps = [PilotGap.of(g) for g in q.gap_rows(db, item.pilot_id)]
            questions = [PilotQuestion.of(r) for r in q.question_rows(db, item.pilot_id, only_open=True)]
            points = points_from_rows(q.level_rows(db, item.pilot_id))
            first = not q.went_out(db, item.pilot_id, but=item.checkin_id)
        return pilot, gaps, questions, points, first

    def _skip(self, item: DueItem, pilot: Pilot, now: datetime, worker: str) -> None:
        """Record a skipped check-in (skip-next, or nothing left open) and schedule the next."""
        with self._tx() as db:
            row = db.get(CheckinRow, item.checkin_id)
            prow = q.pilot_row(db, item.pilot_id, None)
            if row is None or row.claimed_by != worker:
                return
            row.status, row.claimed_until = "skipped", None
            row.note = "skipped on request" if prow.skip_next else "no open gaps"
            if prow.skip_next:
                prow.skip_next = False
                q.schedule_after(db, prow, max(row.due_at, now))

    def _mark_sent(self, item: DueItem, pilot: Pilot, ref: MessageRef, now: datetime, worker: str) -> bool:
        """Mark sent (only if our lease still holds), close last week's, schedule the next."""
        with self._tx() as db:
            stmt = (
                update(CheckinRow)
                .where(
                    CheckinRow.id == item.checkin_id,
                    CheckinRow.claimed_by == worker,
                    CheckinRow.status == "claimed",
                )
                .values(
                    status="sent",
                    sent_at=now,
                    claimed_until=None,
                    message_channel=ref.channel,
                    message_ts=ref.ts,
                )
            )
            if db.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
                return False
            self._close_unanswered(db, item)
            prow = q.pilot_row(db, item.pilot_id, None)
            q.schedule_after(db, prow, max(item.due_at, now))
            return True

    def _close_unanswered(self, db: Session, item: DueItem) -> None:
        """Earlier check-ins still unanswered become missed; levels and each gap's last reported
        state carry forward (a missed check-in changes no gap's state)."""
        query = select(CheckinRow).where(
            CheckinRow.pilot_id == item.pilot_id,
            CheckinRow.status == "sent",
            CheckinRow.id != item.checkin_id,
        )
        states = {g.dimension: g.status for g in q.gap_rows(db, item.pilot_id)}
        for old in db.scalars(query):
            old.status = "missed"
            latest = {r.dimension: r for r in q.level_rows(db, item.pilot_id)}
            for dim, lv in latest.items():
                status = states.get(dim, lv.status)
                db.add(
                    DimensionLevelRow(
                        pilot_id=item.pilot_id,
                        checkin_id=old.id,
                        dimension=dim,
                        level=lv.level,
                        status=status,
                        at=old.due_at,
                    )
                )

    def _reminder(self, item: DueItem, now: datetime, delivery: Delivery, rep: RunReport) -> None:
        if not self.claim(item.checkin_id, now, delivery.worker, "sent"):
            return
        with self._tx() as db:
            row = db.get(CheckinRow, item.checkin_id)
            thread = row.message_ts if row else None
        pilot = self.checkins.pilot(item.pilot_id)
        key = f"reminder:{item.checkin_id}"
        ref = delivery.send(pilot, Outgoing(key, reminder_text(pilot), thread_ts=thread))
        with self._tx() as db:
            stmt = (
                update(CheckinRow)
                .where(CheckinRow.id == item.checkin_id, CheckinRow.claimed_by == delivery.worker)
                .values(reminder_sent_at=now, reminder_ts=ref.ts, claimed_until=None)
            )
            db.execute(stmt)
        rep.sent.append(key)

    def _escalate(self, pilot: Pilot, stall: Stall, now: datetime, delivery: Delivery, rep: RunReport) -> None:
        """One escalation per pilot per check-in cycle, claimed like a check-in."""
        text = escalation_text(pilot, stall, self.checkins.rubric)
        held = self.escalations.claim(pilot, stall, text, now, delivery.worker, self.lease)
        if held is None:
            return
        key = f"escalation:{held.id}"
        delivery.send(pilot, Outgoing(key, held.text))
        self.escalations.mark_sent(held.id, delivery.worker, now)
        rep.sent.append(key)
