"""The words the coach sends: check-ins, reminders, answer summaries, escalations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.checkins.parse import NO_CHANGE, REPLY_STATUSES
from bot.checkins.records import SEVERITY_ORDER, GapChange, Pilot, PilotGap, Stall
from bot.knowledge import Rubric

SLACK_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
# The reply format, from the status words the answer reader accepts (so the two cannot drift apart).
REPLY_HINT = (
    "Reply in this thread, one line per gap, e.g. "
    + ", ".join(f"`{i} {word}: ...`" for i, word in enumerate((w for w in REPLY_STATUSES if w != NO_CHANGE), 1))
    + f", or `{NO_CHANGE}`."
)
STATUS_WORDS = {
    "open": "open",
    "in_progress": "in progress",
    "resolved": "resolved",
    "blocked": "blocked",
    "unchanged": "unchanged",
}


def safe(text: str) -> str:
    """Team-given text as plain Slack text: `<!channel>` in a pilot name must not ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(person: str) -> str:
    """A Slack mention for a user id, the (escaped) name otherwise."""
    return f"<@{person}>" if SLACK_ID.match(person) else safe(person)


def ordered_open(gaps: Sequence[PilotGap]) -> list[PilotGap]:
    """Open gaps, most severe first: the order the check-in numbers them in."""
    return sorted((g for g in gaps if g.is_open), key=lambda g: SEVERITY_ORDER[g.severity])


def this_week(rubric: Rubric, dimension: str) -> str:
    """The playbook's first this-week action for a dimension."""
    return rubric.dimension(dimension).actions[0].text


def checkin_text(pilot: Pilot, gaps: Sequence[PilotGap], trend_line: str = "") -> str:
    """The weekly question: each open gap carried forward, asking what moved."""
    people = ", ".join(mention(p) for p in pilot.people) or "team"
    lines = [f"*Weekly check-in: {safe(pilot.name)}*", f"{people}: what moved since last week?"]
    for i, gap in enumerate(ordered_open(gaps), 1):
        lines.append(f"{i}. [{gap.severity}] {gap.title} (now {STATUS_WORDS[gap.status]})")
    lines.append(REPLY_HINT)
    if trend_line:
        lines.append(f"Readiness trend: {trend_line}")
    return "\n".join(lines)


def checkin_blocks(text: str) -> list[dict[str, Any]]:
    """Slack blocks for a check-in: the same text in one section."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]


def reminder_text(pilot: Pilot) -> str:
    """The nudge after 24 hours without an answer."""
    people = ", ".join(mention(p) for p in pilot.people) or "team"
    return (
        f"Reminder for {safe(pilot.name)}: {people}, this week's check-in has no answer yet. "
        "A line per gap is enough, or `no change`."
    )


def summary_text(pilot: Pilot, changes: Sequence[GapChange]) -> str:
    """Each gap marked changed or unchanged since last week."""
    lines = [f"*Check-in summary: {safe(pilot.name)}*"]
    for c in changes:
        mark = "changed" if c.changed else "unchanged"
        move = STATUS_WORDS.get(c.status_after, c.status_after)
        if c.status_before != c.status_after:
            move = f"{STATUS_WORDS.get(c.status_before, c.status_before)} -> {move}"
        if c.severity_before != c.severity_after:
            move += f"; severity {c.severity_before} -> {c.severity_after}"
        lines.append(f"- [{c.severity_after}] {c.title}: {mark} ({move})")
    if not changes:
        lines.append("- no open gaps left: nothing to track.")
    return "\n".join(lines)


def escalation_text(pilot: Pilot, stall: Stall, rubric: Rubric) -> str:
    """To the business owner and sponsor: why it stalled, and this week's action per gap."""
    to = f"{mention(pilot.business_owner)} (business owner), {mention(pilot.sponsor)} (sponsor)"
    lines = [
        f"*Escalation: {safe(pilot.name)} has stalled*",
        f"To {to}:",
        "Why: " + "; ".join(stall.reasons) + ".",
        "Stalled gaps and this week's action from the playbook:",
    ]
    for gap in stall.gaps:
        lines.append(f"- [{gap.severity}] {gap.title}: {this_week(rubric, gap.dimension)}")
    return "\n".join(lines)
