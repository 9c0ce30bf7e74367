"""Atom 1.0 and 0.3 trees → ParsedFeed, one pass over each entry's children, honouring xml:base."""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable
from typing import Final

from lxml import etree

from .dates import parse_date
from .links import absolute, rebase
from .markup import inner_xml, language_tag, person_name
from .media import Media
from .model import MAX_ENTRIES, FeedEntry, ParsedFeed
from .names import (
    ATOM03,
    ATOM10,
    CONTENT,
    DC,
    DCTERMS,
    ITUNES,
    MEDIA,
    XHTML,
    XML_BASE,
    XML_LANG,
    local_name,
    namespace,
    qualified,
)

_ATOM = ("", ATOM10, ATOM03)
(
    ID, TITLE, LINK, PUBLISHED, UPDATED, SUMMARY, CONTENT_, AUTHOR, CATEGORY, MEDIA_CONTENT, MEDIA_THUMBNAIL,
    MEDIA_GROUP, ITUNES_IMAGE, ENTRY, LANGUAGE,
) = range(15)  # fmt: skip


def _table(entries: Iterable[tuple[tuple[str, ...], int]]) -> dict[str, int]:
    return {tag: code for tags, code in entries for tag in tags}


def _tables(spaces: tuple[str, ...]) -> tuple[dict[str, int], dict[str, int]]:
    """Entry and feed tag dispatch tables for Atom elements in the given namespaces."""
    entry = _table(
        [
            (qualified(spaces, "id"), ID),
            (qualified(spaces, "title"), TITLE),
            (qualified(spaces, "link"), LINK),
            (qualified(spaces, "published", "issued", "created") + qualified(DC, "date"), PUBLISHED),
            (qualified(spaces, "updated", "modified") + qualified(DCTERMS, "modified"), UPDATED),
            (qualified(spaces, "summary"), SUMMARY),
            (qualified(spaces, "content") + qualified(CONTENT, "encoded"), CONTENT_),
            (qualified(spaces, "author") + qualified(DC, "creator"), AUTHOR),
            (qualified(spaces, "category") + qualified(DC, "subject"), CATEGORY),
            (qualified(MEDIA, "content"), MEDIA_CONTENT),
            (qualified(MEDIA, "thumbnail"), MEDIA_THUMBNAIL),
            (qualified(MEDIA, "group"), MEDIA_GROUP),
            (qualified(ITUNES, "image"), ITUNES_IMAGE),
            (qualified(DC, "language"), LANGUAGE),
        ]
    )
    feed = _table(
        [
            (qualified(spaces, "title"), TITLE),
            (qualified(spaces, "link"), LINK),
            (qualified(spaces, "entry"), ENTRY),
            (qualified(DC, "language"), LANGUAGE),
        ]
    )
    return entry, feed


_ENTRY_TAGS, _FEED_TAGS = _tables(_ATOM)


@functools.lru_cache(maxsize=8)
def _other_tables(space: str) -> tuple[dict[str, int], dict[str, int]]:
    """Tables for a feed whose root is ``feed`` in a namespace that is not Atom's (read as Atom, as feedparser does)."""
    return _tables((space,))


_HTML_LINK_TYPES: Final = frozenset({"text/html", "application/xhtml+xml", ""})
_XHTML_DIV = f"{{{XHTML}}}div"


def _is_base64(kind: str | None, mode: str | None) -> bool:
    """Atom 0.3 says so with mode="base64"; Atom 1.0 with a media type that is neither text nor XML."""
    if mode is not None:
        return mode == "base64"
    if kind is None or kind in ("text", "html", "xhtml") or "/" not in kind:
        return False
    return not (kind.startswith("text/") or kind.endswith(("+xml", "/xml")))


def _decode_base64(text: str) -> str | None:
    try:
        return base64.b64decode(text).decode("utf-8", "replace").strip() or None
    except (binascii.Error, ValueError):
        return text.strip() or None


def text_construct(element: etree._Element) -> str | None:
    """An Atom text construct's value: text or HTML as given, XHTML as markup (Atom 1.0's wrapping div dropped)."""
    kind = element.get("type")
    if kind == "xhtml":
        if len(element) == 1 and element[0].tag == _XHTML_DIV and not (element.text or "").strip():
            return inner_xml(element[0]).strip() or None
        return inner_xml(element).strip() or None
    if len(element):
        return inner_xml(element).strip() or None
    text = element.text
    if not text:
        return None
    if _is_base64(kind, element.get("mode")):
        return _decode_base64(text)
    return text.strip() or None


def _person(element: etree._Element) -> str | None:
    name = email = None
    for child in element:
        local = local_name(child.tag)
        if local == "name":
            name = child.text
        elif local == "email":
            email = child.text
    if name is None and email is None and not len(element):
        return person_name(element.text)
    return person_name(name) or person_name(email)


def _link_choice(link: etree._Element, best: tuple[int, str] | None) -> tuple[int, str] | None:
    """Keep the better alternate link: an HTML one beats one of another type; the first wins ties."""
    href = link.get("href")
    if not href:
        return best
    rank = 0 if link.get("type", "").strip().lower() in _HTML_LINK_TYPES else 1
    if best is None or rank < best[0]:
        return rank, href
    return best


def _entry(entry: etree._Element, base: str | None, feed_language: str | None, tags: dict[str, int]) -> FeedEntry:
    """One ``<entry>``: walk its children once, dispatching on the qualified tag."""
    xml_base = entry.get(XML_BASE)
    if xml_base:
        base = rebase(base, xml_base)
    entry_id = title = summary = content = published = updated = None
    language = entry.get(XML_LANG)
    link: tuple[int, str] | None = None
    link_base = base
    authors: list[str] = []
    categories: list[str] = []
    media: Media | None = None
    for child in entry:
        code = tags.get(child.tag)
        if code is None:
            continue
        if code == LINK:
            rel = child.get("rel", "alternate")
            if rel == "alternate":
                chosen = _link_choice(child, link)
                if chosen is not link:
                    link = chosen
                    link_base = rebase(base, child.get(XML_BASE))
            elif rel == "enclosure":
                if media is None:
                    media = Media()
                media.enclosure(child.get("href"), child.get("type"), child.get("length"), base)
        elif code == TITLE:
            if title is None:
                title = text_construct(child)
        elif code == ID:
            if entry_id is None and child.text:
                entry_id = child.text.strip() or None
        elif code == PUBLISHED:
            if published is None:
                published = child.text
        elif code == UPDATED:
            if updated is None:
                updated = child.text
        elif code == SUMMARY:
            if summary is None:
                summary = text_construct(child)
        elif code == CONTENT_:
            if content is None:
                content = text_construct(child)
                language = language or child.get(XML_LANG)
        elif code == AUTHOR:
            name = _person(child)
            if name and name not in authors:
                authors.append(name)
        elif code == CATEGORY:
            term = child.get("term") or child.get("label") or child.text
            if term:
                term = term.strip()
                if term and term not in categories:
                    categories.append(term)
        elif code == LANGUAGE:
            if language is None:
                language = child.text
        else:
            if media is None:
                media = Media()
            if code == MEDIA_CONTENT:
                media.media_content(child, base)
            elif code == MEDIA_THUMBNAIL:
                media.media_thumbnail(child, base)
            elif code == MEDIA_GROUP:
                media.media_group(child, base)
            elif code == ITUNES_IMAGE:
                media.itunes_image(child, base)
    href = absolute(link[1], link_base) if link is not None else None
    if href is None and entry_id is not None and entry_id.startswith(("http://", "https://")):
        href = entry_id
    return FeedEntry(
        id=entry_id,
        title=title,
        link=href,
        published=parse_date(published),
        updated=parse_date(updated),
        summary=summary,
        content=content,
        authors=tuple(authors),
        categories=tuple(categories),
        image=media.image() if media is not None else None,
        enclosures=tuple(media.enclosures) if media is not None else (),
        language=language_tag(language) or feed_language,
    )


def parse_atom(root: etree._Element, url: str) -> tuple[ParsedFeed, int]:
    """A ``<feed>`` root as a feed, and how many entries it held (at most MAX_ENTRIES are read)."""
    base = rebase(url, root.get(XML_BASE))
    language = root.get(XML_LANG)
    title = None
    link: tuple[int, str] | None = None
    link_base = base
    entries: list[etree._Element] = []
    space = namespace(root.tag)
    entry_tags, tags = (_ENTRY_TAGS, _FEED_TAGS) if space in _ATOM else _other_tables(space)
    for child in root:
        code = tags.get(child.tag)
        if code is None:
            continue
        if code == ENTRY:
            entries.append(child)
        elif code == TITLE:
            title = title or text_construct(child)
        elif code == LINK and child.get("rel", "alternate") == "alternate":
            chosen = _link_choice(child, link)
            if chosen is not link:
                link = chosen
                link_base = rebase(base, child.get(XML_BASE))
        elif code == LANGUAGE:
            language = language or (child.text or "").strip() or None
    feed = ParsedFeed(
        kind="atom",
        title=title,
        site_url=absolute(link[1], link_base) if link is not None else None,
        language=language_tag(language),
        entries=tuple(_entry(entry, base, language_tag(language), entry_tags) for entry in entries[:MAX_ENTRIES]),
    )
    return feed, len(entries)
