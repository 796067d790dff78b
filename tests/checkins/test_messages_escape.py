"""Team-given names in check-in posts are plain text: a pilot called `<!channel>` pings nobody."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.checkins.messages import checkin_text, escalation_text, mention
from bot.checkins.records import Pilot, Stall
from bot.config import PROJECT_ROOT
from bot.knowledge import load_rubric


def _pilot(name: str, people: list[str]) -> Pilot:
    return Pilot(
        id=1,
        owner="local",
        name=name,
        business_owner="<!here> Dana",
        sponsor="U012ABCDEF",
        people=people,
        channel=None,
        timezone="UTC",
        cron="0 9 * * MON",
        paused=False,
        snoozed_until=None,
        skip_next=False,
        assessment_id=None,
        created_at=datetime.now(UTC),
    )


def test_pilot_names_and_people_are_escaped_but_user_ids_still_mention() -> None:
    pilot = _pilot("<!channel> Claims bot", ["<!everyone>", "U099ZZZZZZ"])
    text = checkin_text(pilot, [])
    assert "<!channel>" not in text and "&lt;!channel&gt; Claims bot" in text
    assert "<!everyone>" not in text and "<@U099ZZZZZZ>" in text
    rubric = load_rubric(PROJECT_ROOT / "knowledge" / "rubric.yaml")
    escalation = escalation_text(pilot, Stall(reasons=["no progress in 3 weeks"], gaps=[]), rubric)
    assert "<!" not in escalation and "<@U012ABCDEF>" in escalation
    assert mention("Dana & co") == "Dana &amp; co"
