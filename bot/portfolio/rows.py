"""Bulk reads for the portfolio: every pilot of an owner with its gaps, trend, check-ins, report
verdict and latest review, in a few queries whatever the number of pilots (the trends from a cache
checked against the database: bot.portfolio.trends).

Each pilot's rows are kept as read (`Inputs`, plain tuples): they are the key under which its line is
cached (bot.portfolio.cache), and become records (`PilotData`) only when the line must be built."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session

from bot.checkins.queries import CLOSED_CHECKINS
from bot.checkins.records import Pilot, PilotGap
from bot.checkins.stall import ClosedCheckin
from bot.checkins.tables import CheckinRow, PilotGapRow, PilotQuestionRow, PilotRow
from bot.gate.queries import gate_summaries
from bot.portfolio.trends import EMPTY, Trend, TrendCache
from bot.store.tables import AssessmentRow


@dataclass
class PilotData:
    """What the portfolio knows of one pilot after the bulk reads."""

    pilot: Pilot
    gaps: list[PilotGap] = field(default_factory=list)
    trend: Trend = EMPTY
    closed: list[ClosedCheckin] = field(default_factory=list)
    verdict: str | None = None
    agentic: bool = False
    gate: dict[str, Any] | None = None
    open_questions: int = 0  # still asked at each check-in: a pilot with any is not done


# what a line is built from, and nothing more: no gap evidence or update time, no pilot's people (the
# portfolio never shows them; each unread datetime or JSON value is a conversion saved per row)
GAP_COLUMNS = (PilotGapRow.pilot_id, PilotGapRow.id, PilotGapRow.dimension, PilotGapRow.title, PilotGapRow.severity,
               PilotGapRow.status, PilotGapRow.closed_at, PilotGapRow.target_date)  # fmt: skip
# plain columns, not PilotRow objects: no ORM identity map, and one join for the assessment's public id,
# verdict and agentic flag instead of PilotRow's per-row subquery and a second query
PILOT_COLUMNS = (PilotRow.id, PilotRow.owner, PilotRow.name, PilotRow.business_owner, PilotRow.sponsor,
                 literal(None), PilotRow.channel, PilotRow.timezone, PilotRow.cron, PilotRow.paused,
                 PilotRow.snoozed_until, PilotRow.skip_next, PilotRow.assessment_id, PilotRow.created_at,
                 PilotRow.public_id, AssessmentRow.public_id, AssessmentRow.verdict,
                 AssessmentRow.report["agentic"].as_boolean())  # fmt: skip


@dataclass
class Inputs:
    """One pilot's rows as read: everything its portfolio line is built from (see `key`)."""

    pilot: tuple[Any, ...]  # PILOT_COLUMNS
    gaps: list[tuple[Any, ...]] = field(default_factory=list)  # GAP_COLUMNS without pilot_id, by id
    closed: list[tuple[int, str]] = field(default_factory=list)  # closed check-ins (id, status), by due time
    open_questions: int = 0
    gate: dict[str, Any] | None = None
    trend: Trend = EMPTY

    @property
    def id(self) -> int:
        return int(self.pilot[0])

    @property
    def public_id(self) -> str:
        return str(self.pilot[14])

    @property
    def created_at(self) -> datetime:
        return self.pilot[13]  # type: ignore[no-any-return]

    @property
    def snoozed_until(self) -> datetime | None:
        return self.pilot[10]  # type: ignore[no-any-return]

    def last_close(self) -> datetime:
        """When a gap last closed, or when following began (as bot.checkins.stall.last_close)."""
        return max((g[5] for g in self.gaps if g[5] is not None), default=self.created_at)

    def key(self) -> tuple[Any, ...]:
        """Every value read for this pilot, compared with == (the trend: by identity first, as tuples
        compare their items, and the trend cache hands out one object per unchanged set of level rows)."""
        return (self.pilot, self.gaps, self.closed, self.open_questions, self.gate, self.trend)

    def data(self) -> PilotData:
        """The records the check-ins' rules take."""
        statuses = self.trend.statuses
        return PilotData(
            pilot=_pilot(self.pilot),
            gaps=[_gap(g) for g in self.gaps],
            trend=self.trend,
            closed=[ClosedCheckin(cid, status, statuses.get(cid, {})) for cid, status in self.closed],
            verdict=self.pilot[16],
            agentic=bool(self.pilot[17]),
            gate=self.gate,
            open_questions=self.open_questions,
        )


def _pilot(row: tuple[Any, ...]) -> Pilot:
    """A pilot record from PILOT_COLUMNS (as Pilot.of copies a PilotRow)."""
    (pid, owner, name, business_owner, sponsor, people, channel, timezone, cron, paused, snoozed_until, skip_next,
     assessment_id, created_at, public_id, assessment_public_id, _, _) = row  # fmt: skip
    return Pilot(id=pid, owner=owner, name=name, business_owner=business_owner or None, sponsor=sponsor,
                 people=list(people or []), channel=channel, timezone=timezone, cron=cron, paused=bool(paused),
                 snoozed_until=snoozed_until, skip_next=bool(skip_next), assessment_id=assessment_id,
                 created_at=created_at, public_id=public_id, assessment_public_id=assessment_public_id)  # fmt: skip


def _gap(row: tuple[Any, ...]) -> PilotGap:
    """A gap without its evidence (the portfolio never shows quotes) nor its update time (no rule reads it)."""
    gid, dimension, title, severity, status, closed_at, target_date = row
    return PilotGap(id=gid, dimension=dimension, title=title, severity=severity, status=status, evidence=[],
                    updated_at=closed_at, closed_at=closed_at, target_date=target_date)  # fmt: skip


def _ids(owner: str | None) -> Select[Any]:
    query = select(PilotRow.id)
    return query if owner is None else query.where(PilotRow.owner == owner)


def load(db: Session, owner: str | None, trends: TrendCache) -> list[Inputs]:
    """Every pilot of `owner` (all pilots when None), oldest first, with everything the portfolio shows."""
    query = select(*PILOT_COLUMNS).outerjoin(AssessmentRow, AssessmentRow.id == PilotRow.assessment_id)
    query = query if owner is None else query.where(PilotRow.owner == owner)
    found = {row[0]: Inputs(tuple(row)) for row in db.execute(query.order_by(PilotRow.id))}
    if not found:
        return []
    ids = _ids(owner)
    gaps: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for pid, *gap in db.execute(select(*GAP_COLUMNS).where(PilotGapRow.pilot_id.in_(ids)).order_by(PilotGapRow.id)):
        gaps[pid].append(tuple(gap))
    checkins = select(CheckinRow.pilot_id, CheckinRow.id, CheckinRow.status).where(CheckinRow.pilot_id.in_(ids))
    closed = checkins.where(CheckinRow.status.in_(CLOSED_CHECKINS)).order_by(CheckinRow.pilot_id, CheckinRow.due_at)
    for pid, cid, status in db.execute(closed):
        found[pid].closed.append((cid, status))
    asked = select(PilotQuestionRow.pilot_id, func.count()).where(PilotQuestionRow.pilot_id.in_(ids))
    for pid, n in db.execute(asked.where(PilotQuestionRow.status == "open").group_by(PilotQuestionRow.pilot_id)):
        found[pid].open_questions = int(n)
    for pid, gate in gate_summaries(db, ids).items():
        found[pid].gate = gate
    for pid, trend in trends.trends(db, {pid: i.public_id for pid, i in found.items()}, ids).items():
        found[pid].trend = trend
    for pid, inputs in found.items():
        inputs.gaps = gaps.get(pid, [])
    return list(found.values())
