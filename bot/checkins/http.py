"""HTTP adapter: the /v1/pilots routes, the pilots page, and the embedded scheduler."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from bot.api.schemas import PilotName, cleaned, limit
from bot.checkins.clock import Clock, SystemClock
from bot.checkins.escalations import escalation_history
from bot.checkins.notify import LogNotifier, Notifier, SlackNotifier
from bot.checkins.pilots import Checkins
from bot.checkins.png import legend
from bot.checkins.records import check_interval, pilot_dict
from bot.checkins.runner import Runner
from bot.checkins.service import open_checkins
from bot.checkins.trend import trend_dict
from bot.config import Settings
from bot.limits import MAX_DB_ID

if TYPE_CHECKING:
    from bot.service import Coach

log = logging.getLogger(__name__)
PAGE = FilePath(__file__).resolve().parent.parent / "web" / "pilots.html"
TICK_SECONDS = 60
# ids past the 32-bit key columns cannot exist: 422 here, not a database error (500)
PilotId = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="The pilot's id.")]
MAX_PEOPLE = 50
# Every text field is cleaned like a message (no NUL or binary, trimmed) and fits its column.
Person = Annotated[str, limit(200), cleaned(200, "person")]
BusinessOwner = Annotated[str, limit(200), cleaned(200, "business owner")]
Sponsor = Annotated[str, limit(200), cleaned(200, "sponsor")]
Channel = Annotated[str, limit(100), cleaned(100, "channel")]
TimeZone = Annotated[str, limit(64), cleaned(64, "time zone")]
Cron = Annotated[str, limit(100), cleaned(100, "schedule")]
Author = Annotated[str, limit(100), cleaned(100, "author")]  # room to grow when redacted
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown pilot or assessment (or one that belongs to another key)."}
}


class NewPilot(BaseModel):
    """Register a pilot from a finished assessment."""

    assessment_id: int = Field(ge=1, le=MAX_DB_ID)
    name: PilotName
    business_owner: BusinessOwner
    sponsor: Sponsor
    people: list[Person] = Field(default_factory=list, max_length=MAX_PEOPLE)
    channel: Channel | None = None
    timezone: TimeZone = "UTC"
    cron: Cron | None = Field(default=None, description="5-field crontab; at most hourly by default.")


class Answer(BaseModel):
    """A team's answer to the latest check-in."""

    text: str = Field(min_length=1)
    author: Author | None = None


def build_router(service: Checkins, owner_dep: Any, min_interval_minutes: int = 60) -> APIRouter:
    """The /v1/pilots routes over one service; `owner_dep` is the auth dependency, and a cron
    may ask for check-ins at most every `min_interval_minutes`."""
    r = APIRouter(prefix="/v1/pilots", tags=["pilots"])
    Owner = Depends(owner_dep)  # noqa: N806 - reads like a type in the signatures below

    @r.get("")
    def list_pilots(owner: str = Owner) -> dict[str, Any]:
        """Pilots with status, open gaps by severity, weeks since a gap closed, and trend."""
        return {"pilots": [s.to_dict() for s in service.list_pilots(owner)]}

    @r.post("", status_code=201, responses=NOT_FOUND)
    def add_pilot(body: NewPilot, owner: str = Owner) -> dict[str, Any]:
        """Start weekly check-ins for a finished assessment."""
        if body.cron is not None:
            check_interval(body.cron, min_interval_minutes)
        pilot = service.register_from_assessment(**body.model_dump(), owner=owner)
        return service.detail(pilot.id, owner)

    @r.get("/{pilot_id}")
    def show(pilot_id: PilotId, owner: str = Owner) -> dict[str, Any]:
        """Gaps, check-in history, trend, stall reasons and escalations."""
        out = service.detail(pilot_id, owner)
        out["escalations"] = escalation_history(service, pilot_id)
        return out

    @r.post("/{pilot_id}/checkins")
    def answer(pilot_id: PilotId, body: Answer, owner: str = Owner) -> dict[str, Any]:
        """Answer the latest check-in from the web or another tool."""
        return service.answer_checkin(pilot_id, body.text, body.author, owner=owner).to_dict()

    @r.get("/{pilot_id}/trend")
    def trend(pilot_id: PilotId, owner: str = Owner) -> dict[str, Any]:
        """Readiness level per dimension at each check-in."""
        service.pilot(pilot_id, owner)
        dims = [d.id for d in service.rubric.dimensions]
        return trend_dict(service.trend_points(pilot_id), dims)

    for action in ("pause", "resume", "snooze", "skip"):
        r.add_api_route(
            f"/{{pilot_id}}/{action}",
            _control(service, action, owner_dep),
            methods=["POST"],
            name=f"{action}_pilot",
        )
    return r


def _control(service: Checkins, action: str, owner_dep: Any) -> Any:
    def control(pilot_id: PilotId, owner: str = Depends(owner_dep)) -> dict[str, Any]:
        return pilot_dict(getattr(service, action)(pilot_id, owner))

    control.__doc__ = f"{action.capitalize()} the pilot's weekly check-ins."
    return control


class CheckinJobs:
    """The embedded scheduler: every minute, send what is due (state lives in the database)."""

    def __init__(self, service: Checkins, notifier: Notifier, enabled: bool) -> None:
        self.runner = Runner(service)
        self.notifier = notifier
        self.enabled = enabled
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._scheduler: Any = None

    def tick(self) -> None:
        """One pass: check-ins, reminders, escalations due now."""
        report = self.runner.run_due(self.runner.c.clock.now(), self.notifier, self.worker_id)
        if report.sent or report.failed:
            log.info("check-ins sent %s failed %s", report.sent, report.failed)

    def start(self) -> None:
        """Start the background job (only when settings.scheduler_enabled)."""
        if not self.enabled or self._scheduler is not None:
            return
        from apscheduler.schedulers.background import BackgroundScheduler

        self._scheduler = BackgroundScheduler(timezone="UTC")
        self._scheduler.add_job(
            self.tick,
            "interval",
            seconds=TICK_SECONDS,
            id="checkins",
            coalesce=True,
            max_instances=1,
        )
        self._scheduler.start()

    def stop(self) -> None:
        """Stop the background job; a send in flight finishes first."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None


def notifier_for(settings: Settings, rubric_dims: list[str], printer: Any = None) -> Notifier:
    """Slack when a bot token is configured, else the log."""
    if settings.slack_bot_token is not None:
        return SlackNotifier.from_settings(settings, legend(rubric_dims))
    return LogNotifier(printer)


def mount_checkins(app: FastAPI, settings: Settings, coach: Coach, clock: Clock | None = None) -> CheckinJobs:
    """Add the pilots API and page to the app; return the scheduler for start()/stop()."""
    from bot.api.deps import current_owner  # the HTTP API owns authentication

    service = open_checkins(coach, clock or SystemClock())
    app.include_router(build_router(service, current_owner, settings.checkin_min_interval_minutes))
    app.add_api_route("/pilots.html", _page, methods=["GET"], include_in_schema=False)
    dims = [d.id for d in coach.rubric.dimensions]
    return CheckinJobs(service, notifier_for(settings, dims), settings.scheduler_enabled)


def _page() -> FileResponse:
    """The pilots page (its script is served from /static/pilots.js)."""
    from bot.api.web import HEADERS

    return FileResponse(PAGE, media_type="text/html", headers=HEADERS)
