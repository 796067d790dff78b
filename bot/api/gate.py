"""The go/no-go gate routes under /v1/pilots/{id}/gate: convert requests, call the gate service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.api.deps import current_owner
from bot.api.schemas import cleaned, limit
from bot.gate.service import Gates

# public ids (32 hex characters); anything else, an old integer id included, is a 404 from the service
PilotId = Annotated[str, Path(description="The pilot's id (its `id` in GET /v1/pilots).")]
ItemId = Annotated[str, Path(description="The review item's id (its `id` in the review's items).")]
Name = Annotated[str, limit(200), cleaned(200, "name")]
Word = Annotated[str, Field(min_length=1, max_length=64)]
Owner = Annotated[str, Depends(current_owner)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown pilot or review (or another key's)."}}


class SignerIn(BaseModel):
    """The person named for a role: their name, and who they sign in as."""

    name: Name
    identity: str = Field(max_length=200, description="key-... (GET /v1/whoami), slack:TEAM:USER, or local.")


class NewGate(BaseModel):
    """Open a review: a person for every role; optionally an owner per area for its items."""

    signers: dict[Word, SignerIn] = Field(max_length=20)
    item_owners: dict[Word, Name] = Field(default_factory=dict, max_length=20)


class SignoffIn(BaseModel):
    """A sign-off for one role, by the person named for it."""

    role: Word
    signoff: Word = Field(description="approve, approve_with_conditions or reject.")
    comment: Annotated[str, Field(max_length=4000)] = ""


class ItemChange(BaseModel):
    """A change to one review item."""

    status: Word | None = Field(default=None, description="open, done or waived.")
    owner: Name | None = None
    due_at: datetime | None = None


class DecisionIn(BaseModel):
    """The steerco's decision and why."""

    decision: Word = Field(description="go, go_with_conditions or no_go.")
    rationale: Annotated[str, limit(4000), cleaned(4000, "rationale")]


def build_router(service: Gates) -> APIRouter:
    """The gate routes over one gate service (the caller's key is both who they are and what they own)."""
    r = APIRouter(prefix="/v1", tags=["gate"])

    @r.get("/whoami")
    def whoami(owner: Owner) -> dict[str, str]:
        """Who this key signs in as: give it to whoever names you as a signer."""
        return {"identity": owner}

    @r.post("/pilots/{pilot_id}/gate", status_code=201, responses=NOT_FOUND)
    def open_gate(pilot_id: PilotId, body: NewGate, owner: Owner) -> dict[str, Any]:
        """Open a production-readiness review from the pilot's open gaps, with a named person per role."""
        signers = {role: (s.name, s.identity) for role, s in body.signers.items()}
        return service.open(pilot_id, signers, owner, owner, body.item_owners).to_dict()

    @r.get("/pilots/{pilot_id}/gate", responses=NOT_FOUND)
    def show_gate(pilot_id: PilotId, owner: Owner) -> dict[str, Any]:
        """The latest review: items, sign-offs and the decision (for the owner and the named signers)."""
        return service.show(pilot_id, owner, owner).to_dict()

    @r.get("/pilots/{pilot_id}/gate/export", response_class=Response, responses=NOT_FOUND)
    def export_gate(pilot_id: PilotId, owner: Owner) -> Response:
        """The review and its decision record as Markdown."""
        text = service.markdown(pilot_id, owner, owner)  # only a real public id gets past this into the header
        disposition = {"Content-Disposition": f'attachment; filename="pilot-{pilot_id}-gate.md"'}
        return Response(text, media_type="text/markdown", headers=disposition)

    @r.post("/pilots/{pilot_id}/gate/signoffs", responses={**NOT_FOUND, 403: {"description": "Not the named person."}})
    def sign(pilot_id: PilotId, body: SignoffIn, owner: Owner) -> dict[str, Any]:
        """Sign for a role; only the person named for it can (anyone else is refused, and audited)."""
        return service.sign(pilot_id, body.role, body.signoff, owner, owner, body.comment).to_dict()

    @r.patch("/pilots/{pilot_id}/gate/items/{item_id}", responses=NOT_FOUND)
    def change_item(pilot_id: PilotId, item_id: ItemId, body: ItemChange, owner: Owner) -> dict[str, Any]:
        """Change a review item's status, owner or due date."""
        return service.update_item(pilot_id, item_id, owner, owner, body.status, body.owner, body.due_at).to_dict()

    @r.post("/pilots/{pilot_id}/gate/decision", responses={**NOT_FOUND, 409: {"description": "Rule not met."}})
    def decide(pilot_id: PilotId, body: DecisionIn, owner: Owner) -> dict[str, Any]:
        """Record go, go_with_conditions or no_go with its rationale."""
        return service.decide(pilot_id, body.decision, body.rationale, owner, owner).to_dict()

    return r


def mount_gate(app: FastAPI, service: Gates) -> None:
    """Add the gate API to the app."""
    app.include_router(build_router(service))
