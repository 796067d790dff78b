"""The playbook index: chunks in Chroma (dense) plus a persisted, incremental BM25 (lexical), fused."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlparse

import numpy as np

from bot.config import Settings
from bot.embeddings import QueryVectors, ReadinessEmbeddingFunction, get_embedder, get_query_vectors
from bot.errors import ConfigError, ServiceUnavailable
from bot.index_writes import Embedder, IndexWrites, lexical_text
from bot.indexing import IndexSummary, Plan, lexical_path, plan_index
from bot.lexical import reciprocal_rank_fusion
from bot.lexical_store import LexicalStore, Row

Mode = Literal["hybrid", "dense", "lexical"]
Progress = Callable[[int, int], None]
Scored = tuple[Row, float]  # a chunk and its score in one leg
RRF_K = 60
PAGE = 2000
MIN_SHARE = 0.05  # below this share of the chunks, a dimension filter goes straight to Chroma
MAX_WIDE = 400
BLANK_META = {"section": "", "section_title": "", "title": ""}  # until the next sync reads the document
RECHECK_SECONDS = 2.0  # how stale a Chroma server's view may get before the lexical side re-checks it


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


def _dimension_filter(dims: list[str] | None) -> dict[str, Any] | None:
    if dims is None:
        return None
    return {"dimension": dims[0]} if len(dims) == 1 else {"dimension": {"$in": dims}}


class PlaybookIndex(IndexWrites):
    """Chunks of the playbook in a Chroma collection, searchable dense, lexical or hybrid."""

    def __init__(
        self,
        client: Any,
        collection_name: str,
        store: LexicalStore,
        where: str = "embedded",
        embedder: Embedder | None = None,
        query_vectors: QueryVectors | None = None,
    ) -> None:
        self._client = client
        self._query_vectors = query_vectors or get_query_vectors()
        self._name = collection_name
        self._where = where
        self._ef = ReadinessEmbeddingFunction()
        self._embedder = embedder
        self.store = store
        self._checked = 0.0
        self._legs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lexical-leg")
        with self._guard():
            self._collection = client.get_or_create_collection(
                collection_name,
                embedding_function=self._ef,
                # ef_search starts wide (exact at playbook scale) and narrows as the collection grows;
                # ef_construction 64 (not 128): 100k chunks insert in 54 s instead of 65 s, recall@20 0.997
                configuration={"hnsw": {"space": "cosine", "ef_construction": 64, "ef_search": 200, "num_threads": 2}},
            )
        self._check_lexical(self._collection)

    @property
    def embedder(self) -> Embedder:
        """The embedding model (the process-wide MiniLM unless one was given)."""
        return self._embedder or get_embedder()

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
        """Number of chunks in the index (read from the lexical store's file, without loading BM25)."""
        self._recheck()
        return self.store.stored_count()

    def known_hashes(self) -> dict[str, str]:
        """source -> content hash of every document the index holds."""
        return self.store.doc_hashes()

    # ---- keeping the lexical side in step with Chroma --------------------------------------------

    def _check_lexical(self, collection: Any) -> None:
        """Rebuild the lexical store from Chroma when it does not match the collection (first use of
        an index built before it existed, a crash mid-write, or a write by another machine)."""
        revision = str((collection.metadata or {}).get("revision") or "")
        if self._where == "embedded" and self.store.stored_count():
            # the store beside an embedded Chroma commits last: it says what happened
            if self.store.get("writing") == "1" or self.store.stored_count() != self._chroma_count():
                self._roll_back(revision)
        else:
            store_ok = self.store.get("revision") == revision and self.store.get("writing") != "1"
            if not revision:  # written by an older coach, or never: only the counts can tell
                store_ok = store_ok and self.store.stored_count() == self._chroma_count()
            if not store_ok:
                self._rebuild_lexical(revision)
        self._checked, self._torn = time.monotonic(), False

    def _roll_back(self, revision: str) -> None:
        """After a crash mid-write, bring Chroma back to the lexical store (which commits last): drop
        vectors it does not know, and forget the documents whose vectors went, so a sync redoes them."""
        stored = self.store.sources_by_id()
        held: set[str] = set()
        with self._guard():
            for offset in range(0, self._collection.count(), PAGE):
                held.update(self._collection.get(include=[], limit=PAGE, offset=offset)["ids"])
            extra = sorted(held - stored.keys())
            for i in range(0, len(extra), PAGE):
                self._collection.delete(ids=extra[i : i + PAGE])
        missing = sorted(stored.keys() - held)
        self.store.write([], missing, {stored[cid]: "" for cid in missing}, self.store.get("revision") or revision)

    def _recheck(self) -> None:
        if not self._torn and (self._where == "embedded" or time.monotonic() - self._checked < RECHECK_SECONDS):
            return
        with self._guard():
            if self._where == "embedded":  # only after a write of this process failed part-way
                self._check_lexical(self._collection)
            else:
                self._check_lexical(self._client.get_collection(self._name, embedding_function=self._ef))

    def _chroma_count(self) -> int:
        with self._guard():
            return int(self._collection.count())

    def _rebuild_lexical(self, revision: str) -> None:
        self.store.reset()
        added: list[tuple[str, str, dict[str, Any], str]] = []
        docs: dict[str, str | None] = {}
        with self._guard():
            total = self._collection.count()
            for offset in range(0, total, PAGE):
                got = self._collection.get(include=["metadatas", "documents"], limit=PAGE, offset=offset)
                texts = got["documents"] or [None] * len(got["ids"])
                for cid, held, doc in zip(got["ids"], got["metadatas"] or [], texts, strict=True):
                    meta = {**BLANK_META, **dict(held)}  # an embedded store keeps only source and dimension
                    added.append((cid, doc or "", meta, lexical_text(meta, doc or "")))
                    # a text the embedded store does not keep in Chroma is read again on the next sync
                    docs[str(meta["source"])] = str(meta.get("doc_sha256") or "") if doc is not None else ""
        self.store.write(added, [], docs, revision)

    # ---- searching -----------------------------------------------------------------------------

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
        dims = [dimension] if isinstance(dimension, str) else (list(dimension) or None) if dimension else None
        self._recheck()
        if mode == "dense":
            return self._dense(query, k, dims)
        if mode == "lexical":
            return self._lexical(query, k, dims)
        candidates = max(4 * k, 20)
        total = self.store.count()  # read before the legs part: the lexical leg holds the store's lock
        # the lexical leg runs on another thread while this one embeds the query (onnxruntime lets go of
        # the GIL); when that thread has not started it by the time the dense leg is done, it runs here
        pending = self._legs.submit(self._lexical_rows, query, candidates, dims)
        dense = self._dense_rows(query, candidates, dims, k, total)
        lexical = self._lexical_rows(query, candidates, dims) if pending.cancel() else pending.result()
        by_id = {row.chunk_id: row for row, _ in [*lexical, *dense]}
        rankings = [[row.chunk_id for row, _ in dense], [row.chunk_id for row, _ in lexical]]
        return [_passage(by_id[cid], score) for cid, score in reciprocal_rank_fusion(rankings, k=RRF_K)[:k]]

    def _dense(self, query: str, n: int, dims: list[str] | None) -> list[Passage]:
        return [_passage(row, score) for row, score in self._dense_rows(query, n, dims, None, self.store.count())]

    def _dense_rows(self, query: str, n: int, dims: list[str] | None, need: int | None, total: int) -> list[Scored]:
        """The n nearest chunks (in the dimensions) of `total`; a filtered hybrid search needs only `need`."""
        if total == 0:
            return []
        vector = self._query_vectors.vector(self.embedder, query)
        share = 1.0 if dims is None else self.store.share(dims)
        if share == 0.0:
            return []
        if dims is None or share < MIN_SHARE:
            return self._query(vector, min(n, total), dims)
        # Chroma's metadata filter costs tens of times an unfiltered search at 100k chunks: ask the
        # unfiltered index for enough neighbours that n of them should be in the dimensions, and
        # let Chroma filter only when they are not
        wide = self._query(vector, min(math.ceil(n / share), MAX_WIDE, total), None)
        inside = [(row, score) for row, score in wide if row.meta["dimension"] in dims][:n]
        enough = min(need or n, round(share * total))
        return inside if len(inside) >= enough else self._query(vector, min(n, total), dims)

    def _query(self, vector: np.ndarray, n: int, dims: list[str] | None) -> list[Scored]:
        """Ask Chroma for neighbours; their texts and metadata come from the lexical store (a Chroma
        server also returns them, for chunks another machine added since the store last looked)."""
        remote = self._where != "embedded"
        with self._guard():
            got = self._collection.query(
                query_embeddings=vector,  # type: ignore[arg-type]
                n_results=n,
                where=_dimension_filter(dims),
                include=["distances", "metadatas", "documents"] if remote else ["distances"],  # type: ignore[list-item]
            )
        ids, dists = got["ids"][0], got["distances"]
        assert dists is not None
        rows = self.store.by_ids(ids)
        if remote and got["metadatas"] is not None and got["documents"] is not None:
            for cid, meta, doc in zip(ids, got["metadatas"][0], got["documents"][0], strict=True):
                rows.setdefault(cid, Row(cid, str(doc or ""), dict(meta)))
        return [(rows[cid], 1.0 - float(d)) for cid, d in zip(ids, dists[0], strict=True) if cid in rows]

    def _lexical(self, query: str, n: int, dims: list[str] | None) -> list[Passage]:
        return [_passage(row, score) for row, score in self._lexical_rows(query, n, dims)]

    def _lexical_rows(self, query: str, n: int, dims: list[str] | None) -> list[Scored]:
        return self.store.top(query, n, dims)

    def close(self) -> None:
        """Stop the lexical leg's thread and close the lexical store."""
        self._legs.shutdown(wait=True)
        self.store.close()


def _passage(row: Row, score: float) -> Passage:
    meta = row.meta
    return Passage(
        text=row.text,
        source=str(meta["source"]),
        section=str(meta["section"]),
        section_title=str(meta["section_title"]),
        title=str(meta["title"]),
        dimension=str(meta["dimension"]),
        score=round(score, 6),
        chunk_id=row.chunk_id,
        location=str(meta.get("location") or ""),
    )


def _unreachable(where: str) -> str:
    if where == "embedded":
        return "The local Chroma store cannot be opened: check COACH_DATA_DIR is writable."
    return f"Cannot reach the Chroma server at {where}: start it or unset COACH_CHROMA_URL."


def open_index(settings: Settings, embedder: Embedder | None = None) -> PlaybookIndex:
    """Open the index: embedded Chroma under the data dir, or a server at COACH_CHROMA_URL."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    store = LexicalStore(lexical_path(settings))
    if not settings.chroma_url:
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
        return PlaybookIndex(client, settings.collection, store, embedder=embedder)
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
        store.close()
        raise ServiceUnavailable(_unreachable(settings.chroma_url)) from exc
    return PlaybookIndex(client, settings.collection, store, where=settings.chroma_url, embedder=embedder)


def run_plan(settings: Settings, plan: Plan, progress: Progress | None = None) -> IndexSummary:
    """Sync the index with a plan's documents (nothing to do when the plan found no change)."""
    if plan.summary is not None:
        return plan.summary
    index = open_index(settings)
    try:
        keep = frozenset(source for source, _ in plan.skipped)
        summary = index.sync(plan.documents, progress=progress, keep=keep, manifest=plan.manifest)
    finally:
        index.close()
    summary.skipped = plan.skipped
    summary.seconds = round(time.perf_counter() - plan.start, 3)
    return summary


def index_knowledge(
    settings: Settings, progress: Progress | None = None, reading: Progress | None = None
) -> IndexSummary:
    """Load the playbook and the user's folders and sync the index; a file that cannot be read is
    skipped with its reason, and keeps what was indexed before."""
    return run_plan(settings, plan_index(settings, reading), progress)


__all__ = ["IndexSummary", "Passage", "PlaybookIndex", "index_knowledge", "open_index", "run_plan"]
