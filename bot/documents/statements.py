"""A written document (pasted text or a converted file) as the statements the coach reads."""

from __future__ import annotations

import re

from bot.documents.locations import read_marker
from bot.knowledge import Dimension
from bot.models import Statement
from bot.redact import scrub
from bot.text import hard_wrapped

MAX_AUTHOR = 120

_MEMO_HEADER = re.compile(r"^\s*(?:to|from|cc|bcc|subject|re|date|attendees)\s*:", re.I)
_MD_HEADING = re.compile(r"^\s*#{1,6}\s")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_LABEL = re.compile(r"^\W*(?:\[[^\]]{1,20}\]\s*)?([A-Za-z][A-Za-z &/'-]{0,30}?)\s*(?:\*\*)?\s*[:–—]\s+\S")


def _is_title(line: str) -> bool:
    """A short line with no closing punctuation: a document's title, when it comes first."""
    line = line.strip()
    return len(line.split()) <= 15 and not re.search(r"[.!?;\"”)]$", line)


def _skipped(line: str) -> bool:
    """Memo header lines, markdown headings and page/slide markers are not statements."""
    return bool(_MEMO_HEADER.match(line) or _MD_HEADING.match(line)) or read_marker(line) is not None


def _paragraphs(text: str, may_have_title: bool = True) -> list[str]:
    """The paragraphs of a document, without its title, markdown headings and memo header lines."""
    parts: list[str] = []
    titled = not may_have_title  # only the first line of content can be the title
    for block in re.split(r"\n\s*\n", text.strip()):
        kept = [line for line in block.strip().splitlines() if not _skipped(line)]
        if not "".join(kept).strip():
            continue
        if not parts and not titled and len(kept) == 1 and _is_title(kept[0]):
            titled = True
            continue
        parts.append("\n".join(kept).strip())
    return parts or ([text] if may_have_title else [])


def _items(paragraph: str) -> list[tuple[str, str]]:
    """A paragraph, or its bullet or labelled items ("Data: ..." lines), each with the line that heads it
    (its own first line, or the label line it sits under). A continuation line joins its item when the
    paragraph was hard-wrapped; a line its writer ended (a chat message, a Slack update's next line) is
    an item of its own, still under the label above it."""
    items: list[list[str]] = []  # [text, head]
    wrapped = hard_wrapped(paragraph)
    for line in paragraph.splitlines():
        if _BULLET.match(line) or _LABEL.match(line) or not items:
            items.append([line.strip(), line.strip()])
        elif wrapped:
            items[-1][0] += " " + line.strip()
        else:
            items.append([line.strip(), items[-1][1]])
    if len(items) > 1 or _BULLET.match(paragraph):
        return [(text, head) for text, head in items]
    return [(paragraph, paragraph)]


def _statements(paragraphs: list[str], labels: dict[str, str], author: str | None) -> list[Statement]:
    out = []
    for paragraph in paragraphs:
        for item, head in _items(paragraph):
            found = _LABEL.match(_BULLET.sub("", head))
            label = found.group(1).strip().lower() if found else ""
            out.append(Statement(text=item, topic=labels.get(label, "document"), author=author))
    return out


def document_statements(text: str, dimensions: list[Dimension]) -> list[Statement]:
    """A pasted document as statements: a paragraph or bullet under a label the rubric knows
    ("Data: ...", "* People: ...") is about that area, as an interview answer would be."""
    labels = {label.lower(): d.id for d in dimensions for label in d.labels}
    return _statements(_paragraphs(text), labels, None)


def located_statements(name: str, runs: list[tuple[str, str]], dimensions: list[Dimension]) -> list[Statement]:
    """A converted file's (location, text) runs as statements; each names where it was read
    (`brief.pdf p.3`, `steerco.pptx slide 7`) as its author, so report quotes point there."""
    labels = {label.lower(): d.id for d in dimensions for label in d.labels}
    out: list[Statement] = []
    for where, text in runs:
        paragraphs = _paragraphs(text, may_have_title=not out)
        # the location is shown with every quote: redacted like the quotes, and kept short
        out += _statements(paragraphs, labels, scrub(f"{name} {where}".strip())[:MAX_AUTHOR])
    return out
