"""What a page's markup declares about itself: meta tags, link relations, JSON-LD, ``<title>``.

Read once per page into ``PageMeta``; every field module looks values up here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml.html import HtmlElement

from newsdesk.ingest.read.jsonld import JsonObject, jsonld_objects, main_object


@dataclass(frozen=True, slots=True)
class PageMeta:
    """A page's declarations.

    ``meta`` maps each meta tag's ``property``, ``name``, ``itemprop`` or
    ``http-equiv`` (lower case) to its contents in page order; ``links`` maps
    each ``rel`` token to its ``href`` values; ``article`` is the JSON-LD
    object the page is about, if any.
    """

    meta: Mapping[str, tuple[str, ...]]
    links: Mapping[str, tuple[str, ...]]
    jsonld: tuple[JsonObject, ...]
    article: JsonObject | None
    title: str | None
    lang: str | None
    base: str | None

    def first(self, *keys: str) -> str | None:
        """The first non-blank meta content among ``keys``, tried in order."""
        for key in keys:
            for value in self.meta.get(key, ()):
                text = " ".join(value.split())
                if text:
                    return text
        return None

    def link(self, rel: str) -> str | None:
        """The first non-blank ``href`` of ``<link rel=...>``."""
        return next((href.strip() for href in self.links.get(rel, ()) if href.strip()), None)


def read_meta(root: HtmlElement) -> PageMeta:
    """Collect the declarations of a parsed page."""
    meta: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (element.get(attribute) or "").strip().lower()
            if key:
                meta.setdefault(key, []).append(content)
    links: dict[str, list[str]] = {}
    for element in root.iter("link"):
        href = element.get("href")
        if href is None:
            continue
        for rel in (element.get("rel") or "").lower().split():
            links.setdefault(rel, []).append(href)
    jsonld = jsonld_objects(root)
    title = next((element.text_content() for element in root.iter("title")), None)
    base = next((element.get("href") for element in root.iter("base") if element.get("href")), None)
    return PageMeta(
        meta={key: tuple(values) for key, values in meta.items()},
        links={key: tuple(values) for key, values in links.items()},
        jsonld=jsonld,
        article=main_object(jsonld),
        title=" ".join(title.split()) if title else None,
        lang=root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("xml:lang"),
        base=base,
    )
