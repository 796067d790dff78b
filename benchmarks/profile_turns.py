"""Profile interview turns in one process: where a turn's time goes, by function (cProfile).

Run: .venv/bin/python benchmarks/profile_turns.py [--sessions 10] [--data-dir DIR] [--top 25]
The coach is built as `coach serve` builds it (offline engine, SQLite, embedded Chroma, the
respondents' after-turn hook); the playbook is indexed first, in this process, when the data dir is
empty. One warm interview runs before the profiled ones, so caches that live for the process are
filled as in a warm server.
Each interview's answers carry its own team number, so no process-wide cache (clause readings,
judgements, tense, query vectors) answers one interview from another's: `--repeat` gives the old
figures, every interview word for word the same.
Prints the per-turn times (mean, slowest: the final, report-building turn) and the top functions,
timed by the request thread's CPU (`--wall`: by the clock, which on a loaded machine counts waiting).
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
    from bot.factory import build_coach, build_respondents, warm_up
    from bot.index import index_knowledge, open_index

    settings = get_settings(data_dir=data_dir, engine="offline", rate_limit_per_minute=0, api_keys=[])
    if open_index(settings).count() == 0:
        index_knowledge(settings)
    coach = build_coach(settings)
    build_respondents(coach)  # its after-turn hook, as `coach serve` runs every turn
    warm_up(coach)
    return coach


def team_answer(turn: int, team: int | None) -> str:
    """The script's answer, told by team `team` (None: word for word the script's)."""
    text = answer(turn)
    return text if team is None else f"{text.rstrip('.')} (team {team})."


def interview(  # type: ignore[no-untyped-def]
    coach, times: list[tuple[int, float, float]], final: cProfile.Profile | None = None, team: int | None = None
) -> None:
    """One whole interview; records (turn number, seconds, CPU seconds of this thread) for each message.

    With `final`, only the report-building turn (the one that ends the interview) is profiled."""
    sid = coach.start_session(pilot_name="bench").session_id
    for n in range(MAX_TURNS):
        final_turn = final is not None and answer(n + 1) == answer(MAX_TURNS)  # the script's last answer
        if final_turn:
            final.enable()
        start, cpu = time.perf_counter(), time.thread_time()
        turn = coach.send_message(sid, team_answer(n, team))
        times.append((n, time.perf_counter() - start, time.thread_time() - cpu))
        if final_turn:
            final.disable()
        if turn.done:
            return


def main() -> None:
    """Build, warm, profile, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--data-dir")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--final-only", action="store_true", help="profile only the report-building turn")
    parser.add_argument("--repeat", action="store_true", help="every interview the same words (caches flatter it)")
    parser.add_argument(
        "--wall",
        action="store_true",
        help="profile wall time (default: the request thread's CPU time)",
    )
    args = parser.parse_args()
    teams = iter(range(1_000_000)) if not args.repeat else None
    coach = build(Path(args.data_dir or tempfile.mkdtemp(prefix="profile-turns-")))
    interview(coach, [], team=next(teams) if teams else None)  # warm
    plain: list[tuple[int, float, float]] = []
    cpu = time.process_time()
    for _ in range(args.sessions):
        # unprofiled: CPU seconds per turn, all threads of the process
        interview(coach, plain, team=next(teams) if teams else None)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(plain)
    times: list[tuple[int, float, float]] = []
    profile = cProfile.Profile() if args.wall else cProfile.Profile(time.thread_time)
    if not args.final_only:
        profile.enable()
    for _ in range(args.sessions):
        interview(coach, times, profile if args.final_only else None, team=next(teams) if teams else None)
    profile.disable()
    last = max(n for n, _, _ in plain)
    ms = [t * 1000 for _, t, _ in plain]
    final = [t * 1000 for n, t, _ in plain if n == last]
    own = [c * 1000 for n, _, c in plain if n != last]
    final_own = [c * 1000 for n, _, c in plain if n == last]
    print(f"{len(plain)} turns, load average {os.getloadavg()[0]:.2f}; process CPU per turn {cpu_ms:.1f} ms")
    print(f"turn ms (unprofiled): mean {statistics.mean(ms):.1f}, p50 {statistics.median(ms):.1f}, max {max(ms):.1f}")
    print(f"final (report) turn ms (unprofiled): mean {statistics.mean(final):.1f}")
    print(
        f"CPU of the request's own thread: other turns {statistics.mean(own):.1f} ms, "
        f"final turn {statistics.mean(final_own):.1f} ms (process CPU also counts background work)"
    )
    if os.environ.get("PROFILE_OUT"):
        profile.dump_stats(os.environ["PROFILE_OUT"])
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
