"""The composition root: builds every service from settings, mounts every adapter, starts the one
periodic runner. The only module that knows all the parts; nothing imports it but entry points."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from bot.config import Settings
from bot.engine.fallback import build_engine
from bot.engine.offline import OfflineEngine
from bot.engine.rerank import load_reranker
from bot.gate.policy import load_gate_policy
from bot.gate.service import Gates
from bot.knowledge import load_knowledge, load_rubric
from bot.periodic import Runner
from bot.portfolio.service import Portfolio
from bot.prompts import load_prompts
from bot.reading.reader import get_reader
from bot.respondents.service import Respondents
from bot.service import Coach
from bot.store import Store, open_store
from bot.store.db import check_connection, make_engine
from bot.store.migrations import prepare_schema

if TYPE_CHECKING:
    from fastapi import FastAPI
    from slack_bolt import App

    from bot.checkins.clock import Clock
    from bot.checkins.notify import Notifier
    from bot.checkins.pilots import Checkins
    from bot.index import PlaybookIndex
# Chroma, the embedder and the check-ins are imported where they are first needed: a command
# that never searches (`coach assess` with its citations cached) never loads them.

log = logging.getLogger(__name__)
CHECKIN_SECONDS = 60  # how often due check-ins are looked for
INBOX_SECONDS = 60  # how often the Slack inbox replays messages a crash left unstored


class LazyIndex:
    """The playbook index, opened on first use; until then Chroma is not even imported."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._index: PlaybookIndex | None = None
        self._lock = threading.Lock()

    def opened(self) -> PlaybookIndex:
        """The index itself, opened now if it was not yet."""
        with self._lock:
            if self._index is None:
                from bot.index import open_index

                self._index = open_index(self._settings)
            return self._index

    def __getattr__(self, name: str) -> Any:
        return getattr(self.opened(), name)


def embed(texts: list[str]) -> np.ndarray:
    """The process-wide embedder's vectors; the model loads on the first call, not at build time."""
    from bot.embeddings import get_embedder

    return get_embedder().embed(texts)


def build_coach(settings: Settings, lazy: bool = False) -> Coach:
    """Open the store, the index and the engine named in the settings.

    With `lazy` (one-shot commands) the index opens, and the embedder loads, on first use."""
    knowledge = load_knowledge(settings.knowledge_dir, settings.knowledge_dirs)
    store = open_store(settings)
    if lazy:
        index = cast("PlaybookIndex", LazyIndex(settings))
    else:
        from bot.embeddings import get_embedder
        from bot.index import open_index

        index = open_index(settings)
        get_embedder()  # before the reader: loading it second raised the server's peak memory by ~50 MB
    offline = OfflineEngine(
        knowledge.rubric, embed, get_reader(), reranker=load_reranker() if settings.rerank else None
    )
    prompts = load_prompts(settings.prompts_dir)
    engine = build_engine(settings, offline, prompts, recorder=store)
    return Coach(settings, knowledge, store, index, engine, prompts.version, offline.reader_version)


def build_checkins(coach: Coach, clock: Clock | None = None, settings: Settings | None = None) -> Checkins:
    """Check-ins on the coach's database, rubric and engine; `settings` (the app's) default to the coach's."""
    from bot.checkins.pilots import Checkins

    engine, rubric = coach.store.engine, coach.rubric
    return Checkins(
        engine,
        settings or coach.settings,
        rubric,
        clock=clock,
        store=coach.store,
        judge=coach.engine,
        reader=get_reader,
    )


def build_checkins_from_settings(settings: Settings, clock: Clock | None = None) -> Checkins:
    """Check-ins without the index or engine: enough to list, schedule and send."""
    from bot.checkins.pilots import Checkins

    engine = make_engine(settings)
    check_connection(engine)
    prepare_schema(engine, settings.db_auto_migrate)
    return Checkins(
        engine, settings, load_rubric(settings.knowledge_dir / "rubric.yaml"), clock=clock, reader=get_reader
    )


def build_portfolio(store: Store, settings: Settings, clock: Clock | None = None) -> Portfolio:
    """The portfolio over the store's database and the settings' rubric."""
    return Portfolio(store.engine, settings, load_rubric(settings.knowledge_dir / "rubric.yaml"), clock)


def build_gates(store: Store, settings: Settings, clock: Clock | None = None) -> Gates:
    """The go/no-go gate: the rubric's "what good looks like", the gate policy, and the store's audit log."""
    rubric = load_rubric(settings.knowledge_dir / "rubric.yaml")
    return Gates(store.engine, settings, rubric, load_gate_policy(settings.knowledge_dir), store.audit, clock)


def build_respondents(coach: Coach) -> Respondents:
    """Several respondents over the coach; one per coach, called after each of its stored turns."""
    for hook in coach.turn_hooks:
        if isinstance(found := getattr(hook, "__self__", None), Respondents):
            return found
    service = Respondents(coach, coach.store.audit)
    coach.turn_hooks.append(service.after_turn)
    return service


def portfolio_services(settings: Settings) -> tuple[Portfolio, Gates]:
    """The portfolio and the gate on the configured database, without the index or engine (the CLI's)."""
    store = open_store(settings)
    return build_portfolio(store, settings), build_gates(store, settings)


def notifier_for(settings: Settings, service: Checkins, printer: Callable[[str], Any] | None = None) -> Notifier:
    """Slack when a bot token is configured, else the log."""
    from bot.checkins.notify import LogNotifier

    if settings.slack_bot_token is None:
        return LogNotifier(printer)
    from bot.checkins.png import legend
    from bot.slack.notifier import SlackNotifier

    return SlackNotifier.from_settings(settings, legend([d.id for d in service.rubric.dimensions]))


def worker_id(prefix: str = "") -> str:
    """This process among replicas: host, pid and a random part."""
    return f"{prefix}{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def checkin_job(service: Checkins, notifier: Notifier) -> Callable[[], None]:
    """One pass of the check-in runner: what is due now, under this process's worker id."""
    from bot.checkins.runner import Runner as CheckinRunner

    runner, worker = CheckinRunner(service), worker_id()

    def tick() -> None:
        report = runner.run_due(service.clock.now(), notifier, worker)
        if report.sent or report.failed:
            log.info("check-ins sent %s failed %s", report.sent, report.failed)

    return tick


def inbox_job(bolt: App, coach: Coach) -> Callable[[], object]:
    """One sweep of the Slack inbox on the coach's database."""
    from bot.slack.inbox import replay_unfinished

    claims = coach.event_claims()
    return lambda: replay_unfinished(bolt, claims)


def build_bolt(
    settings: Settings, coach: Coach, checkins: Checkins, socket_mode: bool = False, gates: Gates | None = None
) -> App:
    """The Bolt app over the coach, check-ins, several respondents and the gate's sign-off buttons."""
    from bot.slack.app import create_slack_app

    gates = gates or build_gates(coach.store, settings, checkins.clock)
    return create_slack_app(settings, coach, checkins, socket_mode=socket_mode, respondents=build_respondents(coach),
                            gates=gates, portfolio=build_portfolio(coach.store, settings, checkins.clock))  # fmt: skip


def warm_up(coach: Coach) -> None:
    """Let the engine (and its offline fallback) load what it caches before traffic arrives."""
    # Without this, concurrent first requests all compute the same cached vectors at once.
    started = time.perf_counter()
    coach.engine.warm_up()
    log.info("warmed up the %s engine in %.1f s", coach.engine.name, time.perf_counter() - started)


class Server:
    """The HTTP app's start-up and shutdown: build the coach if needed, mount the pilots API and
    Slack, warm up, and run the periodic jobs (check-ins, Slack inbox) when the scheduler is on."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.jobs = Runner()

    def mount(self, app: FastAPI, coach: Coach) -> None:
        """Add the pilots API and, when configured, Slack; register their periodic jobs."""
        from bot.api.gate import mount_gate
        from bot.api.pilots import mount_pilots
        from bot.api.portfolio import mount_portfolio
        from bot.api.respondents import mount_respondents
        from bot.slack.http import mount_slack

        checkins = build_checkins(coach, self.clock, self.settings)
        app.state.checkins = checkins
        mount_pilots(app, checkins)
        mount_portfolio(app, build_portfolio(coach.store, self.settings, checkins.clock))
        gates = build_gates(coach.store, self.settings, checkins.clock)
        mount_gate(app, gates)
        mount_respondents(app, build_respondents(coach))
        self.jobs.add("checkins", checkin_job(checkins, notifier_for(self.settings, checkins)), CHECKIN_SECONDS)
        if self.settings.slack_enabled and self.settings.slack_signing_secret is not None:
            bolt = build_bolt(self.settings, coach, checkins, gates=gates)
            mount_slack(app, self.settings, bolt)
            self.jobs.add("slack-inbox", inbox_job(bolt, coach), INBOX_SECONDS)

    def start(self, app: FastAPI) -> None:
        """Build and mount what was not given, warm up, start the jobs (only with scheduler_enabled)."""
        if app.state.coach is None:
            app.state.coach = build_coach(self.settings)
            self.mount(app, app.state.coach)
        warm_up(app.state.coach)
        if self.settings.scheduler_enabled:
            self.jobs.start()

    def stop(self, app: FastAPI) -> None:
        """Stop the jobs; a pass in flight finishes first."""
        self.jobs.stop()


def create_app(settings: Settings, coach: Coach | None = None, clock: Clock | None = None) -> FastAPI:
    """The whole HTTP app: API, web chat, pilots and (when configured) Slack; no I/O here.

    A coach not given is built at start-up, and the pilots API and Slack are mounted then."""
    from bot.api.app import create_api

    server = Server(settings, clock)
    app = create_api(settings, coach, hooks=server)
    app.state.server = server
    if coach is not None:
        server.mount(app, coach)
    return app


def upgrade_schema(settings: Settings) -> tuple[Any, str]:
    """Bring the configured database up to this version's schema: (SchemaState, safe url)."""
    from bot.store.db import safe_url
    from bot.store.migrations import upgrade_database

    engine = make_engine(settings)
    try:
        check_connection(engine)
        return upgrade_database(engine), safe_url(engine.url)
    finally:
        engine.dispose()


def read_schema(settings: Settings) -> Any:
    """The configured database's schema revision against this version's (SchemaState)."""
    from bot.store.migrations import schema_state

    engine = make_engine(settings)
    try:
        return schema_state(engine)
    finally:
        engine.dispose()
