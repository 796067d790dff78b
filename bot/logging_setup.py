"""Logging that never lets secrets or personal data through: every record is redacted."""

from __future__ import annotations

import json as jsonlib
import logging
import sys
from typing import IO

from bot.redact import scrub  # the one redaction: secrets first, so no personal-data rule splits a token

_OURS = "_coach_handler"


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback) through `bot.redact.scrub`."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place and always let the record through."""
        if getattr(record, "_coach_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the log line
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        record._coach_redacted = True
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: at, level, logger, message, and exc when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the (already redacted) record."""
        data = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        return jsonlib.dumps(data, ensure_ascii=False)


def configure_logging(level: str | int = "INFO", json: bool = False, stream: IO[str] | None = None) -> logging.Handler:
    """Install a root stream handler and put a redacting filter on every root handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _OURS, True)
    handler.setFormatter(
        JsonFormatter() if json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for each in root.handlers:
        install_filter(each)
    for noisy in ("apscheduler",):  # a line a minute: noise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler


def install_filter(handler: logging.Handler) -> None:
    """Add the redacting filter to a handler once."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
