"""The coach's public Python API: every adapter (HTTP, Slack, CLI) calls this and only this."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.citation_cache import CitationCache
from bot.coach_records import CoachRecords
from bot.config import Settings
from bot.documents.convert import convert_bytes
from bot.documents.statements import _is_title, _items, _paragraphs, document_statements, located_statements  # noqa: F401
from bot.engine.base import Engine
from bot.errors import Conflict
from bot.interview import Interview, InterviewState, OnToken, Reply, is_question
from bot.knowledge import Knowledge
from bot.limits import clean_text
from bot.models import Choice, GroundedAnswer, Report, Turn
from bot.render import verdict_label
from bot.reports import Reports, engine_turn, engine_used
from bot.store.scrub import scrub_report
from bot.store.turns import StoredTurn, TurnWrite
from bot.text import expand_aliases
from bot.turns import clean_key, replayed, reply_meta, result_of, streamed, text_hash

if TYPE_CHECKING:
    from bot.index import PlaybookIndex
    from bot.store import Store

log = logging.getLogger(__name__)
TURN_ATTEMPTS = 10  # a turn re-run on the newer state when another message in its session committed first;
# each round at least one racer commits, so N concurrent messages need at most N attempts (6 racers lost 5 in CI)
TurnHook = Callable[[str, InterviewState], None]  # (session id, its state as just stored)


@dataclass(frozen=True)
class _Work:
    """One turn computed on a snapshot, ready to commit."""

    text: str
    author: str | None
    key: str | None
    state: InterviewState
    reply: Reply
    report: Report | None


@dataclass
class SessionView:
    """A session as adapters show it: state, progress and transcript."""

    session_id: str
    pilot_name: str | None
    topic: str
    done: bool
    progress: dict[str, str]
    messages: list[dict[str, Any]]
    channel: str
    created_at: str
    titles: dict[str, str] = field(default_factory=dict)  # each dimension's ready title, in progress order
    choices: list[Choice] = field(default_factory=list)  # answer options to the question asked last (for a reload)


class Coach(CoachRecords):
    """Interview sessions, one-shot assessments and grounded answers over one playbook."""

    def __init__(
        self,
        settings: Settings,
        knowledge: Knowledge,
        store: Store,
        index: PlaybookIndex,
        engine: Engine,
        prompt_version: str,
        reader_version: str = "",
    ) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.rubric = knowledge.rubric
        self.store = store
        self.index = index
        self.engine = engine
        self.prompt_version = prompt_version
        self.reader_version = reader_version
        self.interview = Interview(self.rubric, engine, self.ask)
        cache = CitationCache.for_settings(settings, self.rubric)
        self.reports = Reports(self.rubric, engine, index, store, prompt_version, reader_version, cache)
        self.turn_attempts = TURN_ATTEMPTS
        # run after each stored turn, a replayed one and before a report (several respondents: bot/respondents)
        self.turn_hooks: list[TurnHook] = []

    # -- sessions ------------------------------------------------------------
    def start_session(
        self,
        owner: str = "local",
        channel: str = "api",
        pilot_name: str | None = None,
        external_key: str | None = None,
        client: str | None = None,
    ) -> Turn:
        """Open a session and return the coach's first question (both stored in one transaction);
        `client` is the browser that asked (the web chat lists its own interviews by it)."""
        if pilot_name is not None:
            pilot_name = clean_text(pilot_name, 200, "pilot name")
        state, reply = self.interview.start(pilot_name)
        rec = self.store.create_session(
            owner,
            channel,
            pilot_name=pilot_name,
            external_key=external_key,
            state=state.model_dump(mode="json"),
            greeting=reply.text,
            greeting_meta={"topic": reply.topic},
            client=client,
        )
        return Turn(
            session_id=rec.id,
            reply=reply.text,
            message=reply.text,
            topic=reply.topic,
            question_id=reply.question_id,
            done=reply.done,
            options=self.interview.options(state),
            choices=reply.choices,
        )

    def send_message(
        self,
        session_id: str,
        text: str,
        owner: str | None = None,
        author: str | None = None,
        idempotency_key: str | None = None,
        on_token: OnToken | None = None,
    ) -> Turn:
        """Handle one message as one transaction: the message, state, report and reply, or nothing.

        The engine works on a snapshot of the state first; the commit then checks nobody moved the
        session on meanwhile (else the turn is re-run on the new state, and after TURN_ATTEMPTS a
        Conflict leaves no trace). A retry with the same `idempotency_key` gets the stored turn back.
        `on_token` receives the pieces of an answer to a question as they are produced.
        """
        text = clean_text(text, self.settings.max_message_chars)
        key = clean_key(idempotency_key)
        for attempt in range(self.turn_attempts):
            rec = self.store.get_session(session_id, owner=owner)
            if key and (kept := self.store.find_turn(session_id, key)) is not None:
                self._after(session_id, rec.state)  # the first try may have died before its hooks ran
                return self._replayed(kept, text)
            work = self._work(session_id, rec.state, text, author, key, on_token if not attempt else None)
            try:
                turn = self._commit(session_id, rec.version, work)
            except Conflict:
                if attempt == self.turn_attempts - 1:
                    raise
                continue
            self._after(session_id, work.state)
            self.reports.read_ahead(work.state)  # in the background: the report-building turn finds it read
            return turn
        raise AssertionError("unreachable")  # pragma: no cover

    def _after(self, session_id: str, state: dict[str, Any] | InterviewState) -> None:
        """Run the turn hooks on the session's state as stored (they are idempotent: running them again
        after a replayed turn or before a report completes what a crash cut short)."""
        stored = state if isinstance(state, InterviewState) else InterviewState.model_validate(state)
        for hook in self.turn_hooks:
            hook(session_id, stored)

    def _work(
        self,
        session_id: str,
        snapshot: dict[str, Any],
        text: str,
        author: str | None,
        key: str | None,
        on_token: OnToken | None,
    ) -> _Work:
        """The turn's engine work on a snapshot of the state; nothing is stored yet."""
        state = InterviewState.model_validate(snapshot)
        stored = self.store.latest_assessment(session_id) if state.done else None  # what comes next is built on it
        with engine_turn(self.engine):
            reply = self.interview.handle(state, text, author=author, on_token=on_token, report=stored)
            report = self.reports.of_state(state) if reply.want_report else None
        return _Work(text, author, key, state, reply, report)

    def _commit(self, session_id: str, version: int, work: _Work) -> Turn:
        """Store a computed turn in one transaction; the Turn carries what was stored."""
        reply, report = work.reply, work.report
        body, engine = reply.text, engine_used(self.engine)
        if report is not None:
            report = scrub_report(report)  # the brief quotes what the stored report quotes
            body, engine = f"{body}\n\n{render_brief(report)}", report.engine
        turn = Turn(
            session_id=session_id,
            reply=body,
            message=reply.text,
            topic=reply.topic,
            question_id=reply.question_id,
            done=reply.done,
            citations=reply.citations,
            options=self.interview.options(work.state),
            choices=reply.choices,
        )
        stored = self.store.commit_turn(
            TurnWrite(
                session_id=session_id,
                version=version,
                state=work.state.model_dump(mode="json"),
                status="done" if work.state.done else "active",
                user_text=work.text,
                author=work.author,
                reply=body,
                reply_meta=reply_meta(reply.topic, engine, reply.citations),
                report=report,
                key=work.key,
                text_hash=text_hash(work.text) if work.key else "",
                result=result_of(turn),
            )
        )
        if report is not None:
            report = report.model_copy(update={"assessment_id": stored.assessment_id})
        return turn.model_copy(
            update={"report": report, "assessment_id": stored.assessment_id, "gap_ids": stored.gap_ids}
        )

    def _replayed(self, kept: StoredTurn, text: str) -> Turn:
        """A turn stored under an idempotency key, as the first request got it."""
        report = self.store.get_assessment(kept.assessment_id).report if kept.assessment_id else None
        return replayed(kept, text, report, render_brief(report) if report else "")

    def stream_message(
        self,
        session_id: str,
        text: str,
        owner: str | None = None,
        author: str | None = None,
        idempotency_key: str | None = None,
    ) -> Iterator[str | Turn]:
        """Like send_message, yielding the reply in pieces as they are produced, the Turn last.

        A question to the coach streams the engine's answer once it has passed its checks; other
        replies are produced whole and then sent in pieces. The pieces always add up to the reply
        (a turn re-run after a conflict may differ from what was streamed: the Turn is what counts).
        """
        return streamed(
            lambda on_token: self.send_message(
                session_id, text, owner=owner, author=author, idempotency_key=idempotency_key, on_token=on_token
            )
        )

    def session_view(self, session_id: str, owner: str | None = None) -> SessionView:
        """Transcript, topic and progress of a session."""
        rec = self.store.get_session(session_id, owner=owner)
        state = InterviewState.model_validate(rec.state)
        messages = [
            {
                "role": m.role,
                "text": m.text,
                "author": m.author,
                "at": m.created_at.isoformat(),
                "citations": m.meta.get("citations", []),  # the sources its [n] markers refer to
            }
            for m in self.store.list_messages(session_id)
        ]
        return SessionView(
            session_id=rec.id,
            pilot_name=state.pilot_name or rec.pilot_name,  # named during the interview, or at start
            topic=self.interview.topic(state),
            done=state.done,
            progress=self.interview.progress(state),
            messages=messages,
            channel=rec.channel,
            created_at=rec.created_at.isoformat(),
            titles={d.id: d.ready_title for d in self.rubric.dimensions},
            choices=self.interview.choices(state),
        )

    def report(self, session_id: str, owner: str | None = None) -> Report:
        """The gap list for a session: the stored one when finished, else from the answers so far.

        Neither is remade on every request: a finished interview's report is the stored one, and
        an unfinished one's is kept until the session moves on.
        """
        rec = self.store.get_session(session_id, owner=owner)
        if self.turn_hooks:  # what a crash left undone after a turn (a respondent's share) is done first
            self._after(session_id, rec.state)
            rec = self.store.get_session(session_id, owner=owner)
        state = InterviewState.model_validate(rec.state)
        if state.done:
            return self.reports.stored(session_id, state)
        return self.reports.interim(session_id, rec.version, state)

    # -- one-shot ------------------------------------------------------------
    def assess_text(self, text: str | bytes, pilot_name: str | None = None, owner: str = "local") -> Report:
        """Assess a free-text pilot description (a one-pager, a status update); `owner` owns it.

        Returns the report as stored: quotes and pilot name redacted."""
        text = clean_text(text, self.settings.max_document_chars, "document")
        statements = document_statements(text, self.rubric.dimensions)
        with engine_turn(self.engine):
            report = self.reports.make(statements, pilot_name)
        return self.store.get_assessment(self.store.save_assessment(report, owner=owner)).report

    def assess_file(self, data: bytes, name: str, pilot_name: str | None = None, owner: str = "local") -> Report:
        """Assess a PDF, Word, PowerPoint, HTML or text file; its quotes name their page or slide."""
        doc = convert_bytes(data, name, self.settings.max_upload_bytes)
        if doc.kind == "text":
            return self.assess_text(data, pilot_name=pilot_name, owner=owner)
        clean_text(doc.markdown, self.settings.max_document_chars, "document")
        statements = located_statements(doc.name, doc.located(), self.rubric.dimensions)
        with engine_turn(self.engine):
            report = self.reports.make(statements, pilot_name)
        return self.store.get_assessment(self.store.save_assessment(report, owner=owner)).report

    def ask(
        self, question: str, dimension: str | None = None, context: str = "", on_token: OnToken | None = None
    ) -> GroundedAnswer:
        """Answer from the playbook with citations, or say it isn't covered.

        `dimension` and `context` (the question the coach just asked) resolve short deictic
        questions such as "why does this matter?" asked in the middle of an interview.
        `on_token` receives the answer's checked text in pieces as the engine produces it.
        """
        question = clean_text(question, self.settings.max_message_chars, "question")
        short = len(question.split()) <= 8  # counted as the team typed it, before jargon is spelled out
        question = expand_aliases(question, self.rubric.aliases)
        query, filt = question, None
        if short and (dimension or context):
            # "why does this matter?" means: about the area we are discussing
            topic = self.rubric.dimension(dimension).title if dimension else context
            query, filt = f"{question} {topic}", dimension
        passages = self.engine.retrieve(query, lambda k: self.index.search(query, k=k, dimension=filt))
        with engine_turn(self.engine):  # within a turn already, that turn's budget holds
            if on_token is None:
                return self.engine.answer(query, passages)
            final = GroundedAnswer(answer="", in_scope=False)
            for item in self.engine.answer_stream(query, passages):
                if isinstance(item, GroundedAnswer):
                    final = item
                else:
                    on_token(item)
        return final


def render_brief(report: Report) -> str:
    """A few lines for a chat reply: verdict, summary, the gaps by severity."""
    lines = [f"**Verdict: {verdict_label(report)}**", report.summary]
    for gap in report.gaps:
        lines.append(f"- [{gap.severity}] {gap.title}: {gap.actions[0] if gap.actions else ''}")
    return "\n".join(lines)


def is_message_question(text: str) -> bool:
    """Re-exported for adapters that want to show a 'thinking' status for questions."""
    return is_question(text)
