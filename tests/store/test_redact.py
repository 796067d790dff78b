"""Redaction, table-driven: what must be masked, and what must survive untouched."""

from __future__ import annotations

import time

import pytest

from bot.redact import SECRET, redact, redact_secrets, scrub

MASKED = [
    # emails
    ("Mail jane.doe@example.com today", "Mail [EMAIL] today", {"EMAIL": 1}),
    ("cc: ops+alerts@corp.example.co.uk", "cc: [EMAIL]", {"EMAIL": 1}),
    # phones, international and national
    ("Call +44 20 7946 0958", "Call [PHONE]", {"PHONE": 1}),
    ("Call +1 (415) 555-0132.", "Call [PHONE].", {"PHONE": 1}),
    ("Reach me on +49-30-901820 please", "Reach me on [PHONE] please", {"PHONE": 1}),
    ("Dial 0044 20 7946 0958", "Dial [PHONE]", {"PHONE": 1}),
    ("Desk: (555) 123-4567", "Desk: [PHONE]", {"PHONE": 1}),
    ("US line 555.123.4567", "US line [PHONE]", {"PHONE": 1}),
    ("toll free 1-800-555-0199", "toll free [PHONE]", {"PHONE": 1}),
    ("mobile 07700 900123", "mobile [PHONE]", {"PHONE": 1}),
    ("Paris 06 12 34 56 78", "Paris [PHONE]", {"PHONE": 1}),
    ("ring 020-7946-0958", "ring [PHONE]", {"PHONE": 1}),
    # cards (Luhn-valid only)
    ("card 4111 1111 1111 1111", "card [CARD]", {"CARD": 1}),
    ("card 5500-0000-0000-0004 expires", "card [CARD] expires", {"CARD": 1}),
    ("amex 378282246310005", "amex [CARD]", {"CARD": 1}),
    # national ids and IBANs
    ("SSN 123-45-6789 on file", "SSN [ID] on file", {"ID": 1}),
    ("NI number QQ 12 34 56 C", "NI number [ID]", {"ID": 1}),
    ("NI QQ123456C", "NI [ID]", {"ID": 1}),
    ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN [ID]", {"ID": 1}),
    ("pay DE89370400440532013000 now", "pay [ID] now", {"ID": 1}),
    # names after cues
    ("My name is Jane Doe and I run ops", "My name is [NAME] and I run ops", {"NAME": 1}),
    ("I'm Priya, the product owner", "I'm [NAME], the product owner", {"NAME": 1}),
    ("i am Tomás from finance", "i am [NAME] from finance", {"NAME": 1}),
    ("Please contact Raj Patel about access", "Please contact [NAME] about access", {"NAME": 1}),
    ("ask Sarah on Monday", "ask [NAME] on Monday", {"NAME": 1}),
    ("Dr. Okafor signed it", "Dr. [NAME] signed it", {"NAME": 1}),
    ("Ms Chen and Mr O'Neil agreed", "Ms [NAME] and Mr [NAME] agreed", {"NAME": 2}),
    ("Jane Doe (CFO) approved", "[NAME] (CFO) approved", {"NAME": 1}),
    ("Budget: Mark Li (Head of Data)", "Budget: [NAME] (Head of Data)", {"NAME": 1}),
    ("Yesterday Bob Lee (VP Sales) said no", "Yesterday [NAME] (VP Sales) said no", {"NAME": 1}),
    ("Sign-off from Ana Ruiz, our CFO", "Sign-off from [NAME], our CFO", {"NAME": 1}),
    # a role in brackets is read from its shape: a title-case phrase, not a listed title word
    ("Tariq Aziz (Pricing Analytics) owns it", "[NAME] (Pricing Analytics) owns it", {"NAME": 1}),
    ("Nadia (Dir. Operations) agreed", "[NAME] (Dir. Operations) agreed", {"NAME": 1}),
    ("Ben Ode (interim Treasurer) signs", "[NAME] (interim Treasurer) signs", {"NAME": 1}),
    ("Yara Li (our Head of Risk, since June)", "[NAME] (our Head of Risk, since June)", {"NAME": 1}),
    ("Kai Berg (Co-Founder/Chair) asked", "[NAME] (Co-Founder/Chair) asked", {"NAME": 1}),
    ("Olu (Steward for claims data)", "[NAME] (Steward for claims data)", {"NAME": 1}),
    ("Eamon (SRE) is on call", "[NAME] (SRE) is on call", {"NAME": 1}),
    ("Thanks, Jane", "Thanks, [NAME]", {"NAME": 1}),
    ("Ingrid Larsen, she owns the P&L", "[NAME], she owns the P&L", {"NAME": 1}),
    ("my number is 07700 900456", "my number is [PHONE]", {"PHONE": 1}),
    ("phone no. +44 20 7946 0958", "phone no. [PHONE]", {"PHONE": 1}),
    (
        "That is all.\nBest regards,\nMaria Rossi",
        "That is all.\nBest regards,\n[NAME]",
        {"NAME": 1},
    ),
    # several kinds at once
    (
        "I'm Lee: lee@x.io, +44 7700 900123",
        "I'm [NAME]: [EMAIL], [PHONE]",
        {"NAME": 1, "EMAIL": 1, "PHONE": 1},
    ),
]

UNCHANGED = [
    "Go-live is 2024-01-15, review on 15.01.2024 or 01/15/2024",
    "Accuracy went from 40% to 92.5% in 90 days",
    "We spent $1,200,000 (about €1.1m) and 1 500 000 SEK",
    "Upgraded chromadb to 2.14.1 and python 3.11.9",
    "A 90-minute workshop, then a 2-week sprint",
    "Order 123456789 shipped; order number 0012345678",
    "invoice #4411223344 and ticket 555-123-4567",
    "Case no. 0207946095 and PO 0123456789 are closed",
    "Finance, they said, owns the budget",
    "Range 100000-200000 rows, fiscal years 2023-2024",
    "The cluster at 192.168.10.10 has 1.234.567.890 rows",
    "Meeting 10:30-11:45, room 4-201",
    "Card-like but invalid: 4111 1111 1111 1112",
    "Ask the CFO; our VP of Retail agrees",
    "Please contact Legal and ask Finance",
    "We use Salesforce and ServiceNow; contact Support",
    "Reach out to Customer Success",
    "I'm not sure; I am the product owner",
    "Thanks, that helps. Regards, the team",
    "Dimension scores: 3, 2, 4, 1, 5 and 2",
    "Error code 0x80070005 in build 20240115.3",
    "SKU AB-1234-CD costs 19.99",
    "Latency p95 was 1200 ms over 15000 requests",
    # brackets that place or date a thing, or rename a product, name no role
    "Intake Portal (on Azure) and Triage Hub (since Oct)",
    "Rollout Plan (Mon) and Budget Review (September)",
    "Vendor Brightline (formerly K9X3) supplies it",
    "Claims Desk (budget holder) pays",
    # ids: a digit run inside a uuid or hash is not a card number, even when it passes Luhn
    "request 80515908-3116-4877-a6c6-aa5f447edff1 failed",
    "respondent 92f5896321414514a6c77c7a97e259e7 invited",
    "commit 3c4111111111111111a9e in main",
]


@pytest.mark.parametrize(("text", "expected", "counts"), MASKED)
def test_personal_data_is_masked(text: str, expected: str, counts: dict[str, int]) -> None:
    result = redact(text)
    assert (result.text, result.counts) == (expected, counts)


@pytest.mark.parametrize("text", UNCHANGED)
def test_false_positive_traps_survive(text: str) -> None:
    result = redact(text)
    assert (result.text, result.counts) == (text, {})


SECRETS = [
    ("OPENAI_API_KEY=sk-proj-abcDEF1234567890xyz", "OPENAI_API_KEY=sk-proj-[SECRET]"),
    ("token xoxb-1234-5678-abcdefghij here", "token xoxb-[SECRET] here"),
    ("app xapp-1-A0B1C2-123-abcdef", "app xapp-[SECRET]"),
    ("Authorization: Bearer eyJhbGciOi.abc-def_123", "Authorization: Bearer [SECRET]"),
    ("url?key=9f86d081884c7d659a2feaa0c55ad015&x=1", "url?key=[SECRET]&x=1"),
    ("secret: dGhpcyBpcyBhIHNlY3JldDEyMw==", "secret: [SECRET]"),
    ("password=hunter2", "password=[SECRET]"),
    ("postgresql://coach:s3cret@db:5432/coach", "postgresql://coach:[SECRET]@db:5432/coach"),
    ("gh token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "gh token ghp_[SECRET]"),
    ("aws AKIAIOSFODNN7EXAMPLE", "aws [SECRET]"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [SECRET]"),
    ("AWS secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok", "AWS secret: [SECRET] ok"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY is the AWS one", "[SECRET] is the AWS one"),
    ("maps key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY.", "maps key [SECRET]."),
    ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe sk_live_[SECRET]"),
    ("rk_live_51H8abcdefghijklmnop, pk_live_TYooMQauvdEDq54NiTphI7jx", "rk_live_[SECRET], pk_live_[SECRET]"),
    ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "pat github_pat_[SECRET]"),
    (
        "deploy key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n"
        "Z1BjP5CE/Wm/Rr500P+abc=\n-----END RSA PRIVATE KEY-----\nthanks",
        "deploy key:\n[SECRET]\nthanks",
    ),
    ("cut off: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n", "cut off: [SECRET]"),
    (
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0B\n"
        "-----END ENCRYPTED PRIVATE KEY-----",
        SECRET,
    ),
]

SECRET_TRAPS = [
    "the token bucket refills every second",
    "key: governance is the key risk",
    "the password policy: 12 characters, rotated yearly",
    "sk-learn is a library; the sk-8 task",
    "content hash 9f86d081884c7d659a2feaa0c55ad015 matched",
    "secret sauce: commit 4f1c2b3a5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2 fixed it",  # lowercase hex, not base64
    "we read docs/AnExtremelyLongPathSegmentWithoutContext0123 daily",  # 40 chars, no aws/secret near
    "pk_live is the Stripe prefix; sk_live_ keys stay in the vault",
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",
]


@pytest.mark.parametrize(("text", "expected"), SECRETS)
def test_secrets_are_masked(text: str, expected: str) -> None:
    assert redact_secrets(text) == expected


@pytest.mark.parametrize("text", SECRET_TRAPS)
def test_secret_traps_survive(text: str) -> None:
    assert redact_secrets(text) == text


def test_redaction_is_idempotent() -> None:
    once = redact("I'm Jane, jane@x.com, +44 20 7946 0958").text
    assert redact(once).text == once
    assert redact_secrets(redact_secrets("key=abcdef0123456789abc")) == "key=[SECRET]"


def test_scrub_masks_secrets_before_personal_data() -> None:
    text = "I'm Jane Doe; db postgresql://app:hunter2@db.example.com/x; card 4111 1111 1111 1111"
    assert scrub(text) == "I'm [NAME]; db postgresql://app:[SECRET]@db.example.com/x; card [CARD]"


@pytest.mark.parametrize(
    "text",
    [
        "1 2 " * 25000,
        "A" * 100_000,
        "-----BEGIN PRIVATE KEY-----" * 4000,
        "aws " + "Ab1/" * 25000,
        "(1)(2) " * 14000,
        "Mr " * 33000,
        "1-" * 50000,
        "Ab Cd (Ef " * 10000,
    ],
)
def test_hostile_input_is_linear(text: str) -> None:
    started = time.perf_counter()
    redact(text)
    redact_secrets(text)
    assert time.perf_counter() - started < 5.0  # catastrophic backtracking takes minutes
