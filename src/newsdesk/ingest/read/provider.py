"""The outlet's name: as the page declares it, else a known outlet's, else the feed's."""

from __future__ import annotations

from newsdesk.ingest.read.jsonld import resolve, text_value, types_of
from newsdesk.ingest.read.metadata import PageMeta
from newsdesk.ingest.read.outlets import known_outlet
from newsdesk.ingest.read.text import plain

_MAX_LENGTH = 100


def read_provider_name(meta: PageMeta, host: str, hint: str | None) -> str | None:
    """The JSON-LD publisher's or web site's name, else ``og:site_name``, else ``application-name``,
    else the known-outlet table for ``host``, else the hint (the feed's site name or title).

    The table comes before the hint because feed titles are often decorated
    ("Engadget RSS Feed").
    """
    for candidate in (
        _jsonld_name(meta),
        meta.first("og:site_name"),
        meta.first("application-name", "apple-mobile-web-app-title", "al:android:app_name", "al:ios:app_name"),
        known_outlet(host),
        hint,
    ):
        name = plain(candidate)
        if 0 < len(name) <= _MAX_LENGTH:
            return name
    return None


def _jsonld_name(meta: PageMeta) -> str | None:
    if meta.article is not None:
        name = text_value(resolve(meta.jsonld, meta.article.get("publisher")))
        if name:
            return name
    for item in meta.jsonld:
        if types_of(item) & {"website", "newsmediaorganization"}:
            name = text_value(item.get("name"))
            if name:
                return name
    return None
