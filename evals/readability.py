"""Does an answer read as one piece on its own? Grammar checks, no phrase lists: an opening
reference word whose antecedent the answer never gives ("This is why...", "Each move takes days"
with no moves), a list that is promised and never follows, too few words. Reported apart: a
demonstrative in an opening sentence that points back to a thing not named before it ("Time saved
only counts when it turns into that number")."""

from __future__ import annotations

import re

from bot.engine.compose import points_back

MIN_WORDS = 15
_MARK = re.compile(r"\[\d+\]")
_SENT = re.compile(r"(?<=[.!?:])\s+|\n+")
# an opener that leans on text the answer does not contain
_DANGLING = re.compile(
    r"^(?:this|that|these|those|they|it|its|such|second|third|fourth|fifth|finally|lastly|next|also|but|and|however)\b",
    re.I,
)
# a distributive opener ("Each move ...", "Both steps ...") and the noun it picks from a set
_DISTRIBUTIVE = re.compile(r"^(?:each|both|either|neither)\s+(?:of\s+the\s+)?([a-z]{3,})", re.I)
_ITEM_LINE = re.compile(r"^(?:[-*•]|\d+[.)])\s")
_ORDINAL = re.compile(r"^(?:first|second|third|fourth|fifth|sixth|then|next|finally|lastly)\b", re.I)
_SERIES = re.compile(r",|;|\band\b|\bor\b", re.I)
_QUOTED = re.compile(r"[\"“][^\"”]{3,}[\"”]")


def _stem(word: str) -> str:
    return word.lower()[:-1] if word.lower().endswith("s") else word.lower()


def listed_items(text: str) -> int:
    """How many things the answer lists at most: list lines, ordinal-led sentences, or the series
    after a colon ("three checks: a, b and c")."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    sentences = [s.strip() for s in _SENT.split(text) if s.strip()]
    after_colon = [s for prev, s in zip(sentences, sentences[1:], strict=False) if prev.endswith(":")]
    series = max((len(_SERIES.findall(s)) + 1 for s in after_colon), default=0)
    return max(sum(bool(_ITEM_LINE.match(ln)) for ln in lines), sum(bool(_ORDINAL.match(s)) for s in sentences), series)


def _promised_lists(plain: str) -> list[str]:
    lines = [ln.strip() for ln in plain.splitlines() if ln.strip()]
    return [
        "a promised list does not follow"
        for i, line in enumerate(lines)
        if line.endswith(":") and not (i + 1 < len(lines) and _ITEM_LINE.match(lines[i + 1]))
    ]


def _dangling_opener(sentences: list[str], plain: str) -> str | None:
    """The first sentence leans on something outside the answer: a reference word (unless the
    sentence is a lead-in whose list follows), or 'each X' with no X anywhere else."""
    first = sentences[0]
    if _DANGLING.match(first) and not (first.endswith(":") and listed_items(plain) >= 2):
        return first
    distributive = _DISTRIBUTIVE.match(first)
    if distributive:
        noun = _stem(distributive.group(1))
        if not re.search(rf"\b{re.escape(noun)}", " ".join(sentences[1:]), re.I):
            return first
    return None


def points_back_to_nothing(text: str) -> str | None:
    """Reported beside readability, not part of it (not yet validated: see evals/README.md).

    The first 'that X' / 'these X' / 'those X' in the opening sentence of the answer or of one of
    its parts (each from its own passage) whose X that sentence has not named before it. Later
    sentences are not checked: they may point back to what an earlier one says in other words."""
    for part in re.split(r"\n\s*\n", _MARK.sub("", text)):
        opening = next((s for s in _SENT.split(part.strip()) if s.strip()), "")
        pointer = points_back(opening)  # an opening word is the dangling-opener check's
        if pointer:
            return pointer
    return None


def readability_problems(text: str) -> list[str]:
    """What makes an answer unreadable on its own: too short, a dangling opener, a quoted phrase
    list, a promised list that never follows, 'Second,' without a 'First,'."""
    plain = _MARK.sub("", text)
    sentences = [s.strip(" -") for s in _SENT.split(plain) if s.strip(" -")]
    out = []
    if len(plain.split()) < MIN_WORDS:
        out.append(f"fewer than {MIN_WORDS} words")
    opener = _dangling_opener(sentences, plain) if sentences else None
    if opener:
        out.append(f"dangling opener: {opener[:40]!r}")
    if any(len(_QUOTED.findall(s)) >= 2 for s in sentences):
        out.append("quotes a phrase list")
    out += _promised_lists(plain)
    if re.search(r"(?:^|[.!?]\s+)Second,", plain) and not re.search(r"\bFirst,", plain):
        out.append("'Second,' with no 'First,'")
    return out
