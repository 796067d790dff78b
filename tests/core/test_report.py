"""A report a consultant would sign: the team's facts in why and actions, tense, order, what is in
place, honest verdicts, and no raw ids in any rendering."""

from __future__ import annotations

import io
import re

import docx
from rich.console import Console

from bot.assess import verdict_for
from bot.facts import named_things
from bot.models import Gap, Report
from bot.reading.tense import shipped_tense
from bot.render import print_report, to_markdown
from bot.render_docx import to_docx
from bot.render_html import to_html
from bot.report_text import has_surfaced
from bot.service import Coach, render_brief
from bot.slack.blocks import report_fallback, report_messages

CLAIMS = """
Data: The pilot ran on a one-off CSV export from SAP and Guidewire ClaimCenter that Maria, our head of claims,
cleaned by hand. We haven't connected the live feed yet.
Ownership: The CFO sponsors it, but nobody has signed up to a target for cost per claim. Budget for next year is
decided in March.
Governance: The FCU committee hasn't reviewed it yet; there is no audit log.
Workflow: Usage dropped after the rollout in June, adjusters went back to the old screens.
Integration: Writing back to ClaimCenter needs an interface the core team hasn't scoped.
Monitoring: We have drift dashboards, on-call and a tested rollback path already in place.
"""
RAW = re.compile(
    r"\b(?:data_pipeline|roi_ownership|governance\b(?=\W*[:)])|workflow_adoption|legacy_integration|"
    r"mlops_observability)|\.md#|gap\(s\)|prompts-[0-9a-f]|insufficient_evidence|ready_with_conditions|not_ready"
)


def _gap(report: Report, dimension: str) -> Gap:
    return next(g for g in report.gaps if g.dimension == dimension)


def test_why_uses_the_teams_facts_not_the_generic_sponsor_line(coach: Coach) -> None:
    report = coach.assess_text(CLAIMS)
    roi = _gap(report, "roi_ownership")
    assert roi.why_basis == "team"
    assert "sponsored by innovation or IT" not in roi.why  # the team said the CFO sponsors it
    assert any(e.quote.rstrip(".") in roi.why for e in roi.evidence)
    md = to_markdown(report)
    assert "**Why it matters for this pilot:**" in md


def test_actions_name_the_teams_systems_people_groups_and_dates(coach: Coach) -> None:
    report = coach.assess_text(CLAIMS)
    actions = {g.dimension: " ".join(g.actions) for g in report.gaps}
    assert "SAP" in actions["data_pipeline"] and "ClaimCenter" in actions["data_pipeline"]
    assert "Maria" in actions["data_pipeline"]
    assert "the CFO" in actions["roi_ownership"] and "March" in actions["roi_ownership"]
    assert "FCU committee" in actions["governance"]
    assert "ClaimCenter" in actions["legacy_integration"]
    assert "June" not in actions["workflow_adoption"]  # a date in the past is not a deadline
    for gap in report.gaps:  # every name the report uses, the team said
        assert all(all(w in CLAIMS for w in re.findall(r"[A-Za-z]+", n)) for n in gap.names)


def test_the_same_actions_are_not_word_for_word_in_every_report(coach: Coach) -> None:
    plain = coach.assess_text("Data: it runs on a hand-cleaned extract and nobody owns the feeds.")
    named = coach.assess_text("Data: it runs on a hand-cleaned extract from Oracle EBS and nobody owns the feeds.")
    assert _gap(plain, "data_pipeline").actions != _gap(named, "data_pipeline").actions
    assert "Oracle EBS" in " ".join(_gap(named, "data_pipeline").actions)
    assert "Oracle" not in " ".join(_gap(plain, "data_pipeline").actions)


def test_surfaces_in_the_past_when_the_team_says_it_happened(coach: Coach) -> None:
    report = coach.assess_text(CLAIMS)
    workflow = _gap(report, "workflow_adoption")
    assert workflow.surfaced and "already surfaced" in workflow.surfaces
    assert "Where it surfaced" in to_markdown(report)
    data = _gap(report, "data_pipeline")  # "haven't connected" is not a past event
    assert not data.surfaced and data.surfaces.startswith("At the first integration review")


def test_gaps_follow_the_playbook_moves_business_owner_first(coach: Coach) -> None:
    report = coach.assess_text(CLAIMS)
    order = [g.dimension for g in report.gaps]
    assert order.index("roi_ownership") < order.index("data_pipeline") < order.index("governance")
    assert [g.move for g in report.gaps[:3]] == [1, 2, 3]


def test_what_is_in_place_quotes_the_team(coach: Coach) -> None:
    report = coach.assess_text(CLAIMS)
    ready = {i.dimension: i for i in report.in_place}
    assert "mlops_observability" in ready
    assert any("rollback" in e.quote for e in ready["mlops_observability"].evidence)
    md = to_markdown(report)
    assert "## What is in place" in md and "tested rollback path" in md.split("## What is in place")[1]


def test_no_raw_ids_reach_a_person(coach: Coach) -> None:
    report = coach.assess_text(CLAIMS)
    assert all(":" in c.title for g in report.gaps for c in g.citations)  # titled for people
    console = Console(file=io.StringIO(), width=200)
    print_report(report, console)
    slack = str(report_messages(report)) + report_fallback(report, 1, 1)
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(to_docx(report))).paragraphs)
    for text in (to_markdown(report), to_html(report), console.file.getvalue(), slack, word, render_brief(report)):
        assert not RAW.search(text), RAW.search(text)
    assert "Five gaps stand in the way" in report.summary


def test_an_empty_report_claims_no_readiness(coach: Coach) -> None:
    session = coach.start_session().session_id
    report = coach.report(session)
    assert report.verdict == "insufficient_evidence"
    assert "not enough to judge" in report.summary.lower()
    md = to_markdown(report)
    assert "Not enough to judge yet" in md and "No gaps found so far" in md
    assert "**Production data pipeline**:" in md  # open questions by area name


def test_verdict_policy() -> None:
    assert verdict_for([], unknown=4, areas=6) == "insufficient_evidence"
    assert verdict_for([], unknown=3, areas=6) == "ready_with_conditions"
    assert verdict_for([], unknown=0, areas=6) == "ready"


def test_a_stored_1_0_report_still_loads_and_renders_in_words() -> None:
    old = {
        "schema_version": "1.0",
        "verdict": "not_ready",
        "summary": "Ownership is missing.",
        "dimensions": [{"id": "ownership", "title": "Ownership", "status": "gap", "severity": "critical", "level": 1}],
        "gaps": [
            {
                "dimension": "ownership",
                "severity": "critical",
                "title": "No production owner",
                "evidence": [],
                "why": "Pilots without an owner stall.",
                "surfaces": "At the first incident.",
                "surfaces_after_days": 30,
                "actions": ["Name an owner this week."],
                "citations": [{"source": "roi_ownership.md", "section": "what-goes-wrong"}],
            }
        ],
        "open_questions": [{"dimension": "data_sources", "question": "Where does the data come from?"}],
        "engine": "offline",
        "rubric_version": "r1",
        "prompt_version": "p1",
    }
    report = Report.model_validate(old)
    assert report.schema_version == "1.0" and report.in_place == [] and report.gaps[0].why_basis == "general"
    md = to_markdown(report)
    assert "Why it matters (general, from the playbook)" in md
    assert "**Data sources**:" in md and "roi_ownership.md#" not in md


def test_the_extractor_reads_name_shapes_not_a_list() -> None:
    found = {
        n.text: n.kind
        for n in named_things(
            [
                "Invoices come from Oracle EBS and the Kofax queue; Dr Okafor, our head of finance, owns them.",
                "The Model Risk committee meets on 14 October and our CISO, Lena, wants a demo.",
            ]
        )
    }
    assert found["Oracle EBS"] == "system" and found["Kofax"] in ("name", "system")
    assert found["Model Risk committee"] == "group"
    assert found["14 October"] == "date"
    assert found["Lena (CISO)"] == "person"
    assert "The" not in found and "Invoices" not in found


def test_roles_are_learned_from_names_beside_them_not_from_a_title_list() -> None:
    said = ["Sam, our operations lead, owns it. Our plant director, Ines, signs off.", "The head of claims agrees."]
    found = {n.text: n.kind for n in named_things(said)}
    assert found["Sam (operations lead)"] == "person" and found["Ines (plant director)"] == "person"
    assert not any(k == "role" for k in found.values())  # "head of" was never set beside a name here
    taught = {n.text: n.kind for n in named_things([*said, "Maria, our head of finance, pays."])}
    assert any(t.startswith("head of claims") and k == "role" for t, k in taught.items())  # taught by the team
    assert {n.kind for n in named_things(["We told our team about it, Maria said."])} <= {"name", "system"}


def test_a_taught_role_standing_alone_stops_before_the_sentences_verb() -> None:
    said = ["Maria, our head of claims, owns it.", "The head of underwriting signs it off."]
    roles = [n.text for n in named_things(said) if n.kind == "role"]
    assert roles == ["head of underwriting"]  # not "head of underwriting signs"
    closed = [n.text for n in named_things([said[0], "Ask the head of customer service."]) if n.kind == "role"]
    assert closed == ["head of customer service"]  # punctuation closes a two-word function


def test_past_tense_alone_is_not_a_surfacing() -> None:
    tense = shipped_tense()  # the trained head decides, not a phrase list
    built = "The model was built on hand-picked examples rather than our real production data."
    assert not has_surfaced([built], tense)
    assert not has_surfaced(["The rollout was in June and usage is fine."], tense)
    assert has_surfaced(["After six weeks usage dropped and the agents went back to the old screen."], tense)
    assert not has_surfaced(["If usage dropped we would notice."], tense)  # a hypothetical
    assert not has_surfaced(["We are worried the security review will block the launch."], tense)  # ahead
