"""What an address or a form may name, checked before it reaches the store: row ids, story keys, slugs, days.

Each parser answers the value or None (the caller answers 404, or 400 for a form), never an exception:
a row id is ASCII digits that fit the store's integer columns, 32-bit on PostgreSQL (``①``, ``²``, ``+1``,
``1_0`` and ``2147483648`` are none), a desk's story key the same with an optional ``-`` (a story split out
of another is keyed by its article's id, negated); a slug or topic id is at most ``MAX_NAME_CHARS`` characters, none a
control character (PostgreSQL refuses text with NUL); a day is ``YYYY-MM-DD``, ASCII, within 0001-9999.
"""

from __future__ import annotations

import re
from datetime import date

#: The largest id the store holds: its id and key columns are INTEGER, 32-bit signed on PostgreSQL.
MAX_ROW_ID = 2**31 - 1
#: The longest slug or topic id looked up (longer ones are no record's name).
MAX_NAME_CHARS = 400

_DIGITS = re.compile(r"-?[0-9]{1,10}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def row_id(text: str) -> int | None:
    """A row id: ASCII digits, at most :data:`MAX_ROW_ID`."""
    value = integer(text)
    return value if value is not None and value >= 0 else None


def integer(text: str) -> int | None:
    """An integer the store's columns hold, in ASCII digits (``-`` in front for a negative one): a story key,
    a form's number."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if -MAX_ROW_ID - 1 <= value <= MAX_ROW_ID else None


def name(text: str) -> str | None:
    """A slug or topic id as an address gives it: not empty, not overlong, no control characters."""
    if not text or len(text) > MAX_NAME_CHARS or not text.isprintable():
        return None
    return text


def language(text: str) -> str | None:
    """A language as a filter gives it: an ISO 639 code (two or three ASCII letters), lowercased."""
    code = text.strip().lower()
    return code if 2 <= len(code) <= 3 and code.isascii() and code.isalpha() else None


def day(text: str) -> date | None:
    """A day, ``YYYY-MM-DD`` in ASCII digits (no week dates, no compact form)."""
    if not _DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
