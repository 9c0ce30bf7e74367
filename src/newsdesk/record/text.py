"""A record's text made clean for readers, in one place, so that every output agrees.

The plain-text fields a reader sees (each article's title and excerpt, its outlet's name) lose their control
characters (tab and newlines stay) and have their HTML character references decoded once: a record that says
``we&#8217;ve`` reads ``we’ve`` on the site, in the API, the feeds, the sitemaps, the newsletter and the export's
API pages and feeds. The store's queries for readers (``store/published.py``, ``store/search.py``) and the export
apply it as they read; the stored record and its exported file keep the bytes as they came (RECORD.md: a record
read and written back is byte for byte the same). Text from fetched pages is cleaned as it comes in
(``ingest/entries.py``), so this finds nothing to do there.
"""

from __future__ import annotations

import dataclasses

from newsdesk.record import Article, Story
from newsdesk.record.cleantext import decoded, printable


def clean_text(text: str) -> str:
    """``text`` without control characters, its character references decoded (once)."""
    return decoded(printable(text))


def _clean_article(article: Article) -> Article:
    title = clean_text(article.title)
    excerpt = clean_text(article.excerpt) if article.excerpt is not None else None
    provider = article.provider
    if provider is not None and (name := clean_text(provider.name)) != provider.name:
        provider = dataclasses.replace(provider, name=name)
    if (title, excerpt, provider) == (article.title, article.excerpt, article.provider):
        return article
    return dataclasses.replace(article, title=title, excerpt=excerpt, provider=provider)


def clean_story(story: Story) -> Story:
    """``story`` with every article's reader-facing text clean (the same object when nothing needed it)."""
    primary = _clean_article(story.primary)
    related = tuple(_clean_article(a) for a in story.related) if story.related is not None else None
    unchanged = related is None or all(a is b for a, b in zip(related, story.related or (), strict=True))
    if primary is story.primary and unchanged:
        return story
    return dataclasses.replace(story, primary=primary, related=related)
