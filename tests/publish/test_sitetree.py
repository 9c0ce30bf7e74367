"""The publish renderers: API pages and the sitemap, from typed stories."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

from newsdesk.publish.api import api_pages
from newsdesk.publish.sitemap import news_sitemap
from newsdesk.record import Article, Story
from newsdesk.record.tree import read_tree
from newsdesk.settings import SiteSettings
from tests.support.paths import FIXTURE_TREE
from tests.support.schemas import JSON_FEED

#: The keys of an entry of the real api/news/index.json of "Power Apps Every Day".
REAL_ENTRY_KEYS = [
    "path", "title", "excerpt", "sourceUrl", "webUrl", "originalUrl", "featuredContent", "highlight", "heat",
    "tags", "images", "content", "type", "ampWebUrl", "cdnAmpWebUrl", "publishedDateTime", "updatedDateTime",
    "provider", "locale", "categories", "topics",
]  # fmt: skip


def stories(count: int, published: bool = True) -> list[Story]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        Story(
            slug=f"2024-01-{i + 1:02d}-s{i}",
            primary=Article(title=f"Story {i}", published=start + timedelta(days=i)),
            published=published,
        )
        for i in range(count)
    ]


def test_pages_hold_published_stories_newest_first() -> None:
    pages = api_pages([*stories(5), *stories(3, published=False)], SiteSettings(page_size=2))
    assert sorted(pages) == ["api/news/index.json", "api/news/page2/index.json", "api/news/page3/index.json"]
    first = json.loads(pages["api/news/index.json"])
    assert (first["page"], first["nextPage"]) == (1, 2)
    assert [e["title"] for e in first["value"]] == ["Story 4", "Story 3"]
    last = json.loads(pages["api/news/page3/index.json"])
    assert (last["page"], last["nextPage"], len(last["value"])) == (3, None, 1)


def test_exported_pages_and_feeds_say_each_storys_own_language() -> None:
    from newsdesk.publish.sitetree import site_files

    site = SiteSettings(page_size=10)
    languages = {"2024-01-02-s1": "pt-BR"}
    entries = json.loads(api_pages(stories(3), site, languages)["api/news/index.json"])["value"]
    assert {e["title"]: e["locale"] for e in entries} == {"Story 2": "en-us", "Story 1": "pt-BR", "Story 0": "en-us"}
    files = site_files(stories(3), [], [], site, languages)
    feed = json.loads(files["feed.json"])
    JSON_FEED.validate(feed)
    assert [item.get("language") for item in feed["items"]] == [None, "pt-BR", None]
    assert feed["language"] == "en-us"


def test_an_empty_desk_still_has_a_first_page() -> None:
    assert json.loads(api_pages([], SiteSettings())["api/news/index.json"]) == {
        "page": 1,
        "value": [],
        "nextPage": None,
    }


def test_entries_keep_the_real_apis_fields_and_add_the_coverage() -> None:
    story = next(s for s in read_tree(FIXTURE_TREE).stories if s.related)
    entry = json.loads(api_pages([story], SiteSettings())["api/news/index.json"])["value"][0]
    assert list(entry)[: len(REAL_ENTRY_KEYS)] == REAL_ENTRY_KEYS
    assert entry["publishedDateTime"] == "2024-05-02T08:15:00Z"
    assert entry["provider"]["name"] == "Robotics Weekly"
    assert [r["provider"]["name"] for r in entry["related"]] == ["Gadget Desk", "Supply Chain Today"]
    assert entry["related"][0]["cdnAmpWebUrl"].startswith("https://www-gadget--desk-example.cdn.ampproject.org/c/s/")


def test_the_sitemap_lists_published_stories_under_the_site() -> None:
    site = SiteSettings(url="https://news.example/ai/")
    unpublished = dataclasses.replace(stories(1)[0], slug="2024-02-01-hidden", published=False)
    xml = news_sitemap([*stories(2), unpublished], site).decode()
    assert xml.count("<url>") == 2
    assert "<loc>https://news.example/ai/news/2024-01-02-s1/</loc>" in xml
    assert xml.index("2024-01-02-s1") < xml.index("2024-01-01-s0")
    assert "<lastmod>2024-01-02T00:00:00+00:00</lastmod>" in xml
    assert "hidden" not in xml
