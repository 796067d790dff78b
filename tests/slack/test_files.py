"""A file shared in an interview thread is downloaded with the bot token and read as the team's evidence."""

from __future__ import annotations

from typing import Any

from tests.documents import fixtures as fx
from tests.slack.conftest import SlackRig
from tests.slack.helpers import in_thread, interview, is_report_end, settle, text_of, wait_reply
from tests.slack.payloads import TEAM, message, new_ts

CHANNEL = "C0FILES"


def file_share(user: str, files: list[dict[str, Any]], thread_ts: str | None, text: str = "") -> dict[str, Any]:
    """A `message` event of subtype `file_share`, as Slack sends it when someone shares a file."""
    event = message(user, text, CHANNEL, new_ts(), thread_ts)
    event.update({"subtype": "file_share", "files": files, "upload": False})
    return event


def _session(slack: SlackRig, root: str) -> Any:
    session = slack.coach.store.find_session(f"slack:{TEAM}:{CHANNEL}:{root}")
    assert session is not None
    return session


def test_a_shared_pdf_becomes_evidence_quoted_by_page(slack: SlackRig) -> None:
    root = interview(slack, CHANNEL)
    before = len(slack.fake.posts(CHANNEL, root))
    shared = slack.fake.share_file("brief.pdf", fx.make_pdf())
    slack.sender.event(file_share("U0BOB", [shared], root, "our one-pager"))
    reply = text_of(wait_reply(slack.fake, CHANNEL, root, before)[-1])
    assert "I read brief.pdf (3 pages)" in reply
    [download] = slack.fake.calls_to("file_download")
    assert download.headers["authorization"] == "Bearer xoxb-test-token"
    state = _session(slack, root).state
    authors = {s["author"] for s in state["statements"]}
    assert {"brief.pdf p.1", "brief.pdf p.2", "brief.pdf p.3"} <= authors
    kept = [m for m in slack.coach.store.list_messages(_session(slack, root).id) if m.author == "U0BOB"]
    assert any("## Ownership and people" in m.text for m in kept)  # the document is in the transcript
    slack.sender.event(message("U0BOB", "report", CHANNEL, new_ts(), root))
    posts = slack.fake.wait_for("chat.postMessage", where=lambda c: in_thread(CHANNEL, root)(c) and is_report_end(c))
    slack.fake.wait_for("files.completeUploadExternal", where=lambda c: c.args.get("thread_ts") == root)
    [url] = slack.fake.calls_to("files.getUploadURLExternal")
    report = slack.fake.uploads[url.response["file_id"]].decode("utf-8")  # the full report: evidence and its source
    assert posts and "brief.pdf p.1" in report and "brief.pdf p.3" in report


def test_a_locked_pdf_gets_its_sentence_and_changes_nothing(slack: SlackRig) -> None:
    root = interview(slack, CHANNEL)
    statements = len(_session(slack, root).state["statements"])
    before = len(slack.fake.posts(CHANNEL, root))
    slack.sender.event(file_share("U0BOB", [slack.fake.share_file("locked.pdf", fx.make_pdf(password="pw"))], root))
    reply = text_of(wait_reply(slack.fake, CHANNEL, root, before)[-1])
    assert reply.startswith("locked.pdf is encrypted")
    assert len(_session(slack, root).state["statements"]) == statements


def test_a_file_outside_an_interview_thread_is_left_alone(slack: SlackRig) -> None:
    shared = slack.fake.share_file("brief.pdf", fx.make_pdf())
    slack.sender.event(file_share("U0BOB", [shared], new_ts()))  # a thread the coach is not interviewing in
    slack.sender.event(file_share("U0BOB", [shared], None))  # the channel's top level
    settle(slack, "C0SENTRY")  # the lazy work has drained
    assert not slack.fake.calls_to("file_download")
    assert not slack.fake.posts(CHANNEL)
