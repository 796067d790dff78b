"""The one periodic runner: every job runs at start and then on its interval; one failing job
does not stop the others; stop() waits for a pass in flight."""

from __future__ import annotations

import threading
import time

from bot.periodic import Runner


def schedulers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "APScheduler"}


def test_jobs_run_at_start_and_again_and_a_failure_is_contained() -> None:
    runs: list[str] = []
    again = threading.Event()

    def fails() -> None:
        runs.append("fails")
        raise RuntimeError("a bad pass")

    def works() -> None:
        runs.append("works")
        if runs.count("works") >= 2:
            again.set()

    others = schedulers()  # another test's server may run one
    jobs = Runner()
    jobs.add("fails", fails, 0.1)
    jobs.add("works", works, 0.1)
    jobs.start()
    try:
        assert again.wait(10), runs
    finally:
        jobs.stop()
    assert runs.count("fails") >= 2  # it kept being scheduled after raising
    assert not jobs.running and schedulers() <= others


def test_stop_waits_for_a_pass_in_flight() -> None:
    started, finished = threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        time.sleep(0.3)
        finished.set()

    jobs = Runner()
    jobs.add("slow", slow, 60)
    jobs.start()
    assert started.wait(10)
    jobs.stop()
    assert finished.is_set()


def test_without_jobs_nothing_starts() -> None:
    jobs = Runner()
    jobs.start()
    assert not jobs.running
