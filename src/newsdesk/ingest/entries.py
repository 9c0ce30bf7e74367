"""From what a source said to an article: feed entries into page hints, pages into articles.

Pure: typed values in, typed values out; the clock is passed in.
"""

from __future__ import annotations

import re
from datetime import datetime

from newsdesk.ingest.read import PageArticle
from newsdesk.ingest.sources import FeedEntry, ParsedFeed
from newsdesk.record import Article, FetchedArticle, Image, PageHints, Provider
from newsdesk.record.cleantext import printable, unescape

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")

#: Enclosure MIME type prefixes that make an entry a video or a podcast episode.
_MEDIA_TYPES = (("video/", "video"), ("audio/", "podcast"))


def plain_text(markup: str | None) -> str:
    """Markup as plain text, whitespace collapsed (for lengths and summaries)."""
    if not markup:
        return ""
    return _SPACE.sub(" ", unescape(_TAGS.sub(" ", markup))).strip()


def entry_key(entry: FeedEntry) -> str | None:
    """What identifies an entry within its source: its link, else its id."""
    return entry.link or entry.id


def entry_type(entry: FeedEntry) -> str | None:
    """``video`` or ``podcast`` when the entry's enclosures say so."""
    for enclosure in entry.enclosures:
        for prefix, kind in _MEDIA_TYPES:
            if (enclosure.type or "").startswith(prefix):
                return kind
    return None


def entry_hints(entry: FeedEntry, feed: ParsedFeed | None) -> PageHints:
    """What a feed entry already says about its page."""
    image = entry.image
    return PageHints(
        title=plain_text(entry.title) or None,
        summary=plain_text(entry.summary) or None,
        published=entry.published or entry.updated,
        authors=entry.authors,
        image_url=image.url if image else None,
        image_width=image.width if image else None,
        image_height=image.height if image else None,
        site_name=feed.title if feed else None,
        type=entry_type(entry),
        language=entry.language or (feed.language if feed else None),
    )


def entry_body(entry: FeedEntry) -> str:
    """The entry's own text as HTML: its full content, else its summary."""
    return entry.content or entry.summary or ""


def is_teaser(entry: FeedEntry, teaser_chars: int) -> bool:
    """Whether the entry carries too little text to stand for the article."""
    return len(plain_text(entry_body(entry))) < teaser_chars


def fetched_article(page: PageArticle, *, key: str, now: datetime, original_url: str | None = None) -> FetchedArticle:
    """A page read into the record's article, with what reading found besides."""
    published = page.published or now
    image = page.image
    provider_name = page.provider_name or page.provider_domain
    article = Article(
        title=printable(page.title),
        published=min(published, now),
        excerpt=printable(page.excerpt) if page.excerpt is not None else None,
        original_url=original_url or page.original_url,
        web_url=page.web_url,
        amp_web_url=page.amp_web_url,
        cdn_amp_web_url=page.cdn_amp_web_url,
        type=page.type,
        provider=Provider(
            name=printable(provider_name) if provider_name else provider_name, domain=page.provider_domain
        ),
        images=(Image(url=image.url, width=image.width, height=image.height),) if image else None,
    )
    # Control characters stop here, where every page and feed entry becomes an article: no output gets them.
    return FetchedArticle(
        article=article,
        text=printable(page.text),
        language=page.language,
        authors=tuple(printable(name) for name in page.authors),
        links=page.links,
        entry_key=key,
    )
