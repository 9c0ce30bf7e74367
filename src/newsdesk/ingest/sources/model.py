"""The typed records a feed parses into: plain frozen values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

MAX_ENTRIES: Final = 5000
"""Entries read from one feed; the first ones (feeds list the newest first) are kept."""


@dataclass(frozen=True, slots=True)
class FeedImage:
    """An entry's lead image as the feed names it."""

    url: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A file attached to an entry (RSS enclosure, Atom rel=enclosure link, JSON Feed attachment)."""

    url: str
    type: str | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed. ``link`` is absolute; dates are aware UTC; ``summary`` and ``content`` are as given."""

    id: str | None
    title: str | None
    link: str | None
    published: datetime | None
    updated: datetime | None
    summary: str | None
    content: str | None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    image: FeedImage | None = None
    enclosures: tuple[Enclosure, ...] = ()
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed. ``kind`` is rss, rdf, atom or jsonfeed; ``recovered`` says what was wrong, if anything."""

    kind: str
    title: str | None
    site_url: str | None
    language: str | None
    entries: tuple[FeedEntry, ...]
    recovered: str | None = None
