"""The reader site: server-rendered HTML pages that work without JavaScript.

``/`` (published stories by heat), ``/topics/<id>/``, ``/stories/<slug>/``,
``/search?q=``, ``/archive/<date>/``, ``/newsletters/<date>/``. A story's
address is its slug (stable across export and import); ``/stories/<row id>/``
and the exported site's ``/news/<slug>/`` redirect to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from newsdesk.publish.topictree import covered_names, find_topic, nav_topics, topic_of_name
from newsdesk.record import Story, Topic
from newsdesk.store.newsletters import load_newsletter, newsletter_days
from newsdesk.store.published import (
    by_heat,
    days_around,
    latest_day,
    on_day,
    published_story,
    slug_of,
    story_language,
    story_languages,
)
from newsdesk.store.search import MAX_QUERY_CHARS, search_stories
from newsdesk.store.topics import load_topics
from newsdesk.web import params
from newsdesk.web.pages import Pages, Rendered

PageNumber = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The desk's topics, for navigation and for linking a story's topic names to their pages."""

    topics: tuple[Topic, ...]

    @property
    def nav(self) -> list[Topic]:
        return nav_topics(self.topics)

    def of(self, name: str) -> Topic | None:
        return topic_of_name(self.topics, name)


def _common(conn: Connection) -> dict[str, Any]:
    taxonomy = Taxonomy(tuple(load_topics(conn)))
    return {"taxonomy": taxonomy, "nav": taxonomy.nav}


def _page_link(pages: Pages, path: str, page: int, **params: str) -> str:
    query = {**params, **({"page": str(page)} if page > 1 else {})}
    return pages.links.path(path) + (f"?{urlencode(query)}" if query else "")


def _listing(
    pages: Pages,
    conn: Connection,
    *,
    path: str,
    heading: str,
    stories: Sequence[Story],
    page: int,
    has_next: bool,
    params: dict[str, str] | None = None,
    **context: Any,
) -> Rendered:
    params = params or {}
    if page > 1 and not stories:
        return pages.error_page(404, "No such page", "There is no page {page} here.", page=page)
    return pages.html(
        "listing.html",
        heading=heading,
        stories=stories,
        page=page,
        previous_link=_page_link(pages, path, page - 1, **params) if page > 1 else None,
        next_link=_page_link(pages, path, page + 1, **params) if has_next else None,
        languages=story_languages(conn, [s.slug for s in stories]),
        **_common(conn),
        **context,
    )


def front_page(pages: Pages, conn: Connection, page: int) -> Rendered:
    found = by_heat(conn, now=pages.clock.now(), page=page, size=pages.settings.web.page_size)
    return _listing(
        pages, conn, path="/", heading=pages.words("Top stories"), stories=found.stories, page=page,
        has_next=found.has_next, feed_path="/", front=True,
    )  # fmt: skip


def topic_page(pages: Pages, conn: Connection, topic_id: str, page: int) -> Rendered:
    topics = load_topics(conn)
    topic = find_topic(topics, topic_id) if params.name(topic_id) else None
    if topic is None:
        return pages.error_page(404, "No such topic", "The desk has no topic {topic}.", topic=repr(topic_id))
    if topic.id != topic_id:
        return _redirect(pages, pages.links.topic(topic.id))
    names = covered_names(topic, topics)
    found = by_heat(conn, now=pages.clock.now(), page=page, size=pages.settings.web.page_size, topic_names=names)
    return _listing(
        pages, conn, path=pages.links.topic(topic.id), heading=topic.name, stories=found.stories, page=page,
        has_next=found.has_next, topic=topic, feed_path=pages.links.topic(topic.id),
    )  # fmt: skip


def _redirect(pages: Pages, path: str) -> Rendered:
    return Rendered(
        body=b"", media_type="text/plain", status=301, headers=(("Location", pages.links.path(path)),)
    )  # fmt: skip


def story_page(pages: Pages, conn: Connection, ident: str) -> Rendered:
    slug, number = params.name(ident), params.row_id(ident)
    now = pages.clock.now()
    story = published_story(conn, slug, now=now) if slug is not None else None
    if story is None and number is not None:
        found = slug_of(conn, number, now=now)
        if found is not None:
            return _redirect(pages, pages.links.story(found))
    if story is None:
        return pages.error_page(404, "No such story", "This story is not published here (or never was).")
    return pages.html("story.html", story=story, language=story_language(conn, story.slug), **_common(conn))


def search_page(pages: Pages, conn: Connection, query: str, page: int) -> Rendered:
    found = search_stories(conn, query, now=pages.clock.now(), page=page, size=pages.settings.web.page_size)
    heading = pages.words("Search: {query}", query=query) if query.strip() else pages.words("Search")
    return _listing(
        pages, conn, path="/search", heading=heading, stories=found.stories, page=page, has_next=found.has_next,
        params={"q": query}, query=query, searched=bool(query.strip()),
    )  # fmt: skip


def archive_latest(pages: Pages, conn: Connection) -> Rendered:
    day = latest_day(conn, now=pages.clock.now())
    if day is None:
        return pages.error_page(404, "Nothing yet", "No story has been published yet.")
    return Rendered(b"", "text/plain", status=302, headers=(("Location", pages.links.path(pages.links.archive(day))),))


def archive_page(pages: Pages, conn: Connection, day_text: str) -> Rendered:
    day = params.day(day_text)
    if day is None:
        return pages.error_page(404, "No such day", "{day} is not a date (YYYY-MM-DD).", day=repr(day_text))
    now = pages.clock.now()
    stories = on_day(conn, day, now=now)
    before, after = days_around(conn, day, now=now)
    return pages.html(
        "archive.html",
        day=day,
        stories=stories,
        before=before,
        after=after,
        has_newsletter=load_newsletter(conn, day) is not None,
        languages=story_languages(conn, [s.slug for s in stories]),
        **_common(conn),
    )


def newsletters_page(pages: Pages, conn: Connection) -> Rendered:
    return pages.html("newsletters.html", issues=newsletter_days(conn), **_common(conn))


def newsletter_page(pages: Pages, conn: Connection, day_text: str) -> Rendered:
    day = params.day(day_text)
    issue = load_newsletter(conn, day) if day is not None else None
    if issue is None:
        return pages.error_page(404, "No such newsletter", "No newsletter was archived for {day}.", day=repr(day_text))
    return Rendered(body=issue.html.encode("utf-8"), media_type="text/html; charset=utf-8", kind="newsletter")


def reader_router(pages: Pages) -> APIRouter:
    """The reader site's routes (kept out of the OpenAPI schema: they are pages, not API)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def front(request: Request, page: PageNumber = 1) -> Response:
        return await pages.serve(request, lambda conn: front_page(pages, conn, page))

    @router.get("/topics/{topic_id}/")
    async def topic(request: Request, topic_id: str, page: PageNumber = 1) -> Response:
        return await pages.serve(request, lambda conn: topic_page(pages, conn, topic_id, page))

    @router.get("/stories/{ident}/")
    async def story(request: Request, ident: str) -> Response:
        return await pages.serve(request, lambda conn: story_page(pages, conn, ident))

    @router.get("/news/{slug}/")
    async def exported_story(request: Request, slug: str) -> Response:
        if params.name(slug) is None:
            return await pages.serve(request, lambda conn: story_page(pages, conn, slug))  # the same 404
        return await pages.serve(request, lambda conn: _redirect(pages, pages.links.story(slug)))

    @router.get("/search")
    async def search(
        request: Request, q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "", page: PageNumber = 1
    ) -> Response:
        return await pages.serve(request, lambda conn: search_page(pages, conn, q, page))

    @router.get("/archive/")
    async def archive(request: Request) -> Response:
        return await pages.serve(request, lambda conn: archive_latest(pages, conn))

    @router.get("/archive/{day}/")
    async def archive_day(request: Request, day: str) -> Response:
        return await pages.serve(request, lambda conn: archive_page(pages, conn, day))

    @router.get("/newsletters/")
    async def newsletters(request: Request) -> Response:
        return await pages.serve(request, lambda conn: newsletters_page(pages, conn))

    @router.get("/newsletters/{day}/")
    async def newsletter(request: Request, day: str) -> Response:
        return await pages.serve(request, lambda conn: newsletter_page(pages, conn, day))

    return router
