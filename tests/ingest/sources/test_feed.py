"""parse_feed on feeds written for these tests, on hostile input, and on the real corpora in ../shared."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.ingest.sources import MAX_ENTRIES, Enclosure, FeedError, FeedImage, parse_feed
from newsdesk.ingest.sources.dates import parse_date
from newsdesk.ingest.sources.discovery import looks_like_feed
from tests.support.paths import FIXTURES, shared_dir

FEEDS = FIXTURES / "feeds"
URL = "https://host.example/dir/feed"


def _read(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss2_with_content_encoded_media_and_enclosure() -> None:
    feed = parse_feed(_read("rss2.xml"), URL)
    assert (feed.kind, feed.title, feed.site_url, feed.language) == (
        "rss",
        "Example Newsroom",
        "https://news.example.com/",
        "en-GB",
    )
    assert feed.recovered is None
    first, second = feed.entries
    assert first.id == "tag:news.example.com,2024:1001"
    assert first.title == "Robots learn to fold laundry"
    assert first.link == "https://host.example/2024/05/robots-fold-laundry"  # relative to the document
    assert first.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert first.summary == "<p>A lab in Zurich taught a robot to fold shirts.</p>"
    assert first.content is not None
    assert "<b>fold shirts</b> &amp; towels" in first.content
    assert first.authors == ("Ada Lovelace", "Grace Hopper")
    assert first.categories == ("Robotics", "AI")
    assert first.image == FeedImage("https://cdn.example.com/laundry-large.jpg", 1280, 720)  # the widest image
    assert first.enclosures == (Enclosure("https://cdn.example.com/laundry.mp3", "audio/mpeg", 123456),)
    assert first.language == "en-GB"
    # No <link>: a permalink guid is the link; a thumbnail is the image.
    assert second.link == second.id == "https://news.example.com/2024/05/chips"
    assert second.image == FeedImage("https://cdn.example.com/chips-thumb.jpg", 150, 100)
    assert second.content is None


def test_rss1_rdf() -> None:
    feed = parse_feed(_read("rdf.xml"), URL)
    assert (feed.kind, feed.title, feed.site_url, feed.language) == (
        "rdf",
        "Science Weekly",
        "https://science.example.org/",
        "de",
    )
    (entry,) = feed.entries
    assert entry.id == entry.link == "https://science.example.org/papers/42"
    assert entry.published == datetime(2023, 11, 2, 13, 15, tzinfo=UTC)
    assert entry.authors == ("Alan Turing",)
    assert entry.categories == ("Interpretability",)


def test_atom_with_xml_base_and_relative_links() -> None:
    feed = parse_feed(_read("atom.xml"), URL)
    assert feed.kind == "atom"
    assert feed.title == "Deep <em>Learning</em> Notes"  # type="html": as given
    assert feed.site_url == "https://blog.example.net/ai/"
    assert feed.language == "en"
    first, second = feed.entries
    assert first.link == "https://blog.example.net/ai/posts/transformers.html"  # feed base + entry base + href
    assert first.published == datetime(2024, 3, 1, 11, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 3, 2, 9, 0, tzinfo=UTC)
    assert first.summary == "<p>Attention is all you need.</p>"
    assert first.content == '<p>Self-attention <a href="../glossary.html">weighs</a> tokens.</p><br />'
    assert first.authors == ("Yann Example",)
    assert first.categories == ("nlp",)
    assert first.image == FeedImage("https://blog.example.net/ai/posts/thumbs/transformers.jpg", 640, 360)
    assert first.enclosures == (Enclosure("https://blog.example.net/img/attention.png", "image/png", 2048),)
    assert first.language == "en"
    assert second.link == "https://blog.example.net/ai/diffusion.html"
    assert second.published is None
    assert second.content == "<p>Noise in, pictures out.</p>"


def test_json_feed_1_1() -> None:
    feed = parse_feed(_read("jsonfeed.json"), URL, "application/feed+json")
    assert (feed.kind, feed.title, feed.site_url, feed.language) == (
        "jsonfeed",
        "Model Releases",
        "https://models.example.io/",
        "fr",
    )
    first, second = feed.entries
    assert first.id == "7"
    assert first.link == "https://models.example.io/releases/7"
    assert first.published == datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    assert first.content == "<p>Faster <em>and</em> smaller.</p>"
    assert first.summary == "Faster and smaller."
    assert first.authors == ("Marie Curie",)
    assert first.categories == ("release", "llm")
    assert first.image == FeedImage("https://models.example.io/img/7.png")
    assert first.enclosures == (Enclosure("https://models.example.io/7.tar.gz", "application/gzip", 1048576),)
    assert second.link == "https://elsewhere.example.com/six"
    assert second.content == "Plain text only."
    assert second.authors == ("The Release Bot",)  # the feed's authors when the item names none
    assert second.language == "en"


def test_json_feed_errors_name_the_problem() -> None:
    with pytest.raises(FeedError, match="JSON Feed: items is not a list"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', URL)
    with pytest.raises(FeedError, match=r"^https://host\.example/dir/feed: JSON error"):
        parse_feed(b'{"version": ', URL)


def test_truncated_json_feed_keeps_its_complete_items() -> None:
    whole = _read("jsonfeed.json")
    feed = parse_feed(whole[: whole.index(b'"content_text"')], URL)
    assert [entry.id for entry in feed.entries] == ["7"]
    assert feed.recovered is not None
    assert "truncated JSON" in feed.recovered


def test_ill_formed_feed_is_recovered_and_says_what_was_wrong() -> None:
    feed = parse_feed(_read("illformed.xml"), URL)
    assert feed.title == "Broken\xa0Feed"
    first, second = feed.entries
    assert first.title == "AT&T buys a robot"
    assert first.link == "https://broken.example.com/story?id=1&page=2"
    assert first.summary == "Café owners — delighted."
    assert second.title == "Second story"
    assert feed.recovered is not None
    assert "&nbsp;" in feed.recovered
    assert "bare '&'" in feed.recovered
    assert "XML error at line 14" in feed.recovered


def test_truncated_xml_keeps_what_came() -> None:
    feed = parse_feed(b"<rss><channel><title>Cut</title><item><title>First</title></item><item><tit", URL)
    assert feed.title == "Cut"
    assert feed.entries[0].title == "First"
    assert feed.recovered is not None
    assert feed.recovered.startswith("ill-formed XML recovered (XML error at line 1")


def test_named_entities_are_left_alone_inside_cdata() -> None:
    data = b"<rss><channel><item><title><![CDATA[Tom &nbsp; Jerry & co]]></title></item></channel></rss>"
    feed = parse_feed(data, URL)
    assert feed.entries[0].title == "Tom &nbsp; Jerry & co"
    assert feed.recovered is None


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(FeedError, match="expands other entities; refused"):
        parse_feed(_read("billion-laughs.xml"), URL)
    assert time.perf_counter() - started < 1


def test_a_second_doctype_is_refused() -> None:
    data = _read("billion-laughs.xml").replace(b"<!DOCTYPE rss [", b"<!DOCTYPE a>\n<!DOCTYPE rss [", 1)
    with pytest.raises(FeedError, match="more than one DOCTYPE; refused"):
        parse_feed(data, URL)


def test_plain_internal_entities_are_substituted() -> None:
    feed = parse_feed(_read("entity-in-doctype.xml"), URL)
    assert feed.title == "© Entities"
    assert feed.entries[0].link == "https://entities.example.com/post"


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    for declaration in (f'SYSTEM "file://{secret}"', f'PUBLIC "-//x//y//EN" "file://{secret}"'):
        data = (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY xxe {declaration}> ]>\n'
            "<rss><channel><title>t&xxe;</title><item><title>&xxe;</title></item></channel></rss>"
        ).encode()
        feed = parse_feed(data, URL)
        assert "TOP-SECRET" not in repr(feed)
        assert feed.title == "t"
        assert feed.recovered is not None
        assert "external entities not loaded (xxe)" in feed.recovered


def test_parameter_entities_and_external_dtds_are_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "LEAKED">', encoding="utf-8")
    data = (
        f'<!DOCTYPE rss SYSTEM "file://{dtd}" [ <!ENTITY % p SYSTEM "file://{dtd}"> %p; ]>'
        "<rss><channel><title>&leak;</title></channel></rss>"
    ).encode()
    feed = parse_feed(data, URL)
    assert "LEAKED" not in repr(feed)


def test_ten_thousand_items_are_capped() -> None:
    items = "".join(
        f"<item><title>Item {n}</title><link>https://big.example.com/{n}</link>"
        f"<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>"
        for n in range(10_000)
    )
    data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    started = time.perf_counter()
    feed = parse_feed(data, URL)
    assert time.perf_counter() - started < 5
    assert len(feed.entries) == MAX_ENTRIES
    assert feed.entries[0].title == "Item 0"
    assert feed.entries[-1].link == f"https://big.example.com/{MAX_ENTRIES - 1}"
    assert feed.recovered == f"10000 entries; kept the first {MAX_ENTRIES}"


@pytest.mark.parametrize("name", ["latin1-declared-utf8.xml", "latin1-undeclared.xml"])
def test_latin1_bytes_are_read_as_latin1(name: str) -> None:
    feed = parse_feed(_read(name), URL)
    assert feed.title == "Notícias do Brasil"
    assert feed.entries[0].title == "Mãe de utente é a nova presidente"
    assert feed.recovered is not None
    assert "decoded as cp1252" in feed.recovered


def test_declared_and_http_charsets() -> None:
    assert parse_feed(_read("windows1252-declared.xml"), URL).title == "Don’t panic – it’s €5"
    assert parse_feed(_read("utf16.xml"), URL).title == "Wide ☃"
    # The HTTP charset names how to read bytes that are not UTF-8.
    data = "<rss><channel><title>Grüße</title></channel></rss>".encode("iso-8859-15")
    feed = parse_feed(data, URL, "application/rss+xml; charset=ISO-8859-15")
    assert (feed.title, feed.recovered) == ("Grüße", None)
    # Valid UTF-8 is read as UTF-8 even when the header says otherwise, and that is noted.
    feed = parse_feed("<rss><channel><title>Grüße</title></channel></rss>".encode(), URL, "text/xml; charset=latin-1")
    assert feed.title == "Grüße"
    assert feed.recovered == "declared as latin-1 but is UTF-8"


def test_bom_and_whitespace_before_the_declaration() -> None:
    feed = parse_feed(b'\xef\xbb\xbf\n  <?xml version="1.0"?><rss><channel><title>x</title></channel></rss>', URL)
    assert feed.title == "x"
    assert feed.recovered == "whitespace before the XML declaration"


def test_windows_1252_punctuation_sent_as_c1_controls() -> None:
    data = "<rss><channel><item><title>don\x92t</title><description>it&#146;s</description></item></channel></rss>"
    entry = parse_feed(data.encode(), URL).entries[0]
    assert (entry.title, entry.summary) == ("don’t", "it’s")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "not a feed: empty document"),
        (b"<!DOCTYPE html><html><head><title>x</title></head></html>", "not a feed: HTML page"),
        (b"<html><body>Moved</body></html>", "not a feed: HTML page"),
        (b"<opml version='2.0'><body/></opml>", "not a feed: OPML subscription list"),
        (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>", "not a feed: sitemap"),
        (b"<note><to>you</to></note>", "not a feed: root element <note>"),
        (b"Just some text", "not a feed: neither XML nor JSON"),
        (b"<1rss>", "XML error at line 1: StartTag: invalid element name"),
        (b'{"title": "no items"}', "not a feed: JSON without a JSON Feed version"),
    ],
)
def test_not_a_feed(data: bytes, problem: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(data, URL)
    assert str(caught.value).startswith(f"{URL}: ")
    assert problem in str(caught.value)


def test_atom_0_3_and_base64_content() -> None:
    data = b"""<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
      <link rel="alternate" type="text/html" href="http://old.example.com/"/>
      <entry><title mode="base64" type="text/html">PGI+SGk8L2I+</title><issued>2004-01-01T00:00:00Z</issued>
      <modified>2004-01-02T00:00:00Z</modified><link href="http://old.example.com/1"/></entry></feed>"""
    feed = parse_feed(data, URL)
    assert (feed.kind, feed.title, feed.site_url) == ("atom", "Old", "http://old.example.com/")
    entry = feed.entries[0]
    assert entry.title == "<b>Hi</b>"
    assert entry.published == datetime(2004, 1, 1, tzinfo=UTC)
    assert entry.updated == datetime(2004, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 14 May 2024 09:30:00 +0200", datetime(2024, 5, 14, 7, 30, tzinfo=UTC)),
        ("Tue, 14 May 2024 09:30:00 EDT", datetime(2024, 5, 14, 13, 30, tzinfo=UTC)),
        ("14 May 2024 09:30 GMT", datetime(2024, 5, 14, 9, 30, tzinfo=UTC)),
        ("Tue, 14 May 24 09:30:00 Z", datetime(2024, 5, 14, 9, 30, tzinfo=UTC)),
        ("Tue,  4 Jun 2024 09:30:00 CEST", datetime(2024, 6, 4, 7, 30, tzinfo=UTC)),
        ("Fri, 12 Jun 2020 08:00:00 +0000 (UTC)", datetime(2020, 6, 12, 8, 0, tzinfo=UTC)),
        ("2024-05-14T09:30:00Z", datetime(2024, 5, 14, 9, 30, tzinfo=UTC)),
        ("2024-05-14T09:30:00.123-05:00", datetime(2024, 5, 14, 14, 30, 0, 123000, tzinfo=UTC)),
        ("2024-05-14 09:30:00 +0000", datetime(2024, 5, 14, 9, 30, tzinfo=UTC)),
        ("20240514T093000Z", datetime(2024, 5, 14, 9, 30, tzinfo=UTC)),
        ("2024-05-14", datetime(2024, 5, 14, tzinfo=UTC)),
        ("May 14, 2024 3:04 PM", datetime(2024, 5, 14, 15, 4, tzinfo=UTC)),
        ("Thu Jan  1 19:48:21 2004", datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)),
        ("1518478934", None),
        ("31 Feb 2024 10:00:00 GMT", None),
        ("", None),
        ("soon", None),
    ],
)
def test_dates(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_looks_like_feed() -> None:
    assert looks_like_feed(_read("rss2.xml"), "text/xml")
    assert looks_like_feed(_read("atom.xml"), None)
    assert looks_like_feed(_read("rdf.xml"), None)
    assert looks_like_feed(_read("jsonfeed.json"), "application/json")
    assert looks_like_feed(_read("utf16.xml"), None)
    assert not looks_like_feed(_read("page.html"), "text/html")
    assert not looks_like_feed(_read("news-sitemap.xml"), "application/xml")
    assert not looks_like_feed(b'{"data": [1, 2]}', "application/json")
    assert not looks_like_feed(b"", None)


# -- the real corpora -------------------------------------------------------------------------------------------

REAL = ("rss-parser/test/input", "feedjira/spec/sample_feeds", "rsparser-netnewswire/Tests/RSParserTests/Resources")


def _real_feed_files(feeds: Path) -> list[Path]:
    """The feed files of the real corpora: not HTML pages, OPML, or feedjira's expected-content fragments."""
    files = []
    for folder in REAL:
        for path in sorted((feeds / folder).iterdir()):
            if path.suffix in (".html", ".opml") or "FirstEntry" in path.name:
                continue
            files.append(path)
    return files


@pytest.mark.shared_data
def test_real_feeds_parse() -> None:
    shared = shared_dir()
    if shared is None or not (shared / "data" / "feeds").is_dir():
        pytest.skip("../shared/data/feeds is not here")
    files = _real_feed_files(shared / "data" / "feeds")
    assert len(files) > 90
    parsed = failed = 0
    for path in files:
        try:
            feed = parse_feed(path.read_bytes(), f"https://example.com/{path.name}")
        except FeedError:
            failed += 1
            continue
        parsed += 1
        assert feed.entries, path.name
        for entry in feed.entries:
            assert entry.link is None or entry.link.startswith(("http://", "https://")), (path.name, entry.link)
            for moment in (entry.published, entry.updated):
                assert moment is None or moment.tzinfo is UTC
    assert parsed / len(files) >= 0.95, f"{failed} of {len(files)} failed"


@pytest.mark.shared_data
def test_real_feeds_known_values() -> None:
    shared = shared_dir()
    if shared is None or not (shared / "data" / "feeds").is_dir():
        pytest.skip("../shared/data/feeds is not here")
    feeds = shared / "data" / "feeds"
    guardian = parse_feed((feeds / "rss-parser/test/input/guardian.rss").read_bytes(), "https://www.theguardian.com/")
    assert guardian.title == "The Guardian"
    assert len(guardian.entries) == 55
    assert all(entry.image is not None for entry in guardian.entries[:5])
    heise = parse_feed((feeds / "rss-parser/test/input/heise.atom").read_bytes(), "https://www.heise.de/")
    assert heise.entries[0].title == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    assert heise.entries[0].published == datetime(2016, 2, 1, 16, 22, tzinfo=UTC)
    # Latin-1 bytes without a declaration read as Portuguese, not mojibake.
    uol = parse_feed((feeds / "rss-parser/test/input/uolNoticias.rss").read_bytes(), "https://noticias.uol.com.br/")
    assert "simulações de 2º turno" in (uol.entries[0].title or "")
    unrecognized = (feeds / "rss-parser/test/input/unrecognized.rss").read_bytes()
    with pytest.raises(FeedError, match="not a feed: HTML page"):
        parse_feed(unrecognized, "https://example.com/")


def test_hostile_numbers_in_feeds_are_ignored_not_raised() -> None:
    """``isdigit()`` says yes to ``²³``, which ``int()`` refuses: sizes and dates read with ASCII rules."""
    feed = parse_feed(
        b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title><item>'
        b"<title>a</title><link>https://x.example/a</link><pubDate>\xc2\xb2\xc2\xb3 May 2024 10:00 GMT</pubDate>"
        b'<enclosure url="https://x.example/a.mp3" length="\xc2\xb2\xc2\xb3" type="audio/mpeg"/>'
        b'<media:content url="https://x.example/a.jpg" width="\xc2\xb2\xc2\xb3" height="99999999999999999999"/>'
        b"</item></channel></rss>",
        URL,
    )
    [entry] = feed.entries
    assert entry.published is None
    assert [e.length for e in entry.enclosures] == [None]
    json_feed = parse_feed(
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "https://x.example/1", '
        b'"attachments": [{"url": "https://x.example/a.mp3", "size_in_bytes": "\xc2\xb2\xc2\xb3"}, '
        b'{"url": "https://x.example/b.mp3", "size_in_bytes": 1e400}]}]}',
        URL,
    )
    assert [e.length for e in json_feed.entries[0].enclosures] == [None, None]
    assert parse_date("²³ May 2024 10:00:00 GMT") is None
    assert parse_date("Tue, ²³ May 2024 10:00:00 GMT") is None


def test_a_json_feed_nested_past_the_decoders_depth_is_one_line() -> None:
    deep = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    with pytest.raises(FeedError) as error:
        parse_feed(deep, URL)
    assert str(error.value) == f"{URL}: JSON error: nested too deeply"


def test_a_feed_error_is_one_line_whatever_the_xml_parser_says() -> None:
    with pytest.raises(FeedError) as error:
        parse_feed(b"<?xml\x00", URL)
    assert "\n" not in str(error.value)
    assert str(error.value).startswith(f"{URL}: ")
