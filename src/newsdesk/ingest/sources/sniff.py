"""What a document is, from its first bytes: JSON, HTML, XML (and its root element's name), or nothing."""

from __future__ import annotations

import codecs
import re

_HEAD = 4096
_SPACE = re.compile(rb"[ \t\r\n]*")
_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>/]|head[\s>]|body[\s>])", re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)


def head(data: bytes) -> bytes:
    """The first few KB as UTF-8 (or ASCII-compatible) bytes, without BOM and leading whitespace."""
    chunk = data[:_HEAD]
    for mark, name in _WIDE:
        if chunk.startswith(mark):
            skip = len(mark) if mark.startswith((b"\xff", b"\xfe", b"\x00\x00\xfe")) else 0
            chunk = chunk[skip:].decode(name, "ignore").encode("utf-8")
            break
    if chunk.startswith(codecs.BOM_UTF8):
        chunk = chunk[3:]
    return chunk.lstrip()


def _html_doctype(start: bytes, pos: int) -> bool:
    return start[pos + 9 : pos + 20].lstrip().lower().startswith(b"html")


def _after_prolog(start: bytes) -> int:
    """Where the first element (or an HTML doctype) begins: after the XML declaration, PIs, comments, a DOCTYPE."""
    pos = 0
    size = len(start)
    while pos < size:
        pos = _SPACE.match(start, pos).end()  # type: ignore[union-attr]
        if start.startswith(b"<?", pos):
            end, skip = start.find(b"?>", pos), 2
        elif start.startswith(b"<!--", pos):
            end, skip = start.find(b"-->", pos), 3
        elif start[pos : pos + 9].upper() == b"<!DOCTYPE" and not _html_doctype(start, pos):
            end, skip = start.find(b">", pos), 1
            bracket = start.find(b"[", pos, end)
            if bracket >= 0:
                end = start.find(b"]", bracket)
                end = start.find(b">", end) if end >= 0 else -1
        else:
            return pos
        if end < 0:
            return size
        pos = end + skip
    return pos


def sniff(data: bytes) -> str:
    """``json``, ``html``, ``xml``, ``empty`` or ``text``."""
    start = head(data)
    if not start:
        return "empty"
    if start[:1] in (b"{", b"["):
        return "json"
    if _HTML.match(start, _after_prolog(start)):
        return "html"
    if start[:1] == b"<":
        return "xml"
    return "text"


def root_name(data: bytes) -> str | None:
    """The local name of the first element (after the prolog), if it is in the first few KB."""
    start = head(data)
    match = _ROOT.match(start, _after_prolog(start))
    if match is None:
        return None
    return match.group(1).decode("ascii", "replace").rpartition(":")[2]
