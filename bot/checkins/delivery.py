"""Write-ahead delivery: record the intent, post, record the message; recover by looking up."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.checkins.notify import MessageRef, Notifier, Outgoing
from bot.checkins.reads import CheckinReads
from bot.checkins.records import Pilot
from bot.checkins.tables import DeliveryRow
from bot.store.base import StoreBase


class Delivery(StoreBase):
    """Posts each idempotency key at most once as far as the database and notifier can tell."""

    def __init__(self, checkins: CheckinReads, notifier: Notifier, worker: str) -> None:
        super().__init__(checkins.engine, checkins.settings)
        self.clock = checkins.clock
        self.notifier = notifier
        self.worker = worker

    def send(self, pilot: Pilot, message: Outgoing) -> MessageRef:
        """Post under the message's key unless an earlier attempt already did; return where it landed."""
        key = message.key
        state, ref = self._intent(pilot, key)
        if ref is not None:
            return ref  # posted and recorded by an earlier attempt
        if state == "retry":  # an attempt died after deciding to send: did it post?
            ref = self.notifier.find(pilot, key, message.thread_ts)
            if ref is not None:
                self._record(key, ref)
                return ref
        ref = self.notifier.post(pilot, message)
        self._record(key, ref)
        return ref

    def posted(self, key: str) -> MessageRef | None:
        """The recorded message for a key, if it was posted and recorded."""
        with self._tx() as db:
            row = db.get(DeliveryRow, key)
            if row is None or row.status != "posted" or row.channel is None or row.ts is None:
                return None
            return MessageRef(row.channel, row.ts)

    def _intent(self, pilot: Pilot, key: str) -> tuple[str, MessageRef | None]:
        """'new' after writing the intent, 'retry' when an intent was already there."""
        if (ref := self.posted(key)) is not None:
            return "done", ref
        try:
            with self._tx() as db:
                if db.get(DeliveryRow, key) is not None:
                    return "retry", None
                db.add(
                    DeliveryRow(
                        key=key,
                        pilot_id=pilot.id,
                        worker=self.worker,
                        created_at=self.clock.now(),
                    )
                )
            return "new", None
        except IntegrityError:  # another worker wrote the same intent a moment ago
            return "retry", self.posted(key)

    def _record(self, key: str, ref: MessageRef) -> None:
        with self._tx() as db:
            row = db.get(DeliveryRow, key)
            if row is None:
                return
            row.status, row.channel, row.ts = "posted", ref.channel, ref.ts
            row.posted_at = self.clock.now()
