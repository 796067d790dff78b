"""Claims under a lease: the one helper check-ins and the Slack inbox use to decide, across replicas,
which worker holds a row and until when. One conditional UPDATE decides; exactly one caller wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, or_, update
from sqlalchemy.orm import Session

# A claim not released by then is presumed dead. It must outlast the slowest piece of work it guards
# (a turn with its LLM calls and retries, a Slack post with its retries); a dead worker's work is
# retried this long after its claim.
LEASE_MINUTES = 10


@dataclass(frozen=True)
class Lease:
    """How long a claim holds."""

    duration: timedelta = timedelta(minutes=LEASE_MINUTES)

    def until(self, now: datetime) -> datetime:
        """When a claim made at `now` runs out."""
        return now + self.duration

    def free(self, claimed_until: Any, now: datetime) -> ColumnElement[bool]:
        """SQL: a row with a `claimed_until` column nobody holds at `now`."""
        return or_(claimed_until.is_(None), claimed_until < now)

    def expired(self, claimed_at: Any, now: datetime) -> ColumnElement[bool]:
        """SQL: a row with a `claimed_at`-style column claimed longer ago than the lease."""
        result: ColumnElement[bool] = claimed_at < now - self.duration
        return result

    def take(self, db: Session | Connection, table: Any, where: Sequence[ColumnElement[bool]], **values: Any) -> bool:
        """Set `values` on the one row matching `where` (which names the row and says it is free);
        True only for the caller whose UPDATE changed it."""
        result = db.execute(update(table).where(*where).values(**values))
        return int(result.rowcount) == 1  # type: ignore[attr-defined]


LEASE = Lease()
