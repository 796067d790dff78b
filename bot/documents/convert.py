"""One entry point: bytes and a file name in, Markdown with headings and page/slide markers out."""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from bot.documents import errors
from bot.documents.kinds import DESCRIBED, check_kind, kind_of_name
from bot.documents.locations import split_headed, split_located

DEFAULT_MAX_BYTES = 20_000_000
EXPANSION_FACTOR = 10  # an Office file may unpack to this many times the upload limit, no more
_TEXT_UNITS = {"pdf": "pages", "pptx": "slides"}


@dataclass(frozen=True)
class Converted:
    """A file read as Markdown: its name, real kind, Markdown, and pages/slides/sections counted."""

    name: str
    kind: str
    markdown: str
    units: int
    seconds: float

    def located(self) -> list[tuple[str, str]]:
        """(location, text) runs: 'p.3' or 'slide 7' for PDFs and decks, '§ heading' for the rest."""
        return split_located(self.markdown) if self.kind in ("pdf", "pptx") else split_headed(self.markdown)


def is_supported(name: str) -> bool:
    """True when the file's extension is one the coach reads."""
    return kind_of_name(name) is not None


def _check_expansion(data: bytes, name: str, limit: int) -> None:
    """Refuse an Office file whose parts unpack past `limit` bytes, before any parser opens it."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise errors.damaged(name, "an Office file") from exc
    expanded = sum(i.file_size for i in infos)
    if expanded > limit:
        raise errors.expands_too_far(name, expanded, limit)


def convert_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Converted:
    """Convert a file's bytes; raise DocumentError/DocumentTooLarge with one clear sentence if unfit."""
    name = PurePath(name).name or "the file"
    if len(data) > max_bytes:
        raise errors.too_large(name, len(data), max_bytes)
    kind = check_kind(name, data)
    start = time.perf_counter()
    if kind in ("docx", "pptx"):
        _check_expansion(data, name, max_bytes * EXPANSION_FACTOR)
    try:
        markdown, units = _convert(kind, data, name)
    except errors.DocumentError:
        raise
    except Exception as exc:  # a parser tripping over a malformed file: say so, never a stack trace
        raise errors.damaged(name, DESCRIBED[kind]) from exc
    return Converted(name, kind, markdown, units, round(time.perf_counter() - start, 4))


def _convert(kind: str, data: bytes, name: str) -> tuple[str, int]:
    if kind == "pdf":
        from bot.documents.pdf import pdf_to_markdown

        return pdf_to_markdown(data, name)
    if kind == "docx":
        from bot.documents.docx import docx_to_markdown

        return docx_to_markdown(data, name)
    if kind == "pptx":
        from bot.documents.pptx import pptx_to_markdown

        return pptx_to_markdown(data, name)
    if kind == "html":
        from bot.documents.html import html_to_markdown

        return html_to_markdown(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise errors.DocumentError(f"{name} is not UTF-8 text: save it as UTF-8 and try again.") from exc
    return text, 1


def convert_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Converted:
    """Convert a file on disk (its size is checked before it is read)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise errors.too_large(path.name, size, max_bytes)
    return convert_bytes(path.read_bytes(), path.name, max_bytes)


def unit_name(kind: str) -> str:
    """What a kind's units are called in a summary: pages, slides or sections."""
    return _TEXT_UNITS.get(kind, "sections")
