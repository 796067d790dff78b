"""What the respondents service returns: people, invitations, a respondent's own view."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.models import Choice, Turn
from bot.respondents.tables import RespondentRow

TOKEN_BYTES = 32  # 256 bits: a link's token cannot be guessed
LINK_DAYS = 30  # a link opens its interview for this long after it was made; then a new one is needed


def new_token() -> tuple[str, str]:
    """A fresh link token and its sha256 (only the hash is stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The stored form of a link token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def label(name: str, role: str | None) -> str:
    """How a person's answers are attributed in the report: 'Dana Lee, data engineer'."""
    return f"{name}, {role}" if role else name


@dataclass(frozen=True)
class Person:
    """Someone the lead names: a name (or an email), a role, their areas, and where they answer."""

    name: str
    areas: list[str]
    role: str = ""
    email: str = ""
    slack_user: str = ""  # slack:TEAM:USER when they answer in Slack
    external_key: str | None = None  # the Slack thread their interview lives in
    channel: str = "web"


@dataclass(frozen=True)
class Respondent:
    """A named person and how far they are (no token: it is shown once, at the invitation).

    `id` is the row's public id (bot/store/public_ids.py): the integer key never leaves the store."""

    id: str
    name: str
    role: str | None
    areas: list[str]
    status: str
    channel: str
    slack_user: str | None = None
    thread: str | None = None  # where they answer in Slack (their session's key), when asked for

    @classmethod
    def of(cls, row: RespondentRow, thread: str | None = None) -> Respondent:
        """The view of a stored row."""
        channel = "slack" if row.slack_user else "web"
        return cls(row.public_id, row.name, row.role, list(row.areas), row.status, channel, row.slack_user, thread)

    @property
    def label(self) -> str:
        """Who the report says answered."""
        return label(self.name, self.role)

    def to_dict(self) -> dict[str, Any]:
        """JSON for the API."""
        return {"id": self.id, "name": self.name, "role": self.role, "areas": self.areas,
                "status": self.status, "channel": self.channel}  # fmt: skip


@dataclass(frozen=True)
class Link:
    """A person named and their link's token (returned once: only its hash is stored)."""

    respondent: Respondent
    token: str

    def to_dict(self) -> dict[str, Any]:
        """JSON for the API: the link carries the token in its fragment, which browsers never send."""
        return {**self.respondent.to_dict(), "token": self.token, "link": f"/respond#{self.token}"}


@dataclass(frozen=True)
class Invitation(Link):
    """A person named, their link, and their interview's first question."""

    first: Turn


@dataclass(frozen=True)
class Own:
    """What a respondent sees through their link: who they are, their areas, their conversation."""

    respondent: Respondent
    titles: dict[str, str]
    pilot_name: str | None
    done: bool
    topic: str  # the area being asked (`done` once finished)
    messages: list[dict[str, Any]]
    choices: list[Choice] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON for the API."""
        me = self.respondent
        areas = [{"id": a, "title": self.titles.get(a, a)} for a in me.areas]
        return {"name": me.name, "role": me.role, "areas": areas, "status": me.status, "pilot_name": self.pilot_name,
                "done": self.done, "topic": self.topic, "messages": self.messages,
                "choices": [c.model_dump() for c in self.choices]}  # fmt: skip


@dataclass(frozen=True)
class Finished:
    """Everyone has answered and the lead's report is made: where to announce it."""

    session_id: str
    external_key: str | None
    owner: str
    turn: Turn
