"""An area is judged on the team's own answers to it before what they said about another area."""

from __future__ import annotations

from bot.interview_judge import judge_area, own_statements
from bot.models import Statement
from bot.service import Coach

HERE = "Privacy signed off on using the customer data for this in the spring."
ELSEWHERE = "The billing change to apply it automatically hasn't been reviewed or scoped by anyone."


def test_own_answers_place_the_area_before_another_areas_answer(coach: Coach) -> None:
    gov = coach.rubric.dimension("governance")
    said = [
        Statement(text=HERE, topic="governance", question_id="gov_reviewers"),
        Statement(text=ELSEWHERE, topic="legacy_integration", question_id="int_systems"),
    ]
    assert own_statements(gov, said) == said[:1]
    own = coach.engine.judge(gov, said[:1])
    assert own.status == "ready"  # the premise: the area's own answer places it,
    assert coach.engine.judge(gov, said).status == "gap"  # and read with the other area's answer, it was a gap
    judged = judge_area(coach.engine, gov, said)
    assert judged.status == "ready" and all(e.quote != ELSEWHERE for e in judged.evidence)


def test_an_area_with_no_placing_answer_still_reads_everything_said(coach: Coach) -> None:
    legacy = coach.rubric.dimension("legacy_integration")
    said = [
        Statement(text="Not sure.", topic="legacy_integration", question_id="int_systems"),
        Statement(text=ELSEWHERE, topic="governance", question_id="gov_reviewers"),
        Statement(text="It suggests replies to agents.", topic="intro", question_id="purpose"),
    ]
    assert judge_area(coach.engine, legacy, said) == coach.engine.judge(legacy, said)
