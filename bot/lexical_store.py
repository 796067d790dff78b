"""The lexical side of the index, persisted: chunk rows with their terms in SQLite, BM25 in memory.

One SQLite file beside the Chroma store holds every chunk's text, metadata and term counts, the
documents' hashes, the manifest of the last sync and a change log. A process loads it once and
then follows the log, so adding or editing one document touches only that document's rows."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from bot.lexical import Bm25, term_counts

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocab(term TEXT PRIMARY KEY, tid INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS chunks(
  row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, dimension TEXT NOT NULL,
  embed_sha TEXT NOT NULL, meta TEXT NOT NULL, text TEXT NOT NULL, tids BLOB NOT NULL, tfs BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE INDEX IF NOT EXISTS chunks_embed ON chunks(embed_sha);
CREATE TABLE IF NOT EXISTS docs(source TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log(seq INTEGER PRIMARY KEY AUTOINCREMENT, row INTEGER NOT NULL, tids BLOB);
"""
BULK = 5000  # rows tokenised, written or loaded per slice: bounds memory at 100k chunks


@dataclass(frozen=True)
class Row:
    """A chunk as the lexical store keeps it (metadata as Chroma stores it)."""

    chunk_id: str
    text: str
    stored_meta: dict[str, Any] | str  # the metadata, or its JSON text until it is read

    @property
    def meta(self) -> dict[str, Any]:
        """The chunk's metadata: a search reads it only for the few rows it returns."""
        return json.loads(self.stored_meta) if isinstance(self.stored_meta, str) else self.stored_meta


class LexicalStore:
    """Chunk rows and term counts in SQLite, with an in-memory BM25 kept in step with the log."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._bm25 = Bm25()
        self._labels: dict[str, int] = {}
        self._state: tuple[str, str] = ("", "")  # (generation, revision) the memory reflects
        self._seq = 0
        self._seen: int | None = None  # PRAGMA data_version when the memory was last checked

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def get(self, key: str) -> str:
        """A value of the meta table ('' when unset)."""
        with self._lock:  # one connection, shared by the server's threads
            found = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(found[0]) if found else ""

    def _put(self, **values: str) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", values.items())

    def set_meta(self, **values: str) -> None:
        """Record values in the meta table (not part of the revision)."""
        with self._lock:
            self._put(**values)

    # ---- reading -------------------------------------------------------------------------------

    def doc_hashes(self) -> dict[str, str]:
        """source -> content hash of every document held."""
        return dict(self._db.execute("SELECT source, sha256 FROM docs"))

    def chunks_of(self, sources: Sequence[str]) -> dict[str, tuple[int, str]]:
        """chunk id -> (row, embedding-text hash) for the chunks of these sources."""
        out: dict[str, tuple[int, str]] = {}
        for i in range(0, len(sources), 500):
            part = list(sources[i : i + 500])
            marks = ",".join("?" * len(part))
            sql = f"SELECT chunk_id, row, embed_sha FROM chunks WHERE source IN ({marks})"
            out.update({cid: (row, sha) for cid, row, sha in self._db.execute(sql, part)})
        return out

    def ids_by_embed_sha(self, shas: Iterable[str]) -> dict[str, str]:
        """embedding-text hash -> one chunk id holding that text's vector."""
        wanted = [s for s in set(shas) if s]
        out: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            sql = f"SELECT embed_sha, chunk_id FROM chunks WHERE embed_sha IN ({','.join('?' * len(part))})"
            out.update(dict(self._db.execute(sql, part)))
        return out

    def rows(self, rows: Sequence[int]) -> dict[int, Row]:
        """The stored chunks of these rows."""
        marks = ",".join("?" * len(rows))
        sql = f"SELECT row, chunk_id, text, meta FROM chunks WHERE row IN ({marks})"
        return {r: Row(cid, text, meta) for r, cid, text, meta in self._db.execute(sql, list(rows))}

    def by_ids(self, chunk_ids: Sequence[str]) -> dict[str, Row]:
        """chunk id -> stored chunk, for the ids held."""
        marks = ",".join("?" * len(chunk_ids))
        sql = f"SELECT chunk_id, text, meta FROM chunks WHERE chunk_id IN ({marks})"
        with self._lock:
            return {cid: Row(cid, text, meta) for cid, text, meta in self._db.execute(sql, list(chunk_ids))}

    def share(self, dimensions: Sequence[str]) -> float:
        """The fraction of chunks in these dimensions."""
        with self._lock:
            self.refresh()
            bm25 = self._bm25
            if not bm25.count:
                return 0.0
            labels = [self._labels[d] for d in dimensions if d in self._labels]
            live = bm25.labels[: bm25.size][bm25.alive[: bm25.size]]
            return float(np.isin(live, labels).sum()) / bm25.count

    def sources_by_id(self) -> dict[str, str]:
        """chunk id -> source of every chunk held."""
        return dict(self._db.execute("SELECT chunk_id, source FROM chunks"))

    def stored_count(self) -> int:
        """Number of chunks in the file (without loading the BM25 index)."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def count(self) -> int:
        """Number of chunks held (as of the last refresh)."""
        with self._lock:
            self.refresh()
            return self._bm25.count

    def top(self, query: str, n: int, dimensions: Sequence[str] | None = None) -> list[tuple[Row, float]]:
        """The n best chunks for the query by BM25, optionally only in these dimensions."""
        with self._lock:
            self.refresh()
            labels = None if dimensions is None else [self._labels[d] for d in dimensions if d in self._labels]
            if labels == []:
                return []
            best = self._bm25.top(query, n, labels)
            found = self.rows([r for r, _ in best]) if best else {}
        return [(found[r], score) for r, score in best]

    # ---- following changes -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Bring the in-memory BM25 up to date with the file: follow the log, or reload."""
        with self._lock:
            # data_version moves only when another connection commits: most searches stop here
            seen = int(self._db.execute("PRAGMA data_version").fetchone()[0])
            if seen == self._seen and self._state != ("", ""):
                return
            state = (self.get("generation"), self.get("revision"))
            if state != self._state:
                if state[0] != self._state[0]:
                    self._load()
                else:
                    self._follow()
                self._state = state
            self._seen = seen

    def _load(self) -> None:
        self._bm25, self._labels = Bm25(), {}
        self._seq = int(self._db.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0])
        self._bm25.vocab = dict(self._db.execute("SELECT term, tid FROM vocab ORDER BY tid"))
        self._index_query("SELECT row, dimension, tids, tfs FROM chunks ORDER BY row")

    def _follow(self) -> None:
        vocab = self._db.execute("SELECT term, tid FROM vocab WHERE tid >= ?", (len(self._bm25.vocab),))
        self._bm25.vocab.update(dict(vocab))
        changes = self._db.execute("SELECT seq, row, tids FROM log WHERE seq > ? ORDER BY seq", (self._seq,)).fetchall()
        for _, row, tids in changes:
            if tids is not None:
                self._bm25.remove(row, np.frombuffer(tids, dtype=np.int32))
        added = [row for _, row, tids in changes if tids is None]
        if len(added) < 64:
            marks = ",".join("?" * len(added))
            self._index_rows(
                self._db.execute(
                    f"SELECT row, dimension, tids, tfs FROM chunks WHERE row IN ({marks})", added
                ).fetchall()
            )
        else:  # a bulk insert by another writer: its rows are the newest
            self._index_query("SELECT row, dimension, tids, tfs FROM chunks WHERE row >= ? ORDER BY row", [min(added)])
        self._seq = changes[-1][0] if changes else self._seq

    def _index_rows(self, got: list[tuple[int, str, bytes, bytes]], compact: bool = True) -> None:
        """Add stored rows to the BM25 index: one by one when few, in bulk when many."""
        if len(got) < 64:
            for row, dim, term_blob, tf_blob in got:
                label = self._labels.setdefault(dim, len(self._labels))
                ids, counts = np.frombuffer(term_blob, dtype=np.int32), np.frombuffer(tf_blob, dtype=np.int32)
                self._bm25.add(row, ids, counts, label)
            return
        rows = np.array([g[0] for g in got], dtype=np.int64)
        labels = np.array([self._labels.setdefault(g[1], len(self._labels)) for g in got], dtype=np.int32)
        tids = [np.frombuffer(g[2], dtype=np.int32) for g in got]
        tfs = [np.frombuffer(g[3], dtype=np.int32) for g in got]
        self._bm25.add_many(rows, tids, tfs, labels, compact=compact)

    def _index_query(self, sql: str, args: Sequence[Any] = ()) -> None:
        """Add the rows a query returns in slices (bounded memory) and merge the postings once."""
        cursor = self._db.execute(sql, list(args))
        while got := cursor.fetchmany(BULK):
            self._index_rows(got, compact=False)
        self._bm25.compact()

    # ---- writing ---------------------------------------------------------------------------------

    def write(
        self,
        added: Iterable[tuple[str, str, dict[str, Any], str]],
        removed: Sequence[str],
        docs: dict[str, str | None],
        revision: str,
        **meta: str,
    ) -> None:
        """One transaction: add (chunk id, text, metadata, lexical text) rows, remove chunk ids,
        set or drop (None) document hashes, and record the new revision and meta values.

        `added` is read a slice at a time, so a generator keeps 100k rows from being held at once.
        The in-memory BM25 is not loaded for a write: a process that only writes (`coach index`)
        never holds it, and one that also searches follows the change at its next search."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._remove(removed)
                self._add(added)
                self._db.executemany("DELETE FROM docs WHERE source = ?", [(s,) for s, h in docs.items() if h is None])
                upserts = [(s, h) for s, h in docs.items() if h is not None]
                self._db.executemany("INSERT OR REPLACE INTO docs(source, sha256) VALUES (?, ?)", upserts)
                self._put(revision=revision, writing="", **meta)
                self._db.execute("COMMIT")
                self._seen = None  # this connection's own commit does not move data_version
            except BaseException:
                self._db.execute("ROLLBACK")
                self._state = ("", "")  # reload from the file on next use
                raise

    def _remove(self, chunk_ids: Sequence[str]) -> None:
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i : i + 500])
            marks = ",".join("?" * len(part))
            gone = self._db.execute(f"SELECT row, tids FROM chunks WHERE chunk_id IN ({marks})", part).fetchall()
            self._db.executemany("INSERT INTO log(row, tids) VALUES (?, ?)", gone)
            self._db.execute(f"DELETE FROM chunks WHERE chunk_id IN ({marks})", part)

    def _vocab(self) -> dict[str, int]:
        """The file's vocabulary, read inside the write's transaction: the loaded one topped up with
        the terms others added since (term ids only grow within a generation), or all of it."""
        loaded = self._state != ("", "") and self._state[0] == self.get("generation")
        vocab = dict(self._bm25.vocab) if loaded else {}
        vocab.update(self._db.execute("SELECT term, tid FROM vocab WHERE tid >= ?", (len(vocab),)))
        return vocab

    def _add(self, added: Iterable[tuple[str, str, dict[str, Any], str]]) -> None:
        vocab = self._vocab()
        start = int(self._db.execute("SELECT coalesce(max(row), 0) FROM chunks").fetchone()[0])
        start = max(start, int(self._db.execute("SELECT coalesce(max(row), 0) FROM log").fetchone()[0]))
        rows = iter(added)
        while part := list(islice(rows, BULK)):
            records, before = [], len(vocab)
            for offset, (cid, text, meta, lexical_text) in enumerate(part, start + 1):
                terms, counts, _ = term_counts(lexical_text)
                tids = np.array([vocab.setdefault(t, len(vocab)) for t in terms], dtype=np.int32)
                row = (offset, cid, str(meta["source"]), str(meta["dimension"]), str(meta.get("embed_sha") or ""))
                blobs = (tids.tobytes(), np.asarray(counts, dtype=np.int32).tobytes())
                records.append((*row, json.dumps(meta), text, *blobs))
            start += len(part)
            fresh = [(t, i) for t, i in vocab.items() if i >= before]
            self._db.executemany("INSERT INTO vocab(term, tid) VALUES (?, ?)", fresh)
            self._db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", records)
            self._db.executemany("INSERT INTO log(row, tids) VALUES (?, NULL)", [(r[0],) for r in records])

    def begin_writing(self) -> str:
        """Mark the store as being changed (a crash before `write` leaves it marked) and return a revision."""
        self._put(writing="1")
        return uuid.uuid4().hex

    def reset(self) -> None:
        """Empty the store under a new generation (before a rebuild from Chroma)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            for table in ("vocab", "chunks", "docs", "log"):
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            self._db.execute("DELETE FROM meta")
            self._put(generation=uuid.uuid4().hex, writing="1")
            self._db.execute("COMMIT")
            self._state = ("", "")
