"""Feeds of published stories: RSS 2.0, Atom 1.0 and JSON Feed 1.1, from typed stories to bytes.

Each entry is one story: its id and link are the story's page on the site,
its title the primary's headline, its content a small HTML summary (the
outlet that broke it, the excerpt, "More:" coverage) built from escaped text
and http(s) links only. The XML is written by lxml, so every value is
escaped; characters XML cannot carry are dropped first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from lxml import etree

from newsdesk.publish.links import SiteLinks
from newsdesk.publish.safehtml import safe_url
from newsdesk.publish.xmltext import xml_text
from newsdesk.record import Article, Story

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "newsdesk"

#: Media types the feeds are served with.
MEDIA_TYPES = {
    "xml": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a feed is of: its title, the page it follows, its own address, its language."""

    title: str
    description: str
    #: The page this feed follows (the front page, a topic page), absolute.
    home_url: str
    #: The feed's own address, absolute.
    feed_url: str
    language: str
    #: When the feed was written: the newest story's time when it has stories, else this.
    now: datetime
    #: Each story's own language (its primary article's) by slug, where known: an item in another language than
    #: the feed's says so (RSS ``dc:language``, Atom ``xml:lang``, JSON Feed ``language``).
    story_languages: Mapping[str, str] = field(default_factory=dict)

    def language_of(self, story: Story) -> str | None:
        """The story's language where it is known and is not the feed's own."""
        language = self.story_languages.get(story.slug)
        same = language is not None and language.split("-")[0].lower() == self.language.split("-")[0].lower()
        return None if language is None or same else language


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _updated(info: FeedInfo, stories: Sequence[Story]) -> datetime:
    return max((s.primary.published for s in stories), default=info.now)


def _outlet(article: Article) -> str:
    provider = article.provider
    if provider is not None and provider.name:
        return provider.name
    if provider is not None and provider.domain:
        return provider.domain
    return article.title


def summary_html(story: Story) -> str:
    """The entry's HTML: headline link and outlet, the excerpt, the coverage (escaped, http(s) links only)."""
    primary = story.primary
    url = safe_url(primary.url)
    headline = escape(xml_text(primary.title))
    if url:
        headline = f'<a href="{escape(url)}">{headline}</a>'
    parts = [f"<p>{headline} ({escape(xml_text(_outlet(primary)))})</p>"]
    if primary.excerpt:
        parts.append(f"<p>{escape(xml_text(primary.excerpt))}</p>")
    more = []
    for article in story.related or ():
        name = escape(xml_text(_outlet(article)))
        link = safe_url(article.url)
        more.append(f'<a href="{escape(link)}">{name}</a>' if link else name)
    if more:
        parts.append(f"<p>More: {', '.join(more)}</p>")
    return "".join(parts)


def _authors(story: Story) -> list[str]:
    provider = story.primary.provider
    return [xml_text(provider.name)] if provider is not None and provider.name else []


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: xml_text(v) for k, v in attrib.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def rss_feed(info: FeedInfo, stories: Sequence[Story], links: SiteLinks) -> bytes:
    """RSS 2.0, with an atom:link to itself."""
    root = etree.Element("rss", nsmap={"atom": ATOM, "dc": DC})
    root.set("version", "2.0")
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home_url)
    _sub(channel, "description", info.description)
    _sub(channel, "language", info.language)
    _sub(channel, "lastBuildDate", format_datetime(_updated(info, stories).astimezone(UTC), usegmt=True))
    _sub(channel, "generator", GENERATOR)
    _sub(channel, f"{{{ATOM}}}link", href=info.feed_url, rel="self", type="application/rss+xml")
    for story in stories:
        page = links.url(links.story(story.slug))
        item = _sub(channel, "item")
        _sub(item, "title", story.primary.title)
        _sub(item, "link", page)
        _sub(item, "guid", page, isPermaLink="true")
        _sub(item, "pubDate", format_datetime(story.primary.published.astimezone(UTC), usegmt=True))
        if language := info.language_of(story):
            _sub(item, f"{{{DC}}}language", language)
        for author in _authors(story):
            # RSS's own <author> must be an e-mail address; the outlet's name goes in dc:creator.
            _sub(item, f"{{{DC}}}creator", author)
        for topic in story.topics or ():
            _sub(item, "category", topic)
        _sub(item, "description", summary_html(story))
    return _xml(root)


def atom_feed(info: FeedInfo, stories: Sequence[Story], links: SiteLinks) -> bytes:
    """Atom 1.0 (RFC 4287)."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})  # type: ignore[dict-item]  # the default namespace
    root.set("{http://www.w3.org/XML/1998/namespace}lang", info.language)
    _sub(root, f"{{{ATOM}}}id", info.feed_url)
    _sub(root, f"{{{ATOM}}}title", info.title)
    _sub(root, f"{{{ATOM}}}subtitle", info.description)
    _sub(root, f"{{{ATOM}}}updated", _rfc3339(_updated(info, stories)))
    _sub(root, f"{{{ATOM}}}link", href=info.home_url, rel="alternate", type="text/html")
    _sub(root, f"{{{ATOM}}}link", href=info.feed_url, rel="self", type="application/atom+xml")
    _sub(root, f"{{{ATOM}}}generator", GENERATOR)
    for story in stories:
        page = links.url(links.story(story.slug))
        entry = _sub(root, f"{{{ATOM}}}entry")
        if language := info.language_of(story):
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", language)
        _sub(entry, f"{{{ATOM}}}id", page)
        _sub(entry, f"{{{ATOM}}}title", story.primary.title, type="text")
        _sub(entry, f"{{{ATOM}}}link", href=page, rel="alternate", type="text/html")
        source = safe_url(story.primary.url)
        if source:
            _sub(entry, f"{{{ATOM}}}link", href=source, rel="related", type="text/html")
        _sub(entry, f"{{{ATOM}}}published", _rfc3339(story.primary.published))
        _sub(entry, f"{{{ATOM}}}updated", _rfc3339(story.primary.published))
        for name in _authors(story) or [info.title]:
            _sub(_sub(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", name)
        for topic in story.topics or ():
            _sub(entry, f"{{{ATOM}}}category", term=topic)
        if story.primary.excerpt:
            _sub(entry, f"{{{ATOM}}}summary", story.primary.excerpt, type="text")
        _sub(entry, f"{{{ATOM}}}content", summary_html(story), type="html")
    return _xml(root)


def json_feed(info: FeedInfo, stories: Sequence[Story], links: SiteLinks) -> bytes:
    """JSON Feed 1.1."""
    items = []
    for story in stories:
        page = links.url(links.story(story.slug))
        item: dict[str, object] = {
            "id": page,
            "url": page,
            "title": story.primary.title,
            "content_html": summary_html(story),
            "date_published": _rfc3339(story.primary.published),
        }
        source = safe_url(story.primary.url)
        if source:
            item["external_url"] = source
        if story.primary.excerpt:
            item["summary"] = story.primary.excerpt
        if _authors(story):
            item["authors"] = [{"name": name} for name in _authors(story)]
        if story.topics:
            item["tags"] = list(story.topics)
        if language := info.language_of(story):
            item["language"] = language
        items.append(item)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "description": info.description,
        "home_page_url": info.home_url,
        "feed_url": info.feed_url,
        "language": info.language,
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


#: Feed writers by the feed's file extension (``feed.xml``, ``feed.atom``, ``feed.json``).
WRITERS = {"xml": rss_feed, "atom": atom_feed, "json": json_feed}
