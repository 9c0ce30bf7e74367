"""Where things are on the desk's site: paths and absolute URLs of pages, feeds and stories.

The site may live under a path (``https://news.example/ai/``); every link the
site, its feeds, sitemaps and newsletters print comes from here, so they agree.
Slugs and topic ids are percent-encoded: they come from record file names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlsplit

from newsdesk.settings import SiteSettings

#: Where the web app serves a story; a Jekyll or Hugo site built from the export uses ``news``.
APP_STORY_DIR = "stories"
EXPORT_STORY_DIR = "news"


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """Paths (for the site's own pages) and URLs (for feeds, sitemaps, mail) of the desk's addresses."""

    #: The site's public address without a trailing slash, e.g. ``https://news.example/ai``.
    base: str
    story_dir: str = APP_STORY_DIR

    @classmethod
    def of(cls, site: SiteSettings, story_dir: str = APP_STORY_DIR) -> SiteLinks:
        return cls(base=site.url.rstrip("/"), story_dir=story_dir)

    @property
    def prefix(self) -> str:
        """The path the site lives under (``""`` at a host's root)."""
        return urlsplit(self.base).path.rstrip("/")

    def path(self, path: str) -> str:
        """A site path (``/topics/ai/``) as the browser must ask for it, under the site's prefix."""
        return self.prefix + path

    def url(self, path: str) -> str:
        """A site path as an absolute URL."""
        return self.base + path

    # The site's addresses, as paths relative to the site's root.

    def story(self, slug: str) -> str:
        return f"/{self.story_dir}/{quote(slug, safe='')}/"

    def topic(self, topic_id: str) -> str:
        return f"/topics/{quote(topic_id, safe='')}/"

    def archive(self, day: date) -> str:
        return f"/archive/{day.isoformat()}/"

    def newsletter(self, day: date) -> str:
        return f"/newsletters/{day.isoformat()}/"

    def feed(self, kind: str, topic_id: str | None = None) -> str:
        """``kind`` is ``xml`` (RSS 2.0), ``atom`` or ``json``."""
        return (self.topic(topic_id) if topic_id else "/") + f"feed.{kind}"
