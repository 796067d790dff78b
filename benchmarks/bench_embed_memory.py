"""Embedding memory: the process's peak RSS and CPU when embedding long and chunk-sized texts.

Run: .venv/bin/python benchmarks/bench_embed_memory.py [--json]
256 texts long enough to be cut at 256 tokens, then 512 texts of ~260 characters (a chunk's size),
through the shipped MiniLM embedder in one fresh process; peak RSS is the process's VmHWM.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.embeddings import MiniLMEmbedder  # noqa: E402


def _rss_mb() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


def main() -> None:
    """Embed the two sets and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    embedder = MiniLMEmbedder()
    row: dict[str, float] = {"load_avg_1m": round(os.getloadavg()[0], 2), "loaded_rss_mb": _rss_mb()}
    sets = {
        "long": [f"word{i} " * 200 for i in range(256)],
        "chunk": [f"the pilot team reviews the rollback plan {i} " * 6 for i in range(512)],
    }
    for name, texts in sets.items():
        start = time.process_time()
        embedder.embed(texts)
        row[f"{name}_cpu_s"] = round(time.process_time() - start, 2)
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(row) if args.json else " | ".join(f"{k} {v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
