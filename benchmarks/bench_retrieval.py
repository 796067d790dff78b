"""Retrieval benchmark: Chroma insert time, query latency, one-document updates and peak memory.

Run: .venv/bin/python benchmarks/bench_retrieval.py --sizes 10000,100000 --json
Each size runs in its own subprocess so peak RSS is per size. Chunk vectors are composed from a
pool of really embedded sentences (embedding 100k chunks at ~100 chunks/s on 2 cores would take
a quarter of an hour), so `index_seconds` is the Chroma insert plus the lexical store; the real
embedding throughput is measured apart on up to --embed-max chunk texts. `--profile` prints where
the time of indexing and of dense, lexical and hybrid queries goes (cProfile, timed by the process's
CPU in all its threads, which a loaded machine does not inflate) to stderr.
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
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_corpus import Nearest, Synthetic, composed_vectors, corpus, synthetic  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.embeddings import get_embedder, get_query_vectors  # noqa: E402
from bot.index import PlaybookIndex, open_index  # noqa: E402
from bot.knowledge import Document, FrontMatter  # noqa: E402


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return round(statistics.median(ordered) * 1000, 2), round(p99 * 1000, 2)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> tuple[float, float]:
    """This process's resident size now and its peak so far (VmRSS, VmHWM), in MB."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return round(int(status["VmRSS"].split()[0]) / 1024, 1), round(int(status["VmHWM"].split()[0]) / 1024, 1)


def _print_profile(prof: cProfile.Profile, label: str) -> None:
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(14)
    print(f"\n==== profile: {label} (by own time) ====\n{out.getvalue()}", file=sys.stderr)


def _profiled(profile: bool, label: str, fn: Any, *args: Any) -> Any:
    if not profile:
        return fn(*args)
    prof = cProfile.Profile(time.process_time)
    result = prof.runcall(fn, *args)
    _print_profile(prof, label)
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


def _dense_recall(index: PlaybookIndex, nearest: Nearest) -> float:
    """Share of the exact 20 nearest neighbours the HNSW search returns (composed vectors known)."""
    found = 0
    for qv, truth in zip(nearest.queries, nearest.ids, strict=True):
        got = index._collection.query(query_embeddings=qv[None, :], n_results=20, include=[])
        found += len(set(got["ids"][0]) & set(truth))
    return round(found / (20 * len(nearest.queries)), 4)


def _insert(index: PlaybookIndex, synth: Synthetic, picks: list[list[int]], args: Any, row: dict[str, Any]) -> Nearest:
    """Insert the corpus a slice at a time (made, composed and inserted per slice, so the benchmark
    holds one slice of its own inputs); only `add_chunks` is timed. Returns the exact 20 nearest
    chunks of query vectors composed from `picks`, found slice by slice."""
    nearest = Nearest(composed_vectors(picks, synth.pool_vectors, np.random.default_rng(1)))
    wall = cpu = 0.0
    prof = cProfile.Profile(time.process_time) if args.profile else None
    for chunks, vectors in synth.slices(args.slice):
        start, used = time.perf_counter(), _cpu_seconds()
        if prof:
            prof.enable()
        index.add_chunks(chunks, vectors)
        if prof:
            prof.disable()
        wall, cpu = wall + time.perf_counter() - start, cpu + _cpu_seconds() - used
        nearest.add(vectors, [c.id for c in chunks])
    if prof:
        _print_profile(prof, f"index {synth.size}")
    row["index_seconds"], row["index_cpu_seconds"] = round(wall, 2), round(cpu, 2)
    return nearest


def _searches(index: PlaybookIndex, queries: list[str], row: dict[str, Any], profile: bool) -> None:
    """Cold and warm latency and CPU of hybrid, dense, lexical and filtered searches."""
    latency = {mode: _percentiles(_timed(index.search, queries, k=5, mode=mode)) for mode in ("dense", "lexical")}
    row["hybrid_p50_ms"], row["hybrid_p99_ms"] = _percentiles(_timed(index.search, queries, k=5))
    filtered = _timed(index.search, queries[: len(queries) // 2], k=5, dimension="governance")
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
    if profile:
        for mode in ("dense", "lexical", "hybrid"):  # cold, like the timings
            get_query_vectors().clear()
            _profiled(True, f"{mode} {row['size']}", lambda m=mode: [index.search(q, k=5, mode=m) for q in queries])


def _updates(index: PlaybookIndex, pool: list[str], rng: random.Random, row: dict[str, Any]) -> None:
    """Add, then edit, one 10-chunk document until the next search sees it."""
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


def run_one(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Benchmark one corpus size in this process; returns the figures as a dict."""
    rng, pool = synthetic(size, args.pool)
    queries = list(dict.fromkeys(" ".join(rng.choice(pool).split()[:8]) for _ in range(3 * args.queries)))
    queries = queries[: args.queries]  # distinct: no query is answered from a warm cache
    picks = [rng.sample(range(len(pool)), 3) for _ in range(50)]  # composed query vectors for recall@20
    row: dict[str, Any] = {"size": size, "load_avg_1m": round(os.getloadavg()[0], 2), "rss_mb": {}}
    row["rss_mb"]["imports"] = _rss_mb()
    embedder = get_embedder()
    embedder.embed(["warm up"])  # model load is not throughput
    pool_vectors = embedder.embed(pool)
    row["rss_mb"]["embedder_and_pool"] = _rss_mb()
    if args.embed_max:
        sample = [c.embed_text for c, _ in islice(corpus(size, pool), args.embed_max)]
        start = time.perf_counter()
        embedder.embed(sample)
        row["embed_chunks_per_s"] = round(len(sample) / (time.perf_counter() - start), 1)
    with tempfile.TemporaryDirectory() as tmp:
        where = {"chroma_url": args.chroma_url, "collection": f"bench{size}"}
        settings = Settings(data_dir=Path(tmp), knowledge_dirs=[], **where)
        index = open_index(settings)
        nearest = _insert(index, Synthetic(size, pool, pool_vectors, np.random.default_rng(size)), picks, args, row)
        index.close()
        row["rss_mb"]["inserted"] = _rss_mb()
        start = time.perf_counter()
        index = open_index(settings)  # as a fresh process would: loads the persisted BM25
        index.search("warm up the search path", k=5)
        row["open_and_first_search_s"] = round(time.perf_counter() - start, 2)
        _searches(index, queries, row, args.profile)
        row["dense_recall_at_20"] = _dense_recall(index, nearest)
        _updates(index, pool, rng, row)
        row["chunks_after"] = index.count()
        row["rss_mb"]["searched_and_updated"] = _rss_mb()
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
    parser.add_argument("--slice", type=int, default=10_000, help="chunks made and inserted at a time")
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
        cmd += ["--slice", str(args.slice)]
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
