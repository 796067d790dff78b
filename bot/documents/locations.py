"""Page and slide markers in converted Markdown, so chunks and quotes can say where they came from."""

from __future__ import annotations

import re

_MARKER = re.compile(r"^<!-- (page|slide) (\d+) -->$")
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$")


def marker(unit: str, number: int) -> str:
    """The Markdown line that opens page or slide `number`: `<!-- page 3 -->`."""
    return f"<!-- {unit} {number} -->"


def read_marker(line: str) -> str | None:
    """The location a marker line opens ('p.3', 'slide 7'), or None for any other line."""
    found = _MARKER.match(line.strip())
    if found is None:
        return None
    unit, number = found.groups()
    return f"p.{number}" if unit == "page" else f"slide {number}"


def split_located(markdown: str) -> list[tuple[str, str]]:
    """(location, text) runs of a converted document; text before any marker has location ''."""
    runs: list[tuple[str, list[str]]] = [("", [])]
    for line in markdown.splitlines():
        where = read_marker(line)
        if where is None:
            runs[-1][1].append(line)
        else:
            runs.append((where, []))
    return [(where, "\n".join(lines)) for where, lines in runs if "\n".join(lines).strip()]


def split_headed(markdown: str) -> list[tuple[str, str]]:
    """(location, text) runs of a document without pages, one per # to ### heading: '§ Data'."""
    runs: list[tuple[str, list[str]]] = [("", [])]
    for line in markdown.splitlines():
        found = _HEADING.match(line)
        if found:
            runs.append((f"§ {found.group(1)}", []))
        runs[-1][1].append(line)
    return [(where, "\n".join(lines)) for where, lines in runs if "\n".join(lines).strip()]
