"""Feeds, sitemaps, safe HTML and the static site's extra files: pure writers, read back by real parsers."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import feedparser
import pytest
from lxml import etree

from newsdesk.ingest.sources.feed import parse_feed
from newsdesk.ingest.sources.sitemap import parse_sitemap
from newsdesk.publish.feeds import FeedInfo, atom_feed, json_feed, rss_feed, summary_html
from newsdesk.publish.links import SiteLinks
from newsdesk.publish.safehtml import body_html, embed_html, safe_url
from newsdesk.publish.sitemap import SitemapUrl, google_news_sitemap, news_language, sitemap
from newsdesk.publish.sitetree import site_files
from newsdesk.publish.topictree import covered_names, find_topic, nav_topics
from newsdesk.record import Newsletter, Story
from newsdesk.settings import SiteSettings
from tests.support.markup import assert_inert_html, strings
from tests.support.publishdata import HOSTILE_NAME, HOSTILE_TITLE, HOSTILE_URL, NOW, TOPICS, beat, story, topic
from tests.support.schemas import JSON_FEED

SITE = SiteSettings(title="A.I. Every Day", url="https://news.example/ai/", locale="en-us")
LINKS = SiteLinks.of(SITE)
INFO = FeedInfo(
    title="A.I. Every Day", description="The newest stories.", home_url=LINKS.url("/"),
    feed_url=LINKS.url("/feed.xml"), language="en-us", now=NOW,
)  # fmt: skip
WRITERS = {"rss": rss_feed, "atom": atom_feed, "jsonfeed": json_feed}
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "jsonfeed": "application/feed+json"}


def feedparser_parse(data: bytes, kind: str) -> feedparser.FeedParserDict:
    """feedparser, told the media type as a server would."""
    return feedparser.parse(data, response_headers={"content-type": TYPES[kind]})


def published() -> list:  # type: ignore[type-arg]
    return [s for s in beat() if s.published]


@pytest.mark.parametrize("kind", list(WRITERS))
def test_feeds_parse_back_with_our_parser_and_feedparser(kind: str) -> None:
    stories = published()
    data = WRITERS[kind](INFO, stories, LINKS)
    ours = parse_feed(data, INFO.feed_url)
    assert ours.kind == kind
    assert ours.recovered is None
    assert ours.title == "A.I. Every Day"
    assert [e.title for e in ours.entries] == [s.primary.title for s in stories]
    assert [e.link for e in ours.entries] == [f"https://news.example/ai/stories/{s.slug}/" for s in stories]
    assert [e.published for e in ours.entries] == [s.primary.published for s in stories]
    assert "AI in Robotics" in ours.entries[0].categories
    assert ours.entries[0].authors == ("Robotics Weekly",)

    if kind == "jsonfeed":
        JSON_FEED.validate(json.loads(data))
        return
    theirs = feedparser_parse(data, kind)
    assert not theirs.bozo, theirs.get("bozo_exception")
    assert [e.title for e in theirs.entries] == [s.primary.title for s in stories]
    assert [e.link for e in theirs.entries] == [e.link for e in ours.entries]
    assert theirs.entries[0].author == "Robotics Weekly"
    content = theirs.entries[0].get("content", [{}])[0].get("value") or theirs.entries[0].summary
    assert "More:" in content
    assert "Gadget Desk" in content
    assert "https://gadgetdesk.example/" in content


def test_an_empty_feed_is_still_a_feed() -> None:
    for kind, writer in WRITERS.items():
        data = writer(INFO, [], LINKS)
        assert parse_feed(data, INFO.feed_url).entries == ()
        assert kind == "jsonfeed" or not feedparser_parse(data, kind).bozo, kind


def hostile_story() -> Story:
    base = story("2024-05-02-hostile", HOSTILE_TITLE, outlet=HOSTILE_NAME, url=HOSTILE_URL,
                 excerpt="<b onmouseover=alert(2)>bold</b>\x00\x07", related=((HOSTILE_TITLE, HOSTILE_NAME),),
                 topics=("<script>alert(3)</script>",))  # fmt: skip
    related = tuple(dataclasses.replace(a, web_url=HOSTILE_URL) for a in base.related or ())
    return dataclasses.replace(base, related=related)


@pytest.mark.parametrize("kind", list(WRITERS))
def test_hostile_text_comes_back_as_text_and_never_as_markup(kind: str) -> None:
    data = WRITERS[kind](INFO, [hostile_story()], LINKS)
    entry = parse_feed(data, INFO.feed_url).entries[0]
    assert entry.title == HOSTILE_TITLE  # the title, exactly, as text
    assert entry.link == "https://news.example/ai/stories/2024-05-02-hostile/"
    assert_inert_html(entry.content or entry.summary or "")
    if kind == "jsonfeed":
        assert json.loads(data)["items"][0]["title"] == HOSTILE_TITLE
        return
    etree.fromstring(data)  # well-formed XML: the control characters were dropped
    parsed = feedparser_parse(data, kind)
    assert not parsed.bozo
    assert parsed.entries[0].title == HOSTILE_TITLE
    assert_inert_html(parsed.entries[0].get("content", [{}])[0].get("value") or parsed.entries[0].summary)


def test_the_summary_keeps_only_http_links_and_escapes_names() -> None:
    html = summary_html(hostile_story())
    assert_inert_html(html)
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html


def test_safe_urls_and_sanitised_html() -> None:
    assert safe_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    bad_urls = [
        HOSTILE_URL,
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//a.example",
        "http:///x",
        "https://a.example/\nx",
    ]
    for bad in [*bad_urls, None, ""]:
        assert safe_url(bad) is None, bad
    markdown = (
        "Hi <script>alert(1)</script> [x](javascript:alert(1)) [y](https://ok.example)\n\n<img src=x onerror=alert(1)>"
    )
    body = body_html(markdown)
    assert_inert_html(body)
    assert '<a href="https://ok.example" rel="nofollow noopener noreferrer">y</a>' in body
    player = (
        '<iframe width="800" height="500" src="https://www.youtube.com/embed/abc" onload="alert(1)" allowfullscreen>'
        "</iframe>"
    )
    kept = embed_html(player)
    assert kept.startswith('<iframe width="800" height="500" src="https://www.youtube.com/embed/abc"')
    assert "sandbox=" in kept
    assert_inert_html(kept)
    assert embed_html('<iframe src="https://evil.example/x"></iframe>') == ""
    assert embed_html('<iframe src="javascript:alert(1)"></iframe><script>alert(1)</script>') == ""


def test_the_google_news_sitemap_holds_only_the_last_two_days() -> None:
    now = datetime(2024, 5, 3, 7, 0, tzinfo=UTC)
    stories = [
        *beat(),
        story("2024-05-03-future", "Scheduled for later", when=now + timedelta(hours=2)),
    ]
    xml = google_news_sitemap(stories, SITE, LINKS, now=now)
    parsed = parse_sitemap(xml, "https://news.example/ai/news-sitemap.xml")
    assert [u.loc for u in parsed.urls] == [
        "https://news.example/ai/stories/2024-05-02-chip-results/",
        "https://news.example/ai/stories/2024-05-02-warehouse-arm/",
        "https://news.example/ai/stories/2024-05-01-policy-hearing/",
    ]  # the unjudged one is 49 hours old, the draft is not published, the future one is not out yet
    root = etree.fromstring(xml)
    ns = {"n": "http://www.google.com/schemas/sitemap-news/0.9", "s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert strings(root, "//n:publication/n:name/text()", ns)[0] == "A.I. Every Day"
    assert strings(root, "//n:publication/n:language/text()", ns)[0] == "en"
    # A story in another language than the site's says its own.
    mixed = etree.fromstring(
        google_news_sitemap(stories, SITE, LINKS, now=now, languages={"2024-05-02-warehouse-arm": "pt-BR"})
    )
    assert mixed.xpath("//n:publication/n:language/text()", namespaces=ns) == ["en", "pt", "en"]  # chip, arm, policy
    assert strings(root, "//n:title/text()", ns)[0] == "Chip maker beats forecasts on accelerator demand"
    assert strings(root, "//n:publication_date/text()", ns)[0] == "2024-05-02T11:00:00Z"
    hostile = google_news_sitemap([dataclasses.replace(hostile_story(), slug="2024-05-03-x")], SITE, LINKS, now=NOW)
    assert etree.fromstring(hostile).xpath("//n:title/text()", namespaces=ns) == [HOSTILE_TITLE]
    assert (news_language("en-us"), news_language("zh-TW"), news_language("de")) == ("en", "zh-tw", "de")


def test_the_sitemap_lists_the_given_pages() -> None:
    xml = sitemap([SitemapUrl("https://news.example/ai/", changefreq="hourly"),
                   SitemapUrl("https://news.example/ai/stories/a&b/", lastmod=NOW)])  # fmt: skip
    parsed = parse_sitemap(xml, "https://news.example/ai/sitemap.xml")
    assert [u.loc for u in parsed.urls] == ["https://news.example/ai/", "https://news.example/ai/stories/a&b/"]
    assert "<lastmod>2024-05-03T12:00:00+00:00</lastmod>" in xml.decode()


def test_links_live_under_the_sites_path_and_encode_names() -> None:
    assert LINKS.prefix == "/ai"
    assert LINKS.path(LINKS.topic("ai-policy")) == "/ai/topics/ai-policy/"
    assert LINKS.url(LINKS.story("2024-05-02-a b/c")) == "https://news.example/ai/stories/2024-05-02-a%20b%2Fc/"
    assert LINKS.feed("atom", "ai") == "/topics/ai/feed.atom"
    assert SiteLinks.of(SiteSettings(url="http://127.0.0.1:8000")).path("/") == "/"


def test_topic_pages_cover_their_subtopics() -> None:
    ai = find_topic(TOPICS, "AI")
    assert ai is not None
    assert ai.id == "ai"
    assert set(covered_names(ai, TOPICS)) >= {"AI", "AI in Robotics", "AI Hardware", "AI Policy"}
    assert covered_names(TOPICS[1], TOPICS) == ("AI in Robotics", "ai-in-robotics")
    assert [t.id for t in nav_topics(TOPICS)] == ["ai", "ai-in-robotics", "ai-hardware", "ai-policy"]
    looped = [topic("a", "A", parent="B"), topic("b", "B", parent="A")]
    assert set(covered_names(looped[0], looped)) == {"A", "a", "B", "b"}  # a cycle ends the walk


def test_the_static_site_files_are_feeds_sitemaps_topic_pages_and_newsletters() -> None:
    issue = Newsletter(date(2024, 5, 2), "A.I. Every Day (2024-05-02)", 'One / "Two"', "<html>x</html>", "x", 2)
    files = site_files(beat(), TOPICS, [issue], SITE)
    assert {"feed.xml", "feed.atom", "feed.json", "topics/ai-policy/feed.json", "sitemap.xml"} <= set(files)
    assert parse_feed(files["feed.xml"], "https://news.example/ai/feed.xml").entries[0].link == (
        "https://news.example/ai/news/2024-05-02-chip-results/"
    )  # an exported site's story pages are the "Every Day" sites' /news/<slug>/
    policy = json.loads(files["api/news/ai-policy/index.json"])
    assert [e["title"] for e in policy["value"]] == ["Senators question AI labs at a safety hearing"]
    newsletter = files["_newsletters/a-i-every-day-2024-05-02.html"].decode()
    assert newsletter.startswith('---\ntitle: "A.I. Every Day (2024-05-02)"\nexcerpt: "One / \\"Two\\""\n')
    assert newsletter.endswith("---\n<html>x</html>")
    assert site_files(beat(), TOPICS, [issue], SITE) == files  # no clock: the same bytes every time
