"""Untrusted XML bytes → an lxml tree, safely: no entity expansion, no DTD, no network, bounded size.

Before parsing, the DOCTYPE is cut out of the prolog: external entities are dropped (never read), plain
internal entities (text and character references only) are substituted, and a DOCTYPE whose entities are
built from other entities (the "billion laughs" bomb) is refused. HTML named entities (``&nbsp;``) become
character references and bare ``&`` becomes ``&amp;`` (outside CDATA). Ill-formed XML is then parsed with
lxml's recovery and the notes say what was wrong.
"""

from __future__ import annotations

import html.entities
import re
import threading
from dataclasses import dataclass

from lxml import etree

from .charset import to_utf8
from .errors import SourceError

MAX_DOCUMENT_BYTES = 50_000_000
MAX_DOCTYPE_BYTES = 65_536
MAX_ENTITY_VALUE = 4_096
MAX_ENTITY_GROWTH = 10_000_000

_SPACE = re.compile(rb"[ \t\r\n]*")
_DOCTYPE_TOKENS = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|[\[\]>]", re.DOTALL)
_ENTITY_DECL = re.compile(
    rb"""<!ENTITY\s+(%\s+)?([^\s%;&"']+)\s+(?:(SYSTEM|PUBLIC)\b|"([^"]*)"|'([^']*)')""",
)
_CHAR_REFS_ONLY = re.compile(rb"(?:[^&]|&#[0-9]{1,7};|&#x[0-9a-fA-F]{1,6};)*")
_CHAR_REF = re.compile(rb"&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,8}));")
# A named reference other than the five XML ones, or an "&" that starts no reference at all.
_FIXABLE = re.compile(
    rb"&(?:(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_][A-Za-z0-9._-]{0,40});"
    rb"|#X([0-9a-fA-F]{1,6});"
    rb"|(?![A-Za-z_][A-Za-z0-9._-]{0,40};|#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};))"
)
# C1 control characters (U+0080-U+009F, as UTF-8 or as character references) that mean windows-1252 punctuation.
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_C1_REFERENCE = re.compile(rb"&#(?:(1[2-5][0-9])|x([89][0-9a-fA-F]));")
_HTML_DTD_HINTS = (b"rss-0.91", b"XHTML", b"HTMLlat1", b"xhtml")

_HTML_ENTITIES: dict[bytes, bytes] = {
    name.encode("ascii"): f"&#{code};".encode("ascii") for name, code in html.entities.name2codepoint.items()
}
_HTML_ENTITIES[b"apos"] = b"&#39;"


@dataclass(frozen=True, slots=True)
class XmlDocument:
    """A parsed document's root element, the charset it was read in and notes on what was repaired."""

    root: etree._Element
    encoding: str
    notes: tuple[str, ...]


class _Parsers(threading.local):
    """lxml parsers are not shared between threads; each thread keeps its own pair."""

    def __init__(self) -> None:
        options = {
            "resolve_entities": False,
            "no_network": True,
            "load_dtd": False,
            "dtd_validation": False,
            "huge_tree": False,
            "remove_comments": True,
            "remove_pis": True,
            "collect_ids": False,
            "encoding": "utf-8",
        }
        self.strict = etree.XMLParser(recover=False, **options)  # type: ignore[arg-type]
        self.lenient = etree.XMLParser(recover=True, **options)  # type: ignore[arg-type]


_PARSERS = _Parsers()


def _doctype_end(data: bytes, start: int, url: str, error: type[SourceError]) -> int:
    """The offset just after the DOCTYPE declaration whose keyword ends at ``start``."""
    depth = 0
    for match in _DOCTYPE_TOKENS.finditer(data, start, start + MAX_DOCTYPE_BYTES):
        token = match.group()
        if token == b"[":
            depth += 1
        elif token == b"]":
            depth -= 1
        elif token == b">" and depth <= 0:
            return match.end()
    raise error(url, f"DOCTYPE unterminated or over {MAX_DOCTYPE_BYTES} bytes; refused")


def split_doctype(data: bytes, url: str, error: type[SourceError]) -> tuple[bytes, bytes | None]:
    """``data`` without the DOCTYPE declaration in its prolog, and that declaration (None if there is none).

    A second DOCTYPE is refused: XML allows one, and a parser's recovery might read the other.
    """
    pos = 0
    size = len(data)
    found: tuple[int, int] | None = None
    while pos < size:
        pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr]
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos)
            if end < 0:
                break
            pos = end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            if end < 0:
                break
            pos = end + 3
        elif data[pos : pos + 9].upper() == b"<!DOCTYPE":
            if found is not None:
                raise error(url, "more than one DOCTYPE; refused")
            end = _doctype_end(data, pos + 9, url, error)
            found = (pos, end)
            pos = end
        else:
            break
    if found is None:
        return data, None
    start, end = found
    return data[:start] + data[end:], data[start:end]


def _unescape_char_refs(value: bytes) -> bytes:
    def char(match: re.Match[bytes]) -> bytes:
        hexadecimal, decimal = match.groups()
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        return chr(code).encode("utf-8") if 0 < code < 0x110000 else b""

    text = _CHAR_REF.sub(char, value)
    return text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def doctype_entities(doctype: bytes, url: str, error: type[SourceError]) -> tuple[dict[bytes, bytes], set[bytes]]:
    """The DOCTYPE's plain internal entities (name → replacement) and the names of its external ones.

    Raises ``error`` for an entity whose value refers to other entities: that is how expansion bombs are built.
    """
    internal: dict[bytes, bytes] = {}
    external: set[bytes] = set()
    for match in _ENTITY_DECL.finditer(doctype):
        parameter, name, keyword, double, single = match.groups()
        if parameter:
            continue
        if keyword:
            external.add(name)
            continue
        value = double if double is not None else single
        if value is None:
            continue
        if len(value) > MAX_ENTITY_VALUE or not _CHAR_REFS_ONLY.fullmatch(value):
            raise error(url, f"DOCTYPE entity '{name.decode('ascii', 'replace')}' expands other entities; refused")
        internal[name] = _unescape_char_refs(value)
    return internal, external


def _split_verbatim(data: bytes) -> list[bytes]:
    """``data`` cut into [markup, CDATA-or-comment, markup, ...]: references are fixed only in the markup."""
    parts: list[bytes] = []
    start = 0
    cdata = data.find(b"<![CDATA[")
    comment = data.find(b"<!--")
    while cdata >= 0 or comment >= 0:
        if comment < 0 or 0 <= cdata < comment:
            opening, closing = cdata, b"]]>"
        else:
            opening, closing = comment, b"-->"
        end = data.find(closing, opening + 4)
        end = len(data) if end < 0 else end + len(closing)
        parts.extend((data[start:opening], data[opening:end]))
        start = end
        if 0 <= cdata < start:
            cdata = data.find(b"<![CDATA[", start)
        if 0 <= comment < start:
            comment = data.find(b"<!--", start)
    parts.append(data[start:])
    return parts


def fix_references(
    data: bytes, declared: dict[bytes, bytes], dropped: set[bytes], url: str, error: type[SourceError]
) -> tuple[bytes, list[str]]:
    """Unknown named references made character references, bare ``&`` escaped; CDATA and comments untouched."""
    if _FIXABLE.search(data) is None:
        return data, []
    html_names: list[bytes] = []
    unknown: list[bytes] = []
    bare = 0
    grown = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal bare, grown
        name = match.group(1)
        if name is None:
            if match.group(2) is not None:
                return b"&#x" + match.group(2) + b";"
            bare += 1
            return b"&amp;"
        if name in declared:
            value = declared[name]
            grown += len(value)
            if grown > MAX_ENTITY_GROWTH:
                raise error(url, "DOCTYPE entities expand past 10 MB; refused")
            return value
        if name in dropped:
            return b""
        code = _HTML_ENTITIES.get(name)
        if code is not None:
            if len(html_names) < 5 and name not in html_names:
                html_names.append(name)
            return code
        if len(unknown) < 5 and name not in unknown:
            unknown.append(name)
        return b"&amp;" + name + b";"

    parts = _split_verbatim(data)
    for index in range(0, len(parts), 2):
        parts[index] = _FIXABLE.sub(replace, parts[index])
    notes = []
    if html_names:
        names = ", ".join(f"&{name.decode('ascii')};" for name in html_names)
        notes.append(f"HTML entities not defined in XML ({names}) read as characters")
    if unknown:
        names = ", ".join(f"&{name.decode('ascii')};" for name in unknown)
        notes.append(f"undefined entities kept as text ({names})")
    if bare:
        notes.append(f"{bare} bare '&' read as text")
    return b"".join(parts), notes


def _cp1252(code: int) -> bytes | None:
    try:
        return bytes([code]).decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _c1_utf8(match: re.Match[bytes]) -> bytes:
    return _cp1252(match.group()[1]) or match.group()


def _c1_reference(match: re.Match[bytes]) -> bytes:
    decimal, hexadecimal = match.groups()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    return (_cp1252(code) if 0x80 <= code <= 0x9F else None) or match.group()


def fix_c1_controls(data: bytes) -> bytes:
    """C1 control characters read as the windows-1252 characters they almost always stand for (``\\x92`` → ’)."""
    if b"\xc2" in data and _C1_UTF8.search(data) is not None:
        data = _C1_UTF8.sub(_c1_utf8, data)
    if b"&#" in data and _C1_REFERENCE.search(data) is not None:
        data = _C1_REFERENCE.sub(_c1_reference, data)
    return data


def parse_xml(
    data: bytes, url: str, content_type: str | None = None, error: type[SourceError] = SourceError
) -> XmlDocument:
    """Parse untrusted XML bytes; raise ``error`` (naming ``url``) when they are not XML at all or too dangerous."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise error(url, f"document over {MAX_DOCUMENT_BYTES // 1_000_000} MB; refused")
    body, encoding, note = to_utf8(data, content_type)
    notes: list[str] = [note] if note else []
    if body[:1].isspace():
        stripped = body.lstrip()
        if stripped.startswith(b"<?xml"):
            notes.append("whitespace before the XML declaration")
            body = stripped
    body, doctype = split_doctype(body, url, error)
    declared: dict[bytes, bytes] = {}
    dropped: set[bytes] = set()
    if doctype is not None:
        declared, dropped = doctype_entities(doctype, url, error)
        if dropped:
            names = ", ".join(sorted(name.decode("ascii", "replace") for name in dropped))
            notes.append(f"external entities not loaded ({names})")
    body = fix_c1_controls(body)
    parsers = _PARSERS
    try:
        # Well-formed XML (the common case) needs no reference fixing: a strict parse settles it at once.
        root = etree.fromstring(body, parsers.strict)
    except etree.XMLSyntaxError as first:
        fixed, fixes = fix_references(body, declared, dropped, url, error)
        if doctype is not None and any(hint in doctype for hint in _HTML_DTD_HINTS):
            fixes = [fix for fix in fixes if not fix.startswith("HTML entities")]
        notes.extend(fixes)
        root = _reparse(fixed, first if fixed is body else None, url, error, notes)
    return XmlDocument(root, encoding, tuple(notes))


def _reparse(
    body: bytes, failure: etree.XMLSyntaxError | None, url: str, error: type[SourceError], notes: list[str]
) -> etree._Element:
    """Parse again after fixing references (strictly, then with lxml's recovery); raise ``error`` if nothing comes."""
    parsers = _PARSERS
    if failure is None:
        try:
            return etree.fromstring(body, parsers.strict)
        except etree.XMLSyntaxError as err:
            failure = err
    where = f"XML error at line {failure.lineno}: {failure.msg}" if failure.lineno else f"XML error: {failure.msg}"
    try:
        recovered = etree.fromstring(body, parsers.lenient)
    except etree.XMLSyntaxError:
        recovered = None
    if recovered is None:
        raise error(url, where) from None
    notes.append(f"ill-formed XML recovered ({where})")
    return recovered
