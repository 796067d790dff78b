"""PDF to Markdown with pypdf: text page by page, larger type as headings, a marker per page."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.documents import errors
from bot.documents.locations import marker

HEADING_RATIO = 1.15  # a line set this much larger than the body text is a heading
PARAGRAPH_GAP = 1.6  # a vertical gap this many line heights wide starts a new paragraph
_BULLET = re.compile(r"^[•▪◦●‣∙·]\s*")  # bullet glyphs as PDFs print them, to Markdown list items


@dataclass
class _Line:
    text: str = ""
    size: float = 0.0
    y: float | None = None
    sizes: list[float] = field(default_factory=list)


def _page_lines(page: Any) -> list[_Line]:
    """The page's text lines with their type size and baseline, from pypdf's text visitor."""
    lines = [_Line()]

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        scaled = abs(size * (tm[3] or 1.0) * (cm[3] or 1.0))
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append(_Line())
            if part.strip():
                line = lines[-1]
                line.text += part
                line.sizes.append(scaled)
                if line.y is None:
                    line.y = tm[5] * (cm[3] or 1.0) + cm[5]

    page.extract_text(visitor_text=visit)
    kept = [ln for ln in lines if ln.text.strip()]
    for ln in kept:
        ln.size = round(max(ln.sizes), 1)
    return kept


def _heading_levels(pages: list[list[_Line]]) -> tuple[float, dict[float, int]]:
    """The body type size (most characters) and a heading level for each larger size."""
    weight: Counter[float] = Counter()
    for lines in pages:
        for ln in lines:
            weight[ln.size] += len(ln.text)
    if not weight:
        return 0.0, {}
    body = weight.most_common(1)[0][0]
    larger = sorted((s for s in weight if s >= body * HEADING_RATIO), reverse=True)
    return body, {s: min(i + 1, 3) for i, s in enumerate(larger)}


def _page_markdown(lines: list[_Line], body: float, levels: dict[float, int]) -> list[str]:
    out: list[str] = []
    prev_y: float | None = None
    for ln in lines:
        text = _BULLET.sub("- ", " ".join(ln.text.split()))
        level = levels.get(ln.size)
        if level:
            out += ["", "#" * level + " " + text, ""]
        else:
            if prev_y is not None and ln.y is not None and abs(prev_y - ln.y) > PARAGRAPH_GAP * max(body, 1.0):
                out.append("")
            out.append("\\" + text if text.startswith("#") else text)  # a '# comment' in a listing is no heading
        prev_y = ln.y
    return out


def pdf_to_markdown(data: bytes, name: str) -> tuple[str, int]:
    """Markdown with a `<!-- page N -->` marker before each page, and the page count."""
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise errors.encrypted(name)
        pages = [_page_lines(p) for p in reader.pages]
    except errors.DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise errors.damaged(name, "a PDF") from exc
    if not any(pages):
        raise errors.no_text(name)
    body, levels = _heading_levels(pages)
    out: list[str] = []
    for number, lines in enumerate(pages, start=1):
        out += [marker("page", number), "", *_page_markdown(lines, body, levels), ""]
    markdown = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    return markdown + "\n", len(pages)


def _opens_without_password(reader: Any) -> bool:
    """An owner-password-only PDF opens with an empty user password; anything else is locked."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises DependencyError for AES without `cryptography`, among others
        return False
