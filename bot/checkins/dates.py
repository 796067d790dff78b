"""A target date in a check-in line: part of the reply format (`2 in progress: ... by 2026-03-20`).

Formats only, like the gap numbers: an ISO date, or a day and a month name either way round
(`20 March`, `Mar 20, 2026`). A date without a year is the next such day from today.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?(?:,?\s+(\d{{4}}))?\b", re.I)
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)


def _make(year: int | None, month: int, day: int, today: date) -> date | None:
    try:
        found = date(year or today.year, month, day)
        if year is None and found < today:
            found = date(today.year + 1, month, day)
    except ValueError:  # 31 April, 29 February in a common year
        return None
    return found


def target_date(text: str, today: date) -> date | None:
    """The first date written in `text`, or None."""
    if m := ISO.search(text):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), today)
    if m := DAY_MONTH.search(text):
        year = int(m.group(3)) if m.group(3) else None
        return _make(year, _MONTHS[m.group(2).lower()], int(m.group(1)), today)
    if m := MONTH_DAY.search(text):
        year = int(m.group(3)) if m.group(3) else None
        return _make(year, _MONTHS[m.group(1).lower()], int(m.group(2)), today)
    return None
