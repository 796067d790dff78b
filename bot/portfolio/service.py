"""The portfolio service: every pilot of one owner with stage, verdict, levels, gaps, stalls and
reviews, plus aggregates; one transaction per call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.checkins.clock import Clock, SystemClock
from bot.config import Settings
from bot.knowledge import Rubric
from bot.portfolio import rows
from bot.portfolio.cache import LineCache
from bot.portfolio.lines import PilotLine, aggregates, matches, to_csv
from bot.portfolio.trends import TrendCache
from bot.store.base import StoreBase


@dataclass(frozen=True)
class Filters:
    """Which pilots to show: business owner or sponsor (part of the name), verdict, stalled or not."""

    owner: str | None = None
    verdict: str | None = None
    stalled: bool | None = None


@dataclass(frozen=True)
class PortfolioView:
    """The pilots shown, the portfolio's aggregates over them, and the rubric's areas in order."""

    pilots: list[PilotLine]
    aggregates: dict[str, Any]
    dimensions: list[dict[str, str]]
    generated_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API and `--json`."""
        return {
            "generated_at": self.generated_at,
            "dimensions": self.dimensions,
            "aggregates": self.aggregates,
            "pilots": [p.to_dict() for p in self.pilots],
        }


class Portfolio(StoreBase):
    """Reads every pilot of an owner at once; the stall rules are the check-ins' own."""

    def __init__(self, engine: Engine, settings: Settings, rubric: Rubric, clock: Clock | None = None) -> None:
        super().__init__(engine, settings)
        self.rubric = rubric
        self.clock: Clock = clock or SystemClock()
        # both checked against the database on every view (bot.portfolio.trends, bot.portfolio.cache)
        self.trends, self.lines = TrendCache(), LineCache()

    def view(self, owner: str | None, filters: Filters | None = None) -> PortfolioView:
        """The portfolio of `owner` (every pilot when None), filtered."""
        f = filters or Filters()
        now = self.clock.now()
        with self._read_tx() as db:  # no write lock: a view never holds up (nor waits for) a commit
            found = rows.load(db, owner, self.trends)
        lines = [self.lines.line(inputs, now, self.settings.stall_weeks) for inputs in found]
        shown = [line for line in lines if matches(line, f.owner, f.verdict, f.stalled)]
        dims = [{"id": d.id, "title": d.title} for d in self.rubric.dimensions]
        agg = aggregates(shown, {i.public_id: i.created_at for i in found}, now)
        return PortfolioView(shown, agg, dims, now.isoformat())

    def csv(self, owner: str | None, filters: Filters | None = None) -> str:
        """The same pilots as CSV, one row each."""
        view = self.view(owner, filters)
        return to_csv(view.pilots, [d["id"] for d in view.dimensions])
