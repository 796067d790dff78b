"""The words the coach sends: check-ins, reminders, answer summaries, escalations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.checkins.parse import NO_CHANGE, REPLY_STATUSES
from bot.checkins.records import SEVERITY_ORDER, GapChange, Pilot, PilotGap, PilotQuestion, QuestionChange, Stall
from bot.knowledge import Rubric

SLACK_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
# The reply format, from the status words the answer reader accepts (so the two cannot drift apart).
REPLY_HINT = (
    "Reply in this thread, one line per gap, e.g. "
    + ", ".join(f"`{i} {word}: ...`" for i, word in enumerate((w for w in REPLY_STATUSES if w != NO_CHANGE), 1))
    + f", or `{NO_CHANGE}`. Add a target date to work in progress (`by 2026-03-20`)."
)
STATUS_WORDS = {
    "open": "open",
    "in_progress": "in progress",
    "resolved": "resolved",
    "blocked": "blocked",
    "unchanged": "no news",  # older rows: a "no change" before states were kept
}


def safe(text: str) -> str:
    """Team-given text as plain Slack text: `<!channel>` in a pilot name must not ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(person: str) -> str:
    """A Slack mention for a user id, the (escaped) name otherwise."""
    return f"<@{person}>" if SLACK_ID.match(person) else safe(person)


def ordered_open(gaps: Sequence[PilotGap]) -> list[PilotGap]:
    """Open gaps a line can answer, most severe first: the order the check-in numbers them in."""
    answerable = (g for g in gaps if g.is_open and not g.is_owner_gap)
    return sorted(answerable, key=lambda g: SEVERITY_ORDER.get(g.severity, 9))


def owner_gap(gaps: Sequence[PilotGap]) -> PilotGap | None:
    """The missing business owner, while it is missing."""
    return next((g for g in gaps if g.is_owner_gap and g.is_open), None)


def this_week(rubric: Rubric, dimension: str) -> str:
    """The playbook's first this-week action for a dimension."""
    return rubric.dimension(dimension).actions[0].text


def state(gap: PilotGap) -> str:
    """A gap's last reported state, with its target date when it has one."""
    words = STATUS_WORDS.get(gap.status, gap.status)
    return f"{words}, target {gap.target_date}" if gap.target_date and gap.status == "in_progress" else words


def owner_line(pilot: Pilot) -> str:
    """What the coach says while no business owner is named."""
    return (
        f"No business owner is named yet, so escalations go to the sponsor {mention(pilot.sponsor)}. "
        f"Name one with `coach pilots set-owner {pilot.public_id} <person>`."
    )


def checkin_text(
    pilot: Pilot,
    gaps: Sequence[PilotGap],
    trend_line: str = "",
    questions: Sequence[PilotQuestion] = (),
    first: bool = False,
) -> str:
    """The check-in: the first one records a baseline; later ones ask what moved on each open gap."""
    people = ", ".join(mention(p) for p in pilot.people) or "team"
    if first:
        lines = [f"*First check-in: {safe(pilot.name)}*",
                 f"{people}: this first check-in records a baseline. Where does each gap stand today?"]  # fmt: skip
    else:
        lines = [f"*Weekly check-in: {safe(pilot.name)}*", f"{people}: what moved since the last check-in?"]
    if owner_gap(gaps) is not None:
        lines.append(owner_line(pilot))
    numbered = ordered_open(gaps)
    for i, gap in enumerate(numbered, 1):
        told = "" if gap.status == "open" else f" (last reported: {state(gap)})"
        lines.append(f"{i}. [{gap.severity}] {gap.title}{told}")
    if questions:
        lines.append("Still open from the assessment (answer on a line starting with its number):")
        lines += [f"{i}. {safe(q.question)}" for i, q in enumerate(questions, len(numbered) + 1)]
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


def _change_line(c: GapChange, baseline: bool) -> str:
    after = STATUS_WORDS.get(c.status_after, c.status_after)
    if baseline:
        said = after if c.mentioned else f"{after} (not mentioned)"
    elif c.changed:
        before = STATUS_WORDS.get(c.status_before, c.status_before)
        parts = [f"{before} -> {after}" if c.status_before != c.status_after else f"still {after}"]
        if c.severity_before != c.severity_after:
            parts.append(f"severity {c.severity_before} -> {c.severity_after}")
        if c.target_date:
            parts.append(f"target {c.target_date}")
        said = f"changed ({'; '.join(parts)})"
    else:
        said = f"unchanged (still {after})" if c.mentioned else f"not mentioned (still {after})"
    return f"- [{c.severity_after}] {c.title}: {said}"


def _question_line(q: QuestionChange) -> str:
    outcome = {
        "gap": f"answered; now tracked as a {q.severity} gap",
        "ready": "answered; in place",
        "noted": "answered (noted)",
        "unclear": "still open: the answer did not say enough, so it is asked again next time",
    }[q.outcome]
    return f"- Question ({q.dimension}): {outcome}"


def summary_text(
    pilot: Pilot, changes: Sequence[GapChange], questions: Sequence[QuestionChange] = (), baseline: bool = False
) -> str:
    """Each gap marked changed or unchanged since the last check-in (the first answer: the baseline)."""
    title = "Baseline recorded" if baseline else "Check-in summary"
    lines = [f"*{title}: {safe(pilot.name)}*"]
    lines += [_change_line(c, baseline) for c in changes]
    lines += [_question_line(q) for q in questions]
    if not changes:
        lines.append("- no open gaps left: nothing to track.")
    return "\n".join(lines)


def escalation_text(pilot: Pilot, stall: Stall, rubric: Rubric) -> str:
    """To the business owner and sponsor (the sponsor alone while no owner is named): why it
    stalled, and this week's action per gap, the missing owner first."""
    if pilot.business_owner:
        to = f"{mention(pilot.business_owner)} (business owner), {mention(pilot.sponsor)} (sponsor)"
    else:
        to = f"{mention(pilot.sponsor)} (sponsor; no business owner is named)"
    lines = [
        f"*Escalation: {safe(pilot.name)} has stalled*",
        f"To {to}:",
        "Why: " + "; ".join(stall.reasons) + ".",
        "Stalled gaps and this week's action:",
    ]
    for gap in stall.gaps:
        action = owner_line(pilot) if gap.is_owner_gap else this_week(rubric, gap.dimension)
        lines.append(f"- [{gap.severity}] {gap.title}: {action}")
    return "\n".join(lines)


def headline(status: str, trend: str, reasons: Sequence[str]) -> str:
    """Status, trend and reasons as one sentence that never contradicts itself."""
    trend_words = {"improving": "readiness is improving", "worsening": "readiness is falling",
                   "flat": "readiness is flat", "new": "no trend yet"}.get(trend, trend)  # fmt: skip
    if status == "stalled":
        despite = " although readiness is improving overall" if trend == "improving" else ""
        return f"Stalled{despite}: " + "; ".join(reasons) + "."
    return {
        "paused": "Paused: no check-ins until it is resumed.",
        "snoozed": f"Snoozed for a week; {trend_words}.",
        "done": "Done: no open gaps left.",
    }.get(status, f"Active: {trend_words}; no stall rule is met.")
