"""The cache's state in an export: which images of the stories newsdesk formed are really held."""

from __future__ import annotations

from sqlalchemy import Connection

from newsdesk.keep.imagecache import ImageCache
from newsdesk.keep.imagerecord import HeldImage, mark_cached
from newsdesk.record import Story
from newsdesk.store.cachedimages import CACHED, formed_story_slugs, image_states


def with_cache_state(conn: Connection, stories: list[Story], cache: ImageCache) -> list[Story]:
    """The formed stories with ``isCached`` true exactly where the copy exists and is readable;
    imported stories unchanged (their records are written back as they were read)."""
    formed = formed_story_slugs(conn)
    urls = {
        image.url
        for story in stories
        if story.slug in formed
        for article in story.articles
        for image in (*(article.images or ()), *((article.provider.images or ()) if article.provider else ()))
    }
    held = {
        url: HeldImage(
            readable=row.outcome.status == CACHED
            and row.outcome.sha256 is not None
            and cache.readable(row.outcome.sha256, row.outcome.bytes or 0),
            width=row.outcome.width,
            height=row.outcome.height,
        )
        for url, row in image_states(conn, urls).items()
    }
    return [mark_cached(story, held) if story.slug in formed else story for story in stories]
