"""Retrieval benchmark: index throughput, query latency and peak memory on a synthetic corpus.

Run: .venv/bin/python benchmarks/bench_retrieval.py --sizes 1000,10000
Each size runs in its own subprocess so peak RSS is per size. Sizes up to --real-max are
embedded end to end by the real MiniLM model; larger sizes compose each chunk's vector from
a pool of really embedded sentences (see the printed notes), because embedding 100k chunks
at tens of chunks per second on 2 cores would take hours.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chunking import Chunk, chunk_id  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.embeddings import get_embedder  # noqa: E402
from bot.index import open_index  # noqa: E402
from bot.knowledge import DIMENSION_IDS  # noqa: E402

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
    """Chunks of three pool sentences each (~250 chars), with their pool indices."""
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
                dimension=DIMENSION_IDS[n % len(DIMENSION_IDS)],
                doc_sha256="bench",
                ordinal=n % 10,
            )
        )
        members.append(picks)
    return chunks, members


def composed_vectors(members: list[list[int]], pool_vectors: np.ndarray, seed: int) -> np.ndarray:
    """Chunk vector = normalised sum of its sentences' real vectors plus a little noise."""
    rng = np.random.default_rng(seed)
    vectors = pool_vectors[np.array(members)].sum(axis=1)
    vectors += rng.normal(0, 0.02, vectors.shape).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p99 * 1000


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(size: int, real_max: int, n_queries: int, pool_size: int) -> dict[str, object]:
    """Benchmark one corpus size in this process; returns the figures as a dict."""
    rng = random.Random(size)
    rare = _rare_words(rng)
    pool = [_sentence(rng, rare) for _ in range(pool_size)]
    chunks, members = make_corpus(size, pool)
    real = size <= real_max
    get_embedder().embed(["warm up"])  # model load is not indexing throughput
    pool_seconds = 0.0
    vectors = None
    if not real:
        start = time.perf_counter()
        pool_vectors = get_embedder().embed(pool)
        pool_seconds = time.perf_counter() - start
        vectors = composed_vectors(members, pool_vectors, seed=size)
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(Settings(data_dir=Path(tmp), chroma_url=None, knowledge_dirs=[]))
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        index.add_chunks(chunks, embeddings=vectors)
        index_seconds = time.perf_counter() - start
        index_cpu = _cpu_seconds() - cpu_start
        queries = [" ".join(rng.choice(pool).split()[:8]) for _ in range(n_queries)]
        start = time.perf_counter()
        index.search(queries[0], mode="lexical")
        bm25_build = time.perf_counter() - start
        latency = {}
        for mode in ("hybrid", "dense", "lexical"):
            samples = []
            for query in queries:
                t0 = time.perf_counter()
                index.search(query, k=5, mode=mode)  # type: ignore[arg-type]
                samples.append(time.perf_counter() - t0)
            latency[mode] = _percentiles(samples)
        filtered = []
        for query in queries[:20]:
            t0 = time.perf_counter()
            index.search(query, k=5, dimension="governance")
            filtered.append(time.perf_counter() - t0)
    return {
        "size": size,
        "vectors": "real MiniLM, end to end" if real else f"composed from {pool_size} real",
        "index_chunks_per_s": round(size / index_seconds, 1),
        "index_seconds": round(index_seconds, 2),
        "index_chunks_per_cpu_s": round(size / index_cpu, 1),
        "pool_embed_per_s": round(pool_size / pool_seconds, 1) if pool_seconds else None,
        "bm25_build_s": round(bm25_build, 2),
        "hybrid_ms": [round(v, 1) for v in latency["hybrid"]],
        "dense_ms": [round(v, 1) for v in latency["dense"]],
        "lexical_ms": [round(v, 1) for v in latency["lexical"]],
        "hybrid_filtered_p50_ms": round(_percentiles(filtered)[0], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _print_table(rows: list[dict[str, object]]) -> None:
    header = (
        f"{'chunks':>7} {'vectors':<28} {'index/s':>8} {'/cpu-s':>7} {'bm25 build':>10} "
        f"{'hybrid p50/p99 ms':>18} {'dense p50/p99 ms':>17} {'lexical p50/p99':>16} "
        f"{'filtered p50':>12} {'peak RSS':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        h, d, lx = r["hybrid_ms"], r["dense_ms"], r["lexical_ms"]
        print(
            f"{r['size']:>7} {r['vectors']!s:<28} {r['index_chunks_per_s']:>8} "
            f"{r['index_chunks_per_cpu_s']:>7} "
            f"{r['bm25_build_s']:>9}s {h[0]:>8}/{h[1]:<9} {d[0]:>8}/{d[1]:<8} "  # type: ignore[index]
            f"{lx[0]:>7}/{lx[1]:<8} {r['hybrid_filtered_p50_ms']:>11} {r['peak_rss_mb']:>6} MB"  # type: ignore[index]
        )


def main() -> None:
    """Run each size in a fresh subprocess and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated sizes")
    parser.add_argument("--real-max", type=int, default=2000, help="largest size embedded fully")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--pool", type=int, default=1000, help="real sentences for composing")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.real_max, args.queries, args.pool)))
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(size), "--real-max", str(args.real_max)]
        cmd += ["--queries", str(args.queries), "--pool", str(args.pool)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(f"done {size}: {rows[-1]}", file=sys.stderr)
    _print_table(rows)
    print(
        "\nindex/s = chunks added per second including embedding (real rows) or Chroma insert"
        " only (composed rows, whose pool of real sentences embedded at "
        f"{[r['pool_embed_per_s'] for r in rows if r['pool_embed_per_s']]} sentences/s);"
        " /cpu-s = chunks per CPU-second of this process (less sensitive to a busy machine);"
        " latency excludes the one-off BM25 build, shown separately; peak RSS per process."
    )


if __name__ == "__main__":
    main()
