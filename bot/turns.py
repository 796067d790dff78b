"""The parts of a turn that are not the interview: idempotency keys, stored turns, streaming."""

from __future__ import annotations

import hashlib
import queue
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from bot.errors import Conflict, InvalidInput
from bot.models import Choice, Citation, Report, Turn
from bot.store.turns import StoredTurn

_TOKEN = re.compile(r"\s*\S+\s*")  # leading whitespace too: the pieces add up to the reply
MAX_KEY_CHARS = 200
_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no spaces (as HTTP headers carry)


def clean_key(key: str | None) -> str | None:
    """An idempotency key as given, or None; one that is not 1-200 printable characters is refused."""
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise InvalidInput(f"An idempotency key is 1 to {MAX_KEY_CHARS} printable characters without spaces.")
    return key


def text_hash(text: str) -> str:
    """The fingerprint kept with a key, so the key cannot be reused for another message."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def result_of(turn: Turn) -> dict[str, Any]:
    """What a retry needs besides the stored reply and report."""
    return {
        "topic": turn.topic,
        "question_id": turn.question_id,
        "done": turn.done,
        "citations": [c.model_dump(mode="json") for c in turn.citations],
        "options": turn.options,
        "choices": [c.model_dump(mode="json") for c in turn.choices],
    }


def reply_meta(topic: str, engine: str, citations: list[Citation]) -> dict[str, Any]:
    """What is stored with a coach reply: its topic, the engine, and the sources its [n] markers
    refer to (a resumed session shows them again)."""
    meta: dict[str, Any] = {"topic": topic, "engine": engine}
    if citations:
        meta["citations"] = [c.model_dump(mode="json") for c in citations]
    return meta


def replayed(kept: StoredTurn, text: str, report: Report | None, brief: str) -> Turn:
    """The stored turn for a retry with the same key; the key sent with another message is a Conflict."""
    if kept.text_hash != text_hash(text):
        raise Conflict("This idempotency key was already used for a different message: send it with a new key.")
    result = kept.result
    message = kept.reply.removesuffix(brief).rstrip() if brief else kept.reply
    return Turn(
        session_id=kept.session_id,
        reply=kept.reply,
        message=message,
        topic=str(result.get("topic", "")),
        question_id=str(result.get("question_id", "")),
        done=bool(result.get("done", False)),
        citations=[Citation.model_validate(c) for c in result.get("citations", [])],
        options=list(result.get("options", [])),
        choices=[Choice.model_validate(c) for c in result.get("choices", [])],
        report=report,
        assessment_id=kept.assessment_id,
        gap_ids=kept.gap_ids,
        replayed=True,
    )


OnToken = Callable[[str], None]


def streamed(run: Callable[[OnToken], Turn]) -> Iterator[str | Turn]:
    """Run a turn in a worker thread, yielding the pieces `run` passes to its callback, the Turn last.

    When the reply is not what was streamed (nothing streamed, or a retried turn), the rest of
    it follows in pieces; the pieces add up to the reply whenever it starts with what was sent."""
    out: queue.Queue[object] = queue.Queue()
    done = object()

    def work() -> None:
        try:
            out.put(run(out.put))
        except BaseException as exc:  # re-raised in the caller's thread
            out.put(exc)
        finally:
            out.put(done)

    threading.Thread(target=work, daemon=True).start()
    sent = ""
    while (item := out.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, Turn):
            if item.reply.startswith(sent):
                yield from _TOKEN.findall(item.reply[len(sent) :])
            yield item
        else:
            sent += str(item)
            yield str(item)
