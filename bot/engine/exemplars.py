"""Extra signals for the offline engine, drawn from the playbook's own sections."""

from __future__ import annotations

import re

from bot.chunking import split_sections
from bot.engine.grounding import sentences
from bot.knowledge import Knowledge

_QUOTED = re.compile(r"[\"“]([^\"”]{8,160})[\"”]")
_MIN_WORDS = 4  # "the extract" is a label, not a statement


def playbook_signals(knowledge: Knowledge) -> dict[str, tuple[list[str], list[str]]]:
    """Per dimension: (gap, ready) statements from the sections the rubric names."""
    wanted = knowledge.rubric.signal_sections
    out: dict[str, tuple[list[str], list[str]]] = {}
    for doc in knowledge.documents:
        dim = doc.meta.dimension
        if not dim:
            continue
        gap, ready = out.setdefault(dim, ([], []))
        for slug, _path, text in split_sections(doc.body):
            if slug in wanted.gap:
                quoted = [q for q in _QUOTED.findall(text) if len(q.split()) >= _MIN_WORDS]
                gap.extend(quoted or sentences(text))
            if slug in wanted.ready:
                ready.extend(sentences(text))
    return out
