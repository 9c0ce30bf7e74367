"""The rest of a static site, beside the records and the API pages: feeds, sitemap.xml, per-topic API
pages and the archived newsletters, as a Jekyll or Hugo site builds from them.

Story pages of such a site live at ``/news/<slug>/`` (the "Every Day" sites'
permalinks), so feeds and the sitemap link there. Everything here is a pure
function of its input (no clock): exporting twice writes the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from newsdesk.publish.api import API_DIR, api_pages
from newsdesk.publish.feeds import WRITERS, FeedInfo
from newsdesk.publish.links import EXPORT_STORY_DIR, SiteLinks
from newsdesk.publish.sitemap import MAX_URLS, SitemapUrl, sitemap
from newsdesk.publish.topictree import covered_names
from newsdesk.record import Newsletter, Story, Topic
from newsdesk.settings import SiteSettings

#: Entries per exported feed.
FEED_SIZE = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _newest(stories: Sequence[Story]) -> list[Story]:
    return sorted((s for s in stories if s.published), key=lambda s: (s.primary.published, s.slug), reverse=True)


def _feeds(
    stories: Sequence[Story],
    site: SiteSettings,
    links: SiteLinks,
    title: str,
    home: str,
    topic_id: str | None,
    languages: Mapping[str, str],
) -> dict[str, bytes]:
    chosen = stories[:FEED_SIZE]
    files = {}
    for kind, writer in WRITERS.items():
        path = links.feed(kind, topic_id)
        info = FeedInfo(
            title=title, description=f"{title}: the newest stories.", home_url=links.url(home),
            feed_url=links.url(path), language=site.locale, now=_EPOCH, story_languages=languages,
        )  # fmt: skip
        files[path.lstrip("/")] = writer(info, chosen, links)
    return files


def newsletter_file(issue: Newsletter, site: SiteSettings, links: SiteLinks) -> tuple[str, bytes]:
    """``_newsletters/<desk>-<day>.html``: front matter (title, excerpt, webUrl) then the issue's HTML."""
    name = re.sub(r"[^a-z0-9]+", "-", issue.subject.lower()).strip("-")
    front = (
        "---\n"
        f"title: {_quoted(issue.subject)}\n"
        f"excerpt: {_quoted(issue.excerpt)}\n"
        f"webUrl: {_quoted(links.url(links.newsletter(issue.day)))}\n"
        "type: article\n"
        "---\n"
    )
    return f"_newsletters/{name}.html", (front + issue.html).encode("utf-8")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def site_files(
    stories: Sequence[Story],
    topics: Sequence[Topic],
    newsletters: Sequence[Newsletter],
    site: SiteSettings,
    languages: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """Path → bytes of the feeds (site and per topic), ``sitemap.xml``, topic API pages and newsletters;
    ``languages``: each story's own language by slug, where known (its feed items and API entries say it)."""
    own = languages or {}
    links = SiteLinks.of(site, story_dir=EXPORT_STORY_DIR)
    published = _newest(stories)
    files = _feeds(published, site, links, site.title, "/", None, own)
    for topic in topics:
        names = set(covered_names(topic, topics))
        about = [s for s in published if names.intersection(s.topics or ())]
        files.update(_feeds(about, site, links, f"{topic.name} · {site.title}", links.topic(topic.id), topic.id, own))
        for path, data in api_pages(about, site, own).items():
            files[f"{API_DIR}/{topic.id}/{path.removeprefix(API_DIR + '/')}"] = data
    urls = [SitemapUrl(links.url("/"), changefreq="hourly")]
    urls += [SitemapUrl(links.url(links.story(s.slug)), lastmod=s.primary.published) for s in published]
    files["sitemap.xml"] = sitemap(urls[:MAX_URLS])
    for issue in newsletters:
        path, data = newsletter_file(issue, site, links)
        files[path] = data
    return files
