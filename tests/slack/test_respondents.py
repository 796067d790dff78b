"""Several respondents in Slack (real Bolt dispatch, signed requests, the fake Web API): the lead
names three people with `/readiness ask`; each answers only their areas in a DM thread; the lead's
thread gets one report with attributed evidence and one disagreement."""

from __future__ import annotations

from bot.slack.conversation import Thread
from tests.respondents.conftest import INTRO, SAID
from tests.slack.conftest import SlackRig
from tests.slack.helpers import text_of, wait_reply
from tests.slack.payloads import TEAM, message, new_ts
from tests.slack.test_commands_actions import command, started_thread

LEAD, SAM, ANA, PRIYA = "U0LEAD", "U0SAM", "U0ANA", "U0PRIYA"
ASKS = {
    SAM: ("roi ownership as sponsor", "Sam"),
    ANA: ("roi ownership, workflow adoption as analyst", "Ana"),
    PRIYA: ("data pipeline, governance, legacy integration, mlops observability as data engineer", "Priya"),
}
FILLER = "We have not worked that out yet."


def dm_thread(rig: SlackRig, user: str) -> str:
    """The ts of the message that asked this person (their answers go in its thread)."""
    [asked] = rig.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == f"D{user}"
                                and not c.args.get("thread_ts"))  # fmt: skip
    return str(asked.response["ts"])


def answer_in_dm(rig: SlackRig, user: str, said: dict[str, str]) -> list[str]:
    """Answer each question in the DM thread (by the area asked) until the coach says it is done."""
    dm, root = f"D{user}", dm_thread(rig, user)
    session = rig.coach.find_session(Thread(TEAM, dm, root).key)
    assert session is not None
    topics = []
    for _ in range(30):
        topic = rig.coach.session_view(session.id).topic
        topics.append(topic)
        before = len(rig.fake.posts(dm, root))
        rig.sender.event(message(user, said.get(topic, FILLER), dm, new_ts(), thread_ts=root, channel_type="im"))
        if "all I need from you" in text_of(wait_reply(rig.fake, dm, root, before)[before]):
            return topics
    raise AssertionError("the respondent's interview did not finish")


def test_three_people_in_slack_make_one_report_with_a_disagreement(slack: SlackRig) -> None:
    slack.fake.users.update({SAM: "Sam Sponsor", ANA: "Ana Analyst", PRIYA: "Priya Patel"})
    channel = "C0SPLIT"
    root = started_thread(slack, channel, "Triage")
    for user, (areas, _) in ASKS.items():
        ack = command(slack, f"ask <@{user}|{user.lower()}> {areas}", channel, user=LEAD)
        assert "DM" in ack["text"]
        assert "answer for the readiness interview" in text_of(
            slack.fake.wait_for("chat.postMessage", where=lambda c, u=user: c.args.get("channel") == f"D{u}")[0]
        )
    asked = slack.fake.wait_for("chat.postMessage", 3, where=lambda c: c.args.get("thread_ts") == root
                                and "asked <@" in text_of(c))  # fmt: skip
    said = " ".join(text_of(c) for c in asked)
    assert f"<@{PRIYA}>" in said and "Priya" not in said  # mentions, never names, in the channel
    for text in INTRO:  # the lead answers the opening questions; every area is someone else's
        before = len(slack.fake.posts(channel, root))
        slack.sender.event(message(LEAD, text, channel, new_ts(), thread_ts=root))
        reply = text_of(wait_reply(slack.fake, channel, root, before)[before])
    assert "That's all for your part" in reply

    for user, (_, who) in ASKS.items():
        topics = answer_in_dm(slack, user, SAID[who])
        assert set(topics) <= set(SAID[who]), topics  # only their own areas are asked

    slack.fake.wait_for("files.completeUploadExternal", timeout=60.0)
    [full] = slack.fake.uploads.values()
    report = full.decode("utf-8")
    assert "## Disagreements" in report and "Committed business owner and ROI" in report
    for name in ("(Sam Sponsor, sponsor)", "(Ana Analyst, analyst)", "(Priya Patel, data engineer)"):
        assert name in report
    assert any("Everyone you named has answered" in text_of(c) for c in slack.fake.posts(channel, root))
    lead = slack.coach.find_session(Thread(TEAM, channel, root).key)
    assert lead is not None
    stored = slack.coach.store.latest_assessment(lead.id)
    assert stored is not None and [d.dimension for d in stored.disagreements] == ["roi_ownership"]


def test_ask_names_an_unknown_area_in_one_sentence(slack: SlackRig) -> None:
    channel = "C0ASKBAD"
    started_thread(slack, channel, "Triage")
    command(slack, f"ask <@{SAM}> vibes", channel, user=LEAD)
    [said] = slack.fake.wait_for("chat.postMessage", where=lambda c: "Which area is 'vibes'" in text_of(c))
    assert said.args["channel"] == channel
