"""The remembered redactions and named things answer exactly what a fresh computation does."""

from __future__ import annotations

from bot.facts import MEMO_CHARS as NAMES_MEMO_CHARS
from bot.facts import named_things
from bot.redact import MEMO_CHARS, Redaction, redact, redact_secrets, redacted, scrub

SAID = [
    "Mail jane.doe@example.com or call +44 20 7946 0958; my name is Maria Lopez.",
    "The api_key=sk-proj-abcdefghijklmnop1234 is in SAP since March 2026.",
    "Ask Maria, our head of claims, before the FCU committee meets in Q3.",
]


def fresh(text: str) -> tuple[str, Redaction]:
    unsecret = redact_secrets(text)
    return unsecret, redact(unsecret)


def test_redaction_asked_again_is_the_same_and_still_masked() -> None:
    for text in [*SAID, SAID[0] * (MEMO_CHARS // len(SAID[0]) + 1)]:  # the last is too long to remember
        first, again = redacted(text), redacted(text)
        assert first == again == fresh(text)
        assert scrub(text) == fresh(text)[1].text
        assert "jane.doe" not in scrub(text) and "sk-proj-abcdefghijklmnop1234" not in scrub(text)


def test_named_things_asked_again_are_the_same_and_a_caller_cannot_change_them() -> None:
    words = frozenset({"sap"})  # a word of the coach's own: not a name the team used
    first = named_things(SAID, words)
    first.clear()  # the caller's own list
    assert named_things(SAID, words) == named_things(iter(SAID), words)
    assert named_things(SAID, words) == named_things(list(SAID), frozenset({"sap"}))
    assert named_things(SAID, words)  # still found
    assert named_things(SAID, words) != named_things(SAID)  # the coach's words are part of the question
    long = [SAID[2]] * (NAMES_MEMO_CHARS // len(SAID[2]) + 1)  # too long to remember: computed each time
    assert named_things(long, words) == named_things(SAID[2:], words)
