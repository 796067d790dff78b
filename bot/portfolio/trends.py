"""Each pilot's trend (points, latest levels, each check-in's recorded gap states), kept between
portfolio views and checked against the database on every view.

The level rows are most of what the portfolio reads (a level per area at registration and at every
closed check-in: 21,000 rows at 500 pilots with six weeks each), and the trend built from them
changes only when they do. So each view asks the database for a small marker per pilot (a GROUP BY
over the level rows: count, largest id, latest time, sum of levels) and rebuilds the trend of the
pilots whose marker moved. The marker comes from the database, so several API replicas each keep
their own copy and none serves another's stale one.

Why the marker is enough: level rows are only inserted and deleted (a check-in's points are replaced
by a delete and new rows, never updated in place). On PostgreSQL ids come from a sequence and are
never reused, so any insert raises the largest id and any delete lowers the count. On SQLite a
deleted largest rowid can be reused; the replacing rows then carry the time of the new answer, so
the latest time moves (and, with a frozen test clock, the sum of levels usually does).
The pilot's public id is part of the key, so a deleted pilot's reused rowid never inherits its trend.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from bot.checkins.tables import DimensionLevelRow as Level
from bot.checkins.trend import TrendPoint, direction, points_from_rows

LEVEL_COLUMNS = (Level.pilot_id, Level.checkin_id, Level.dimension, Level.level, Level.status, Level.at)
# the latest time as stored (compared, never read as a time: no conversion per pilot)
MARKER = (func.count(), func.max(Level.id), type_coerce(func.max(Level.at), String), func.sum(Level.level))
MAX_PILOTS = 20_000  # trends kept (least recently viewed dropped first): a few KB each


@dataclass(frozen=True)
class Trend:
    """What the portfolio shows of a pilot's level rows, built once per change of them."""

    points: list[TrendPoint]
    statuses: dict[int | None, dict[str, str]]  # check-in id -> each area's gap state recorded then
    levels: dict[str, int]  # the latest level per area
    line: dict[str, Any]  # direction, and each point's time and average level: the trend line

    @classmethod
    def of(cls, rows: Iterable[Any]) -> Trend:
        """Build from level rows in (time, id) order, with the columns of LEVEL_COLUMNS."""
        rows = list(rows)
        statuses: dict[int | None, dict[str, str]] = defaultdict(dict)
        for _, cid, dim, _, status, _ in rows:  # unpacking a row is ~3x faster than reading it by name
            statuses[cid][dim] = status
        points = points_from_rows(rows)
        line = {
            "direction": direction(points),
            "at": [p.at.isoformat() for p in points],
            "average": [round(_mean(p.levels.values()), 2) for p in points],
        }
        return cls(points, dict(statuses), dict(points[-1].levels) if points else {}, line)


EMPTY = Trend.of([])


class TrendCache:
    """Trends by pilot, valid while the pilot's level marker is unchanged; safe across threads."""

    def __init__(self, max_pilots: int = MAX_PILOTS) -> None:
        self._kept: OrderedDict[tuple[int, str], tuple[tuple[Any, ...] | None, Trend]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_pilots = max_pilots
        self.rebuilt = 0  # trends built from rows (the rest came from the cache): for tests and profiles

    def trends(self, db: Session, pilots: dict[int, str], ids: Select[Any]) -> dict[int, Trend]:
        """Each pilot's trend (`pilots`: internal id -> public id; `ids`: a query selecting the same ids),
        reading only the level rows that changed."""
        markers = _markers(db, ids)
        found: dict[int, Trend] = {}
        with self._lock:
            for pid, public in pilots.items():
                kept = self._kept.get((pid, public))
                if kept is not None and kept[0] == markers.get(pid):
                    self._kept.move_to_end((pid, public))
                    found[pid] = kept[1]
        stale = [pid for pid in pilots if pid not in found]
        fresh = _build(db, ids if len(stale) == len(pilots) else stale) if stale else {}
        with self._lock:
            for pid in stale:
                found[pid] = fresh.get(pid, EMPTY)
                self._kept[(pid, pilots[pid])] = (markers.get(pid), found[pid])
                self._kept.move_to_end((pid, pilots[pid]))
            while len(self._kept) > self.max_pilots:
                self._kept.popitem(last=False)
            self.rebuilt += len(stale)
        return found


def _markers(db: Session, ids: Select[Any]) -> dict[int, tuple[Any, ...]]:
    """Per pilot: count, largest id, latest time and sum of its level rows (one GROUP BY)."""
    query = select(Level.pilot_id, *MARKER).where(Level.pilot_id.in_(ids)).group_by(Level.pilot_id)
    return {pid: tuple(rest) for pid, *rest in db.execute(query)}


def _build(db: Session, pilots: list[int] | Select[Any]) -> dict[int, Trend]:
    """The trends of these pilots from their level rows (plain rows: ~10x faster than ORM objects)."""
    rows: dict[int, list[Any]] = defaultdict(list)
    query = select(*LEVEL_COLUMNS).where(Level.pilot_id.in_(pilots))
    for row in db.execute(query.order_by(Level.pilot_id, Level.at, Level.id)):
        rows[row[0]].append(row)
    return {pid: Trend.of(found) for pid, found in rows.items()}


def _mean(values: Any) -> float:
    """The same mean as the trend's (statistics.mean is ~20x slower on a few small ints)."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0
