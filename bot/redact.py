"""Mask personal data and secrets in free text before it is stored or logged.

Conservative by design: a pattern must be specific (checksums, cue words, separators)
before it replaces anything, so dates, money, versions and role words survive intact.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial


@dataclass(frozen=True)
class Redaction:
    """Redacted text and how many of each kind were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)


EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
SSN_RE = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
UK_NI_RE = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
CARD_RE = re.compile(r"(?<![\w.,-])\d(?:[ -]?\d){12,18}(?!\w|[.,]\d|-\w)")
# Digit groups are possessive and need a separator between them, so a long run of
# digits has exactly one parse: no catastrophic backtracking on hostile input.
_GROUP = r"(?:\(\d++\)|\d++)"
_SEP = r"(?:[ .-]{1,2}|(?<=\))|(?=\())"
PHONE_RE = re.compile(rf"(?<![\w+/.,:-])(?:\+|00)?{_GROUP}(?:{_SEP}{_GROUP})*+(?![\w/]|[.,:-]\d)")
US_PHONE_RE = re.compile(r"(?:1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}")
# Digits right after these words are business identifiers, not phone numbers.
ID_CONTEXT_RE = re.compile(
    r"(?:\b(?:order|invoice|ticket|case|ref|reference|po|account|tracking|serial|sku|build)"
    r"(?:\s+(?:number|no\.?|id))?|#)\W{0,3}$",
    re.I,
)


def _luhn_ok(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _iban_ok(candidate: str) -> bool:
    """True when the candidate passes the IBAN mod-97 check."""
    raw = candidate.replace(" ", "")
    if not 15 <= len(raw) <= 34:
        return False
    moved = raw[4:] + raw[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _card(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group())
    return 13 <= len(digits) <= 19 and _luhn_ok(digits) and len(set(digits)) > 1


def _phone(match: re.Match[str]) -> bool:
    """Accept a digit run as a phone number only when its shape says so."""
    value = match.group().strip()
    digits = re.sub(r"\D", "", value)
    if ID_CONTEXT_RE.search(match.string[max(0, match.start() - 40) : match.start()]):
        return False
    if value.startswith(("+", "00")):
        return 8 <= len(digits) <= 15
    if not 9 <= len(digits) <= 13:
        return False
    if "(" in value or US_PHONE_RE.fullmatch(value):
        return True
    return value.startswith("0") and len(digits) >= 10


# --- names: only after a cue, never a bare capitalised word -------------------------

_UP, _LO = "A-Z\u00c0-\u00d6\u00d8-\u00de", "a-z\u00df-\u00f6\u00f8-\u00ff"
_TOKEN = rf"(?:[{_UP}]'[{_UP}][{_LO}]+|[{_UP}][{_LO}]+(?:[{_UP}][{_LO}]+)?(?:-[{_UP}][{_LO}]+)?)"
_NAME = rf"(?P<name>{_TOKEN}(?: {_TOKEN}){{0,2}})"
# A role in brackets beside a name is read from its shape, not from a list of title words: a
# title-case phrase of plain words and acronyms ("Head of Claims", "VP Retail Operations",
# "Finance Data", "Director"), after at most one lower-case word ("our", "acting", "co-") and
# before a clause that a separator or a preposition opens ("Head of Data, since May"). A bracket that
# opens with a preposition places the thing before it ("Claims Hub (on AWS)"), so it names no role.
# A month or weekday in brackets dates the thing before it ("Status (Nov)"): the calendar says which.
_WORD = rf"(?:[{_UP}][{_LO}]+\.?|[A-Z]{{2,5}}|[A-Z]&[A-Z])"
_TITLE_WORD = rf"{_WORD}(?:[-/]{_WORD})?"
_TITLE = rf"{_TITLE_WORD}(?: (?:(?:of|for|and|&|the) )?{_TITLE_WORD}){{0,5}}"
# Prepositions and the calendar are closed classes of grammar, not vocabulary to grow.
_PREP = r"(?:for|at|in|on|of|with|since|until|via|from|to|by|per|as|under|over)\b"
_TAIL = rf"(?:(?:[,;:/]| [-\u2013\u2014]| {_PREP})[^()\n]{{0,40}})?"
_CALENDAR = "|".join(
    sorted({w for w in (*calendar.month_name, *calendar.month_abbr, *calendar.day_name, *calendar.day_abbr) if w})
)
_ROLE = rf"(?:(?!{_PREP})[{_LO}]+[ -])?(?!(?:{_CALENDAR})\b){_TITLE}{_TAIL}"

STOPWORDS = frozenset(
    """
    The A An Our Their His Her My Your We They It This That These Those There Here Then
    And But Or So Also When While After Before Yesterday Today Tomorrow Now Next Last
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Q
    Head Chief Director Manager Lead Officer President Vice Team Teams Group Board Council
    Committee Office Dept Department Desk Help Support Service Services Customer Success
    Finance Legal Security Privacy Compliance Risk Audit Procurement Purchasing Sales
    Marketing Retail Ops Operations Engineering Product Platform Data Analytics Infra
    Infrastructure Architecture Governance People Talent Facilities Research Quality
    Everyone All Anyone Someone Nobody Folks Guys Both Each Either Other Others Management
    Leadership Executive Executives Steering Sponsor Stakeholders Users Admin Admins
    Slack Jira Confluence Salesforce Servicenow ServiceNow Zendesk Workday Oracle Microsoft
    Google Azure Amazon Openai OpenAI Anthropic Claude Gemini Copilot Chatgpt ChatGPT
    Github GitHub Gitlab Snowflake Databricks Excel Outlook Gmail Notion Tableau Okta
    Sharepoint SharePoint Python Kubernetes Docker Linux Windows Apple Android Llama
    Mistral Bedrock Vertex Sagemaker Redis Postgres Chroma Langchain Gartner Deloitte
    Accenture Bot Coach Assistant Agent Model Pilot Project Program Programme Phase
    Sure Fine Good Great Happy Glad Sorry Not Just Very Really Still Back Done Ready
    Thanks Thank Cheers Regards Best Hi Hello Hey Dear Please Yes No Okay Ok
    """.split()
)

NAME_CUES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?i:\b(?:my name is|my name's|i'm|i am|call me)) {_NAME}"), "after"),
    (
        re.compile(
            rf"(?i:\b(?:contact|ask|cc|ping|talk to|speak to|speak with|reach out to|email"
            rf"|call|loop in|check with|escalate to)) {_NAME}"
        ),
        "after",
    ),
    (re.compile(rf"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Miss)\.? {_NAME}"), "after"),
    (re.compile(rf"{_NAME} ?\({_ROLE}\)"), "before"),
    (re.compile(rf"{_NAME}, (?:our |the )?(?:C[A-Z]{{1,3}}O|VP|SVP|GM)\b"), "before"),
    (re.compile(rf"{_NAME}, (?:she|he|they) (?:is|was|owns|runs|leads|said|has|will)\b"), "before"),
    (
        re.compile(
            rf"(?im:\b(?:thanks|thank you|many thanks|cheers|regards|best regards|kind regards"
            rf"|warm regards|best|sincerely)),[ \t]*\n?[ \t]*{_NAME}(?=[ \t]*(?:[.!]?[ \t]*$))"
        ),
        "after",
    ),
]


def _keep(tokens: list[str], mode: str) -> tuple[int, int]:
    """The [start, end) token span that is a name: stop words trimmed off the far side."""
    if mode == "after":
        end = 0
        while end < len(tokens) and tokens[end] not in STOPWORDS:
            end += 1
        return 0, end
    start = len(tokens)
    while start > 0 and tokens[start - 1] not in STOPWORDS:
        start -= 1
    return start, len(tokens)


def redact_names(text: str) -> tuple[str, int]:
    """Replace names that follow (or precede) a clear cue with [NAME]; return the count."""
    found = 0

    def sub(match: re.Match[str], mode: str) -> str:
        nonlocal found
        tokens = match.group("name").split(" ")
        start, end = _keep(tokens, mode)
        if start >= end:
            return match.group()
        found += 1
        name = " ".join([*tokens[:start], "[NAME]", *tokens[end:]])
        whole, (a, b) = match.group(), match.span("name")
        return whole[: a - match.start()] + name + whole[b - match.start() :]

    for pattern, mode in NAME_CUES:
        text = pattern.sub(partial(sub, mode=mode), text)
    return text, found


Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool] | None]

RULES: list[Rule] = [
    ("EMAIL", EMAIL_RE, None),
    ("ID", IBAN_RE, lambda m: _iban_ok(m.group())),
    ("ID", SSN_RE, None),
    ("ID", UK_NI_RE, None),
    ("CARD", CARD_RE, _card),
    ("PHONE", PHONE_RE, _phone),
]


def _apply(text: str, label: str, pattern: re.Pattern[str], check: object, counts: Counter[str]) -> str:
    """Replace every accepted match of one pattern with its label."""

    def sub(match: re.Match[str]) -> str:
        if callable(check) and not check(match):
            return match.group()
        counts[label] += 1
        return f"[{label}]"

    return pattern.sub(sub, text)


def redact(text: str) -> Redaction:
    """Replace emails, phones, card numbers, national ids and cued names with placeholders."""
    counts: Counter[str] = Counter()
    for label, pattern, check in RULES:
        text = _apply(text, label, pattern, check, counts)
    text, names = redact_names(text)
    if names:
        counts["NAME"] += names
    return Redaction(text=text, counts=dict(counts))


SECRET = "[SECRET]"
_B64 = "A-Za-z0-9/+"
# An AWS secret access key: 40 base64 characters, taken only with "aws" or "secret" close by.
AWS_SECRET_RE = re.compile(rf"(?<![{_B64}=])[{_B64}]{{40}}(?![{_B64}=])")
AWS_CONTEXT_RE = re.compile(r"(?i)aws|secret")
# A PEM private key block; without its END line, everything up to the next dashes goes.
PEM_RE = re.compile(
    r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:(?!-----)[\s\S]){0,50000}"
    r"(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----)?"
)


def _aws_secret(match: re.Match[str]) -> str:
    """Mask a 40-character key when it is mixed-case and has aws/secret within a few words."""
    value, text = match.group(), match.string
    near = text[max(0, match.start() - 60) : match.start()] + " " + text[match.end() : match.end() + 30]
    mixed = re.search(r"[A-Z]", value) and re.search(r"[a-z]", value)
    return SECRET if mixed and AWS_CONTEXT_RE.search(near) else value


SecretRule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]
SECRET_RULES: list[SecretRule] = [
    (PEM_RE, SECRET),
    (re.compile(r"\b(sk-(?:proj-|ant-)?)[A-Za-z0-9_\-]{16,}"), r"\1" + SECRET),
    (re.compile(r"\b(xox[abposre]-)[A-Za-z0-9-]{10,}"), r"\1" + SECRET),
    (re.compile(r"\b(xapp-)[A-Za-z0-9-]{10,}"), r"\1" + SECRET),
    (re.compile(r"\b(gh[pousr]_)[A-Za-z0-9]{20,}"), r"\1" + SECRET),
    (re.compile(r"\b(github_pat_)[A-Za-z0-9_]{20,}"), r"\1" + SECRET),
    (re.compile(r"\b((?:sk|rk|pk)_(?:live|test)_)[A-Za-z0-9]{10,}"), r"\1" + SECRET),
    (re.compile(r"\bAIza[A-Za-z0-9_\-]{35}(?![A-Za-z0-9_\-])"), SECRET),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), SECRET),
    (AWS_SECRET_RE, _aws_secret),
    (re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"), SECRET),
    (re.compile(r"\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]{8,}", re.I), r"\1\2" + SECRET),
    (re.compile(r"(://[^:/\s@]+:)[^@\s/]+@"), r"\1" + SECRET + "@"),
    (
        re.compile(r"(?i)\b(password|passwd|pwd)(\s*[=:]\s*[\"']?)(?!\[SECRET\])[^\s\"'&,;]{3,}"),
        r"\1\2" + SECRET,
    ),
    (
        re.compile(
            r"(?i)\b((?:api[_-]?)?key|token|secret|client_secret|access_token|refresh_token"
            r"|signing_secret|apikey|auth)(\s*[=:]\s*[\"']?)(?=[A-Za-z0-9+/=_.~-]*\d)"
            r"[A-Za-z0-9+/=_.~-]{12,}"
        ),
        r"\1\2" + SECRET,
    ),
]


def redact_secrets(text: str) -> str:
    """Mask things that look like API tokens, private keys, bearer credentials and `key=value` secrets."""
    for pattern, replacement in SECRET_RULES:
        text = pattern.sub(replacement, text)
    return text


MEMO_CHARS = 2000  # redactions of texts up to this long are remembered: a turn redacts the same answer
MEMO_TEXTS = 4096  # several times (the reply, the transcript row, the state, the report's names)


def _redacted(text: str) -> tuple[str, Redaction]:
    unsecret = redact_secrets(text)
    return unsecret, redact(unsecret)


_redacted_memo = lru_cache(maxsize=MEMO_TEXTS)(_redacted)


def redacted(text: str) -> tuple[str, Redaction]:
    """The text with secrets masked, and its full redaction (secrets first, so no personal-data rule
    can split one); remembered for short texts, since the redaction of a text never changes."""
    return _redacted_memo(text) if len(text) <= MEMO_CHARS else _redacted(text)


def scrub(text: str) -> str:
    """Secrets, then personal data masked: what is stored, logged or shown to a model."""
    return redacted(text)[1].text
