"""What a file really is, from its first bytes, whatever its name says."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from bot.documents import errors

# extension -> kind; the kinds the converters read
SUFFIXES = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".pptx": "pptx",
    ".html": "html",
    ".htm": "html",
    ".md": "text",
    ".markdown": "text",
    ".txt": "text",
}
DESCRIBED = {
    "pdf": "a PDF (.pdf)",
    "docx": "a Word document (.docx)",
    "pptx": "a PowerPoint deck (.pptx)",
    "xlsx": "an Excel workbook (.xlsx)",
    "zip": "a zip archive (.zip)",
    "ole": "an old Office file (.doc, .ppt or .xls)",
    "html": "an HTML page (.html)",
    "text": "plain text (.md or .txt)",
    "image": "an image",
    "binary": "binary data",
}
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<meta", "<div", "<?xml")


def kind_of_name(name: str) -> str | None:
    """The kind a file's extension claims, or None for an extension we do not read."""
    return SUFFIXES.get(PurePath(name).suffix.lower())


def sniff(data: bytes) -> str:
    """The real kind of the bytes: pdf, docx, pptx, xlsx, zip, ole, html, text, image or binary."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE):
        return "ole"
    if data.startswith(_IMAGES):
        return "image"
    try:
        text = data[:4096].decode("utf-8-sig", errors="strict" if len(data) <= 4096 else "ignore")
    except UnicodeDecodeError:
        return "binary"
    if "\x00" in text:
        return "binary"
    lowered = text.lstrip().lower()
    if lowered.startswith(_HTML_STARTS) and ("<html" in lowered or "<body" in lowered or "<div" in lowered):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def check_kind(name: str, data: bytes) -> str:
    """The kind to convert `data` as; raise one clear sentence when the name and bytes disagree."""
    claimed = kind_of_name(name)
    suffix = PurePath(name).suffix.lower()
    if claimed is None and not suffix and sniff(data) == "text":
        claimed = "text"  # a file without an extension that holds plain text, as from stdin
    if claimed is None:
        raise errors.unsupported(name, suffix)
    if not data.strip():
        raise errors.empty(name)
    real = sniff(data)
    if real == claimed or (claimed == "text" and real == "html") or (claimed == "html" and real == "text"):
        return claimed
    if real in ("zip", "binary") and claimed in ("pdf", "docx", "pptx"):
        raise errors.damaged(name, DESCRIBED[claimed])
    raise errors.mislabelled(name, DESCRIBED[real])
