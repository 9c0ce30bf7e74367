"""Text that XML 1.0 can carry: strangers' titles may hold control characters XML forbids."""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold (escaping is the writer's job)."""
    return _NOT_XML.sub("", value)
