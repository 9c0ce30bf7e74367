"""Sitemaps: the "Every Day" sites' news sitemap, the site's ``sitemap.xml``, a Google News sitemap."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from newsdesk.publish.links import SiteLinks
from newsdesk.publish.xmltext import xml_text
from newsdesk.record import Story
from newsdesk.settings import SiteSettings

SITEMAP_PATH = "news-sitemap.xml"
#: A sitemap may list at most 50,000 URLs (sitemaps.org).
MAX_URLS = 50_000


def story_url(story: Story, site: SiteSettings) -> str:
    """A story's page on the desk's site."""
    return f"{site.url.rstrip('/')}/news/{story.slug}/"


def news_sitemap(stories: Sequence[Story], site: SiteSettings) -> bytes:
    """``news-sitemap.xml`` in the shape of the "Every Day" sites' own."""
    published = sorted((s for s in stories if s.published), key=lambda s: (s.primary.published, s.slug), reverse=True)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for story in published[:MAX_URLS]:
        lastmod = story.primary.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        lines += [
            "  <url>",
            f"    <loc>{escape(story_url(story, site))}</loc>",
            f"    <lastmod>{lastmod}</lastmod>",
            "    <changefreq>hourly</changefreq>",
            "    <priority>1</priority>",
            "  </url>",
        ]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- the site's sitemaps


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    """One ``<url>`` of a sitemap."""

    loc: str
    lastmod: datetime | None = None
    changefreq: str | None = None


def sitemap(urls: Sequence[SitemapUrl]) -> bytes:
    """``sitemap.xml``: the given pages (at most 50,000, the protocol's limit), in the given order."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url in urls[:MAX_URLS]:
        lines += ["  <url>", f"    <loc>{escape(xml_text(url.loc))}</loc>"]
        if url.lastmod is not None:
            lines.append(f"    <lastmod>{url.lastmod.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S+00:00')}</lastmod>")
        if url.changefreq:
            lines.append(f"    <changefreq>{url.changefreq}</changefreq>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


#: Google News lists articles of the last two days, at most 1,000 in one sitemap.
NEWS_WINDOW = timedelta(days=2)
MAX_NEWS_URLS = 1000
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def news_language(locale: str) -> str:
    """The ISO 639 code Google News wants: ``en`` for ``en-us``; Chinese keeps its script (``zh-cn``)."""
    locale = locale.lower().replace("_", "-")
    return locale if locale in {"zh-cn", "zh-tw"} else locale.split("-")[0]


def google_news_sitemap(
    stories: Sequence[Story],
    site: SiteSettings,
    links: SiteLinks,
    *,
    now: datetime,
    languages: Mapping[str, str] | None = None,
) -> bytes:
    """``news-sitemap.xml`` for Google News: published stories of the two days before ``now``, newest first.

    Each story's ``news:language`` is its own (``languages``, by slug: its primary article's) where known,
    else the site's.
    """
    own = languages or {}
    since = now - NEWS_WINDOW
    recent = sorted(
        (s for s in stories if s.published and since <= s.primary.published <= now),
        key=lambda s: (s.primary.published, s.slug),
        reverse=True,
    )[:MAX_NEWS_URLS]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="{NEWS_NS}">',
    ]
    for story in recent:
        published = story.primary.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines += [
            "  <url>",
            f"    <loc>{escape(links.url(links.story(story.slug)))}</loc>",
            "    <news:news>",
            "      <news:publication>",
            f"        <news:name>{escape(xml_text(site.title))}</news:name>",
            f"        <news:language>{escape(news_language(own.get(story.slug) or site.locale))}</news:language>",
            "      </news:publication>",
            f"      <news:publication_date>{published}</news:publication_date>",
            f"      <news:title>{escape(xml_text(story.primary.title))}</news:title>",
            "    </news:news>",
            "  </url>",
        ]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
