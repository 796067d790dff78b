"""Schedules: Monday 09:00 in the pilot's zone, across daylight-saving switches."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.schedule import next_due
from bot.errors import InvalidInput

MONDAY_9 = "0 9 * * MON"


def _fires(tz: str, start: datetime, n: int) -> list[datetime]:
    out, t = [], start
    for _ in range(n):
        t = next_due(MONDAY_9, tz, t)
        out.append(t)
    return out


@pytest.mark.parametrize(
    ("tz", "start", "utc_hours"),
    [
        # New York switches to EDT on 8 March 2026 and back to EST on 1 November 2026
        ("America/New_York", datetime(2026, 3, 1, tzinfo=UTC), [14, 13, 13]),
        ("America/New_York", datetime(2026, 10, 25, 12, tzinfo=UTC), [13, 14, 14]),
        # London switches to BST on 29 March 2026 and back to GMT on 25 October 2026
        ("Europe/London", datetime(2026, 3, 22, tzinfo=UTC), [9, 8, 8]),
        ("Europe/London", datetime(2026, 10, 18, tzinfo=UTC), [8, 9, 9]),
    ],
)
def test_monday_nine_local_across_daylight_saving(tz: str, start: datetime, utc_hours: list[int]) -> None:
    fires = _fires(tz, start, 3)
    assert [f.hour for f in fires] == utc_hours
    for f in fires:
        local = f.astimezone(ZoneInfo(tz))
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    days = [f.astimezone(ZoneInfo(tz)).date() for f in fires]
    assert [(b - a).days for a, b in zip(days, days[1:], strict=False)] == [7, 7]


def test_next_due_is_strictly_after() -> None:
    at_nine = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert next_due(MONDAY_9, "UTC", at_nine) == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def test_custom_cron_in_zone() -> None:
    first = next_due("30 16 * * FRI", "Asia/Tokyo", datetime(2026, 3, 2, tzinfo=UTC))
    assert first == datetime(2026, 3, 6, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "tz", "needle"),
    [("0 9 * * MON", "Mars/Olympus", "IANA"), ("every monday", "UTC", "5-field")],
)
def test_bad_schedule_is_one_clear_sentence(cron: str, tz: str, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        next_due(cron, tz, datetime(2026, 3, 2, tzinfo=UTC))
