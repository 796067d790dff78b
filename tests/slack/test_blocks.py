"""The gap list as Block Kit: Slack's limits kept, nothing cut, long reports split or attached."""

from __future__ import annotations

import json

from bot.models import Citation, Evidence, Gap, OpenQuestion, Report
from bot.slack import blocks as bk
from tests.slack.helpers import check_limits


def big_report(n_gaps: int, quote_len: int = 900, pilot: str = "Claims triage") -> Report:
    """A report with many gaps and long evidence, the kind that cannot fit one message."""
    gaps = [
        Gap(
            dimension="governance", severity=("critical", "high", "medium")[i % 3],
            title=f"Gap number {i} <!channel>",
            evidence=[Evidence(quote=f"q{i}-a " + "word " * (quote_len // 5), author="U0ALICE"),
                      Evidence(quote=f"q{i}-b said by someone", author="Bob Smith")],
            why="Because " + "reasons " * 60, surfaces="At review.", surfaces_after_days=30,
            actions=[f"Action {i}.{k} " + "do it " * 20 for k in range(3)],
            citations=[Citation(source="governance.md", section="what-goes-wrong")],
        )
        for i in range(n_gaps)
    ]  # fmt: skip
    return Report(
        pilot_name=pilot, verdict="not_ready", summary="Summary " * 50, dimensions=[],
        gaps=gaps, open_questions=[OpenQuestion(dimension="mlops_observability",
                                                question="Who is on call?")],
        engine="offline", rubric_version="test", prompt_version="test",
    )  # fmt: skip


def flat(messages: list[list[dict]]) -> str:  # type: ignore[type-arg]
    return json.dumps(messages, ensure_ascii=False)


def test_split_text_is_lossless_and_within_the_limit() -> None:
    text = ("line " * 300 + "\n") * 12 + "x" * 7000
    pieces = bk.split_text(text, 3000)
    assert all(0 < len(p) <= 3000 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_a_long_report_is_split_into_messages_within_limits_and_nothing_is_lost() -> None:
    report = big_report(12)
    messages = bk.report_messages(report, assessment_id=7, gap_ids=list(range(100, 112)))
    assert len(messages) > 1
    for blocks in messages:
        check_limits(blocks)
    text = flat(messages)
    for i, gap in enumerate(report.gaps):
        assert f"gap:{100 + i}" in text
        assert f"q{i}-a " in text and f"q{i}-b said by someone" in text
        assert all(a.split()[1] in text for a in gap.actions)
    assert text.count(" ".join(["word"] * 150)) >= 12  # the long quotes are whole
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text  # no @channel injection
    assert "<@U0ALICE>" in text and "Bob Smith" in text
    assert "report:7" in json.dumps(messages[-1]) and "Who is on call?" in text


def test_a_pilot_name_too_long_for_the_header_moves_into_the_summary() -> None:
    name = "P" * 200
    [blocks] = bk.report_messages(big_report(1, pilot=name))
    assert blocks[0]["text"]["text"] == "Readiness: Not ready"
    assert name in blocks[1]["text"]["text"]


def test_coach_markdown_becomes_escaped_mrkdwn() -> None:
    assert bk.to_mrkdwn("**Data** (1/6) a<b & c") == "*Data* (1/6) a&lt;b &amp; c"
