"""The one-sentence messages a person gets when a file cannot be read."""

from __future__ import annotations

from bot.errors import InputTooLarge, InvalidInput

SUPPORTED_TEXT = "PDF (.pdf), Word (.docx), PowerPoint (.pptx), HTML (.html), Markdown (.md) or text (.txt)"


class DocumentError(InvalidInput):
    """A file that cannot be read: encrypted, scanned, damaged, mislabelled or of an unsupported type."""

    code = "unreadable_document"


class DocumentTooLarge(InputTooLarge):
    """A file over the upload limit, or an Office file that expands past the safe size."""


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def too_large(name: str, size: int, limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"{name} is {_mb(size)}, over the upload limit of {_mb(limit)} (COACH_MAX_UPLOAD_BYTES): "
        "split it or send the relevant pages."
    )


def expands_too_far(name: str, size: int, limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"{name} expands to {_mb(size)} when unpacked, over the safe limit of {_mb(limit)}: "
        "it may be a zip bomb; re-save it from Word or PowerPoint and try again."
    )


def empty(name: str) -> DocumentError:
    return DocumentError(f"{name} is empty: send a file with the pilot's write-up in it.")


def unsupported(name: str, suffix: str) -> DocumentError:
    kind = f"{suffix} files are" if suffix else "Files without an extension are"
    return DocumentError(f"{name}: {kind} not supported; send {SUPPORTED_TEXT}.")


def mislabelled(name: str, real: str) -> DocumentError:
    return DocumentError(f"{name} is really {real}, not what its extension says: rename it and try again.")


def encrypted(name: str) -> DocumentError:
    return DocumentError(f"{name} is encrypted: save or export a copy without a password and try again.")


def no_text(name: str) -> DocumentError:
    return DocumentError(
        f"{name} has no text to read (it looks scanned, and OCR is out of scope): "
        "export it from the original with its text, or paste the text instead."
    )


def damaged(name: str, kind: str) -> DocumentError:
    return DocumentError(f"{name} cannot be read as {kind}: the file looks damaged; re-export it and try again.")
