"""The coach's public Python API: every adapter (HTTP, Slack, CLI) calls this and only this."""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.documents.convert import convert_bytes
from bot.documents.statements import _is_title, _items, _paragraphs, document_statements, located_statements  # noqa: F401
from bot.engine.base import Engine
from bot.errors import Conflict
from bot.interview import Interview, InterviewState, is_question
from bot.knowledge import Knowledge
from bot.limits import clean_text
from bot.models import GroundedAnswer, Report, Turn
from bot.reports import Reports, engine_turn, engine_used
from bot.text import expand_aliases

if TYPE_CHECKING:
    from bot.index import PlaybookIndex
    from bot.store import Store

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"\s*\S+\s*")  # leading whitespace too: the pieces add up to the reply
TURN_ATTEMPTS = 5  # optimistic retries when two messages in one session race


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


class Coach:
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
        self.reports = Reports(self.rubric, engine, index, store, prompt_version, reader_version)
        self._sink = threading.local()  # set while stream_message wants answer deltas

    # -- sessions ------------------------------------------------------------
    def start_session(
        self,
        owner: str = "local",
        channel: str = "api",
        pilot_name: str | None = None,
        external_key: str | None = None,
    ) -> Turn:
        """Open a session and return the coach's first question."""
        if pilot_name is not None:
            pilot_name = clean_text(pilot_name, 200, "pilot name")
        state, reply = self.interview.start(pilot_name)
        rec = self.store.create_session(
            owner,
            channel,
            pilot_name=pilot_name,
            external_key=external_key,
            state=state.model_dump(mode="json"),
        )
        self.store.add_message(rec.id, "coach", reply.text, meta={"topic": reply.topic})
        return Turn(
            session_id=rec.id,
            reply=reply.text,
            topic=reply.topic,
            question_id=reply.question_id,
            done=reply.done,
        )

    def send_message(self, session_id: str, text: str, owner: str | None = None, author: str | None = None) -> Turn:
        """Store the team's message first, then let the interview answer it (its model work on one budget)."""
        with engine_turn(self.engine):
            return self._send_message(session_id, text, owner, author)

    def _send_message(self, session_id: str, text: str, owner: str | None, author: str | None) -> Turn:
        rec = self.store.get_session(session_id, owner=owner)
        text = clean_text(text, self.settings.max_message_chars)
        self.store.add_message(session_id, "user", text, author=author)
        for attempt in range(TURN_ATTEMPTS):
            if attempt:  # someone else saved meanwhile: start from their state
                rec = self.store.get_session(session_id, owner=owner)
            state = InterviewState.model_validate(rec.state)
            reply = self.interview.handle(state, text, author=author)
            status = "done" if state.done else "active"
            try:  # another replica may have answered in this session meanwhile: re-apply on top
                self.store.save_state(session_id, state.model_dump(mode="json"), status, rec.version)
                break
            except Conflict:
                if attempt == TURN_ATTEMPTS - 1:
                    raise
        body, engine = reply.text, engine_used(self.engine)
        if reply.want_report:
            report = self.reports.of_state(state)
            report.assessment_id = self.store.save_assessment(report, session_id=session_id)
            body, engine = f"{body}\n\n{render_brief(report)}", report.engine
        self.store.add_message(session_id, "coach", body, meta={"topic": reply.topic, "engine": engine})
        return Turn(
            session_id=session_id,
            reply=body,
            topic=reply.topic,
            question_id=reply.question_id,
            done=reply.done,
            citations=reply.citations,
        )

    def stream_message(
        self, session_id: str, text: str, owner: str | None = None, author: str | None = None
    ) -> Iterator[str | Turn]:
        """Like send_message, yielding the reply in pieces as they are produced, the Turn last.

        A question to the coach streams the engine's answer once it has passed its checks; other
        replies are produced whole and then sent in pieces. The pieces always add up to the reply.
        """
        pieces: queue.Queue[object] = queue.Queue()
        done = object()

        def work() -> None:
            self._sink.deltas = pieces.put
            try:
                pieces.put(self.send_message(session_id, text, owner=owner, author=author))
            except BaseException as exc:  # re-raised in the caller's thread
                pieces.put(exc)
            finally:
                self._sink.deltas = None
                pieces.put(done)

        threading.Thread(target=work, daemon=True).start()
        sent = ""
        while (item := pieces.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, Turn):
                if item.reply.startswith(sent):  # the rest of the reply: all of it when nothing streamed
                    yield from _TOKEN.findall(item.reply[len(sent) :])
                yield item
            else:
                sent += str(item)
                yield str(item)

    def session_view(self, session_id: str, owner: str | None = None) -> SessionView:
        """Transcript, topic and progress of a session."""
        rec = self.store.get_session(session_id, owner=owner)
        state = InterviewState.model_validate(rec.state)
        messages = [
            {"role": m.role, "text": m.text, "author": m.author, "at": m.created_at.isoformat()}
            for m in self.store.list_messages(session_id)
        ]
        return SessionView(
            session_id=rec.id,
            pilot_name=rec.pilot_name,
            topic=self.interview.topic(state),
            done=state.done,
            progress=self.interview.progress(state),
            messages=messages,
            channel=rec.channel,
            created_at=rec.created_at.isoformat(),
        )

    def report(self, session_id: str, owner: str | None = None) -> Report:
        """The gap list for a session: the stored one when finished, else from the answers so far.

        Neither is remade on every request: a finished interview's report is the stored one, and
        an unfinished one's is kept until the session moves on.
        """
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

    def ask(self, question: str, dimension: str | None = None, context: str = "") -> GroundedAnswer:
        """Answer from the playbook with citations, or say it isn't covered.

        `dimension` and `context` (the question the coach just asked) resolve short deictic
        questions such as "why does this matter?" asked in the middle of an interview.
        """
        question = clean_text(question, self.settings.max_message_chars, "question")
        short = len(question.split()) <= 8  # counted as the team typed it, before jargon is spelled out
        question = expand_aliases(question, self.rubric.aliases)
        query, filt = question, None
        if short and (dimension or context):
            # "why does this matter?" means: about the area we are discussing
            topic = self.rubric.dimension(dimension).title if dimension else context
            query, filt = f"{question} {topic}", dimension
        passages = self.index.search(query, k=5, dimension=filt)
        sink = getattr(self._sink, "deltas", None)
        with engine_turn(self.engine):  # within a turn already, that turn's budget holds
            if sink is None:
                return self.engine.answer(query, passages)
            final = GroundedAnswer(answer="", in_scope=False)
            for item in self.engine.answer_stream(query, passages):
                if isinstance(item, GroundedAnswer):
                    final = item
                else:
                    sink(item)
        return final


def render_brief(report: Report) -> str:
    """A few lines for a chat reply: verdict, summary, the gaps by severity."""
    lines = [f"**Verdict: {report.verdict.replace('_', ' ')}**", report.summary]
    for gap in report.gaps:
        lines.append(f"- [{gap.severity}] {gap.title}: {gap.actions[0] if gap.actions else ''}")
    return "\n".join(lines)


def is_message_question(text: str) -> bool:
    """Re-exported for adapters that want to show a 'thinking' status for questions."""
    return is_question(text)
