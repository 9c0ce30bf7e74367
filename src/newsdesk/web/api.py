"""The JSON API under ``/api/``: news pages in the real ``api/news/index.json`` shape, per topic, per story.

``/api/news/`` and ``/api/news/<topic>/`` (``?page=``) hold published stories
newest first, ``site.page_size`` to a page; ``/api/stories/<slug or id>`` one
story with its page's address; ``/api/topics/`` the taxonomy. Entries come
from ``publish/api.py``, the same writer the static export uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urljoin, urlsplit

import orjson
from fastapi import APIRouter, Query
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from newsdesk.publish.api import story_entry
from newsdesk.publish.safehtml import embed_html, safe_url
from newsdesk.publish.topictree import covered_names, find_topic
from newsdesk.record import Story
from newsdesk.store.published import newest, published_story, slug_of, story_language, story_languages
from newsdesk.store.topics import load_topics
from newsdesk.web import params
from newsdesk.web.apimodels import ErrorModel, NewsPageModel, StoryDetailModel, TopicModel
from newsdesk.web.pages import Pages, Rendered
from newsdesk.web.reader import PageNumber

#: ``?language=``: a language code; checked in :func:`news` (a clear 400 names a bad one).
Language = Annotated[
    str | None,
    Query(pattern="^[A-Za-z]{2,3}$", description="Only stories in this language: an ISO 639 code (en, pt, ...)."),
]

JSON = "application/json"
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorModel, "description": "No such topic or story"}}


_URL_KEYS = frozenset({"url", "webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl", "sourceUrl"})


def safe_entry(value: Any, base: str | None = None) -> Any:
    """An entry as the API serves it: links that are not http(s) become null, featured HTML is sanitised.

    A client that puts ``webUrl`` in an ``href`` or ``featuredContent`` in a page runs no stranger's script;
    titles and excerpts stay text, for the client to escape as it prints them. A relative link (a record's
    ``/logo.png``) is resolved against what it belongs to: a provider's against its domain, an article's against
    its own address; one that cannot be resolved to http(s) is null, as the schema says it may be.
    """
    if isinstance(value, list):
        return [safe_entry(v, base) for v in value]
    if not isinstance(value, dict):
        return value
    domain = value.get("domain")
    if isinstance(domain, str) and domain.strip():
        base = f"https://{domain.strip().strip('/')}/"
    else:
        own = value.get("webUrl") or value.get("originalUrl")
        if isinstance(own, str) and safe_url(own):
            base = own
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        if key in _URL_KEYS and isinstance(item, str):
            cleaned[key] = safe_url(_resolved(item, base))
        elif key == "featuredContent" and isinstance(item, str):
            cleaned[key] = embed_html(item) or None
        else:
            cleaned[key] = safe_entry(item, base)
    return cleaned


def _resolved(url: str, base: str | None) -> str:
    """``url``, resolved against ``base`` when it is relative (no scheme): ``/logo.png``, ``//cdn.x/a.png``."""
    stripped = url.strip()
    if base is None or not stripped or urlsplit(stripped).scheme:
        return url
    try:
        return urljoin(base, stripped)
    except ValueError:
        return url


def _json(value: object, status: int = 200) -> Rendered:
    return Rendered(body=orjson.dumps(value), media_type=JSON, status=status, kind="api")


def _not_found(detail: str) -> Rendered:
    return _json({"detail": detail}, status=404)


def _news_page(pages: Pages, conn: Connection, stories: Sequence[Story], page: int, has_next: bool) -> Rendered:
    site = pages.settings.site
    languages = story_languages(conn, [s.slug for s in stories])
    return _json(
        {
            "page": page,
            "value": [safe_entry(story_entry(s, site, languages.get(s.slug))) for s in stories],
            "nextPage": page + 1 if has_next else None,
        }
    )


def news(
    pages: Pages, conn: Connection, page: int, topic_id: str | None = None, language: str | None = None
) -> Rendered:
    names = None
    code = None
    if language is not None:
        code = params.language(language)
        if code is None:
            return _json({"detail": f"language: {language!r} is not a language code (e.g. en, pt)"}, status=400)
    if topic_id is not None:
        topics = load_topics(conn)
        topic = find_topic(topics, topic_id) if params.name(topic_id) else None
        if topic is None:
            return _not_found(f"no topic {topic_id!r}")
        names = covered_names(topic, topics)
    now = pages.clock.now()
    found = newest(conn, now=now, page=page, size=pages.settings.site.page_size, topic_names=names, language=code)
    if page > 1 and not found.stories:
        return _not_found(f"no page {page}")
    return _news_page(pages, conn, found.stories, page, found.has_next)


def story(pages: Pages, conn: Connection, ident: str) -> Rendered:
    slug, number = params.name(ident), params.row_id(ident)
    now = pages.clock.now()
    found = published_story(conn, slug, now=now) if slug is not None else None
    if found is None and number is not None:
        slug = slug_of(conn, number, now=now)
        found = published_story(conn, slug, now=now) if slug else None
    if found is None:
        return _not_found(f"no published story {ident!r}")
    entry = safe_entry(story_entry(found, pages.settings.site, story_language(conn, found.slug)))
    entry.update(slug=found.slug, url=pages.links.url(pages.links.story(found.slug)))
    return _json(entry)


def topics(pages: Pages, conn: Connection) -> Rendered:
    links = pages.links
    return _json(
        [
            {"id": t.id, "name": t.name, "parent": t.parent, "shortname": t.shortname,
             "url": links.url(links.topic(t.id)), "api": links.url(f"/api/news/{t.id}/")}
            for t in load_topics(conn)
        ]
    )  # fmt: skip


def api_router(pages: Pages) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["news"])

    @router.get(
        "/news/", response_class=Response, responses={200: {"model": NewsPageModel, "description": "A page of news"}}
    )
    async def news_pages(request: Request, page: PageNumber = 1, language: Language = None) -> Response:
        """Published stories, newest first: ``value`` holds one page, ``nextPage`` the next one's number."""
        return await pages.serve(request, lambda conn: news(pages, conn, page, language=language))

    @router.get(
        "/news/{topic}/",
        response_class=Response,
        responses={200: {"model": NewsPageModel, "description": "A page of the topic's news"}, **NOT_FOUND},
    )
    async def topic_news(request: Request, topic: str, page: PageNumber = 1, language: Language = None) -> Response:
        """A topic's published stories (its subtopics' too), newest first."""
        return await pages.serve(request, lambda conn: news(pages, conn, page, topic, language))

    @router.get(
        "/stories/{ident}",
        response_class=Response,
        responses={200: {"model": StoryDetailModel, "description": "The story"}, **NOT_FOUND},
    )
    async def one_story(request: Request, ident: str) -> Response:
        """One published story by its slug (or its row id), with every outlet's coverage."""
        return await pages.serve(request, lambda conn: story(pages, conn, ident))

    @router.get(
        "/topics/", response_class=Response, responses={200: {"model": list[TopicModel], "description": "Topics"}}
    )
    async def all_topics(request: Request) -> Response:
        """The desk's taxonomy, with each topic's page and news API."""
        return await pages.serve(request, lambda conn: topics(pages, conn))

    return router
