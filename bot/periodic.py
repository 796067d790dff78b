"""The one periodic runner: named jobs every N seconds on one APScheduler, each failure contained."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)
Job = Callable[[], object]


@dataclass(frozen=True)
class Periodic:
    """One job: what to run, how often, and its name in the log."""

    name: str
    run: Job
    seconds: float


def contained(job: Periodic) -> Job:
    """The job's function, logging (its error type only: no message text) instead of raising."""

    def run() -> None:
        try:
            job.run()
        except Exception as exc:  # the runner must outlive any one bad pass; the next one retries
            log.warning("background job %s failed: %s", job.name, type(exc).__name__)

    return run


class Runner:
    """Runs every job once at start, then every `seconds`; one at a time per job, missed runs coalesced."""

    def __init__(self, jobs: list[Periodic] | None = None) -> None:
        self.jobs: list[Periodic] = list(jobs or [])
        self._scheduler: Any = None

    def add(self, name: str, run: Job, seconds: float) -> None:
        """Add a job (before `start`)."""
        self.jobs.append(Periodic(name, run, seconds))

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._scheduler is not None

    def start(self) -> None:
        """Start the background thread (idempotent; nothing to do without jobs)."""
        if self._scheduler is not None or not self.jobs:
            return
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(timezone=UTC)
        now = datetime.now(UTC)
        for job in self.jobs:
            scheduler.add_job(
                contained(job),
                "interval",
                seconds=job.seconds,
                id=job.name,
                name=job.name,
                coalesce=True,
                max_instances=1,
                next_run_time=now,
            )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        """Stop; a pass in progress finishes first."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
