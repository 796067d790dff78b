"""One Slack thread = one interview session: start, continue, answer questions, post reports."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.checkins.pilots import Checkins
from bot.coach_records import SessionRef
from bot.service import Coach, is_message_question
from bot.slack.blocks import escape
from bot.slack.checkins import answer_checkin_thread
from bot.slack.replies import Poster, run_reporting

THINKING = "is thinking…"
_START = re.compile(r"^\s*(?:start|begin|assess)\b[\s:,-]*(?P<name>.*)$", re.I | re.S)


def workspace_owner(team: str) -> str:
    """The owner id of everything a Slack workspace creates: sessions, assessments, pilots."""
    return f"slack:{team}"


@dataclass(frozen=True)
class Thread:
    """Where a conversation lives; `thread_ts` None means the top level of a DM."""

    team: str
    channel: str
    thread_ts: str | None
    dm: bool = False  # a DM thread may be an assistant thread (status line, prompts)

    @property
    def key(self) -> str:
        """The session's external key: one session per thread."""
        return f"slack:{self.team}:{self.channel}:{self.thread_ts or 'dm'}"

    @property
    def owner(self) -> str:
        """Sessions belong to the workspace."""
        return workspace_owner(self.team)

    def poster(self, client: WebClient) -> Poster:
        """A poster for this thread."""
        return Poster(client, self.channel, self.thread_ts)


OnStored = Callable[[], None]  # called once the coach has kept the team's message


def nothing() -> None:
    """The default `stored` callback: no delivery to mark done."""


def pilot_from(text: str) -> str | None:
    """`start Invoice triage` -> `Invoice triage`; anything else names no pilot."""
    match = _START.match(text)
    name = match.group("name").strip() if match else ""
    return name or None


class Conversations:
    """Turns Slack messages into coach calls and coach results into posts."""

    def __init__(self, coach: Coach, checkins: Checkins) -> None:
        self.coach = coach
        self.checkins = checkins
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()

    def on_message(
        self,
        client: WebClient,
        thread: Thread,
        user: str,
        text: str,
        may_start: bool,
        stored: OnStored = nothing,
        event_id: str | None = None,
    ) -> None:
        """Continue the thread's interview; without one, answer a question or start one.

        `stored` runs as soon as the coach has kept the message (or there is nothing to keep),
        before anything is posted. `event_id` (Slack's, the same on every redelivery) makes a
        redelivered message get its stored reply instead of being applied twice."""
        poster = thread.poster(client)
        session = self.coach.find_session(thread.key)
        if session is None and thread.thread_ts and self._checkin(poster, thread, text, user, stored):
            return
        if session is None and not may_start:
            stored()  # not an interview thread: nothing of the team's to keep
            return
        if thread.dm:
            poster.status(THINKING)
        if session is None:
            run_reporting(poster, lambda: self._first(poster, thread, text, stored), refused=stored)
        else:
            key = f"slack-event:{event_id}" if event_id else None
            run_reporting(
                poster, lambda: self._turn(poster, thread, session.id, text, user, stored, key), refused=stored
            )

    def start(self, client: WebClient, thread: Thread, pilot_name: str | None) -> None:
        """Open a session in the thread and ask the first question."""
        poster = thread.poster(client)
        run_reporting(poster, lambda: self._start(poster, thread, pilot_name))

    def report(self, client: WebClient, thread: Thread, session_id: str, user: str) -> None:
        """Post the gap list so far (as if someone typed `report` in the thread)."""
        poster = thread.poster(client)
        run_reporting(poster, lambda: self._turn(poster, thread, session_id, "report", user))

    def latest_in(self, team: str, channel: str) -> SessionRef | None:
        """The most recently active session in a channel, if any."""
        return self.coach.latest_session(workspace_owner(team), f"slack:{team}:{channel}:")

    def status_text(self, session: SessionRef) -> str:
        """Progress of a session, one line per area (Slack mrkdwn: the pilot's name is escaped)."""
        view = self.coach.session_view(session.id)
        marks = {"done": "✓", "skipped": "–", "current": "→", "pending": "·"}
        lines = [f"{marks.get(v, '·')} {view.titles[k]} ({v})" for k, v in view.progress.items()]
        name = f" for {escape(view.pilot_name)}" if view.pilot_name else ""
        return f"Interview{name}: {'finished' if view.done else view.topic}\n" + "\n".join(lines)

    # -- internals -----------------------------------------------------------
    def _checkin(self, poster: Poster, thread: Thread, text: str, user: str, stored: OnStored) -> bool:
        """Answer a weekly check-in when the thread is one; True when it was."""
        done: list[bool] = []

        def work() -> None:
            assert thread.thread_ts is not None
            summary = answer_checkin_thread(self.checkins, thread.channel, thread.thread_ts, text, user, thread.owner)
            if summary is not None:
                done.append(True)
                stored()
                poster.text(summary)

        run_reporting(poster, work)
        return bool(done)

    def _first(self, poster: Poster, thread: Thread, text: str, stored: OnStored) -> None:
        if is_message_question(text):
            answer = self.coach.ask(text)
            stored()
            poster.text(answer.answer, answer.citations)
            return
        self._start(poster, thread, pilot_from(text), stored)

    def _start(self, poster: Poster, thread: Thread, pilot_name: str | None, stored: OnStored = nothing) -> None:
        turn = self.coach.start_session(
            owner=thread.owner, channel="slack", pilot_name=pilot_name, external_key=thread.key
        )
        stored()
        poster.text(turn.reply, choices=turn.choices)

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks[key]

    def _turn(
        self,
        poster: Poster,
        thread: Thread,
        session_id: str,
        text: str,
        user: str,
        stored: OnStored = nothing,
        key: str | None = None,
    ) -> None:
        """Handle the message (one at a time per thread), then post the reply and any report it made."""
        with self._lock(thread.key):
            turn = self.coach.send_message(session_id, text, owner=thread.owner, author=user, idempotency_key=key)
            stored()
        if turn.report is None:
            poster.text(turn.reply, turn.citations, turn.choices)
            return
        poster.text(turn.message, turn.citations)
        gaps = self.coach.gaps(turn.assessment_id, owner=thread.owner) if turn.assessment_id else []
        poster.report(turn.report, turn.assessment_id, gaps)
