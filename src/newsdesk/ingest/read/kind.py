"""The article's type: ``article``, ``video`` or ``podcast``."""

from __future__ import annotations

from newsdesk.ingest.read.jsonld import ARTICLE_TYPES, PODCAST_TYPES, VIDEO_TYPES, types_of
from newsdesk.ingest.read.metadata import PageMeta

TYPES = ("article", "video", "podcast")


def read_type(meta: PageMeta, hint: str | None) -> str:
    """``video`` for ``og:type`` ``video.*`` or a page about a JSON-LD ``VideoObject``; ``podcast`` for
    ``og:type`` ``music.*``/``podcast*`` or a ``PodcastEpisode``/``AudioObject``; else the hint's
    ``video``/``podcast`` (an enclosure's ``video/*``/``audio/*`` MIME type counts); else ``article``.

    A video or episode embedded in an article (the page's JSON-LD also has an
    article) leaves it an article.
    """
    og_type = (meta.first("og:type") or "").lower()
    if og_type.startswith("video"):
        return "video"
    if og_type.startswith(("music.", "podcast")):
        return "podcast"
    kinds = types_of(meta.article) if meta.article is not None else frozenset()
    if not kinds & ARTICLE_TYPES:
        if kinds & VIDEO_TYPES:
            return "video"
        if kinds & PODCAST_TYPES:
            return "podcast"
    hinted = (hint or "").strip().lower()
    if hinted.startswith("audio/"):
        return "podcast"
    if hinted.startswith("video/"):
        return "video"
    return hinted if hinted in TYPES else "article"
