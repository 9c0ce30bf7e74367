"""The article's authors: people's names from JSON-LD, meta tags or byline markup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.ingest.read.jsonld import resolve
from newsdesk.ingest.read.metadata import PageMeta
from newsdesk.ingest.read.text import key, plain

AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "cxenseparse:author",
    "twitter:data1",
)
#: Elements that may hold a byline: a cheap first pass (substrings of the class), narrowed by :func:`_byline`
#: (class words). One XPath with ``normalize-space`` per element took twice as long on a page.
_BYLINE_CANDIDATES = etree.XPath(
    ".//*[@rel='author' or @itemprop='author' or contains(@class, 'byline') or contains(@class, 'author')]"
)
_PREFIX = re.compile(
    r"^(?:(?:written|posted|reported|published|text|story)\s+)?(?:by|von|par|por|di|door|av)\s*:?\s+", re.IGNORECASE
)
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|&|\||•|\s[-–—]\s)\s*", re.IGNORECASE)
#: A date or time after the name in a byline: ``Steven Musil January 18``, ``Dan Goodin 8h``.
_DATE_TAIL = re.compile(
    r"(?:^|\s+)(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d+\s*[hm]\b|\d).*$",
    re.IGNORECASE,
)
_NOT_NAME = re.compile(r"https?:|www\.|@|\.com\b|\d|[<>{}\[\]]")
_LINK_NOTE = re.compile(r"\s*\((?:https?:|www\.)[^)]*\)")
_MAX_ELEMENTS = 10
_MAX_BYLINE = 100
_MAX_AUTHORS = 10


def read_authors(root: HtmlElement, meta: PageMeta, hint: Iterable[str] = ()) -> tuple[str, ...]:
    """Distinct author names, from the first source that names someone: the JSON-LD article's
    ``author``; else one meta tag (``author``, ``article:author``, ...); else the first byline
    element (``rel=author``, ``itemprop=author``, a ``byline``/``author`` class); else ``hint``.
    """
    groups: Iterator[Iterable[str]] = chain(
        [list(_from_jsonld(meta))], _from_meta(meta), _from_markup(root), [list(hint)]
    )
    for group in groups:
        names = _names(group)
        if names:
            return names
    return ()


def _from_jsonld(meta: PageMeta) -> Iterator[str]:
    if meta.article is None:
        return
    value = resolve(meta.jsonld, meta.article.get("author") or meta.article.get("creator"))
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            kinds = entry.get("@type")
            if isinstance(kinds, str) and kinds.lower() == "organization":
                continue
            name = entry.get("name")
            if isinstance(name, str):
                yield name
            elif isinstance(name, list):
                yield from (item for item in name if isinstance(item, str))


def _from_meta(meta: PageMeta) -> Iterator[tuple[str, ...]]:
    for name in AUTHOR_META:
        if name == "twitter:data1" and meta.first("twitter:label1", "twitter:label") not in ("Written by", "Author"):
            continue
        yield meta.meta.get(name, ())


def _from_markup(root: HtmlElement) -> Iterator[tuple[str, ...]]:
    candidates = _BYLINE_CANDIDATES(root)
    if not isinstance(candidates, list):  # a node-set query gives a list
        return
    bylines = [element for element in candidates if isinstance(element, HtmlElement) and _byline(element)]
    for element in bylines[:_MAX_ELEMENTS]:
        if element.tag not in ("meta", "link", "body", "html", "article"):
            text = plain(element.text_content())
            if 0 < len(text) <= _MAX_BYLINE:
                yield (text,)


def _byline(element: HtmlElement) -> bool:
    """``rel=author``, ``itemprop=author``, a ``byline`` or ``author`` class word, or a class with
    ``byline__name`` or ``author-name`` in it."""
    if element.get("rel") == "author" or element.get("itemprop") == "author":
        return True
    classes = element.get("class") or ""
    words = classes.split()
    return "byline" in words or "author" in words or "byline__name" in classes or "author-name" in classes


def _names(raw: Iterable[str]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for value in raw:
        for part in _SPLIT.split(_PREFIX.sub("", plain(value))):
            name = _DATE_TAIL.sub("", _LINK_NOTE.sub("", _PREFIX.sub("", part))).strip(" .-–—:·•|")
            if _is_name(name) and key(name) not in found:
                found[key(name)] = name
        if len(found) >= _MAX_AUTHORS:
            break
    return tuple(found.values())[:_MAX_AUTHORS]


def _is_name(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 6 and 2 <= len(text) <= 80 and not _NOT_NAME.search(text) and any(c.isalpha() for c in text)
    )
