"""A document's bytes as UTF-8: the charset from its BOM, its bytes, the HTTP header or its XML declaration.

Valid UTF-8 is read as UTF-8 whatever is declared (non-ASCII text in another charset is practically never
valid UTF-8); otherwise the declared charsets are tried in order (HTTP header, then XML declaration), then a
guess, then windows-1252. ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The first bytes of "<?" (or "<" then a character) in wide encodings without a BOM.
_WIDE_PATTERNS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]{0,40})["']""")
_HTTP_CHARSET = re.compile(r"""charset\s*[=:]\s*["']?([A-Za-z][A-Za-z0-9._:-]{0,40})""", re.IGNORECASE)
# Labels read as their supersets (the WHATWG encoding standard's choices).
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
# Guesses that mean "some Latin-script single-byte charset": windows-1252 is the better bet for those.
_LATIN_GUESSES = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_1", "iso8859_2", "iso8859_15", "mac_roman"}
    | {"cp850", "cp437", "mac_latin2", "iso8859_9", "iso8859_3", "iso8859_4", "iso8859_10", "iso8859_13"}
    | {"iso8859_14", "iso8859_16", "cp1258", "cp858", "mac_iceland", "mac_turkish"}
)


def _canonical(label: str) -> str | None:
    """Python's name for a charset label, or None if unknown."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def http_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HTTP_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    """The encoding named in an XML declaration at the start of ``data``, if any."""
    match = _DECLARED.match(data, 0, 300)
    return match.group(1).decode("ascii") if match else None


def _wide(data: bytes) -> tuple[str, int] | None:
    """The UTF-16/32 variant marked by a BOM or by the first bytes, and the BOM's length."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    for pattern, name in _WIDE_PATTERNS:
        if data.startswith(pattern):
            return name, 0
    return None


_HIGH = re.compile(rb"[\x80-\xff]+")


def _guess(data: bytes) -> str:
    """windows-1252 when non-ASCII bytes stand mostly alone (accented Latin letters), else a detector's guess."""
    runs = [len(run) for run in _HIGH.findall(data)]
    high = sum(runs)
    if high and sum(length for length in runs if length > 1) < high * 0.5:
        return "cp1252"
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    guess = _canonical(best.encoding) if best is not None else None
    if guess is None or guess.replace("-", "_") in _LATIN_GUESSES:
        return "cp1252"
    return guess


def to_utf8(data: bytes, content_type: str | None = None) -> tuple[bytes, str, str | None]:
    """``data`` as UTF-8 bytes without a BOM, the charset it was read in, and a note if that was not the declared one.

    ``declared`` means the HTTP ``charset`` (from ``content_type``), else the XML declaration's ``encoding``.
    """
    wide = _wide(data)
    if wide is not None:
        name, skip = wide
        if name == "utf-8":
            data = data[skip:]
        else:
            body = data[skip:]
            try:
                return body.decode(name).encode("utf-8"), name, None
            except UnicodeDecodeError:
                return body.decode(name, "replace").encode("utf-8"), name, f"invalid {name} bytes replaced"
    labels = [label for label in (http_charset(content_type), declared_charset(data)) if label]
    declared = [(label, _canonical(label)) for label in labels]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        unknown = [label for label, charset in declared if charset is None]
        if unknown:
            return data, "utf-8", f"unknown charset {unknown[0]!r} declared; read as UTF-8"
        if data.isascii() or not declared or declared[0][1] == "utf-8":
            return data, "utf-8", None
        return data, "utf-8", f"declared as {declared[0][0]} but is UTF-8"
    tried: list[str] = []
    for _label, charset in declared:
        if charset is None or charset in _WIDE or charset == "utf-8" or charset in tried:
            continue
        tried.append(charset)
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        return text.encode("utf-8"), charset, None
    guess = _guess(data)
    try:
        text = data.decode(guess)
    except UnicodeDecodeError:
        guess = "latin-1"
        text = data.decode(guess)
    if declared:
        note = f"declared as {declared[0][0]} but decoded as {guess}"
    else:
        note = f"not UTF-8 and no charset declared; decoded as {guess}"
    return text.encode("utf-8"), guess, note
