"""Sitemaps (urlset, sitemapindex, plain text; Google News and image extensions; gzipped) → Sitemap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from lxml import etree

from .dates import parse_date
from .errors import SitemapError
from .gzipped import gunzip, is_gzip
from .links import absolute
from .names import local_name
from .numbers import parse_decimal
from .sniff import sniff
from .xmlsafe import parse_xml

MAX_URLS: Final = 50_000
"""URLs read from one sitemap (the protocol's own limit)."""


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    """One ``<url>``: its address, lastmod, and the Google News and image extensions' fields."""

    loc: str
    lastmod: datetime | None = None
    changefreq: str | None = None
    priority: float | None = None
    news_title: str | None = None
    news_published: datetime | None = None
    news_publication: str | None = None
    news_language: str | None = None
    images: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A sitemap's pages (``urlset``) or child sitemaps (``sitemapindex``); ``recovered`` as for feeds."""

    urls: tuple[SitemapUrl, ...] = ()
    sitemaps: tuple[str, ...] = ()
    recovered: str | None = None


def _text(element: etree._Element) -> str | None:
    text = element.text
    return (text.strip() or None) if text else None


def _priority(text: str | None) -> float | None:
    return parse_decimal(text, maximum=1.0)


def _url(element: etree._Element, base: str) -> SitemapUrl | None:
    loc = lastmod = changefreq = priority = None
    title = published = publication = language = None
    images: list[str] = []
    for child in element:
        name = local_name(child.tag)
        if name == "loc":
            loc = _text(child)
        elif name == "lastmod":
            lastmod = _text(child)
        elif name == "changefreq":
            changefreq = _text(child)
        elif name == "priority":
            priority = _text(child)
        elif name == "news":
            for part in child:
                part_name = local_name(part.tag)
                if part_name == "title":
                    title = _text(part)
                elif part_name == "publication_date":
                    published = _text(part)
                elif part_name == "publication":
                    for field in part:
                        if local_name(field.tag) == "name":
                            publication = _text(field)
                        elif local_name(field.tag) == "language":
                            language = _text(field)
        elif name == "image":
            for part in child:
                if local_name(part.tag) == "loc":
                    image = absolute(_text(part), base)
                    if image and image not in images:
                        images.append(image)
    href = absolute(loc, base)
    if href is None:
        return None
    return SitemapUrl(
        loc=href,
        lastmod=parse_date(lastmod),
        changefreq=changefreq,
        priority=_priority(priority),
        news_title=title,
        news_published=parse_date(published),
        news_publication=publication,
        news_language=language,
        images=tuple(images),
    )


def _plain_text(data: bytes, url: str) -> Sitemap:
    """A text sitemap: one absolute URL a line."""
    lines = data.decode("utf-8", "replace").splitlines()
    urls = [line.strip() for line in lines if line.strip().startswith(("http://", "https://"))]
    if not urls:
        raise SitemapError(url, "not a sitemap: text without URLs")
    note = f"{len(urls)} URLs; kept the first {MAX_URLS}" if len(urls) > MAX_URLS else None
    return Sitemap(urls=tuple(SitemapUrl(loc) for loc in dict.fromkeys(urls[:MAX_URLS])), recovered=note)


def parse_sitemap(data: bytes, url: str) -> Sitemap:
    """Parse sitemap bytes fetched from ``url`` (gzip is decompressed, at most 50 MB); at most MAX_URLS URLs."""
    if is_gzip(data):
        data = gunzip(data, url, SitemapError)
    kind = sniff(data)
    if kind == "text":
        return _plain_text(data, url)
    if kind != "xml":
        raise SitemapError(url, f"not a sitemap: {'HTML page' if kind == 'html' else kind}")
    document = parse_xml(data, url, None, SitemapError)
    root = document.root
    name = local_name(root.tag)
    notes = list(document.notes)
    if name == "sitemapindex":
        locs: dict[str, None] = {}
        for child in root:
            if local_name(child.tag) == "sitemap":
                for part in child:
                    if local_name(part.tag) == "loc":
                        loc = absolute(_text(part), url)
                        if loc:
                            locs[loc] = None
        return Sitemap(sitemaps=tuple(locs)[:MAX_URLS], recovered="; ".join(notes) or None)
    if name != "urlset":
        raise SitemapError(url, f"not a sitemap: root element <{name}>")
    found: dict[str, SitemapUrl] = {}
    total = 0
    for child in root:
        if local_name(child.tag) != "url":
            continue
        total += 1
        if total > MAX_URLS:
            continue
        entry = _url(child, url)
        if entry is not None and entry.loc not in found:
            found[entry.loc] = entry
    if total > MAX_URLS:
        notes.append(f"{total} URLs; kept the first {MAX_URLS}")
    return Sitemap(urls=tuple(found.values()), recovered="; ".join(notes) or None)
