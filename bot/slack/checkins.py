"""The bridge to weekly check-ins (`bot.checkins.service`), used only when that module exists."""

from __future__ import annotations

import importlib
from types import ModuleType

from bot.service import Coach
from bot.slack.blocks import escape

CHECKINS_MODULE = "bot.checkins.service"
CHECKINS_UNAVAILABLE = "Weekly check-ins aren't available in this deployment."


def _service(function: str) -> ModuleType | None:
    """The check-ins service module if it is installed and offers `function`."""
    try:
        module = importlib.import_module(CHECKINS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name in ("bot.checkins", CHECKINS_MODULE):
            return None
        raise
    return module if hasattr(module, function) else None


def _people(coach: Coach, assessment_id: int, owner: str) -> list[str]:
    """The Slack users who answered in the assessed interview, in order of first answer."""
    session_id = coach.store.get_assessment(assessment_id, owner=owner).session_id
    if session_id is None:
        return []
    authors = [m.author for m in coach.store.list_messages(session_id) if m.role == "user"]
    return list(dict.fromkeys(a for a in authors if a))


def start_checkins(coach: Coach, assessment_id: int, channel: str, user: str, owner: str) -> str:
    """Register the assessed pilot for weekly check-ins in `channel`; say what happened."""
    module = _service("register_from_assessment")
    if module is None:
        return CHECKINS_UNAVAILABLE
    report = coach.store.get_assessment(assessment_id, owner=owner).report  # another workspace's: NotFound
    pilot = module.register_from_assessment(
        coach, assessment_id, name=report.pilot_name or "Untitled pilot",
        business_owner=user, sponsor=user, people=_people(coach, assessment_id, owner) or [user],
        channel=channel, owner=owner,
    )  # fmt: skip
    coach.store.audit("slack.checkins_started", f"assessment:{assessment_id}",
                      {"channel": channel, "pilot_id": getattr(pilot, "id", None)}, actor=user)  # fmt: skip
    return (f"Weekly check-ins are on for *{escape(getattr(pilot, 'name', 'this pilot'))}*, started by "
            f"<@{user}>: I'll ask here every week what moved on each open gap.")  # fmt: skip


def answer_checkin_thread(coach: Coach, channel: str, thread_ts: str, text: str, user: str, owner: str) -> str | None:
    """If the thread is a check-in, record the answer and return the summary; else None."""
    module = _service("find_pilot_by_thread")
    if module is None or not hasattr(module, "answer_checkin"):
        return None
    pilot = module.find_pilot_by_thread(coach, channel, thread_ts)
    if pilot is None:
        return None
    result = module.answer_checkin(coach, pilot.id, text, author=user, owner=owner, thread=(channel, thread_ts))
    return str(result.summary)
