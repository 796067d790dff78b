"""When check-ins fall due: a crontab expression read in the pilot's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.errors import InvalidInput

REMINDER_AFTER_HOURS = 24
SNOOZE_DAYS = 7


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
