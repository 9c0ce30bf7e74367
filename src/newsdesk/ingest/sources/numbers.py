"""Numbers in text from the network, read with ASCII-only rules.

``str.isdigit()`` says yes to ``²`` and ``٣``, ``int()`` and ``float()``
accept Arabic-Indic digits, ``1e999``, ``nan`` and ``inf``, and ``int()``
refuses more than 4,300 digits with a ``ValueError``: none of that may reach
the desk from a header, robots.txt, a feed or a page. Every number a stranger
writes (Retry-After, Content-Length, Crawl-delay, feed TTLs, image and media
sizes) goes through these: ASCII digits only, bounded, ``None`` for anything
else.
"""

from __future__ import annotations

import math
import re

#: The largest count any field holds: what a signed 64-bit column stores.
MAX_COUNT = 2**63 - 1

_SPACE = " \t\r\n"
_COUNT = re.compile(r"[0-9]{1,19}")
_DECIMAL = re.compile(r"(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})")


def parse_count(text: str | None, *, maximum: int = MAX_COUNT) -> int | None:
    """A non-negative integer in ASCII digits (surrounding ASCII space allowed), at most ``maximum``; else ``None``."""
    if text is None:
        return None
    text = text.strip(_SPACE)
    if _COUNT.fullmatch(text) is None:
        return None
    value = int(text)
    return value if value <= maximum else None


def parse_decimal(text: str | None, *, maximum: float = 1e15) -> float | None:
    """A non-negative decimal in ASCII (``12``, ``0.5``, ``.5``; no exponent, sign, nan or inf), at most ``maximum``."""
    if text is None:
        return None
    text = text.strip(_SPACE)
    if _DECIMAL.fullmatch(text) is None:
        return None
    value = float(text)
    return value if value <= maximum else None


def bounded_count(value: object, *, maximum: int = MAX_COUNT) -> int | None:
    """A count from parsed data (JSON): an int in range, an integral finite float, or ASCII digits; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= maximum else None
    if isinstance(value, float):
        if not math.isfinite(value) or value < 0 or value > maximum or not value.is_integer():
            return None
        return int(value)
    if isinstance(value, str):
        return parse_count(value, maximum=maximum)
    return None
