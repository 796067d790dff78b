"""Named things in the team's words: systems, people, roles, groups and dates.

A format extractor, not a list of names: it reads the shapes proper names take in English text
(capitalised words that don't start a sentence, acronyms, CamelCase product names, a role next to
a name, a named committee or team, months, quarters and calendar dates), so the next team's SAP,
ClaimCenter, FCU committee or Maria are found without anyone adding them. Words the playbook itself
uses (ERP, EHR, MLOps) are the coach's vocabulary, not the team's, and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["person", "role", "group", "system", "date", "name"]

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DATE = re.compile(
    rf"\b(?:(?:end of |mid-?|early |late )?(?:\d{{1,2}}(?:st|nd|rd|th)? )?{_MONTH}\b(?: \d{{1,2}}(?:st|nd|rd|th)?\b)?"
    rf"(?:,? \d{{4}})?|(?:end of )?Q[1-4](?: \d{{4}})?|H[12] \d{{4}}|{_DAY}|\d{{4}}-\d{{2}}-\d{{2}}|week \d{{1,2}})\b"
)
# A role is read from its shape, not from a list of title words: a C-level acronym (CFO, CISO), or the
# phrase a team sets beside a person's name with a possessive ("Maria, our head of claims,", "their
# plant director, Ines"). A title first seen beside a name ("head of ...") is then a role wherever the
# same texts use it ("the head of claims signs it off"): the team's words teach it, not this module.
_CLEVEL = r"\bC[A-Z]{1,3}O\b"
_TITLED = r"(?:our |the |their )?" + _CLEVEL  # "our CFO"
_PHRASE = r"(?:[Oo]ur|[Tt]heir) [a-z]+(?: [a-z]+){0,3}?"  # "our head of claims": set off by commas beside a name
_OPENS = r"(?:^|(?<=[,;(.] )|(?<=\band ))"  # where such a phrase may open: a sentence, a list or "and"
# Determiners and pronouns capitalised at a sentence start are grammar, not names (a closed class).
_FUNCTION = r"(?:The|Our|Their|Its|This|That|These|Those|A|An|We|It|They|He|She|You|My|His|Her|And|But|Or|So|If)\b"
_NAME = rf"(?!{_FUNCTION})[A-Z][a-z]+(?: [A-Z][a-z]+)?"
PERSON = re.compile(
    rf"(?P<a>{_NAME})(?:,? \(?(?P<ra>{_TITLED})(?=[,;.)]|$)|, (?P<pa>{_PHRASE})(?=[,;)]))"
    rf"|(?P<rb>{_TITLED}),? (?P<b>{_NAME})\b|{_OPENS}(?P<pb>{_PHRASE}), (?P<d>{_NAME})\b"
    rf"|(?P<c>{_NAME}) from (?:the )?(?P<rc>[a-z]+(?: team)?)\b"
)
CLEVEL_RE = re.compile(_CLEVEL)
_DETERMINER = re.compile(r"^(?:our|the|their) ", re.I)
# A name followed by an organisational noun: a committee, board or team someone can book.
GROUP = re.compile(
    rf"\b(?!{_FUNCTION})((?:[A-Z][\w&]*[A-Z\d][\w&]*|[A-Z][a-z]+)(?: (?:[A-Z][\w&]*|of|and|&))*)"
    r" (committee|board|council|team|office|department|group|unit|desk|squad|forum)\b"
)
TOKEN = re.compile(r"[A-Za-z][\w&'’.-]*[\w]|[A-Za-z]")
ACRONYM = re.compile(r"^[A-Z][A-Z\d&]{1,7}s?$")
CAMEL = re.compile(r"^[A-Z]?[a-z]+[A-Z][A-Za-z\d]*$|^[A-Z][a-z]*\d[\w]*$")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")


@dataclass(frozen=True)
class Named:
    """One named thing the team mentioned, and what kind of thing it looks like."""

    text: str
    kind: Kind

    @property
    def phrase(self) -> str:
        """How an action names it: 'the CFO', 'the FCU committee', 'Maria (CFO)', 'SAP'."""
        return f"the {self.text}" if self.kind in ("role", "group") else self.text


def _capitalised_runs(text: str) -> Iterable[tuple[str, bool]]:
    """Runs of capitalised tokens joined by single spaces, with whether the run starts a sentence."""
    run: list[str] = []
    initial, last_end = False, 0
    for m in TOKEN.finditer(text):
        tok = re.sub(r"['’]s$", "", m.group().rstrip("."))
        gap = text[last_end : m.start()]
        boundary = not text[: m.start()].strip() or bool(_SENTENCE_END.search(text[: m.start()]))
        capital = tok[:1].isupper() and tok != "I"
        if run and (not capital or gap != " " or boundary):
            yield " ".join(run), initial
            run = []
        if capital:
            initial = boundary if not run else initial
            run.append(tok)
        last_end = m.end()
    if run:
        yield " ".join(run), initial


def _strip(run: str) -> str:
    """The run without a leading determiner or pronoun ('The FCU' -> 'FCU')."""
    words = run.split()
    while words and re.fullmatch(_FUNCTION, words[0]):
        words = words[1:]
    return " ".join(words)


def _kind(run: str) -> Kind | None:
    words = run.split()
    if not words:
        return None
    if len(words) > 1:
        return "system"
    if ACRONYM.match(run) or CAMEL.match(run):
        return "role" if CLEVEL_RE.fullmatch(run) else "system"
    return "name"


MEMO_CHARS = 4000  # readings of texts up to this long (together) are remembered: a report and the
MEMO_TEXTS = 4096  # read-ahead of every turn ask about the same clauses and answers again


def named_things(texts: Iterable[str], common: frozenset[str] = frozenset()) -> list[Named]:
    """The named things in `texts`, first mention first; `common` holds the coach's own words (lower case)."""
    texts = tuple(texts)
    if sum(map(len, texts)) > MEMO_CHARS:
        return _named_things(texts, common)
    return list(_named_memo(texts, common))


@lru_cache(maxsize=MEMO_TEXTS)
def _named_memo(texts: tuple[str, ...], common: frozenset[str]) -> tuple[Named, ...]:
    return tuple(_named_things(texts, common))


def _named_things(texts: tuple[str, ...], common: frozenset[str]) -> list[Named]:
    found: dict[str, Named] = {}

    def add(text: str, kind: Kind) -> None:
        key = text.lower()
        if set(re.findall(r"[a-z0-9]+", key)) <= common or key in found or any(key in k for k in found):
            return
        found[key] = Named(text, kind)

    flats = [" ".join(t.split()) for t in texts]
    titles = titles_beside_names(flats)
    for flat in flats:
        for m in PERSON.finditer(flat):
            name, role = _person(m)
            first, _, rest = name.partition(" ")
            name = rest if rest and first.lower() in common else name  # "Ask Maria, our CFO"
            add(f"{name} ({role})", "person")
        for m in GROUP.finditer(flat):
            add(f"{m.group(1)} {m.group(2)}", "group")
        for m in DATE.finditer(flat):
            add(m.group(), "date")
        for m in roles(titles).finditer(flat):
            add(m.group(), "role")
        for whole, initial in _capitalised_runs(DATE.sub(" , ", flat)):
            run = _strip(whole)
            initial = initial and run == whole
            first, _, rest = run.partition(" ")
            if initial and rest and first.lower() in common:  # "Ask Maria": a capitalised sentence start
                run, initial = rest, False
            kind = _kind(run)
            if kind and not (initial and kind == "name") and not _inside(run, found):
                add(run, kind)
    return list(found.values())


def _person(m: re.Match[str]) -> tuple[str, str]:
    """The name and the role of a PERSON match, the role without its determiner."""
    name = m.group("a") or m.group("b") or m.group("d") or m.group("c")
    role = m.group("ra") or m.group("pa") or m.group("rb") or m.group("pb") or m.group("rc")
    return name, _DETERMINER.sub("", role)


def titles_beside_names(texts: Iterable[str]) -> frozenset[str]:
    """The title words these texts set beside a person's name as "<title> of ...": 'head' from
    'Maria, our head of claims'; what makes 'the head of claims' a role where it stands alone."""
    found = set()
    for text in texts:
        for m in PERSON.finditer(text):
            title, _, rest = _person(m)[1].partition(" of ")
            if rest and " " not in title:
                found.add(title)
    return frozenset(found)


def roles(titles: frozenset[str]) -> re.Pattern[str]:
    """C-level titles, and '<title> of <what>' for the titles the same texts used beside a name. A second
    word of <what> counts only where punctuation closes the phrase: in "the head of claims signs it off"
    the word after "claims" is the sentence's verb, not part of the role."""
    if not titles:
        return CLEVEL_RE
    heads = "|".join(sorted(map(re.escape, titles)))
    return re.compile(rf"{_CLEVEL}|\b(?i:{heads}) of (?:the )?[a-z]+(?: [a-z]+(?=[,;.:)!?]|$))?")


def _inside(run: str, found: dict[str, Named]) -> bool:
    """True when a longer thing already found holds this run (Maria inside 'Maria (CFO)')."""
    low = run.lower()
    return any(low in key for key in found)


def mentioned(text: str, words: str) -> bool:
    """True when every word of `text` appears in `words` (case-insensitive): a name the team used."""
    have = set(re.findall(r"[a-z0-9]+", words.lower()))
    return all(w in have for w in re.findall(r"[a-z0-9]+", text.lower()))
