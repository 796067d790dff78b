"""The trained reader's cost: load time, one answer read end to end, resident memory added.

    .venv/bin/python benchmarks/bench_reader.py [--runs 200]

Each timed answer is new text (the reader caches by text), read through the same path as an
interview turn: clauses, one batched ONNX run, the six area judgements and the agentic check.
Targets (issue 10): read one answer <= 15 ms p50 on 2 cores, load <= 0.5 s, RSS +100 MB at most.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ANSWER = (
    "Claims come in through the FNOL API from Guidewire, nothing hand-pulled, but the region {n} feed is "
    "still a weekly CSV. Compliance reviewed the design; the DPIA is pending the DPO. The agent drafts "
    "the letter and a handler sends it."
)


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    from bot.knowledge import load_rubric
    from bot.models import Statement
    from bot.reading import judge
    from bot.reading.reader import MODEL_DIR, Reader

    rubric = load_rubric(Path(__file__).resolve().parent.parent / "knowledge" / "rubric.yaml")
    import onnxruntime  # noqa: F401  (the server has it loaded already, for embeddings)

    before = rss_mb()
    t0 = time.perf_counter()
    reader = Reader(MODEL_DIR)
    loads = [time.perf_counter() - t0]
    times = []
    for n in range(args.runs):
        statements = [Statement(text=ANSWER.format(n=n), topic="data_pipeline")]
        t0 = time.perf_counter()
        read = judge.read_statements(reader, statements)
        for dim in rubric.dimensions:
            judge.judge(dim, read, rubric.reading)
        judge.detect_agentic(read, rubric.reading)
        times.append(time.perf_counter() - t0)
    added = rss_mb() - before  # peak RSS: measured before the extra loads below
    for _ in range(2):
        t0 = time.perf_counter()
        Reader(MODEL_DIR)
        loads.append(time.perf_counter() - t0)
    times.sort()
    result = {
        "reader_version": reader.version,
        "load_s_median": round(statistics.median(loads), 3),
        "read_answer_ms_p50": round(1000 * times[len(times) // 2], 2),
        "read_answer_ms_p95": round(1000 * times[int(len(times) * 0.95)], 2),
        "rss_added_mb": round(added, 1),
        "runs": args.runs,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
