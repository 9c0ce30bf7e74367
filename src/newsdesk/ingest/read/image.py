"""The page's lead image as declared (``og:image``, ``twitter:image``, JSON-LD ``image``), sizes as declared."""

from __future__ import annotations

import math

from lxml.html import HtmlElement

from newsdesk.ingest.read.jsonld import JsonObject
from newsdesk.ingest.read.metadata import PageMeta
from newsdesk.ingest.read.urls import absolute_url
from newsdesk.ingest.read.values import PageImage
from newsdesk.ingest.sources import bounded_count, parse_decimal
from newsdesk.record import PageHints

_MAX_SIDE = 100_000


def read_image(root: HtmlElement, meta: PageMeta, base: str, hints: PageHints) -> PageImage | None:
    """The first declared image that resolves to an http(s) URL; width and height only as the page states them.

    ``og:image:width``/``height`` belong to the ``og:image`` they follow; the
    hint's image is used when the page declares none.
    """
    for url, width, height in _declared(root, meta):
        resolved = absolute_url(url, base)
        if resolved:
            return PageImage(resolved, _size(width), _size(height))
    resolved = absolute_url(hints.image_url, base)
    if resolved:
        return PageImage(resolved, _size(hints.image_width), _size(hints.image_height))
    return None


def _declared(root: HtmlElement, meta: PageMeta) -> list[tuple[str, object, object]]:
    found: list[tuple[str, object, object]] = []
    found.extend(_open_graph(root))
    for name in ("twitter:image", "twitter:image:src"):
        found.extend((value, None, None) for value in meta.meta.get(name, ()))
    if meta.article is not None:
        found.extend(_jsonld_images(meta.article.get("image") or meta.article.get("thumbnailUrl")))
    found.extend((href, None, None) for href in meta.links.get("image_src", ()))
    return found


def _open_graph(root: HtmlElement) -> list[tuple[str, object, object]]:
    """``og:image`` tags with the width and height that follow each, in page order."""
    found: list[list[object]] = []
    for element in root.iter("meta"):
        prop = (element.get("property") or element.get("name") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if not content:
            continue
        if prop == "og:image" or (prop in ("og:image:url", "og:image:secure_url") and not found):
            found.append([content, None, None])
        elif prop == "og:image:width" and found:
            found[-1][1] = content
        elif prop == "og:image:height" and found:
            found[-1][2] = content
    return [(str(url), width, height) for url, width, height in found]


def _jsonld_images(value: object) -> list[tuple[str, object, object]]:
    entries = value if isinstance(value, list) else [value]
    found: list[tuple[str, object, object]] = []
    for entry in entries:
        if isinstance(entry, str):
            found.append((entry, None, None))
        elif isinstance(entry, dict):
            image: JsonObject = entry
            url = image.get("url") or image.get("contentUrl")
            if isinstance(url, str):
                found.append((url, _number(image.get("width")), _number(image.get("height"))))
    return found


def _number(value: object) -> object:
    if isinstance(value, dict):
        return value.get("value")
    return value


def _size(value: object) -> int | None:
    if isinstance(value, str):
        size = parse_decimal(value.strip().lower().removesuffix("px"), maximum=_MAX_SIDE)
        number = None if size is None else int(size)
    elif isinstance(value, float):
        number = int(value) if math.isfinite(value) and 0 < value <= _MAX_SIDE else None
    else:
        number = bounded_count(value, maximum=_MAX_SIDE)
    return number if number else None
