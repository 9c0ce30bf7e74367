"""What a URL given to ``sources add`` is: a feed, a sitemap, a page, or a site whose feed to find."""

from __future__ import annotations

from newsdesk.ingest.documents import document_kind
from newsdesk.ingest.fetch.client import Fetcher, Request
from newsdesk.ingest.sources import discover_feeds
from newsdesk.settings import FetchSettings


async def identify(settings: FetchSettings, url: str) -> tuple[str, str, str | None]:
    """Fetch ``url`` once and say what to watch: ``(url, kind, title)``.

    An HTML page that names feeds (``<link rel="alternate">``) is a site: its
    first feed is watched. Any other HTML page is watched as a single page.
    """
    async with Fetcher(settings) as fetcher:
        response = await fetcher.get(Request(url=url, obey_robots=False))
    kind = document_kind(response.body, response.content_type)
    if kind != "page":
        return response.url, kind, None
    feeds = discover_feeds(response.body, response.url)
    if feeds:
        return feeds[0].url, "feed", feeds[0].title
    return url, "page", None
