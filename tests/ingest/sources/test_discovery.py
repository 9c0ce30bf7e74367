"""discover_feeds on a page written for these tests and on the real pages NetNewsWire tests with."""

from __future__ import annotations

import pytest

from newsdesk.ingest.sources.discovery import DiscoveredFeed, discover_feeds
from tests.support.paths import FIXTURES, shared_dir


def test_alternate_links_resolved_deduplicated_in_order() -> None:
    found = discover_feeds((FIXTURES / "feeds" / "page.html").read_bytes(), "https://news.example.com/section/page")
    assert found == (
        DiscoveredFeed("https://news.example.com/feed.xml", "application/rss+xml", "All stories"),
        DiscoveredFeed("https://news.example.com/section/ai.atom", "application/atom+xml", "AI stories"),
        DiscoveredFeed("https://news.example.com/feed.json", "application/feed+json", None),
    )


def test_relative_to_the_page_without_a_base() -> None:
    html = b'<html><head><link rel="alternate" type="application/rss+xml" href="rss"></head></html>'
    assert discover_feeds(html, "https://example.org/blog/") == (
        DiscoveredFeed("https://example.org/blog/rss", "application/rss+xml", None),
    )


def test_pages_without_feeds_and_junk() -> None:
    assert discover_feeds(b"<html><head><title>x</title></head></html>", "https://example.org/") == ()
    assert discover_feeds(b"", "https://example.org/") == ()
    assert discover_feeds(b"\x00\xff not html at all", "https://example.org/") == ()


def test_latin1_page_titles() -> None:
    html = (
        '<html><head><meta charset="iso-8859-1">'
        '<link rel="alternate" type="application/rss+xml" title="Actualités" href="/f"></head></html>'
    )
    (found,) = discover_feeds(html.encode("latin-1"), "https://example.fr/")
    assert found.title == "Actualités"


@pytest.mark.shared_data
def test_real_pages_name_their_feeds() -> None:
    shared = shared_dir()
    folder = None if shared is None else shared / "data/feeds/rsparser-netnewswire/Tests/RSParserTests/Resources"
    if folder is None or not folder.is_dir():
        pytest.skip("../shared/data/feeds is not here")
    found = {path.name: discover_feeds(path.read_bytes(), "https://example.com/") for path in folder.glob("*.html")}
    assert len(found) == 6
    assert all(found.values())
    assert found["furbo.html"][0] == DiscoveredFeed(
        "http://furbo.org/feed/", "application/rss+xml", "Iconfactory News Feed"
    )
    assert found["YouTubeTheVolvoRocks.html"][0].url.startswith("https://www.youtube.com/feeds/videos.xml?channel_id=")
