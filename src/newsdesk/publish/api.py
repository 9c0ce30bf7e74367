"""The JSON API pages, in the shape of the "Every Day" sites' ``api/news/index.json``.

Published stories only, newest first, ``page_size`` to a page: page 1 at
``api/news/index.json``, page N at ``api/news/pageN/index.json``; each page
says its ``page`` and the ``nextPage`` (``null`` on the last).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from newsdesk.publish.recordtree import record_path
from newsdesk.record import Article, Image, Story
from newsdesk.record.file import scalar_text
from newsdesk.settings import SiteSettings

API_DIR = "api/news"


def api_page_path(page: int) -> str:
    return f"{API_DIR}/index.json" if page == 1 else f"{API_DIR}/page{page}/index.json"


def api_pages(
    stories: Sequence[Story], site: SiteSettings, languages: Mapping[str, str] | None = None
) -> dict[str, bytes]:
    """Path → bytes of every API page (at least page 1, empty when nothing is published); ``languages``: each
    story's own language by slug, where known (its ``locale``)."""
    own = languages or {}
    published = sorted((s for s in stories if s.published), key=lambda s: (s.primary.published, s.slug), reverse=True)
    size = max(1, site.page_size)
    chunks = [published[i : i + size] for i in range(0, len(published), size)] or [[]]
    pages: dict[str, bytes] = {}
    for number, chunk in enumerate(chunks, start=1):
        page = {
            "page": number,
            "value": [story_entry(s, site, own.get(s.slug)) for s in chunk],
            "nextPage": number + 1 if number < len(chunks) else None,
        }
        pages[api_page_path(number)] = (json.dumps(page, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return pages


def _images(images: tuple[Image, ...] | None) -> list[dict[str, object]] | None:
    if images is None:
        return None
    return [
        {"url": i.url, "width": i.width, "height": i.height, "title": i.title, "attribution": None,
         "isCached": bool(i.is_cached)}
        for i in images
    ]  # fmt: skip


def _article_entry(article: Article) -> dict[str, object]:
    provider = article.provider
    return {
        "title": article.title,
        "excerpt": article.excerpt,
        "sourceUrl": None,
        "webUrl": article.web_url,
        "originalUrl": article.original_url,
        "featuredContent": article.featured_content,
        "highlight": None,
        "quality": article.quality,
        "images": _images(article.images),
        "type": article.type,
        "ampWebUrl": article.amp_web_url,
        "cdnAmpWebUrl": article.cdn_amp_web_url,
        "publishedDateTime": scalar_text(article.published),
        "updatedDateTime": None,
        "provider": None
        if provider is None
        else {
            "name": provider.name,
            "domain": provider.domain,
            "images": _images(provider.images),
            "publishers": None,
            "authors": None,
        },
    }


def story_entry(story: Story, site: SiteSettings, language: str | None = None) -> dict[str, object]:
    """One story as an API entry: the real API's fields, then newsdesk's ``related``; ``locale`` is the story's
    ``language`` (its primary article's) where known, else the site's."""
    article = _article_entry(story.primary)
    return {
        "path": record_path(story),
        "title": article["title"],
        "excerpt": article["excerpt"],
        "sourceUrl": None,
        "webUrl": article["webUrl"],
        "originalUrl": article["originalUrl"],
        "featuredContent": article["featuredContent"],
        "highlight": None,
        "heat": story.heat,
        "tags": None,
        "images": article["images"],
        "content": "",
        "type": article["type"],
        "ampWebUrl": article["ampWebUrl"],
        "cdnAmpWebUrl": article["cdnAmpWebUrl"],
        "publishedDateTime": article["publishedDateTime"],
        "updatedDateTime": None,
        "provider": article["provider"],
        "locale": language or site.locale,
        "categories": [story.category],
        "topics": list(story.topics or ()),
        "quality": story.primary.quality,
        "related": [_article_entry(a) for a in story.related or ()],
    }
