"""URLs in feeds made absolute against the document's address and xml:base."""

from __future__ import annotations

from urllib.parse import urljoin


def absolute(href: str | None, base: str | None) -> str | None:
    """``href`` (stripped) resolved against ``base``; None for an empty one; unchanged when it cannot be joined."""
    if not href:
        return None
    href = href.strip()
    if not href:
        return None
    if href.startswith(("http://", "https://")) or not base:
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def rebase(base: str | None, xml_base: str | None) -> str | None:
    """The base URL inside an element that carries ``xml:base`` (None: the outer base)."""
    if not xml_base:
        return base
    return absolute(xml_base, base)
