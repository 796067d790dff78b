"""Reports from statements: each judgement names its engine, and a made report is kept, not remade."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from bot.assess import build_report
from bot.citation_cache import CitationCache, query_for
from bot.disagreements import disagreements
from bot.engine.base import Engine
from bot.engine.grounding import citation
from bot.interview_judge import judge_area
from bot.knowledge import Dimension, Rubric
from bot.memo import Memo
from bot.models import Citation, Judgement, Report, Statement
from bot.report_text import coach_words, tense_clauses

if TYPE_CHECKING:
    from bot.index import PlaybookIndex
    from bot.interview_state import InterviewState
    from bot.store import Store

log = logging.getLogger(__name__)
MIXED = "mixed"  # a report's engine when some judgements came from the model and some from its fallback
INTERIM_REPORTS = 256  # reports of unfinished interviews kept, one per session state
AHEAD_KEPT = 4096  # answers remembered as read ahead: the same words again need no second look
AHEAD_WAIT = 2.0  # seconds a report waits for its answers' read-ahead rather than read them twice
AHEAD_BACKLOG = 32  # answers waiting to be read ahead; past it an answer is read when its report is made
_AHEAD: list[ThreadPoolExecutor] = []  # one reader-ahead thread per process (the tense head is one per process)
_AHEAD_GUARD = threading.Lock()


def _ahead() -> ThreadPoolExecutor:
    with _AHEAD_GUARD:
        if not _AHEAD:
            _AHEAD.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-ahead"))
        return _AHEAD[0]


def _read(dim: Dimension, text: str, words: frozenset[str]) -> None:
    """Ask the shipped tense head about the clauses a gap in `dim` would ask about in `text`, so its
    memory holds them when the report asks."""
    from bot.reading.tense import shipped_tense  # loads the embedder: only once an answer needs it

    try:
        if clauses := tense_clauses(dim, [text], words):
            shipped_tense().probabilities(clauses)
    except Exception as exc:  # the report asks again and reports a missing model or any other failure
        log.debug("report read-ahead failed: %s", type(exc).__name__)


def engine_turn(engine: Engine) -> AbstractContextManager[None]:
    """The engine's time budget for one turn's model work (an engine without one: no limit)."""
    return engine.turn()


def engine_used(engine: Engine) -> str:
    """The engine behind this thread's last result from `engine`: the model's, or its fallback's."""
    return engine.last_engine


def readable(cite: Citation, document: str) -> Citation:
    """A gap's citation titled for people: 'No production data pipeline: What goes wrong'."""
    if document and cite.title and document != cite.title:
        return cite.model_copy(update={"title": f"{document}: {cite.title}"})
    return cite.model_copy(update={"title": cite.title or document})


class Reports:
    """Makes reports with the engine; serves a session's report without making it twice."""

    def __init__(
        self,
        rubric: Rubric,
        engine: Engine,
        index: PlaybookIndex,
        store: Store,
        prompt_version: str,
        reader: str,
        cache: CitationCache | None = None,
    ) -> None:
        self.rubric, self.engine, self.index, self.store = rubric, engine, index, store
        self.prompt_version, self.reader_version = prompt_version, reader
        self.cache = cache  # each area's citations on disk: a cold start needs no index for them
        self._citations: dict[str, list[Citation]] = {}
        self._interim: OrderedDict[tuple[str, int], Report] = OrderedDict()
        self._lock = threading.Lock()  # guards the interim reports
        self._storing = threading.Lock()  # a finished session missing its report gets one, not two
        self._dims = {dim.id: dim for dim in rubric.dimensions}
        self._pending: dict[tuple[str, str], Future[None]] = {}  # (area, answer) being read ahead
        self._ahead_done: Memo[bool] = Memo(AHEAD_KEPT)  # (area, answer) pairs already sent to be read

    def make(
        self,
        statements: list[Statement],
        pilot: str | None,
        skipped: frozenset[str] = frozenset(),
        interview: bool = False,
    ) -> Report:
        """Judge every dimension not skipped and apply the rubric; `engine` is `mixed` when both answered.

        An `interview`'s area is judged on its own answers first (bot/interview_judge.py); a document
        has no answers per area, so all its statements judge every area."""
        judgements, engines = self._judge_all(statements, skipped, interview)
        agentic, agentic_evidence = self.engine.detect_agentic(statements)
        agentic_engine = engine_used(self.engine)
        used = {*engines.values(), agentic_engine}
        report = build_report(
            self.rubric,
            judgements,
            agentic=agentic,
            agentic_evidence=agentic_evidence,
            engine=used.pop() if len(used) == 1 else MIXED,
            prompt_version=self.prompt_version,
            citations_for=self._dimension_citations,
            reader_version=self.reader_version,
            pilot_name=pilot,
            skipped=skipped,
            statements=statements,
            compose=self.engine.compose_actions,
        )
        for dim in report.dimensions:
            dim.engine = engines.get(dim.id)
        report.agentic_engine = agentic_engine
        report.disagreements = disagreements(self.rubric, self.engine.judge, statements)
        return report

    def of_state(self, state: InterviewState) -> Report:
        """The report of an interview's answers so far (with the other respondents' when it is split)."""
        with self._lock:
            reading = [f for s in state.statements if (f := self._pending.get((s.topic, s.text))) is not None]
        wait(reading, timeout=AHEAD_WAIT)  # finishing them costs less than reading them again here
        return self.make(state.statements + state.shared, state.pilot_name, frozenset(state.skipped), interview=True)

    def read_ahead(self, state: InterviewState) -> Future[None] | None:
        """Read the newest answer's clauses with the tense head in the background, as answers arrive.

        The report then finds them read: the report-building turn no longer embeds every clause of
        the interview (~5 ms of MiniLM each, most of that turn). What the report says is unchanged
        (the head's memory holds pure results); an answer not read ahead is read when the report asks."""
        said = state.statements[-1] if state.statements and not state.done else None
        dim = self._dims.get(said.topic) if said is not None else None
        if said is None or dim is None or self._ahead_done.get((dim.id, said.text)):
            return None
        key = (dim.id, said.text)
        with self._lock:
            if len(self._pending) >= AHEAD_BACKLOG or key in self._pending:
                return None
            self._pending[key] = future = _ahead().submit(_read, dim, said.text, coach_words(self.rubric))
        self._ahead_done.put(key, True)
        future.add_done_callback(lambda _: self._done(key))
        return future

    def _done(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._pending.pop(key, None)

    def stored(self, session_id: str, state: InterviewState) -> Report:
        """A finished interview's stored report; made and stored now if the session has none."""
        if (saved := self.store.latest_assessment(session_id)) is not None:
            return saved
        with self._storing:
            if (saved := self.store.latest_assessment(session_id)) is not None:
                return saved
            with engine_turn(self.engine):
                report = self.of_state(state)
            self.store.save_assessment(report, session_id=session_id)
            return self.store.latest_assessment(session_id) or report

    def interim(self, session_id: str, version: int, state: InterviewState) -> Report:
        """An unfinished interview's report, made once per session state."""
        key = (session_id, version)
        with self._lock:
            cached = self._interim.get(key)
        if cached is None:
            with engine_turn(self.engine):
                cached = self.of_state(state)
            with self._lock:
                self._interim[key] = cached
                while len(self._interim) > INTERIM_REPORTS:
                    self._interim.popitem(last=False)
        return cached.model_copy(deep=True)

    def _judge_all(
        self, statements: list[Statement], skipped: frozenset[str], interview: bool
    ) -> tuple[dict[str, Judgement], dict[str, str]]:
        """Each dimension not skipped, judged; and the engine that judged it."""
        judgements, engines = {}, {}
        for dim in self.rubric.dimensions:
            if dim.id not in skipped:
                judged = judge_area(self.engine, dim, statements) if interview else self.engine.judge(dim, statements)
                judgements[dim.id] = judged
                engines[dim.id] = engine_used(self.engine)
        return judgements, engines

    def _dimension_citations(self, dim: Dimension) -> list[Citation]:
        if dim.id not in self._citations:
            kept = self.cache.get(dim.id) if self.cache is not None else None
            if kept is None:
                passages = self.index.search(query_for(dim.title, dim.summary), k=2, dimension=dim.id)
                kept = [readable(citation(p), p.title) for p in passages]
                if self.cache is not None:
                    self.cache.put(dim.id, kept)
            self._citations[dim.id] = kept
        return [c.model_copy() for c in self._citations[dim.id]]
