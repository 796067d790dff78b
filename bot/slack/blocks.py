"""Block Kit for the coach: replies, grounded answers and the gap list, within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.models import Choice, Citation, Gap, Report
from bot.render import BADGE, VERDICT, area_of, gap_count, no_gaps, provenance, sources, surfaces_label, why_label

MAX_BLOCKS = 50  # per message
MAX_CHOICES = 5  # Slack shows up to 25 buttons in an actions block; a question has 2-4 options
MAX_TEXT = 3000  # per section text
MAX_HEADER = 150  # header plain_text
MAX_FALLBACK = 300  # the notification text; the blocks carry the full content
MAX_COMMENT = 2000  # the feedback modal's comment

Block = dict[str, Any]
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CUT_ENTITY = re.compile(r"&[a-z]*$")  # an escape the length limit cut in two


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup (so `<!channel>` stays text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """The coach's Markdown (`**bold**`) as escaped Slack mrkdwn (`*bold*`)."""
    return _BOLD.sub(r"*\1*", escape(text))


def who(author: str | None) -> str:
    """A Slack user id as a mention, any other name as escaped text."""
    if not author:
        return ""
    return f"<@{author}>" if _SLACK_ID.match(author) else escape(author)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split text into pieces of at most `limit` characters, at line or word breaks; lossless."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n") if rest[cut : cut + 1] == "\n" else rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def sections(text: str) -> list[Block]:
    """One or more mrkdwn sections holding all of `text`."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": p or " "}} for p in split_text(text)]


def fallback(text: str) -> str:
    """A short notification text from mrkdwn that is already escaped (the blocks hold it all)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_FALLBACK else _CUT_ENTITY.sub("", flat[: MAX_FALLBACK - 1]) + "…"


def cite_line(citations: Sequence[Citation]) -> str:
    """`Playbook: <passage title>; …` for a context line (titles, not file ids)."""
    return "Playbook: " + escape(sources(list(citations)))


def numbered_cite_line(citations: Sequence[Citation]) -> str:
    """`Playbook: [1] <title>; [2] <title>` for a reply whose [n] markers point into `citations`."""
    return "Playbook: " + escape("; ".join(f"[{i}] {c.label}" for i, c in enumerate(citations, 1)))


def context(text: str) -> list[Block]:
    """Context blocks (small grey text) holding all of `text`."""
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": p}]} for p in split_text(text)]


def reply_blocks(text: str, citations: Sequence[Citation] = ()) -> list[Block]:
    """A coach reply (and its playbook sources, numbered as its [n] markers, when it has any)."""
    blocks = sections(to_mrkdwn(text))
    if citations:
        blocks += context(numbered_cite_line(citations))
    return blocks


CHOICE_ACTION = "choice_"  # action ids choice_0, choice_1, ...: a quick reply to the question above
CHOICES_BLOCK = "choices"
DETAILS_ACTION = "choice_details"  # "Add details…": a modal to pick an option and say more, sent as one answer


def choice_blocks(text: str, citations: Sequence[Citation] = (), choices: Sequence[Choice] = ()) -> list[Block]:
    """A coach reply with its quick replies as buttons: a click sends the option's text as the answer."""
    blocks = reply_blocks(text, citations)
    if choices:
        buttons = [
            {
                "type": "button",
                "action_id": f"{CHOICE_ACTION}{i}",
                "text": {"type": "plain_text", "text": c.label[:75], "emoji": False},
                "value": c.value[:2000],
            }
            for i, c in enumerate(choices[:MAX_CHOICES])
        ]
        if any(c.status is not None for c in choices):  # an answer to the interview, not a follow-up prompt
            buttons.append(
                {"type": "button", "action_id": DETAILS_ACTION, "value": "details",
                 "text": {"type": "plain_text", "text": "Add details…", "emoji": False}}
            )  # fmt: skip
        blocks.append({"type": "actions", "block_id": CHOICES_BLOCK, "elements": buttons})
    return blocks


def choice_made(blocks: Sequence[Block], label: str, user: str, details: str = "") -> list[Block]:
    """The question's message once answered: the buttons replaced by who chose what (and what they added)."""
    kept = [b for b in blocks if b.get("block_id") != CHOICES_BLOCK]
    added = f": “{escape(details[: MAX_TEXT - 200])}”" if details else ""
    return kept + context(f"<@{user}> chose *{escape(label)}*{added}")


def _header(report: Report) -> tuple[Block, str]:
    """The header block, and the pilot line for the summary when it doesn't fit the header."""
    verdict = VERDICT.get(report.verdict, report.verdict)
    title = f"{verdict}: {report.pilot_name}" if report.pilot_name else f"Readiness: {verdict}"
    extra = ""
    if len(title) > MAX_HEADER:
        title, extra = f"Readiness: {verdict}", f"*Pilot:* {escape(report.pilot_name or '')}\n"
    return {"type": "header", "text": {"type": "plain_text", "text": title}}, extra


def _head(report: Report) -> list[Block]:
    header, extra = _header(report)
    blocks = [header, *sections(extra + to_mrkdwn(report.summary))]
    if report.agentic:
        quotes = "; ".join(f"“{escape(e.quote)}”" for e in report.agentic_evidence)
        blocks += context(f"Agentic system: it acts on its own ({quotes}).")
    return blocks


def gap_text(n: int, gap: Gap) -> str:
    """The mrkdwn of one gap: title, severity, evidence with authors, why, this week's actions."""
    lines = [f"*{n}. {escape(gap.title)}*  {BADGE.get(gap.severity, gap.severity)}"]
    for e in gap.evidence:
        by = f" — {who(e.author)}" if e.author else ""
        lines.append(f"> “{escape(e.quote)}”{by}")
    lines.append(f"*{why_label(gap)}:* {escape(gap.why)}")
    lines.append(f"*{surfaces_label(gap)}:* {escape(gap.surfaces)}")
    lines += ["*This week:*", *[f"• {escape(a)}" for a in gap.actions]]
    return "\n".join(lines)


def gap_actions(gap_id: str) -> Block:
    """The per-gap buttons: mark resolved, and a user picker to assign an owner."""
    return {
        "type": "actions",
        "block_id": f"gap:{gap_id}",
        "elements": [
            {
                "type": "button",
                "action_id": "gap_resolve",
                "value": str(gap_id),
                "text": {"type": "plain_text", "text": "Mark resolved"},
            },
            {
                "type": "users_select",
                "action_id": "gap_assign",
                "placeholder": {"type": "plain_text", "text": "Assign owner"},
            },
        ],
    }


def _gap_group(n: int, gap: Gap, gap_id: str | None) -> list[Block]:
    blocks = [{"type": "divider"}, *sections(gap_text(n, gap))]
    if gap.citations:
        blocks += context(cite_line(gap.citations))
    if gap_id is not None:
        blocks.append(gap_actions(gap_id))
    return blocks


def _in_place(report: Report) -> list[Block]:
    lines = ["*What is in place*"]
    for item in report.in_place:
        quotes = "; ".join(f"“{escape(e.quote)}”" for e in item.evidence)
        lines.append(f"• *{escape(item.title)}*" + (f": {quotes}" if quotes else ""))
    return [{"type": "divider"}, *sections("\n".join(lines))]


def _questions(report: Report) -> list[Block]:
    if not report.open_questions:
        return []
    lines = ["*Open questions*"]
    lines += [f"• *{escape(area_of(q.dimension, q.title))}*: {escape(q.question)}" for q in report.open_questions]
    return [{"type": "divider"}, *sections("\n".join(lines))]


def report_actions(assessment_id: str) -> Block:
    """The report's buttons: start weekly check-ins, helpful, not helpful."""

    def button(action_id: str, text: str, **extra: str) -> Block:
        return {
            "type": "button",
            "action_id": action_id,
            "value": str(assessment_id),
            "text": {"type": "plain_text", "text": text},
            **extra,
        }

    return {
        "type": "actions",
        "block_id": f"report:{assessment_id}",
        "elements": [
            button("checkins_start", "Start weekly check-ins", style="primary"),
            button("feedback_helpful", "Helpful 👍"),
            button("feedback_unhelpful", "Not helpful 👎"),
        ],
    }


def _footer(report: Report, assessment_id: str | None) -> list[Block]:
    blocks = [] if assessment_id is None else [report_actions(assessment_id)]
    return blocks + context(escape(provenance(report)))


def report_groups(report: Report, assessment_id: str | None = None, gap_ids: Sequence[str] = ()) -> list[list[Block]]:
    """The report as groups of blocks that must stay in one message (head, each gap, tail)."""
    ids: list[str | None] = list(gap_ids) or [None] * len(report.gaps)
    groups = [_head(report)]
    groups += [_gap_group(n, g, i) for n, (g, i) in enumerate(zip(report.gaps, ids, strict=True), 1)]
    if not report.gaps:
        groups.append(sections(no_gaps(report)))
    if report.in_place:
        groups.append(_in_place(report))
    groups.append(_questions(report) + _footer(report, assessment_id))
    return [g for g in groups if g]


def pack(groups: Sequence[list[Block]], limit: int = MAX_BLOCKS) -> list[list[Block]]:
    """Fill messages with whole groups, at most `limit` blocks each (an oversized group is cut
    into consecutive messages, never dropped)."""
    messages: list[list[Block]] = [[]]
    for group in groups:
        if len(messages[-1]) + len(group) > limit and messages[-1]:
            messages.append([])
        for i in range(0, len(group), limit):
            if i:
                messages.append([])
            messages[-1].extend(group[i : i + limit])
    return [m for m in messages if m]


def report_messages(report: Report, assessment_id: str | None = None, gap_ids: Sequence[str] = ()) -> list[list[Block]]:
    """The whole report as one or more messages of blocks, each within Slack's limits."""
    return pack(report_groups(report, assessment_id, gap_ids))


def report_fallback(report: Report, part: int, parts: int) -> str:
    """Notification text for one message of the report."""
    verdict = VERDICT.get(report.verdict, report.verdict)
    suffix = f" (part {part}/{parts})" if parts > 1 else ""
    return fallback(f"Readiness report: {verdict}, {gap_count(len(report.gaps))}{suffix}")


def feedback_modal(assessment_id: str, helpful: bool) -> dict[str, Any]:
    """The optional-comment modal opened after a helpful / not helpful click."""
    verdict = "helpful" if helpful else "not helpful"
    return {
        "type": "modal",
        "callback_id": "feedback_comment",
        "private_metadata": f"{assessment_id}:{int(helpful)}",
        "title": {"type": "plain_text", "text": "Thanks for the feedback"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {
                "type": "input",
                "block_id": "comment",
                "optional": True,
                "label": {"type": "plain_text", "text": f"Anything to add? (you said {verdict})"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": MAX_COMMENT,
                },
            },
        ],
    }
