"""Small text helpers shared by the field readers: whitespace, entities, comparison keys."""

from __future__ import annotations

import html
import re
import unicodedata

_SPACE = re.compile(r"\s+")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,2000}>")
_NON_WORD = re.compile(r"[\W_]+")
#: A decimal character reference past U+10FFFF (8 or more significant digits).
_HUGE_DECIMAL_REF = re.compile(r"&#0*[1-9][0-9]{7,}", re.ASCII)


def unescape(text: str) -> str:
    """``html.unescape``, safe for a stranger's text: a decimal reference of thousands of digits (which makes
    the standard library's ``int()`` raise) is the replacement character, as any reference past U+10FFFF is."""
    return html.unescape(_HUGE_DECIMAL_REF.sub("&#65533", text))


#: Control characters a reader must never get (C0 but tab, newline and carriage return; DEL; C1): a terminal
#: interprets ESC and BEL, XML 1.0 forbids most, HTML calls them errors.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters (tab, newline and carriage return stay)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def squash(text: str | None) -> str:
    """``text`` with runs of whitespace made one space, trimmed; ``""`` for ``None``."""
    return _SPACE.sub(" ", text).strip() if text else ""


def plain(text: str | None) -> str:
    """Declared text made plain: leftover (double-escaped) entities and tags removed, whitespace squashed."""
    if not text:
        return ""
    if _ENTITY.search(text):
        text = unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    return squash(unicodedata.normalize("NFC", text.replace("\u00ad", "").replace("\u200b", "")))


def key(text: str | None) -> str:
    """A comparison key: letters and digits only, case-folded (``"The Intercept"`` → ``"theintercept"``)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())
