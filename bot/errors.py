"""Errors a person can act on: each message says what is wrong and what to do."""

from __future__ import annotations


class CoachError(Exception):
    """Base class; `code` is a short machine id, the message is for people."""

    code = "coach_error"
    status = 400


class InvalidInput(CoachError):
    """Empty, oversized, binary or non-UTF-8 input."""

    code = "invalid_input"
    status = 422


class InputTooLarge(InvalidInput):
    """Input over the configured size limit."""

    code = "too_large"
    status = 413


class NotFound(CoachError):
    """An unknown session, pilot or report."""

    code = "not_found"
    status = 404


class Conflict(CoachError):
    """Someone else changed the same thing at the same time; retrying is safe."""

    code = "conflict"
    status = 409


class ConfigError(CoachError):
    """A setting is missing or wrong."""

    code = "config_error"
    status = 500


class ServiceUnavailable(CoachError):
    """A backing service (Chroma server, database, model) cannot be reached."""

    code = "unavailable"
    status = 503
