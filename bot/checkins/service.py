"""The check-in service API adapters call: open it, register pilots, answer, find threads."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.checkins.clock import Clock
from bot.checkins.pilots import Checkins
from bot.checkins.records import AnswerResult, Pilot
from bot.config import Settings
from bot.store.migrations import prepare_schema

if TYPE_CHECKING:
    from bot.service import Coach

_created: set[int] = set()
_lock = threading.Lock()


def ensure_tables(engine: Engine) -> None:
    """Create the check-in tables once per engine (idempotent, cheap after the first call)."""
    with _lock:
        if id(engine) in _created:
            return
        prepare_schema(engine)
        _created.add(id(engine))


def open_checkins(coach: Coach, clock: Clock | None = None) -> Checkins:
    """The check-in service on the coach's own database, rubric and engine."""
    engine = coach.store.engine
    ensure_tables(engine)
    return Checkins(engine, coach.settings, coach.rubric, clock=clock, store=coach.store, judge=coach.engine)


def open_checkins_from_settings(settings: Settings, clock: Clock | None = None) -> Checkins:
    """A service without the index or engine: enough to list, schedule and send."""
    from bot.knowledge import load_rubric
    from bot.store.db import check_connection, make_engine

    engine = make_engine(settings)
    check_connection(engine)
    prepare_schema(engine, settings.db_auto_migrate)
    rubric = load_rubric(settings.knowledge_dir / "rubric.yaml")
    return Checkins(engine, settings, rubric, clock=clock)


def register_from_assessment(
    coach: Coach,
    assessment_id: int,
    name: str,
    business_owner: str,
    sponsor: str,
    people: list[str] | None = None,
    channel: str | None = None,
    timezone: str = "UTC",
    cron: str | None = None,
    owner: str = "local",
) -> Pilot:
    """Start weekly check-ins for a finished assessment (idempotent per owner and assessment)."""
    return open_checkins(coach).register_from_assessment(
        assessment_id, name, business_owner, sponsor, people, channel, timezone, cron, owner
    )


def find_pilot_by_thread(coach: Coach, channel: str, thread_ts: str) -> Pilot | None:
    """The pilot whose check-in message started this Slack thread, if any."""
    found = open_checkins(coach).find_by_thread(channel, thread_ts)
    return found[0] if found else None


def answer_checkin(
    coach: Coach,
    pilot_id: int,
    text: str,
    author: str | None = None,
    owner: str | None = None,
    thread: tuple[str, str] | None = None,
) -> AnswerResult:
    """Record a team's answer; with `thread=(channel, ts)` it goes to that thread's check-in."""
    service = open_checkins(coach)
    checkin_id = None
    if thread is not None and (found := service.find_by_thread(*thread)) is not None:
        checkin_id = found[1] if found[0].id == pilot_id else None
    return service.answer_checkin(pilot_id, text, author, owner=owner, checkin_id=checkin_id)
