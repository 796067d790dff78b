"""Each pilot's portfolio line, kept between views and rebuilt when anything it is built from changed.

The key is everything read for the pilot this time (`Inputs.key`: its row, gap rows, closed
check-ins, open questions, review summary and trend), so a change by any writer, on any API replica,
shows at the next view; and what of the clock the line depends on (`clock_key`), so a line that
turns stalled with the passing weeks does so without any write. The reads still happen on every
view; what is saved is building the line (the check-ins' stall rules, status, words, 2,000 gap
records): a quarter of a view's CPU at 500 pilots once the trends are kept (108 -> 80 ms measured).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from bot.checkins.stall import weeks_between
from bot.portfolio.lines import PilotLine, line_of
from bot.portfolio.rows import Inputs

MAX_PILOTS = 20_000  # lines kept (least recently viewed dropped first)


def clock_key(inputs: Inputs, now: datetime) -> tuple[Any, ...]:
    """What of `now` a line depends on, and nothing else. line_of reads the clock only through:
    the day (a target date passed: stall.gap_reason), whole weeks since the last close (the pilot's
    stall rule: stall._pilot_reasons, and reads.since_close), whole weeks since following began
    (since_close with nothing closed) and whether a snooze is still running (reads.pilot_status).
    tests/portfolio/test_cache.py walks a clock over weeks comparing cached lines with fresh ones."""
    snoozed = inputs.snoozed_until
    return (
        now.date(),
        weeks_between(inputs.last_close(), now),
        weeks_between(inputs.created_at, now),
        snoozed is not None and snoozed > now,
    )


class LineCache:
    """Lines by pilot, reused while their key is unchanged; safe across threads."""

    def __init__(self, max_pilots: int = MAX_PILOTS) -> None:
        self._kept: OrderedDict[tuple[int, str], tuple[tuple[Any, ...], PilotLine]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_pilots = max_pilots
        self.built = 0  # lines built (the rest came from the cache): for tests and profiles

    def line(self, inputs: Inputs, now: datetime, stall_weeks: int) -> PilotLine:
        """The pilot's line at `now`: the kept one if nothing it depends on changed, else a fresh one."""
        where, key = (inputs.id, inputs.public_id), (inputs.key(), clock_key(inputs, now), stall_weeks)
        with self._lock:
            kept = self._kept.get(where)
            if kept is not None and kept[0] == key:
                self._kept.move_to_end(where)
                return kept[1]
        line = line_of(inputs.data(), now, stall_weeks)
        with self._lock:
            self._kept[where] = (key, line)
            self._kept.move_to_end(where)
            while len(self._kept) > self.max_pilots:
                self._kept.popitem(last=False)
            self.built += 1
        return line
