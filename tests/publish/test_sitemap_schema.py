"""Every sitemap the desk serves or exports against the sitemaps.org protocol's schema (tests/fixtures/schemas),
the Google News extension's rules checked directly, and no address dated after the moment it was made."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.etree
import pytest
from fastapi.testclient import TestClient

from newsdesk.desk.transfer import export_tree
from newsdesk.settings import Settings, SiteSettings
from newsdesk.store import Store
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.paths import FIXTURES
from tests.support.publishdata import HOSTILE_TITLE, beat, save, story

SCHEMA = lxml.etree.XMLSchema(lxml.etree.parse(str(FIXTURES / "schemas/sitemap.xsd")))
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
#: When the tests look: the day after the fixture desk's newest story, and one story dated after it.
NOW = datetime(2024, 5, 3, 7, 0, tzinfo=UTC)
W3C_DATETIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?")


def stories() -> list:  # type: ignore[type-arg]
    return [
        *beat(),
        story("2024-05-02-evil", HOSTILE_TITLE, when=NOW - timedelta(hours=5)),
        story("2024-05-04-ahead", "A story dated after the sitemap is made", when=NOW + timedelta(days=1)),
    ]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with Store.open(f"sqlite:///{tmp_path / 'site.db'}") as store:
        save(store, stories())
        settings = Settings(desk=tmp_path, site=SiteSettings(title="A.I. Every Day", url="https://news.example/ai/"))
        with TestClient(create_app(settings, store, ManualClock(NOW))) as test_client:
            yield test_client


def valid(document: bytes, where: str) -> lxml.etree._Element:
    root = lxml.etree.fromstring(document)
    if not SCHEMA.validate(root):
        raise AssertionError(f"{where}: {SCHEMA.error_log}")
    for lastmod in root.iterfind(".//s:lastmod", NS):
        assert lastmod.text is not None, where
        assert W3C_DATETIME.fullmatch(lastmod.text), where
        assert datetime.fromisoformat(lastmod.text.replace("Z", "+00:00")) <= NOW, f"{where}: lastmod ahead"
    assert "2024-05-04-ahead" not in document.decode("utf-8"), where
    return root


def test_the_served_sitemaps_follow_the_protocol(client: TestClient) -> None:
    site = valid(client.get("/sitemap.xml").content, "sitemap.xml")
    locations = [loc.text or "" for loc in site.iterfind(".//s:loc", NS)]
    assert all(loc.startswith("https://news.example/ai/") for loc in locations)
    assert "https://news.example/ai/stories/2024-05-02-evil/" in locations
    news = valid(client.get("/news-sitemap.xml").content, "news-sitemap.xml")
    urls = news.findall("s:url", NS)
    assert urls
    assert len(urls) <= 1000
    for url in urls:
        (item,) = url.findall("n:news", NS)
        assert (item.findtext("n:publication/n:name", namespaces=NS) or "").strip()
        language = item.findtext("n:publication/n:language", namespaces=NS) or ""
        assert re.fullmatch(r"[a-z]{2,3}|zh-cn|zh-tw", language), language
        published = item.findtext("n:publication_date", namespaces=NS) or ""
        assert W3C_DATETIME.fullmatch(published), published
        when = datetime.fromisoformat(published.replace("Z", "+00:00"))
        assert NOW - timedelta(days=2) <= when <= NOW  # Google News: the last two days, nothing ahead
        assert (item.findtext("n:title", namespaces=NS) or "").strip()


def test_the_exported_sitemaps_follow_the_protocol(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'desk.db'}") as store:
        save(store, stories())
        export_tree(store, SiteSettings(url="https://news.example/"), tmp_path / "tree", now=NOW)
    for name in ("sitemap.xml", "news-sitemap.xml"):
        root = valid((tmp_path / "tree" / name).read_bytes(), name)
        assert root.findall("s:url", NS), name


def test_the_schema_refuses_what_the_protocol_forbids() -> None:
    """The schema is not a rubber stamp: each broken rule is caught."""
    head = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    good = "<url><loc>https://news.example/a/</loc><lastmod>2024-05-02T08:00:00Z</lastmod></url>"
    assert SCHEMA.validate(lxml.etree.fromstring(f"{head}{good}</urlset>"))
    for bad in (
        "<url><lastmod>2024-05-02</lastmod></url>",  # no loc
        "<url><loc>https://news.example/a/</loc><lastmod>2 May 2024</lastmod></url>",
        "<url><loc>https://news.example/a/</loc><changefreq>often</changefreq></url>",
        "<url><loc>https://news.example/a/</loc><priority>1.5</priority></url>",
        "<url><loc>x</loc></url>",  # shorter than any absolute URL
        f"{good}{good}",  # the same address twice
        "",  # no url at all
    ):
        assert not SCHEMA.validate(lxml.etree.fromstring(f"{head}{bad}</urlset>")), bad
