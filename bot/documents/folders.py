"""The user's own folders (COACH_KNOWLEDGE_DIRS) as documents for the index: every supported type."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.documents.convert import convert_bytes
from bot.documents.errors import DocumentError, too_large
from bot.documents.kinds import SUFFIXES, kind_of_name
from bot.errors import InvalidInput
from bot.knowledge import Document, FrontMatter, KnowledgeError, load_document

Progress = Callable[[int, int], None]


@dataclass
class Folder:
    """What a folder gave: documents to index and (source, sentence) for each file that was skipped."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _meta(path: Path) -> FrontMatter:
    return FrontMatter(id=path.stem, title=path.stem.replace("_", " ").replace("-", " "))


def _read(path: Path, folder: Path, prefix: str, known: dict[str, str], max_bytes: int) -> Document:
    source = prefix + path.relative_to(folder).as_posix()
    if kind_of_name(path.name) == "text":
        return load_document(path, folder, require_front_matter=False, prefix=prefix)
    size = path.stat().st_size
    if size > max_bytes:
        raise too_large(path.name, size, max_bytes)
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if known.get(source) == digest:  # unchanged since the last run: no need to convert it again
        return Document(path=path, source=source, meta=_meta(path), body="", sha256=digest)
    doc = convert_bytes(raw, path.name, max_bytes)
    return Document(path=path, source=source, meta=_meta(path), body=doc.markdown, sha256=digest)


def load_folder(
    folder: Path,
    prefix: str,
    known: dict[str, str],
    max_bytes: int,
    progress: Progress | None = None,
) -> Folder:
    """Read every supported file under `folder`; a file that cannot be read is skipped with its sentence.

    `known` maps source -> content hash already indexed: such files are not converted again."""
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: knowledge folder not found; check COACH_KNOWLEDGE_DIRS")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    out = Folder()
    for done, path in enumerate(files, start=1):
        try:
            out.documents.append(_read(path, folder, prefix, known, max_bytes))
        except (DocumentError, InvalidInput, KnowledgeError) as exc:
            out.skipped.append((prefix + path.relative_to(folder).as_posix(), str(exc)))
        if progress:
            progress(done, len(files))
    return out
