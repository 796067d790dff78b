"""The compact report: verdict, live count, top three open gaps with their first action, buttons;
the full report goes up as a Markdown file (or, when Slack refuses the file, as messages)."""

from __future__ import annotations

import json

from slack_sdk import WebClient

from bot.coach_records import GapView
from bot.render import to_markdown
from bot.slack import compact
from bot.slack.home import MAX_HOME_BLOCKS, home_view
from bot.slack.replies import Poster
from tests.slack.fake_slack import FakeSlack
from tests.slack.helpers import check_limits
from tests.slack.test_blocks import big_report


def views(n: int, closed: dict[int, str] | None = None, owners: dict[int, str] | None = None) -> list[GapView]:
    """Stored gap states for a report of `n` gaps (ids 100…), some closed or owned."""
    closed, owners = closed or {}, owners or {}
    report = big_report(n)
    return [GapView(100 + i, 7, g.dimension, g.severity, closed.get(i, "open"), g.title, owners.get(i))
            for i, g in enumerate(report.gaps)]  # fmt: skip


def ids(blocks: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [b.get("block_id", "") for b in blocks]


def test_twelve_gaps_fit_a_short_message_with_the_top_three_and_their_first_action() -> None:
    report = big_report(12)
    blocks = compact.report_blocks(report, 7, views(12))
    check_limits(blocks)
    assert len(blocks) <= 12  # it was 21 blocks for five gaps
    assert blocks[0]["text"]["text"] == "Not ready: Claims triage"
    assert blocks[1]["block_id"] == "summary:7"
    assert blocks[1]["text"]["text"] == "*12 gaps stand in the way* (4 critical, 4 high, 4 medium)."
    assert [i for i in ids(blocks) if i.startswith("gap:")] == ["gap:100", "gap:101", "gap:102"]
    text = json.dumps(blocks, ensure_ascii=False)
    for gap in report.gaps[:3]:
        assert gap.actions[0].split()[1] in text and gap.actions[1].split()[1] not in text
    assert "9 more open: 4. Gap number 3 &lt;!channel&gt;" in text and "<!channel>" not in text
    assert "report:7" in ids(blocks)


def test_a_resolved_gap_leaves_the_top_three_and_the_count_drops() -> None:
    report = big_report(5)
    blocks = compact.report_blocks(report, 7, views(5, closed={0: "resolved", 3: "accepted_risk"}))
    assert blocks[1]["text"]["text"] == "*3 of 5 gaps still open* (2 high, 1 medium); 2 closed."
    assert [i for i in ids(blocks) if i.startswith("gap:")] == ["gap:101", "gap:102", "gap:104"]
    text = json.dumps(blocks, ensure_ascii=False)
    assert "✅ resolved: 1. Gap number 0" in text and "☑️ risk accepted: 4. Gap number 3" in text
    assert (
        compact.report_text(report, views(5, closed={0: "resolved"})) == "Readiness report: Not ready, 4 of 5 gaps open"
    )


def test_all_closed_and_an_owner_shown_in_the_picker() -> None:
    done = compact.report_blocks(big_report(2), 7, views(2, closed={0: "resolved", 1: "resolved"}))
    assert done[1]["text"]["text"] == "*All 2 gaps are closed.* ✅"
    owned = compact.report_blocks(big_report(2), 7, views(2, owners={1: "U0BOB"}))
    picker = next(b for b in owned if b.get("block_id") == "gap:101")["elements"][1]
    assert picker["initial_user"] == "U0BOB" and "*Owner:* <@U0BOB>" in json.dumps(owned)


def test_gaps_that_were_not_stored_show_without_buttons() -> None:
    blocks = compact.report_blocks(big_report(4), None, [])
    assert not [i for i in ids(blocks) if i.startswith(("gap:", "report:", "summary:"))]
    assert "*4 gaps stand in the way*" in blocks[1]["text"]["text"]


def test_the_report_is_posted_compact_with_the_full_markdown_file_in_the_thread() -> None:
    report = big_report(12)
    with FakeSlack() as fake:
        Poster(WebClient(token="xoxb-test", base_url=fake.api_url), "C0LONG", "1700.1").report(report, 7, views(12))
        [post] = fake.wait_for("chat.postMessage")
        [done] = fake.wait_for("files.completeUploadExternal")
        [url] = fake.calls_to("files.getUploadURLExternal")
    assert post.args["thread_ts"] == "1700.1" and post.args["text"] == "Readiness report: Not ready, 12 of 12 gaps open"
    assert done.args["channel_id"] == "C0LONG" and done.args["thread_ts"] == "1700.1"
    assert (
        done.args["files"][0]["title"] == "Readiness report: Claims triage"
        and url.args["filename"] == "readiness-report.md"
    )
    assert fake.uploads[url.response["file_id"]].decode("utf-8") == to_markdown(report)


def test_when_slack_refuses_the_file_the_full_report_follows_as_messages() -> None:
    report = big_report(12)
    with FakeSlack() as fake:
        fake.fail("files.getUploadURLExternal", "missing_scope")
        Poster(WebClient(token="xoxb-test", base_url=fake.api_url), "C0NOFILE", "1700.2").report(report, 7, views(12))
        posts = fake.wait_for("chat.postMessage", 2)
    rest = posts[1:]
    assert rest and rest[-1].args["text"].startswith("Readiness report: Not ready, 12 gaps")
    text = json.dumps([p.args["blocks"] for p in rest])
    assert (
        all(f"q{i}-a " in text for i in range(12)) and "gap:" not in text
    )  # whole, and the buttons stay on one message


def test_the_home_tab_holds_every_gap_within_its_block_limit() -> None:
    report = big_report(5).model_copy(update={"assessment_id": 7})
    view = home_view([report, big_report(1)], views(5, closed={2: "resolved"}))
    assert view["type"] == "home" and len(view["blocks"]) <= MAX_HOME_BLOCKS
    text = json.dumps(view, ensure_ascii=False)
    assert all(f"q{i}-a " in text for i in range(5)) and "Earlier reports" in text
    assert [i for i in ids(view["blocks"]) if i.startswith("gap:")] == ["gap:100", "gap:101", "gap:103", "gap:104"]
    huge = home_view([big_report(40).model_copy(update={"assessment_id": 8})], views(40))
    assert len(huge["blocks"]) == MAX_HOME_BLOCKS and "readiness-report.md" in json.dumps(huge["blocks"][-1])
    assert "No readiness report" in json.dumps(home_view([], []))
