"""Watching sources end to end: a real desk, a real HTTP server on 127.0.0.1, real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsdesk.desk import open_desk
from newsdesk.store import schema
from newsdesk.store.articles import load_articles
from newsdesk.store.sources import list_sources
from tests.support.commandline import newsdesk, stats
from tests.support.httpserver import Reply, Site, gzip_bomb, serve
from tests.support.sitefiles import SITE_FILES, serve_directory

FAST = "[fetch]\nhost_interval = 0.05\ntimeout = 5.0\n"


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as running:
        serve_directory(running, SITE_FILES)
        yield running


@pytest.fixture
def desk(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A desk that may fetch from 127.0.0.1 (as an intranet desk would), with short spacing."""
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    path = tmp_path / "desk"
    assert newsdesk("init", path, "--database", database_url)[0] == 0
    settings = path / "newsdesk.toml"
    text = settings.read_text(encoding="utf-8").replace("host_interval = 2.0", "host_interval = 0.05")
    settings.write_text(text, encoding="utf-8")
    return path


def fetched_articles(desk: Path) -> dict[str, dict[str, object]]:
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        rows = list(conn.execute(select(schema.articles)))
        articles = load_articles(conn, [r.id for r in rows])
    return {a.web_url or "": {"article": a, "row": r} for r in rows for a in [articles[r.id]]}


def test_adding_a_home_page_finds_its_feed(site: Site, desk: Path) -> None:
    code, out, _ = newsdesk("sources", "add", site.url("/"), "--desk", desk)
    assert (code, out) == (0, f"added feed {site.url('/feed.xml')}\n")
    code, out, _ = newsdesk("sources", "add", site.url("/feed.xml"), "--desk", desk)
    assert out == f"already watching feed {site.url('/feed.xml')}\n"
    code, out, _ = newsdesk("sources", "add", site.url("/news-sitemap.xml"), "--desk", desk)
    assert out == f"added sitemap {site.url('/news-sitemap.xml')}\n"
    code, out, _ = newsdesk("sources", "add", site.url("/2024/05/arm-learns-grip"), "--desk", desk)
    assert out == f"added page {site.url('/2024/05/arm-learns-grip')}\n"


def test_a_feed_is_fetched_read_and_stored_then_polled_conditionally(site: Site, desk: Path) -> None:
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    code, out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 0, err
    assert out == "fetched 1 sources: 3 new articles, 0 not modified, 0 failed\n"
    # The feed (robots.txt is not asked for feeds), then the teaser's page after robots.txt;
    # the full-content entry's page is not fetched, the disallowed one never asked for.
    assert site.paths() == ["/feed.xml", "/robots.txt", "/2024/05/arm-learns-grip?utm_source=rss&utm_medium=feed"]
    articles = fetched_articles(desk)
    arm = articles[site.url("/2024/05/arm-learns-grip")]["article"]
    assert arm.title == "A warehouse arm learns a new grip in minutes"  # type: ignore[attr-defined]
    assert arm.original_url == site.url("/2024/05/arm-learns-grip?utm_source=rss&utm_medium=feed")  # type: ignore[attr-defined]
    assert arm.amp_web_url == site.url("/2024/05/arm-learns-grip/amp/")  # type: ignore[attr-defined]
    assert arm.provider.name == "Lab Notes"  # type: ignore[attr-defined]
    assert arm.images[0].width == 1600  # type: ignore[attr-defined]
    assert arm.published == datetime(2024, 5, 2, 8, 10, tzinfo=UTC)  # type: ignore[attr-defined]
    arm_row = articles[site.url("/2024/05/arm-learns-grip")]["row"]
    assert json.loads(arm_row.links) == ["https://arxiv.example/abs/2405.01234", "https://freight-co.example/"]  # type: ignore[attr-defined]
    assert "priced at $45,000" in arm_row.text  # type: ignore[attr-defined]
    full = articles[site.url("/2024/05/shared-safety-test")]["row"]
    assert "ninety pages" in full.text  # type: ignore[attr-defined]
    members = articles[site.url("/private/price-list")]["article"]
    assert members.title == "Members only: the robot arm price list"  # type: ignore[attr-defined]

    held = stats(desk)
    code, out, _ = newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert out == "fetched 1 sources: 0 new articles, 1 not modified, 0 failed\n"
    assert site.seen[-1].path == "/feed.xml"
    assert site.seen[-1].headers["if-none-match"].startswith('"')
    assert stats(desk) == held

    code, out, _ = newsdesk("sources", "list", "--desk", desk)
    line = out.splitlines()[0]
    assert "status: 304" in line
    assert "items: 3" in line
    assert "error:" not in line


def test_nothing_is_fetched_before_it_is_due(site: Site, desk: Path) -> None:
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    newsdesk("fetch", "--once", "--desk", desk)
    requests = len(site.seen)
    _code, out, _ = newsdesk("fetch", "--once", "--desk", desk)
    assert out == "fetched 0 sources: 0 new articles, 0 not modified, 0 failed\n"
    assert len(site.seen) == requests
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        [source] = list_sources(conn)
    assert source.next_due_at is not None
    assert source.next_due_at > datetime.now(UTC) + timedelta(minutes=10)


def test_a_sitemap_and_a_page_are_watched_with_robots_obeyed(site: Site, desk: Path) -> None:
    newsdesk("sources", "add", site.url("/news-sitemap.xml"), "--kind", "sitemap", "--desk", desk)
    newsdesk("sources", "add", site.url("/2024/05/arm-learns-grip"), "--kind", "page", "--desk", desk)
    _code, out, _ = newsdesk("fetch", "--once", "--desk", desk)
    assert out == "fetched 2 sources: 2 new articles, 0 not modified, 0 failed\n"
    assert "/private/price-list" not in site.paths()
    assert site.paths().count("/robots.txt") == 1
    titles = {a["article"].title for a in fetched_articles(desk).values()}  # type: ignore[attr-defined]
    assert titles == {"Second story: the arm goes on sale", "A warehouse arm learns a new grip in minutes"}


def test_failing_sources_say_why_and_the_rest_goes_on(site: Site, desk: Path) -> None:
    site.route("/gone.xml", Reply(404, {}, b"no"))
    site.route("/busy.xml", Reply(429, {"Retry-After": "7200"}, b"slow down"))
    site.route("/broken.xml", Reply(200, {"Content-Type": "application/xml"}, b"\x00\x01 not xml at all"))
    for path in ("/gone.xml", "/busy.xml", "/broken.xml", "/feed.xml"):
        newsdesk("sources", "add", site.url(path), "--kind", "feed", "--desk", desk)
    newsdesk("sources", "add", "http://no-such-host.invalid/feed", "--kind", "feed", "--desk", desk)
    code, out, _ = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 0
    assert out == "fetched 5 sources: 3 new articles, 0 not modified, 4 failed\n"
    code, out, _ = newsdesk("sources", "list", "--desk", desk)
    lines = {line.split("  ")[2]: line for line in out.splitlines()[:-1]}
    assert "status: 404" in lines[site.url("/gone.xml")]
    assert "error: 404 Not Found" in lines[site.url("/gone.xml")]
    assert "error: 429 Too Many Requests" in lines[site.url("/busy.xml")]
    assert "error: unreadable" in lines[site.url("/broken.xml")]
    assert "error: DNS lookup of no-such-host.invalid failed" in lines["http://no-such-host.invalid/feed"]
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        busy = next(s for s in list_sources(conn) if s.url.endswith("/busy.xml"))
    assert busy.failures == 1
    assert busy.next_due_at is not None
    assert busy.next_due_at >= datetime.now(UTC) + timedelta(seconds=7000)


HOSTILE_NUMBERS_RSS = """<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Odd numbers</title><ttl>²³</ttl>
<item><title>Widths in superscript</title><link>https://odd.example/1</link><description>Text.</description>
<pubDate>²³ May 2024 10:00:00 GMT</pubDate>
<enclosure url="https://odd.example/a.mp3" length="²³" type="audio/mpeg"/>
<media:content url="https://odd.example/a.jpg" width="²³" height="9999999999999999999999999"/></item>
</channel></rss>""".encode()

HOSTILE_NUMBERS_JSON = (
    '{"version": "https://jsonfeed.org/version/1.1", "title": "Odd JSON", "items": [{"id": "1", '
    '"url": "https://odd-json.example/1", "title": "Sizes", "content_text": "Text.", '
    '"attachments": [{"url": "https://odd-json.example/a.mp3", "mime_type": "audio/mpeg", '
    '"size_in_bytes": "²³"}, {"url": "https://odd-json.example/b.mp3", "mime_type": "audio/mpeg", '
    '"size_in_bytes": 1e400}]}]}'
).encode()


def test_hostile_numbers_from_a_source_are_recorded_and_the_round_goes_on(site: Site, desk: Path) -> None:
    """A 503 with ``Retry-After: ²³`` once ended `fetch` with a traceback and recorded nothing."""
    site.route("/down.xml", Reply(503, {"Retry-After": "²³"}, b"down"))
    site.route("/odd.xml", Reply(200, {"Content-Type": "application/rss+xml"}, HOSTILE_NUMBERS_RSS))
    site.route("/odd.json", Reply(200, {"Content-Type": "application/feed+json"}, HOSTILE_NUMBERS_JSON))
    for path in ("/down.xml", "/odd.xml", "/odd.json", "/feed.xml"):
        newsdesk("sources", "add", site.url(path), "--kind", "feed", "--desk", desk)
    code, out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 0, err
    assert out == "fetched 4 sources: 5 new articles, 0 not modified, 1 failed\n"
    assert "Traceback" not in err
    _, listing, _ = newsdesk("sources", "list", "--desk", desk)
    lines = {line.split("  ")[2]: line for line in listing.splitlines()[:-1]}
    assert "status: 503" in lines[site.url("/down.xml")]
    assert "error: 503 Service Unavailable" in lines[site.url("/down.xml")]
    assert "error:" not in lines[site.url("/odd.xml")]


def test_fetch_fails_when_every_source_failed(site: Site, desk: Path) -> None:
    site.route("/down.xml", Reply(503, {"Retry-After": "²³"}, b"down"))
    newsdesk("sources", "add", site.url("/down.xml"), "--kind", "feed", "--desk", desk)
    code, out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 1
    assert out == "fetched 1 sources: 0 new articles, 0 not modified, 1 failed\n"
    assert err.splitlines()[-1] == "error: every source failed (1); see `newsdesk sources list`"


def test_an_interrupted_run_is_resumed_without_duplicates(site: Site, desk: Path, tmp_path: Path) -> None:
    """Kill the desk mid-run (while a page is being served), run again: every article once."""
    slow_page = site.routes["/2024/05/arm-learns-grip"]
    site.route("/2024/05/arm-learns-grip", lambda r: Reply(200, {}, (b"<html>" for _ in range(200)), drip=0.05))
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    env = {**os.environ, "NEWSDESK_ALLOW_PRIVATE": "1"}
    command = [sys.executable, "-m", "newsdesk.cli", "fetch", "--once", "--desk", str(desk)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not any(s.path.startswith("/robots.txt") for s in site.seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    site.route("/2024/05/arm-learns-grip", slow_page)
    code, _out, _ = newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert code == 0
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        articles = conn.execute(select(func.count()).select_from(schema.articles)).scalar_one()
        entries = conn.execute(select(func.count()).select_from(schema.source_entries)).scalar_one()
        urls = [r.url for r in conn.execute(select(schema.articles.c.url))]
    assert (articles, entries) == (3, 3)
    assert len(set(urls)) == 3


def test_read_prints_one_json_object_per_article(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    code, out, _ = newsdesk("read", site.url("/2024/05/arm-learns-grip"), "--desk", tmp_path / "none")
    assert code == 0
    [page] = [json.loads(line) for line in out.splitlines()]
    assert page["webUrl"] == site.url("/2024/05/arm-learns-grip")
    assert page["provider"] == {"name": "Lab Notes", "domain": "127.0.0.1"}
    assert page["language"] == "en-gb"
    assert page["authors"] == ["Sam Okafor"]
    assert set(page) >= {
        "title",
        "excerpt",
        "publishedDateTime",
        "originalUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "type",
        "images",
        "text",
        "links",
    }
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes((SITE_FILES / "feed.xml").read_bytes().replace(b"SITE", b"https://lab-notes.example"))
    code, out, _ = newsdesk("read", feed_file)
    entries = [json.loads(line) for line in out.splitlines()]
    assert [e["title"] for e in entries] == [
        "Labs agree on a shared safety test for household robots",
        "A warehouse arm learns a new grip in minutes",
        "Members only: the robot arm price list",
    ]
    assert entries[1]["webUrl"] == "https://lab-notes.example/2024/05/arm-learns-grip"
    code, _, err = newsdesk("read", tmp_path / "missing.html")
    assert (code, err) == (1, f"error: {tmp_path / 'missing.html'}: no such file\n")


def test_read_prints_the_article_of_a_saved_page(tmp_path: Path) -> None:
    """`newsdesk read page.html` once failed on every HTML file (`file:///...: not an http(s) URL`)."""
    page = tmp_path / "arm.html"
    page.write_bytes(
        (SITE_FILES / "2024/05/arm-learns-grip.html").read_bytes().replace(b"SITE", b"https://lab-notes.example")
    )
    code, out, err = newsdesk("read", page, "--url", "https://lab-notes.example/2024/05/arm-learns-grip")
    assert code == 0, err
    [named] = [json.loads(line) for line in out.splitlines()]
    assert named["title"] == "A warehouse arm learns a new grip in minutes"
    assert named["originalUrl"] == "https://lab-notes.example/2024/05/arm-learns-grip"
    assert named["provider"]["domain"] == "lab-notes.example"
    assert named["authors"] == ["Sam Okafor"]
    code, out, err = newsdesk("read", page)
    assert code == 0, err
    [unnamed] = [json.loads(line) for line in out.splitlines()]
    assert unnamed["title"] == named["title"]
    assert unnamed["text"] == named["text"]
    assert unnamed["originalUrl"] == "https://unnamed.invalid/arm.html"
    code, out, _ = newsdesk("read", page.as_uri())
    assert (code, json.loads(out)["title"]) == (0, named["title"])


def test_read_says_what_is_wrong_with_a_file_in_one_line(tmp_path: Path) -> None:
    code, out, err = newsdesk("read", tmp_path / "missing.html", tmp_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"error: {tmp_path / 'missing.html'}: no such file",
        f"error: {tmp_path}: is a directory, not a page or feed file",
    ]
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    code, _, err = newsdesk("read", fifo)
    assert (code, err) == (1, f"error: {fifo}: is not a regular file\n")
    code, _, err = newsdesk("read", fifo, tmp_path, "--url", "https://x.example/")
    assert (code, err) == (1, "error: https://x.example/: --url names the address of one FILE; give one file with it\n")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>http://x.example/1</link></item></channel></rss>
"""


def external_entity(secret: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>t</title>
<item><title>Leak &xxe;</title><link>https://x.example/leak</link><description>&xxe;</description></item>
</channel></rss>
""".encode()


def big_feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Item {i}</title><link>https://big.example/{i}</link><description>Entry {i}.</description></item>"
        for i in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{entries}</channel></rss>'.encode()


def test_hostile_feeds_are_refused_not_obeyed_and_the_rest_goes_on(
    site: Site, desk: Path, tmp_path: Path, database_url: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    site.route("/lol.xml", Reply(200, {"Content-Type": "application/rss+xml"}, BILLION_LAUGHS))
    site.route("/xxe.xml", Reply(200, {"Content-Type": "application/rss+xml"}, external_entity(secret)))
    site.route("/bomb.xml", Reply(200, {"Content-Encoding": "gzip"}, gzip_bomb(64 * 1024 * 1024)))
    site.route("/latin1.xml", Reply(200, {"Content-Type": "application/rss+xml; charset=utf-8"}, LATIN1_FEED))
    settings = desk / "newsdesk.toml"
    text = settings.read_text(encoding="utf-8").replace("max_body_bytes = 10485760", "max_body_bytes = 4194304")
    settings.write_text(text.replace("teaser_chars = 600", "teaser_chars = 0"), encoding="utf-8")
    paths = ["/lol.xml", "/xxe.xml", "/bomb.xml", "/latin1.xml", "/feed.xml"]
    if database_url.startswith("sqlite"):
        site.route("/big.xml", Reply(200, {"Content-Type": "application/rss+xml"}, big_feed(10_000)))
        paths.append("/big.xml")
    for path in paths:
        newsdesk("sources", "add", site.url(path), "--kind", "feed", "--desk", desk)
    code, _out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 0, err
    _, listing, _ = newsdesk("sources", "list", "--desk", desk)
    lines = {line.split("  ")[2]: line for line in listing.splitlines()[:-1]}
    assert "error: unreadable" in lines[site.url("/lol.xml")]
    assert "error: body is over the 4,194,304-byte cap" in lines[site.url("/bomb.xml")]
    assert "error:" not in lines[site.url("/feed.xml")]
    articles = fetched_articles(desk)
    assert all("TOP-SECRET-VALUE" not in (a["row"].text or "") for a in articles.values())  # type: ignore[attr-defined]
    assert all("TOP-SECRET-VALUE" not in a["article"].title for a in articles.values())  # type: ignore[attr-defined]
    latin1 = articles["https://latin1.example/café"]["article"]
    assert latin1.title == "Café déjà vu: the robot barista"  # type: ignore[attr-defined]
    if "/big.xml" in paths:
        big = [u for u in articles if u.startswith("https://big.example/")]
        assert len(big) == 5000  # the parser's cap on entries per feed
        assert "items: 5000" in lines[site.url("/big.xml")]


LATIN1_FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Caf\xe9</title>'
    "<item><title>Caf\xe9 d\xe9j\xe0 vu: the robot barista</title><link>https://latin1.example/caf\xe9</link>"
    "<description>A robot makes coffee.</description></item></channel></rss>"
).encode("latin-1")


def test_sources_export_gives_back_what_import_took(desk: Path, tmp_path: Path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="AI"><outline text="Lab Notes" title="Lab Notes" type="rss" '
        'xmlUrl="https://lab-notes.example/feed.xml" htmlUrl="https://lab-notes.example/"/></outline>'
        '<outline text="Wire" type="rss" xmlUrl="https://wire.example/rss"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    code, out, _ = newsdesk("sources", "import", opml, "--desk", desk)
    assert (code, out) == (0, "added 2 feeds, 0 already watched\n")
    assert newsdesk("sources", "import", opml, "--desk", desk)[1] == "added 0 feeds, 2 already watched\n"
    exported = tmp_path / "out.opml"
    assert newsdesk("sources", "export", "--output", exported, "--desk", desk)[0] == 0
    from newsdesk.ingest.sources.opml import parse_opml

    outlines = parse_opml(exported.read_bytes(), str(exported))
    assert [(o.xml_url, o.html_url, o.title, o.category) for o in outlines] == [
        ("https://lab-notes.example/feed.xml", "https://lab-notes.example/", "Lab Notes", "AI"),
        ("https://wire.example/rss", None, "Wire", None),
    ]


def test_every_article_has_a_language_and_a_source_may_pin_it(site: Site, desk: Path, tmp_path: Path) -> None:
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    assert newsdesk("fetch", "--once", "--desk", desk)[0] == 0
    # Each page's own tag, or its feed's, or a guess from its English text: never unknown.
    assert {row["row"].language for row in fetched_articles(desk).values()} <= {"en", "en-us", "en-gb"}  # type: ignore[attr-defined]
    other = tmp_path / "pinned"
    assert newsdesk("init", other)[0] == 0
    code, _out, err = newsdesk(
        "sources", "add", site.url("/feed.xml"), "--kind", "feed", "--lang", "pt-BR", "--desk", other
    )
    assert code == 0, err
    assert newsdesk("fetch", "--once", "--desk", other)[0] == 0
    assert {row["row"].language for row in fetched_articles(other).values()} == {"pt-br"}  # type: ignore[attr-defined]
    code, _out, err = newsdesk(
        "sources", "add", site.url("/x.xml"), "--kind", "feed", "--lang", "not a tag!", "--desk", other
    )
    assert code == 2
    assert "not a language tag" in err
