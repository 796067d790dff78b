"""Retrieval benchmark: Chroma insert time, query latency, one-document updates and peak memory.

Run: .venv/bin/python benchmarks/bench_retrieval.py --sizes 10000,100000 --json
Each size runs in its own subprocess so peak RSS is per size. Chunk vectors are composed from a
pool of really embedded sentences (embedding 100k chunks at ~100 chunks/s on 2 cores would take
a quarter of an hour), so `index_seconds` is the Chroma insert plus the lexical store; the real
embedding throughput is measured apart on up to --embed-max chunk texts. `--profile` prints where
the time of indexing and of hybrid queries goes (cProfile) to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chunking import Chunk, chunk_id  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.embeddings import get_embedder, get_query_vectors  # noqa: E402
from bot.index import PlaybookIndex, open_index  # noqa: E402
from bot.knowledge import DIMENSION_IDS, Document, FrontMatter  # noqa: E402

SUBJECTS = "the pilot team|our sponsor|the data platform|compliance|the model|support staff|the \
vendor|finance|the on-call engineer|the business owner|security|the product manager".split("|")
VERBS = "reviews|blocks|funds|monitors|ignores|owns|delays|migrates|audits|retrains|escalates|\
approves|integrates|measures".split("|")
OBJECTS = "the production pipeline|the ERP connector|drift alerts|the rollback plan|the audit \
trail|recurring costs|user training|the schema mapping|the evaluation harness|latency budgets|\
refund approvals|the core banking feed|the data contract|hallucination reports".split("|")
PLACES = "before launch|every week|after the demo|in month nine|during the rollout|at the \
review|in the notebook|across regions|for the EHR|in the warehouse".split("|")


def _rare_words(rng: random.Random, n: int = 5000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "tor", "vis", "pla", "dun", "sek", "ori", "bex", "qua"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(n)]


def _sentence(rng: random.Random, rare: list[str]) -> str:
    words = [rare[min(int(rng.paretovariate(1.2)) - 1, len(rare) - 1)] for _ in range(3)]
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(PLACES)]
    return f"{' '.join(parts)} with {' '.join(words)}.".capitalize()


def make_corpus(size: int, pool: list[str], seed: int = 7) -> tuple[list[Chunk], list[list[int]]]:
    """Chunks of three pool sentences each (~250 chars), ten per document, with their pool indices."""
    rng = random.Random(seed + size)
    chunks, members = [], []
    for n in range(size):
        picks = rng.sample(range(len(pool)), 3)
        text = " ".join(pool[i] for i in picks)
        source, section = f"doc{n // 10:05d}.md", f"section-{n % 10}"
        chunks.append(
            Chunk(
                id=chunk_id(source, section, n, text),
                text=text,
                embed_text=f"Synthetic {n // 10} > Section {n % 10}\n\n{text}",
                source=source,
                section=section,
                section_title=f"Section {n % 10}",
                title=f"Synthetic {n // 10}",
                dimension=DIMENSION_IDS[(n // 10) % len(DIMENSION_IDS)],
                doc_sha256="bench",
                ordinal=n % 10,
            )
        )
        members.append(picks)
    return chunks, members


def composed_vectors(members: list[list[int]], pool_vectors: np.ndarray, seed: int, step: int = 8192) -> np.ndarray:
    """Chunk vector = normalised sum of its sentences' real vectors plus a little noise.

    Composed a slice at a time in float32: at 100k chunks the whole-array version held the
    gathered (n, 3, 384) sentence vectors and float64 noise at once, 1 GB of the bench's peak."""
    rng = np.random.default_rng(seed)
    picks = np.asarray(members, dtype=np.int32)
    out = np.empty((len(picks), pool_vectors.shape[1]), dtype=np.float32)
    for i in range(0, len(picks), step):
        part = pool_vectors[picks[i : i + step]].sum(axis=1, dtype=np.float32)
        part += rng.normal(0, 0.02, part.shape).astype(np.float32)
        out[i : i + step] = part / np.linalg.norm(part, axis=1, keepdims=True)
    return out


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return round(statistics.median(ordered) * 1000, 2), round(p99 * 1000, 2)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _profiled(profile: bool, label: str, fn: Any, *args: Any) -> Any:
    if not profile:
        return fn(*args)
    prof = cProfile.Profile()
    result = prof.runcall(fn, *args)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(14)
    print(f"\n==== profile: {label} (by own time) ====\n{out.getvalue()}", file=sys.stderr)
    return result


def _timed(fn: Any, queries: list[str], cold: bool = True, **kw: Any) -> list[float]:
    """Wall time of each query. Cold (the default): the query-vector cache is emptied first and the
    queries are distinct, so no vector is reused; `cold=False` times repeats, reported apart."""
    if cold:
        get_query_vectors().clear()
    samples = []
    for query in queries:
        t0 = time.perf_counter()
        fn(query, **kw)
        samples.append(time.perf_counter() - t0)
    return samples


def _cpu_ms_per_query(fn: Any, queries: list[str], **kw: Any) -> float:
    """Mean process CPU per cold query (what load on a shared machine does not inflate)."""
    get_query_vectors().clear()
    start = time.process_time()
    for query in queries:
        fn(query, **kw)
    return round((time.process_time() - start) * 1000 / len(queries), 2)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _new_document(n: int, pool: list[str], rng: random.Random) -> Document:
    body = "\n\n".join(f"## Part {i}\n\n{' '.join(rng.sample(pool, 3))}" for i in range(10))
    meta = FrontMatter(id=f"new{n}", title=f"New document {n}", dimension="governance")
    return Document(path=Path(f"new{n}.md"), source=f"new{n}.md", meta=meta, body=body, sha256=_sha(body))


def _dense_recall(index: PlaybookIndex, qvecs: np.ndarray, vectors: np.ndarray, ids: list[str]) -> float:
    """Share of the exact 20 nearest neighbours the HNSW search returns (composed vectors known)."""
    exact = np.argsort(-(qvecs @ vectors.T), axis=1)[:, :20]
    found = 0
    for qv, truth in zip(qvecs, exact, strict=True):
        got = index._collection.query(query_embeddings=qv[None, :], n_results=20, include=[])
        found += len(set(got["ids"][0]) & {ids[i] for i in truth})
    return round(found / (20 * len(qvecs)), 4)


def run_one(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Benchmark one corpus size in this process; returns the figures as a dict."""
    rng = random.Random(size)
    rare = _rare_words(rng)
    pool = [_sentence(rng, rare) for _ in range(args.pool)]
    chunks, members = make_corpus(size, pool)
    embedder = get_embedder()
    embedder.embed(["warm up"])  # model load is not throughput
    pool_vectors = embedder.embed(pool)
    vectors = composed_vectors(members, pool_vectors, seed=size)
    row: dict[str, Any] = {"size": size, "load_avg_1m": round(os.getloadavg()[0], 2)}
    if args.embed_max:
        sample = [c.embed_text for c in chunks[: args.embed_max]]
        start = time.perf_counter()
        embedder.embed(sample)
        row["embed_chunks_per_s"] = round(len(sample) / (time.perf_counter() - start), 1)
    with tempfile.TemporaryDirectory() as tmp:
        where = {"chroma_url": args.chroma_url, "collection": f"bench{size}"}
        settings = Settings(data_dir=Path(tmp), knowledge_dirs=[], **where)
        index = open_index(settings)
        start, cpu = time.perf_counter(), _cpu_seconds()
        _profiled(args.profile, f"index {size}", index.add_chunks, chunks, vectors)
        row["index_seconds"] = round(time.perf_counter() - start, 2)
        row["index_cpu_seconds"] = round(_cpu_seconds() - cpu, 2)
        start = time.perf_counter()
        index = open_index(settings)  # a fresh process: loads the persisted BM25
        index.search("warm up the search path", k=5)
        row["open_and_first_search_s"] = round(time.perf_counter() - start, 2)
        queries = list(dict.fromkeys(" ".join(rng.choice(pool).split()[:8]) for _ in range(3 * args.queries)))
        queries = queries[: args.queries]  # distinct: no query is answered from a warm cache
        latency = {mode: _percentiles(_timed(index.search, queries, k=5, mode=mode)) for mode in ("dense", "lexical")}
        row["hybrid_p50_ms"], row["hybrid_p99_ms"] = _percentiles(_timed(index.search, queries, k=5))
        filtered = _timed(index.search, queries[: args.queries // 2], k=5, dimension="governance")
        row["filtered_p50_ms"], row["filtered_p99_ms"] = _percentiles(filtered)
        row["dense_p50_ms"], row["lexical_p50_ms"] = latency["dense"][0], latency["lexical"][0]
        row["hybrid_cpu_ms"] = _cpu_ms_per_query(index.search, queries, k=5)
        embedder = index.embedder
        row["query_embed_cpu_ms"] = _cpu_ms_per_query(lambda q: embedder.embed([q]), queries)
        for query in queries:  # repeats: every vector now comes from the query-vector cache
            index.search(query, k=5)
        row["hybrid_warm_p50_ms"] = _percentiles(_timed(index.search, queries, cold=False, k=5))[0]
        start = time.process_time()
        for query in queries:
            index.search(query, k=5)
        row["hybrid_warm_cpu_ms"] = round((time.process_time() - start) * 1000 / len(queries), 2)
        if args.profile:
            for mode in ("dense", "hybrid"):  # cold, like the timings
                get_query_vectors().clear()
                _profiled(True, f"{mode} {size}", lambda m=mode: [index.search(q, k=5, mode=m) for q in queries])
        qvecs = composed_vectors([rng.sample(range(len(pool)), 3) for _ in range(50)], pool_vectors, seed=1)
        row["dense_recall_at_20"] = _dense_recall(index, qvecs, vectors, [c.id for c in chunks])
        doc = _new_document(1, pool, rng)
        start = time.perf_counter()
        index.update_documents([doc])
        hit = index.search(doc.body.split("\n\n")[1], k=1, mode="lexical")  # the next search sees it
        row["add_one_doc_s"] = round(time.perf_counter() - start, 3)
        edited = _new_document(1, pool, rng)
        start = time.perf_counter()
        index.update_documents([edited])
        index.search("edited", k=1, mode="lexical")
        row["edit_one_doc_s"] = round(time.perf_counter() - start, 3)
        row["new_doc_found"] = bool(hit and hit[0].source == doc.source)
        row["chunks_after"] = index.count()
        index.close()
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def _print_table(rows: list[dict[str, Any]]) -> None:
    keys = ["size", "load_avg_1m", "hybrid_p50_ms", "hybrid_p99_ms", "hybrid_cpu_ms", "hybrid_warm_p50_ms"]
    keys += ["hybrid_warm_cpu_ms"]
    keys += ["query_embed_cpu_ms", "filtered_p50_ms", "dense_p50_ms", "lexical_p50_ms"]
    keys += ["add_one_doc_s", "edit_one_doc_s", "index_seconds", "dense_recall_at_20", "peak_rss_mb"]
    print(" | ".join(keys))
    for r in rows:
        print(" | ".join(str(r.get(k, "")) for k in keys))


def main() -> None:
    """Run each size in a fresh subprocess; print a table, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pool", type=int, default=1000, help="real sentences for composing vectors")
    parser.add_argument("--embed-max", type=int, default=0, help="measure real embedding on this many chunks")
    parser.add_argument("--chroma-url", default=None, help="a running Chroma server (default: embedded)")
    parser.add_argument("--profile", action="store_true", help="cProfile indexing and queries to stderr")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args)))
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(size), "--queries", str(args.queries), "--pool", str(args.pool)]
        cmd += ["--embed-max", str(args.embed_max)] + (["--profile"] if args.profile else [])
        cmd += ["--chroma-url", args.chroma_url] if args.chroma_url else []
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(f"done {size}: {rows[-1]}", file=sys.stderr)
    if args.json:
        print(json.dumps({"sizes": rows}))
    else:
        _print_table(rows)


if __name__ == "__main__":
    main()
