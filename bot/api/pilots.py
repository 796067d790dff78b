"""The /v1/pilots routes and the pilots page: convert requests, call the check-in service, convert replies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path
from pydantic import BaseModel, Field

from bot.api.deps import current_owner
from bot.api.schemas import PilotName, PublicRef, cleaned, limit
from bot.api.web import add_page
from bot.checkins.pilots import Checkins
from bot.checkins.records import pilot_dict

# a public id (32 hex characters); anything else, an old integer id included, is a 404 from the service
PilotId = Annotated[str, Path(description="The pilot's id (its `id` in GET /v1/pilots).")]
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
CONTROLS = ("pause", "resume", "snooze", "skip")
Owner = Annotated[str, Depends(current_owner)]


class NewPilot(BaseModel):
    """Register a pilot from a finished assessment."""

    assessment_id: PublicRef = Field(description="The stored report's `assessment_id`.")
    name: PilotName
    business_owner: BusinessOwner | None = Field(
        default=None, description="Optional: while none is named, that is the first tracked gap and escalations "
        "go to the sponsor. Name one later with POST /v1/pilots/{id}/business-owner.",
    )  # fmt: skip
    sponsor: Sponsor
    people: list[Person] = Field(default_factory=list, max_length=MAX_PEOPLE)
    channel: Channel | None = None
    timezone: TimeZone = "UTC"
    cron: Cron | None = Field(default=None, description="5-field crontab; at most hourly by default.")


class NamedOwner(BaseModel):
    """The pilot's business owner, named after registration."""

    business_owner: BusinessOwner


class Answer(BaseModel):
    """A team's answer to the latest check-in."""

    text: str = Field(min_length=1)
    author: Author | None = None


def build_router(service: Checkins) -> APIRouter:
    """The /v1/pilots routes over one check-in service."""
    r = APIRouter(prefix="/v1/pilots", tags=["pilots"])

    @r.get("")
    def list_pilots(owner: Owner) -> dict[str, Any]:
        """Pilots with status, open gaps by severity, weeks since a gap closed, and trend."""
        return {"pilots": [s.to_dict() for s in service.list_pilots(owner)]}

    @r.post("", status_code=201, responses=NOT_FOUND)
    def add_pilot(body: NewPilot, owner: Owner) -> dict[str, Any]:
        """Start weekly check-ins for a finished assessment."""
        pilot = service.register_from_assessment(**body.model_dump(), owner=owner)
        return service.detail(pilot.public_id, owner)

    @r.get("/{pilot_id}")
    def show(pilot_id: PilotId, owner: Owner) -> dict[str, Any]:
        """Gaps, check-in history, trend, stall reasons and escalations."""
        return {**service.detail(pilot_id, owner), "escalations": service.escalations(pilot_id, owner)}

    @r.post("/{pilot_id}/checkins")
    def answer(pilot_id: PilotId, body: Answer, owner: Owner) -> dict[str, Any]:
        """Answer the latest check-in from the web or another tool."""
        return service.answer_checkin(pilot_id, body.text, body.author, owner=owner).to_dict()

    @r.post("/{pilot_id}/business-owner", responses=NOT_FOUND)
    def name_owner(pilot_id: PilotId, body: NamedOwner, owner: Owner) -> dict[str, Any]:
        """Name the business owner: the missing-owner gap closes and escalations reach them."""
        service.set_business_owner(pilot_id, body.business_owner, owner)
        return service.detail(pilot_id, owner)

    @r.get("/{pilot_id}/trend")
    def trend(pilot_id: PilotId, owner: Owner) -> dict[str, Any]:
        """Readiness level per dimension at each check-in."""
        return service.trend(pilot_id, owner)

    for action in CONTROLS:
        r.add_api_route(f"/{{pilot_id}}/{action}", _control(service, action), methods=["POST"], name=f"{action}_pilot")
    return r


def _control(service: Checkins, action: str) -> Any:
    def control(pilot_id: PilotId, owner: Owner) -> dict[str, Any]:
        return pilot_dict(service.control(action, pilot_id, owner))

    control.__doc__ = f"{action.capitalize()} the pilot's weekly check-ins."
    return control


def mount_pilots(app: FastAPI, service: Checkins) -> None:
    """Add the pilots API and page to the app."""
    app.include_router(build_router(service))
    add_page(app, "/pilots.html", "pilots.html")  # its script is served from /static/pilots.js
