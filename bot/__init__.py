"""Readiness Coach: gets an enterprise AI pilot from demo to production."""

__version__ = "0.1.0"
