"""RSS 0.9x/2.0 and RSS 1.0/0.90 (RDF) trees → ParsedFeed, one pass over each item's children."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from lxml import etree

from .dates import parse_date
from .links import absolute, rebase
from .markup import element_text, language_tag, person_name
from .media import Media
from .model import MAX_ENTRIES, FeedEntry, ParsedFeed
from .names import ATOM10, CONTENT, DC, DCTERMS, ITUNES, MEDIA, RSS_NAMESPACES, XHTML, XML_BASE, XML_LANG, qualified

(
    TITLE, LINK, GUID, DESCRIPTION, CONTENT_ENCODED, PUBDATE, DC_DATE, UPDATED, AUTHOR, CATEGORY, ENCLOSURE,
    MEDIA_CONTENT, MEDIA_THUMBNAIL, MEDIA_GROUP, ITUNES_IMAGE, ATOM_LINK, LANGUAGE, ITEM, CHANNEL, SUMMARY, DC_TITLE,
) = range(21)  # fmt: skip


def _table(entries: Iterable[tuple[tuple[str, ...], int]]) -> dict[str, int]:
    return {tag: code for tags, code in entries for tag in tags}


_ITEM_TAGS: Final = _table(
    [
        (qualified(RSS_NAMESPACES, "title"), TITLE),
        (qualified(DC, "title") + qualified(MEDIA, "title"), DC_TITLE),
        (qualified(RSS_NAMESPACES, "link"), LINK),
        (qualified(RSS_NAMESPACES, "guid"), GUID),
        (qualified(RSS_NAMESPACES, "description"), DESCRIPTION),
        (qualified(DC, "description"), SUMMARY),
        (qualified(ITUNES, "summary"), SUMMARY),
        (qualified(CONTENT, "encoded") + qualified(XHTML, "body", "div"), CONTENT_ENCODED),
        (qualified(RSS_NAMESPACES, "pubDate", "pubdate"), PUBDATE),
        (qualified(DC, "date") + qualified(DCTERMS, "issued", "created"), DC_DATE),
        (qualified(DCTERMS, "modified") + qualified(ATOM10, "updated"), UPDATED),
        (qualified(RSS_NAMESPACES, "author") + qualified(DC, "creator", "contributor", "author"), AUTHOR),
        (qualified(ITUNES, "author"), AUTHOR),
        (qualified(RSS_NAMESPACES, "category") + qualified(DC, "subject") + qualified(MEDIA, "category"), CATEGORY),
        (qualified(RSS_NAMESPACES, "enclosure"), ENCLOSURE),
        (qualified(MEDIA, "content"), MEDIA_CONTENT),
        (qualified(MEDIA, "thumbnail"), MEDIA_THUMBNAIL),
        (qualified(MEDIA, "group"), MEDIA_GROUP),
        (qualified(ITUNES, "image"), ITUNES_IMAGE),
        (qualified(ATOM10, "link"), ATOM_LINK),
        (qualified(DC, "language"), LANGUAGE),
    ]
)
_CHANNEL_TAGS: Final = _table(
    [
        (qualified(RSS_NAMESPACES, "title") + qualified(DC, "title"), TITLE),
        (qualified(RSS_NAMESPACES, "link"), LINK),
        (qualified(RSS_NAMESPACES, "language") + qualified(DC, "language"), LANGUAGE),
        (qualified(ATOM10, "link"), ATOM_LINK),
        (qualified(RSS_NAMESPACES, "item"), ITEM),
        (qualified(RSS_NAMESPACES, "channel"), CHANNEL),
    ]
)
_ITEM_TAGS_ANYWHERE: Final = qualified(RSS_NAMESPACES, "item")


def _item(item: etree._Element, base: str | None, feed_language: str | None) -> FeedEntry:
    """One ``<item>``: walk its children once, dispatching on the qualified tag."""
    tags = _ITEM_TAGS
    xml_base = item.get(XML_BASE)
    if xml_base:
        base = rebase(base, xml_base)
    title = link = guid = description = summary = content = published = dc_date = updated = None
    language = item.get(XML_LANG)
    alternate: str | None = None
    guid_is_link = True
    authors: list[str] = []
    categories: list[str] = []
    media: Media | None = None
    for child in item:
        code = tags.get(child.tag)
        if code is None:
            continue
        if code == TITLE:
            if title is None:
                title = element_text(child)
        elif code == LINK:
            if link is None:
                link = child.text or child.get("href")
        elif code == DESCRIPTION:
            if description is None:
                description = element_text(child)
        elif code == PUBDATE:
            if published is None:
                published = child.text
        elif code == GUID:
            if guid is None:
                guid = child.text
                guid_is_link = child.get("isPermaLink", "true").strip().lower() != "false"
        elif code == CATEGORY:
            text = child.text
            if text:
                text = text.strip()
                if text and text not in categories:
                    categories.append(text)
        elif code == AUTHOR:
            name = person_name(child.text)
            if name and name not in authors:
                authors.append(name)
        elif code == CONTENT_ENCODED:
            if content is None:
                content = element_text(child)
        elif code == DC_DATE:
            if dc_date is None:
                dc_date = child.text
        elif code == UPDATED:
            if updated is None:
                updated = child.text
        elif code == SUMMARY:
            if summary is None:
                summary = element_text(child)
        elif code == DC_TITLE:
            if title is None:
                title = element_text(child)
        elif code == LANGUAGE:
            if language is None:
                language = child.text
        elif code == ATOM_LINK:
            rel = child.get("rel", "alternate")
            if rel == "alternate" and alternate is None:
                alternate = child.get("href")
            elif rel == "enclosure":
                if media is None:
                    media = Media()
                media.enclosure(child.get("href"), child.get("type"), child.get("length"), base)
        else:
            if media is None:
                media = Media()
            if code == ENCLOSURE:
                media.enclosure(child.get("url"), child.get("type"), child.get("length"), base)
            elif code == MEDIA_CONTENT:
                media.media_content(child, base)
            elif code == MEDIA_THUMBNAIL:
                media.media_thumbnail(child, base)
            elif code == MEDIA_GROUP:
                media.media_group(child, base)
            elif code == ITUNES_IMAGE:
                media.itunes_image(child, base)
    if guid is not None:
        guid = guid.strip() or None
    if link is None or not link.strip():
        link = alternate
    if (link is None or not link.strip()) and guid_is_link and guid and guid.startswith(("http://", "https://")):
        link = guid
    if guid is None:
        about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        guid = about.strip() if about else None
    return FeedEntry(
        id=guid,
        title=title,
        link=absolute(link, base),
        published=parse_date(published) or parse_date(dc_date),
        updated=parse_date(updated or dc_date),
        summary=description if description is not None else summary,
        content=content,
        authors=tuple(authors),
        categories=tuple(categories),
        image=media.image() if media is not None else None,
        enclosures=tuple(media.enclosures) if media is not None else (),
        language=language_tag(language) or feed_language,
    )


def parse_rss(root: etree._Element, url: str, kind: str) -> tuple[ParsedFeed, int]:
    """An ``<rss>`` or ``<rdf:RDF>`` root as a feed, and how many items it held (at most MAX_ENTRIES are read)."""
    base = rebase(url, root.get(XML_BASE))
    title = site_url = language = alternate = None
    items: list[etree._Element] = []
    channels = [root]
    tags = _CHANNEL_TAGS
    while channels:
        container = channels.pop(0)
        for child in container:
            code = tags.get(child.tag)
            if code is None:
                continue
            if code == ITEM:
                items.append(child)
            elif code == CHANNEL:
                base = rebase(base, child.get(XML_BASE))
                language = language or child.get(XML_LANG)
                channels.append(child)
            elif code == TITLE:
                title = title or element_text(child)
            elif code == LINK:
                site_url = site_url or (child.text or "").strip() or None
            elif code == LANGUAGE:
                language = language or (child.text or "").strip() or None
            elif code == ATOM_LINK and child.get("rel", "alternate") == "alternate":
                alternate = alternate or child.get("href")
    language = language_tag(language or root.get(XML_LANG))
    if not items:
        items = list(root.iter(*_ITEM_TAGS_ANYWHERE))
    entries = tuple(_item(item, base, language) for item in items[:MAX_ENTRIES])
    feed = ParsedFeed(
        kind=kind,
        title=title,
        site_url=absolute(site_url or alternate, base),
        language=language,
        entries=entries,
    )
    return feed, len(items)
