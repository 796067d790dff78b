"""PowerPoint (.pptx) to Markdown with python-pptx: a marker and a heading per slide, bullets, tables."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from bot.documents import errors
from bot.documents.locations import marker
from bot.documents.tables import markdown_table


def _shapes(shapes: Any) -> Iterator[Any]:
    """Shapes top to bottom, left to right, group shapes opened."""
    ordered = sorted(shapes, key=lambda s: (s.top or 0, s.left or 0))
    for shape in ordered:
        if getattr(shape, "shape_type", None) == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _shape_lines(shape: Any) -> list[str]:
    if getattr(shape, "has_table", False):
        rows = shape.table.rows
        return markdown_table([[cell.text for cell in row.cells] for row in rows])
    if not getattr(shape, "has_text_frame", False):
        return []
    bulleted = getattr(shape, "is_placeholder", False)  # body placeholders hold bullet points
    lines = []
    for par in shape.text_frame.paragraphs:
        text = " ".join(par.text.split())
        if text:
            lines.append("  " * par.level + f"- {text}" if bulleted else text)
    return [*lines, ""]


def _slide(slide: Any, number: int) -> list[str]:
    title_shape = slide.shapes.title
    title = " ".join(title_shape.text.split()) if title_shape is not None and title_shape.has_text_frame else ""
    out = [marker("slide", number), "", f"## {title or f'Slide {number}'}", ""]
    for shape in _shapes(slide.shapes):
        if title_shape is not None and shape.shape_id == title_shape.shape_id:
            continue
        out += _shape_lines(shape)
    return out


def pptx_to_markdown(data: bytes, name: str) -> tuple[str, int]:
    """Markdown with a `<!-- slide N -->` marker and a `## title` per slide, and the slide count."""
    import pptx

    try:
        slides = list(pptx.Presentation(io.BytesIO(data)).slides)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise errors.damaged(name, "a PowerPoint deck") from exc
    out: list[str] = []
    for number, slide in enumerate(slides, start=1):
        out += _slide(slide, number)
    markdown = "\n".join(out).strip()
    if not slides:
        raise errors.empty(name)
    return markdown + "\n", len(slides)
