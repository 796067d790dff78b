"""Several respondents in Slack: `/readiness ask @person area, area [as role]` names someone for areas
of the channel's latest interview; they answer in a DM thread of their own; `/readiness remind`
nudges whoever is still open; the lead's thread gets the report once everyone is in."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.errors import InvalidInput
from bot.respondents.records import Finished, Person
from bot.respondents.service import Respondents
from bot.service import Coach
from bot.slack.blocks import escape
from bot.slack.conversation import Conversations, Thread, workspace_owner
from bot.slack.listeners import thread_of
from bot.slack.replies import Poster, run_reporting

log = logging.getLogger(__name__)
USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
Verb = tuple[str, Callable[[dict[str, Any], WebClient, Respond], None]]  # (what the ack says, the lazy work)
ASK_USAGE = "Name someone for areas: `/readiness ask @person data pipeline, governance [as data engineer]`."
NO_INTERVIEW = "No interview in this channel yet: start one with `/readiness start`, then name people for its areas."


def display_name(client: WebClient, user: str) -> str:
    """The person's name in Slack (their user id when Slack won't say)."""
    try:
        info = client.users_info(user=user).get("user") or {}
    except Exception:  # a name is nice to have; the mention still works
        return user
    profile = info.get("profile") or {}
    return str(info.get("real_name") or profile.get("real_name") or info.get("name") or user)


class SlackRespondents:
    """The Slack side of several respondents: ask, remind, and announce the lead's report."""

    def __init__(self, coach: Coach, convo: Conversations, service: Respondents) -> None:
        self.coach, self.convo, self.service = coach, convo, service

    def ask(self, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """Name each mentioned person for the areas listed; DM each of them their first question."""
        team, channel, lead = command["team_id"], command["channel_id"], command["user_id"]
        text = str(command.get("text") or "").partition(" ")[2]
        session = self.convo.latest_in(team, channel)
        if session is None:
            respond(text=NO_INTERVIEW)
            return
        users, rest = USER.findall(text), USER.sub(" ", text)
        listed, _, role = rest.partition(" as ")
        if not users:
            respond(text=ASK_USAGE)
            return
        areas = self.service.areas_named(listed)
        if not areas:
            raise InvalidInput(ASK_USAGE)
        for user in users:
            self._ask_one(client, team, session.id, lead, user, areas, role.strip())
        who = ", ".join(f"<@{u}>" for u in users)
        titles = self.service.titles(areas)
        thread_of(session.external_key or "").poster(client).mrkdwn(
            f"<@{lead}> asked {who} about {escape(titles)}: they answer in a DM; the report comes when all are in."
        )

    def _ask_one(self, client: WebClient, team: str, session_id: str, lead: str, user: str, areas: list[str],
                 role: str) -> None:  # fmt: skip
        dm = str(client.conversations_open(users=user)["channel"]["id"])
        titles = self.service.titles(areas)
        ts = Poster(client, dm, None).mrkdwn(
            f"<@{lead}> asked you to answer for the readiness interview about {escape(titles)}. "
            "Reply in this thread; I'll ask one thing at a time."
        )
        person = Person(display_name(client, user), areas, role, slack_user=f"slack:{team}:{user}",
                        external_key=Thread(team, dm, ts, dm=True).key, channel="slack")  # fmt: skip
        [invited] = self.service.invite(session_id, workspace_owner(team), [person], f"slack:{team}:{lead}")
        Poster(client, dm, ts).text(invited.first.reply, choices=invited.first.choices)

    def remind(self, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """Nudge everyone whose areas are still open, in their own thread."""
        team, channel, lead = command["team_id"], command["channel_id"], command["user_id"]
        session = self.convo.latest_in(team, channel)
        if session is None:
            respond(text=NO_INTERVIEW)
            return
        due = self.service.remind(session.id, workspace_owner(team), f"slack:{team}:{lead}")
        for person in due:
            if person.thread and person.thread.startswith("slack:"):
                titles = self.service.titles(person.areas)
                thread_of(person.thread).poster(client).mrkdwn(
                    f"A reminder: <@{lead}> is waiting for your answers about {escape(titles)}. Reply here."
                )
        names = ", ".join(escape(p.name) for p in due) or "nobody: everyone has answered"
        respond(text=f"Reminded {names}.")

    def announce(self, client: WebClient, finished: Finished) -> None:
        """Post the lead's report in their thread once everyone has answered."""
        if not (finished.external_key or "").startswith("slack:") or finished.turn.report is None:
            return
        poster = thread_of(finished.external_key or "").poster(client)
        poster.text("Everyone you named has answered. " + finished.turn.message)
        turn = finished.turn
        gaps = self.coach.gaps(turn.assessment_id, owner=finished.owner) if turn.assessment_id else []
        poster.report(turn.report, turn.assessment_id, gaps)  # type: ignore[arg-type]


def respondent_verbs(coach: Coach, convo: Conversations, service: Respondents, client: WebClient) -> dict[str, Verb]:
    """The `/readiness` verbs for several respondents; the service announces reports through `client`."""
    slack = SlackRespondents(coach, convo, service)
    service.announcers["slack"] = lambda finished: slack.announce(client, finished)

    def reporting(work: Callable[[dict[str, Any], WebClient, Respond], None]) -> Callable[..., None]:
        def run(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
            run_reporting(Poster(client, command["channel_id"], None), lambda: work(command, client, respond))

        return run

    return {
        "ask": ("Asking them in a DM…", reporting(slack.ask)),
        "remind": ("Reminding whoever is still open…", reporting(slack.remind)),
    }
