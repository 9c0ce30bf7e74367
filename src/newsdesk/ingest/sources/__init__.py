"""Sources: feed, OPML, autodiscovery and sitemap bytes in, typed records out; no I/O.

This face is what the rest of newsdesk imports (``make lint``'s ``faces`` contract): the parsers, the records they
give, their errors, and the ASCII-only number readers the fetcher and the image checks share.
"""

from __future__ import annotations

from .discovery import discover_feeds, looks_like_feed
from .errors import FeedError, OpmlError, SitemapError, SourceError
from .feed import parse_feed
from .model import MAX_ENTRIES, Enclosure, FeedEntry, FeedImage, ParsedFeed
from .numbers import bounded_count, parse_count, parse_decimal
from .opml import OpmlOutline, parse_opml, render_opml
from .sitemap import parse_sitemap

__all__ = [
    "MAX_ENTRIES",
    "Enclosure",
    "FeedEntry",
    "FeedError",
    "FeedImage",
    "OpmlError",
    "OpmlOutline",
    "ParsedFeed",
    "SitemapError",
    "SourceError",
    "bounded_count",
    "discover_feeds",
    "looks_like_feed",
    "parse_count",
    "parse_decimal",
    "parse_feed",
    "parse_opml",
    "parse_sitemap",
    "render_opml",
]
