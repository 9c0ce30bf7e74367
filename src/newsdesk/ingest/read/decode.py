"""Page bytes to text: find the character encoding, refuse what is not an HTML page.

The order follows what the bytes prove before what they claim: a byte-order
mark; then valid UTF-8 (non-ASCII bytes that happen to form valid UTF-8 are
almost never another encoding, and pages that declare Latin-1 while sending
UTF-8 are common), also when a few stray bytes are invalid but valid
multi-byte characters outnumber them four to one (decoded with replacement
characters); then the charset of the Content-Type header, then the one
the page declares (``<meta charset>``, ``http-equiv``, ``<?xml encoding?>``),
each only if the bytes decode without error; then charset-normalizer's guess;
last Windows-1252 with replacement characters, which never fails.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from newsdesk.ingest.read.values import ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: File signatures of common non-HTML payloads.
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF (WebP, WAV, AVI) file"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg file"),
    (b"\x00asm", "WebAssembly"),
    (b"\x7fELF", "an executable"),
)

#: Labels that browsers (WHATWG Encoding) read as a wider superset.
_SUPERSETS = {
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode": "utf-16",
}

_HTML_TYPES = re.compile(r"^(text/[-\w.+]+|application/(xhtml\+xml|xml|octet-stream|[-\w.]+\+xml))$")
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_PRESCAN = 4096
#: Valid multi-byte characters per invalid byte for a page to count as UTF-8 with errors.
_MOSTLY = 4


def decode_page(data: bytes, url: str, content_type: str | None = None) -> str:
    """The page's text, or ``ReadError`` for empty, binary or non-HTML content."""
    media = _media_type(content_type)
    if media is not None and not _HTML_TYPES.match(media):
        raise ReadError(url, f"content type {media} is not HTML")
    if not data.strip():
        raise ReadError(url, "the page is empty")
    for signature, name in _MAGIC:
        if data.startswith(signature):
            raise ReadError(url, f"the page is {name}, not HTML")
    text = _decode(data, _declared(content_type))
    sample = text[:_PRESCAN]
    if len(_CONTROL.findall(sample)) > len(sample) // 20:
        raise ReadError(url, "the page is binary data, not HTML")
    if "<" not in text:
        raise ReadError(url, "the page has no HTML markup")
    return text


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    return media or None


def _declared(content_type: str | None) -> list[str]:
    """Encodings the header names, in order of trust."""
    found = _CHARSET_PARAM.search(content_type.encode("latin-1", "replace")) if content_type else None
    return [found.group(1).decode("ascii", "replace")] if found else []


def _in_page(head: bytes) -> list[str]:
    labels = [m.group(1) for m in (_XML_ENCODING.search(head), _META_CHARSET.search(head)) if m]
    return [label.decode("ascii", "replace") for label in labels]


def _mostly_utf8(data: bytes) -> str | None:
    """The UTF-8 reading of a page whose multi-byte characters are valid but for a few stray bytes."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = sum(1 for char in text if char > "\x7f") - invalid
    return text if valid >= _MOSTLY * invalid and valid >= _MOSTLY else None


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    try:
        return codecs.lookup(_SUPERSETS.get(label, label)).name
    except LookupError:
        return None


def _decode(data: bytes, header_labels: list[str]) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    labels = header_labels + _in_page(data[:_PRESCAN])
    codecs_named = [codec for codec in map(_codec, labels) if codec]
    # UTF-16/32 without a BOM would also pass as valid UTF-8 (NUL bytes included).
    wide = [codec for codec in codecs_named if codec.startswith(("utf-16", "utf-32"))]
    for codec in [*wide, "utf-8"]:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    for codec in codecs_named:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("cp1252", errors="replace")
