"""The playbook index: chunks in Chroma (dense) plus BM25 over the same texts, fused."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlparse

import numpy as np

from bot.chunking import Chunk, chunk_document
from bot.config import Settings
from bot.documents.folders import load_folder
from bot.embeddings import ReadinessEmbeddingFunction, get_embedder
from bot.errors import ConfigError, ServiceUnavailable
from bot.knowledge import Document, load_knowledge
from bot.lexical import LexicalIndex, reciprocal_rank_fusion

Mode = Literal["hybrid", "dense", "lexical"]
Progress = Callable[[int, int], None]
RRF_K = 60
ADD_BATCH = 128
PAGE = 2000


@dataclass
class Passage:
    """A retrieved playbook passage with where it comes from and its score."""

    text: str
    source: str
    section: str
    section_title: str
    title: str
    dimension: str
    score: float
    chunk_id: str
    location: str = ""  # 'p.3' or 'slide 7' when the passage comes from a PDF or a deck


@dataclass
class IndexSummary:
    """What a sync did; added, removed and unchanged count chunks."""

    documents: int
    chunks: int
    added: int
    removed: int
    unchanged: int
    seconds: float
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, why) for unreadable files


def _dimension_filter(dimension: str | Sequence[str] | None) -> dict[str, Any] | None:
    if dimension is None:
        return None
    if isinstance(dimension, str):
        return {"dimension": dimension}
    dims = list(dimension)
    return {"dimension": dims[0]} if len(dims) == 1 else {"dimension": {"$in": dims}}


class PlaybookIndex:
    """Chunks of the playbook in a Chroma collection, searchable dense, lexical or hybrid."""

    def __init__(self, client: Any, collection_name: str, where: str = "embedded") -> None:
        self._client = client
        self._name = collection_name
        self._where = where
        self._ef = ReadinessEmbeddingFunction()
        self._lexical: LexicalIndex | None = None
        self._rebuild_lock = threading.Lock()
        self._metas: dict[str, dict[str, Any]] = {}
        self._texts: dict[str, str] = {}
        self._dims = np.array([], dtype=str)  # dimension of each lexical row, for filters
        with self._guard():
            self._collection = client.get_or_create_collection(
                collection_name,
                embedding_function=self._ef,
                # a wide search beam and single-threaded inserts: at playbook scale (hundreds to a
                # few thousand chunks) that makes the approximate search exact and repeatable
                configuration={"hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": 200, "num_threads": 1}},
            )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn a lost connection to a Chroma server into one actionable sentence."""
        try:
            yield
        except Exception as exc:
            if isinstance(exc, OSError) or type(exc).__module__.startswith("httpx"):
                raise ServiceUnavailable(_unreachable(self._where)) from exc
            raise

    def ping(self) -> None:
        """Check the store answers; raise ServiceUnavailable otherwise."""
        with self._guard():
            self._client.heartbeat()

    def count(self) -> int:
        """Number of chunks in the index."""
        with self._guard():
            return int(self._collection.count())

    def _existing(self) -> dict[str, tuple[str, list[str]]]:
        """source -> (document hash, chunk ids) for what the collection holds now."""
        found: dict[str, tuple[str, list[str]]] = {}
        for ids, metas, _ in self._pages(include=["metadatas"]):
            for cid, meta in zip(ids, metas, strict=True):
                sha, cids = found.setdefault(str(meta["source"]), (str(meta["doc_sha256"]), []))
                cids.append(cid)
        return found

    def _pages(self, include: list[str]) -> Iterator[tuple[list[str], list[Any], list[Any]]]:
        with self._guard():
            total = self._collection.count()
            for offset in range(0, total, PAGE):
                got = self._collection.get(include=include, limit=PAGE, offset=offset)
                metas = got.get("metadatas") or [{}] * len(got["ids"])
                docs = got.get("documents") or [""] * len(got["ids"])
                yield list(got["ids"]), list(metas), list(docs)

    def known_hashes(self) -> dict[str, str]:
        """source -> content hash of every document the index holds."""
        return {source: sha for source, (sha, _) in self._existing().items()}

    def sync(
        self, documents: Sequence[Document], progress: Progress | None = None, keep: frozenset[str] = frozenset()
    ) -> IndexSummary:
        """Make the index match the documents; unchanged documents are not re-embedded, and the
        sources in `keep` (files that could not be read this time) keep what was indexed before."""
        start = time.perf_counter()
        existing = self._existing()
        wanted = {doc.source: doc for doc in documents}
        stale = [
            s for s, (sha, _) in existing.items() if s not in keep and (s not in wanted or wanted[s].sha256 != sha)
        ]
        fresh = [d for d in documents if d.source not in existing or d.source in stale]
        removed_ids = [cid for s in stale for cid in existing[s][1]]
        new_chunks = [c for d in fresh for c in chunk_document(d)]
        with self._guard():
            for i in range(0, len(removed_ids), PAGE):
                self._collection.delete(ids=removed_ids[i : i + PAGE])
        self.add_chunks(new_chunks, progress=progress)
        if removed_ids or new_chunks:
            self._touch()
        unchanged = sum(len(ids) for s, (_, ids) in existing.items() if s not in stale)
        return IndexSummary(
            documents=len(wanted),
            chunks=self.count(),
            added=len(new_chunks),
            removed=len(removed_ids),
            unchanged=unchanged,
            seconds=round(time.perf_counter() - start, 3),
        )

    def add_chunks(
        self,
        chunks: Sequence[Chunk],
        embeddings: np.ndarray | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Embed (unless vectors are given) and add chunks in batches, reporting progress."""
        total = len(chunks)
        for i in range(0, total, ADD_BATCH):
            batch = chunks[i : i + ADD_BATCH]
            if embeddings is not None:
                vectors = embeddings[i : i + ADD_BATCH]
            else:
                vectors = get_embedder().embed([c.embed_text for c in batch])
            with self._guard():
                self._collection.upsert(
                    ids=[c.id for c in batch],
                    documents=[c.text for c in batch],
                    embeddings=vectors,  # type: ignore[arg-type]
                    metadatas=[c.metadata() for c in batch],  # type: ignore[misc]
                )
            if progress:
                progress(min(i + ADD_BATCH, total), total)
        self._lexical = None
        if progress and not total:
            progress(0, 0)

    def _touch(self) -> None:
        """Record a new revision so other processes rebuild their BM25 cache."""
        with self._guard():
            self._collection.modify(metadata={"revision": uuid.uuid4().hex})

    def _revision(self) -> tuple[object, int]:
        with self._guard():
            fresh = self._client.get_collection(self._name, embedding_function=self._ef)
            return (fresh.metadata or {}).get("revision"), int(fresh.count())

    def _lexical_index(self) -> tuple[LexicalIndex, dict[str, dict[str, Any]], dict[str, str]]:
        """BM25 over the chunk texts stored in Chroma, cached until the index changes.

        Built into locals and swapped in under a lock: concurrent searches on a freshly opened
        index must never see half-filled tables (they raised KeyError)."""
        fingerprint = self._revision()
        with self._rebuild_lock:
            if self._lexical is None or self._lexical.fingerprint != fingerprint:
                ids: list[str] = []
                texts: list[str] = []
                metas: dict[str, dict[str, Any]] = {}
                chunk_texts: dict[str, str] = {}
                for page_ids, page_metas, docs in self._pages(include=["metadatas", "documents"]):
                    for cid, meta, doc in zip(page_ids, page_metas, docs, strict=True):
                        ids.append(cid)
                        texts.append(f"{meta['title']}\n{meta['section_title']}\n{doc}")
                        metas[cid], chunk_texts[cid] = dict(meta), str(doc)
                self._dims = np.array([metas[cid]["dimension"] for cid in ids], dtype=str)
                self._metas, self._texts = metas, chunk_texts
                self._lexical = LexicalIndex(ids, texts, fingerprint)
            return self._lexical, self._metas, self._texts

    def search(
        self,
        query: str,
        k: int = 5,
        dimension: str | Sequence[str] | None = None,
        mode: Mode = "hybrid",
    ) -> list[Passage]:
        """The k best passages for the query, optionally limited to dimensions."""
        if mode not in ("hybrid", "dense", "lexical"):
            raise ConfigError(f"Unknown search mode {mode!r}: use hybrid, dense or lexical.")
        if not query.strip() or k <= 0:
            return []
        if dimension is not None and not isinstance(dimension, str):
            dimension = list(dimension) or None  # an empty list means no filter
        where = _dimension_filter(dimension)
        candidates = max(4 * k, 20)
        if mode == "dense":
            return self._dense(query, k, where)
        lexical = self._lexical_top(query, candidates if mode == "hybrid" else k, dimension)
        if mode == "lexical":
            return lexical
        dense = self._dense(query, candidates, where)
        by_id = {p.chunk_id: p for p in [*lexical, *dense]}
        fused = reciprocal_rank_fusion([[p.chunk_id for p in dense], [p.chunk_id for p in lexical]], k=RRF_K)
        return [replace(by_id[cid], score=round(score, 6)) for cid, score in fused[:k]]

    def _dense(self, query: str, n: int, where: dict[str, Any] | None) -> list[Passage]:
        total = self.count()
        if total == 0:
            return []
        vector = get_embedder().embed([query])
        with self._guard():
            got = self._collection.query(
                query_embeddings=vector,  # type: ignore[arg-type]
                n_results=min(n, total),
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        docs, metas, dists = got["documents"], got["metadatas"], got["distances"]
        assert docs is not None and metas is not None and dists is not None
        rows = zip(got["ids"][0], docs[0], metas[0], dists[0], strict=True)
        return [_passage(cid, doc, meta, 1.0 - float(dist)) for cid, doc, meta, dist in rows]

    def _lexical_top(self, query: str, n: int, dimension: str | Sequence[str] | None) -> list[Passage]:
        lexical, metas, texts = self._lexical_index()
        allowed = None
        if dimension is not None:
            dims = [dimension] if isinstance(dimension, str) else list(dimension)
            allowed = np.isin(self._dims, dims)
        top = lexical.top(query, n, allowed)
        return [_passage(cid, texts[cid], metas[cid], score) for cid, score in top]


def _passage(cid: str, text: Any, meta: Any, score: float) -> Passage:
    return Passage(
        text=str(text),
        source=str(meta["source"]),
        section=str(meta["section"]),
        section_title=str(meta["section_title"]),
        title=str(meta["title"]),
        dimension=str(meta["dimension"]),
        score=round(score, 6),
        chunk_id=cid,
        location=str(meta.get("location") or ""),
    )


def _unreachable(where: str) -> str:
    if where == "embedded":
        return "The local Chroma store cannot be opened: check COACH_DATA_DIR is writable."
    return f"Cannot reach the Chroma server at {where}: start it or unset COACH_CHROMA_URL."


def open_index(settings: Settings) -> PlaybookIndex:
    """Open the index: embedded Chroma under the data dir, or a server at COACH_CHROMA_URL."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
        return PlaybookIndex(client, settings.collection)
    url = urlparse(settings.chroma_url)
    ssl = url.scheme == "https"
    try:
        client = chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if ssl else 8000),
            ssl=ssl,
            settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises ValueError/httpx errors on a dead server
        raise ServiceUnavailable(_unreachable(settings.chroma_url)) from exc
    return PlaybookIndex(client, settings.collection, where=settings.chroma_url)


def index_knowledge(
    settings: Settings, progress: Progress | None = None, reading: Progress | None = None
) -> IndexSummary:
    """Load the playbook and the user's folders (PDF, DOCX, PPTX, HTML, Markdown) and sync the index.

    A user file that cannot be read is skipped with its reason, and keeps what was indexed before."""
    documents = load_knowledge(settings.knowledge_dir).documents
    index = open_index(settings)
    known = index.known_hashes()
    skipped: list[tuple[str, str]] = []
    for extra in settings.knowledge_dirs:
        folder = load_folder(extra, f"{extra.name}/", known, settings.max_upload_bytes, progress=reading)
        documents += folder.documents
        skipped += folder.skipped
    summary = index.sync(documents, progress=progress, keep=frozenset(source for source, _ in skipped))
    summary.skipped = skipped
    return summary
