"""SIGKILL the real server at random points while a client answers: no turn is ever half-applied.

Each life of the server (`coach serve`, forked from a process that imported it once) serves a
client that sends numbered answers with an Idempotency-Key, until a timer kills it mid-flow. The
answer in flight is re-sent after the restart. The database must then show every turn whole
(message, reply and state together), every re-sent answer on the question it answered, and every
finished interview with its stored assessment.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT, Settings
from bot.interview import InterviewState
from bot.store import MessageRecord, Store, new_id, open_store
from tests.api.script import answer
from tests.api.server import free_port
from tests.api.test_serve_cmd import coach_env

# per backend, over LANES clients each with its own server (replicas on one database)
KILLS = int(os.environ.get("COACH_KILL_TEST_KILLS", "40"))
LANES = int(os.environ.get("COACH_KILL_TEST_LANES", "2"))
KILL_AFTER = (0.0, 0.08)  # seconds from a request's start to the kill: mostly within the turn
TAG = re.compile(r"\[s(\d+-\d+) t(\d+)\]")
FORKSERVER = Path(__file__).with_name("forkserver.py")


@dataclass
class Answer:
    """One answer in flight or acknowledged; `asked` is the question it answers."""

    session: str
    text: str
    key: str
    asked: str
    resent: bool = False


@dataclass
class Client:
    """A team answering interviews one after another, re-sending what was never acknowledged."""

    lane: int = 0
    url: str = ""
    sessions: int = 0
    current: str | None = None
    asked: str = ""
    turn: int = 0
    pending: Answer | None = None
    acked: list[Answer] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    resends: int = 0
    replayed: int = 0

    def step(self, http: httpx.Client) -> None:
        """Send one request; a dead server raises httpx.TransportError with the answer kept pending."""
        if self.current is None:
            started = http.post(f"{self.url}/v1/sessions", json={"pilot_name": f"pilot {self.lane}-{self.sessions}"})
            assert started.status_code == 201, started.text
            self.current, self.asked, self.turn = started.json()["session_id"], "", 0
            self.sessions += 1
            return
        if self.pending is None:
            said = f"{answer(self.turn)} [s{self.lane}-{self.sessions} t{self.turn}]"
            self.pending = Answer(self.current, said, uuid.uuid4().hex, self.asked)
        sent = self.pending
        resp = http.post(
            f"{self.url}/v1/sessions/{sent.session}/messages",
            json={"text": sent.text},
            headers={"Idempotency-Key": sent.key},
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        self.replayed += body["replayed"]
        self.acked.append(sent)
        self.pending, self.turn, self.asked = None, self.turn + 1, body["question_id"]
        if body["done"]:
            self.finished.append(sent.session)
            self.current = None

    def died(self) -> None:
        """The server died mid-request: the answer in flight goes again after the restart."""
        if self.pending is not None:
            self.pending.resent = True
            self.resends += 1


class Servers:
    """Forks `coach serve` processes from one process that imported the server once."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(FORKSERVER)],
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._line() == "ready"
        self._lock = threading.Lock()
        self.pids: list[int] = []

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def start(self) -> tuple[int, str]:
        """A new server on a free port; (pid, base URL) once it answers."""
        port = free_port()
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(f"{port}\n")
            self.proc.stdin.flush()
            pid, url = int(self._line()), f"http://127.0.0.1:{port}"
            self.pids.append(pid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    return pid, url
            except httpx.TransportError:
                time.sleep(0.02)
        raise AssertionError(f"the server on port {port} did not start")

    def kill(self, pid: int) -> None:
        """SIGKILL one server; a dead one is never signalled again (its pid may be reused)."""
        os.kill(pid, signal.SIGKILL)
        self.pids.remove(pid)

    def close(self) -> None:
        """Stop forking, and kill any server not killed yet (a test that failed mid-life)."""
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.kill()
        self.proc.wait(timeout=30)


def run_lives(servers: Servers, client: Client, kills: int, rng: random.Random) -> None:
    """Start, use and SIGKILL a server `kills` times.

    Each life serves a few requests unharmed (so interviews progress even on a slow machine),
    then a timer started with a request kills the server somewhere in or after it."""
    with httpx.Client(timeout=30, headers={"Host": "127.0.0.1"}) as http:
        for _ in range(kills):
            pid, client.url = servers.start()
            safe, timer = rng.randint(0, 4), None
            try:
                while True:
                    if safe == 0 and timer is None:
                        timer = threading.Timer(rng.uniform(*KILL_AFTER), os.kill, (pid, signal.SIGKILL))
                        timer.start()
                    client.step(http)
                    safe -= 1
            except httpx.TransportError:
                client.died()
            assert timer is not None, "the server died before it was killed"
            timer.join()
            servers.pids.remove(pid)  # dead: never signal that pid again (it may be reused)


def run_lanes(servers: Servers, clients: list[Client], seed: str) -> None:
    """Each client in its own thread with its own series of servers, all on one database."""
    errors: list[BaseException] = []

    def lane(client: Client) -> None:
        try:
            run_lives(servers, client, KILLS // LANES, random.Random(f"{seed}-{client.lane}"))
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=lane, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def whole_turns(store: Store, session_id: str) -> list[MessageRecord]:
    """A session's stored messages from the team, after checking its transcript holds only whole turns."""
    messages = store.list_messages(session_id)
    roles = [m.role for m in messages]
    users = [m for m in messages if m.role == "user"]
    assert roles == ["coach"] + ["user", "coach"] * len(users), f"half-applied turn in {session_id}: {roles}"
    return users


def check_database(store: Store, clients: list[Client]) -> dict[str, int]:
    """Every turn whole, re-sent answers on their question, finished interviews assessed."""
    sessions = store.list_sessions(limit=100_000)
    counts = {"sessions": len(sessions), "turns": 0, "done": 0}
    for rec in sessions:
        users = whole_turns(store, rec.id)
        state = InterviewState.model_validate(rec.state)
        assert [TAG.findall(s.text) for s in state.statements] == [TAG.findall(m.redacted_text) for m in users]
        assert rec.version == len(users)  # one state change per stored turn, no more
        if state.done:
            assert rec.status == "done" and store.latest_assessment(rec.id) is not None, rec.id
            counts["done"] += 1
        counts["turns"] += len(users)
    for sent in [a for c in clients for a in c.acked]:
        rec = store.get_session(sent.session)
        said = [m.text for m in store.list_messages(sent.session) if m.role == "user"]
        assert said.count(sent.text) == 1, f"{sent.text!r} stored {said.count(sent.text)} times"
        state = InterviewState.model_validate(rec.state)
        (statement,) = [s for s in state.statements if TAG.findall(s.text) == TAG.findall(sent.text)]
        if sent.asked:  # the first answer of a session answers the greeting's question
            assert statement.question_id == sent.asked, f"{sent.text!r} landed on {statement.question_id}"
    for sid in [s for c in clients for s in c.finished]:
        assert store.latest_assessment(sid) is not None
    return counts


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (dropped afterwards) when COACH_TEST_POSTGRES_URL is set."""
    base_text = os.environ.get("COACH_TEST_POSTGRES_URL", "")
    if not base_text:
        pytest.skip("COACH_TEST_POSTGRES_URL is not set")
    base = make_url(base_text)
    if base.drivername in ("postgres", "postgresql"):
        base = base.set(drivername="postgresql+psycopg")
    schema = f"kill_{new_id()[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.timeout(900)  # ~1.5 s a restart on an idle 2-core machine; much more on a loaded one
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kill_9_never_half_applies_a_turn(
    backend: str, api_settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db_url = request.getfixturevalue("pg_url") if backend == "postgres" else f"sqlite:///{tmp_path / 'kill.db'}"
    env = coach_env(api_settings, COACH_DATABASE_URL=db_url, PYTHONPATH=str(PROJECT_ROOT))
    servers, clients = Servers(env, tmp_path), [Client(lane=n) for n in range(LANES)]
    started = time.monotonic()
    try:
        run_lanes(servers, clients, f"kill-{backend}")
    finally:
        servers.close()
    store = open_store(api_settings.model_copy(update={"database_url": db_url}))
    try:
        counts = check_database(store, clients)
    finally:
        store.close()
    resends, replayed = sum(c.resends for c in clients), sum(c.replayed for c in clients)
    finished = sum(len(c.finished) for c in clients)
    print(f"{backend}: {KILLS} kills in {time.monotonic() - started:.1f} s; {counts}; {resends} answers "
          f"re-sent, {replayed} of them stored before the kill; {finished} interviews finished")  # fmt: skip
    assert resends >= KILLS // 2  # most kills hit a request in flight
    acked = sum(len(c.acked) for c in clients)
    assert counts["turns"] >= acked
    assert finished or acked < 40  # an interview takes ~12 answers: enough lives finish some
