"""Word (.docx) to Markdown with python-docx: headings, lists and tables in document order."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from bot.documents import errors
from bot.documents.tables import markdown_table

_HEADING = re.compile(r"^Heading (\d)$")


def _paragraph(par: Any) -> str:
    text = " ".join(par.text.split())
    if not text:
        return ""
    style = (par.style.name if par.style is not None else "") or ""
    level = _HEADING.match(style)
    if style == "Title":
        return f"# {text}"
    if level:
        return "#" * min(int(level.group(1)) + 1, 6) + " " + text  # the Title is '#'
    if style.startswith("List Number"):
        return f"1. {text}"
    numbered = par._p.pPr is not None and par._p.pPr.numPr is not None
    if style.startswith("List") or numbered:
        return f"- {text}"
    return text


def docx_to_markdown(data: bytes, name: str) -> tuple[str, int]:
    """Markdown of a Word document and its count of headed sections."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise errors.damaged(name, "a Word document") from exc
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            out += markdown_table([[cell.text for cell in row.cells] for row in block.rows])
            continue
        line = _paragraph(block)
        if not line:
            continue
        if line.startswith("#"):
            out += ["", line, ""]
        elif out and not out[-1].startswith(("- ", "1. ")) and line.startswith(("- ", "1. ")):
            out += ["", line]  # a list starts its own paragraph
        else:
            out += [line, ""] if not line.startswith(("- ", "1. ")) else [line]
    markdown = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    if not markdown:
        raise errors.empty(name)
    return markdown + "\n", sum(1 for ln in out if ln.startswith("#")) or 1
