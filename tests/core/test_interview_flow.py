"""The interview asks every rubric question it needs, listens to what was said, and takes quick replies."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.interview import InterviewState
from bot.knowledge import Rubric
from bot.models import Turn
from bot.service import Coach
from evals import gaps

INTRO = {
    "purpose": "It drafts replies to customer emails for our support agents.",
    "sponsor": "The innovation team sponsors it.",
    "stage": "A prototype shown to the leadership team last month.",
    "autonomy": "A person reviews every draft before it is sent.",
}


def _to_areas(coach: Coach, pilot: str | None = "Email assistant") -> Turn:
    turn = coach.start_session(pilot_name=pilot)
    while turn.topic == "intro":
        turn = coach.send_message(turn.session_id, INTRO.get(turn.question_id, "Email assistant"))
    return turn


def _state(coach: Coach, session_id: str) -> InterviewState:
    return InterviewState.model_validate(coach.store.get_session(session_id).state)


def _value(turn: Turn, label: str) -> str:
    return next(c.value for c in turn.choices if c.label == label)


def _unsure_persona(rubric: Rubric) -> dict[str, Any]:
    """A team that says nothing definite, then isn't sure: every area stays open, so every question comes
    (two "not sure"s in a row would end an area after its second question)."""
    return {
        "id": "unsure",
        "pilot_name": "Unsure",
        "intro": {**INTRO, "sponsor": "Not sure who it is."},
        "answers": {d.id: ["Hmm, let me think."] + ["Not sure, I'd have to check."] * 3 for d in rubric.dimensions},
        "expected": {"status": {}},
    }


def test_every_rubric_question_is_asked_across_the_personas(coach: Coach) -> None:
    personas = [*gaps.load_yaml_dir(gaps.CASES / "personas"), _unsure_persona(coach.rubric)]
    asked: Counter[str] = Counter()
    for persona in personas:
        outcome = gaps.run_persona(coach, persona)
        assert outcome.complete, persona["id"]
        rec = coach.store.list_sessions(owner="eval", limit=1)[0]
        asked.update(_state(coach, rec.id).asked)
    every = {q.id for d in coach.rubric.dimensions for q in d.questions}
    assert every <= set(asked), sorted(every - set(asked))
    assert asked["roi_owner"] < len(personas)  # the sponsor answer already asked it: not asked again


def test_a_settled_area_asks_nothing_more(coach: Coach) -> None:
    turn = _to_areas(coach)
    for _ in range(6):
        if turn.topic == "workflow_adoption":
            break
        turn = coach.send_message(turn.session_id, "skip")
    assert turn.question_id == "wf_day_in_life" and "**Workflow fit and adoption** (4/6). Walk me" in turn.reply
    after = coach.send_message(turn.session_id, "It's on a separate page, which adds a copy paste step.")
    assert after.topic == "legacy_integration"  # never a follow-up asking where it lives
    assert "separate" not in after.reply.lower()


def test_an_area_answered_earlier_is_confirmed_not_asked(coach: Coach) -> None:
    turn = _to_areas(coach)
    assert turn.topic == "data_pipeline"
    said = "Agents open a separate portal and paste the draft into the ticket by hand; most stopped using it."
    turn = coach.send_message(turn.session_id, f"{said} Also the data is a one-off CSV export.")
    while turn.topic != "workflow_adoption":
        turn = coach.send_message(turn.session_id, "skip")
    assert turn.question_id == "workflow_adoption.confirm"
    assert "**Workflow fit and adoption** (4/6). You said" in turn.reply
    assert "Is that still true?" in turn.reply
    assert [c.label for c in turn.choices] == ["Yes, still true", "No, it has changed", "Not sure"]
    assert turn.choices[0].status == "gap"
    nxt = coach.send_message(turn.session_id, "Yes")
    assert nxt.topic == "legacy_integration"
    wf = next(d for d in coach.report(turn.session_id).dimensions if d.id == "workflow_adoption")
    assert wf.status == "gap"


def test_no_to_a_confirmation_asks_the_areas_questions(coach: Coach) -> None:
    turn = _to_areas(coach)
    said = "Agents open a separate portal and paste the draft into the ticket by hand; most stopped using it."
    turn = coach.send_message(turn.session_id, said)
    while turn.topic != "workflow_adoption":
        turn = coach.send_message(turn.session_id, "skip")
    assert turn.question_id.endswith(".confirm")
    again = coach.send_message(turn.session_id, "No, it has changed")
    assert again.question_id == "wf_day_in_life" and again.topic == "workflow_adoption"


def test_a_clicked_option_is_recorded_as_its_meaning(coach: Coach) -> None:
    turn = _to_areas(coach)
    assert turn.question_id == "data_source"
    assert 2 <= len(turn.choices) <= 4 and {c.status for c in turn.choices} == {"ready", "gap", "unknown"}
    click = _value(turn, "One-off or hand-made extract") + " Maria pulls it from SAP each month."
    # a click followed by typed details: the option's status, with the team's words quoted
    turn = coach.send_message(turn.session_id, click.replace(". Maria", ": Maria"))
    assert turn.topic == "roi_ownership"  # settled by the click
    state = _state(coach, turn.session_id)
    picked = [s for s in state.statements if s.status is not None]
    assert [s.status for s in picked] == ["gap"] and "Maria pulls it from SAP" in picked[0].text
    assert any(s.text == "Maria pulls it from SAP each month." and s.status is None for s in state.statements)
    dp = next(d for d in coach.report(turn.session_id).dimensions if d.id == "data_pipeline")
    assert dp.status == "gap" and any("SAP" in e.quote for e in dp.evidence)


def test_a_ready_option_and_free_text_alone_both_work(coach: Coach) -> None:
    turn = _to_areas(coach)
    turn = coach.send_message(turn.session_id, _value(turn, "Automated feed"))
    assert turn.topic == "roi_ownership"
    dp = next(d for d in coach.report(turn.session_id).dimensions if d.id == "data_pipeline")
    assert dp.status == "ready"
    free = coach.send_message(turn.session_id, "Finance signed off a 10% cut in handling time, owned by ops.")
    assert free.topic in {"roi_ownership", "governance"}


def test_not_sure_is_an_open_question_not_a_gap(coach: Coach) -> None:
    for answer in ("Not sure", "Not sure, haven't looked at that", "I'd have to check with IT, no idea."):
        turn = _to_areas(coach)
        turn = coach.send_message(turn.session_id, answer)
        assert turn.topic == "data_pipeline" and turn.question_id == "data_full_volume"  # the next question
        report = coach.report(turn.session_id)
        dp = next(d for d in report.dimensions if d.id == "data_pipeline")
        assert dp.status == "unknown", answer
        assert "data_pipeline" in {q.dimension for q in report.open_questions}
        assert "data_pipeline" not in {g.dimension for g in report.gaps}


def test_the_pilot_name_is_asked_unless_given(coach: Coach) -> None:
    turn = coach.start_session()
    assert turn.question_id == "name" and "call the pilot" in turn.reply
    turn = coach.send_message(turn.session_id, "Claims copilot")
    assert turn.question_id == "purpose" and "Claims copilot" in turn.reply
    assert coach.session_view(turn.session_id).pilot_name == "Claims copilot"
    assert coach.report(turn.session_id).pilot_name == "Claims copilot"
    named = coach.start_session(pilot_name="Triage")
    assert named.question_id == "purpose"


def test_an_early_report_says_how_many_areas_are_open(coach: Coach) -> None:
    turn = _to_areas(coach)
    early = coach.send_message(turn.session_id, "report")
    assert early.report is not None and "partial" in early.reply
    n = len(early.report.open_questions)
    assert f"{n} of 6 areas {'is' if n == 1 else 'are'} still open" in early.reply
    assert early.reply.count("of 6 areas") == 1
    assert early.report is not None and early.question_id == "data_source" and early.choices


def _finish(coach: Coach) -> Turn:
    turn = _to_areas(coach)
    turn = coach.send_message(turn.session_id, "We trained it on a hand-cleaned CSV export; there is no pipeline.")
    while not turn.done:
        turn = coach.send_message(turn.session_id, "skip")
    return turn


def test_questions_after_the_report_get_grounded_answers(coach: Coach) -> None:
    done = _finish(coach)
    assert done.report is not None and [c.label for c in done.choices][0] == "What do we do first?"
    answer = coach.send_message(done.session_id, "Why does this matter?")
    assert answer.citations and "interview is finished" not in answer.reply
    assert answer.topic == "done"


def test_after_the_report_the_chat_says_what_to_do_first_why_and_who(coach: Coach) -> None:
    done = _finish(coach)
    top = done.report.gaps[0] if done.report else None
    assert top is not None and top.dimension == "data_pipeline"
    first = coach.send_message(done.session_id, "What do we do first?")
    assert first.reply.startswith("Start with production data pipeline:") and top.actions[0] in first.reply
    who = coach.send_message(done.session_id, "Who should we involve?")
    assert coach.rubric.dimension("data_pipeline").involve in who.reply
    anything = coach.send_message(done.session_id, "ok, thanks")
    assert "Why that first" in anything.reply and 'You told me "' in anything.reply


def test_back_to_a_confirmation_quotes_the_same_words(coach: Coach) -> None:
    turn = _to_areas(coach)
    said = "Agents open a separate portal and paste the draft into the ticket by hand; most stopped using it."
    turn = coach.send_message(turn.session_id, said)
    while turn.topic != "workflow_adoption":
        turn = coach.send_message(turn.session_id, "skip")
    asked = turn.reply.split("You said", 1)[1]
    assert coach.send_message(turn.session_id, "Yes").topic == "legacy_integration"
    back = coach.send_message(turn.session_id, "back")
    assert back.question_id == "workflow_adoption.confirm" and back.reply.endswith(asked)
    assert back.choices[0].status == "gap"
