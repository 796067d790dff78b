"""Assessments and gaps carry their owner: another owner's read or write is NotFound, like a missing one."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from bot.errors import NotFound
from bot.models import Report
from bot.store import Store
from bot.store.public_ids import new_public_id
from tests.store.migrations_helpers import undo_newer_revisions

from .conftest import MakeStore

A, B = "key-aaaa", "key-bbbb"


def test_an_assessment_belongs_to_its_session_owner(store: Store, report: Report) -> None:
    session = store.create_session(A, "api")
    aid = store.save_assessment(report, session_id=session.id)
    assert store.get_assessment(aid, owner=A).owner == A
    assert [g.assessment_public_id for g in store.list_gaps(aid, owner=A)] == [aid]
    with pytest.raises(NotFound) as foreign:
        store.get_assessment(aid, owner=B)
    unknown = new_public_id()
    with pytest.raises(NotFound) as missing:
        store.get_assessment(unknown, owner=B)
    assert str(foreign.value) == str(missing.value).replace(unknown, aid)
    with pytest.raises(NotFound):
        store.list_gaps(aid, owner=B)
    with pytest.raises(NotFound):  # B cannot attach an assessment to A's session either
        store.save_assessment(report, session_id=session.id, owner=B)


def test_one_shot_assessments_belong_to_the_caller(store: Store, report: Report) -> None:
    mine, local = store.save_assessment(report, owner=A), store.save_assessment(report)
    assert store.get_assessment(mine).owner == A and store.get_assessment(local).owner == "local"
    with pytest.raises(NotFound):
        store.get_assessment(local, owner=A)


def test_a_gap_of_another_owner_cannot_be_changed(store: Store, report: Report) -> None:
    gap = store.list_gaps(store.save_assessment(report, owner=A))[0]
    for change in ({"status": "resolved"}, {"owner": "U0MALLORY"}):
        with pytest.raises(NotFound, match=f"No gap {gap.public_id}:"):
            store.update_gap(gap.public_id, actor="U0MALLORY", tenant=B, **change)  # type: ignore[arg-type]
    assert store.list_gaps(gap.assessment_id)[0].status == "open"
    assert store.list_audit(subject=f"gap:{gap.public_id}") == []
    assert store.update_gap(gap.public_id, status="resolved", tenant=A).status == "resolved"
    assert len(store.list_audit(subject=f"gap:{gap.public_id}")) == 1  # the audit names it as the API does


def test_an_older_database_gains_owners_from_sessions(make_store: MakeStore, report: Report) -> None:
    old = make_store()
    session = old.create_session(A, "slack")
    saved = old.save_assessment(report, session_id=session.id), old.save_assessment(report)
    from_session, one_shot = (old.get_assessment(ref).id for ref in saved)  # keys: the upgrade draws new public ids
    with old.engine.begin() as conn:  # back to the table as it was before assessments had owners (and migrations)
        undo_newer_revisions(conn)
        conn.execute(text("DROP INDEX ix_assessments_owner"))
        conn.execute(text("ALTER TABLE assessments DROP COLUMN owner"))
    old.close()
    upgraded = make_store()
    assert upgraded.get_assessment(from_session, owner=A).owner == A
    with pytest.raises(NotFound):  # no session, no known owner: nobody's
        upgraded.get_assessment(one_shot, owner="local")
    assert upgraded.get_assessment(one_shot).owner is None
    assert make_store().get_assessment(from_session, owner=A).owner == A  # reopening is idempotent
    assert "ix_assessments_owner" in {i["name"] for i in inspect(upgraded.engine).get_indexes("assessments")}
