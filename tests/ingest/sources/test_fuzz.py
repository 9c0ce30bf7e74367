"""Fuzzing the sources layer: RSS, Atom, RDF, JSON Feed, OPML and sitemaps from a stranger's server.

Hypothesis feeds the parsers mutated real-shaped documents, documents built
around hostile values (numbers, dates, charsets, entities, deep nesting) and
random bytes. Each answers with a result or its own error as one line naming
the input, within the deadline and the memory bound; nothing else.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.ingest.documents import entry_article
from newsdesk.ingest.entries import entry_key
from newsdesk.ingest.sources.discovery import discover_feeds, looks_like_feed
from newsdesk.ingest.sources.errors import SourceError
from newsdesk.ingest.sources.feed import parse_feed
from newsdesk.ingest.sources.model import ParsedFeed
from newsdesk.ingest.sources.opml import parse_opml
from newsdesk.ingest.sources.sitemap import parse_sitemap
from tests.support.fuzzing import (
    assert_one_line_naming,
    fuzz_settings,
    hostile_charsets,
    hostile_dates,
    hostile_numbers,
    hostile_text,
    memory_bound,
    mutated,
    warmed_up,
    xml_escape,
)
from tests.support.paths import FIXTURES

#: A failing example's repr may be large (a generated document): the failure, not a warning about its size.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

URL = "https://fuzz.example/feed.xml"
NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
SEEDS = [path.read_bytes() for path in sorted((FIXTURES / "feeds").iterdir())]
SEEDS.append((FIXTURES / "site" / "feed.xml").read_bytes())
CONTENT_TYPES = st.sampled_from(
    [None, "application/rss+xml", "application/json", "text/xml; charset=²³", "text/html; charset=utf-16", ""]
) | st.text(max_size=40)


def check_feed(data: bytes, content_type: str | None) -> None:
    """The property: a feed (whose entries the desk can then read) or one line naming the feed."""
    try:
        feed = parse_feed(data, URL, content_type)
    except SourceError as error:
        assert_one_line_naming(error, URL)
        return
    assert isinstance(feed, ParsedFeed)
    for entry in feed.entries[:50]:
        # What the pipeline does with an entry that is not a teaser: its own words read as a page.
        entry_article(entry, feed, entry_key(entry) or "key", now=NOW)
    looks_like_feed(data, content_type)


@st.composite
def rss_with_hostile_values(draw: st.DrawFn) -> bytes:
    number, date, text = draw(hostile_numbers), draw(hostile_dates), draw(hostile_text)
    depth = draw(st.integers(min_value=0, max_value=3000))
    nested = "<x>" * depth + "deep" + "</x>" * depth
    doctype = draw(
        st.sampled_from(
            ["", '<!DOCTYPE rss [<!ENTITY e "&#99999999999;">]>', '<!DOCTYPE rss [<!ENTITY e "' + "&#9;" * 500 + '">]>']
        )
    )
    return (
        f'<?xml version="1.0" encoding="{xml_escape(draw(hostile_charsets))}"?>{doctype}'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        f"<title>{text}</title><ttl>{number}</ttl><sy:updatePeriod>{text}</sy:updatePeriod>"
        f"<sy:updateFrequency>{number}</sy:updateFrequency><link>{text}</link>"
        f"<item><title>{text}</title><link>https://fuzz.example/{xml_escape(text)}</link>"
        f"<pubDate>{date}</pubDate><description>{nested}</description>"
        f'<enclosure url="https://fuzz.example/a.mp3" length="{xml_escape(number)}" type="audio/mpeg"/>'
        f'<media:content url="https://fuzz.example/a.jpg" width="{xml_escape(number)}" '
        f'height="{xml_escape(draw(hostile_numbers))}"/><guid>{text}</guid></item></channel></rss>'
    ).encode("utf-8", "surrogatepass")


@st.composite
def atom_with_hostile_values(draw: st.DrawFn) -> bytes:
    date, text = draw(hostile_dates), draw(hostile_text)
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        f'xml:base="{xml_escape(text)}"><title type="{xml_escape(text)}">{text}</title>'
        f'<entry><title type="xhtml">{text}</title><updated>{date}</updated><published>{date}</published>'
        f'<link rel="alternate" href="{xml_escape(text)}" length="{xml_escape(draw(hostile_numbers))}"/>'
        f'<content type="html">{text}</content></entry></feed>'
    ).encode("utf-8", "surrogatepass")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["²³", "1e999", "9" * 5000])
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@st.composite
def json_feed_with_hostile_values(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(min_value=0, max_value=100_000))
    item = {
        "id": draw(JSON_VALUES),
        "url": draw(hostile_text),
        "title": draw(JSON_VALUES),
        "content_html": draw(hostile_text),
        "date_published": draw(hostile_dates),
        "image": draw(JSON_VALUES),
        "authors": draw(JSON_VALUES),
        "attachments": [
            {"url": "https://fuzz.example/a.mp3", "size_in_bytes": draw(JSON_VALUES), "mime_type": draw(JSON_VALUES)}
        ],
    }
    document = {"version": "https://jsonfeed.org/version/1.1", "title": draw(JSON_VALUES), "items": [item]}
    text = json.dumps(document)
    raw_number = draw(st.sampled_from(["1e400", "-1e400", "9" * 5000, "1" + "0" * 400, "-0", "1.5e308"]))
    text = text.replace('"size_in_bytes": ', f'"size_in_bytes": {raw_number}, "x": ', 1)
    return (text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}").encode()


def test_mutated_real_feeds() -> None:
    @fuzz_settings(500)
    @given(mutated(SEEDS), CONTENT_TYPES)
    def run(data: bytes, content_type: str | None) -> None:
        check_feed(data, content_type)

    with memory_bound():
        warmed_up(lambda seed: check_feed(seed, None), SEEDS)
        run()


def test_feeds_built_around_hostile_values() -> None:
    @fuzz_settings(500)
    @given(st.one_of(rss_with_hostile_values(), atom_with_hostile_values(), json_feed_with_hostile_values()))
    def run(data: bytes) -> None:
        check_feed(data, None)

    with memory_bound():
        warmed_up(lambda seed: check_feed(seed, None), SEEDS)
        run()


def test_random_bytes_as_feeds_opml_and_sitemaps() -> None:
    prefixes = st.sampled_from([b"", b"<?xml version='1.0'?>", b"\xef\xbb\xbf", b"\xff\xfe", b"{", b"\x1f\x8b", b"<"])

    @fuzz_settings(400)
    @given(prefixes, st.binary(max_size=2000))
    def run(prefix: bytes, data: bytes) -> None:
        check_feed(prefix + data, None)
        try:
            parse_opml(prefix + data, URL)
        except SourceError as error:
            assert_one_line_naming(error, URL)
        try:
            parse_sitemap(prefix + data, URL)
        except SourceError as error:
            assert_one_line_naming(error, URL)
        discover_feeds(prefix + data, URL)

    with memory_bound():
        warmed_up(lambda seed: check_feed(seed, None), SEEDS)
        run()


def test_mutated_opml_and_sitemaps() -> None:
    @fuzz_settings(300)
    @given(mutated(SEEDS), hostile_numbers, hostile_dates)
    def run(data: bytes, number: str, date: str) -> None:
        sitemap = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>https://fuzz.example/a</loc><lastmod>{date}</lastmod><priority>{number}</priority>"
            "</url></urlset>"
        ).encode("utf-8", "surrogatepass")
        for document in (data, sitemap):
            try:
                parse_sitemap(document, URL)
            except SourceError as error:
                assert_one_line_naming(error, URL)
        try:
            parse_opml(data, URL)
        except SourceError as error:
            assert_one_line_naming(error, URL)

    with memory_bound():
        warmed_up(lambda seed: check_feed(seed, None), SEEDS)
        run()
