"""Gap, feedback, audit and session look-ups through the Coach, each checked against its owner."""

from __future__ import annotations

import pytest

from bot.errors import NotFound
from bot.service import Coach
from tests.core.test_interview import GAPPY


def assessed(coach: Coach, owner: str) -> str:
    report = coach.assess_text("\n\n".join(GAPPY.values()), pilot_name="Email assistant", owner=owner)
    assert report.assessment_id is not None
    return report.assessment_id


def test_gaps_are_listed_and_updated_only_by_their_owner(coach: Coach) -> None:
    aid = assessed(coach, "team-a")
    gaps = coach.gaps(aid, owner="team-a")
    assert gaps and [g.title for g in gaps] == [g.title for g in coach.stored_report(aid, owner="team-a").gaps]
    with pytest.raises(NotFound):
        coach.gaps(aid, owner="team-b")
    with pytest.raises(NotFound):
        coach.update_gap(gaps[0].id, status="resolved", actor="U2", owner="team-b")
    done = coach.update_gap(gaps[0].id, status="resolved", assignee="Priya", actor="U1", owner="team-a")
    assert (done.status, done.owner) == ("resolved", "Priya")
    changes = coach.store.list_audit(subject=f"gap:{gaps[0].id}", kind="gap.updated")
    assert changes and changes[-1].actor == "U1"


def test_feedback_is_audited_and_refused_on_another_owners_report(coach: Coach) -> None:
    aid = assessed(coach, "team-a")
    coach.record_feedback(aid, helpful=False, actor="U1", comment="Too long", owner="team-a")
    with pytest.raises(NotFound):
        coach.record_feedback(aid, helpful=True, actor="U9", owner="team-b")
    kept = coach.store.list_audit(subject=f"assessment:{aid}", kind="slack.feedback_comment")
    assert [(e.actor, e.detail) for e in kept] == [("U1", {"helpful": False, "comment": "Too long"})]


def test_sessions_are_found_by_outside_key(coach: Coach) -> None:
    turn = coach.start_session(owner="slack:T1", channel="slack", external_key="slack:T1:C1:171.1")
    ref = coach.find_session("slack:T1:C1:171.1")
    assert ref is not None and (ref.id, ref.owner, ref.done) == (turn.session_id, "slack:T1", False)
    latest = coach.latest_session("slack:T1", "slack:T1:C1:")
    assert latest is not None and latest.id == turn.session_id
    assert coach.latest_session("slack:T2", "slack:T1:C1:") is None and coach.find_session("nope") is None
