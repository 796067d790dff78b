"""A how-to or yes/no question told as a story gets its answer from the same document's advice,
found deeper than the passages the composer reads first; nothing else moves."""

from __future__ import annotations

import numpy as np

from bot.embeddings import get_embedder
from bot.engine.base import ANSWER_PASSAGES
from bot.engine.compose import TOP, Unit, compose, window
from bot.engine.depth import DEEP_PASSAGES, advice_first
from bot.engine.fallback import FallbackEngine
from bot.index import Passage
from bot.reading.unitkind import get_unitkinds
from bot.service import Coach

STORY = (
    "A parcel carrier gave its depot supervisors an AI scheduling assistant. After a month most supervisors "
    "had stopped opening it, because it lived in a separate portal and nobody had shown them how it fitted "
    "their shift planning."
)
PROBLEM = (
    "Adoption fades quietly once launch attention moves on: people return to the spreadsheet they trust, "
    "overrides rise, and the team notices only when the renewal is questioned."
)
OTHER_STORY = (
    "A retailer put a demand forecasting model in front of its buyers. The buyers kept their own figures "
    "because the forecasts arrived a day after orders were placed."
)
OTHER_PROBLEM = (
    "Forecast accuracy drops when promotions change and nobody retrains the model, so buyers stop trusting it."
)
LATE_STORY = "A hospital tried a triage assistant in one ward before the wider rollout was cancelled."
ADVICE = (
    "Put the assistant inside the planning screen supervisors already use, train each shift on the steps it "
    "changes, and have their managers check after two weeks whether its plans are being used."
)
OTHER_ADVICE = "Retrain the forecasting model before each promotion season and publish its accuracy to the buyers."
QUESTION = "our depot supervisors stopped opening the AI scheduling assistant after launch, what now?"


def _vectors(texts: list[str] | tuple[str, ...]) -> np.ndarray:
    return get_embedder().embed(list(texts))


def _passage(text: str, source: str, section: str) -> Passage:
    return Passage(text, source, section, section, source, "", 0.0, f"{source}#{section}")


def _retrieved() -> list[Passage]:
    """Stories and problems first; the story's own document's advice sixth, another's seventh."""
    return [
        _passage(STORY, "depots.md", "example"),
        _passage(OTHER_STORY, "retail.md", "example"),
        _passage(PROBLEM, "depots.md", "what-goes-wrong"),
        _passage(OTHER_PROBLEM, "retail.md", "what-goes-wrong"),
        _passage(LATE_STORY, "wards.md", "example"),
        _passage(ADVICE, "depots.md", "actions"),
        _passage(OTHER_ADVICE, "forecasts.md", "actions"),
    ]


def test_the_texts_read_as_the_kinds_they_stand_for() -> None:
    kinds = get_unitkinds()
    read = [kinds.kind(v) for v in _vectors([STORY, OTHER_STORY, PROBLEM, ADVICE, OTHER_ADVICE])]
    assert read[:2] == ["story", "story"] and read[2] != "advice" and read[3:] == ["advice", "advice"]


def test_a_how_to_reads_its_documents_advice_right_after_that_documents_best_passage() -> None:
    pick, top, ranks = advice_first(_retrieved(), "howto", get_unitkinds(), _vectors)
    assert top == TOP + 1
    assert ranks[:top] == [0, 0, 1, 2, 3]  # the added advice takes its document's place; the rest keep theirs
    assert [p.chunk_id for p in pick[:top]] == [
        "depots.md#example",
        "depots.md#actions",  # inherits its document's rank, not its own
        "retail.md#example",
        "depots.md#what-goes-wrong",
        "retail.md#what-goes-wrong",
    ]
    assert "forecasts.md#actions" not in [p.chunk_id for p in pick[:top]]  # another document's advice stays down


def test_other_questions_and_answers_that_already_hold_advice_read_what_was_retrieved() -> None:
    passages = _retrieved()
    for asks in ("define", "other"):
        assert advice_first(passages, asks, get_unitkinds(), _vectors) == (passages, TOP, list(range(7)))
    holding = [passages[0], passages[5], *passages[1:5]]
    assert advice_first(holding, "yesno", get_unitkinds(), _vectors) == (holding, TOP, list(range(6)))


def test_the_rank_prior_reads_each_passages_place_in_the_ranking_not_its_position() -> None:
    question = "how should we estimate the monthly running cost of the assistant"
    review = "Finance reviews the running cost of the assistant with each department at the end of every quarter."
    estimate = "Estimate the running cost from the price per request at full volume, plus hosting and support."
    passages = [_passage(review, "costs.md", "review"), _passage(estimate, "costs.md", "estimate")]
    by_position = compose(question, passages, _vectors)
    by_place = compose(question, passages, _vectors, ranks=[1, 0])  # the estimate was retrieved first
    assert by_position is not None and by_place is not None
    assert by_position.parts[0].sentences[0] == review  # closer, and listed first
    assert by_place.parts[0].sentences[0] == estimate  # listed second but ranked first: its place counts


def test_the_offline_engine_answers_a_how_to_story_with_the_advice_found_deeper(coach: Coach) -> None:
    answer = coach.engine.answer(QUESTION, _retrieved())
    assert answer.in_scope and "train each shift" in answer.answer, answer.answer
    assert answer.citations[0].section == "actions"
    assert "train each shift" not in coach.engine.answer(QUESTION, _retrieved()[:TOP]).answer  # not read before


def test_only_a_question_wanting_advice_searches_deeper(coach: Coach) -> None:
    asked: list[int] = []

    def search(k: int) -> list[Passage]:
        asked.append(k)
        return _retrieved()[:k]

    assert len(coach.engine.retrieve(QUESTION, search)) == len(_retrieved())
    assert asked == [ANSWER_PASSAGES, DEEP_PASSAGES]
    asked.clear()
    assert len(coach.engine.retrieve("what is a scheduling assistant?", search)) == ANSWER_PASSAGES
    assert asked == [ANSWER_PASSAGES]


def test_a_window_starting_on_a_sentence_that_points_back_mid_sentence_reaches_back() -> None:
    unit = Unit(
        0,
        [
            "Governance means a written list of the actions the agent may take and their limits.",
            "Observability means monitoring each step the agent takes, with alerts on unusual patterns.",
            "A reviewer should treat an agent without these controls as not ready for production.",
        ],
    )
    assert window(unit, 2, max_words=50).sentences[0].startswith("Observability means")


class _Unreachable:
    """A model that fails every answer, after noting how many passages it was given."""

    name = "openai"

    def __init__(self) -> None:
        self.read: list[int] = []

    def answer(self, question: str, passages: list[Passage]) -> None:
        self.read.append(len(passages))
        raise ConnectionError("model unreachable")


def test_the_model_engines_fallback_answers_as_the_offline_engine_does(coach: Coach) -> None:
    model = _Unreachable()
    engine = FallbackEngine(model, coach.engine, scope=coach.engine.in_scope)  # type: ignore[arg-type]
    passages = engine.retrieve(QUESTION, lambda k: _retrieved()[:k])
    assert len(passages) == len(_retrieved())  # the offline engine's deeper search, not the plain five
    answer = engine.answer(QUESTION, passages)
    assert model.read == [ANSWER_PASSAGES]  # the model still reads the best five
    assert answer.answer == coach.engine.answer(QUESTION, _retrieved()).answer
    assert "train each shift" in answer.answer and engine.last_engine == coach.engine.name


def test_a_window_starting_on_an_early_pronoun_reaches_back_to_who_it_names() -> None:
    unit = Unit(
        0,
        [
            "Find the plant manager whose budget improves if the scheduler works.",
            "Ask for their written commitment before the next sprint.",
        ],
    )
    assert window(unit, 1).sentences[0].startswith("Find the plant manager")


def test_a_pronoun_after_a_fronted_phrase_reaches_back_too() -> None:
    unit = Unit(
        0,
        [
            "For a reporting dashboard, alerts and access reviews can wait for the second release.",
            "For payment tools they are needed on the first day.",
        ],
    )
    assert window(unit, 1).sentences[0].startswith("For a reporting dashboard")


def test_an_answers_main_window_on_a_closing_sentence_takes_the_sentences_before_it() -> None:
    unit = Unit(
        0,
        [
            "Inference bills arrive every month once the assistant is live.",
            "Finance wants them in an operating budget owned by the business.",
            "Estimate the monthly running cost at full volume before the pilot ends.",
        ],
    )
    assert len(window(unit, 2).sentences) == 1  # a support part stays short
    assert set(window(unit, 2, lead={0, 1}).sentences) == set(unit.sentences)


def test_a_window_starting_on_a_connective_reaches_back_to_what_it_follows_from() -> None:
    unit = Unit(
        0,
        [
            "No operations leader has agreed to carry the forecasting tool's running costs.",
            "As a result the business case stays a slide of projected savings.",
            "Ask finance which cost centre will pay for it next year.",
        ],
    )
    assert window(unit, 1, max_words=30).sentences[0].startswith("No operations leader")


def test_a_supporting_unit_may_come_from_a_passage_pushed_down_by_added_advice() -> None:
    question = "how should we estimate the monthly running cost of the assistant"
    estimate = "Estimate the monthly running cost of the assistant from the price per request at full volume."
    extras = "The estimate of the monthly running cost of the assistant should include hosting and support."
    passages = [
        _passage("The warehouse team moved its stock counts to a new scanner in spring.", "stock.md", "story"),
        _passage("Two supervisors chose the colours of the new dashboard.", "stock.md", "advice"),  # added
        _passage(estimate, "costs.md", "estimate"),
        _passage(extras, "extras.md", "extras"),  # listed fourth, retrieved third
    ]
    by_position = compose(question, passages, _vectors)
    by_place = compose(question, passages, _vectors, ranks=[0, 0, 1, 2])
    assert by_position is not None and by_place is not None
    assert [p.sentences[0] for p in by_position.parts] == [estimate]  # fourth place: never a support
    assert [p.sentences[0] for p in by_place.parts] == [estimate, extras]
