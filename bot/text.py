"""Plain-text reading helpers: clause splitting and the cue words that flip meaning."""

from __future__ import annotations

import functools
import re

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[-–—]\s+")
_CONTRAST = re.compile(r",?\s+\b(?:but|however|although|though|except that|whereas)\b\s+", re.I)

NEGATION = re.compile(
    r"\b(?:no|not|none|nobody|no[- ]one|never|nothing|neither|nor|without|lack(?:s|ing)?|"
    r"missing|absent|zero|cannot|can't|won't|isn't|aren't|wasn't|weren't|don't|doesn't|"
    r"didn't|haven't|hasn't|hadn't|yet to|nowhere|nope|nah|hardly|barely|scarcely|insufficient(?:ly)?|"
    r"inadequate(?:ly)?|too few|too little)\b|n't\b|(?<!\ba )\blittle\b",
    re.I,
)
# A negated problem word reads as reassurance ("no issues with data quality").
NEGATED_PROBLEM = re.compile(
    r"\b(?:no|not any|never|(?:was|were|has|have) never|nothing|without|zero|haven't had|hasn't had|don't have any|"
    r"didn't have any|never (?:used|needed|relied on)|isn't|is not|wasn't|not)\s+(?:\w+\s+){0,4}"
    r"(?:issues?|problems?|concerns?|complaints?|incidents?|blockers?|surprises?|trouble|doubts?|"
    r"hidden|missed|lost|weak (?:point|spot|link)|"
    r"outages?|gaps?|findings?|samples?|spreadsheets?|csv|extracts?|exports?|snapshots?|dumps?|"
    r"manual(?:ly)?|by hand|workarounds?|"
    r"an? (?:it|innovation|side) project|modernis\w+ needed|modernizat\w+ needed|"
    r"rewrite needed|excel|(?:new|extra|additional|separate) (?:screens?|tools?|apps?|steps?|"
    r"logins?|systems?|windows?|clicks?|interfaces?)|personal data|pii|patient data|"
    r"sensitive data|customer data|(?:very |particularly )?sensitive|risky|(?:the|an?) issue)\b|"
    r"\b(?:nothing|no)(?: else| more| new)? to (?:build|integrate|connect|change|install|learn)\b|"
    r"\b(?:doesn'?t|does not|didn'?t|won'?t|will not) need "
    r"(?:much|any|anything|changes?|modernis\w+|modernizat\w+)\b|\b(?:no|nothing) new\b|"
    r"\b(?:nobody|no one|never) (?:went|goes|going|wants to go) back\b|\bcan only\b|"
    r"\bwithout (?:\w+ ){0,2}(?:chasing|pushing|nagging|prompting|reminders?|mandates?|being told)\b|"
    # a limit on what the system may do alone is a control, not a missing one
    r"\b(?:does not|doesn't|will not|won't)\b[^.;]{0,60}\b"
    r"(?:(?:a |an |the )?(?:person|human|someone|staff)|(?:a|an|the) \w+(?:er|or|ist|ian|ant)s?)"
    r"\b[^.;]{0,40}\binstead\b|"  # a designed fallback: the system doesn't act, a person does
    r"\b(?:it|model|agent|bot|assistant|system|tool)\s+(?:never|doesn't|does not|cannot|can't|can not|won't|"
    r"will not|is not allowed to|isn't allowed to)\s+(?:\w+\s+){0,5}?(?:itself|on its own|by itself|"
    r"automatically)\b|"
    r"\b(?:nothing|no \w+)\s+(?:(?!and\b)\w+\s+){0,5}?without (?:a |an |the )?(?:\w+ )?(?:human|person|approval|review|"
    r"sign-off|someone|manager|supervisor|underwriter|clinician|agent|analyst)\b|"
    r"\bnever (?:touches|acts|changes|exceeds|goes above|sends)\b|\bcapped at\b|\blimited to\b|"
    r"\breplac\w+ (?:a |the |our )?(?:\w+ )?(?:manual|spreadsheet|by hand)|"
    r"\bnone (?:we|that) (?:couldn'?t|could not)\b",
    re.I,
)
DEFERRAL = re.compile(
    r"\b(?:later|eventually|someday|some day|down the (?:road|line)|at some point|"
    r"figure (?:it |that |this )?out|sort (?:it |that |this )?out|work (?:it |that )?out|"
    r"deal with (?:it|that)|cross that bridge|after (?:launch|go-?live|the pilot|rollout)|"
    r"once we (?:go live|scale|launch)|next (?:year|quarter|phase)|phase (?:two|2)|"
    r"need(?:s|ed)? to (?:be |get |do )?(?:much )?(?:more|better)|"
    r"tbd|to be (?:decided|determined|confirmed)|not (?:yet )?(?:scoped|budgeted|planned|"
    r"decided|started|funded|assigned)|on the (?:backlog|roadmap) for|worry about|"
    r"once (?:it|we|they|this)(?:'s|'re| is| are| has| have)? ?(?:\w+ )?(?:live|in production|"
    r"launched|scaled?|go live|goes live|rolled out)|when we (?:scale|go live|launch|get there|need it)|"
    r"pick (?:it|that|this) up (?:later|when)|can pick up when|at that point|"
    r"(?:we'?ll|we will) (?:also )?(?:need to|put|add|set up|build|look at|loop in|bring in|engage)|"
    r"so as not to slow|not a priority|parked)\b",
    re.I,
)
UNCERTAIN = re.compile(
    r"\b(?:not sure|unsure|i think|i guess|i believe|probably|maybe|perhaps|hopefully|"
    r"should be (?:fine|ok|okay)|it'?ll be (?:fine|ok|okay)|we'?ll see|no idea|don'?t know|"
    r"hard to say|depends|kind of|sort of|in theory|more or less|somewhat|i suppose|"
    r"good question|not my area|ask (?:someone|the)|unclear|seems? to|apparently|"
    r"(?:looks? after|takes? care of|handles?|deals? with) (?:all )?(?:that|it|this)|"
    r"as far as i know|i'?m told|supposedly|in principle|should be|we'?re aligned)\b",
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
    r"agreed|committed|assigned|logged|audit(?:ed)?|versioned|pipeline|budget|kpi|target|"
    r"already|existing|standard|extended|reports? to|every|all (?:the |our )?\w+s|named|"
    r"in (?:her|his|their) (?:budget|plan|objectives)|roadmap|integrat(?:ed|ion team))\b|\d",
    re.I,
)
# A defect named outright ("bad data", "stale feed") is a gap cue like a negation.
DEFECT = re.compile(
    r"\b(?:bad|poor|corrupt(?:ed)?|dirty|messy|stale|broken|faulty|inaccurate|garbage|unreliable|"
    r"inconsistent|wrong|erroneous)\s+(?:\w+\s+)?(?:data|feeds?|records?|inputs?|values?|labels?|figures?|numbers?)\b",
    re.I,
)
# A recommendation or an ask names what should exist, not what does.
PRESCRIPTION = re.compile(
    r"^\W*(?:asks?|recommendations?|next steps?|next|implications?(?: for us)?|lessons?(?: learned)?|proposal|"
    r"decision needed|request)\s*[:–—-]|\b(?:we|you|teams?) (?:must|should|need to|ought to)\b|"
    r"\b(?:we )?(?:recommend|propose)\b",
    re.I,
)
PARTIAL = re.compile(
    r"\b(?:partial(?:ly)?|some of|half|only (?:for|some|one|the)|a few|in progress|"
    r"working on|started|starting|beginning|draft|first version|mostly|part of|"
    r"not all|one of the|pilot only|for now)\b",
    re.I,
)
# "designed in, not bolted on", "X rather than Y", "X instead of Y": the negated or
# rejected part names the alternative the team avoided, so it is not a gap cue.
REJECTED_ALTERNATIVE = re.compile(r"(?:,\s*not\b|\brather than\b|\binstead of\b)[^,.;]*", re.I)

# Uncertainty phrases contain "not"/"don't" but are not negations of a capability.
UNSURE_PHRASES = re.compile(
    r"\b(?:not sure|don'?t know|no idea|not my area|can'?t say|couldn'?t tell you|not certain)\b",
    re.I,
)
SHORT_NEGATIVE = re.compile(
    r"^\s*(?:no+|nope|nah|none|nothing|not really|not yet|not at all|never|n/?a|zero|"
    r"negative|we don'?t|we do not|not that i know of|no idea)\W*$",
    re.I,
)
# Fillers that carry no information about the pilot.
CONTENTLESS = re.compile(
    r"^\W*(?:i(?:'ve| have) )?(?:nothing|not much) (?:more|else) to (?:add|say)|"
    r"^\W*(?:that'?s (?:all|it|everything)|as i (?:said|mentioned)|like i said|see above|"
    r"same as (?:before|above)|n/?a|pass|ok(?:ay)?|hmm+|right)\W*$",
    re.I,
)
SHORT_POSITIVE = re.compile(r"^\s*(?:yes|yep|yeah|sure|of course|absolutely|we do)\W*$", re.I)
# Agentic: an actor that acts, or an action taken without a person in between.
AUTONOMY = re.compile(
    r"\b(?:by itself|itself|on its own|automatically|autonomous(?:ly)?|without (?:a |an |any )?"
    r"(?:\w+ )?(?:human|person|review\w*|approv\w*|anyone|sign-off|colleague|staff|check\w*|editor|"
    r"manager|supervisor|read(?:ing)?|look\w*)|"
    r"no human|(?:nobody|no one|no-one) (?:review|check|approv|sign|read|look)\w*|"
    r"no (?:person|manager|editor|reviewer|supervisor|staff|one)\w* (?:\w+ ){0,3}?(?:look|review|check|approv|sign|"
    r"read|see|edit)\w*|"
    r"end to end|straight (?:in|on)?to)\b",
    re.I,
)
# Present and past tense: narratives of incidents say "the agent deleted", "it posted".
ACTOR_ACT = re.compile(
    r"\b(?:it|agent|model|bot|system|assistant|ai|tool)\s+(?:\w+\s+)?(?:(?:issue|refund|update|"
    r"trigger|execute|place|approve|reject|book|cancel|change|adjust|post|transfer|move|close|file|"
    r"submit|reschedule|order|decline|block|create|delete|release|dispatche?|wipe|send)(?:s|d|ed)?|"
    r"modif(?:y|ies|ied)|writes?|wrote|sent|pays?|paid)\b",
    re.I,
)
HUMAN_GATE = re.compile(
    r"\b(?:human|person|agent|staff|clinician|reviewer|analyst|someone)s? (?:reviews?|approves?|"
    r"checks?|signs? off|confirms?|decides?)|"
    r"\b\w+s (?:approve|review|check|sign off) (?:them|it|each|every|all)|"
    r"before anything (?:changes|happens|is sent|goes out)|\b(?:draft|drafts|suggests?|recommends?|"
    r"read-only|copilot|assists?|proposes?|for review|before (?:it is |it's )?sent|humans?|person)\b",
    re.I,
)

WORD = re.compile(r"[a-z0-9']+")


# A hard-wrapped line continues the sentence unless a bullet or heading starts the next one.
_SOFT_WRAP = re.compile(r"(?<![.!?:;\n])\n(?!\s*(?:[-*•#>]|\d+[.)])\s)(?!\n)")


_SUBJECTLESS = re.compile(r"(?:not|never|no longer|rarely|only|yet|seldom|un\w+ed|\w+ed)\b", re.I)
_SPACES = re.compile(r"[^\S\n]+")


def unwrap(text: str) -> str:
    """Join hard-wrapped lines back into sentences; keep bullets and paragraphs apart.

    Runs of spaces and tabs collapse to one first: the sentence and contrast splitters are
    quadratic on long whitespace runs, and a pasted document may have them."""
    return _SOFT_WRAP.sub(" ", _SPACES.sub(" ", text))


def clauses(text: str) -> list[str]:
    """Split text into sentences, then split contrasts ("X, but Y") into clauses.

    A tail with no subject of its own ("planned but not funded") stays with its clause."""
    text = unwrap(text)
    out: list[str] = []
    for sentence in _SENTENCE.split(text):
        spans: list[list[int]] = []  # [start, end] of each clause in the sentence
        start = 0
        for cut in [*_CONTRAST.finditer(sentence), None]:
            end = cut.start() if cut else len(sentence)
            part = sentence[start:end].strip(" ,;:-\t\"'")
            if spans and len(part.split()) < 4 and _SUBJECTLESS.match(part):
                spans[-1][1] = end
            elif len(part) >= 2:
                spans.append([start, end])
            start = cut.end() if cut else start
        out.extend(sentence[a:b].strip(" ,;:-\t\"'") for a, b in spans)
    return out


def lower_first(title: str) -> str:
    """'No production data pipeline' -> 'no production data pipeline'; 'ROI' stays 'ROI'."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


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


def expand_aliases(text: str, aliases: dict[str, str]) -> str:
    """'PoC stalled' -> 'PoC (proof-of-concept pilot) stalled': jargon spelled out beside the term."""
    if not aliases:
        return text
    pattern, table = _alias_matcher(tuple(aliases.items()))
    return pattern.sub(lambda m: f"{m.group(0)} ({table[m.group(0).lower()]})", text)


@functools.lru_cache(maxsize=8)
def _alias_matcher(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """The compiled whole-word pattern for a rubric's aliases, built once rather than per question."""
    table = {k.lower(): v for k, v in items}
    words_ = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(r"\b(" + words_ + r")\b", re.I), table
