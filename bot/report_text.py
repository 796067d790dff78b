"""A gap's words for this pilot: why it matters, where it surfaces, what to do this week.

Pure functions over the rubric's report fields and the team's statements. The team's facts come
first (their quotes, the systems, people and dates they named); the playbook's general text is the
fallback, and is labelled as general (`why_basis`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.facts import Named, mentioned, named_things
from bot.knowledge import Action, Dimension, Rubric
from bot.models import Evidence, Statement, WhyBasis, on_topic
from bot.reading.tense import ClauseTense
from bot.redact import scrub
from bot.text import clauses

MAX_QUOTES = 2  # quotes in a "why" for this pilot
MAX_QUOTE_CHARS = 220
SLOT_LIMIT = {"who": 2, "groups": 2, "systems": 3, "when": 1}
SLOT_KINDS = {"who": ("person", "role"), "groups": ("group",), "systems": ("system",), "when": ("date",)}
_SLOT = re.compile(r"\{(\w+)\}")
_REDACTED = re.compile(r"\[[A-Z_]+\]")  # what redaction leaves in place of a secret or a personal detail


_WORDS: dict[int, tuple[Rubric, frozenset[str]]] = {}  # by rubric object, the rubric kept so its id stays its own
_WORDS_KEPT = 8


def coach_words(rubric: Rubric) -> frozenset[str]:
    """The playbook's own vocabulary (lower case): words in it are the coach's, not the team's names.

    Made once per rubric object (every report asks, and reading the whole rubric took ~5 ms)."""
    kept = _WORDS.get(id(rubric))
    if kept is not None and kept[0] is rubric:
        return kept[1]
    words = _vocabulary(rubric)
    if len(_WORDS) >= _WORDS_KEPT:
        _WORDS.clear()
    _WORDS[id(rubric)] = (rubric, words)
    return words


def _vocabulary(rubric: Rubric) -> frozenset[str]:
    parts: list[str] = [*rubric.aliases, *rubric.aliases.values()]
    for dim in rubric.dimensions:
        parts += [dim.title, dim.ready_title, dim.summary, dim.surfaces, dim.stakes, *dim.good_looks_like]
        parts += [a.text for a in dim.actions] + [q.ask for q in dim.questions] + dim.signals.keywords
        parts += dim.signals.gap + dim.signals.ready
    parts += [q.ask for q in rubric.intro]
    return frozenset(w for p in parts for w in re.findall(r"[a-z0-9]+", p.lower()))


def area_texts(dim: Dimension, statements: Sequence[Statement], evidence: Sequence[Evidence]) -> list[str]:
    """What the team said in this area: answers to its questions (and intro answers that feed it), and the
    quotes the judgement rests on."""
    said = [s.text for s in on_topic(dim.id, statements)]
    return list(dict.fromkeys([*said, *(e.quote for e in evidence)]))


def _parts(texts: Iterable[str]) -> list[str]:
    return [c for t in texts for c in clauses(t)]


def has_surfaced(texts: Iterable[str], tense: ClauseTense) -> bool:
    """True when the trained tense head says one of the team's clauses reports a setback that already
    happened, at or above its calibrated threshold (the report never asserts a false past)."""
    return any(tense.happened(_parts(texts)))


def surfaces_for(dim: Dimension, texts: Iterable[str], tense: ClauseTense) -> tuple[str, bool]:
    """Where the gap surfaces: the past-tense text when the team says it already did."""
    if dim.surfaced and has_surfaced(texts, tense):
        return dim.surfaced, True
    return dim.surfaces, False


def _short(quote: str) -> str:
    flat = " ".join(quote.split()).rstrip(" .;,")
    return flat if len(flat) <= MAX_QUOTE_CHARS else flat[: MAX_QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def why_for(dim: Dimension, evidence: Sequence[Evidence]) -> tuple[str, WhyBasis]:
    """Why it matters for this pilot, on the team's quotes; else the playbook's general text."""
    quotes = list(dict.fromkeys(_short(e.quote) for e in evidence if e.quote.strip()))[:MAX_QUOTES]
    if not quotes or not dim.stakes:
        return " ".join(dim.summary.split()), "general"
    said = " and ".join(f"“{q}”" for q in quotes)
    return f"You told us {said}. {dim.stakes}", "team"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def slots(named: Sequence[Named]) -> dict[str, str]:
    """The team's named things by slot, ready to drop into an action ('SAP and ClaimCenter')."""
    out = {}
    for slot, kinds in SLOT_KINDS.items():
        phrases = [n.phrase for n in named if n.kind in kinds][: SLOT_LIMIT[slot]]
        if phrases:
            out[slot] = _join(phrases)
    return out


def fill_action(action: Action, filled: dict[str, str]) -> str:
    """The first of the action's templates whose slots the team's words fill; else its general text."""
    for template in action.fill:
        if set(_SLOT.findall(template)) <= filled.keys():
            return template.format(**{k: filled[k] for k in _SLOT.findall(template)})
    return action.text


def actions_for(dim: Dimension, named: Sequence[Named]) -> list[str]:
    """This week's actions, naming the team's systems, people, groups and dates where they said them."""
    filled = slots(named)
    return [fill_action(a, filled) for a in dim.actions]


def names_in(texts: Iterable[str], rubric_words: frozenset[str], tense: ClauseTense) -> list[Named]:
    """The named things in the team's words (the coach's own vocabulary left out). A date counts only
    when a clause the tense head reads as now or ahead names it: a deadline, not a rollout that happened."""
    texts = _nameable(texts)
    dated = _dated(texts, rubric_words)
    dates = {
        d
        for (c, found), over in zip(dated.items(), tense.in_the_past(list(dated)), strict=True)
        if not over
        for d in found
    }
    return [n for n in named_things(texts, rubric_words) if n.kind != "date" or n.text in dates]


def _nameable(texts: Iterable[str]) -> list[str]:
    """The texts as names are read from them: a secret or personal detail is never a name."""
    return [_REDACTED.sub(" , ", scrub(t)) for t in texts]


def _dated(texts: Iterable[str], rubric_words: frozenset[str]) -> dict[str, list[str]]:
    """The clauses naming a date, with the dates they name (only these need the tense head)."""
    dated = {c: [n.text for n in named_things([c], rubric_words) if n.kind == "date"] for c in _parts(texts)}
    return {c: found for c, found in dated.items() if found}


def tense_clauses(dim: Dimension, texts: Sequence[str], rubric_words: frozenset[str]) -> list[str]:
    """Every clause a gap in `dim` built on `texts` may ask the tense head about (`names_in`'s dated
    clauses, and `surfaces_for`'s all when the area has a surfaced text), so they can be read ahead."""
    asked = list(_dated(_nameable(texts), rubric_words))
    return asked + _parts(texts) if dim.surfaced else asked


def unsupported_names(action: str, team_words: str, rubric_words: frozenset[str]) -> list[str]:
    """Names in a composed action that neither the team nor the playbook used (a model's invention)."""
    return [n.text for n in named_things([action], rubric_words) if not mentioned(n.text, team_words)]


def checked_actions(composed: list[str] | None, team_words: str, rubric_words: frozenset[str]) -> list[str] | None:
    """An engine's composed actions that name only what the team or the playbook said; None when none do."""
    kept = [a for a in composed or [] if a.strip() and not unsupported_names(a, team_words, rubric_words)]
    return kept or None
