"""What a fetched document is (feed, sitemap or page) and the articles newsdesk makes of it.

Pure: bytes in, typed records out; the clock is passed in.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape

from newsdesk.ingest.entries import entry_body, entry_hints, entry_key, fetched_article
from newsdesk.ingest.read import ReadError, read_page
from newsdesk.ingest.sources import FeedEntry, ParsedFeed, looks_like_feed, parse_feed
from newsdesk.record import FetchedArticle, SourceKind

Kind = SourceKind

_UTF8_HTML = "text/html; charset=utf-8"
_SITEMAP_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")


def document_kind(body: bytes, content_type: str | None) -> Kind:
    """Feed, sitemap or (anything else) page."""
    head = body[:4096].lstrip()
    if _SITEMAP_ROOT.search(head) and not head.lower().startswith((b"<!doctype html", b"<html")):
        return "sitemap"
    if looks_like_feed(body, content_type):
        return "feed"
    return "page"


def entry_article(entry: FeedEntry, feed: ParsedFeed, key: str, *, now: datetime) -> FetchedArticle | None:
    """The article a feed entry makes on its own words, without fetching its page."""
    if not entry.link:
        return None
    hints = entry_hints(entry, feed)
    html = entry_body(entry)
    if "<" not in html:  # plain text (or nothing): give the reader a paragraph of it
        html = f"<p>{escape(html or hints.summary or hints.title or '')}</p>"
    try:
        page = read_page(
            html.encode("utf-8"), entry.link, now=now, content_type="text/html; charset=utf-8", hints=hints
        )
    except ReadError:
        return None
    return fetched_article(page, key=key, now=now)


def read_document(body: bytes, url: str, content_type: str | None, *, now: datetime) -> list[FetchedArticle]:
    """Every article in a feed (from the entries' own text), or the one article of a page."""
    if document_kind(body, content_type) == "feed":
        feed = parse_feed(body, url, content_type)
        articles = (entry_article(entry, feed, entry_key(entry) or "", now=now) for entry in feed.entries)
        return [a for a in articles if a is not None]
    page = read_page(body, url, now=now, content_type=content_type)
    return [fetched_article(page, key=url, now=now)]
