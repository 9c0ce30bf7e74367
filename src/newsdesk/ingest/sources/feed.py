"""Feed bytes → ParsedFeed: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1, parsed safely and fast."""

from __future__ import annotations

import dataclasses

from lxml import etree

from .atom import parse_atom
from .errors import FeedError
from .jsonfeed import parse_json_feed
from .model import MAX_ENTRIES, Enclosure, FeedEntry, FeedImage, ParsedFeed
from .names import ATOM03, ATOM10, RDF, local_name
from .rss import parse_rss
from .sniff import sniff
from .xmlsafe import parse_xml

__all__ = ["MAX_ENTRIES", "Enclosure", "FeedEntry", "FeedError", "FeedImage", "ParsedFeed", "parse_feed"]

_ATOM_ROOTS = frozenset({f"{{{ATOM10}}}feed", f"{{{ATOM03}}}feed", "feed"})
_RDF_ROOT = f"{{{RDF}}}RDF"
_NOT_FEEDS = {
    "html": "HTML page",
    "opml": "OPML subscription list",
    "urlset": "sitemap",
    "sitemapindex": "sitemap index",
}


def _embedded_feed(root: etree._Element) -> etree._Element | None:
    """A feed inside an XHTML page (some servers wrap their Atom in one)."""
    for tag in (f"{{{ATOM10}}}feed", f"{{{ATOM03}}}feed", "rss"):
        found = root.find(f".//{tag}")
        if found is not None:
            return found
    return None


def _parse_tree(root: etree._Element, url: str, notes: list[str]) -> tuple[ParsedFeed, int]:
    tag = root.tag
    if not isinstance(tag, str):
        raise FeedError(url, "not a feed: no root element")
    if tag in _ATOM_ROOTS:
        return parse_atom(root, url)
    local = local_name(tag)
    if local == "rss":
        return parse_rss(root, url, "rss")
    if tag == _RDF_ROOT or local == "RDF":
        return parse_rss(root, url, "rdf")
    if local == "feed":
        return parse_atom(root, url)
    if local == "channel":
        return parse_rss(root, url, "rss")
    if local.lower() == "html":
        embedded = _embedded_feed(root)
        if embedded is not None:
            notes.append("feed wrapped in an XHTML page")
            return _parse_tree(embedded, url, notes)
    what = _NOT_FEEDS.get(local.lower())
    raise FeedError(url, f"not a feed: {what}" if what else f"not a feed: root element <{local}>")


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from ``url`` (``content_type``: the HTTP header, for its charset).

    Links come out absolute, dates aware UTC, at most MAX_ENTRIES entries (the first ones). ``recovered`` says
    what was wrong with ill-formed input that was read anyway. Raises FeedError when the bytes are not a feed
    or cannot be read safely (entity expansion bombs are refused; external entities and DTDs are never loaded).
    """
    kind = sniff(data)
    if kind == "empty":
        raise FeedError(url, "not a feed: empty document")
    if kind == "html" and not (b"<feed" in data or b"<rss" in data):
        raise FeedError(url, "not a feed: HTML page")
    if kind == "json":
        feed, total = parse_json_feed(data, url, content_type)
        notes = [feed.recovered] if feed.recovered else []
    elif kind == "text":
        raise FeedError(url, "not a feed: neither XML nor JSON")
    else:
        try:
            document = parse_xml(data, url, content_type, FeedError)
        except FeedError:
            if kind == "html":
                raise FeedError(url, "not a feed: HTML page") from None
            raise
        notes = list(document.notes)
        feed, total = _parse_tree(document.root, url, notes)
    if total > MAX_ENTRIES:
        notes.append(f"{total} entries; kept the first {MAX_ENTRIES}")
    recovered = "; ".join(notes) or None
    if recovered != feed.recovered:
        feed = dataclasses.replace(feed, recovered=recovered)
    return feed
