"""Generic text handling: sentences, clauses, words and quotes. Meaning is the reader's job (bot.reading)."""

from __future__ import annotations

import functools
import re

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[-–—]\s+")
_CONTRAST = re.compile(r",?\s+\b(?:but|however|although|though|except that|whereas)\b\s+", re.I)

WORD = re.compile(r"[a-z0-9']+")
_PIECE = re.compile(r"\S+\s*")


# A hard-wrapped line continues the sentence unless a bullet or heading starts the next one.
_SOFT_WRAP = re.compile(r"(?<![.!?:;\n])\n(?!\s*(?:[-*•#>]|\d+[.)])\s)(?!\n)")


_SUBJECTLESS = re.compile(r"(?:not|never|no longer|rarely|only|yet|seldom|un\w+ed|\w+ed)\b", re.I)
_SPACES = re.compile(r"[^\S\n]+")
# Markup set off from the prose (a code fence, a {...} object, a [...] note, an HTML comment, a
# <tag>...</tag> or <tag .../> element starting a sentence) is a clause of its own, so it is read, and
# quoted, apart from the sentence it was glued to. An element whose text ends with a colon is a
# label ("<b>Data:</b> live feed") and stays with what it labels. A format rule.
_MARKUP = re.compile(
    r"```.*?```|\{[^{}\n]{4,}\}|\[[^\[\]\n]{4,}\]|<!--.*?-->"
    r"|(?:^|(?<=\n)|(?<=[.!?;:>])|(?<=[.!?;:>] ))"  # an element that starts a sentence, not inline
    r"(?:<([A-Za-z][\w:-]*)[^<>\n]*>[^<>\n]*(?<![:\s])</\1\s*>|<[A-Za-z][^<>\n]*/>)",
    re.S,
)


# Editors, mail clients and narrow chat windows wrap at 40-120 characters. A paragraph whose longest
# line is outside that range was not hard-wrapped: each of its lines is a line the writer ended (a
# Slack update's "data ✅ live feed" / "value ✅ Sven owns it", a chat transcript, a sign-off), so
# none is joined. A format rule, like the bullets above.
_WRAP_WIDTHS = range(40, 121)
_BLANK_LINES = re.compile(r"(\n(?: ?\n)+)")


def hard_wrapped(block: str) -> bool:
    """Whether a paragraph's line breaks can be an editor's wrapping (its longest line is 40-120 characters)."""
    return max(len(line.rstrip()) for line in block.split("\n")) in _WRAP_WIDTHS


def _rewrap(block: str) -> str:
    return _SOFT_WRAP.sub(" ", block) if hard_wrapped(block) else block


# Slack writes an emoji as its name between colons (":white_check_mark:", ":x:") when a message is
# pasted or exported. It is markup, not words: left in, the reader reads "white_check_mark" as part of
# the clause. A format rule, like the markup above; the unicode emoji itself stays.
_SHORTCODE = re.compile(r"(?<!\S):[a-z][a-z0-9_+-]*:(?!\S)")


def unwrap(text: str) -> str:
    """Join hard-wrapped lines back into sentences; keep bullets, paragraphs and lines that were
    never wrapped apart.

    Runs of spaces and tabs collapse to one first: the sentence and contrast splitters are
    quadratic on long whitespace runs, and a pasted document may have them."""
    parts = _BLANK_LINES.split(_SPACES.sub(" ", text))  # paragraphs, with the blank lines between them
    return "".join(part if i % 2 else _rewrap(part) for i, part in enumerate(parts))


def clauses(text: str) -> list[str]:
    """Split text into sentences, then split contrasts ("X, but Y") into clauses.

    A tail with no subject of its own ("planned but not funded") stays with its clause."""
    text = _MARKUP.sub(lambda m: "\n" + " ".join(m.group().split()) + "\n", unwrap(_SHORTCODE.sub("", text)))
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


def pieces(text: str) -> list[str]:
    """A reply cut into word-sized pieces for streaming; joined, they give the text back (less leading space)."""
    return _PIECE.findall(text)


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
