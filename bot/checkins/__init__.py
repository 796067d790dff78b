"""Weekly check-ins on registered pilots: schedules, answers, stalls, escalations, trends."""

from bot.checkins.clock import Clock, ManualClock, SystemClock
from bot.checkins.notify import LogNotifier, MemoryNotifier, MessageRef, Notifier
from bot.checkins.pilots import Checkins
from bot.checkins.records import AnswerResult, Pilot, PilotGap, PilotSummary, Stall
from bot.checkins.runner import DueItem, Runner, RunReport
from bot.checkins.service import (
    answer_checkin,
    find_pilot_by_thread,
    open_checkins,
    open_checkins_from_settings,
    register_from_assessment,
)

__all__ = [
    "AnswerResult",
    "Checkins",
    "Clock",
    "DueItem",
    "LogNotifier",
    "ManualClock",
    "MemoryNotifier",
    "MessageRef",
    "Notifier",
    "Pilot",
    "PilotGap",
    "PilotSummary",
    "RunReport",
    "Runner",
    "Stall",
    "SystemClock",
    "answer_checkin",
    "find_pilot_by_thread",
    "open_checkins",
    "open_checkins_from_settings",
    "register_from_assessment",
]
