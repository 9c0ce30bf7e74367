"""JSON Feed 1.0/1.1 (and RSS-in-JSON) documents → ParsedFeed; a truncated document keeps its complete items."""

from __future__ import annotations

import json
import re
from typing import Any

from .charset import to_utf8
from .dates import parse_date
from .errors import FeedError
from .links import absolute
from .model import MAX_ENTRIES, Enclosure, FeedEntry, FeedImage, ParsedFeed
from .numbers import bounded_count

_SPACE = re.compile(r"\s*")
_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: Any) -> int | None:
    return bounded_count(value)


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _names(item: dict[str, Any]) -> tuple[str, ...]:
    people: list[Any] = []
    if isinstance(item.get("authors"), list):
        people.extend(item["authors"])
    if not people and item.get("author") is not None:
        people.append(item["author"])
    names: list[str] = []
    for person in people:
        name = _str(person.get("name")) if isinstance(person, dict) else _str(person)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _salvage(text: str) -> dict[str, Any] | None:
    """The members of a truncated JSON object read up to the break (complete ``items`` only), or None."""
    decoder = json.JSONDecoder()
    found: dict[str, Any] = {}
    pos = _SPACE.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("{", pos):
        return None
    pos += 1
    try:
        while True:
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text.startswith("}", pos):
                return found
            key, pos = decoder.raw_decode(text, pos)
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if not text.startswith(":", pos) or not isinstance(key, str):
                return found
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            if key == "items" and text.startswith("[", pos):
                items: list[Any] = []
                found["items"] = items
                pos += 1
                while True:
                    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                    if text.startswith("]", pos):
                        pos += 1
                        break
                    item, pos = decoder.raw_decode(text, pos)
                    items.append(item)
                    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                    if text.startswith(",", pos):
                        pos += 1
            else:
                found[key], pos = decoder.raw_decode(text, pos)
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text.startswith(",", pos):
                pos += 1
    except (ValueError, IndexError, RecursionError):
        return found


def _entry(item: dict[str, Any], base: str, feed_authors: tuple[str, ...], language: str | None) -> FeedEntry:
    image_url = absolute(_str(item.get("image")) or _str(item.get("banner_image")), base)
    enclosures: list[Enclosure] = []
    attachments = item.get("attachments")
    if isinstance(attachments, list):
        for attachment in attachments:
            if isinstance(attachment, dict):
                href = absolute(_str(attachment.get("url")), base)
                if href:
                    kind = _str(attachment.get("mime_type"))
                    enclosures.append(Enclosure(href, kind, _int(attachment.get("size_in_bytes"))))
    tags = [_str(tag) if isinstance(tag, str) else None for tag in _list(item.get("tags"))]
    categories = tuple(dict.fromkeys(tag for tag in tags if tag))
    return FeedEntry(
        id=_str(item.get("id")),
        title=_str(item.get("title")),
        link=absolute(_str(item.get("url")) or _str(item.get("external_url")), base),
        published=parse_date(_str(item.get("date_published"))),
        updated=parse_date(_str(item.get("date_modified"))),
        summary=_str(item.get("summary")),
        content=_str(item.get("content_html")) or _str(item.get("content_text")),
        authors=_names(item) or feed_authors,
        categories=categories,
        image=FeedImage(image_url) if image_url else None,
        enclosures=tuple(enclosures),
        language=_str(item.get("language")) or language,
    )


def _rss_item(item: dict[str, Any], base: str, language: str | None) -> FeedEntry:
    guid = item.get("guid")
    enclosures = []
    for enclosure in _list(item.get("enclosure")):
        if isinstance(enclosure, dict):
            href = absolute(_str(enclosure.get("url")), base)
            if href:
                enclosures.append(Enclosure(href, _str(enclosure.get("type")), _int(enclosure.get("length"))))
    categories = [_str(c.get("text") if isinstance(c, dict) else c) for c in _list(item.get("category"))]
    return FeedEntry(
        id=_str(guid.get("value") if isinstance(guid, dict) else guid),
        title=_str(item.get("title")),
        link=absolute(_str(item.get("link")), base),
        published=parse_date(_str(item.get("pubDate"))),
        updated=None,
        summary=_str(item.get("description")),
        content=_str(item.get("content:encoded")),
        authors=tuple(name for name in (_str(item.get("author")), _str(item.get("dc:creator"))) if name),
        categories=tuple(dict.fromkeys(c for c in categories if c)),
        enclosures=tuple(enclosures),
        language=language,
    )


def _rss_in_json(channel: dict[str, Any], url: str, notes: list[str]) -> tuple[ParsedFeed, int]:
    """Dave Winer's RSS-in-JSON: ``{"rss": {"channel": {..., "item": [...]}}}``."""
    items = [item for item in _list(channel.get("item")) if isinstance(item, dict)]
    language = _str(channel.get("language"))
    feed = ParsedFeed(
        kind="rss",
        title=_str(channel.get("title")),
        site_url=absolute(_str(channel.get("link")), url),
        language=language,
        entries=tuple(_rss_item(item, url, language) for item in items[:MAX_ENTRIES]),
        recovered="; ".join(notes) or None,
    )
    return feed, len(items)


def parse_json_feed(data: bytes, url: str, content_type: str | None = None) -> tuple[ParsedFeed, int]:
    """A JSON Feed document as a feed, and how many items it held (at most MAX_ENTRIES are read)."""
    body, _, note = to_utf8(data, content_type)
    notes = [note] if note else []
    try:
        document = json.loads(body)
    except RecursionError:
        raise FeedError(url, "JSON error: nested too deeply") from None
    except ValueError as err:
        salvaged = _salvage(body.decode("utf-8", "replace"))
        if not salvaged or not isinstance(salvaged.get("items"), list):
            raise FeedError(url, f"JSON error: {err}") from None
        document = salvaged
        notes.append(f"truncated JSON ({err}); kept {len(salvaged['items'])} complete items")
    if not isinstance(document, dict):
        raise FeedError(url, "not a feed: JSON that is not an object")
    rss = document.get("rss")
    if isinstance(rss, dict) and isinstance(rss.get("channel"), dict):
        return _rss_in_json(rss["channel"], url, notes)
    version = _str(document.get("version"))
    items = document.get("items")
    if version is None or not version.startswith(_VERSION_PREFIXES):
        if not isinstance(items, list):
            raise FeedError(url, "not a feed: JSON without a JSON Feed version")
        notes.append("no JSON Feed version")
    if not isinstance(items, list):
        raise FeedError(url, "JSON Feed: items is not a list")
    base = _str(document.get("feed_url")) or url
    base = absolute(base, url) or url
    language = _str(document.get("language"))
    authors = _names(document)
    entries = tuple(_entry(item, base, authors, language) for item in items[:MAX_ENTRIES] if isinstance(item, dict))
    skipped = sum(1 for item in items[:MAX_ENTRIES] if not isinstance(item, dict))
    if skipped:
        notes.append(f"{skipped} items that are not objects skipped")
    feed = ParsedFeed(
        kind="jsonfeed",
        title=_str(document.get("title")),
        site_url=absolute(_str(document.get("home_page_url")), base),
        language=language,
        entries=entries,
        recovered="; ".join(notes) or None,
    )
    return feed, len(items)
