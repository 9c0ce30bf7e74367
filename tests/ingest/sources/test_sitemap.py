"""parse_sitemap: Google News and image sitemaps, indexes, text sitemaps, gzip (and gzip bombs)."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

import pytest

from newsdesk.ingest.sources.errors import SitemapError
from newsdesk.ingest.sources.gzipped import MAX_DECOMPRESSED, gunzip
from newsdesk.ingest.sources.sitemap import Sitemap, SitemapUrl, parse_sitemap
from tests.support.paths import FIXTURES

URL = "https://daily.example.com/sitemap.xml"


def test_google_news_and_image_sitemap() -> None:
    sitemap = parse_sitemap((FIXTURES / "feeds" / "news-sitemap.xml").read_bytes(), URL)
    assert sitemap.sitemaps == ()
    assert sitemap.recovered is None
    story, about = sitemap.urls
    assert story == SitemapUrl(
        loc="https://daily.example.com/2024/06/01/robot-chef",
        lastmod=datetime(2024, 6, 1, 10, 5, tzinfo=UTC),
        news_title="A robot chef opens a restaurant",
        news_published=datetime(2024, 6, 1, 7, 0, tzinfo=UTC),
        news_publication="The Daily Example",
        news_language="en",
        images=("https://daily.example.com/img/chef.jpg", "https://daily.example.com/img/kitchen.jpg"),
    )
    assert about == SitemapUrl(loc="https://daily.example.com/about", changefreq="monthly", priority=0.3)


def test_sitemap_index() -> None:
    sitemap = parse_sitemap((FIXTURES / "feeds" / "sitemap-index.xml").read_bytes(), URL)
    assert sitemap == Sitemap(
        sitemaps=("https://daily.example.com/sitemap-news.xml", "https://daily.example.com/sitemap-2024-05.xml.gz")
    )


def test_gzipped_sitemap() -> None:
    data = gzip.compress((FIXTURES / "feeds" / "news-sitemap.xml").read_bytes())
    assert len(parse_sitemap(data, URL + ".gz").urls) == 2


def test_gzip_bomb_is_refused() -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = bomb.compress(b"<urlset>") + bomb.compress(b" " * (MAX_DECOMPRESSED + 1_000_000)) + bomb.flush()
    assert len(data) < 200_000
    with pytest.raises(SitemapError, match="gzip data expands past 50,000,000 bytes; refused"):
        parse_sitemap(data, URL + ".gz")


def test_gunzip_limits_and_corruption() -> None:
    assert gunzip(gzip.compress(b"a" * 100) + gzip.compress(b"b"), "u", limit=101) == b"a" * 100 + b"b"
    with pytest.raises(SitemapError, match="expands past 100 bytes"):
        gunzip(gzip.compress(b"a" * 101), "u", SitemapError, limit=100)
    corrupt = bytearray(gzip.compress(b"hello sitemap " * 20))
    corrupt[12:16] = b"\xff\xff\xff\xff"
    with pytest.raises(SitemapError, match="gzip data corrupt"):
        gunzip(bytes(corrupt), "u", SitemapError)
    with pytest.raises(SitemapError, match="gzip data truncated"):
        gunzip(gzip.compress(b"a" * 1000)[:20], "u", SitemapError)


def test_text_sitemap() -> None:
    sitemap = parse_sitemap(b"https://a.example/1\n\nhttps://a.example/2\r\nnot a url\n", URL)
    assert [url.loc for url in sitemap.urls] == ["https://a.example/1", "https://a.example/2"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<rss><channel/></rss>", "not a sitemap: root element <rss>"),
        (b"<!DOCTYPE html><html></html>", "not a sitemap: HTML page"),
        (b"no urls here", "not a sitemap: text without URLs"),
        (b'{"urls": []}', "not a sitemap: json"),
    ],
)
def test_not_a_sitemap(data: bytes, problem: str) -> None:
    with pytest.raises(SitemapError, match=f"^{URL}: {problem}"):
        parse_sitemap(data, URL)


def test_entity_bombs_are_refused_in_sitemaps_too() -> None:
    data = (FIXTURES / "feeds" / "billion-laughs.xml").read_bytes().replace(b"<rss", b"<urlset", 1)
    with pytest.raises(SitemapError, match="refused"):
        parse_sitemap(data, URL)
