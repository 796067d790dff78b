"""When an area stops being asked: a short reassurance is tested, a non-answer ends it, and an area is
judged on its own answers before what was said elsewhere (issue 11, interview-side misses)."""

from __future__ import annotations

import pytest

from bot.interview_judge import Settling
from bot.models import Evidence, Judgement, Statement, Turn
from bot.service import Coach
from tests.core.test_interview_flow import _state, _to_areas


def _to(coach: Coach, area: str) -> Turn:
    turn = _to_areas(coach)
    while turn.topic != area:
        turn = coach.send_message(turn.session_id, "skip")
    return turn


def _status(coach: Coach, session_id: str, area: str) -> str:
    return next(d.status for d in coach.report(session_id).dimensions if d.id == area)


def test_a_short_reassurance_gets_the_areas_next_question(coach: Coach) -> None:
    turn = _to(coach, "mlops_observability")
    first = turn.question_id
    turn = coach.send_message(turn.session_id, "We track forecast error weekly on a dashboard.")
    assert turn.topic == "mlops_observability" and turn.question_id != first  # tested, not settled
    turn = coach.send_message(turn.session_id, "There's no on-call or rollback plan.")
    assert _status(coach, turn.session_id, "mlops_observability") == "gap"


def test_a_tested_reassurance_stands(coach: Coach) -> None:
    turn = _to(coach, "mlops_observability")
    turn = coach.send_message(turn.session_id, "We track forecast error weekly on a dashboard.")
    turn = coach.send_message(turn.session_id, "I've nothing more to add on that.")
    assert turn.topic != "mlops_observability"  # one more answer at most
    assert _status(coach, turn.session_id, "mlops_observability") == "ready"


def test_a_specific_in_place_answer_settles_at_once(coach: Coach) -> None:
    turn = _to(coach, "mlops_observability")
    said = (
        "Weekly evals on a labelled sample, drift monitoring on flag rates, latency and cost on a dashboard, "
        "and an on-call rota with a rollback runbook."
    )
    turn = coach.send_message(turn.session_id, said)
    assert turn.topic != "mlops_observability"


def test_an_answer_that_adds_nothing_ends_the_areas_questions(coach: Coach) -> None:
    turn = _to(coach, "legacy_integration")
    asked = len(coach.rubric.dimension("legacy_integration").questions)
    assert asked >= 3
    turn = coach.send_message(turn.session_id, "It doesn't need much.")
    assert turn.topic == "legacy_integration"  # a vague first answer gets a follow-up
    turn = coach.send_message(turn.session_id, "I've nothing more to add on that.")
    assert turn.topic != "legacy_integration"
    own = [q for q in _state(coach, turn.session_id).asked if q.startswith("int_")]
    assert len(own) == 2 < asked


def test_an_area_is_judged_on_its_own_answers_before_an_aside_elsewhere(coach: Coach) -> None:
    turn = _to(coach, "governance")
    turn = coach.send_message(
        turn.session_id,
        "Privacy and compliance approved it last spring, and every output is logged with its input and model version.",
    )
    assert turn.topic != "governance"
    while turn.topic != "legacy_integration":
        turn = coach.send_message(turn.session_id, "skip")
    coach.send_message(turn.session_id, "IT hasn't scoped it, and nobody from compliance has looked at the connector.")
    assert _status(coach, turn.session_id, "governance") == "ready"


def _asked(coach: Coach, session_id: str, area: str) -> list[str]:
    own = {q.id for q in coach.rubric.dimension(area).questions}
    return [q for q in _state(coach, session_id).asked if q in own]


def test_two_not_sures_in_a_row_end_the_area_as_an_open_question(coach: Coach) -> None:
    turn = _to(coach, "governance")
    turn = coach.send_message(turn.session_id, "Not sure, haven't looked at that.")
    assert turn.topic == "governance"  # one "not sure" gets the area's next question
    turn = coach.send_message(turn.session_id, "No idea, honestly.")
    assert turn.topic != "governance"
    assert len(_asked(coach, turn.session_id, "governance")) == 2 < len(coach.rubric.dimension("governance").questions)
    report = coach.report(turn.session_id)
    assert _status(coach, turn.session_id, "governance") == "unknown"
    assert "governance" in {q.dimension for q in report.open_questions}


def test_two_clicked_not_sures_end_the_area(coach: Coach) -> None:
    turn = _to(coach, "legacy_integration")
    for _ in range(2):
        assert turn.topic == "legacy_integration"
        turn = coach.send_message(turn.session_id, next(c.value for c in turn.choices if c.status == "unknown"))
    assert turn.topic != "legacy_integration"
    assert _status(coach, turn.session_id, "legacy_integration") == "unknown"


def test_a_not_sure_after_an_answer_that_said_something_keeps_asking(coach: Coach) -> None:
    turn = _to(coach, "governance")
    turn = coach.send_message(turn.session_id, "Hmm, let me think.")
    turn = coach.send_message(turn.session_id, "Not sure, haven't looked at that.")
    assert turn.topic == "governance"  # the team has not yet said twice that it doesn't know
    assert len(_asked(coach, turn.session_id, "governance")) == 3


def _to_integration_confirmation(coach: Coach) -> Turn:
    """An integration answer given to the data question, so the integration area opens with a confirmation."""
    turn = _to_areas(coach)
    said = (
        "It reads live from the claims system. It writes every result back into the claims system through "
        "the standard interface the vendor supports, scoped and budgeted with the core team."
    )
    turn = coach.send_message(turn.session_id, said)
    while turn.topic != "legacy_integration":
        turn = coach.send_message(turn.session_id, "skip")
    assert turn.question_id == "legacy_integration.confirm"
    return turn


def test_a_confirmation_answered_in_agreement_settles_the_area(coach: Coach) -> None:
    turn = _to_integration_confirmation(coach)
    turn = coach.send_message(turn.session_id, "It goes through the vendor's standard API.")
    assert turn.topic == "mlops_observability"  # their own words agreed: no more integration questions
    assert _status(coach, turn.session_id, "legacy_integration") == "ready"


def test_a_short_in_place_answer_to_a_question_that_covers_its_area_settles_it(coach: Coach) -> None:
    turn = _to(coach, "legacy_integration")
    assert coach.rubric.dimension("legacy_integration").questions[0].in_place_settles
    turn = coach.send_message(turn.session_id, "Already connected to the ERP through its standard API.")
    assert turn.topic == "mlops_observability"  # nine words, but they say the interfaces exist: nothing left to plan
    assert _asked(coach, turn.session_id, "legacy_integration") == ["int_systems"]
    assert _status(coach, turn.session_id, "legacy_integration") == "ready"


def test_which_questions_cover_their_area_is_the_rubrics_data(coach: Coach) -> None:
    said = [
        Statement(
            text="Already connected to the ERP through its standard API.",
            topic="legacy_integration",
            question_id="int_systems",
        )
    ]
    flagged = coach.rubric
    unflagged = flagged.model_copy(deep=True)
    unflagged.dimension("legacy_integration").questions[0].in_place_settles = False
    for rubric, settles in ((flagged, True), (unflagged, False)):
        settling = Settling(rubric, coach.engine)
        judged = settling.area(rubric.dimension("legacy_integration"), said)
        assert judged.status == "ready"
        assert settling.settled(judged, said) is settles  # unflagged, the short line is tested by a next question


def test_a_confirmation_answered_with_words_that_place_nothing_asks_the_areas_questions(coach: Coach) -> None:
    turn = _to_integration_confirmation(coach)
    turn = coach.send_message(turn.session_id, "Hmm, not really.")
    assert turn.topic == "legacy_integration"  # the quoted words don't answer for the team: ask
    assert turn.question_id in {q.id for q in coach.rubric.dimension("legacy_integration").questions}


def _ops_gap_said_under_governance(coach: Coach) -> Turn:
    """Governance answered with a line that reads as an operations gap; operations opens on it."""
    turn = _to(coach, "governance")
    turn = coach.send_message(turn.session_id, "Nothing is logged and nobody watches its error rate or drift.")
    while turn.topic != "mlops_observability":
        turn = coach.send_message(turn.session_id, "skip")
    return turn


@pytest.mark.parametrize(
    ("area", "aside", "read_alone"),
    [
        (
            "governance",
            Statement(
                text="Compliance and privacy signed it off in March; every answer is logged with its model version.",
                topic="data_pipeline",
                question_id="data_source",
            ),
            "ready",
        ),
        (
            "mlops_observability",
            Statement(
                text="Nothing is logged and nobody watches its error rate or drift.",
                topic="governance",
                question_id="gov_audit",
            ),
            "gap",
        ),
    ],
)
def test_an_area_the_team_is_not_sure_about_is_not_placed_by_another_answer(
    coach: Coach, area: str, aside: Statement, read_alone: str
) -> None:
    dim = coach.rubric.dimension(area)
    texts = ("Not sure, I haven't looked at that.", "No idea, honestly.")
    unsure = [Statement(text=t, topic=area, question_id=q.id) for t, q in zip(texts, dim.questions, strict=False)]
    settling = Settling(coach.rubric, coach.engine)
    assert settling.area(dim, [aside]).status == read_alone  # read from the other answer when nothing else is said
    judged = settling.area(dim, [aside, *unsure])
    assert judged.status == "unknown" and not judged.evidence  # asked directly, the team couldn't vouch for it


def test_not_sure_answers_keep_the_questions_coming_while_another_answer_reads_a_gap(coach: Coach) -> None:
    turn = _ops_gap_said_under_governance(coach)
    for reply in ("Not sure.", "No idea, honestly."):  # to its confirmation of the quoted line, then a question
        turn = coach.send_message(turn.session_id, reply)
    assert turn.topic == "mlops_observability"  # two "not sure"s, but the other answer's gap is still untested
    turn = coach.send_message(turn.session_id, "There's no alerting and nobody is on call for it.")
    assert _status(coach, turn.session_id, "mlops_observability") == "gap"  # heard in the team's own words


def test_not_sure_to_every_question_leaves_the_area_open_whatever_was_said_elsewhere(coach: Coach) -> None:
    turn = _ops_gap_said_under_governance(coach)
    while turn.topic == "mlops_observability":
        turn = coach.send_message(turn.session_id, "Not sure, haven't looked at that.")
    assert _status(coach, turn.session_id, "mlops_observability") == "unknown"
    assert "mlops_observability" in {q.dimension for q in coach.report(turn.session_id).open_questions}


def test_a_gap_is_not_settled_while_another_answer_about_the_area_reads_in_place_as_surely(coach: Coach) -> None:
    dim = coach.rubric.dimension("roi_ownership")
    opening = Statement(
        text="The CFO owns it: she signed a 10% cost target against last year's baseline and carries the run cost.",
        topic=dim.id,
        question_id="sponsor",
    )
    answer = Statement(text="Not agreed.", topic=dim.id, question_id="roi_metric")
    settling = Settling(coach.rubric, coach.engine)
    in_place = coach.engine.judge(dim, [opening])
    assert in_place.status == "ready"

    def gap(confidence: float) -> Judgement:
        return Judgement(
            dimension=dim.id, status="gap", confidence=confidence, evidence=[Evidence(quote="Not agreed.")]
        )

    weaker, surer = gap(in_place.confidence - 0.01), gap(min(1.0, in_place.confidence + 0.01))
    assert not settling.settled(weaker, [answer], about=[opening, answer])  # both said: the next question decides
    assert settling.settled(surer, [answer], about=[opening, answer])
    assert settling.settled(weaker, [answer])  # nothing about the area reads in place
