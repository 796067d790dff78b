"""`coach index` as a service: read the playbook and the user's folders, then sync the index.

An unchanged set of files is recognised from one manifest hash kept in the lexical store, without
opening Chroma (importing chromadb alone costs more than the whole check)."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.chunking import MAX_CHARS, OVERLAP_CHARS
from bot.config import Settings
from bot.documents.folders import load_folder
from bot.knowledge import Document, load_knowledge

Progress = Callable[[int, int], None]
CHUNKING = f"chunks:{MAX_CHARS}:{OVERLAP_CHARS}:embed_sha"  # part of the manifest: new chunking, new sync


@dataclass
class IndexSummary:
    """What a sync did; added, removed and unchanged count chunks, embedded counts new vectors."""

    documents: int
    chunks: int
    added: int
    removed: int
    unchanged: int
    seconds: float
    embedded: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, why) for unreadable files


def lexical_path(settings: Settings) -> Path:
    """Where the lexical store of this index lives (one file per Chroma store and collection)."""
    if not settings.chroma_url:
        return settings.data_dir / "lexical" / f"{settings.collection}.sqlite3"
    url = urlparse(settings.chroma_url)
    return settings.data_dir / "lexical" / f"{url.hostname}-{url.port or 0}-{settings.collection}.sqlite3"


def manifest_of(documents: Sequence[Document], skipped: Sequence[tuple[str, str]]) -> str:
    """One hash of every document's source and content hash (and what was skipped)."""
    digest = hashlib.sha256(CHUNKING.encode())
    for source, sha in sorted((d.source, d.sha256) for d in documents):
        digest.update(f"\x00{source}\x00{sha}".encode())
    for source, _ in sorted(skipped):
        digest.update(f"\x00skipped\x00{source}".encode())
    return digest.hexdigest()


def _read_store(path: Path) -> tuple[dict[str, str], dict[str, str], int]:
    """The lexical store's meta values, document hashes and chunk count, read with plain sqlite3
    (no numpy, no chromadb: this is all an unchanged `coach index` needs)."""
    if not path.is_file():
        return {}, {}, 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        docs = dict(db.execute("SELECT source, sha256 FROM docs"))
        return meta, docs, int(db.execute("SELECT count(*) FROM chunks").fetchone()[0])
    except sqlite3.Error:
        return {}, {}, 0  # not created yet, or from elsewhere: the sync will sort it out
    finally:
        db.close()


def indexed_chunks(settings: Settings) -> int:
    """How many chunks the local lexical store holds (0 when there is none), without opening Chroma."""
    return _read_store(lexical_path(settings))[2]


def _unchanged(settings: Settings, meta: dict[str, str], manifest: str) -> bool:
    """True when the embedded index was last synced with exactly these files and finished."""
    if settings.chroma_url or not (settings.chroma_path / "chroma.sqlite3").is_file():
        return False  # a shared server may have been changed from elsewhere: let the sync look
    return meta.get("manifest") == manifest and meta.get("writing") != "1"


@dataclass
class Plan:
    """What `coach index` found: the documents, what was skipped, their manifest, and a summary
    when nothing changed since the last sync (then Chroma need not be opened at all)."""

    documents: list[Document]
    skipped: list[tuple[str, str]]
    manifest: str
    start: float
    summary: IndexSummary | None = None


def plan_index(settings: Settings, reading: Progress | None = None) -> Plan:
    """Load the playbook and the user's folders (PDF, DOCX, PPTX, HTML, Markdown) and compare their
    manifest with the last sync's. A file that cannot be read is skipped with its reason."""
    start = time.perf_counter()
    documents = load_knowledge(settings.knowledge_dir).documents
    meta, known, held = _read_store(lexical_path(settings))
    skipped: list[tuple[str, str]] = []
    for extra in settings.knowledge_dirs:
        folder = load_folder(extra, f"{extra.name}/", known, settings.max_upload_bytes, progress=reading)
        documents += folder.documents
        skipped += folder.skipped
    plan = Plan(documents, skipped, manifest_of(documents, skipped), start)
    if _unchanged(settings, meta, plan.manifest):
        seconds = round(time.perf_counter() - start, 3)
        plan.summary = IndexSummary(len(documents), held, 0, 0, held, seconds, skipped=skipped)
    return plan
