"""Markdown tables from rows of cell texts (Word and PowerPoint tables alike)."""

from __future__ import annotations


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(rows: list[list[str]]) -> list[str]:
    """A pipe table, the first row as its header; empty rows dropped."""
    rows = [[_cell(c) for c in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    head, *rest = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
    return ["", *lines, *("| " + " | ".join(r) + " |" for r in rest), ""]
