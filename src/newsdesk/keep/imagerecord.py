"""``isCached`` in a record newsdesk formed: true only where the desk holds a readable copy.

Pure: a story and what the cache holds in, the story as exported out. The
image's ``url`` stays the publisher's; a width or height the record lacks
is filled in from the measured image. Records imported from elsewhere are
not passed through here: they are exported exactly as they were read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from newsdesk.record import Article, Image, Provider, Story


@dataclasses.dataclass(frozen=True, slots=True)
class HeldImage:
    """A cached image as the export sees it: readable or not, and its measured size."""

    readable: bool
    width: int | None
    height: int | None


def mark_cached(story: Story, held: Mapping[str, HeldImage]) -> Story:
    """``story`` with each image's ``isCached`` set from ``held`` (by URL), sizes filled where missing."""
    primary = _article(story.primary, held)
    related = tuple(_article(a, held) for a in story.related) if story.related is not None else None
    return dataclasses.replace(story, primary=primary, related=related)


def _article(article: Article, held: Mapping[str, HeldImage]) -> Article:
    images = tuple(_image(i, held) for i in article.images) if article.images is not None else None
    provider = article.provider
    if provider is not None and provider.images is not None:
        provider = Provider(
            name=provider.name,
            domain=provider.domain,
            images=tuple(_image(i, held) for i in provider.images),
            extras=provider.extras,
        )
    return dataclasses.replace(article, images=images, provider=provider)


def _image(image: Image, held: Mapping[str, HeldImage]) -> Image:
    found = held.get(image.url)
    if found is None or not found.readable:
        return dataclasses.replace(image, is_cached=False)
    if image.width is None and image.height is None:
        return dataclasses.replace(image, is_cached=True, width=found.width, height=found.height)
    return dataclasses.replace(image, is_cached=True)
