"""Input hygiene: empty, binary, non-UTF-8 and oversized input are refused with a clear sentence."""

from __future__ import annotations

import pytest

from bot.errors import InputTooLarge, InvalidInput
from bot.limits import clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  We have no owner.  ", "We have no owner."),
        (b"caf\xc3\xa9 ready", "café ready"),
        (b"\xef\xbb\xbfBOM first", "BOM first"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("tabs\tstay\nand newlines", "tabs\tstay\nand newlines"),
        ("bell\x07 and escape\x1b[31m gone", "bell and escape[31m gone"),
        ("emoji 👩‍💻 and 中文 stay", "emoji 👩‍💻 and 中文 stay"),
    ],
)
def test_clean_text_normalises(raw: bytes | str, expected: str) -> None:
    assert clean_text(raw, 1000) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\n\t\r\n", b"", b"  \n"])
def test_empty_is_refused(raw: bytes | str) -> None:
    with pytest.raises(InvalidInput, match=r"^The message is empty: type an answer or `help`\.$"):
        clean_text(raw, 1000)


def test_empty_document_gets_its_own_hint() -> None:
    with pytest.raises(InvalidInput, match="^The document is empty"):
        clean_text(" ", 1000, what="document")


@pytest.mark.parametrize(
    "raw",
    [b"PK\x03\x04\x00\x00binary", "text\x00with nul", bytes(range(1, 32)) * 4],
)
def test_binary_is_refused(raw: bytes | str) -> None:
    with pytest.raises(InvalidInput, match="binary data"):
        clean_text(raw, 1000)


def test_non_utf8_is_refused_with_a_fix() -> None:
    latin1 = "café résumé".encode("latin-1")
    with pytest.raises(InvalidInput, match="is not UTF-8 text: save it as UTF-8 and try again"):
        clean_text(latin1, 1000, what="document")


def test_too_large_names_size_and_limit() -> None:
    with pytest.raises(InputTooLarge, match="The message is 1,001 characters, over the limit of 1,000"):
        clean_text("x" * 1001, 1000)
    assert clean_text("x" * 1000, 1000) == "x" * 1000


def test_huge_bytes_are_refused_before_decoding() -> None:
    with pytest.raises(InputTooLarge, match="bytes, over the limit of 10 characters"):
        clean_text(b"y" * 100, 10)


def test_too_large_is_still_invalid_input() -> None:
    assert issubclass(InputTooLarge, InvalidInput)
    assert InputTooLarge.status == 413
