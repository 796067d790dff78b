"""Plain-text reading helpers: clause splitting and the cue words that flip meaning."""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[-–—]\s+")
_CONTRAST = re.compile(r",?\s+\b(?:but|however|although|though|except that|whereas)\b\s+", re.I)

NEGATION = re.compile(
    r"\b(?:no|not|none|nobody|no[- ]one|never|nothing|neither|nor|without|lack(?:s|ing)?|"
    r"missing|absent|zero|cannot|can't|won't|isn't|aren't|wasn't|weren't|don't|doesn't|"
    r"didn't|haven't|hasn't|hadn't|yet to|nowhere|nope|nah)\b|n't\b",
    re.I,
)
# A negated problem word reads as reassurance ("no issues with data quality").
NEGATED_PROBLEM = re.compile(
    r"\b(?:no|not any|never (?:had|seen)|without|zero|haven't had|hasn't had|don't have any|"
    r"didn't have any)\s+(?:\w+\s+){0,2}(?:issues?|problems?|concerns?|complaints?|"
    r"incidents?|blockers?|surprises?|trouble|outages?|gaps?|findings?)\b",
    re.I,
)
DEFERRAL = re.compile(
    r"\b(?:later|eventually|someday|some day|down the (?:road|line)|at some point|"
    r"figure (?:it |that |this )?out|sort (?:it |that |this )?out|work (?:it |that )?out|"
    r"deal with (?:it|that)|cross that bridge|after (?:launch|go-?live|the pilot|rollout)|"
    r"once we (?:go live|scale|launch)|next (?:year|quarter|phase)|phase (?:two|2)|"
    r"tbd|to be (?:decided|determined|confirmed)|not (?:yet )?(?:scoped|budgeted|planned|"
    r"decided|started|funded|assigned)|on the (?:backlog|roadmap) for|worry about)\b",
    re.I,
)
UNCERTAIN = re.compile(
    r"\b(?:not sure|unsure|i think|i guess|i believe|probably|maybe|perhaps|hopefully|"
    r"should be (?:fine|ok|okay)|it'?ll be (?:fine|ok|okay)|we'?ll see|no idea|don'?t know|"
    r"hard to say|depends|kind of|sort of|in theory|more or less|somewhat|i suppose|"
    r"hopefully|good question|not my area|ask (?:someone|the)|unclear)\b",
    re.I,
)
MANUAL = re.compile(
    r"\b(?:by hand|manual(?:ly)?|hand[- ](?:cleaned|curated|labell?ed|built|picked|made)|"
    r"spreadsheets?|excel|csv|one[- ]off|ad[- ]hoc|copy[- ]paste|snapshot|curated|"
    r"static (?:extract|export|dump)|exports?|dump|sample|notebook|laptop|workaround|"
    r"duct[- ]tape|hacky|scripts? (?:someone|i|we) (?:wrote|run))\b",
    re.I,
)
CONCRETE = re.compile(
    r"\b(?:signed(?: off)?|in place|automated|automatically|nightly|hourly|daily|weekly|"
    r"owns|owner|accountable|approved|completed|reviewed|budgeted|funded|scoped|"
    r"documented|runbook|on-?call|dashboards?|alerts?|monitor(?:ed|ing)?|rollback|"
    r"contract|sla|slo|tested|validated|certified|live|production|trained|"
    r"agreed|committed|assigned|logged|audit(?:ed)?|versioned|pipeline)\b|\d",
    re.I,
)
PARTIAL = re.compile(
    r"\b(?:partial(?:ly)?|some of|half|only (?:for|some|one|the)|a few|in progress|"
    r"working on|started|starting|beginning|draft|first version|mostly|part of|"
    r"not all|one of the|pilot only|for now)\b",
    re.I,
)
SHORT_NEGATIVE = re.compile(
    r"^\s*(?:no+|nope|nah|none|nothing|not really|not yet|not at all|never|n/?a|zero|"
    r"negative|we don'?t|we do not|not that i know of|no idea)\W*$",
    re.I,
)
SHORT_POSITIVE = re.compile(r"^\s*(?:yes|yep|yeah|sure|of course|absolutely|we do)\W*$", re.I)
WORD = re.compile(r"[a-z0-9']+")


def clauses(text: str) -> list[str]:
    """Split text into sentences, then split contrasts ("X, but Y") into clauses."""
    out: list[str] = []
    for sentence in _SENTENCE.split(text):
        for part in _CONTRAST.split(sentence):
            part = part.strip(" ,;:-\t\"'")
            if len(part) >= 2:
                out.append(part)
    return out


def words(text: str) -> list[str]:
    """Lower-case word tokens."""
    return WORD.findall(text.lower())


def quote(text: str, limit: int = 160) -> str:
    """A short verbatim excerpt for evidence and follow-ups."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"
