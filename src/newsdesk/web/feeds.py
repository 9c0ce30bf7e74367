"""Feeds and sitemaps: RSS 2.0, Atom and JSON Feed of the front page and each topic; sitemap.xml,
the Google News sitemap, robots.txt.

Feeds list published stories newest first (``web.feed_size`` of them), so a
reader sees each story once, when it is published; the writers are pure
(``publish/feeds.py``, ``publish/sitemap.py``).
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from newsdesk.publish.feeds import MEDIA_TYPES, WRITERS, FeedInfo
from newsdesk.publish.sitemap import MAX_URLS, NEWS_WINDOW, SitemapUrl, google_news_sitemap, sitemap
from newsdesk.publish.topictree import covered_names, find_topic
from newsdesk.store.published import newest, published_addresses, published_since, story_languages
from newsdesk.store.topics import load_topics
from newsdesk.web import params
from newsdesk.web.pages import Pages, Rendered

XML = "application/xml; charset=utf-8"
#: The Google News sitemap depends on the clock (the last two days): re-rendered at least this often.
NEWS_SITEMAP_TTL = 60.0
#: sitemap.xml lists up to 50,000 stories (a render takes about a second with 100,000 stored) and only
#: crawlers read it: it is served up to this long after a write before it is rendered again.
SITEMAP_STALE_FOR = 600.0


def feed(pages: Pages, conn: Connection, kind: str, topic_id: str | None = None) -> Rendered:
    site, links = pages.settings.site, pages.links
    names = None
    title, description, home = site.title, f"The top stories of {site.title}, newest first.", links.url("/")
    if topic_id is not None:
        topics = load_topics(conn)
        topic = find_topic(topics, topic_id) if params.name(topic_id) else None
        if topic is None:
            return pages.error_page(404, "No such topic", "The desk has no topic {topic}.", topic=repr(topic_id))
        names = covered_names(topic, topics)
        title = f"{topic.name} · {site.title}"
        description = f"Stories about {topic.name} on {site.title}, newest first."
        home = links.url(links.topic(topic.id))
        topic_id = topic.id
    stories = newest(conn, now=pages.clock.now(), size=pages.settings.web.feed_size, topic_names=names).stories
    info = FeedInfo(
        title=title, description=description, home_url=home, feed_url=links.url(links.feed(kind, topic_id)),
        language=site.locale, now=pages.clock.now(), story_languages=story_languages(conn, [s.slug for s in stories]),
    )  # fmt: skip
    return Rendered(body=WRITERS[kind](info, stories, links), media_type=MEDIA_TYPES[kind], kind="data")


def site_sitemap(pages: Pages, conn: Connection) -> Rendered:
    links = pages.links
    topics = load_topics(conn)
    urls = [SitemapUrl(links.url("/"), changefreq="hourly")]
    urls += [SitemapUrl(links.url(links.topic(t.id)), changefreq="hourly") for t in topics]
    urls += [
        SitemapUrl(links.url(links.story(slug)), lastmod=published)
        for slug, published in published_addresses(conn, now=pages.clock.now(), limit=MAX_URLS - len(urls))
    ]
    return Rendered(body=sitemap(urls), media_type=XML, kind="data", stale_for=SITEMAP_STALE_FOR)


def news_sitemap(pages: Pages, conn: Connection) -> Rendered:
    now = pages.clock.now()
    stories = published_since(conn, now - NEWS_WINDOW, now=now)
    languages = story_languages(conn, [s.slug for s in stories])
    body = google_news_sitemap(stories, pages.settings.site, pages.links, now=now, languages=languages)
    return Rendered(body=body, media_type=XML, kind="data", ttl=NEWS_SITEMAP_TTL)


def feeds_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    for kind in WRITERS:

        def make(kind: str = kind) -> None:
            @router.get(f"/feed.{kind}", name=f"feed_{kind}")
            async def front_feed(request: Request) -> Response:
                return await pages.serve(request, lambda conn: feed(pages, conn, kind))

            @router.get(f"/topics/{{topic_id}}/feed.{kind}", name=f"topic_feed_{kind}")
            async def topic_feed(request: Request, topic_id: str) -> Response:
                return await pages.serve(request, lambda conn: feed(pages, conn, kind, topic_id))

        make()

    @router.get("/sitemap.xml")
    async def sitemap_xml(request: Request) -> Response:
        return await pages.serve(request, lambda conn: site_sitemap(pages, conn))

    @router.get("/news-sitemap.xml")
    async def news_sitemap_xml(request: Request) -> Response:
        return await pages.serve(request, lambda conn: news_sitemap(pages, conn))

    @router.get("/robots.txt")
    async def robots() -> Response:
        links = pages.links
        maps = "".join(f"Sitemap: {links.url(path)}\n" for path in ("/sitemap.xml", "/news-sitemap.xml"))
        body = f"User-agent: *\nAllow: /\n{maps}"
        return Response(body, media_type="text/plain; charset=utf-8")

    return router
