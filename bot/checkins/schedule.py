"""When check-ins fall due: a crontab expression read in the pilot's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.errors import InvalidInput

REMINDER_AFTER_HOURS = 24
SNOOZE_DAYS = 7
# The first check-in (the baseline) goes out at the first slot at least this long after the pilot is
# registered: a team that just finished its assessment is not asked where each gap stands minutes later
# (registered Monday 8:55 with the default Monday 9:00 slot, the baseline goes out a week later).
FIRST_AFTER = timedelta(hours=12)
# Gaps between check-ins are measured in UTC from a fixed moment, so the answer does not
# depend on today's date or a daylight-saving switch; a day's times repeat every matching day.
_GAP_FROM = datetime(2024, 1, 1, tzinfo=UTC)
_GAP_HORIZON = timedelta(days=8)
_GAP_MAX_FIRES = 400


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or a sentence saying how to name one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"Unknown time zone {name!r}: use an IANA name such as Europe/London.") from exc


def trigger(cron: str, tz: str) -> CronTrigger:
    """A CronTrigger for a 5-field crontab expression in the given zone."""
    try:
        return CronTrigger.from_crontab(cron, timezone=zone(tz))
    except ValueError as exc:
        raise InvalidInput(f"Invalid schedule {cron!r}: use a 5-field cron expression such as '0 9 * * MON'.") from exc


def next_due(cron: str, tz: str, after: datetime) -> datetime:
    """The first fire time strictly after `after`, in UTC (DST handled by the zone)."""
    # cron fires on whole seconds, so "from the next whole second" means "strictly after"
    start = after.astimezone(zone(tz)).replace(microsecond=0) + timedelta(seconds=1)
    fire = trigger(cron, tz).get_next_fire_time(None, start)
    if fire is None:
        raise InvalidInput(f"The schedule {cron!r} never fires again: pick a recurring one.")
    return fire.astimezone(UTC)


def validate(cron: str, tz: str) -> None:
    """Raise InvalidInput for a bad zone or cron expression."""
    trigger(cron, tz)


def shortest_gap(cron: str) -> timedelta | None:
    """The shortest time between two fires of a crontab expression (None: it fires once at most)."""
    schedule = trigger(cron, "UTC")
    first = prev = schedule.get_next_fire_time(None, _GAP_FROM)
    shortest: timedelta | None = None
    for _ in range(_GAP_MAX_FIRES):
        if prev is None or first is None or prev - first > _GAP_HORIZON:
            break
        fire = schedule.get_next_fire_time(prev, prev + timedelta(seconds=1))
        if fire is None:
            break
        gap = fire - prev
        shortest = gap if shortest is None or gap < shortest else shortest
        prev = fire
    return shortest


def check_interval(cron: str, min_minutes: int) -> None:
    """Raise InvalidInput when the schedule asks for check-ins more often than `min_minutes` apart."""
    gap = shortest_gap(cron)
    if gap is not None and gap < timedelta(minutes=min_minutes):
        apart = int(gap.total_seconds() // 60)
        raise InvalidInput(
            f"The schedule {cron!r} sends check-ins {apart} minutes apart, more often than every "
            f"{min_minutes} minutes: use a schedule such as '0 9 * * MON'."
        )
