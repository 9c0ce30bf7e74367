"""Feed autodiscovery in HTML pages, and telling a feed from a page by its first bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .links import absolute
from .sniff import head, root_name, sniff

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)
_FEED_ROOTS = frozenset({"rss", "RDF", "feed", "channel"})
# application/json alternates that are APIs, not feeds (WordPress REST, oEmbed).
_NOT_FEED_PATHS = ("/wp-json/", "oembed")
_JSON_FEED = re.compile(rb'^\{\s*"(?:version|rss)"\s*:|jsonfeed\.org/version')


@dataclass(frozen=True, slots=True)
class DiscoveredFeed:
    """A feed a page links to: absolute URL, MIME type and the link's title."""

    url: str
    type: str
    title: str | None = None


def _html_root(html: bytes) -> etree._Element | None:
    try:
        html.decode("utf-8")
        encoding: str | None = "utf-8"
    except UnicodeDecodeError:
        encoding = None
    parser = etree.HTMLParser(encoding=encoding, no_network=True, remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(html, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def discover_feeds(html: bytes, base_url: str) -> tuple[DiscoveredFeed, ...]:
    """The feeds named by ``<link rel="alternate" type="...">`` in the page, absolute, deduplicated, in order."""
    root = _html_root(html)
    if root is None:
        return ()
    base = base_url
    found: dict[str, DiscoveredFeed] = {}
    for element in root.iter("base", "link"):
        if element.tag == "base":
            href = element.get("href")
            if href and base == base_url:
                base = absolute(href, base_url) or base_url
            continue
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = absolute(element.get("href"), base)
        if url is None or url in found:
            continue
        if kind == "application/json" and any(part in url for part in _NOT_FEED_PATHS):
            continue
        title = " ".join((element.get("title") or "").split()) or None
        found[url] = DiscoveredFeed(url, kind, title)
    return tuple(found.values())


def looks_like_feed(data: bytes, content_type: str | None = None) -> bool:
    """Whether the bytes are a feed (RSS, RDF, Atom, JSON Feed) rather than an HTML page or something else."""
    kind = sniff(data)
    mime = (content_type or "").split(";")[0].strip().lower()
    if kind == "json":
        return mime == "application/feed+json" or _JSON_FEED.search(head(data)) is not None
    if kind != "xml":
        return False
    name = root_name(data)
    if name is None:
        return mime in FEED_TYPES
    return name in _FEED_ROOTS
