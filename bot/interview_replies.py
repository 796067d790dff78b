"""Quick replies (matching a click or a typed option) and what the coach says once the report exists."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.interview_state import Reply
from bot.knowledge import Rubric
from bot.models import Choice, Report, Statement, Status
from bot.text import lower_first, quote, words

_QUESTION_START = re.compile(
    r"^(?:why|what|how|when|who|where|which|can|could|should|would|is|are|does|do|explain|tell me)\b",
    re.I,
)

SEPARATORS = ":,;.!-\u2013\u2014 "  # between an option's text and the evidence typed after it
CONFIRM_ID = "confirm"  # a confirmation's question id is `<area>.confirm`
YES, NO = "Yes", "No"
FIRST, WHY, WHO = "What do we do first?", "Why that first?", "Who should we involve?"
AFTER_REPORT = [Choice(label=v, value=v) for v in (FIRST, WHY, WHO)]


def confirm_choices(status: Status) -> list[Choice]:
    """Yes (the earlier answer stands, with its status), no (ask the area's questions) or not sure."""
    return [
        Choice(label="Yes, still true", value=YES, status=status),
        Choice(label="No, it has changed", value=NO),
        Choice(label="Not sure", value="Not sure", status="unknown"),
    ]


def match_choice(choices: list[Choice], text: str) -> tuple[Choice | None, str]:
    """The option a message picks (its value or label, as sent by a button or typed) and any
    evidence typed after it; (None, text) when the message is free text."""
    said = text.strip()
    low = said.lower().rstrip(".!")
    keys = [(k.strip().rstrip(".").lower(), c) for c in choices for k in (c.value, c.label)]
    keys.sort(key=lambda x: -len(x[0]))  # the longest option text first: "No, it has changed" before "No"
    for key, choice in keys:
        if key and low == key:
            return choice, ""
    for key, choice in keys:
        if key and low.startswith(key) and len(low) > len(key) and low[len(key)] in SEPARATORS[:-1]:
            return choice, said[len(key) :].lstrip(SEPARATORS).strip()
    return None, said


def answer_statements(
    topic: str, question_id: str, text: str, author: str | None, choice: Choice | None, rest: str
) -> list[Statement]:
    """What an answer adds: a picked option as its meaning (when it has one), typed words as they are."""
    if choice is None or choice.status is None:
        return [Statement(text=text, author=author, topic=topic, question_id=question_id)]
    said = f"{choice.value.rstrip('.')}: {rest}" if rest else choice.value  # the team's details quoted with it
    out = [Statement(text=said, author=author, topic=topic, question_id=question_id, status=choice.status)]
    if rest and choice.status != "unknown":  # read on its own too: the details may be about another area
        out.append(Statement(text=rest, author=author, topic=topic, question_id=question_id))
    return out


def next_steps(rubric: Rubric, report: Report | None, part: str = "") -> str:
    """What to do first, why, and who to involve, from the stored report's top gap."""
    if report is None:
        return "Type `report` for your gap list, or `restart` to begin a new interview."
    if not report.gaps and report.open_questions:
        first_open = report.open_questions[0]
        title = lower_first(rubric.dimension(first_open.dimension).ready_title)
        n = len(report.open_questions)
        return (
            f"No gap stands out yet, but {n} area{'s are' if n > 1 else ' is'} still an open question, so "
            f"this is not a verdict. Start with {title}: {first_open.question} Type `restart` to answer the "
            "interview again, or ask me anything about the playbook."
        )
    if not report.gaps:
        return (
            "Nothing in what you told me stands in the way. Keep the evidence current, re-run this "
            "interview before go-live, and ask me anything about the playbook."
        )
    gap = report.gaps[0]
    dim = rubric.dimension(gap.dimension)
    said = f' You told me "{quote(gap.evidence[0].quote, 120).rstrip(".")}".' if gap.evidence else ""
    first = f"Start with {lower_first(dim.ready_title)}: {gap.actions[0] if gap.actions else dim.actions[0].text}"
    why = f"Why that first: it is your most urgent gap ({gap.severity}).{said} {gap.why}".strip()
    who = f"Who to involve: {dim.involve or 'the business owner and the engineering lead'}."
    parts = {FIRST: [first], WHY: [why], WHO: [who]}.get(part, [first, why, who])
    tail = "\n\nAsk me anything else about the report, or type `restart` for a new interview."
    return "\n\n".join(parts) + tail


def is_question(text: str) -> bool:
    """A question to the coach rather than an answer to the coach."""
    t = text.strip()
    if not t.endswith("?"):
        return False
    return len(words(t)) <= 30 and bool(_QUESTION_START.match(t) or len(words(t)) <= 12)


def after_report(
    rubric: Rubric, ask: Callable[..., Any], text: str, report: Report | None, on_token: Callable[[str], None] | None
) -> Reply:
    """After the report: a question gets a grounded answer (about the top gap when it is short);
    anything else, what to do first, why, and who to involve."""
    choice, _ = match_choice(AFTER_REPORT, text)
    if choice is None and is_question(text):
        top = report.gaps[0].dimension if report and report.gaps else None
        answer = ask(text, top, "", on_token)
        tail = "\n\nAsk me anything else, or pick what to look at next."
        return Reply(answer.answer + tail, "done", "", True, answer.citations, choices=list(AFTER_REPORT))
    part = choice.value if choice else ""
    return Reply(next_steps(rubric, report, part), "done", "", done=True, choices=list(AFTER_REPORT))
