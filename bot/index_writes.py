"""Writing the index: chunk-level sync, vectors reused by content hash, batched Chroma inserts."""

from __future__ import annotations

import ctypes
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from bot.chunking import Chunk, chunk_document
from bot.indexing import IndexSummary
from bot.knowledge import Document

if TYPE_CHECKING:
    from bot.lexical_store import LexicalStore

Progress = Callable[[int, int], None]
EMBED_BATCH = 256  # chunks embedded between progress reports
WRITE_BATCH = 2048  # chunks per Chroma insert when the vectors are at hand (memory: see `_insert`)
GROUP_CHUNKS = 8192  # chunks a sync holds and commits at a time (~1.4 KB each as `Chunk`s)
GET_BATCH = 500


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    def embed(self, texts: list[str]) -> np.ndarray: ...


def ef_search_for(count: int) -> int:
    """HNSW search beam by collection size: exact at playbook scale, narrower (and fast) at wiki scale."""
    if count <= 5_000:
        return 200
    return 128 if count <= 20_000 else 64


def lexical_text(meta: dict[str, Any], text: str) -> str:
    """What BM25 reads of a chunk: its document title, its heading and its text."""
    return f"{meta['title']}\n{meta['section_title']}\n{text}"


CHROMA_KEYS = ("source", "dimension")  # what an embedded Chroma keeps of a chunk's metadata


def _row(chunk: Chunk) -> tuple[str, str, dict[str, Any], str]:
    meta: dict[str, Any] = chunk.metadata()
    return chunk.id, chunk.text, meta, lexical_text(meta, chunk.text)


class IndexWrites:
    """The writing half of PlaybookIndex (kept apart so each half stays readable)."""

    _collection: Any
    _where: str
    store: LexicalStore
    _torn = False  # a write began and did not finish in this process: repair before the next use

    def _guard(self) -> AbstractContextManager[None]:  # provided by PlaybookIndex
        raise NotImplementedError

    def _recheck(self) -> None:
        raise NotImplementedError

    @property
    def embedder(self) -> Embedder:
        raise NotImplementedError

    def sync(
        self,
        documents: Sequence[Document],
        progress: Progress | None = None,
        keep: frozenset[str] = frozenset(),
        manifest: str = "",
        group_chunks: int = GROUP_CHUNKS,
    ) -> IndexSummary:
        """Make the index match the documents. Unchanged documents are not read again; in a changed
        one only chunks whose text is new are embedded. Sources in `keep` (files that could not be
        read this time) keep what was indexed before.

        Documents are chunked and written a group at a time (whole documents, about `group_chunks`
        chunks), each group committed on its own: memory stays bounded at wiki scale, and a sync
        that dies part-way leaves the index consistent, with the finished groups recorded, so the
        next sync does only the documents it had not reached. The manifest is recorded last."""
        start = time.perf_counter()
        self._recheck()
        known = self.store.doc_hashes()
        wanted = {doc.source: doc for doc in documents}
        stale = {s for s, sha in known.items() if s not in keep and (s not in wanted or wanted[s].sha256 != sha)}
        fresh = [d for d in documents if d.source not in known or d.source in stale]
        gone = sorted(s for s in stale if s not in wanted)
        added = removed = embedded = seen = 0
        for docs, chunks, last in _groups(fresh, group_chunks):
            drop, gone = gone, []  # documents no longer there go with the first group
            seen += len(docs)
            if not (docs or drop or (last and manifest != self.store.get("manifest"))):
                continue
            group = _changes(drop, docs, chunks, self.store.chunks_of([*drop, *(d.source for d in docs)]))
            total = added + len(group[0])  # exact for the last group, extrapolated before it
            total = total if last else max(total, round(total * len(fresh) / max(seen, 1)))
            report = None if progress is None else _offset(progress, added, total)
            # only a full sync from `coach index` records a manifest, and only once it is complete
            embedded += self._write(*group, report, manifest=manifest if last else "")
            added, removed = added + len(group[0]), removed + len(group[1])
        count = self.store.stored_count()  # without loading BM25: a sync need not search
        return IndexSummary(
            documents=len(wanted),
            chunks=count,
            added=added,
            removed=removed,
            unchanged=count - added,
            seconds=round(time.perf_counter() - start, 3),
            embedded=embedded,
        )

    def update_documents(self, documents: Sequence[Document], progress: Progress | None = None) -> IndexSummary:
        """Add or replace these documents only; every other indexed document stays as it is."""
        others = frozenset(self.store.doc_hashes()) - {d.source for d in documents}
        return self.sync(documents, progress=progress, keep=others)

    def add_chunks(
        self, chunks: Sequence[Chunk], embeddings: np.ndarray | None = None, progress: Progress | None = None
    ) -> int:
        """Add chunks in batches: given vectors, or reused from chunks with the same text, or embedded.

        Returns how many were embedded; chunks already indexed are left as they are."""
        held = self.store.chunks_of(sorted({c.source for c in chunks}))
        new = [i for i, c in enumerate(chunks) if c.id not in held]
        vectors = embeddings[new] if embeddings is not None else None
        docs: dict[str, str | None] = {c.source: c.doc_sha256 for c in chunks}
        return self._write([chunks[i] for i in new], [], [], docs, progress, vectors=vectors)

    def _write(
        self,
        added: Sequence[Chunk],
        removed: Sequence[str],
        kept: Sequence[Chunk],
        docs: dict[str, str | None],
        progress: Progress | None,
        vectors: np.ndarray | None = None,
        manifest: str = "",
    ) -> int:
        """Change Chroma, then the lexical store in one transaction, then stamp both with one revision."""
        revision = self.store.begin_writing()  # a crash from here on leaves the store marked for a repair
        self._torn = True  # an exception from here on: this index repairs itself before it is used again
        embedded = self._insert(added, vectors, progress)
        with self._guard():
            for i in range(0, len(removed), WRITE_BATCH):
                self._collection.delete(ids=list(removed[i : i + WRITE_BATCH]))
            for i in range(0, len(kept), WRITE_BATCH):
                part = kept[i : i + WRITE_BATCH]
                self._collection.update(ids=[c.id for c in part], metadatas=self._chroma_metas(part))
        rows = (_row(c) for part in (added, kept) for c in part)  # built a slice at a time by the store
        # any write but the end of a full sync from `coach index` clears the manifest
        self.store.write(rows, [*removed, *(c.id for c in kept)], docs, revision, manifest=manifest)
        if self._where != "embedded":  # other machines learn of the change from the shared collection
            with self._guard():
                self._collection.modify(metadata={"revision": revision})
        self._torn = False
        self._tune(self.store.stored_count())
        return embedded

    def _insert(self, chunks: Sequence[Chunk], vectors: np.ndarray | None, progress: Progress | None) -> int:
        """Insert chunks into Chroma in large batches; returns how many had to be embedded.

        Chroma's `add` holds ~15 KB a chunk while it runs (its own copies of the batch): 60-75 MB
        above the resident size at 4,096 a batch, 33-44 MB at 2,048, 10-21 MB at 1,024, for the same
        CPU within noise (20k chunks, load 7-10)."""
        total, embedded = len(chunks), 0
        if progress:
            progress(0, total)
        reuse = {} if vectors is not None else self._reusable(chunks)
        step = WRITE_BATCH if vectors is not None else EMBED_BATCH
        for i in range(0, total, step):
            batch = chunks[i : i + step]
            if vectors is not None:
                part = vectors[i : i + step]
            else:
                part, fresh = self._vectors(batch, reuse)
                embedded += fresh
            with self._guard():
                self._collection.add(
                    ids=[c.id for c in batch],
                    # the texts live in the lexical store; a shared server keeps them too, for other machines
                    documents=None if self._where == "embedded" else [c.text for c in batch],
                    embeddings=part,  # type: ignore[arg-type]
                    metadatas=self._chroma_metas(batch),  # type: ignore[arg-type]
                )
            if total > step:
                _release_heap()
            if progress:
                progress(min(i + step, total), total)
        return embedded

    def _chroma_metas(self, chunks: Sequence[Chunk]) -> list[dict[str, str | int]]:
        """Chunk metadata as Chroma keeps it. The embedded store keeps only what its own filter and a
        rebuild of the lexical store read (the rest lives in the lexical store): Chroma's insert of
        100k chunks took 74 instead of 89 CPU-s. A shared server keeps it all, for other machines."""
        metas = [c.metadata() for c in chunks]
        if self._where != "embedded":
            return metas
        return [{key: meta[key] for key in CHROMA_KEYS} for meta in metas]

    def _vectors(self, batch: Sequence[Chunk], reuse: dict[str, np.ndarray]) -> tuple[np.ndarray, int]:
        """Vectors for a batch: reused where the same text is already indexed, embedded otherwise."""
        out = np.zeros((len(batch), 384), dtype=np.float32)
        todo = [i for i, c in enumerate(batch) if c.embed_sha not in reuse]
        for i, c in enumerate(batch):
            if c.embed_sha in reuse:
                out[i] = reuse[c.embed_sha]
        if todo:
            out[todo] = self.embedder.embed([batch[i].embed_text for i in todo])
        return out, len(todo)

    def _reusable(self, chunks: Sequence[Chunk]) -> dict[str, np.ndarray]:
        """embedding-text hash -> vector already in Chroma, for chunks whose text is indexed somewhere."""
        holders = self.store.ids_by_embed_sha(c.embed_sha for c in chunks)
        by_id = {cid: sha for sha, cid in holders.items()}
        out: dict[str, np.ndarray] = {}
        for ids in _batches(list(by_id), GET_BATCH):
            with self._guard():
                got = self._collection.get(ids=ids, include=["embeddings"])
            for cid, vector in zip(got["ids"], got["embeddings"] if got["embeddings"] is not None else [], strict=True):
                out[by_id[cid]] = np.asarray(vector, dtype=np.float32)
        return out

    def _tune(self, count: int) -> None:
        """Set the HNSW search beam for the collection's size, when it changes tier."""
        ef = ef_search_for(count)
        if self.store.get("ef_search") == str(ef):
            return
        with self._guard():
            self._collection.modify(configuration={"hnsw": {"ef_search": ef}})
        self.store.set_meta(ef_search=str(ef))


Changes = tuple[list[Chunk], list[str], list[Chunk], dict[str, str | None]]


def _groups(documents: Sequence[Document], size: int) -> Iterator[tuple[list[Document], list[Chunk], bool]]:
    """(documents, their chunks, whether it is the last group): whole documents, about `size` chunks a
    group (a longer document makes a group alone); one empty group when there are no documents."""
    docs: list[Document] = []
    chunks: list[Chunk] = []
    for n, doc in enumerate(documents, start=1):
        docs.append(doc)
        chunks += chunk_document(doc)
        if len(chunks) >= size or n == len(documents):
            yield docs, chunks, n == len(documents)
            docs, chunks = [], []
    if not documents:
        yield [], [], True


def _changes(drop: list[str], docs: list[Document], chunks: list[Chunk], old: dict[str, tuple[int, str]]) -> Changes:
    """What a group changes: chunks to add, chunk ids to remove, chunks kept (only the document hash
    moved), and the document hashes to set (or drop, None)."""
    new_ids = {c.id for c in chunks}
    hashes: dict[str, str | None] = {s: None for s in drop}
    hashes.update({d.source: d.sha256 for d in docs})
    added = [c for c in chunks if c.id not in old]
    kept = [c for c in chunks if c.id in old]  # same text and place
    return added, [cid for cid in old if cid not in new_ids], kept, hashes


def _offset(progress: Progress, before: int, total: int) -> Progress:
    """A group's progress as the whole sync's: chunks written before it, of the sync's (estimated) total."""
    return lambda done, _: progress(before + done, total)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to hand back this way
        return None


def _release_heap() -> None:
    """Hand the heap pages a bulk insert freed back to the OS. Embedded Chroma frees most of what each
    batch allocates, but glibc keeps the pages and the next batches stack on top of them: at 30k
    chunks the insert's peak fell from 409 to 367 MB with this, the resident size after from 365 to 295."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
