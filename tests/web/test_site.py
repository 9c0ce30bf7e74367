"""The web app through FastAPI's TestClient, over a real store: pages, API, feeds, sitemaps, safety, caching."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from newsdesk.ingest.sources.feed import parse_feed
from newsdesk.ingest.sources.sitemap import parse_sitemap
from newsdesk.record import Newsletter
from newsdesk.settings import Settings, SiteSettings, WebSettings
from newsdesk.store import Store, schema
from newsdesk.store.newsletters import save_newsletter
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.markup import assert_inert_html, parse_html, strings
from tests.support.publishdata import HOSTILE_NAME, HOSTILE_TITLE, HOSTILE_URL, NOW, beat, save, settings, story
from tests.support.schemas import JSON_FEED

REAL_ENTRY_KEYS = [
    "path", "title", "excerpt", "sourceUrl", "webUrl", "originalUrl", "featuredContent", "highlight", "heat",
    "tags", "images", "content", "type", "ampWebUrl", "cdnAmpWebUrl", "publishedDateTime", "updatedDateTime",
    "provider", "locale", "categories", "topics",
]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """The app on SQLite (the store's queries run on both backends in test_publish_store.py; one test below
    runs the app on PostgreSQL too)."""
    with Store.open(f"sqlite:///{tmp_path / 'site.db'}") as opened:
        yield opened


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2024, 5, 3, 7, 0, tzinfo=UTC))


@pytest.fixture
def client(store: Store, tmp_path: Path, clock: ManualClock) -> Iterator[TestClient]:
    save(store, beat())
    with TestClient(create_app(settings(tmp_path), store, clock), follow_redirects=False) as test_client:
        yield test_client


def html(client: TestClient, path: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:300])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src" not in response.headers["content-security-policy"]  # no script, from anywhere
    assert response.headers["x-content-type-options"] == "nosniff"
    return parse_html(response.content)


def headlines(page: lxml.html.HtmlElement) -> list[str]:
    return [h.text_content().strip() for h in page.xpath("//article[@class='story']/h2")]


def test_the_front_page_shows_published_stories_by_heat_with_their_coverage(client: TestClient) -> None:
    page = html(client, "/")
    assert headlines(page) == [
        "Chip maker beats forecasts on accelerator demand",
        "Robotics lab unveils a warehouse arm that learns a grip",
    ]
    first = page.xpath("//article[@class='story']")[1]
    assert first.xpath(".//h2/a/@href") == ["https://roboticsweekly.example/robotics-lab-unveils-a-warehouse-arm-tha"]
    assert [a.text_content() for a in first.xpath(".//p[@class='more']/a")] == ["Gadget Desk", "Supply Chain Today"]
    assert first.xpath(".//p[@class='meta']/a/@href") == [
        "/stories/2024-05-02-warehouse-arm/", "/topics/ai-in-robotics/", "/topics/ai/",
    ]  # fmt: skip
    assert "unpublished draft" not in lxml.html.tostring(page, encoding="unicode").lower()
    assert page.xpath("//link[@rel='next']/@href") == ["/?page=2"]
    assert page.xpath("//link[@type='application/atom+xml']/@href") == ["/feed.atom"]
    # The next pages, then a page past the end: a clean 404.
    assert headlines(html(client, "/?page=2")) == [
        "Senators question AI labs at a safety hearing",
        "Cloud outage takes down a chatbot for an hour",
    ]
    assert headlines(html(client, "/?page=3")) == ["A new open model tops the leaderboard"]
    assert html(client, "/?page=3").xpath("//link[@rel='next']") == []
    html(client, "/?page=4", status=404)


def test_topic_pages_hold_the_topic_and_its_subtopics(client: TestClient) -> None:
    assert headlines(html(client, "/topics/ai-in-robotics/")) == [
        "Robotics lab unveils a warehouse arm that learns a grip"
    ]
    ai = html(client, "/topics/ai/")
    assert ai.xpath("//h1")[0].text_content().startswith("AI")
    assert len(headlines(ai)) == 2
    assert ai.xpath("//link[@rel='next']/@href") == ["/topics/ai/?page=2"]
    assert client.get("/topics/AI/").headers["location"] == "/topics/ai/"
    missing = html(client, "/topics/cooking/", status=404)
    assert missing.xpath("//h1")[0].text_content() == "No such topic"


def test_the_story_page_and_its_other_addresses(client: TestClient, store: Store) -> None:
    page = html(client, "/stories/2024-05-02-warehouse-arm/")
    assert page.xpath("//h1")[0].text_content().strip().startswith("Robotics lab unveils")
    assert [li.xpath(".//span[@class='outlet']")[0].text_content() for li in page.xpath("//section//li")] == [
        "Gadget Desk",
        "Supply Chain Today",
    ]
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://news.example/stories/2024-05-02-warehouse-arm/"]
    with store.transaction() as conn:
        row = conn.execute(schema.stories.select().where(schema.stories.c.slug == "2024-05-02-warehouse-arm")).first()
    assert row is not None
    assert client.get(f"/stories/{row.id}/").headers["location"] == "/stories/2024-05-02-warehouse-arm/"
    assert client.get("/news/2024-05-02-warehouse-arm/").headers["location"] == "/stories/2024-05-02-warehouse-arm/"
    html(client, "/stories/2024-05-02-hidden-draft/", status=404)
    html(client, "/stories/nothing-here/", status=404)


def test_search_finds_and_ranks_and_keeps_the_query_in_the_box(client: TestClient) -> None:
    page = html(client, "/search?q=warehouse+arm")
    assert headlines(page) == ["Robotics lab unveils a warehouse arm that learns a grip"]
    assert page.xpath("//input[@name='q']/@value") == ["warehouse arm"]
    assert headlines(html(client, "/search?q=chip")) == ["Chip maker beats forecasts on accelerator demand"]
    nothing = html(client, "/search?q=" + "%3Cscript%3Ealert(1)%3C/script%3E")
    assert headlines(nothing) == []
    assert_inert_html(lxml.html.tostring(nothing.xpath("//main")[0], encoding="unicode"))
    assert "Type words" in html(client, "/search").xpath("//p[@class='empty']")[0].text_content()
    assert client.get("/search?q=" + "x" * 500).status_code == 400


def test_the_archive_by_day_and_the_newsletters(client: TestClient, store: Store) -> None:
    assert client.get("/archive/").headers["location"] == "/archive/2024-05-02/"
    day = html(client, "/archive/2024-05-02/")
    assert headlines(day) == [
        "Chip maker beats forecasts on accelerator demand",
        "Robotics lab unveils a warehouse arm that learns a grip",
    ]
    assert day.xpath("//nav[@class='pager']/a/@href") == ["/archive/2024-05-01/"]
    html(client, "/archive/not-a-day/", status=404)
    assert headlines(html(client, "/archive/2024-06-01/")) == []
    html(client, "/newsletters/2024-05-02/", status=404)
    issue = Newsletter(
        date(2024, 5, 2), "A.I. Every Day (2024-05-02)", "Chip / Arm", "<html><p>issue</p></html>", "", 2
    )
    with store.transaction() as conn:
        save_newsletter(conn, issue, now=NOW)
    served = client.get("/newsletters/2024-05-02/")
    assert served.text == "<html><p>issue</p></html>"
    assert "script-src" not in served.headers["content-security-policy"]
    assert html(client, "/newsletters/").xpath("//h2/a/@href") == ["/newsletters/2024-05-02/"]
    assert "/newsletters/2024-05-02/" in html(client, "/archive/2024-05-02/").xpath("//nav[@class='pager']/a/@href")


def test_unknown_addresses_and_bad_parameters_get_clean_pages(client: TestClient) -> None:
    assert html(client, "/no/such/page", status=404).xpath("//h1")[0].text_content() == "Not found"
    assert html(client, "/?page=abc", status=400).xpath("//h1")[0].text_content() == "Bad request"
    html(client, "/?page=0", status=400)
    api = client.get("/api/no-such")
    assert (api.status_code, api.json()) == (404, {"detail": "not found"})
    assert client.get("/api/news/?page=x").status_code == 400
    refused = client.post("/")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET"  # RFC 9110: a 405 says what the address does answer
    assert "This address answers GET only." in refused.text
    assert client.delete("/api/news/").headers["allow"] == "GET"


def test_the_news_api_has_the_real_shape_newest_first(client: TestClient) -> None:
    response = client.get("/api/news/")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"
    first = response.json()
    assert (first["page"], first["nextPage"]) == (1, 2)
    assert [e["title"] for e in first["value"]] == [
        "Chip maker beats forecasts on accelerator demand",
        "Robotics lab unveils a warehouse arm that learns a grip",
    ]
    assert list(first["value"][0])[: len(REAL_ENTRY_KEYS)] == REAL_ENTRY_KEYS
    assert first["value"][0]["related"][0]["provider"]["name"] == "Silicon Daily"
    last = client.get("/api/news/?page=3").json()
    assert (last["page"], last["nextPage"], len(last["value"])) == (3, None, 1)
    assert client.get("/api/news/?page=4").status_code == 404
    policy = client.get("/api/news/ai-policy/").json()
    assert [e["title"] for e in policy["value"]] == ["Senators question AI labs at a safety hearing"]
    assert client.get("/api/news/cooking/").status_code == 404
    one = client.get("/api/stories/2024-05-02-warehouse-arm").json()
    assert one["url"] == "https://news.example/stories/2024-05-02-warehouse-arm/"
    assert one["heat"] == 80
    assert len(one["related"]) == 2
    assert client.get("/api/stories/2024-05-02-hidden-draft").status_code == 404
    topics = client.get("/api/topics/").json()
    assert topics[0] == {
        "id": "ai", "name": "AI", "parent": None, "shortname": None,
        "url": "https://news.example/topics/ai/", "api": "https://news.example/api/news/ai/",
    }  # fmt: skip


def test_the_openapi_schema_documents_the_api(client: TestClient) -> None:
    schema_ = client.get("/api/openapi.json").json()
    assert set(schema_["paths"]) == {"/api/news/", "/api/news/{topic}/", "/api/stories/{ident}", "/api/topics/"}
    news = schema_["paths"]["/api/news/"]["get"]
    assert news["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewsPageModel"
    }
    assert "nextPage" in schema_["components"]["schemas"]["NewsPageModel"]["properties"]
    assert client.get("/api/docs").status_code == 200


@pytest.mark.parametrize("path", ["/feed.xml", "/feed.atom", "/topics/ai/feed.xml", "/topics/ai/feed.atom"])
def test_feeds_parse_back(client: TestClient, path: str) -> None:
    response = client.get(path)
    parsed = parse_feed(response.content, "https://news.example" + path, response.headers["content-type"])
    assert [e.title for e in parsed.entries][:2] == [
        "Chip maker beats forecasts on accelerator demand",
        "Robotics lab unveils a warehouse arm that learns a grip",
    ]
    assert parsed.entries[0].link == "https://news.example/stories/2024-05-02-chip-results/"
    assert not feedparser.parse(response.content).bozo


def test_the_json_feed_and_a_topics_feed(client: TestClient) -> None:
    feed = client.get("/topics/ai-policy/feed.json")
    assert feed.headers["content-type"] == "application/feed+json; charset=utf-8"
    body = feed.json()
    assert body["feed_url"] == "https://news.example/topics/ai-policy/feed.json"
    assert [i["title"] for i in body["items"]] == ["Senators question AI labs at a safety hearing"]
    assert client.get("/topics/cooking/feed.json").status_code == 404


def test_sitemaps_and_robots(client: TestClient, clock: ManualClock) -> None:
    site = parse_sitemap(client.get("/sitemap.xml").content, "https://news.example/sitemap.xml")
    locs = [u.loc for u in site.urls]
    assert locs[:2] == ["https://news.example/", "https://news.example/topics/ai/"]
    assert "https://news.example/stories/2024-05-02-chip-results/" in locs
    assert not any("hidden" in loc for loc in locs)
    news = parse_sitemap(client.get("/news-sitemap.xml").content, "https://news.example/news-sitemap.xml")
    assert [u.loc for u in news.urls] == [
        "https://news.example/stories/2024-05-02-chip-results/",
        "https://news.example/stories/2024-05-02-warehouse-arm/",
        "https://news.example/stories/2024-05-01-policy-hearing/",
    ]
    # Two days on (and the page's time to live past), the same stories are too old for Google News.
    clock.advance(2 * 86_400)
    assert parse_sitemap(client.get("/news-sitemap.xml").content, "https://x.example/").urls == ()
    assert "Sitemap: https://news.example/news-sitemap.xml" in client.get("/robots.txt").text


def test_a_write_shows_at_once_and_unchanged_pages_cost_a_304(client: TestClient, store: Store) -> None:
    before = client.get("/")
    etag = before.headers["etag"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    with store.transaction() as conn:
        conn.execute(update(schema.stories).where(schema.stories.c.slug == "2024-04-30-no-topics").values(heat=100))
    after = client.get("/", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert headlines(parse_html(after.content))[0] == "Cloud outage takes down a chatbot for an hour"
    save(store, [story("2024-05-03-breaking", "Breaking: a brand new story", heat=1000, when=EARLY)], topics=())
    assert headlines(html(client, "/"))[0] == "Breaking: a brand new story"
    assert client.get("/api/news/").json()["value"][0]["title"] == "Breaking: a brand new story"


def test_conditional_requests_compare_tags_weakly_and_text_is_gzipped_when_asked(client: TestClient) -> None:
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    tag = plain.headers["etag"]
    assert tag.startswith('"')
    # What nginx sends back after gzipping (a weak tag), a list of tags, and "*" all mean "unchanged".
    for asked in (f"W/{tag}", f'"other", {tag}', "*"):
        assert client.get("/", headers={"If-None-Match": asked}).status_code == 304, asked
    assert client.get("/", headers={"If-None-Match": '"other"'}).status_code == 200
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["etag"] == f"W/{tag}"
    assert "Accept-Encoding" in packed.headers["vary"]
    assert packed.content == plain.content  # httpx undoes the gzip
    assert client.get("/api/news/", headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip"
    # Feed readers that revalidate by date get a 304 too.
    feed = client.get("/feed.xml")
    stamp = feed.headers["last-modified"]
    assert stamp.endswith(" GMT")
    assert client.get("/feed.xml", headers={"If-Modified-Since": stamp}).status_code == 304
    assert client.get("/feed.xml", headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"}).status_code == 200
    assert client.get("/", headers={"Accept-Encoding": "gzip;q=0"}).headers.get("content-encoding") is None
    # Brotli where the client takes it (browsers do, over HTTPS), with the same weak tag.
    squeezed = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["content-encoding"] == "br"
    assert squeezed.headers["etag"] == f"W/{tag}"
    assert squeezed.content == plain.content  # httpx undoes the brotli
    assert client.get("/", headers={"If-None-Match": f"W/{tag}", "Accept-Encoding": "br"}).status_code == 304


#: A time on the fixture clock's day, before it (stories dated after the clock are not out yet).
EARLY = datetime(2024, 5, 3, 6, 0, tzinfo=UTC)


@pytest.fixture
def hostile_client(store: Store, tmp_path: Path, clock: ManualClock) -> Iterator[TestClient]:
    body = "<script>alert(4)</script> [link](javascript:alert(5)) <a href=x onclick=alert(6)>a</a>\n"
    evil = story("2024-05-02-evil", HOSTILE_TITLE, heat=50, outlet=HOSTILE_NAME, url=HOSTILE_URL, when=EARLY,
                 excerpt="<img src=x onerror=alert(2)>", related=((HOSTILE_TITLE, HOSTILE_NAME),),
                 topics=("<script>alert(3)</script>", "AI"), body=body)  # fmt: skip
    related = tuple(dataclasses.replace(a, web_url=HOSTILE_URL) for a in evil.related or ())
    primary = dataclasses.replace(evil.primary, featured_content='<iframe src="javascript:alert(7)"></iframe>')
    save(store, [dataclasses.replace(evil, primary=primary, related=related)])
    with TestClient(create_app(settings(tmp_path), store, clock), follow_redirects=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "path", ["/", "/stories/2024-05-02-evil/", "/topics/ai/", "/search?q=script", "/archive/2024-05-03/"]
)
def test_hostile_text_is_inert_in_every_page(hostile_client: TestClient, path: str) -> None:
    response = hostile_client.get(path)
    assert response.status_code == 200
    page = parse_html(response.content)
    assert page.xpath("//script") == []
    assert_inert_html(lxml.html.tostring(page.xpath("//body")[0], encoding="unicode"))
    for href in page.xpath("//@href | //@src"):
        assert href.startswith(("/", "https://")), href
    text = page.text_content()
    if path in {"/", "/stories/2024-05-02-evil/"}:
        assert HOSTILE_TITLE in text  # shown, as text


def test_hostile_text_is_inert_in_feeds_and_json(hostile_client: TestClient) -> None:
    for path in ["/feed.xml", "/feed.atom", "/feed.json"]:
        response = hostile_client.get(path)
        assert response.headers["content-security-policy"].endswith("sandbox")
        entry = parse_feed(response.content, "https://news.example" + path).entries[0]
        assert entry.title == HOSTILE_TITLE
        assert_inert_html(entry.content or "")
    api = hostile_client.get("/api/news/")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.headers["content-security-policy"].endswith("sandbox")
    entry = api.json()["value"][0]
    assert (entry["title"], entry["provider"]["name"]) == (HOSTILE_TITLE, HOSTILE_NAME)  # data, unchanged
    assert entry["webUrl"] is None  # not an http(s) link: a client putting it in an href runs nothing
    assert entry["related"][0]["webUrl"] is None
    assert entry["featuredContent"] is None  # the iframe was not a known player
    story_page = hostile_client.get("/api/stories/2024-05-02-evil").json()
    assert (story_page["webUrl"], story_page["title"]) == (None, HOSTILE_TITLE)


def test_the_static_stylesheet(client: TestClient) -> None:
    css = client.get("/static/site.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


def test_a_site_under_a_path_links_under_it_and_answers_with_or_without_it(
    store: Store, tmp_path: Path, clock: ManualClock
) -> None:
    save(store, beat())
    under = Settings(desk=tmp_path, site=SiteSettings(url="https://example.org/ai/"), web=WebSettings(page_size=2))
    with TestClient(create_app(under, store, clock), follow_redirects=False) as test_client:
        for path in ["/", "/ai/", "/ai"]:
            page = html(test_client, path)
            assert page.xpath("//link[@rel='stylesheet']/@href") == ["/ai/static/site.css"]
            assert page.xpath("//link[@rel='next']/@href") == ["/ai/?page=2"]
        assert test_client.get("/ai/static/site.css").status_code == 200
        assert test_client.get("/ai/api/news/").json()["page"] == 1
        assert test_client.get("/aix/").status_code == 404


def test_the_app_serves_and_follows_writes_on_both_backends(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    with Store.open(database_url) as store:
        save(store, beat())
        with TestClient(create_app(settings(tmp_path), store, clock)) as test_client:
            assert headlines(html(test_client, "/"))[0] == "Chip maker beats forecasts on accelerator demand"
            assert headlines(html(test_client, "/search?q=warehouse"))[0].startswith("Robotics lab unveils")
            save(store, [story("2024-05-03-breaking", "Breaking: a brand new story", heat=1000, when=EARLY)], topics=())
            assert headlines(html(test_client, "/"))[0] == "Breaking: a brand new story"


def test_head_is_answered_like_get_without_a_body(client: TestClient) -> None:
    got, head = client.get("/feed.xml"), client.head("/feed.xml")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == got.headers["content-length"] != "0"
    assert client.head("/no/such/page").status_code == 404


def test_a_story_page_carries_its_language_tag(client: TestClient, store: Store) -> None:
    sa, stories = schema.story_articles, schema.stories
    with store.transaction() as conn:
        primary = conn.execute(
            select(sa.c.article_id)
            .join(stories, stories.c.id == sa.c.story_id)
            .where(stories.c.slug == "2024-05-02-warehouse-arm", sa.c.position == 0)
        ).scalar_one()
        conn.execute(update(schema.articles).where(schema.articles.c.id == primary).values(language="pt-br"))
    page = html(client, "/stories/2024-05-02-warehouse-arm/")
    assert page.xpath("//article[contains(@class, 'full')]/@lang") == ["pt-br"]
    # The feeds say so for that item only (the feed itself is in the site's language).
    item = next(i for i in client.get("/feed.json").json()["items"] if "warehouse-arm" in i["id"])
    assert item["language"] == "pt-br"
    assert sum("language" in i for i in client.get("/feed.json").json()["items"]) == 1
    atom = lxml.etree.fromstring(client.get("/feed.atom").content)
    langs = atom.xpath(
        "//a:entry[contains(a:id, 'warehouse-arm')]/@xml:lang", namespaces={"a": "http://www.w3.org/2005/Atom"}
    )
    assert langs == ["pt-br"]
    rss = lxml.etree.fromstring(client.get("/feed.xml").content)
    assert rss.xpath(
        "//item[contains(link, 'warehouse-arm')]/dc:language/text()",
        namespaces={"dc": "http://purl.org/dc/elements/1.1/"},
    ) == ["pt-br"]
    assert len(strings(rss, "//dc:language/text()", {"dc": "http://purl.org/dc/elements/1.1/"})) == 1
    # The API's locale is the story's language where known, else the site's.
    locales = {e["path"]: e["locale"] for e in client.get("/api/news/").json()["value"]}
    assert locales["_news/2024-05-02-warehouse-arm.md"] == "pt-br"
    assert set(locales.values()) == {"pt-br", "en-us"}
    assert client.get("/api/stories/2024-05-02-warehouse-arm").json()["locale"] == "pt-br"
    # Listings mark the story in another language than the site's, and its headline's link says so too.
    front = html(client, "/")
    assert front.xpath("//article[@lang]/h2/a/@hreflang") == ["pt-br"]
    assert front.xpath("//article[@lang='pt-br']//a[contains(@href, 'warehouse-arm')]")
    # The Google News sitemap gives that story its own language.
    news = client.get("/news-sitemap.xml").text
    item = news[news.index("warehouse-arm") :]
    assert item.index("<news:language>pt</news:language>") < item.index("</url>")
    # The API filters by language: a primary subtag takes its regions; a bad code is a clear 400.
    only = client.get("/api/news/?language=PT").json()["value"]
    assert [e["path"] for e in only] == ["_news/2024-05-02-warehouse-arm.md"]
    assert client.get("/api/news/?language=de").json()["value"] == []
    wrong = client.get("/api/news/?language=portugu%C3%AAs")
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == "language: String should match pattern '^[A-Za-z]{2,3}$'"
    topic = client.get("/api/topics/").json()[0]["id"]
    for entry in client.get(f"/api/news/{topic}/?language=pt").json()["value"]:
        assert entry["locale"] == "pt-br"
    # A story whose language is not known is in the site's own (the page's lang): no tag of its own.
    assert html(client, "/stories/2024-05-02-chip-results/").xpath("//article[contains(@class, 'full')]/@lang") == []


def test_relative_record_urls_are_resolved_against_their_outlet_or_article_and_bad_ones_are_null() -> None:
    from newsdesk.web.api import safe_entry

    entry = {
        "webUrl": "https://outlet.example/news/1",
        "images": [{"url": "/img/lead.jpg"}, {"url": "javascript:alert(1)"}],
        "provider": {"name": "Outlet", "domain": "outlet.example", "images": [{"url": "/logo.png"}]},
        "related": [{"webUrl": "https://other.example/a/b", "images": [{"url": "pic.png"}]}],
    }
    served = safe_entry(entry)
    assert served["images"] == [{"url": "https://outlet.example/img/lead.jpg"}, {"url": None}]
    assert served["provider"]["images"] == [{"url": "https://outlet.example/logo.png"}]
    assert served["related"][0]["images"] == [{"url": "https://other.example/a/pic.png"}]
    assert safe_entry({"webUrl": "/relative/only"}) == {"webUrl": None}  # nothing to resolve it against


@pytest.mark.parametrize("path", ["/feed.xml", "/feed.atom", "/feed.json", "/topics/ai/feed.xml"])
def test_every_feed_is_well_formed_for_feed_readers_even_with_hostile_text(
    hostile_client: TestClient, path: str
) -> None:
    """What feedparser (the readers' common parser) reads without a complaint (RSS, Atom); JSON Feed 1.1 by its
    schema; no control character anywhere."""
    response = hostile_client.get(path)
    assert response.status_code == 200
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", response.text)
    if not path.endswith(".json"):  # feedparser 6 reads no JSON Feed
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.entries, path
    else:
        document = response.json()
        assert document["items"]
        JSON_FEED.validate(document)  # raises, naming the member, on anything JSON Feed 1.1 does not allow


def test_the_json_feed_schema_refuses_what_the_specification_does_not_allow() -> None:
    good: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "A.I. Every Day",
        "items": [{"id": "1", "content_text": "x", "date_published": "2024-05-02T09:00:00Z", "_ext": {"a": 1}}],
    }
    assert JSON_FEED.is_valid(good)
    item = good["items"][0]
    for bad in (
        {**good, "version": "https://jsonfeed.org/version/1"},
        {**good, "items": [{"content_text": "no id"}]},
        {**good, "items": [{"id": "1"}]},  # no content
        {**good, "items": [{**item, "date_published": "2 May 2024"}]},
        {**good, "items": [{**item, "url": "/relative/only"}]},
        {**good, "author": {"name": "1.0 spelling"}},  # not a 1.1 member
        {**good, "title": None},
    ):
        assert not JSON_FEED.is_valid(bad), bad


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/stories/2024-05-02-evil/", 200),
        ("/topics/ai/", 200),
        ("/search?q=evil", 200),
        ("/archive/2024-05-02/", 200),
        ("/newsletters/", 200),
        ("/api/docs", 200),
        ("/newsletter/subscribe", 200),
        ("/newsletter/confirm/" + "0" * 48, 404),
        ("/stories/no-such-story/", 404),
    ],
)
def test_every_page_parses_as_strict_html5(hostile_client: TestClient, path: str, status: int) -> None:
    html5lib = pytest.importorskip("html5lib")
    response = hostile_client.get(path)
    assert response.status_code == status
    html5lib.HTMLParser(strict=True).parse(response.content)  # raises on any parse error
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", response.text)
