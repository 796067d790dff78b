"""SIGKILL the real server between a respondent's last turn and its share into the lead's interview.

A respondent's turn is stored in one transaction; then (bot/respondents/service.py) their status is
stored, their answers are shared into the lead's state, and the last one's share makes the lead's
report: each its own commit. A trigger in the database (the boundary: no project code is patched)
holds the server at one of those points until the test kills it with `kill -9`, so every point is
hit on every run. Then: every turn stored is whole, nothing after the point is half-applied, and the
share is repaired, by the respondent's retry (same Idempotency-Key) or by the lead reading the report,
with the answer that was stored but never acknowledged in the lead's report exactly once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select, text

from bot.config import PROJECT_ROOT
from bot.interview_state import InterviewState
from bot.respondents.tables import RespondentRow
from bot.store import Store
from tests.api.tenants import Rig
from tests.api.test_kill import Servers, whole_turns
from tests.api.test_serve_cmd import coach_env
from tests.respondents.conftest import LEAD, SAID, answer_all, finish_intro, invite, lead_session

SAM = {"name": "Sam Sponsor", "role": "sponsor", "areas": ["roi_ownership"]}  # one answer finishes Sam
ANA = {
    "name": "Ana",
    "role": "analyst",
    "areas": ["workflow_adoption", "data_pipeline", "governance", "legacy_integration", "mlops_observability"],
}
SAID_BY_SAM = SAID["Sam"]["roi_ownership"]
QUOTED, BY_SAM = "measured a baseline", "Sam Sponsor, sponsor"
# where the server is held and killed: the write that waits (its table, event and row), and its name
POINTS = {
    "turn stored, status not": ("respondents", "UPDATE", "OLD.part_session_id"),
    "status stored, share not": ("sessions", "UPDATE", "OLD.id"),
    "share stored, report not": ("assessments", "INSERT", "NEW.session_id"),
}
REPAIRS = ("retry", "lead reads the report")
SQLITE_SPIN = "SELECT count(*) FROM " + ", ".join(f"sqlite_schema t{n}" for n in range(6))  # hours of work
PG_STALL = (
    "CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(600); RETURN NEW; END $$"
)


@dataclass
class Case:
    """One lead waiting for Sam's last answer, which a server is killed in the middle of."""

    point: str
    repair: str
    lead: str
    token: str
    part: str  # Sam's own interview
    version: int  # the lead's, before Sam's answer
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    unacknowledged: list[BaseException] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        """Sam's link and the answer's Idempotency-Key."""
        return {"X-Respondent-Token": self.token, "Idempotency-Key": self.key}

    def row(self) -> str:
        """The id of the row whose write is held."""
        return self.part if self.point == "turn stored, status not" else self.lead

    def send(self, url: str) -> None:
        """Sam's answer to the server, which dies before acknowledging it."""
        try:
            httpx.post(f"{url}/v1/respond/messages", json={"text": SAID_BY_SAM},
                       headers=self.headers | {"Host": "127.0.0.1"}, timeout=120)  # fmt: skip
        except httpx.TransportError as exc:
            self.unacknowledged.append(exc)


@contextmanager
def held(engine: Engine, cases: list[Case]) -> Iterator[None]:
    """While inside, the server's write at each case's point (to that case's row) never commits."""
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as db:
        if pg:
            db.execute(text(PG_STALL))
        for n, case in enumerate(cases):
            table, event, column = POINTS[case.point]
            when, then = f"WHEN ({column} = '{case.row()}')", "FOR EACH ROW {} EXECUTE FUNCTION stall()"
            body = then.format(when) if pg else f"{when} BEGIN {SQLITE_SPIN}; END"
            db.execute(text(f"CREATE TRIGGER stall_{n} BEFORE {event} ON {table} {body}"))
    try:
        yield
    finally:
        with engine.begin() as db:
            if pg:  # the killed server's backends sleep on, holding their locks, until told to go
                db.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE wait_event = 'PgSleep' AND datname = current_database()"))  # fmt: skip
            for n, case in enumerate(cases):
                db.execute(text(f"DROP TRIGGER stall_{n}" + (f" ON {POINTS[case.point][0]}" if pg else "")))
            if pg:
                db.execute(text("DROP FUNCTION stall()"))


def _ready(rig: Rig, point: str, repair: str) -> Case:
    """A lead waiting for Sam, the last of two people (Sam's one answer makes the lead's report)."""
    lead = lead_session(rig.client)
    sam, ana = invite(rig.client, lead, [SAM, ANA])
    finish_intro(rig.client, lead)
    answer_all(rig.client, ana["token"], SAID["Ana"])
    with rig.coach.store._read_tx() as db:
        part = db.scalars(select(RespondentRow.part_session_id).filter_by(public_id=sam["id"])).one()
    assert rig.coach.store.latest_assessment(lead) is None
    return Case(point, repair, lead, sam["token"], part, rig.coach.store.get_session(lead).version)


def _status(store: Store, case: Case) -> str:
    with store._read_tx() as db:
        return str(db.scalars(select(RespondentRow.status).filter_by(part_session_id=case.part)).one())


def _reports(store: Store, case: Case) -> int:
    with store.engine.connect() as db:
        return int(
            db.execute(text("SELECT count(*) FROM assessments WHERE session_id = :s"), {"s": case.lead}).scalar()
        )


def _at_point(store: Store, case: Case) -> bool:
    """Whether the step before the case's point is stored (the server then waits at the point)."""
    if case.point == "turn stored, status not":
        return len(store.list_messages(case.part)) == 3
    if case.point == "status stored, share not":
        return _status(store, case) == "done"
    return store.get_session(case.lead).version > case.version


def kill_at_points(servers: Servers, store: Store, cases: list[Case]) -> None:
    """One server life: every case's answer sent, each held at its point, then `kill -9`."""
    with held(store.engine, cases):
        pid, url = servers.start()
        flights = [threading.Thread(target=c.send, args=(url,)) for c in cases]
        try:
            for flight in flights:
                flight.start()
            deadline = time.monotonic() + 120
            while not all(_at_point(store, c) for c in cases):
                assert time.monotonic() < deadline, [c.point for c in cases if not _at_point(store, c)]
                time.sleep(0.05)
            time.sleep(0.2)  # each server thread is in its held write by now, or on its way: before it either way
        finally:  # killed before the triggers go, even when the test failed: a held SQLite write blocks the drop
            servers.kill(pid)
            for flight in [f for f in flights if f.ident is not None]:  # those started
                flight.join(timeout=30)
    assert [c.point for c in cases if not c.unacknowledged] == []  # no answer was acknowledged


def check_point(store: Store, case: Case) -> None:
    """What came before the point is stored whole; nothing after it is there."""
    state = InterviewState.model_validate(store.get_session(case.lead).state)
    shared = [s for s in state.shared if s.author == BY_SAM]
    share_stored = case.point == "share stored, report not"
    assert _status(store, case) == ("invited" if case.point == "turn stored, status not" else "done"), case
    assert (store.get_session(case.lead).version > case.version, bool(shared)) == (share_stored, share_stored), case
    assert _reports(store, case) == 0, case
    assert [m.text for m in whole_turns(store, case.part)] == [SAID_BY_SAM], case
    whole_turns(store, case.lead)


def check_repaired(rig: Rig, case: Case) -> None:
    """After the respondent's retry, or the lead reading the report: the report once, with Sam's answer."""
    store = rig.coach.store
    if case.repair == "retry":  # the respondent's page sends the unacknowledged answer again
        again = rig.client.post("/v1/respond/messages", json={"text": SAID_BY_SAM}, headers=case.headers)
        assert again.status_code == 200 and again.json()["replayed"] and again.json()["done"], again.text
    else:  # Sam never comes back: the lead reads the report
        got = rig.client.get(f"/v1/sessions/{case.lead}/report", headers=LEAD)
        assert got.status_code == 200, got.text
    report = store.latest_assessment(case.lead)
    assert report is not None and _reports(store, case) == 1, case  # made once
    assert QUOTED in report.model_dump_json() and BY_SAM in report.model_dump_json(), case  # Sam's answer in it
    state = InterviewState.model_validate(store.get_session(case.lead).state)
    assert [s.text for s in state.shared if s.author == BY_SAM] == [SAID_BY_SAM], case
    listed = rig.client.get(f"/v1/sessions/{case.lead}/respondents", headers=LEAD).json()["respondents"]
    assert [p["status"] for p in listed] == ["done", "done"], case
    assert [m.text for m in whole_turns(store, case.part)] == [SAID_BY_SAM], case  # stored once, never twice
    assert store.get_session(case.part).version == 1, case
    whole_turns(store, case.lead)
    version = store.get_session(case.lead).version  # nothing is left to repair: reading writes nothing
    assert rig.client.get(f"/v1/sessions/{case.lead}/report", headers=LEAD).status_code == 200
    assert store.get_session(case.lead).version == version and _reports(store, case) == 1, case


@pytest.fixture
def servers(rig: Rig, database_url: str, tmp_path: Path) -> Iterator[Servers]:
    """`coach serve` processes on the rig's database, forked fast; killed ones are never signalled again."""
    env = coach_env(rig.coach.settings, COACH_DATABASE_URL=database_url, PYTHONPATH=str(PROJECT_ROOT))
    made = Servers(env, tmp_path)
    try:
        yield made
    finally:
        made.close()


@pytest.mark.timeout(600)  # SQLite: 46 to 290 s at load 8-11 on 2 cores; the first test also indexes
def test_kills_between_a_respondents_turn_and_its_share_are_repaired(rig: Rig, servers: Servers) -> None:
    store = rig.coach.store
    cases = [_ready(rig, point, repair) for point in POINTS for repair in REPAIRS]
    if store.engine.dialect.name == "postgresql":
        kill_at_points(servers, store, cases)  # every case held at once, in one life: rows wait, not tables
    else:
        for case in cases:  # SQLite has one writer: a held write holds them all, so one case a life
            kill_at_points(servers, store, [case])
    for case in cases:
        check_point(store, case)
    for case in cases:
        check_repaired(rig, case)
