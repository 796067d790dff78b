"""The redacting log filter: secrets and personal data never reach a log line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import RedactingFilter, configure_logging
from bot.redact import scrub


@pytest.fixture
def restore_root() -> Iterator[None]:
    """Put the root logger back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    filters = {h: list(h.filters) for h in handlers}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler, kept in filters.items():
        handler.filters = kept
    root.setLevel(level)


def test_text_log_is_redacted(restore_root: None) -> None:
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    log = logging.getLogger("bot.some.module")
    log.info("user %s said: call me on %s", "jane@example.com", "+44 20 7946 0958")
    log.warning("calling with Authorization: Bearer abcdefgh12345678 key=%s", "sk-" + "a" * 30)
    text = out.getvalue()
    assert "user [EMAIL] said: call me on [PHONE]" in text
    assert "Bearer [SECRET]" in text and "key=sk-[SECRET]" in text
    for leaked in ("jane@example.com", "7946", "abcdefgh12345678", "a" * 30):
        assert leaked not in text


def test_tracebacks_are_redacted_too(restore_root: None) -> None:
    out = io.StringIO()
    configure_logging(stream=out)
    try:
        raise RuntimeError("connect to postgresql://coach:hunter2@db/coach failed")
    except RuntimeError:
        logging.getLogger("bot").exception("store failed for My name is Jane Doe")
    text = out.getvalue()
    assert "hunter2" not in text and "Jane" not in text
    assert "postgresql://coach:[SECRET]@db/coach" in text and "Traceback" in text


def test_json_lines(restore_root: None) -> None:
    out = io.StringIO()
    configure_logging("INFO", json=True, stream=out)
    logging.getLogger("bot.api").info("token=%s", "xoxb-1234-5678-abcdefghij")
    logging.getLogger("bot.api").debug("not shown at INFO")
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["message"] == "token=xoxb-[SECRET]"
    assert record["level"] == "INFO" and record["logger"] == "bot.api"


def test_filter_reaches_other_root_handlers(restore_root: None, caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.handler in logging.getLogger().handlers  # pytest's handler, not ours
    configure_logging(stream=io.StringIO())
    logging.getLogger("bot.slack").warning("ask Priya Shah at priya@corp.example")
    assert caplog.messages == ["ask [NAME] at [EMAIL]"]


def test_reconfiguring_does_not_duplicate_handlers(restore_root: None) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(stream=first)
    configure_logging(stream=second)
    logging.getLogger("bot").warning("once")
    assert first.getvalue() == "" and second.getvalue().count("once") == 1


def test_filter_survives_a_bad_format_string() -> None:
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "%d items for %s", ("x",), None)
    assert RedactingFilter().filter(record) is True
    assert "'%d items for %s'" in record.getMessage()


def test_scrub_combines_both_passes() -> None:
    assert scrub("I'm Jane, password=hunter2") == "I'm [NAME], password=[SECRET]"


def test_a_secret_shaped_like_personal_data_is_masked_whole(restore_root: None) -> None:
    """Secrets first, as everywhere else: a phone- or card-shaped run inside a token must not be masked
    as personal data first, which would split the token and leave the rest of it in the log."""
    out = io.StringIO()
    configure_logging(stream=out)
    log = logging.getLogger("bot.engine")
    log.warning("retrying with Authorization: Bearer %s", "020-7946-0958-kq7Zp2LxW3")
    log.warning("upstream sent token=%s", "Zq9x/4111111111111111")
    text = out.getvalue()
    assert "Bearer [SECRET]" in text and "token=[SECRET]" in text
    for leaked in ("kq7Zp2LxW3", "7946", "Zq9x", "4111", "[PHONE]", "[CARD]"):
        assert leaked not in text
