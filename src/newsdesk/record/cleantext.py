"""Text from strangers made safe to show, the same way everywhere: control characters dropped, HTML character
references decoded without the standard library's failure on a huge one.

Shared by the page reader (``ingest/read/text.py``), what becomes an article (``ingest/entries.py``) and what
readers see of a record (``record/text.py``); it imports nothing of newsdesk.
"""

from __future__ import annotations

import html
import re

#: A decimal character reference past U+10FFFF (8 or more significant digits).
_HUGE_DECIMAL_REF = re.compile(r"&#0*[1-9][0-9]{7,}", re.ASCII)


def unescape(text: str) -> str:
    """``html.unescape``, safe for a stranger's text: a decimal reference of thousands of digits (which makes
    the standard library's ``int()`` raise) is the replacement character, as any reference past U+10FFFF is."""
    return html.unescape(_HUGE_DECIMAL_REF.sub("&#65533", text))


#: Control characters a reader must never get (C0 but tab, newline and carriage return; DEL; C1): a terminal
#: interprets ESC and BEL, XML 1.0 forbids most, HTML calls them errors.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


#: A character reference (``&#8217;``, ``&#x2019;``) or a named one (``&amp;``, ``&rsquo;``).
_REFERENCE = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)


def decoded(text: str) -> str:
    """``text`` with its character references decoded, once, where it holds any (:func:`unescape`)."""
    return unescape(text) if _REFERENCE.search(text) else text


def printable(text: str) -> str:
    """``text`` without control characters (tab, newline and carriage return stay)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text
