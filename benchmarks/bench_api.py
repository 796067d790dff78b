"""HTTP benchmark: interview turns/s and p50/p99 latency of POST /v1/sessions/{id}/messages.

Run: .venv/bin/python benchmarks/bench_api.py [--sessions 20] [--concurrency 4] [--json]
The coach (offline engine, SQLite, embedded Chroma) and a bare FastAPI JSON echo endpoint are
each served by uvicorn on 127.0.0.1 in their own subprocess and driven by the same httpx
client code in the same run, so the ratio shows what the coach adds over the framework. Peak
RSS is the server process's VmHWM. The playbook is indexed first if the data dir is empty, in a
process of its own (as `coach serve` does), so the server's peak is what serving costs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.api.script import MAX_TURNS, answer  # noqa: E402
from tests.api.server import free_port  # noqa: E402


# --- servers (run in a subprocess: `bench_api.py --serve coach|echo`) ----------------------
class EchoIn(BaseModel):
    """The echo endpoint's body."""

    text: str


class EchoOut(BaseModel):
    """The echo endpoint's reply, shaped like a turn."""

    reply: str
    topic: str = "echo"
    done: bool = False


def echo_app():  # type: ignore[no-untyped-def]
    """The baseline: one JSON endpoint with a pydantic body, served like the coach."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/echo")
    def echo(body: EchoIn) -> EchoOut:
        return EchoOut(reply=body.text)

    return app


def coach_settings(data_dir: Path):  # type: ignore[no-untyped-def]
    """The offline engine over the data dir, rate limiting off."""
    from bot.config import get_settings

    return get_settings(data_dir=data_dir, engine="offline", rate_limit_per_minute=0, api_keys=[])


def coach_app(data_dir: Path):  # type: ignore[no-untyped-def]
    """The real app over the offline engine, as `coach serve` builds it (the index is ready)."""
    from bot.factory import build_coach, create_app

    settings = coach_settings(data_dir)
    return create_app(settings, build_coach(settings))


def prepare_index(data_dir: Path) -> None:
    """Index the playbook when the data dir is empty (run in its own process, as `coach serve` does)."""
    from bot.index import index_knowledge, open_index

    settings = coach_settings(data_dir)
    if open_index(settings).count() == 0:
        index_knowledge(settings)


def serve(kind: str, port: int, data_dir: Path) -> None:
    """Serve one app until killed."""
    import uvicorn

    app = coach_app(data_dir) if kind == "coach" else echo_app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --- client -----------------------------------------------------------------------------------
class Server:
    """A server subprocess; peak RSS read from /proc before it is stopped."""

    def __init__(self, kind: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, __file__, "--serve", kind, "--port", str(self.port), "--data-dir", str(data_dir)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})

    def wait_ready(self, path: str, timeout: float = 600) -> float:
        """Seconds until the server answers `path`."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + path, timeout=2).status_code < 500:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout} s")

    def peak_rss_mb(self) -> float:
        """VmHWM of the server process, in MiB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        """Terminate the subprocess (it was started by us)."""
        self.proc.terminate()
        self.proc.wait(timeout=30)


def interview(url: str, latencies: list[float], lock: threading.Lock) -> int:
    """One whole interview; returns the number of message turns sent."""
    with httpx.Client(base_url=url, timeout=120) as http:
        sid = http.post("/v1/sessions", json={"pilot_name": "bench"}).json()["session_id"]
        for n in range(MAX_TURNS):
            start = time.perf_counter()
            resp = http.post(f"/v1/sessions/{sid}/messages", json={"text": answer(n)})
            elapsed = time.perf_counter() - start
            resp.raise_for_status()
            with lock:
                latencies.append(elapsed)
            if resp.json()["done"]:
                return n + 1
    return MAX_TURNS


def echo_run(url: str, turns: int, latencies: list[float], lock: threading.Lock) -> int:
    """The same number of JSON posts against the echo endpoint."""
    with httpx.Client(base_url=url, timeout=120) as http:
        for n in range(turns):
            start = time.perf_counter()
            http.post("/echo", json={"text": answer(n)}).raise_for_status()
            with lock:
                latencies.append(time.perf_counter() - start)
    return turns


def measure(work: Callable[[list[float], threading.Lock], int], jobs: int, concurrency: int) -> dict[str, float]:
    """Run `jobs` units of work on `concurrency` threads; turns/s and latency percentiles."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        turns = sum(pool.map(lambda _: work(latencies, lock), range(jobs)))
    wall = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return {"turns": turns, "seconds": wall, "rate": turns / wall, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def run(args: argparse.Namespace) -> None:
    """Benchmark both servers and print the comparison."""
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="bench-api-"))
    subprocess.run([sys.executable, __file__, "--serve", "index", "--data-dir", str(data_dir)], cwd=ROOT, check=True)
    coach = Server("coach", data_dir)
    try:
        ready = coach.wait_ready("/readyz")
        print(
            f"coach server ready in {ready:.1f} s (data dir {data_dir})", file=sys.stderr if args.json else sys.stdout
        )
        interview(coach.url, [], threading.Lock())  # warm: first report, caches
        result = measure(lambda lat, lock: interview(coach.url, lat, lock), args.sessions, args.concurrency)
        coach_rss = coach.peak_rss_mb()
    finally:
        coach.stop()
    per_session = max(1, round(result["turns"] / args.sessions))
    echo = Server("echo", data_dir)
    try:
        echo.wait_ready("/docs")
        echo_run(echo.url, 50, [], threading.Lock())
        work = lambda lat, lock: echo_run(echo.url, per_session, lat, lock)  # noqa: E731
        baseline = measure(work, args.sessions, args.concurrency)
        echo_rss = echo.peak_rss_mb()
    finally:
        echo.stop()
    report(result, baseline, coach_rss, echo_rss, args)


def as_json(coach: dict[str, float], echo: dict[str, float], coach_rss: float, echo_rss: float) -> dict[str, Any]:
    """The machine-readable result: one object per server, plus the run's conditions."""

    def one(r: dict[str, float], rss: float) -> dict[str, float]:
        return {
            "turns_per_s": round(r["rate"], 1),
            "p50_ms": round(r["p50"], 1),
            "p99_ms": round(r["p99"], 1),
            "peak_rss_mb": round(rss, 1),
            "turns": int(r["turns"]),
        }

    return {
        "coach": one(coach, coach_rss),
        "echo": one(echo, echo_rss),
        "ratio": round(coach["rate"] / echo["rate"], 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


def report(coach: dict[str, float], echo: dict[str, float], coach_rss: float, echo_rss: float, args) -> None:  # type: ignore[no-untyped-def]
    """Print the table and the ratio (or, with --json, one JSON object)."""
    if args.json:
        print(json.dumps(as_json(coach, echo, coach_rss, echo_rss)))
        return
    print(f"\n{args.sessions} sessions, {args.concurrency} concurrent clients, {os.cpu_count()} CPUs")
    print(f"{'server':<8}{'turns':>7}{'turns/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'peak RSS MiB':>14}")
    for name, r, rss in (("coach", coach, coach_rss), ("echo", echo, echo_rss)):
        print(f"{name:<8}{r['turns']:>7.0f}{r['rate']:>10.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{rss:>14.0f}")
    print(
        f"\necho/coach throughput ratio: {echo['rate'] / coach['rate']:.1f}x "
        f"(p50 latency ratio {coach['p50'] / echo['p50']:.1f}x)"
    )


def main() -> None:
    """Parse arguments; serve (in a subprocess) or benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="interviews to run (each to done)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--data-dir", help="coach data dir (default: a new temp dir, indexed first)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--serve", choices=["coach", "echo", "index"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "index":
        prepare_index(Path(args.data_dir))
    elif args.serve:
        serve(args.serve, args.port, Path(args.data_dir))
    else:
        run(args)


if __name__ == "__main__":
    main()
