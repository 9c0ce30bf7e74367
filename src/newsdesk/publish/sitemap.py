"""The news sitemap: every published story's page on the site, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from xml.sax.saxutils import escape

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
