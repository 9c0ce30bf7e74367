"""Sources: feed, OPML, autodiscovery and sitemap bytes in, typed records out; no I/O."""

from __future__ import annotations

from .errors import FeedError, OpmlError, SitemapError, SourceError
from .feed import parse_feed
from .model import MAX_ENTRIES, Enclosure, FeedEntry, FeedImage, ParsedFeed

__all__ = [
    "MAX_ENTRIES",
    "Enclosure",
    "FeedEntry",
    "FeedError",
    "FeedImage",
    "OpmlError",
    "ParsedFeed",
    "SitemapError",
    "SourceError",
    "parse_feed",
]
