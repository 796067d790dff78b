"""Input hygiene: reject empty, binary, non-UTF-8 or oversized input with a clear sentence."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InputTooLarge, InvalidInput

MAX_UNPRINTABLE_SHARE = 0.25
KEEP_CONTROLS = frozenset("\n\t")
UTF8_MAX_BYTES_PER_CHAR = 4


def _decode(raw: bytes, what: str) -> str:
    """Decode UTF-8 (a byte-order mark is dropped) or say how to fix the file."""
    if b"\x00" in raw:
        raise _binary(what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"The {what} is not UTF-8 text: save it as UTF-8 and try again.") from exc


def _binary(what: str) -> InvalidInput:
    return InvalidInput(f"The {what} looks like binary data, not text: send plain text (UTF-8) instead.")


def _unprintable(ch: str) -> bool:
    """Control characters (but not newline or tab), lone surrogates and U+FFFD."""
    if ch in KEEP_CONTROLS:
        return False
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cs")


def _too_large(what: str, size: int, limit: int, unit: str = "characters") -> InputTooLarge:
    return InputTooLarge(
        f"The {what} is {size:,} {unit}, over the limit of {limit:,} characters: shorten it or split it into parts."
    )


def _empty(what: str) -> InvalidInput:
    hint = "type an answer or `help`." if what == "message" else "send some text."
    return InvalidInput(f"The {what} is empty: {hint}")


def clean_text(raw: bytes | str, max_chars: int, what: str = "message") -> str:
    """Decode, validate and normalise user input; raise InvalidInput/InputTooLarge if unfit."""
    if isinstance(raw, bytes):
        if len(raw) > max_chars * UTF8_MAX_BYTES_PER_CHAR:
            raise _too_large(what, len(raw), max_chars, unit="bytes")
        text = _decode(raw, what)
    else:
        if len(raw) > max_chars * UTF8_MAX_BYTES_PER_CHAR:
            raise _too_large(what, len(raw), max_chars)
        text = raw.removeprefix("\ufeff")
    if "\x00" in text:
        raise _binary(what)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = sum(1 for ch in text if _unprintable(ch))
    if text and bad / len(text) > MAX_UNPRINTABLE_SHARE:
        raise _binary(what)
    text = "".join(ch for ch in text if ch == "\ufffd" or not _unprintable(ch))
    text = text.strip()
    if not text:
        raise _empty(what)
    if len(text) > max_chars:
        raise _too_large(what, len(text), max_chars)
    return text


# Integer key columns are 32-bit (PostgreSQL INTEGER): a larger id cannot exist, and asking
# PostgreSQL for one is an error, not an empty result. Validate ids against this first.
MAX_DB_ID = 2**31 - 1


def valid_id(value: int) -> bool:
    """True when `value` can be the id of a stored row."""
    return 1 <= value <= MAX_DB_ID


# What records are called outside the store (bot/store/public_ids.py): uuid4 hex, 32 characters.
PUBLIC_ID = re.compile(r"[0-9a-f]{32}")


def is_public_id(value: object) -> bool:
    """True when `value` has the shape of a public id (an old integer id never does)."""
    return isinstance(value, str) and PUBLIC_ID.fullmatch(value) is not None
