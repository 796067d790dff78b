"""Profile interview turns in one process: where a turn's time goes, by function (cProfile).

Run: .venv/bin/python benchmarks/profile_turns.py [--sessions 10] [--data-dir DIR] [--top 25]
The coach is built as `coach serve` builds it (offline engine, SQLite, embedded Chroma); the
playbook is indexed first, in this process, when the data dir is empty. One warm interview runs
before the profiled ones, so caches that live for the process are filled as in a warm server.
Prints the per-turn times (mean, slowest: the final, report-building turn) and the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.api.script import MAX_TURNS, answer  # noqa: E402


def build(data_dir: Path):  # type: ignore[no-untyped-def]
    """The coach over the offline engine, the playbook indexed."""
    from bot.config import get_settings
    from bot.factory import build_coach, warm_up
    from bot.index import index_knowledge, open_index

    settings = get_settings(data_dir=data_dir, engine="offline", rate_limit_per_minute=0, api_keys=[])
    if open_index(settings).count() == 0:
        index_knowledge(settings)
    coach = build_coach(settings)
    warm_up(coach)
    return coach


def interview(coach, times: list[tuple[int, float]]) -> None:  # type: ignore[no-untyped-def]
    """One whole interview; records (turn number, seconds) for each message."""
    sid = coach.start_session(pilot_name="bench").session_id
    for n in range(MAX_TURNS):
        start = time.perf_counter()
        turn = coach.send_message(sid, answer(n))
        times.append((n, time.perf_counter() - start))
        if turn.done:
            return


def main() -> None:
    """Build, warm, profile, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--data-dir")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    coach = build(Path(args.data_dir or tempfile.mkdtemp(prefix="profile-turns-")))
    interview(coach, [])  # warm
    times: list[tuple[int, float]] = []
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.sessions):
        interview(coach, times)
    profile.disable()
    last = max(n for n, _ in times)
    ms = [t * 1000 for _, t in times]
    final = [t * 1000 for n, t in times if n == last]
    print(f"{len(times)} turns, load average {os.getloadavg()[0]:.2f}")
    print(f"turn ms: mean {statistics.mean(ms):.1f}, p50 {statistics.median(ms):.1f}, max {max(ms):.1f}")
    print(f"final (report) turn ms: mean {statistics.mean(final):.1f}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
